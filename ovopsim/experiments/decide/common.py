"""What optimize, robust and report share: evaluating candidates through the runner, and
their per-candidate statistics; reading back the spec a results folder was made from, and
checking that a search and a robustness test belong together."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from ovopsim.errors import InputError, RunFailed

from ..compare import _describe, fieller
from ..design import from_points
from ..executors import DASK_WAIT
from ..registry import get_model
from ..runner import run_design
from ..spec import _flat, _flat_parameters
from .levers import LEVER, SHARE
from .spec import DecisionSpec


def spec_table(meta: dict) -> dict:
    """The decision spec a run was made from, as a table, from its record (robust.json,
    optimize.json: the spec file's text, or the spec as JSON when it was given from Python)."""
    import json
    import tomllib

    try:
        return tomllib.loads(meta["spec_text"])
    except tomllib.TOMLDecodeError:
        return json.loads(meta["spec_text"])


def default_root(spec: DecisionSpec) -> Path:
    """``results/<spec name>``: optimize, robust and discovery write under it."""
    return Path("results") / spec.key()


#: the parts of a decision spec that make a search's numbers (the rest, such as the
#: robustness test's futures or the report's texts, may change between the verbs)
SEARCH_SECTIONS = ("experiment", "budget", "levers", "fixed", "outcomes", "optimize")


def same_search(robust_record: dict, search_record: dict, record: Path) -> None:
    """The search shown beside a robustness test was made from the same spec in what
    shapes its numbers (:data:`SEARCH_SECTIONS`, and each uncertainty's reference
    value, the future it is evaluated in): otherwise the brief would put one spec's
    Pareto set beside another's robustness without a word. ``robust_record`` and
    ``search_record`` are their records (robust.json, optimize.json: the spec's text
    and the scenario file's digest). The scenario is compared by its file's contents when
    both records give its digest (a spec copied elsewhere names the same file by another
    path; an edited file has another digest), else by the name the spec gives it."""
    def shaping(meta: dict) -> dict:
        spec = spec_table(meta)
        # an outcome's target is read by the robustness test only (what a mix must meet),
        # never by the search: a stricter target reuses the search
        flat = {k: v for k, v in _flat({k: spec.get(k) for k in SEARCH_SECTIONS}).items()
                if not (k.startswith("outcomes.") and k.endswith(".target"))}
        flat.update({f"uncertainties.{k}.reference": u.get("reference") if isinstance(u, dict) else u
                     for k, u in _flat_parameters(spec.get("uncertainties") or {}).items()})
        if both_digests:
            flat["experiment.scenario"] = f"the file with sha256 {meta['scenario_sha256'][:12]}..."
        return flat

    both_digests = all(m.get("scenario_sha256") for m in (robust_record, search_record))
    robust, search = shaping(robust_record), shaping(search_record)
    for key in sorted(set(robust) | set(search)):
        if robust.get(key) != search.get(key):
            raise InputError(record, key, f"the search made from the spec of the robustness test "
                             f"beside it ({key} = {robust.get(key)!r}); rerun ovopsim optimize with "
                             "that spec", f"a search made with {search.get(key)!r}")


def same_candidates(candidates: pd.DataFrame, pareto: pd.DataFrame, record: Path) -> None:
    """The mixes a robustness test took from a Pareto set are that set's, label for label
    (shares and levers): otherwise a brief would show one search's mix beside another's
    outcomes under the same label. Hand-written mixes (labels not in the set) pass."""
    cols = [c for c in candidates.columns if c.startswith((SHARE, LEVER)) and c in pareto.columns]
    theirs = pareto.set_index("label")
    for _, c in candidates.iterrows():
        if c["label"] not in theirs.index:
            continue
        for col in cols:
            if c[col] != theirs.at[c["label"], col]:
                raise InputError(record, f"{c['label']}.{col}", "the robustness test's candidates from the "
                                 f"search beside it ({col} = {c[col]!r}); rerun ovopsim robust with that search",
                                 f"{theirs.at[c['label'], col]!r} in this search's Pareto set")


def evaluate(spec: DecisionSpec, points: list[dict], out_dir: Path, fixed: dict,
             options: dict) -> pd.DataFrame:
    """Run every point over the spec's replicates (common seeds: replicate i has the
    same seed at every point) into ``out_dir`` (resumes). Returns the run table;
    raises RunFailed when a run failed (after its results are saved)."""
    design = from_points(points, replicates=spec.experiment.replicates, seed=spec.experiment.seed,
                         fixed=fixed)
    runs = run_design(design, get_model(spec.experiment.model), out_dir=out_dir,
                      model_name=spec.experiment.model, **options)
    failed = runs[runs["status"] == "failed"]
    if len(failed):
        raise RunFailed(f"{len(failed)} of {len(runs)} runs in {out_dir} failed (first: "
                        f"{failed['error'].iloc[0]}); finished runs are saved. Rerun the same "
                        "command with --retry-failed to run them again")
    return runs


def point_stats(runs: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """Per point: ``n`` and, per outcome, ``<o>`` (mean over replicates), ``<o>_low``,
    ``<o>_high`` (95% t-interval). Adds ``cost_per_income`` (programme rupiah per
    rupiah of extra income, ratio of means, Fieller 95% interval) when the runs have
    ``budget_spent`` and ``extra_income``."""
    rows = []
    for point, grp in runs.groupby("point", sort=True):
        row = {"point": int(point), "n": len(grp)}
        for o in outcomes:
            d = _describe(grp[o].to_numpy(float))
            row.update({o: d["mean"], f"{o}_low": d["ci_low"], f"{o}_high": d["ci_high"]})
        if {"budget_spent", "extra_income"} <= set(grp.columns):
            ratio, lo, hi = fieller(grp["budget_spent"].to_numpy(float),
                                    grp["extra_income"].to_numpy(float))
            row.update({"cost_per_income": ratio, "cost_per_income_low": lo,
                        "cost_per_income_high": hi})
        rows.append(row)
    return pd.DataFrame(rows)


def executor_options(executor: str = "process", workers: int | None = None,
                     scheduler: str | None = None, dask_local: int | None = None,
                     retry_failed: bool = False, dask_wait: float = DASK_WAIT,
                     chunk_size: int | None = None) -> dict:
    """The runner's options that optimize and robust pass through (no progress bar of
    the runner's own: they show one of theirs)."""
    return {"executor": executor, "workers": workers, "scheduler": scheduler,
            "dask_local": dask_local, "retry_failed": retry_failed, "dask_wait": dask_wait,
            "chunk_size": chunk_size, "progress": False}


def finite(x) -> float | None:
    """A number for JSON (None for NaN/inf)."""
    x = float(x)
    return x if math.isfinite(x) else None


def oriented(table: pd.DataFrame, objectives: list[str], directed: dict[str, str]) -> np.ndarray:
    """Objective values to minimise (maximised ones negated)."""
    sign = np.array([-1.0 if directed[o] == "max" else 1.0 for o in objectives])
    return table[objectives].to_numpy(float) * sign
