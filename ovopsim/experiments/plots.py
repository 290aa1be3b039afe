"""Every figure of the experiments (matplotlib, Agg backend, PNG): the analyses
(:mod:`.sensitivity`, :mod:`.compare`) compute tables, and these draw them."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import EngFormatter, MaxNLocator  # noqa: E402

BAR_INDICES = {"sobol": ["S1", "ST"], "fast": ["S1", "ST"], "delta": ["delta_balanced", "S1"]}
CONV_INDICES = {"sobol": ["S1", "ST"], "morris": ["mu_star"]}


#: where a point's label may go, in points from it (tried in turn: the first that overlaps no
#: label placed already and no other point)
LABEL_OFFSETS = ((5, 4), (5, -12), (-5, 4), (-5, -12), (5, 14), (-5, 14), (5, -22), (-5, -22))


#: points drawn this close (in points) are one place: one label names them all ("P8, P9")
SAME_PLACE = 1.0


def place_labels(ax, x: np.ndarray, y: np.ndarray, labels: list[str], fontsize: float = 8) -> None:
    """Label each point (``x``, ``y``) of ``ax`` beside it where the label overlaps no label
    placed before and no other point (:data:`LABEL_OFFSETS`; the first position when none
    is free), the points far from the others first. Points drawn on top of each other
    (within :data:`SAME_PLACE`) share one label that names them all."""
    fig = ax.figure
    fig.canvas.draw()  # the axes' limits and the transform as drawn
    xy = ax.transData.transform(np.column_stack([x, y]))
    scale = fig.dpi / 72.0
    char_w, height = 0.6 * fontsize * scale, 1.2 * fontsize * scale
    placed = np.empty((0, 4))  # the boxes placed so far: x0, y0, x1, y1
    gap = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    np.fill_diagonal(gap, np.inf)
    names = list(labels)
    named = np.zeros(len(names), bool)  # named in an earlier point's label
    for k in range(len(names)):
        if named[k]:
            continue
        same = np.flatnonzero((gap[k] <= SAME_PLACE * scale) & ~named)
        same = same[same > k]
        if len(same):
            names[k] = ", ".join([labels[k], *(labels[j] for j in same)])
            named[same] = True
    crowd = np.where(gap > SAME_PLACE * scale, gap, np.inf).min(axis=1)  # nearest point elsewhere
    for k in np.argsort(crowd)[::-1]:
        if named[k] or not np.all(np.isfinite(xy[k])):
            continue
        width = char_w * len(names[k])
        others = np.delete(xy, k, axis=0)
        choice = None
        for dx, dy in LABEL_OFFSETS:
            x0 = xy[k, 0] + dx * scale - (width if dx < 0 else 0)
            y0 = xy[k, 1] + dy * scale
            box = (x0, y0, x0 + width, y0 + height)
            hits_label = np.any((box[0] < placed[:, 2]) & (placed[:, 0] < box[2])
                                & (box[1] < placed[:, 3]) & (placed[:, 1] < box[3]))
            hits_point = np.any((box[0] - 3 < others[:, 0]) & (others[:, 0] < box[2] + 3)
                                & (box[1] - 3 < others[:, 1]) & (others[:, 1] < box[3] + 3))
            inside = ax.bbox.x0 - width / 2 <= box[0] and box[2] <= ax.bbox.x1 + width / 4  # not off the figure
            if inside and not hits_label and not hits_point:
                choice = (dx, dy, box)
                break
        dx, dy, box = choice or (LABEL_OFFSETS[0][0], LABEL_OFFSETS[0][1],
                                 (xy[k, 0], xy[k, 1], xy[k, 0] + width, xy[k, 1] + height))
        placed = np.vstack([placed, box])
        ax.annotate(names[k], (x[k], y[k]), textcoords="offset points", xytext=(dx, dy),
                    ha="right" if dx < 0 else "left", va="bottom", fontsize=fontsize)


def _final(df: pd.DataFrame, outcome: str) -> pd.DataFrame:
    return df[(df["outcome"] == outcome) & df["t"].isna() & df["parameter2"].isna()]


def _save(fig, path: Path, layout: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if layout:
        fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def bar_chart(df: pd.DataFrame, outcome: str, indices: list[str], path: Path, title: str) -> Path:
    """Grouped bars of ``indices`` per parameter with confidence-interval error bars."""
    d = _final(df, outcome)
    params = list(dict.fromkeys(d["parameter"]))
    x = np.arange(len(params))
    width = 0.8 / len(indices)
    fig, ax = plt.subplots(figsize=(max(4, 1.2 * len(params) + 2), 3.5))
    for i, name in enumerate(indices):
        sub = d[d["index"] == name].set_index("parameter").reindex(params)
        conf = sub["conf"].to_numpy(dtype=float)
        ax.bar(x + (i - (len(indices) - 1) / 2) * width, sub["value"], width, label=name,
               yerr=np.where(np.isfinite(conf), conf, 0), capsize=3)
    ax.set_xticks(x, params, rotation=30 if len(params) > 6 else 0)
    ax.set_ylabel("index")
    ax.axhline(0, color="black", linewidth=0.5)
    ax.set_title(title)
    ax.legend()
    return _save(fig, path)


def morris_scatter(df: pd.DataFrame, outcome: str, path: Path) -> Path:
    """mu* against sigma, one labelled point per parameter, mu*_conf as x error bars."""
    d = _final(df, outcome).pivot_table(index="parameter", columns="index", values="value",
                                        sort=False)
    conf = _final(df, outcome)
    conf = conf[conf["index"] == "mu_star"].set_index("parameter")["conf"].reindex(d.index)
    fig, ax = plt.subplots(figsize=(6.5, 5))
    ax.errorbar(d["mu_star"], d["sigma"], xerr=conf.fillna(0), fmt="o", capsize=3)
    ax.xaxis.set_major_formatter(EngFormatter(sep=""))  # 2.5M, not an offset "1e6" over the label
    ax.yaxis.set_major_formatter(EngFormatter(sep=""))
    place_labels(ax, d["mu_star"].to_numpy(float), d["sigma"].to_numpy(float), [str(n) for n in d.index])
    ax.set_xlabel("mu* (mean |elementary effect|)")
    ax.set_ylabel("sigma")
    ax.set_title(f"Morris screening: {outcome}")
    return _save(fig, path)


def convergence_lines(conv: pd.DataFrame, outcome: str, indices: list[str], path: Path) -> Path:
    """Each index against the number of base samples / trajectories, with CI bands."""
    d = conv[(conv["outcome"] == outcome) & conv["parameter2"].isna()]
    fig, axes = plt.subplots(1, len(indices), figsize=(4.5 * len(indices), 3.5), squeeze=False)
    for ax, name in zip(axes[0], indices, strict=True):
        for param, sub in d[d["index"] == name].groupby("parameter", sort=False):
            line = ax.plot(sub["n"], sub["value"], marker="o", label=str(param))[0]
            conf = sub["conf"].fillna(0)
            ax.fill_between(sub["n"], sub["value"] - conf, sub["value"] + conf,
                            color=line.get_color(), alpha=0.15)
        ax.set_xscale("log", base=2)
        ax.set_xlabel("base samples (log2)")
        ax.set_title(f"{name}: {outcome}")
        ax.legend(fontsize="small")
    return _save(fig, path)


def over_time(df: pd.DataFrame, outcome: str, index: str, path: Path) -> Path:
    """An index against time, one line per parameter."""
    d = df[(df["outcome"] == outcome) & df["t"].notna() & df["parameter2"].isna()
           & (df["index"] == index)]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for param, sub in d.groupby("parameter", sort=False):
        ax.plot(sub["t"], sub["value"], label=str(param))
    ax.set_xlabel("t")
    ax.set_ylabel(index)
    ax.set_title(f"{index} over time: {outcome}")
    ax.legend(fontsize="small")
    return _save(fig, path)


def sensitivity_figures(result, folder: Path) -> list[Path]:
    """The figures of a :class:`~.sensitivity.SensitivityResult`, written to ``folder``."""
    files = []
    df, method = result.indices, result.method
    for outcome in dict.fromkeys(df["outcome"]):
        if method == "morris":
            files.append(morris_scatter(df, outcome, folder / f"morris_{outcome}.png"))
        else:
            files.append(bar_chart(df, outcome, BAR_INDICES[method],
                                   folder / f"{method}_{outcome}.png",
                                   f"{method}: {outcome}"))
        if result.convergence is not None and method in CONV_INDICES:
            files.append(convergence_lines(result.convergence, outcome, CONV_INDICES[method],
                                           folder / f"convergence_{outcome}.png"))
        if df["t"].notna().any():
            index = "mu_star" if method == "morris" else BAR_INDICES[method][0]
            files.append(over_time(df, outcome, index, folder / f"over_time_{outcome}.png"))
    return files


# --------------------------------------------------------------------------- comparisons

SERIES_TITLES = {"income_mean": "mean income per business (Rp/month)", "jobs": "jobs",
                 "partnerships_between": "partnerships between villages",
                 "mean_trust": "mean trust on ties",
                 "share_national": "share of sales to other provinces",
                 "budget_spent_total": "programme spending to date (Rp)"}


def compare_series(result, path: Path) -> Path:
    """Key indicators by month: mean over replicates and 95% band, one line per scenario."""
    from .compare import SERIES_INDICATORS

    s = result.series_summary
    indicators = [i for i in SERIES_INDICATORS if i in set(s["indicator"])]
    ncol = 3
    nrow = max(1, -(-len(indicators) // ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.6 * ncol, 3.2 * nrow), squeeze=False)
    for ax, ind in zip(axes.flat, indicators, strict=False):
        for arm in result.arms:
            d = s[(s["indicator"] == ind) & (s["scenario"] == arm.label)]
            line = ax.plot(d["t"], d["mean"], label=arm.label,
                           linewidth=2 if arm.label == result.baseline else 1.4)[0]
            ax.fill_between(d["t"], d["ci_low"], d["ci_high"], color=line.get_color(),
                            alpha=0.2, linewidth=0)
        ax.set_title(SERIES_TITLES.get(ind, ind), fontsize="medium")
        ax.set_xlabel("month")
    for ax in list(axes.flat)[len(indicators):]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize="small")
    fig.suptitle("Scenarios over time: mean and 95% band over replicates (common seeds)")
    return _save(fig, path)


def compare_effects(result, path: Path) -> Path:
    """Forest plot: difference from the baseline with its 95% interval, one panel
    per key outcome (each in its own units), one row per scenario."""
    from .compare import KEY_OUTCOMES

    d = result.differences
    outcomes = [o for o in KEY_OUTCOMES if o in set(d["outcome"])]
    arms = [a.label for a in result.arms if a.label != result.baseline]
    ncol = 2
    nrow = max(1, -(-len(outcomes) // ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(11, 0.5 + nrow * (0.9 + 0.28 * len(arms))),
                             squeeze=False)
    y = np.arange(len(arms))[::-1]
    for ax, o in zip(axes.flat, outcomes, strict=False):
        sub = d[d["outcome"] == o].set_index("scenario").reindex(arms)
        mean = sub["mean_diff"].to_numpy(float)
        err = np.vstack([mean - sub["ci_low"].to_numpy(float),
                         sub["ci_high"].to_numpy(float) - mean])
        ax.errorbar(mean, y, xerr=np.nan_to_num(err), fmt="o", capsize=3)
        ax.axvline(0, color="black", linewidth=0.6)
        ax.set_yticks(y, arms, fontsize="small")
        ax.set_title(KEY_OUTCOMES[o], fontsize="medium")
    for ax in list(axes.flat)[len(outcomes):]:
        ax.set_visible(False)
    fig.suptitle(f"Difference from {result.baseline} (paired by seed), 95% CI")
    return _save(fig, path)


def compare_figures(result, folder: Path) -> list[Path]:
    """The figures of a :class:`~.compare.CompareResult`, written to ``folder``."""
    return [compare_series(result, folder / "series.png"),
            compare_effects(result, folder / "effects.png")]


# --------------------------------------------------------------------------- decisions
# (ovopsim.experiments.decide: optimize, robust, discover, report). ``text`` maps the
# English labels to another language's (the report draws them in its language).


def _t(text: dict | None, s: str) -> str:
    return (text or {}).get(s, s)


#: at most this many pairs of objectives are drawn side by side (four objectives: six)
MAX_PARETO_PANELS = 6


def pareto_figure(evaluations: pd.DataFrame, pareto: pd.DataFrame, objectives: list[str],
                  directed: dict[str, str], path: Path, text: dict | None = None) -> list[Path]:
    """Every candidate evaluated (grey) and the Pareto set (labelled, 95% intervals), one
    panel for each pair of objectives (so every objective is shown); with one objective,
    the objective by generation."""
    if len(objectives) < 2:
        fig, ax = plt.subplots(figsize=(6, 4.2))
        a = objectives[0]
        ax.scatter(evaluations["generation"], evaluations[a], s=12, color="0.6",
                   label=_t(text, "every candidate"))
        ax.errorbar([evaluations["generation"].max()] * len(pareto), pareto[a],
                    yerr=_err(pareto, a), fmt="o", color="C3", capsize=3,
                    label=_t(text, "best (95% CI)"))
        ax.set_xlabel(_t(text, "generation"))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(f"{_t(text, a)} ({_t(text, directed[a])})")
        ax.legend(fontsize="small")
        return [_save(fig, path)]
    pairs = [(a, b) for i, a in enumerate(objectives) for b in objectives[i + 1:]][:MAX_PARETO_PANELS]
    cols = min(len(pairs), 3)
    rows = -(-len(pairs) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols, 4.0 * rows + 0.5), squeeze=False)
    for ax, (a, b) in zip(axes.flat, pairs, strict=False):
        ax.scatter(evaluations[a], evaluations[b], s=12, color="0.75", label=_t(text, "every candidate"))
        ax.errorbar(pareto[a], pareto[b], xerr=_err(pareto, a), yerr=_err(pareto, b), fmt="o", color="C3",
                    capsize=3, label=_t(text, "Pareto set (95% CI)"))
        ax.set_xlabel(f"{_t(text, a)} ({_t(text, directed[a])})")
        ax.set_ylabel(f"{_t(text, b)} ({_t(text, directed[b])})")
    for ax in list(axes.flat)[len(pairs):]:
        ax.set_visible(False)
    fig.tight_layout(rect=(0, 0.06, 1, 1))  # the panels as drawn, then each one's labels placed
    for ax, (a, b) in zip(axes.flat, pairs, strict=False):
        place_labels(ax, pareto[a].to_numpy(float), pareto[b].to_numpy(float), pareto["label"].astype(str).tolist())
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, fontsize="small", frameon=False)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return [_save(fig, path, layout=False)]


def _err(table: pd.DataFrame, o: str):
    lo, hi = table.get(f"{o}_low"), table.get(f"{o}_high")
    if lo is None or hi is None:
        return None
    low = np.nan_to_num((table[o] - lo).to_numpy(float), nan=0.0)
    high = np.nan_to_num((hi - table[o]).to_numpy(float), nan=0.0)
    return np.vstack([np.maximum(low, 0), np.maximum(high, 0)])


def convergence_figure(convergence: pd.DataFrame, path: Path, text: dict | None = None) -> list[Path]:
    """Hypervolume (or the one objective's best) by generation."""
    fig, ax = plt.subplots(figsize=(5, 3.2))
    best = [c for c in convergence.columns if c.startswith("best_")]
    if len(best) > 1:
        ax.plot(convergence["generation"], convergence["hypervolume"], marker="o")
        ax.set_ylabel(_t(text, "hypervolume (normalised)"))
    else:
        ax.plot(convergence["generation"], convergence[best[0]], marker="o")
        ax.set_ylabel(_t(text, best[0][5:]))
    ax.set_xlabel(_t(text, "generation"))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return [_save(fig, path)]


def mix_figure(candidates: pd.DataFrame, programmes: list[str], path: Path,
               text: dict | None = None) -> list[Path]:
    """Each candidate's budget mix as a stacked horizontal bar (share of the budget)."""
    from ovopsim.numerals import whole_percents

    labels = candidates["label"].astype(str).tolist()
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(labels) + 1.6))
    left = np.zeros(len(labels))
    cmap = plt.get_cmap("tab10")
    shares = candidates[[f"share.{p}" for p in programmes]].to_numpy(float)
    whole = np.array([whole_percents(list(row)) for row in shares]).reshape(shares.shape)  # as the brief's table
    for i, p in enumerate(programmes):
        v = shares[:, i]
        ax.barh(labels, v, left=left, color=cmap(i % 10), label=_t(text, p))
        for j, (x0, w) in enumerate(zip(left, v, strict=True)):
            if w >= 0.08:
                ax.text(x0 + w / 2, j, f"{whole[j, i]}%", ha="center", va="center", fontsize="x-small",
                        color="white")
        left += v
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_xlabel(_t(text, "share of the yearly budget"))
    ax.legend(fontsize="x-small", ncol=min(4, len(programmes)), loc="upper center",
              bbox_to_anchor=(0.5, -0.25 if len(labels) < 4 else -0.12))
    return [_save(fig, path)]


