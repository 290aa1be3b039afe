"""``ovopsim robust SPEC``: candidate mixes across an ensemble of futures.

Candidates are the optimize run's Pareto set (``candidates = "pareto"``: at most
``max_candidates`` of them, spread along the first objective; the search in the
optimize folder beside the robustness test's, else ``results/<spec>/optimize``, and
refused when it was made from a spec that differs in what shapes its numbers) or
mixes written in the spec. Futures are drawn from the ``[uncertainties]``: a Latin hypercube
(seeded by the spec's seed) over those with bounds, the levels of the others
drawn evenly; with ``reference_future = true`` future 0 is the reference one
(each uncertainty at its ``reference``, or the scenario's value). Every
candidate runs in every future over the replicates, with common random numbers
(replicate i has the same seed for every candidate and future), through the
experiment runner (so it resumes and runs on any executor).

Per candidate and future, each outcome is the mean over replicates. Then, per
candidate (``summary``):

``satisficing``
    the share of futures in which it meets every target of ``[outcomes]``
    (``target``: at least it for ``max``, at most for ``min``);
``regret_<o>_max``, ``regret_<o>_p90``
    regret in outcome o: how far it falls short of the best candidate in the
    same future (0 for the best), its maximum and 90th percentile over futures;
``<o>_p5``, ``<o>_p50``, ``<o>_p95``, ``<o>_mean``
    the outcome across futures.

Candidates are ranked by satisficing share, then by the smaller maximum regret
of the first directed outcome. Files: ``futures.csv/.parquet`` (one row per
candidate and future: the uncertainties, outcome means, ``meets``, regrets),
``summary.csv/.parquet``, ``candidates.csv/.parquet``, ``robust.json``,
``figures/robustness.png`` and ``figures/mixes.png``, and the runner's files in
``runs/``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ovopsim.errors import InputError
from ovopsim.output import write_json, write_table

from ..executors import DASK_WAIT
from .common import default_root, evaluate, executor_options, point_stats, same_search
from .levers import LEVER, SHARE, Encoding
from .optimize import spec_provenance
from .spec import DecisionSpec, as_decision, check_mixes
from .texts import NAMES

PERCENTILES = (5, 50, 95)


@dataclass
class RobustResult:
    candidates: pd.DataFrame
    futures: pd.DataFrame
    summary: pd.DataFrame
    out_dir: Path
    files: list[Path] = field(default_factory=list)


def draw_futures(spec: DecisionSpec) -> pd.DataFrame:
    """The ensemble of futures: one row per future, one column per uncertainty."""
    from scipy.stats import qmc

    unc = spec.uncertainty_params
    n = spec.robust.futures
    if not unc:  # nothing uncertain: the one future the spec describes
        return pd.DataFrame({"future": [0]})
    unit = qmc.LatinHypercube(d=len(unc), seed=np.random.default_rng(spec.experiment.seed)).random(n)
    cols = {}
    for j, (name, u) in enumerate(unc.items()):
        if u.bounds is not None:
            lo, hi = u.bounds
            cols[name] = lo + (hi - lo) * unit[:, j]
        else:
            idx = np.minimum((unit[:, j] * len(u.levels)).astype(int), len(u.levels) - 1)
            cols[name] = [u.levels[i] for i in idx]
    futures = pd.DataFrame(cols)
    if spec.robust.reference_future:
        ref = reference_values(spec)
        futures = pd.concat([pd.DataFrame([ref]), futures], ignore_index=True)
        futures = futures.astype({k: (float if unc[k].bounds is not None else object)
                                  for k in unc})
    futures.insert(0, "future", np.arange(len(futures)))
    return futures


def reference_values(spec: DecisionSpec) -> dict:
    """Each uncertainty's reference value (its ``reference``, else the value the model's
    check sees with the fixed parameters: for the OVOP model, the scenario's)."""
    out = {}
    for name, u in spec.uncertainty_params.items():
        if u.reference is not None:
            out[name] = u.reference
        else:
            out[name] = scenario_value(spec, name)
    return out


def scenario_value(spec: DecisionSpec, name: str):
    """The scenario's value of a dotted override (None when it cannot be read)."""
    if spec.experiment.scenario is None:
        return None
    from ovopsim.config import load_scenario

    data = load_scenario(spec.path(spec.experiment.scenario)).model_dump(mode="python")
    parts = name.split(".")
    if parts[0] == "interventions" and len(parts) == 3:
        for iv in data["interventions"]:
            if parts[1] in (iv.get("name"), iv["type"]):
                return iv.get(parts[2])
        return None
    node = data
    for p in parts:
        if not isinstance(node, dict) or p not in node:
            return None
        node = node[p]
    return node


def search_beside(spec: DecisionSpec, out: Path | None) -> Path:
    """Where ``candidates = "pareto"`` looks for the search: the Pareto table of the
    optimize folder beside the robustness test's (``OUT/../optimize``) when there is one,
    else ``results/<spec name>/optimize``."""
    if out is not None:
        beside = Path(out).parent / "optimize" / "pareto.parquet"
        if beside.is_file():
            return beside
    return default_root(spec) / "optimize" / "pareto.parquet"


