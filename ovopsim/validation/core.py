"""Running the patterns' arms and judging the checks.

Every arm of every pattern is one point of an experimental design; replicate
``i`` of every point runs with the same seed (common random numbers), so the
checks compare arms pairwise, replicate by replicate. The replicates go through
the project's experiment runner (:func:`ovopsim.experiments.run_design`): this
module only says what to run and reads the results back.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from ..config import Scenario, load_scenario
from ..errors import RunFailed
from ..experiments import from_points, read_series, run_design
from ..experiments.ovop import prepare
from ..experiments.registry import register_model
from ..indicators import income_bands, producer_bands
from ..model import OVOPModel
from ..posterior import load_posterior_cached
from .patterns import CALIBRATION, PATTERNS, VALIDATION, Arm, Pattern, arms_of, summarise

#: monthly columns kept for the report's figures
SERIES = ("income_mean", "jobs", "reached_share", "partnerships_between", "share_national",
          "output_units", "price_received")


def arm_key(arm: Arm) -> str:
    """A canonical text for an arm's content: identical arms run once."""
    return json.dumps({"scenario": arm.scenario, "overrides": dict(arm.overrides)}, sort_keys=True,
                      default=str)


@lru_cache(maxsize=64)
def _base(name: str) -> Scenario:
    return load_scenario(name)


def arm_scenario(key: str, seed: int, posterior: str | None = None,
                 extra: Mapping[str, object] | None = None) -> Scenario:
    """The scenario an arm (an :func:`arm_key`) runs under replicate seed ``seed``:
    its shipped scenario with, in this order (later wins), the posterior's draw for
    the seed (:meth:`ovopsim.posterior.Posterior.draw_for`), the arm's overrides
    (an alternative world, a budget) and ``extra`` (a calibration candidate)."""
    spec = json.loads(key)
    base = _base(spec["scenario"])
    over: dict = {}
    if posterior:
        over.update(load_posterior_cached(str(posterior)).draw_for(base, int(seed)))
    over.update(spec["overrides"])
    over.update(extra or {})
    over = applicable(base, over)
    return base.with_overrides(over) if over else base


def applicable(sc: Scenario, overrides: Mapping[str, object]) -> dict:
    """``overrides`` without the ``interventions.<name>.<field>`` keys naming an
    intervention this scenario does not have (a calibration candidate sets, say,
    the turnover loss for every arm; only the turnover arms have one)."""
    have = {iv.type for iv in sc.interventions} | {iv.name for iv in sc.interventions if iv.name}
    return {k: v for k, v in overrides.items()
            if not k.startswith("interventions.") or k.split(".")[1] in have}


def observe(sc: Scenario, seed: int, months: int) -> tuple[dict[str, float], pd.DataFrame]:
    """One run's summary (:func:`~.patterns.summarise`) with the producer population
    in bands at month 1 (``<band>_first``) and at the end (``<band>_last``), and each
    producer's income change (``income_<band>``, :func:`ovopsim.indicators.income_bands`);
    the businesses in business at month 1 per producer the scenario lists
    (``in_business_first``: what the warm-up left of the mapped population); and its
    monthly table."""
    model = OVOPModel(sc, rng=int(seed), months=months, check_accounting=False)
    a = model.artisans
    n = a.n
    start, pre = a.active.copy(), model.income_pre[:n].copy()
    first = producer_bands(a)
    last = np.zeros(n)
    for m in range(months):
        model.step()
        if m >= months - 12:
            last += model.artisans.income[:n]
    a = model.artisans
    out = summarise(model.monthly())
    out.update({f"{k}_first": v for k, v in first.items()})
    out.update({f"{k}_last": v for k, v in producer_bands(a).items()})
    out.update(income_bands(start, a.active[:n], pre, last / min(months, 12), sc.money.subsistence))
    out["in_business_first"] = float(start.sum() / max(len(model.surveyed), 1))
    return out, model.monthly()


def run_arm(params: Mapping[str, object], seed: int):
    """The experiment runner's model function: one run of one arm.

    ``params``: ``arm`` (an :func:`arm_key`), ``months``, optionally ``posterior`` (a
    posterior file: the replicate's seed draws a parameter set from it, the same for
    every arm), and any dotted scenario overrides (calibration candidates; they win
    over the posterior's and the arm's). Returns the run summary (:func:`observe`) and,
    as time series, the monthly columns the report draws."""
    params = {decode(k): v for k, v in params.items()}
    key = params.pop("arm")
    months = int(params.pop("months"))
    sc = arm_scenario(key, seed, params.pop("posterior", None), params)
    summary, m = observe(sc, seed, months)
    return summary, m[["month", *SERIES]].rename(columns={"month": "t"})


