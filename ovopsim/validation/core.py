"""Running the patterns' arms and judging the checks.

Every arm of every pattern is one point of an experimental design; replicate
``i`` of every point runs with the same seed (common random numbers), so the
checks compare arms pairwise, replicate by replicate. The replicates go through
the project's experiment runner (:func:`ovopsim.experiments.run_design`): this
module only says what to run and reads the results back.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats

from ..config import Scenario, load_scenario
from ..errors import RunFailed
from ..experiments import from_points, read_series, run_design
from ..experiments.ovop import prepare
from ..experiments.registry import register_model
from ..simulation import run
from .patterns import PATTERNS, Arm, Pattern, arms_of, summarise

#: monthly columns kept for the report's figures
SERIES = ("income_mean", "jobs", "reached_share", "partnerships_between", "share_national",
          "output_units", "price_received")


def arm_key(arm: Arm) -> str:
    """A canonical text for an arm's content: identical arms run once."""
    return json.dumps({"scenario": arm.scenario, "overrides": dict(arm.overrides)}, sort_keys=True,
                      default=str)


@lru_cache(maxsize=256)
def _scenario(key: str) -> Scenario:
    spec = json.loads(key)
    sc = load_scenario(spec["scenario"])
    if spec["overrides"]:
        sc = sc.with_overrides(spec["overrides"])
    return sc


def arm_scenario(arm: Arm, extra: Mapping[str, object] | None = None) -> Scenario:
    """The validated scenario of an arm, with ``extra`` overrides (calibration) on top."""
    sc = _scenario(arm_key(arm))
    return sc.with_overrides(dict(extra)) if extra else sc


def applicable(sc: Scenario, overrides: Mapping[str, object]) -> dict:
    """``overrides`` without the ``interventions.<name>.<field>`` keys naming an
    intervention this scenario does not have (a calibration candidate sets, say,
    the turnover loss for every arm; only the turnover arms have one)."""
    have = {iv.type for iv in sc.interventions} | {iv.name for iv in sc.interventions if iv.name}
    return {k: v for k, v in overrides.items()
            if not k.startswith("interventions.") or k.split(".")[1] in have}


def run_arm(params: Mapping[str, object], seed: int):
    """The experiment runner's model function: one run of one arm.

    ``params``: ``arm`` (an :func:`arm_key`), ``months``, and any dotted scenario
    overrides (calibration candidates). Returns the run summary and, as time
    series, the monthly columns the report draws."""
    params = {decode(k): v for k, v in params.items()}
    key = params.pop("arm")
    months = int(params.pop("months"))
    sc = _scenario(key)
    params = applicable(sc, params)
    if params:
        sc = sc.with_overrides(params)
    m = run(sc, seed=int(seed), months=months, check_accounting=False).monthly
    series = m[["month", *SERIES]].rename(columns={"month": "t"})
    return summarise(m), series


# the pattern arms as a registered model: the runner loads the model's kernels once
# before its workers start (the OVOP model's prepare hook)
register_model("ovop_pattern_arm", run_arm, prepare=prepare)


# ------------------------------------------------------------------ execution

# the runner reads a design's rows as named tuples, so parameter names must be
# identifiers: dotted override keys travel as "trust__gain"
def encode(key: str) -> str:
    return key.replace(".", "__")


def decode(key: str) -> str:
    return key.replace("__", ".")


def execute(points: Sequence[Mapping[str, object]], *, replicates: int, root_seed: int = 20250101,
            workers: int = 1, out_dir) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run every point ``replicates`` times through the experiment runner.

    Replicate ``i`` of every point gets the same seed (the runner's common random
    numbers). Returns (runs, series): ``runs`` has ``point, replicate, seed`` and
    the summary outcomes; ``series`` has ``point, replicate, t`` and :data:`SERIES`."""
    design = from_points([{encode(k): v for k, v in p.items()} for p in points], replicates=replicates,
                         seed=root_seed)
    runs = run_design(design, run_arm, out_dir=out_dir, executor="process" if workers > 1 else "serial",
                      workers=workers, progress=False, model_name="ovopsim.validation.run_arm")
    failed = runs[runs["status"] != "ok"]
    if len(failed):
        raise RunFailed(f"{len(failed)} validation runs failed; first: {failed['error'].iloc[0]}")
    series = read_series(out_dir).merge(runs[["run_id", "point", "replicate"]], on="run_id")
    return runs, series


# ------------------------------------------------------------------ judging

@dataclass
class Validation:
    """Results of a validation run.

    Attributes:
        table: one row per check: pattern, check, observed, mean, ci_lo, ci_hi,
            tolerance, passed, n.
        runs: one row per (arm, replicate) with the run summaries.
        series: monthly series per (arm, replicate) for the figures.
        replicates, months: what was run.
        arm_point: design point of each ``"<pattern>.<arm>"``.
    """

    table: pd.DataFrame
    runs: pd.DataFrame
    series: pd.DataFrame
    replicates: int
    months: int
    arm_point: dict

    @property
    def passed(self) -> bool:
        return bool(self.table["passed"].all())


def mean_ci(x: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and t-interval of the finite values of ``x``."""
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return np.nan, np.nan, np.nan
    m = float(x.mean())
    if len(x) < 2:
        return m, m, m
    h = float(stats.t.ppf(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))
    return m, m - h, m + h


def judge(patterns: Sequence[Pattern], runs: pd.DataFrame, arm_point: Mapping[str, int],
          strict: bool = True) -> pd.DataFrame:
    """The validation table from run summaries (``arm_point``: ``"P1.blitar"`` -> point);
    ``strict=False``: directions judged on the mean (see :meth:`Check.passes`)."""
    out = []
    for p in patterns:
        S = {a.name: runs[runs["point"] == arm_point[f"{p.id}.{a.name}"]]
             .sort_values("replicate").reset_index(drop=True) for a in p.arms}
        for c in p.checks:
            x = c.stat(S)
            m, lo, hi = mean_ci(x)
            out.append({"pattern": p.id, "source": p.source, "check": c.label, "observed": c.observed,
                        "mean": m, "ci_lo": lo, "ci_hi": hi, "tolerance": c.describe_tolerance(),
                        "passed": c.passes(m, lo, hi, strict), "n": int(np.isfinite(x).sum())})
    return pd.DataFrame(out)


def plan(patterns: Sequence[Pattern], months: int, extra: Mapping[str, object] | None = None):
    """Design points (distinct arms) and the map from ``"P.arm"`` to point."""
    keys: dict[str, int] = {}
    arm_point = {}
    for name, arm in arms_of(patterns).items():
        k = arm_key(arm)
        keys.setdefault(k, len(keys))
        arm_point[name] = keys[k]
    points = [{"arm": k, "months": months, **dict(extra or {})} for k in keys]
    return points, arm_point


def validate(patterns: Sequence[Pattern] = PATTERNS, *, replicates: int = 20, months: int = 60,
             workers: int = 1, root_seed: int = 20250101, extra: Mapping[str, object] | None = None,
             out_dir=None) -> Validation:
    """Run all arms of ``patterns`` and judge every check."""
    points, arm_point = plan(patterns, months, extra)
    with tempfile.TemporaryDirectory(prefix="ovopsim-validate-") as tmp:
        runs, series = execute(points, replicates=replicates, root_seed=root_seed, workers=workers,
                               out_dir=out_dir or tmp)
    table = judge(patterns, runs, arm_point)
    return Validation(table, runs, series, replicates, months, arm_point)