def candidates_from(spec: DecisionSpec, pareto_path: Path | None, out: Path | None = None) -> pd.DataFrame:
    """The candidates: ``label``, ``share.<programme>``, ``lever.<name>``; ``out``: the
    robustness test's folder (the search is looked for beside it, :func:`search_beside`,
    and must have been made from this spec, :func:`~.common.same_search`)."""
    enc = Encoding(spec)
    cands = spec.robust.candidates
    if cands != "pareto":
        rows = []
        for mix in cands:
            shares = {p: float(mix.shares.get(p, 0.0)) for p in spec.programmes}
            levers = {name: mix.levers.get(name, _default_lever(spec, name))
                      for name in spec.lever_params}
            rows.append({"label": mix.label, **enc.columns(shares, levers)})
        return pd.DataFrame(rows)
    if pareto_path is not None and not Path(pareto_path).is_file():
        raise InputError(None, "--candidates", "a Pareto table of ovopsim optimize (pareto.parquet "
                         "or pareto.csv)", f"{pareto_path}, which does not exist or is not a file")
    path = pareto_path or search_beside(spec, out)
    if not Path(path).is_file():
        raise InputError(spec.file, "robust.candidates", f'"pareto" after ovopsim optimize '
                         f"(its {path}), or a list of mixes", "no Pareto set there; run "
                         "ovopsim optimize first or give --candidates")
    record = Path(path).parent / "optimize.json"
    if pareto_path is None and record.is_file():  # the search found, not one named: it must be this spec's
        same_search(spec_provenance(spec), json.loads(record.read_text()), record)
    front = _pareto_table(Path(path), spec)
    keep = [c for c in front.columns if c == "label" or c.startswith((SHARE, LEVER))]
    front = front[keep]
    k = spec.robust.max_candidates
    if len(front) > k:  # spread along the first objective (the Pareto set is ordered by it)
        idx = np.unique(np.round(np.linspace(0, len(front) - 1, k)).astype(int))
        front = front.iloc[idx]
    return front.reset_index(drop=True)