def robust_figure(summary: pd.DataFrame, outcome: str, path: Path,
                  text: dict | None = None, target: float | None = None) -> list[Path]:
    """Per candidate: the share of futures in which it meets every target (bars), and
    ``outcome`` across futures (5th-95th percentile, median), with its ``target`` as a
    dashed line."""
    labels = summary["label"].astype(str).tolist()
    y = np.arange(len(labels))
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(8.5, 0.5 * len(labels) + 1.8), sharey=True)
    a1.barh(y, summary["satisficing"], color="C2")
    for j, v in enumerate(summary["satisficing"]):
        a1.text(min(v + 0.02, 0.9), j, f"{v:.0%}", va="center", fontsize="small")
    a1.set_xlim(0, 1)
    a1.set_yticks(y, labels)
    a1.invert_yaxis()
    a1.set_xlabel(_t(text, "futures meeting every target"))
    lo, mid, hi = (summary[f"{outcome}_p{q}"].to_numpy(float) for q in (5, 50, 95))
    a2.hlines(y, lo, hi, color="C0", linewidth=3)
    a2.plot(mid, y, "o", color="C0")
    if target is not None:
        a2.axvline(target, color="C3", linestyle="--", linewidth=1, label=_t(text, "target"))
        a2.legend(fontsize="x-small", loc="lower right")
    # two lines: the label is long in Bahasa Indonesia
    a2.set_xlabel(f"{_t(text, outcome)}:\n{_t(text, '5th-95th percentile of futures, median')}",
                  fontsize="small")
    return [_save(fig, path)]


def prim_figure(trajectory: pd.DataFrame, chosen: int, path: Path,
                text: dict | None = None) -> list[Path]:
    """PRIM's peeling trajectory: coverage against density, the chosen box circled."""
    fig, ax = plt.subplots(figsize=(5, 3.8))
    sc = ax.scatter(trajectory["coverage"], trajectory["density"], c=trajectory["res_dim"],
                    cmap="viridis", s=18)
    row = trajectory.iloc[chosen]
    ax.scatter([row["coverage"]], [row["density"]], s=140, facecolors="none", edgecolors="C3",
               linewidths=2, label=_t(text, "chosen box"))
    bar = fig.colorbar(sc, ax=ax, label=_t(text, "restricted inputs"))
    bar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # a count of inputs
    # PRIM's coverage (a share of the cases of interest), not an outcome named coverage
    ax.set_xlabel(_t(text, "box coverage"))
    ax.set_ylabel(_t(text, "density"))
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize="small", loc="lower left")
    return [_save(fig, path)]
