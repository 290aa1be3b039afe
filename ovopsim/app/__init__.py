"""The teaching front end: an interactive browser app (Solara, with Mesa's pieces).

Start it with ``ovopsim app`` or ``python -m ovopsim.app``. Modules:
:mod:`~ovopsim.app.page` (the page and its layout), :mod:`~ovopsim.app.bench`
(a session's runs: earlier runs, side by side, headline numbers),
:mod:`~ovopsim.app.views` (what the page shows), :mod:`~ovopsim.app.charts`
(the plots' Vega-Lite specifications, built with Altair, and the network's
drawing data), :mod:`~ovopsim.app.widgets` (the browser-side plots, network and
play button, JavaScript in ``vue/``), :mod:`~ovopsim.app.controls` (controls ->
scenario, notes on settings that do nothing), :mod:`~ovopsim.app.layout` (fixed
network layout), :mod:`~ovopsim.app.i18n` (English and Bahasa Indonesia),
:mod:`~ovopsim.app.lessons` (a lesson per scenario), :mod:`~ovopsim.app.assets`
(the page's browser files, fetched once) and :mod:`~ovopsim.app.cli` (the
launcher).
"""
