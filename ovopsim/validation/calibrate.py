"""Calibration: which values of the assumed parameters reproduce all patterns at once?

Approximate Bayesian computation by rejection on a Latin hypercube: candidate
parameter sets are drawn from the uniform prior box of ``experiments/calibrate.toml``,
each candidate runs every arm of every pattern (a few replicates, common random
numbers across arms *and* candidates), and a candidate is **accepted** when all
pattern checks pass in expectation (level checks on the replicate mean as in
``ovopsim validate``; directional checks on the sign of the mean, since a
handful of replicates cannot give a tight interval). Candidate 0 is the current
defaults. The accepted sets are the calibrated region; how much of
its prior range each parameter keeps says how tightly the patterns pin it down.
The shipped defaults are the accepted set closest to the centre (median) of the
accepted region, rounded; ``ovopsim validate`` then confirms them with 20
replicates.

    ovopsim calibrate [--quick] [--spec FILE] [--out DIR] [--workers N]

(the command is defined with ``ovopsim validate`` in :mod:`.cli`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from ..config import MAX_MONTHS
from ..errors import InputError, load_model, read_toml
from .core import execute, judge, plan
from .patterns import PATTERNS

ROOT = Path(__file__).resolve().parent.parent.parent
SPEC = ROOT / "experiments" / "calibrate.toml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Budget(_Strict):
    samples: int = Field(48, ge=2, description="Latin-hypercube candidates")
    replicates: int = Field(3, ge=2, description="replicates per candidate and arm")


class CalibrationSpec(_Strict):
    """``experiments/calibrate.toml``."""

    seed: int = Field(7, ge=0, description="seed of the hypercube and root of the replicate seeds")
    months: int = Field(60, ge=24, le=MAX_MONTHS)
    full: Budget = Field(default_factory=Budget)
    quick: Budget = Field(default_factory=lambda: Budget(samples=12, replicates=3))
    parameters: dict[str, tuple[float, float]] = Field(
        description="dotted parameter -> [lower, upper] of its uniform prior")


def load_spec(path: str | Path = SPEC) -> CalibrationSpec:
    spec = load_model(CalibrationSpec, read_toml(Path(path)), path)
    for k, (lo, hi) in spec.parameters.items():
        if not lo < hi:
            raise InputError(path, f"parameters.{k}", "[lower, upper] with lower < upper", [lo, hi])
    return spec


def candidates(spec: CalibrationSpec, n: int) -> pd.DataFrame:
    """The current defaults (candidate 0, ``origin`` "defaults") and ``n`` Latin-hypercube
    points in the prior box."""
    from scipy.stats import qmc

    names = list(spec.parameters)
    lo = np.array([spec.parameters[k][0] for k in names])
    hi = np.array([spec.parameters[k][1] for k in names])
    unit = qmc.LatinHypercube(d=len(names), seed=np.random.default_rng(spec.seed)).random(n)
    lhs = pd.DataFrame(qmc.scale(unit, lo, hi), columns=names)
    return pd.concat([pd.DataFrame([defaults(names)]), lhs], ignore_index=True)


def defaults(names) -> dict[str, float]:
    """Current values of the calibrated parameters (scenario values for intervention
    fields: the Blitar turnover scenario's)."""
    from ..config import Scenario, load_scenario

    base = Scenario().model_dump()
    turnover = load_scenario("blitar_turnover").model_dump()
    out = {}
    for k in names:
        parts = k.split(".")
        if parts[0] == "interventions":
            iv = next(x for x in turnover["interventions"] if parts[1] in (x["type"], x.get("name")))
            out[k] = float(iv[parts[2]])
        else:
            out[k] = float(base[parts[0]][parts[1]])
    return out


def calibrate(spec: CalibrationSpec, *, quick: bool = False, workers: int = 1) -> pd.DataFrame:
    """One row per candidate: its parameters, checks passed, accepted, the check means."""
    budget = spec.quick if quick else spec.full
    cand = candidates(spec, budget.samples - 1)
    base_points, arm_point = plan(PATTERNS, spec.months)
    points = [{**p, **row} for row in cand.to_dict("records") for p in base_points]
    with tempfile.TemporaryDirectory(prefix="ovopsim-calibrate-") as tmp:
        runs, _ = execute(points, replicates=budget.replicates, root_seed=spec.seed, workers=workers,
                          out_dir=tmp)
    k = len(base_points)
    out = []
    for c, row in enumerate(cand.to_dict("records")):
        mine = runs[(runs["point"] // k) == c].assign(point=lambda d: d["point"] % k)
        t = judge(PATTERNS, mine, arm_point, strict=False)
        rec = {"candidate": "defaults" if c == 0 else f"lhs{c}", **row,
               "passed": int(t["passed"].sum()), "checks": len(t)}
        rec["accepted"] = rec["passed"] == rec["checks"]
        rec["failed"] = "; ".join(f"{r.pattern}: {r.check}" for r in t.itertuples() if not r.passed)
        out.append(rec)
    return pd.DataFrame(out)


def region(spec: CalibrationSpec, table: pd.DataFrame) -> pd.DataFrame:
    """Per parameter: prior, accepted range and median, and tightness (1 - the share of
    the prior range the accepted sets span between their 5th and 95th percentiles)."""
    acc = table[table["accepted"]]
    rows = []
    for k, (lo, hi) in spec.parameters.items():
        r = {"parameter": k, "prior_lo": lo, "prior_hi": hi, "accepted": len(acc)}
        if len(acc):
            q05, q50, q95 = np.quantile(acc[k], [0.05, 0.5, 0.95])
            r.update(acc_lo=q05, median=q50, acc_hi=q95, tightness=1 - (q95 - q05) / (hi - lo))
        else:
            r.update(acc_lo=np.nan, median=np.nan, acc_hi=np.nan, tightness=np.nan)
        rows.append(r)
    return pd.DataFrame(rows)


def central(spec: CalibrationSpec, table: pd.DataFrame) -> dict[str, float] | None:
    """The accepted candidate closest (in prior-scaled units) to the accepted median."""
    acc = table[table["accepted"]]
    if acc.empty:
        return None
    names = list(spec.parameters)
    width = np.array([spec.parameters[k][1] - spec.parameters[k][0] for k in names])
    x = acc[names].to_numpy() / width
    best = acc.iloc[int(np.argmin(((x - np.median(x, axis=0)) ** 2).sum(axis=1)))]
    return {k: float(best[k]) for k in names}


def figure(spec: CalibrationSpec, table: pd.DataFrame, path: Path) -> Path:
    """One panel per parameter: every candidate (grey) and the accepted ones (dark)
    against the number of checks passed."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(spec.parameters)
    cols = 3
    rows = -(-len(names) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.4 * rows), squeeze=False)
    acc = table["accepted"].to_numpy()
    for ax, k in zip(axes.flat, names, strict=False):
        ax.scatter(table[k][~acc], table["passed"][~acc], s=8, c="0.7", label="rejected")
        ax.scatter(table[k][acc], table["passed"][acc], s=14, c="C3", label="accepted")
        ax.set_xlim(*spec.parameters[k])
        ax.set_xlabel(k.split(".")[-1], fontsize=8)
        ax.set_ylabel("checks passed", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7, frameon=False)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_report(spec: CalibrationSpec, table: pd.DataFrame, out: Path, *, quick: bool,
                 runtime: float) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "calibration_samples.csv", index=False)
    reg = region(spec, table)
    fig = figure(spec, table, out / "figures" / "calibration.png")
    best = central(spec, table)
    budget = spec.quick if quick else spec.full
    lines = ["# Calibration: the accepted region", "",
             "<!-- generated by `ovopsim calibrate"
             + (" --quick" if quick else "") + "`; do not edit by hand -->", "",
             f"Rejection ABC on a Latin hypercube: {budget.samples} candidates x "
             f"{budget.replicates} replicates x every arm of P1-P7 ({spec.months} months), "
             f"seed {spec.seed}; a candidate is accepted when every check passes in expectation "
             "(directions on the sign of the replicate mean; the 95% intervals are "
             "required by `ovopsim validate`, with 20 replicates). Candidate 0 is the current defaults. "
             f"Runtime {runtime:.0f} s.", "",
             f"**Accepted: {int(table['accepted'].sum())} of {len(table)}.** Tightness = 1 - "
             "(5-95% range of the accepted values) / (prior range): 0 means the patterns say "
             "nothing about the parameter, 1 that they pin it to a point.", "",
             "| parameter | prior | accepted 5-95% | accepted median | tightness |",
             "|---|---|---|---|---|"]
    for r in reg.itertuples():
        lines.append(f"| {r.parameter} | [{r.prior_lo:g}, {r.prior_hi:g}] | "
                     f"[{r.acc_lo:.3g}, {r.acc_hi:.3g}] | {r.median:.3g} | {r.tightness:.2f} |")
    lines += ["", "Central accepted candidate (the source of the shipped defaults, rounded): "
              + (", ".join(f"`{k}` = {v:.3g}" for k, v in best.items()) if best else "none"), "",
              "Most frequent failures among rejected candidates:", ""]
    fails = table.loc[~table["accepted"], "failed"].str.split("; ").explode().value_counts().head(8)
    lines += [f"- {n} x {name}" for name, n in fails.items()] + ["",
              f"![calibration]({fig.relative_to(out).as_posix()})", ""]
    md = out / "CALIBRATION.md"
    md.write_text("\n".join(lines))
    return md
