"""What the page shows: headline numbers, plots, network, notes and the lesson.

The Solara components here read a :class:`~ovopsim.app.bench.Bench` and hand
its numbers to the browser-side widgets (:mod:`ovopsim.app.widgets`); they
change nothing. :func:`draw_network` draws the same network as a Matplotlib
figure for notebooks and documents.
"""

from __future__ import annotations

from html import escape

import numpy as np
import solara
from matplotlib import patheffects
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..numerals import localised
from . import charts, controls, lessons
from .bench import AVERAGE_MONTHS, Bench
from .i18n import note_text, t
from .layout import disc_radius, village_centres, village_layout
from .widgets import Charts, Network

# headline numbers: key -> (i18n label, scale, decimals, kind)
HEADLINE_FORMAT = {
    "income_mean": ("income_mean", 1e3, 0, "number"),
    "jobs": ("jobs", 1, 0, "number"),
    "active_businesses": ("artisans_active", 1, 0, "number"),
    "partnerships_within": ("partnerships_within", 1, 1, "number"),
    "partnerships_between": ("partnerships_between", 1, 1, "number"),
    "mean_trust": ("mean_trust", 1, 3, "number"),
    "outside_share": ("outside_share", 0.01, 1, "percent"),
    "budget_spent_total": ("budget_spent_so_far", 1e6, 1, "number"),
}


def fmt(x: float | None, decimals: int = 0, lang: str = "en", sign: bool = False) -> str:
    """A number as the page shows it: grouped thousands, the language's separators
    (1,234.5 in English, 1.234,5 in Indonesian), a sign if asked ("+3", "−3")."""
    if x is None or not np.isfinite(x):
        return "–"
    text = localised(f"{abs(x):,.{decimals}f}", lang)
    if round(abs(x), decimals) == 0:
        return ("±" if sign else "") + text
    if x < 0:
        return "−" + text
    return ("+" if sign else "") + text


def headline_text(entry: dict, lang: str = "en") -> dict[str, str]:
    """The strings of one headline card: value (12-month average), now, A, B - A."""
    _, scale, decimals, kind = HEADLINE_FORMAT[entry["key"]]
    unit = "%" if kind == "percent" else ""

    def show(x, sign=False):
        return fmt(None if x is None else x / scale, decimals, lang, sign) + (unit if x is not None else "")

    return {"average": show(entry["average"]), "now": show(entry["now"]),
            "pinned": show(entry["pinned_average"]), "difference": show(entry["difference"], sign=True)}


def _id(name: str) -> dict:
    # stable hooks for tests and for teachers' own CSS
    return {"id": f"ovop-{name}"}


def Html(tag: str, children=None, cls: str = "", name: str | None = None, style: str = "", **attrs):
    attributes = {**(_id(name) if name else {}), **attrs}
    return solara.v.Html(tag=tag, children=children or [], class_=cls, attributes=attributes, style_=style)


def tag(name: str, text: str = "", cls: str = "", id: str | None = None, style: str = "",
        raw: str = "", pre: str = "") -> str:
    """An HTML element as text, ``text`` escaped, ``pre`` and ``raw`` markup before and
    after it. For the parts redrawn every month: one widget holding markup costs the
    page's renderer far less than one widget per element."""
    attrs = "".join(f' {k}="{escape(v)}"' for k, v in (("class", cls), ("id", f"ovop-{id}" if id else ""),
                                                        ("style", style)) if v)
    return f"<{name}{attrs}>{pre}{escape(text)}{raw}</{name}>"


def swatch(colour: str, cls: str = "ovop-swatch") -> str:
    return tag("span", cls=cls, style=f"border-color: {colour}")


def headlines_html(bench: Bench, lang: str) -> str:
    """The headline cards: the last 12 months' average, this month below; side by
    side, set-up A's average and the difference B - A with its sign."""
    entries = bench.headlines(lang)
    months = entries[0]["months_averaged"] if entries else 0
    pinned = bench.pinned is not None
    caption = (t("no_data", lang) if not months
               else t("headline_caption", lang).format(n=AVERAGE_MONTHS) if months >= AVERAGE_MONTHS
               else t("headline_caption_short", lang).format(n=months))
    if pinned:
        caption += " " + t("headline_caption_ab", lang)
    cards = []
    for entry in entries:
        key = entry["key"]
        text = headline_text(entry, lang)
        inner = tag("div", t(HEADLINE_FORMAT[key][0], lang), "ovop-label")
        inner += tag("div", text["average"], "ovop-value", f"monitor-{key}")
        if key != "budget_spent_total":
            inner += tag("div", f"{t('this_month', lang)}: ", "ovop-sub",
                         raw=tag("span", text["now"], id=f"monitor-{key}-now"))
        if pinned:
            inner += tag("div", "A: ", "ovop-sub",
                         raw=tag("span", text["pinned"], id=f"monitor-{key}-a") + escape(" · B − A: ")
                         + tag("span", text["difference"], "ovop-diff", f"monitor-{key}-diff"))
        cards.append(tag("div", cls="ovop-card", raw=inner))
    return (tag("div", caption, "ovop-muted", "headline-caption", "font-size: 12px;")
            + tag("div", cls="ovop-headlines", id="headlines", raw="".join(cards)))


