"""Compare scenarios with common random numbers: ``ovopsim compare A B ... --replicates N``.

Every scenario (an *arm*) is run with the SAME replicate seeds through
:func:`~ovopsim.experiments.runner.run_design` (model ``ovop_series``: scalar
outcomes plus the monthly indicators), so replicate i of every arm sees the
same random draws where the arms do not differ, and the difference between
two arms is measured replicate by replicate (paired).

Statistics (n = successful replicates; t quantiles with n - 1 degrees of freedom)

``summary``
    per arm and outcome: mean, sd and the 95% t-interval of the mean.
``differences``
    per non-baseline arm and outcome: the mean of the per-replicate differences
    ``arm - baseline`` (paired on the replicate seed), its sd, 95% paired
    t-interval and paired-t p-value, the baseline mean and the relative
    difference ``mean_diff / baseline_mean`` (NaN unless the baseline mean is
    positive: against a negative one the ratio's sign would say the opposite of
    the difference's).
``cost_effectiveness``
    per non-baseline arm: extra programme spending (``budget_spent``) and extra
    total income of all businesses over the run (``income_total``) against the
    baseline, and their **ratio of means**: rupiah of programme money per rupiah
    of extra income. Its 95% interval is Fieller's, computed from the paired
    replicate differences (it accounts for the correlation of cost and income);
    it is left empty when the extra income is not clearly different from zero,
    because then the interval is unbounded.

Files under ``out_dir`` (besides the runner's ``manifest.json``, ``runs/``,
``series/``): ``compare.json`` (arms, baseline, provenance), ``runs``,
``summary``, ``differences``, ``cost_effectiveness``, ``series_summary`` (each
``.csv`` and ``.parquet``) and ``figures/series.png`` (key indicators over time,
mean and 95% band per arm), ``figures/effects.png`` (differences against the
baseline with 95% intervals). Rerunning the same command resumes the runs.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ovopsim import output
from ovopsim.errors import InputError, RunFailed, check_regular_file, suggest

from .design import from_points
from .executors import DASK_WAIT
from .ovop import check_params, simulate_with_series, with_posterior
from .runner import run_design
from .store import read_series

#: outcomes in the printed table and the effects figure, with their labels
KEY_OUTCOMES = {
    "income": "income per business (Rp/month)",
    "income_growth": "income growth (last/first year - 1)",
    "jobs": "jobs",
    "active_businesses": "active businesses",
    "gini": "inequality (Gini)",
    "partnerships_between": "partnerships between villages",
    "mean_trust": "mean trust on ties",
    "share_national": "share of sales to other provinces",
    "budget_spent": "programme spending (Rp)",
    "income_total": "total income over the run (Rp)",
}
#: monthly indicators drawn over time
SERIES_INDICATORS = ("income_mean", "jobs", "partnerships_between", "mean_trust",
                     "share_national", "budget_spent_total")
CONF = 0.95
STATISTICS = ("paired by replicate seed; mean and 95% t-interval per scenario; paired "
              "differences with 95% paired-t interval; cost per rupiah of extra income = "
              "mean extra budget_spent / mean extra income_total with Fieller's 95% interval")


@dataclass(frozen=True)
class Arm:
    """One scenario of a comparison: a label and the run parameters
    (``scenario`` plus dotted overrides)."""

    label: str
    params: dict


@dataclass
class CompareResult:
    """What :func:`compare` computed (tables as described in the module docstring).

    Attributes:
        arms: the scenarios compared; ``baseline`` is the label of the reference.
        runs: one row per run: run_id, scenario (label), replicate, seed, status,
            error and the outcomes.
        summary, differences, cost_effectiveness: tidy tables.
        series: tidy monthly indicators of every run (scenario, replicate, t, ...).
        series_summary: mean and 95% band per scenario, month and indicator.
        figures: PNG paths; files: every file written; out_dir: where.
    """

    arms: list[Arm]
    baseline: str
    runs: pd.DataFrame
    summary: pd.DataFrame
    differences: pd.DataFrame
    cost_effectiveness: pd.DataFrame
    series: pd.DataFrame
    series_summary: pd.DataFrame
    out_dir: Path
    months: int | None = None
    figures: list[Path] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    posterior: str | None = None

    def table(self) -> str:
        """The readable terminal report."""
        return report(self)


# --------------------------------------------------------------------------- arms


def _value(text: str) -> Any:
    """A --set value as TOML would read it (number, bool, list), else a string."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def parse_sets(items: Sequence[str] | None) -> dict[str, Any]:
    """``["trust.gain=0.1", ...]`` -> overrides (one InputError if malformed)."""
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(None, "--set", "KEY=VALUE (e.g. trust.gain=0.1)",
                             repr(item))
        out[key.strip()] = _value(value.strip())
    return out


