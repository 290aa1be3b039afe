"""The teaching front end: an interactive browser app (Mesa SolaraViz).

Start it with ``ovopsim app`` or ``python -m ovopsim.app``. Modules:
:mod:`~ovopsim.app.page` (the page), :mod:`~ovopsim.app.views` (what it
draws), :mod:`~ovopsim.app.controls` (controls -> scenario),
:mod:`~ovopsim.app.layout` (fixed network layout), :mod:`~ovopsim.app.i18n`
(English and Bahasa Indonesia), :mod:`~ovopsim.app.cli` (the launcher).
"""