def legend_html(bench: Bench, lang: str) -> str:
    """Which line is which run: the runs under way, the earlier runs (fainter), festive months."""
    items = [tag("span", label, id=f"legend-{key}", pre=swatch(colour))
             for _, key, label, colour in bench.legend(lang)]
    items += [tag("span", run.label(lang), "ovop-muted", f"legend-p{i}",
                  pre=swatch(run.colour, "ovop-swatch ovop-faint")) for i, run in enumerate(bench.past)]
    items.append(tag("span", t("festive_legend", lang), "ovop-muted", pre=tag("span", cls="ovop-band")))
    return "".join(items)


def network_legend_html(lang: str) -> str:
    return (tag("span", t("legend_tie", lang), pre=swatch("#77777f", "ovop-swatch ovop-faint"))
            + tag("span", t("legend_partner", lang), pre=swatch("currentColor"))
            + tag("span", t("legend_partner_between", lang), pre=swatch("#d62728"))
            + tag("span", t("legend_closed", lang), pre="✕ "))


@solara.component
def PlotsPanel(bench: Bench, lang: str, dark: bool, tick: int = 0, on_clear=None):
    """The six plots, with a legend of the runs on them and a button to clear earlier runs."""
    past = solara.use_memo(lambda: charts.to_json(bench.past_rows(lang)), [bench.generation, lang])
    now = charts.to_json({"gen": bench.generation, "rows": bench.current_rows(lang)})
    with Html("div", cls="ovop-panel ovop-panel-plots", name="plots"):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="4px"):
            solara.HTML(unsafe_innerHTML=legend_html(bench, lang), classes=["ovop-legend"],
                        attributes=_id("legend"))
            if bench.past:
                solara.Button(t("clear_runs", lang), text=True, small=True, on_click=on_clear,
                              style="min-width: 0; text-transform: none; letter-spacing: normal;")
        Charts.element(specs=charts.plot_specs_json(lang), past=past, now=now,
                       xmax=bench.xmax, dark=dark, locale=lang)
        Html("div", [t("plots_note", lang)], cls="ovop-muted", style="font-size: 11px;")


@solara.component
def NetworkPanel(bench: Bench, lang: str, dark: bool, tick: int = 0):
    """The social network of the run under way (side by side: set-up B)."""
    model = bench.main.model
    layout = solara.use_memo(lambda: charts.to_json(charts.network_layout(model, lang)), [id(model), lang])
    with Html("div", cls="ovop-panel ovop-panel-network", name="network-panel"):
        title = t("network_title", lang) + (f" ({t('setup_b', lang)})" if bench.pinned is not None else "")
        Html("h3", [title], name="network-title")
        with Html("div", name="network"):
            Network.element(geometry=layout, frame=charts.to_json(charts.network_frame(model)), dark=dark,
                            title=title)
        solara.HTML(unsafe_innerHTML=network_legend_html(lang), classes=["ovop-legend"],
                    style="font-size: 11px;")
        Html("div", [t("network_note", lang)], cls="ovop-muted", style="font-size: 11px;")


@solara.component
def Notes(settings: dict, lang: str):
    """Settings that do nothing as they are set, in one line each."""
    found = solara.use_memo(lambda: controls.notes(settings), [repr(sorted(settings.items()))])
    if found:
        with Html("div", cls="ovop-notes", name="notes", role="status"):
            for key, values in found:
                Html("div", [note_text(key, values, lang)])


@solara.component
def Lesson(scenario: str, lang: str):
    """A lesson's worth of text on the scenario, like a NetLogo model's Info tab: what it
    is, how it works, things to notice, things to try, the field study."""
    text = lessons.lesson(scenario, lang)
    markdown = "\n\n".join(f"### {t(f'lesson_{key}', lang)}\n\n{text[key]}" for key in lessons.SECTIONS)
    with Html("div", cls="ovop-lesson", name="lesson"):
        Html("h2", [f"{t('about', lang)}: {scenario}"], name="about")
        solara.Markdown(markdown)


