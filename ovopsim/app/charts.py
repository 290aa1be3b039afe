"""The page's six plots as Vega-Lite specifications, built with Altair as Mesa's own
plots are, and the network's drawing data.

The browser keeps each plot open and only receives new rows (see
:mod:`ovopsim.app.widgets`), so a month costs a few kilobytes and a few
milliseconds instead of a redrawn image. The specifications read three named
datasets that the browser fills: ``past`` (earlier runs, fainter),
``now`` (the runs under way, one row per run and month, from
:meth:`ovopsim.app.bench.Bench.current_rows`) and the ``xmax`` parameter (the run's
last month). Colours come with the rows, so a new run never changes a
specification; only a new language does.
"""

from __future__ import annotations

import json
from functools import lru_cache

import altair as alt
import matplotlib
import numpy as np

from .i18n import t
from .layout import disc_radius, village_centres, village_layout

# the browser's Vega-Lite is version 5 (the one Solara's page loads); Altair writes
# version 6 specifications, which it reads the same for the features used here
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
HEIGHT = 130
FESTIVE_COLOUR = "#f2b134"

# (id, i18n title, fields (a second one is dashed), number format, y from zero)
PLOTS = (
    ("income", "plot_income", ("income",), ",.0f", False),
    ("jobs", "plot_jobs", ("jobs",), ",d", False),
    ("partnerships", "plot_partnerships", ("within", "between"), ",d", True),
    ("trust", "plot_trust", ("trust",), ".3~f", False),  # a narrow range: 0.755, not 0.76 twice
    ("outside", "plot_outside", ("outside",), ".0%", True),
    ("spent", "plot_budget", ("spent",), ",.0f", True),
)
X = alt.X("month:Q", title=None, scale=alt.Scale(domainMin=0, domainMax=alt.ExprRef("xmax"), nice=False),
          axis=alt.Axis(tickMinStep=1, format="d", labelOverlap=True))
COLOUR = alt.Color("c:N", scale=None, legend=None)  # each row carries its run's colour


def _tooltip(field: str, fmt: str, lang: str) -> list:
    return [alt.Tooltip("l:N", title=t("run", lang)), alt.Tooltip("month:Q", title=t("month", lang)),
            alt.Tooltip(f"{field}:Q", title=t(f"plot_{field}_short", lang), format=fmt)]


def _plot(spec_id: str, title_key: str, fields: tuple[str, ...], fmt: str, zero: bool, lang: str) -> dict:
    # counts have whole-number ticks (a narrow range would repeat 151 at 150.5 and 151.0)
    y_axis = alt.Axis(format=fmt, labelOverlap=True, tickCount=4, title=None,
                      **({"tickMinStep": 1} if fmt.endswith("d") else {}))
    y_scale = alt.Scale(zero=zero, nice=True)
    layers = []
    if spec_id == "income":
        # festive months (before Eid al-Fitr, before Christmas): bands behind the lines
        layers.append(
            alt.Chart(alt.NamedData("now")).transform_filter("datum.festive && datum.r != 'A'")
            .transform_calculate(x0="datum.month - 0.5", x1="datum.month + 0.5")
            .mark_rect(color=FESTIVE_COLOUR, opacity=0.25)
            .encode(x=alt.X("x0:Q", scale=alt.Scale(domainMin=0, domainMax=alt.ExprRef("xmax"), nice=False)),
                    x2="x1:Q", tooltip=[alt.Tooltip("month:Q", title=t("festive_month", lang))]))
    for data, current in (("past", False), ("now", True)):
        for i, field in enumerate(fields):
            layers.append(
                alt.Chart(alt.NamedData(data))
                .mark_line(strokeWidth=2.2 if current else 1.4, opacity=1.0 if current else 0.55,
                           strokeDash=[4, 3] if i else [1, 0])
                .encode(x=X, y=alt.Y(f"{field}:Q", axis=y_axis, scale=y_scale), color=COLOUR, detail="r:N",
                        tooltip=_tooltip(field, fmt, lang)))
    # a dot at each run's latest month: one month is a dot, not an empty plot
    for field in fields:
        layers.append(
            alt.Chart(alt.NamedData("now"))
            .transform_joinaggregate(last="max(month)", groupby=["r"])
            .transform_filter("datum.month == datum.last")
            .mark_point(filled=True, size=36, opacity=1)
            .encode(x="month:Q", y=f"{field}:Q", color=COLOUR, tooltip=_tooltip(field, fmt, lang)))
    chart = alt.layer(*layers).properties(width=200, height=HEIGHT).add_params(alt.param(name="xmax", value=60))
    spec = chart.to_dict()
    spec["$schema"] = SCHEMA
    # the browser sets the width to its cell's; resize: the axes' labels grow as the data
    # arrive, and the plot must make room for them
    spec["autosize"] = {"type": "fit-x", "contains": "padding", "resize": True}
    spec["usermeta"] = {"id": spec_id, "title": t(title_key, lang)}
    return spec


