"""The verbs behind spec files: :func:`sweep` and :func:`sensitivity`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ovopsim.errors import InputError
from ovopsim.output import write_table

from .design import Design, from_points, full_factorial, latin_hypercube
from .executors import DASK_WAIT
from .registry import get_model
from .runner import run_design
from .sensitivity import SensitivityResult, run_sensitivity
from .spec import ExperimentSpec, as_spec
from .store import read_series

#: the models whose runs can draw their calibrated parameters from a posterior
POSTERIOR_MODELS = ("ovop", "ovop_series")


@dataclass
class SweepResult:
    """``runs``: one row per run (inputs, status, error, outcomes), sorted by run_id.
    ``summary``: one row per point: parameters, ``n_ok``, ``n_failed`` and
    ``<outcome>_mean`` / ``<outcome>_std`` over the successful replicates."""

    runs: pd.DataFrame
    summary: pd.DataFrame
    out_dir: Path
    files: list[Path] = field(default_factory=list)


def default_out_dir(spec: ExperimentSpec) -> Path:
    stem = spec.file.stem if spec.file is not None else "experiment"
    return Path("results") / stem


def design_from_spec(spec: ExperimentSpec) -> Design:
    """The sweep design a (checked) spec describes."""
    exp, d = spec.experiment, spec.design
    common = {"replicates": exp.replicates, "seed": exp.seed, "fixed": spec.fixed_parameters()}
    if d.method == "full_factorial":
        return full_factorial({k: p.levels for k, p in spec.params.items()}, **common)
    if d.method == "latin_hypercube":
        bounds = {k: tuple(p.bounds) for k, p in spec.params.items()}
        return latin_hypercube(bounds, d.n, exp.seed, replicates=exp.replicates,
                               fixed=common["fixed"])
    rows = [dict(p) for p in d.points]
    for row in rows:
        if "scenario" in row:
            row["scenario"] = spec.path(row["scenario"])
    return from_points(rows, **common)


def summarize(runs: pd.DataFrame, design: Design, outcomes: list[str]) -> pd.DataFrame:
    """Per-point replicate statistics of ``outcomes``."""
    summary = design.points.copy()
    status = runs.groupby("point")["status"]
    summary["n_ok"] = status.apply(lambda s: int((s == "ok").sum())).reindex(summary["point"]
                                                                             ).to_numpy()
    summary["n_failed"] = status.apply(lambda s: int((s == "failed").sum())).reindex(
        summary["point"]).to_numpy()
    ok = runs[runs["status"] == "ok"].groupby("point")
    for o in outcomes:
        if o in runs.columns:
            summary[f"{o}_mean"] = ok[o].mean().reindex(summary["point"]).to_numpy()
            summary[f"{o}_std"] = ok[o].std(ddof=1).reindex(summary["point"]).to_numpy()
    return summary


def _outcomes(runs: pd.DataFrame, spec: ExperimentSpec) -> list[str]:
    produced = list(runs.columns[runs.columns.get_loc("error") + 1:])
    return list(spec.outputs.outcomes) if spec.outputs.outcomes else produced


def sweep(spec_or_path, *, out_dir: str | Path | None = None, executor: str = "process",
          workers: int | None = None, scheduler: str | None = None,
          dask_local: int | None = None, progress: bool = True,
          chunk_size: int | None = None, retry_failed: bool = False,
          dask_wait: float = DASK_WAIT, posterior: str | Path | None = None) -> SweepResult:
    """Run the sweep a spec (path, dict or ExperimentSpec) describes; resumes in ``out_dir``.

    ``posterior`` (OVOP models only): a posterior file each run's seed draws the
    calibrated parameters from (the spec's own parameters win).

    Writes (besides the runner's files) ``results.csv/.parquet`` (all runs),
    ``summary.csv/.parquet`` (per point) and, with ``at = "all"``,
    ``series.csv/.parquet`` (tidy: run_id, point, replicate, t, outcomes).
    """
    spec = as_spec(spec_or_path)
    if spec.experiment.kind != "sweep":
        raise InputError(spec.file, "experiment.kind", '"sweep" for sweep', '"sensitivity"')
    design = design_from_spec(spec)
    if posterior is not None and spec.experiment.model in POSTERIOR_MODELS:
        from .ovop import with_posterior

        design = Design(design.points, design.replicates, design.root_seed,
                        with_posterior(design.fixed, posterior))
    out = Path(out_dir) if out_dir is not None else default_out_dir(spec)
    runs = run_design(design, get_model(spec.experiment.model), out_dir=out, executor=executor,
                      workers=workers, scheduler=scheduler, dask_local=dask_local,
                      progress=progress, chunk_size=chunk_size,
                      model_name=spec.experiment.model, retry_failed=retry_failed,
                      dask_wait=dask_wait)
    outcomes = _outcomes(runs, spec)
    summary = summarize(runs, design, outcomes)
    files = write_table(runs, out / "results") + write_table(summary, out / "summary")
    if spec.outputs.at == "all":
        series = read_series(out)
        keep = ["run_id", "t", *[o for o in outcomes if o in series.columns]]
        series = runs[["run_id", "point", "replicate"]].merge(series[keep], on="run_id")
        files += write_table(series, out / "series")
    return SweepResult(runs, summary, out, files)


def sensitivity(spec_or_path, *, out_dir: str | Path | None = None, executor: str = "process",
                workers: int | None = None, scheduler: str | None = None,
                dask_local: int | None = None, progress: bool = True,
                chunk_size: int | None = None, retry_failed: bool = False,
                dask_wait: float = DASK_WAIT) -> SensitivityResult:
    """Run the sensitivity analysis a spec describes (see :func:`run_sensitivity`)."""
    spec = as_spec(spec_or_path)
    if spec.experiment.kind != "sensitivity":
        raise InputError(spec.file, "experiment.kind", '"sensitivity" for sensitivity',
                         '"sweep"')
    s = spec.sensitivity
    problem = {"names": list(spec.params), "bounds": [p.bounds for p in spec.params.values()]}
    out = Path(out_dir) if out_dir is not None else default_out_dir(spec)
    return run_sensitivity(
        problem, get_model(spec.experiment.model), out_dir=out, method=s.method, n=s.n,
        outcomes=spec.outputs.outcomes, at=spec.outputs.at,
        replicates=spec.experiment.replicates, seed=spec.experiment.seed,
        fixed=spec.fixed_parameters(), settings=s.settings(), convergence=s.convergence,
        plots=s.plots, executor=executor, workers=workers, scheduler=scheduler,
        dask_local=dask_local, progress=progress, chunk_size=chunk_size,
        model_name=spec.experiment.model, retry_failed=retry_failed, dask_wait=dask_wait)