@solara.component
def Slider(label: str, value, on_value, lo, hi, step, integer: bool = False, lang: str = "en"):
    """A slider with its label above it (the sidebar is too narrow for labels beside),
    its value written as a reader of ``lang`` writes it."""
    with solara.Column(gap="0px", style={"margin-bottom": "4px"}):
        shown = f"{int(value)}" if integer else localised(f"{value:g}", lang)
        Html("div", [f"{label}: {shown}"], cls="ovop-muted", style="font-size: 12px; line-height: 1.2;")
        cls = solara.SliderInt if integer else solara.SliderFloat
        cls("", value=value, on_value=on_value, min=lo, max=hi, step=step)


# --------------------------------------------------------------------- for notebooks
TIE_RGB = np.array([0.35, 0.35, 0.4])
PARTNER_COLOUR = "#222222"
BETWEEN_COLOUR = "#d62728"


def draw_network(model, lang: str = "en", figsize=(6.4, 6.0)) -> Figure:
    """The social-capital network on the app's fixed layout, as a Matplotlib figure
    (for notebooks and documents; the page draws it in the browser)."""
    a = model.artisans
    ties = model.tie_arrays()
    nv = len(model.village_names)
    pos = getattr(model, "positions", None)
    if pos is None:
        pos = village_layout(a.village, nv)
    u, v, trust, partner, between = (ties[k] for k in ("u", "v", "trust", "partner", "between"))
    fig = Figure(figsize=figsize, dpi=90)
    ax = fig.add_axes((0, 0.13, 1, 0.87))
    segs = np.stack([pos[u], pos[v]], axis=1)
    idle = ~partner
    colours = np.column_stack([np.tile(TIE_RGB, (int(idle.sum()), 1)), 0.05 + 0.45 * trust[idle]])
    ax.add_collection(LineCollection(segs[idle], colors=colours, linewidths=0.5, zorder=1))
    pw = partner & ~between
    ax.add_collection(LineCollection(segs[pw], colors=PARTNER_COLOUR, linewidths=0.8 + 1.2 * trust[pw],
                                     alpha=0.8, zorder=2))
    pb = partner & between
    ax.add_collection(LineCollection(segs[pb], colors=BETWEEN_COLOUR, linewidths=1.5 + 1.5 * trust[pb],
                                     alpha=0.9, zorder=3))
    col = np.array(charts.village_colours(nv))
    act = a.active
    rel = np.sqrt(np.clip(a.income[act], 0, None) / charts.INCOME_REF)
    ax.scatter(pos[act, 0], pos[act, 1], s=14 + 40 * np.minimum(rel, 2.5), c=col[a.village[act]],
               edgecolors="white", linewidths=0.4, zorder=4)
    if (~act).any():
        ax.scatter(pos[~act, 0], pos[~act, 1], s=12, c="#999999", marker="x", linewidths=0.8, zorder=4)
    centres = village_centres(nv)
    rad = disc_radius(nv)
    for i, name in enumerate(model.village_names):
        cx, cy = centres[i]
        norm = np.hypot(cx, cy)
        lx, ly = (cx, cy + rad + 0.08) if norm == 0 else (cx + (rad + 0.12) * cx / norm,
                                                           cy + (rad + 0.12) * cy / norm)
        ax.text(lx, ly, charts.village_label(name, lang), ha="center", va="center",
                fontsize=8 if nv <= 8 else 6, color=col[i], fontweight="bold", zorder=5,
                path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")])  # readable over dots
    lim = 1.0 + rad + 0.3 if nv > 1 else 1.1
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.axis("off")
    handles = [Line2D([], [], color=TIE_RGB, alpha=0.5, lw=0.8, label=t("legend_tie", lang)),
               Line2D([], [], color=PARTNER_COLOUR, lw=1.6, label=t("legend_partner", lang)),
               Line2D([], [], color=BETWEEN_COLOUR, lw=2.4, label=t("legend_partner_between", lang)),
               Line2D([], [], color="#999999", marker="x", lw=0, label=t("legend_closed", lang))]
    fig.legend(handles=handles, loc="lower center", ncol=2, fontsize=7, frameon=False,
               bbox_to_anchor=(0.5, 0.035))
    fig.text(0.5, 0.005, t("network_note", lang), ha="center", va="bottom", fontsize=7, color="#444444")
    return fig

