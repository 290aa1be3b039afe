"""What the page draws: the network, the live plots, the monitors, the explanation.

The figures are plain matplotlib ``Figure`` objects (no pyplot, so the play
thread can draw safely) built from the model's arrays and its monthly table;
the Solara components at the bottom wrap them for the page. Everything reads
the model, nothing changes it.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import solara
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator
from mesa.visualization.utils import update_counter

from .i18n import scenario_texts, t
from .layout import disc_radius, village_centres, village_layout

TIE_RGB = np.array([0.35, 0.35, 0.4])
PARTNER_COLOUR = "#222222"
BETWEEN_COLOUR = "#d62728"
INCOME_REF = 3e6  # Rp/month at which a dot has its middle size
PLOTTED = ("income_mean", "jobs", "partnerships_within", "partnerships_between", "mean_trust",
           "share_province", "share_national", "share_export", "budget_spent_total")


def village_colours(n: int) -> np.ndarray:
    """One distinct colour per village (tab10, then tab20 for more)."""
    cmap = matplotlib.colormaps["tab10" if n <= 10 else "tab20"]
    return np.array([cmap(i % cmap.N) for i in range(n)])


def income_sizes(income: np.ndarray) -> np.ndarray:
    """Dot areas: grow with the square root of income, capped, never vanish."""
    rel = np.sqrt(np.clip(income, 0, None) / INCOME_REF)
    return 14 + 40 * np.minimum(rel, 2.5)


def draw_network(model, lang: str = "en", figsize=(6.4, 6.0)) -> Figure:
    """The social-capital network on the model's fixed layout."""
    a, net = model.artisans, model.network
    pos = getattr(model, "positions", None)
    if pos is None:  # a plain OVOPModel (notebooks): the same fixed layout
        pos = village_layout(model.artisans.village, len(model.village_names))
    nv = len(model.village_names)
    m = net.m
    u, v = net.u[:m], net.v[:m]
    trust, partner, between = net.trust[:m], net.partner[:m], net.between[:m]
    fig = Figure(figsize=figsize, dpi=90)
    ax = fig.add_axes((0, 0.13, 1, 0.87))
    segs = np.stack([pos[u], pos[v]], axis=1)
    idle = ~partner
    # ties: the more trust, the darker
    colours = np.column_stack([np.tile(TIE_RGB, (int(idle.sum()), 1)), 0.05 + 0.45 * trust[idle]])
    ax.add_collection(LineCollection(segs[idle], colors=colours, linewidths=0.5, zorder=1))
    pw = partner & ~between
    ax.add_collection(LineCollection(segs[pw], colors=PARTNER_COLOUR, linewidths=0.8 + 1.2 * trust[pw],
                                     alpha=0.8, zorder=2))
    pb = partner & between
    ax.add_collection(LineCollection(segs[pb], colors=BETWEEN_COLOUR, linewidths=1.5 + 1.5 * trust[pb],
                                     alpha=0.9, zorder=3))
    col = village_colours(nv)
    act = a.active
    ax.scatter(pos[act, 0], pos[act, 1], s=income_sizes(a.income[act]), c=col[a.village[act]],
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
        ax.text(lx, ly, name, ha="center", va="center", fontsize=8 if nv <= 8 else 6,
                color=col[i], fontweight="bold", zorder=5)
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


def draw_plots(df: pd.DataFrame, lang: str = "en", figsize=(7.6, 5.2)) -> Figure:
    """Six small plots of the monthly indicators, against the month."""
    fig = Figure(figsize=figsize, dpi=90)
    # fixed margins: a layout engine would cost more than the drawing itself
    axes = fig.subplots(2, 3, gridspec_kw=dict(left=0.07, right=0.99, top=0.93, bottom=0.09,
                                               wspace=0.3, hspace=0.45))
    empty = df.empty
    x = df["month"] if not empty else []

    def line(ax, col, scale=1.0, **kw):
        if not empty:
            ax.plot(x, df[col] / scale, **kw)

    ax = axes[0, 0]
    line(ax, "income_mean", 1e3, color="#1f77b4")
    ax.set_title(t("plot_income", lang), fontsize=8)
    ax = axes[0, 1]
    line(ax, "jobs", color="#2ca02c")
    ax.set_title(t("plot_jobs", lang), fontsize=8)
    ax = axes[0, 2]
    line(ax, "partnerships_within", color=PARTNER_COLOUR, label=t("within", lang))
    line(ax, "partnerships_between", color=BETWEEN_COLOUR, label=t("between", lang))
    ax.set_title(t("plot_partnerships", lang), fontsize=8)
    ax.legend(fontsize=7, loc="upper left", handles=[
        Line2D([], [], color=PARTNER_COLOUR, label=t("within", lang)),
        Line2D([], [], color=BETWEEN_COLOUR, label=t("between", lang))])
    ax = axes[1, 0]
    line(ax, "mean_trust", color="#9467bd")
    ax.set_ylim(0, 1)
    ax.set_title(t("plot_trust", lang), fontsize=8)
    ax = axes[1, 1]
    tiers = ("province", "national", "export")
    tier_colours = ("#bcbd22", "#ff7f0e", "#17becf")
    if not empty:
        ax.stackplot(x, *[df[f"share_{k}"] for k in tiers], colors=tier_colours)
    ax.set_ylim(0, 1)
    ax.set_title(t("plot_tiers", lang), fontsize=8)
    ax.legend(handles=[Line2D([], [], color=c, lw=6, label=t(k, lang)) for k, c in zip(tiers, tier_colours,
                                                                                          strict=True)],
              fontsize=7, loc="lower left")
    ax = axes[1, 2]
    line(ax, "budget_spent_total", 1e6, color="#8c564b")
    ax.set_title(t("plot_budget", lang), fontsize=8)
    for ax in axes.flat:
        ax.tick_params(labelsize=7)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(t("month", lang), fontsize=7)
        ax.grid(alpha=0.3)
        if empty:
            ax.set_xlim(0, 12)
    if empty:
        axes[0, 0].text(6, 0.5, t("no_data", lang), ha="center", va="center", fontsize=7, wrap=True)
    return fig


def monitor_values(model, lang: str = "en") -> list[tuple[str, str, str]]:
    """(id, label, value) of the headline numbers, from the latest month."""
    rec = model.records[-1] if model.records else None
    a = model.artisans

    def get(col, default=0.0):
        return rec[col] if rec is not None else default

    outside = get("share_national") + get("share_export")
    within, between = model.network.counts()
    return [
        ("month", t("month", lang), f"{model.steps}"),
        ("artisans_active", t("artisans_active", lang), f"{int(a.active.sum())} / {a.n}"),
        ("income_mean", t("income_mean", lang), f"{get('income_mean') / 1e3:,.0f}"),
        ("jobs", t("jobs", lang), f"{int(get('jobs', int((1 + a.workers[a.active]).sum())))}"),
        ("partnerships_within", t("partnerships_within", lang), f"{within}"),
        ("partnerships_between", t("partnerships_between", lang), f"{between}"),
        ("mean_trust", t("mean_trust", lang), f"{model.network.mean_trust():.3f}"),
        ("outside_share", t("outside_share", lang), f"{100 * outside:.0f}%"),
        ("budget_spent_total", t("budget_spent_total", lang), f"{get('budget_spent_total') / 1e6:,.1f}"),
    ]


# ----------------------------------------------------------------------------------- Solara


def _id(name: str) -> dict:
    # stable hooks for tests and for teachers' own CSS
    return {"id": f"ovop-{name}"}


@solara.component
def Monitors(model, lang: str):
    update_counter.get()  # re-drawn after every step: Mesa bumps this counter
    with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
        for key, label, value in monitor_values(model, lang):
            with solara.Card(margin=0, style={"min-width": "120px", "padding": "4px 8px"}):
                solara.v.Html(tag="div", children=[label], style_="font-size: 11px; color: #555;")
                solara.v.Html(tag="div", children=[value], attributes=_id(f"monitor-{key}"),
                              style_="font-size: 20px; font-weight: 600;")


@solara.component
def NetworkView(model, lang: str):
    update_counter.get()  # re-drawn after every step: Mesa bumps this counter
    fig = draw_network(model, lang)
    with solara.Column(gap="0px"):
        solara.v.Html(tag="h3", children=[t("network_title", lang)], attributes=_id("network-title"),
                      style_="margin: 0 0 4px 0; font-size: 16px;")
        with solara.v.Html(tag="div", attributes=_id("network")):
            solara.FigureMatplotlib(fig, format="png", dependencies=[id(model), model.steps, lang])


@solara.component
def Plots(model, lang: str):
    update_counter.get()  # re-drawn after every step: Mesa bumps this counter
    fig = draw_plots(model.monthly(), lang)
    with solara.v.Html(tag="div", attributes=_id("plots")):
        solara.FigureMatplotlib(fig, format="png", dependencies=[id(model), model.steps, lang])


@solara.component
def Explanation(model, lang: str):
    update_counter.get()  # re-drawn after every step: Mesa bumps this counter
    meta = model.spec.scenario
    txt = scenario_texts(meta, lang)
    with solara.Column(gap="4px", style={"font-size": "14px"}):
        solara.v.Html(tag="h3", children=[f"{t('about', lang)}: {model.scenario_name}"],
                      attributes=_id("about"), style_="margin: 0; font-size: 16px;")
        solara.v.Html(tag="div", children=[f"{t('seed_used', lang)}: {model.seed_used}"],
                      attributes=_id("seed-used"), style_="font-size: 12px; color: #555;")
        solara.Markdown(txt["description"])
        solara.Markdown(f"**{t('case_study', lang)}.** {txt['case_study']}")
        solara.Markdown(f"**{t('watch', lang)}.** {txt['watch']}")


@solara.component
def Slider(label: str, value, on_value, lo, hi, step, integer: bool = False):
    """A slider with its label above it (the sidebar is too narrow for labels beside)."""
    with solara.Column(gap="0px", style={"margin-bottom": "4px"}):
        shown = f"{int(value)}" if integer else f"{value:g}"
        solara.v.Html(tag="div", children=[f"{label}: {shown}"],
                      style_="font-size: 12px; color: #555; line-height: 1.2;")
        cls = solara.SliderInt if integer else solara.SliderFloat
        cls("", value=value, on_value=on_value, min=lo, max=hi, step=step)
