"""The page's browser-side pieces: plots, network and play button.

Each is an ipyvuetify template widget (the way Solara's own ``VegaLite``
widget is made) with its JavaScript in ``vue/``: the browser keeps the plots
and the canvas and updates them in place when the server sends a new month,
instead of receiving a new image. They load Vega from the page's own asset
folder (the same files Solara's Altair plots use), never from the internet.
"""

from __future__ import annotations

from pathlib import Path

import ipyvuetify as v
import traitlets

VUE = Path(__file__).resolve().parent / "vue"


# The data travels as JSON text: the page's renderer walks lists and dicts given to
# a widget (looking for widgets inside), which costs more than the month itself.


class Charts(v.VuetifyTemplate):
    """Vega-Lite plots made once from ``specs``, then fed ``past`` and ``now`` rows
    (JSON text: a list of specs, a list of rows, ``{"gen": reset counter, "rows": [...]}``)."""

    template_file = str(VUE / "charts.vue")
    specs = traitlets.Unicode("[]").tag(sync=True)
    past = traitlets.Unicode("[]").tag(sync=True)
    now = traitlets.Unicode('{"gen": 0, "rows": []}').tag(sync=True)
    xmax = traitlets.Int(60).tag(sync=True)
    dark = traitlets.Bool(False).tag(sync=True)
    locale = traitlets.Unicode("en").tag(sync=True)


class Network(v.VuetifyTemplate):
    """The social network on a canvas: ``geometry`` once per model, ``frame`` each month
    (JSON text)."""

    template_file = str(VUE / "network.vue")
    geometry = traitlets.Unicode("{}").tag(sync=True)  # not "layout": every ipywidget has one
    frame = traitlets.Unicode("{}").tag(sync=True)
    dark = traitlets.Bool(False).tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)


class Player(v.VuetifyTemplate):
    """▶ / ❚❚: while ``playing``, the browser calls ``on_tick`` for the next month once
    the previous ``frame`` has arrived and ``interval`` ms have passed."""

    template_file = str(VUE / "player.vue")
    playing = traitlets.Bool(False).tag(sync=True)
    enabled = traitlets.Bool(True).tag(sync=True)
    interval = traitlets.Int(50).tag(sync=True)
    frame = traitlets.Unicode("").tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    on_tick = traitlets.Callable(None, allow_none=True)

    def vue_tick(self, frame=None):
        if self.on_tick is not None and self.playing and frame == self.frame:
            self.on_tick()


class Menu(v.VuetifyTemplate):
    """The menu button that shows or hides the controls (in the browser alone)."""

    template_file = str(VUE / "menu.vue")
    label = traitlets.Unicode("").tag(sync=True)