def _pareto_table(path: Path, spec: DecisionSpec) -> pd.DataFrame:
    """A Pareto table of ``ovopsim optimize``: its pareto.parquet, or the pareto.csv beside
    it; one with a label and a share of each of the spec's programmes."""
    expected = "a Pareto table of ovopsim optimize (pareto.parquet or pareto.csv)"
    try:
        front = pd.read_csv(path) if path.suffix.lower() == ".csv" else pd.read_parquet(path)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise InputError(None, "--candidates", expected,
                         f"{path}, which cannot be read as one ({type(exc).__name__})") from None
    missing = [c for c in ["label", *(SHARE + p for p in spec.programmes)] if c not in front.columns]
    if missing:
        raise InputError(None, "--candidates", expected + " for this spec's programmes",
                         f"{path}, without the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    for name, p in spec.lever_params.items():
        col = LEVER + name
        if col not in front.columns:  # a lever the table leaves out: as a hand-written mix's
            front[col] = [_default_lever(spec, name)] * len(front)
        elif p.levels is not None and any(isinstance(v, bool) for v in p.levels):
            # a CSV column with anything but true and false in it is read as text
            truth = {"true": True, "false": False}
            front[col] = [truth.get(v.lower(), v) if isinstance(v, str) else v for v in front[col]]
    rows = [{k: v.item() if hasattr(v, "item") else v for k, v in row.items()}  # numpy to plain values
            for row in front.to_dict("records")]
    check_mixes(spec, [(f"row {i + 1} ({r['label']})", r["label"], {p: r[SHARE + p] for p in spec.programmes},
                        {n: r[LEVER + n] for n in spec.lever_params}) for i, r in enumerate(rows)], path, "row")
    return front


def _default_lever(spec: DecisionSpec, name: str):
    """A lever a hand-written mix leaves out: the scenario's value, else its first level
    or lower bound."""
    value = scenario_value(spec, name)
    if value is not None:
        return value
    p = spec.lever_params[name]
    return p.levels[0] if p.levels is not None else p.bounds[0]


def robust(spec_or_path, *, out_dir: str | Path | None = None,
           candidates: str | Path | None = None, executor: str = "process",
           workers: int | None = None, scheduler: str | None = None,
           dask_local: int | None = None, progress: bool = True, retry_failed: bool = False,
           dask_wait: float = DASK_WAIT, chunk_size: int | None = None) -> RobustResult:
    """Run (or resume) the robustness analysis a decision spec describes.

    ``candidates``: a Pareto table (``pareto.parquet`` of an optimize run) to take the
    candidates from, instead of the spec's (default: the spec's, or, for
    ``"pareto"``, ``results/<spec>/optimize/pareto.parquet``)."""
    spec = as_decision(spec_or_path)
    out = Path(out_dir) if out_dir is not None else default_root(spec) / "robust"
    if candidates is not None:
        spec.robust.candidates = "pareto"
    cands = candidates_from(spec, Path(candidates) if candidates is not None else None, out)
    futures = draw_futures(spec)
    enc = Encoding(spec)
    points = []
    unc_names = list(spec.uncertainty_params)
    for _, c in cands.iterrows():
        shares = {p: float(c[SHARE + p]) for p in spec.programmes}
        levers = {name: _plain(c[LEVER + name]) for name in spec.lever_params}
        base = enc.params(shares, levers)
        for _, f in futures.iterrows():
            points.append({**base, **{k: _plain(f[k]) for k in unc_names}})
    opts = executor_options(executor, workers, scheduler, dask_local, retry_failed, dask_wait,
                            chunk_size)
    opts["progress"] = progress
    runs = evaluate(spec, points, out, spec.fixed_parameters(), opts)
    stats = point_stats(runs, list(spec.outcomes))
    nf = len(futures)
    grid = pd.DataFrame({"label": np.repeat(cands["label"].to_numpy(), nf),
                         "future": np.tile(futures["future"].to_numpy(), len(cands))})
    grid = grid.merge(futures, on="future", how="left")
    per_future = pd.concat([grid, stats.drop(columns="point")], axis=1)
    per_future = add_regret(per_future, spec)
    summary = summarize(per_future, cands, spec)
    files = write_outputs(spec, out, cands, per_future, summary,
                          Path(candidates) if candidates is not None else None)
    return RobustResult(cands, per_future, summary, out, files)


def _plain(v):
    return v.item() if isinstance(v, np.generic) else v


def add_regret(per_future: pd.DataFrame, spec: DecisionSpec) -> pd.DataFrame:
    """``meets`` (every target met) and ``regret_<o>`` per directed outcome."""
    out = per_future.copy()
    meets = np.ones(len(out), bool)
    for o, (direction, target) in spec.targets().items():
        x = out[o].to_numpy(float)
        meets &= (x >= target) if direction == "max" else (x <= target)
    out["meets"] = meets
    for o, direction in spec.directed().items():
        best = out.groupby("future")[o].transform("max" if direction == "max" else "min")
        out[f"regret_{o}"] = (best - out[o]) if direction == "max" else (out[o] - best)
    return out


def summarize(per_future: pd.DataFrame, cands: pd.DataFrame, spec: DecisionSpec) -> pd.DataFrame:
    """One row per candidate (see the module docstring), ranked."""
    rows = []
    for label, grp in per_future.groupby("label", sort=False):
        row = {"label": label, "futures": len(grp), "satisficing": float(grp["meets"].mean())}
        for o in spec.directed():
            r = grp[f"regret_{o}"].to_numpy(float)
            row[f"regret_{o}_max"] = float(r.max())
            row[f"regret_{o}_p90"] = float(np.percentile(r, 90))
        for o in spec.outcomes:
            x = grp[o].to_numpy(float)
            row[f"{o}_mean"] = float(x.mean())
            for q in PERCENTILES:
                row[f"{o}_p{q}"] = float(np.percentile(x, q))
        if "cost_per_income" in grp.columns:
            row["cost_per_income_p50"] = float(np.nanmedian(grp["cost_per_income"]))
        rows.append(row)
    summary = pd.DataFrame(rows)
    first = next(iter(spec.directed()))
    summary = summary.sort_values(["satisficing", f"regret_{first}_max"],
                                  ascending=[False, True], kind="stable").reset_index(drop=True)
    summary.insert(1, "rank", np.arange(1, len(summary) + 1))
    return summary.merge(cands, on="label", how="left")


def write_outputs(spec: DecisionSpec, out: Path, cands, per_future, summary,
                  candidates_file: Path | None = None) -> list[Path]:
    """The tables, robust.json (with the spec's provenance, and the table of mixes given
    to --candidates with its digest) and the figures."""
    from .. import plots
    from ..store import file_digest

    files = write_table(cands, out / "candidates") + write_table(per_future, out / "futures")
    files += write_table(summary, out / "summary")
    meta = {"futures": int(per_future["future"].nunique()), "candidates": len(cands),
            "replicates": spec.experiment.replicates, "root_seed": spec.experiment.seed,
            "uncertainties": {k: u.model_dump() for k, u in spec.uncertainty_params.items()},
            "targets": {k: {"direction": d, "target": t} for k, (d, t) in spec.targets().items()},
            "directions": spec.directed(), "programmes": spec.programmes,
            "budget_total": spec.budget.total if spec.budget is not None else None,
            "candidates_file": str(candidates_file) if candidates_file is not None else None,
            "candidates_sha256": file_digest(candidates_file) if candidates_file is not None else None,
            **spec_provenance(spec)}
    files.append(write_json(meta, out / "robust.json"))
    first = next(iter(spec.directed()))
    files += plots.robust_figure(summary, first, out / "figures" / "robustness.png", NAMES["en"],
                                 target=spec.targets().get(first, (None, None))[1])
    if spec.programmes:
        files += plots.mix_figure(summary, spec.programmes, out / "figures" / "mixes.png", NAMES["en"])
    return files