def make_arms(scenarios, overrides: Mapping[str, Any] | None = None) -> list[Arm]:
    """Arms from scenario names/paths, or a mapping label -> name/path/params dict.

    Every arm is loaded and its overrides applied on a dry run, so a missing
    file or a misspelt key is one InputError before anything runs.
    """
    from ovopsim.config import load_scenario, resolve_scenario_path, unknown_scenario

    if isinstance(scenarios, (str, Path)):
        scenarios = [scenarios]
    items = list(scenarios.items()) if isinstance(scenarios, Mapping) else [
        (None, s) for s in scenarios]
    if not items:
        raise InputError(None, "scenarios", "at least one scenario", "none")
    arms, seen = [], {}
    for label, spec in items:
        params = dict(spec) if isinstance(spec, Mapping) else {"scenario": spec}
        if "scenario" not in params:
            raise InputError(None, f"scenarios.{label}", "a scenario name or path", "none")
        path = resolve_scenario_path(str(params["scenario"]))
        if not path.exists():
            raise unknown_scenario(params["scenario"])
        check_regular_file(path, what="a scenario file")
        params["scenario"] = str(path.resolve())  # workers anywhere read the same file
        params.update(overrides or {})
        params.pop("label", None)
        try:
            check_params(params)
        except InputError as e:
            if e.file is not None:
                raise
            if e.key in (overrides or {}):  # the mistake is in --set, not in the scenario file
                raise InputError(None, f"--set {e.key}", e.expected, e.given) from None
            raise InputError(path, e.key if e.key in params else "--set", e.expected,
                             e.given) from None
        label = str(label) if label is not None else load_scenario(path).scenario.name
        if label in seen:
            raise InputError(None, "scenarios", "scenarios with different names",
                             f'"{label}" twice ({seen[label]} and {path})')
        seen[label] = path
        arms.append(Arm(label, params))
    return arms