# the pattern arms as a registered model: the runner loads the model's kernels once
# before its workers start (the OVOP model's prepare hook)
register_model("ovop_pattern_arm", run_arm, prepare=prepare,
               inputs=lambda params: [params["posterior"]] if params.get("posterior") else [])


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
        posterior: the posterior file replicates drew their parameters from (None:
            the defaults).
    """

    table: pd.DataFrame
    runs: pd.DataFrame
    series: pd.DataFrame
    replicates: int
    months: int
    arm_point: dict
    posterior: str | None = None

    @property
    def passed(self) -> bool:
        return bool(self.table["passed"].all())

    def of_kind(self, kind: str) -> pd.DataFrame:
        return self.table[self.table["kind"] == kind]


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


def alternatives(patterns: Sequence[Pattern]) -> list[tuple[str, str, Pattern]]:
    """For each validation check, its pattern in the alternative world: (pattern id,
    check label, a pattern with that one check whose arms carry the alternative's
    overrides). Its id is ``"<id>~<k>"``."""
    out = []
    for p in patterns:
        for k, c in enumerate(p.checks):
            alt = c.alternative
            if alt is None:
                continue
            arms = tuple(replace(a, overrides={**a.overrides, **alt.overrides})
                         if not alt.arms or a.name in alt.arms else a for a in p.arms)
            out.append((p.id, c.label, replace(p, id=f"{p.id}~{k}", arms=arms, checks=(c,))))
    return out


def digest(points, replicates: int, root_seed: int, posterior: str | None) -> str:
    """What a validation runs, as a short name: its points, replicates, seeds and the
    posterior file's content."""
    from ..experiments.store import file_digest

    text = json.dumps([points, replicates, root_seed, file_digest(posterior) if posterior else None,
                       _code_digest()], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


#: modules that only word and lay out results (no run depends on them)
REPORTING = ("validation/report.py", "validation/notes.py", "validation/cli.py")


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """The model's code and the shipped scenarios: results kept for reuse belong to them
    (any edit but to :data:`REPORTING` runs the validation afresh)."""
    root = Path(__file__).resolve().parent.parent
    files = sorted(p for p in root.rglob("*.py") if "app" not in p.relative_to(root).parts[:1]
                   and p.relative_to(root).as_posix() not in REPORTING)
    files += sorted((root.parent / "scenarios").rglob("*.*"))
    h = hashlib.sha256()
    for f in files:
        h.update(str(f.relative_to(root.parent)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def validate(patterns: Sequence[Pattern] = PATTERNS, *, replicates: int = 20, months: int = 60,
             workers: int = 1, root_seed: int = 20250101, extra: Mapping[str, object] | None = None,
             posterior: str | None = None, with_alternatives: bool = True, out_dir=None,
             work=None) -> Validation:
    """Run all arms of ``patterns`` (and, for every validation check, of its alternative
    world) and judge every check. With ``posterior``, each replicate draws its parameter
    set from that file (the same draw for every arm of the replicate). The runs go to
    ``out_dir``, or to a folder of ``work`` named by what is run (the same validation
    rerun reads them back, an interrupted one resumes), or to a temporary folder.

    The table says of each check its kind, whether it is a calibration target, and,
    for validation checks, the alternative and whether the check fails there."""
    alts = alternatives(patterns) if with_alternatives else []
    every = list(patterns) + [a for _, _, a in alts]
    extra = dict(extra or {})
    if posterior:
        extra["posterior"] = str(posterior)
    points, arm_point = plan(every, months, extra)
    if out_dir is None and work is not None:
        out_dir = Path(work) / f"runs-{digest(points, replicates, root_seed, posterior)}"
    with tempfile.TemporaryDirectory(prefix="ovopsim-validate-") as tmp:
        runs, series = execute(points, replicates=replicates, root_seed=root_seed, workers=workers,
                               out_dir=out_dir or tmp)
    table = judge(patterns, runs, arm_point)
    kinds = {(p.id, c.label): c for p in patterns for c in p.checks}
    table["kind"] = [kinds[(p, c)].kind for p, c in zip(table["pattern"], table["check"], strict=True)]
    table["why"] = [kinds[(p, c)].why for p, c in zip(table["pattern"], table["check"], strict=True)]
    table["calibration"] = [(p, c) in CALIBRATION for p, c in zip(table["pattern"], table["check"], strict=True)]
    for col in ("alternative", "alt_mean", "alt_ci_lo", "alt_ci_hi", "fails_there"):
        table[col] = None
    if alts:
        alt_table = judge([a for _, _, a in alts], runs, arm_point)
        for (pid, label, _), (_, row) in zip(alts, alt_table.iterrows(), strict=True):
            i = table.index[(table["pattern"] == pid) & (table["check"] == label)][0]
            table.at[i, "alternative"] = kinds[(pid, label)].alternative.label
            table.at[i, "alt_mean"] = row["mean"]
            table.at[i, "alt_ci_lo"] = row["ci_lo"]
            table.at[i, "alt_ci_hi"] = row["ci_hi"]
            table.at[i, "fails_there"] = not bool(row["passed"])
    table.loc[table["kind"] != VALIDATION, "calibration"] = False
    return Validation(table, runs, series, replicates, months, arm_point,
                      str(posterior) if posterior else None)