def plot_specs(lang: str = "en") -> list[dict]:
    """The six plots' Vega-Lite specifications in ``lang``."""
    return json.loads(plot_specs_json(lang))


@lru_cache(maxsize=4)
def plot_specs_json(lang: str = "en") -> str:
    """The same as JSON text, as the browser receives it (built once per language)."""
    return to_json([_plot(*p, lang) for p in PLOTS])


def to_json(data) -> str:
    """Compact JSON text for the browser."""
    return json.dumps(data, separators=(",", ":"))


# ----------------------------------------------------------------------------- network
INCOME_REF = 3e6  # Rp/month at which a dot has its middle size


def village_colours(n: int) -> list[str]:
    """One distinct colour per village (tab10, then tab20 for more)."""
    cmap = matplotlib.colormaps["tab10" if n <= 10 else "tab20"]
    return [matplotlib.colors.to_hex(cmap(i % cmap.N)) for i in range(n)]


def village_label(name: str, lang: str = "en") -> str:
    """A village's name as shown: generated names ("Village 3 #2") in the page's language."""
    word, rest = name.split(" ", 1) if " " in name else (name, "")
    if word == "Village" and rest[:1].isdigit():
        return f"{t('village', lang)} {rest}"
    return name


def network_layout(model, lang: str = "en") -> dict:
    """What does not change while a model runs: positions, villages, colours, labels.

    Labels sit outside each village's disc; with many villages they point outwards
    along the circle's radius, so neighbours' labels neither overlap each other nor
    the dots."""
    nv = len(model.village_names)
    pos = getattr(model, "positions", None)
    if pos is None:
        pos = village_layout(model.artisans.village, nv)
    centres = village_centres(nv)
    rad = disc_radius(nv)
    radial = nv > 8
    labels = []
    for i, name in enumerate(model.village_names):
        cx, cy = centres[i]
        norm = float(np.hypot(cx, cy))
        if radial:  # just outside the disc, pointing away from the middle
            gap = rad + 0.04
            x, y, angle = cx + gap * cx / norm, cy + gap * cy / norm, float(np.arctan2(cy, cx))
        else:  # centred above the disc (below it in the lower half): never over the dots
            side = 1.0 if cy >= -0.1 else -1.0
            x, y, angle = cx, cy + side * (rad + 0.09), 0.0
        labels.append({"text": village_label(name, lang), "x": round(float(x), 4), "y": round(float(y), 4),
                       "angle": round(angle, 4), "village": i})
    # the largest dot: under half the spacing of the artisans in the most crowded village
    crowd = int(np.bincount(model.artisans.village, minlength=nv).max()) if model.artisans.n else 1
    dot = min(0.45 * rad * float(np.sqrt(np.pi / max(crowd, 1))), 0.05)
    return {"x": np.round(pos[:, 0], 4).tolist(), "y": np.round(pos[:, 1], 4).tolist(),
            "village": model.artisans.village.astype(int).tolist(), "colours": village_colours(nv),
            "labels": labels, "radial": radial, "dot": round(dot, 5),
            "extent": 1.0 + rad + (0.55 if radial else 0.2) if nv > 1 else 1.1}


def network_frame(model) -> dict:
    """What changes every month: dot sizes (income), closed businesses, ties.

    Ties are lists of artisan indices with trust in percent and a kind: 0 a tie,
    1 a partnership within a village, 2 a partnership between villages."""
    a = model.artisans
    ties = model.tie_arrays()
    kind = np.where(ties["partner"], np.where(ties["between"], 2, 1), 0)
    order = np.argsort(kind, kind="stable")  # partnerships drawn last, on top
    # dot radius, as a share of the largest: grows with the square root of income, never vanishes
    rel = np.minimum(np.sqrt(np.clip(a.income, 0, None) / INCOME_REF), 2.5) / 2.5
    size = np.round(0.35 + 0.65 * rel, 3)
    return {"month": int(model.steps), "size": size.tolist(), "active": a.active.astype(int).tolist(),
            "u": ties["u"][order].astype(int).tolist(), "v": ties["v"][order].astype(int).tolist(),
            "trust": np.round(100 * ties["trust"][order]).astype(int).tolist(), "kind": kind[order].tolist()}