def is_spec(scenarios) -> bool:
    """True when ``scenarios`` is one TOML file with an ``[experiment]`` table."""
    if isinstance(scenarios, (list, tuple)) and len(scenarios) == 1:
        scenarios = scenarios[0]
    if not isinstance(scenarios, (str, Path)) or not Path(scenarios).is_file():
        return False
    try:
        return "experiment" in tomllib.loads(Path(scenarios).read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False


def arms_from_spec(path: Path) -> tuple[dict[str, dict], dict[str, Any]]:
    """The points of a ``method = "points"`` sweep spec of the OVOP model as arms
    (label -> params; ``label`` names a point, else ``point<i>``), and the spec's
    replicates, seed and months."""
    from .spec import load_spec

    spec = load_spec(path)
    if spec.experiment.model not in ("ovop", "ovop_series") or spec.design is None \
            or spec.design.method != "points":
        raise InputError(path, "design.method", 'a sweep of model "ovop" with method = '
                         '"points" (each point is a scenario to compare)',
                         f'model "{spec.experiment.model}", '
                         f'{spec.design.method if spec.design else "no design"}')
    fixed = {k: v for k, v in spec.fixed_parameters().items() if k != "months"}
    arms = {}
    for i, point in enumerate(spec.design.points):
        params = {**fixed, **point}
        if "scenario" in point:
            params["scenario"] = spec.path(point["scenario"])
        arms[str(params.pop("label", f"point{i}"))] = params
    defaults = {"replicates": spec.experiment.replicates, "seed": spec.experiment.seed,
                "months": spec.experiment.months}
    return arms, defaults


def pick_baseline(arms: list[Arm], baseline: str | None) -> str:
    """The reference arm: ``baseline`` (label, name or path), else one labelled
    ``baseline``, else the first."""
    from ovopsim.config import resolve_scenario_path

    labels = [a.label for a in arms]
    if baseline is None:
        return "baseline" if "baseline" in labels else labels[0]
    if baseline in labels:
        return baseline
    target = resolve_scenario_path(baseline)
    for a in arms:
        if target.is_file() and Path(a.params["scenario"]).resolve() == target.resolve():
            return a.label
    raise InputError(None, "--baseline", f"one of the compared scenarios ({', '.join(labels)})",
                     f'"{baseline}"{suggest(baseline, labels)}')


# --------------------------------------------------------------------------- statistics


def _t(n: int) -> float:
    return float(stats.t.ppf(0.5 + CONF / 2, n - 1)) if n > 1 else math.nan


def _describe(x: np.ndarray) -> dict[str, float]:
    n = len(x)
    mean = float(np.mean(x)) if n else math.nan
    sd = float(np.std(x, ddof=1)) if n > 1 else math.nan
    half = _t(n) * sd / math.sqrt(n) if n > 1 else math.nan
    return {"n": n, "mean": mean, "sd": sd, "ci_low": mean - half, "ci_high": mean + half}


def _outcomes(runs: pd.DataFrame) -> list[str]:
    from ovopsim.outcomes import OUTCOMES

    return [o for o in OUTCOMES if o in runs.columns]


def summarize(runs: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """Mean, sd and 95% t-interval per scenario and outcome (successful runs)."""
    ok = runs[runs["status"] == "ok"]
    rows = []
    for label in labels:
        arm = ok[ok["scenario"] == label]
        for o in _outcomes(runs):
            rows.append({"scenario": label, "outcome": o, **_describe(arm[o].to_numpy(float))})
    return pd.DataFrame(rows)


def paired(runs: pd.DataFrame, label: str, baseline: str, outcome: str) -> pd.DataFrame:
    """Per-replicate values of ``outcome`` in an arm and the baseline (both ok)."""
    ok = runs[runs["status"] == "ok"]
    a = ok[ok["scenario"] == label].set_index("replicate")[outcome]
    b = ok[ok["scenario"] == baseline].set_index("replicate")[outcome]
    return pd.DataFrame({"arm": a, "baseline": b}).dropna().sort_index()


def differences(runs: pd.DataFrame, labels: list[str], baseline: str) -> pd.DataFrame:
    """Paired differences against the baseline (see the module docstring)."""
    rows = []
    for label in labels:
        if label == baseline:
            continue
        for o in _outcomes(runs):
            p = paired(runs, label, baseline, o)
            d = _describe((p["arm"] - p["baseline"]).to_numpy(float))
            base = float(p["baseline"].mean()) if len(p) else math.nan
            se = d["sd"] / math.sqrt(d["n"]) if d["n"] > 1 else math.nan
            if se > 0:
                pval = float(2 * stats.t.sf(abs(d["mean"]) / se, d["n"] - 1))
            else:
                pval = math.nan
            rows.append({"scenario": label, "baseline": baseline, "outcome": o,
                         "n_pairs": d["n"], "mean_diff": d["mean"], "sd_diff": d["sd"],
                         "ci_low": d["ci_low"], "ci_high": d["ci_high"], "p_value": pval,
                         "baseline_mean": base,
                         "relative": d["mean"] / base if base > 0 else math.nan})
    return pd.DataFrame(rows)


def fieller(cost: np.ndarray, gain: np.ndarray) -> tuple[float, float, float]:
    """Ratio of means mean(cost)/mean(gain) of paired samples and Fieller's 95%
    interval (NaN, NaN when the gain is not clearly non-zero: the set is unbounded)."""
    n = len(cost)
    if n < 2:
        return (math.nan,) * 3
    mc, mg = float(np.mean(cost)), float(np.mean(gain))
    ratio = mc / mg if mg else math.nan
    cov = np.cov(cost, gain, ddof=1) / n  # covariance of the two means
    t2 = _t(n) ** 2
    a = mg**2 - t2 * cov[1, 1]
    b = mc * mg - t2 * cov[0, 1]
    c = mc**2 - t2 * cov[0, 0]
    disc = b * b - a * c
    if a <= 0 or disc < 0:
        return ratio, math.nan, math.nan
    root = math.sqrt(disc)
    return ratio, (b - root) / a, (b + root) / a


def cost_effectiveness(runs: pd.DataFrame, labels: list[str], baseline: str) -> pd.DataFrame:
    """Programme rupiah per rupiah of extra income, against the baseline."""
    rows = []
    for label in labels:
        if label == baseline:
            continue
        cost = paired(runs, label, baseline, "budget_spent")
        gain = paired(runs, label, baseline, "income_total")
        both = cost.index.intersection(gain.index)
        dc = (cost.loc[both, "arm"] - cost.loc[both, "baseline"]).to_numpy(float)
        dg = (gain.loc[both, "arm"] - gain.loc[both, "baseline"]).to_numpy(float)
        ratio, lo, hi = fieller(dc, dg)
        rows.append({"scenario": label, "baseline": baseline, "n_pairs": len(both),
                     "extra_spending": float(dc.mean()) if len(dc) else math.nan,
                     "extra_income": float(dg.mean()) if len(dg) else math.nan,
                     "cost_per_rupiah_income": ratio, "ci_low": lo, "ci_high": hi,
                     "method": "ratio of mean paired differences; Fieller 95% CI"})
    return pd.DataFrame(rows)


def summarize_series(series: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """Mean and 95% t-band per scenario, month and indicator."""
    cols = [c for c in SERIES_INDICATORS if c in series.columns]
    long = series.melt(id_vars=["scenario", "replicate", "t"], value_vars=cols,
                       var_name="indicator")
    g = long.groupby(["scenario", "indicator", "t"], sort=False)["value"]
    out = g.agg(n="count", mean="mean", sd="std").reset_index()
    half = out["n"].map(_t) * out["sd"] / np.sqrt(out["n"])
    out["ci_low"], out["ci_high"] = out["mean"] - half, out["mean"] + half
    order = {lab: i for i, lab in enumerate(labels)}
    out = out.sort_values(["scenario", "indicator", "t"],
                          key=lambda s: s.map(order) if s.name == "scenario" else s)
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- run


def default_out_dir(labels: list[str], digest: str) -> Path:
    name = "compare_" + "_vs_".join(labels)
    return Path("results") / (name if len(name) <= 80 else f"compare_{digest[:10]}")


def compare(scenarios, *, replicates: int | None = None, baseline: str | None = None,
            months: int | None = None, seed: int | None = None,
            overrides: Mapping[str, Any] | None = None, out_dir: str | Path | None = None,
            executor: str = "process", workers: int | None = None,
            scheduler: str | None = None, dask_local: int | None = None,
            progress: bool = True, chunk_size: int | None = None,
            plots: bool = True, retry_failed: bool = False,
            dask_wait: float = DASK_WAIT, posterior: str | Path | None = None) -> CompareResult:
    """Run scenarios with common seeds and compare them against a baseline.

    Args:
        scenarios: names or paths of scenarios, or a mapping label -> name/path
            or label -> ``{"scenario": ..., "<dotted.key>": value, ...}``, or the
            path of a ``method = "points"`` sweep spec of model ``ovop`` (each
            point an arm, named by its ``label``; the spec's replicates, seed
            and months are the defaults).
        replicates: runs per scenario (replicate i has the same seed everywhere;
            default 10).
        baseline: label, name or path of the reference (default: the scenario
            named ``baseline`` if any, else the first).
        months: horizon (default: each scenario's own).
        seed: root seed of the replicate seeds (default 0).
        overrides: dotted overrides applied to every scenario.
        out_dir: where results go (default ``results/compare_<a>_vs_<b>...``);
            rerunning with the same arguments resumes.
        executor, workers, scheduler, dask_local, progress, chunk_size,
            retry_failed, dask_wait: as :func:`~ovopsim.experiments.runner.run_design`.
        plots: write the figures.
        posterior: a posterior file (:mod:`ovopsim.posterior`): replicate i draws
            its calibrated parameters from it with its seed, the same draw in every
            scenario, so the intervals carry parameter uncertainty as well as chance
            (None: every replicate runs the defaults).

    Raises:
        InputError: a missing scenario, a bad key or value, a bad baseline, an
            out_dir holding another experiment; nothing is written.
    """
    from ovopsim.config import load_scenario

    defaults = {"replicates": 10, "seed": 0, "months": None}
    spec_out = None
    if is_spec(scenarios):
        path = Path(scenarios[0] if isinstance(scenarios, (list, tuple)) else scenarios)
        spec_out = Path("results") / f"{path.stem}_compare"
        scenarios, from_spec = arms_from_spec(path)
        defaults.update(from_spec)
    replicates = defaults["replicates"] if replicates is None else replicates
    seed = defaults["seed"] if seed is None else seed
    months = defaults["months"] if months is None else months
    if months is not None and (isinstance(months, bool) or int(months) != months
                               or months < 1):
        raise InputError(None, "--months", "a whole number >= 1", repr(months))
    arms = make_arms(scenarios, overrides)
    if len(arms) < 2:
        raise InputError(None, "scenarios", "at least two scenarios to compare",
                         f"only {arms[0].label}")
    if months is not None:
        for arm in arms:
            check_params({**arm.params, "months": int(months)})
    base = pick_baseline(arms, baseline)
    labels = [a.label for a in arms]
    keys = list(dict.fromkeys(k for a in arms for k in a.params))
    missing = [(a.label, k) for a in arms for k in keys if k not in a.params]
    if missing:
        raise InputError(None, "scenarios", "the same override keys for every scenario",
                         f'"{missing[0][1]}" missing from "{missing[0][0]}"')
    fixed = {"months": int(months)} if months is not None else {}
    if posterior is not None:
        fixed = with_posterior(fixed, posterior)
    design = from_points([{k: a.params[k] for k in keys} for a in arms], replicates=replicates, seed=seed,
                         fixed=fixed or None)
    # recorded in compare.json; the runner makes each file's content part of the
    # experiment's identity (an edited scenario is refused on resume)
    hashes = {a.label: load_scenario(a.params["scenario"]).content_hash()[:12] for a in arms}
    out = Path(out_dir) if out_dir is not None else spec_out or default_out_dir(
        labels, design.hash(extra=hashes))
    runs = run_design(design, simulate_with_series, out_dir=out, executor=executor, workers=workers,
                      scheduler=scheduler, dask_local=dask_local, progress=progress,
                      chunk_size=chunk_size, model_name="ovop_series",
                      retry_failed=retry_failed, dask_wait=dask_wait)
    return _analyse(arms, base, runs, out, months, hashes, plots, posterior)


def _analyse(arms, base, runs_all, out: Path, months, hashes, plots, posterior=None) -> CompareResult:
    if not (runs_all["status"] == "ok").any():  # nothing to analyse: the runs stay stored for a retry
        raise RunFailed(f"every one of the {len(runs_all)} runs failed (first: {runs_all['error'].iloc[0]}); "
                        "fix the cause and rerun the same command with --retry-failed")
    labels = [a.label for a in arms]
    runs = runs_all.rename(columns={"scenario": "scenario_file"})
    runs.insert(1, "scenario", runs["point"].map(dict(enumerate(labels))))
    keep = ["run_id", "scenario", "replicate", "seed", "scenario_file",
            *[k for k in runs.columns[runs.columns.get_loc("scenario_file") + 1:
                                      runs.columns.get_loc("status")]],
            "status", "error", *_outcomes(runs_all)]
    runs = runs[keep]
    series = read_series(out)
    series = runs[["run_id", "scenario", "replicate"]].merge(series, on="run_id")
    result = CompareResult(
        arms=arms, baseline=base, runs=runs, summary=summarize(runs, labels),
        differences=differences(runs, labels, base),
        cost_effectiveness=cost_effectiveness(runs, labels, base), series=series,
        series_summary=summarize_series(series, labels), out_dir=out, months=months,
        posterior=str(posterior) if posterior is not None else None)
    files = []
    for name in ("runs", "summary", "differences", "cost_effectiveness", "series_summary"):
        files += output.write_table(getattr(result, name), out / name)
    files.append(output.write_json(output.provenance(
        arms=[{"label": a.label, **a.params} for a in arms], baseline=base,
        scenario_hashes=hashes, replicates=int(runs["replicate"].max()) + 1,
        posterior=str(posterior) if posterior is not None else None,
        seeds=[int(s) for s in runs.sort_values("replicate").drop_duplicates("replicate")["seed"]],
        months=months,
        statistics=STATISTICS),
        out / "compare.json"))
    if plots:
        from .plots import compare_figures

        result.figures = compare_figures(result, out / "figures")
        files += result.figures
    result.files = files
    return result


# --------------------------------------------------------------------------- report


def fmt(x: float, signed: bool = False) -> str:
    """Compact numbers: 2.08M, 1.35B, 290, 0.453."""
    if x is None or not np.isfinite(x):
        return "-"
    sign = "+" if signed and x > 0 else ""
    a = abs(x)
    if a >= 1e9:
        return f"{sign}{x / 1e9:,.2f}B"
    if a >= 1e6:
        return f"{sign}{x / 1e6:,.2f}M"
    if a >= 100:
        return f"{sign}{x:,.0f}"
    return f"{sign}{x:.3g}"


def _grid(title: str, rows: list[str], columns: dict[str, list[str]], width: int = 118) -> str:
    """A text table, the columns split into blocks that fit ``width``."""
    first = max(len(r) for r in rows) + 2
    names = list(columns)
    blocks, block, used = [], [], first
    for name in names:
        w = max(len(name), *(len(c) for c in columns[name])) + 2
        if block and used + w > width:
            blocks.append(block)
            block, used = [], first
        block.append((name, w))
        used += w
    blocks.append(block)
    lines = [title]
    for block in blocks:
        lines.append("".ljust(first) + "".join(n.rjust(w) for n, w in block))
        for i, r in enumerate(rows):
            lines.append(r.ljust(first) + "".join(columns[n][i].rjust(w) for n, w in block))
    return "\n".join(lines)


def report(result: CompareResult) -> str:
    s, d = result.summary, result.differences
    rows = [o for o in KEY_OUTCOMES if o in set(s["outcome"])]
    names = [KEY_OUTCOMES[o] for o in rows]
    n = int(s["n"].max()) if len(s) else 0
    labels = [a.label for a in result.arms]
    horizon = f"{result.months} months" if result.months else "each scenario's horizon"
    out = []
    cols = {}
    for label in labels:
        t = s[s["scenario"] == label].set_index("outcome")
        cols[label] = [f"{fmt(t.at[o, 'mean'])} [{fmt(t.at[o, 'ci_low'])}, "
                       f"{fmt(t.at[o, 'ci_high'])}]" for o in rows]
    drawn = (f"; each replicate's parameters drawn from {Path(result.posterior).name}"
             if result.posterior else "; default parameters (intervals from seeds alone)")
    out.append(_grid(f"Mean [95% CI] over {n} replicates (common seeds), {horizon}{drawn}",
                     names, cols))
    if len(d):
        cols = {}
        for label in labels:
            if label == result.baseline:
                continue
            t = d[d["scenario"] == label].set_index("outcome")
            cell = []
            for o in rows:
                rel = t.at[o, "relative"]
                pct = f" {rel * 100:+.0f}%".replace("-0%", "0%").replace("+0%", "0%") \
                    if np.isfinite(rel) else ""
                cell.append(f"{fmt(t.at[o, 'mean_diff'], True)} [{fmt(t.at[o, 'ci_low'], True)}, "
                            f"{fmt(t.at[o, 'ci_high'], True)}]{pct}")
            cols[f"{label} - {result.baseline}"] = cell
        out.append(_grid(f"\nDifference from {result.baseline}, paired by seed [95% CI]",
                         names, cols))
        ce = result.cost_effectiveness
        out.append("\nProgramme rupiah per rupiah of extra income (ratio of mean differences, "
                   "Fieller 95% CI):")
        for r in ce.itertuples(index=False):
            ci = (f"[{fmt(r.ci_low)}, {fmt(r.ci_high)}]" if np.isfinite(r.ci_low)
                  else "[CI unbounded: the income gain is not clearly non-zero]")
            out.append(f"  {r.scenario:<28} {fmt(r.cost_per_rupiah_income)} {ci}   "
                       f"(spent {fmt(r.extra_spending, True)}, income {fmt(r.extra_income, True)})")
    failed = int((result.runs["status"] == "failed").sum())
    if failed:
        first = result.runs.loc[result.runs["status"] == "failed", "error"].iloc[0]
        out.append(f"\n{failed} runs failed (left out of the statistics); first: {first}")
    return "\n".join(out)
