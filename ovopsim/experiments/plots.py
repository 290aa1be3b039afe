"""Every figure of the experiments (matplotlib, Agg backend, PNG): the analyses
(:mod:`.sensitivity`, :mod:`.compare`) compute tables, and these draw them."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

BAR_INDICES = {"sobol": ["S1", "ST"], "fast": ["S1", "ST"], "delta": ["delta_balanced", "S1"]}
CONV_INDICES = {"sobol": ["S1", "ST"], "morris": ["mu_star"]}


def _final(df: pd.DataFrame, outcome: str) -> pd.DataFrame:
    return df[(df["outcome"] == outcome) & df["t"].isna() & df["parameter2"].isna()]


def _save(fig, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
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
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.errorbar(d["mu_star"], d["sigma"], xerr=conf.fillna(0), fmt="o", capsize=3)
    for name, row in d.iterrows():
        ax.annotate(str(name), (row["mu_star"], row["sigma"]), textcoords="offset points",
                    xytext=(5, 5))
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
