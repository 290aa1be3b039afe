"""Global sensitivity analysis built on the runner: sample -> Design ->
:func:`run_design` -> analyze -> tidy tables (CSV/Parquet); figures are the
plotting module's (:func:`ovopsim.experiments.plots.sensitivity_figures`).

Problems are SALib dicts: ``{"names": [...], "bounds": [[lo, hi], ...]}``
(``num_vars`` is filled in). Methods, one module each with the same signature in
:mod:`ovopsim.experiments.methods`: ``sobol`` (S1, ST, S2), ``morris`` (mu, mu*,
sigma), ``fast`` (eFAST S1, ST), ``delta`` (Borgonovo's delta and S1).

Stochastic models: each sample point is run ``replicates`` times (common random
numbers: replicate i has the same seed at every point) and the outcome averaged.

Tidy index table columns: ``method, outcome, t, parameter, parameter2, index,
value, conf`` — ``t`` is NaN for outcomes taken at the final time, the time
for ``at="all"``; ``parameter2`` is set only for second-order indices.

Convergence (Sobol' and Morris): the sample is made of blocks, one per base
sample (``2D+2`` rows for Sobol', as ``SALib.sample.sobol`` writes A, AB_1..AB_D,
BA_1..BA_D, B for each base row) or per trajectory (``D+1`` rows for Morris), so
every prefix of whole blocks is itself a valid sample. Indices are recomputed on
prefixes of 2^k blocks and returned as a tidy table with column ``n`` (blocks).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ovopsim.errors import InputError, RunFailed
from ovopsim.output import write_table

from . import methods
from .design import Design, from_samples
from .executors import DASK_WAIT
from .runner import run_design
from .store import read_runs, read_series

METHODS = tuple(methods.METHODS)
TIDY_COLUMNS = ["method", "outcome", "t", "parameter", "parameter2", "index", "value", "conf"]


class AnalysisError(RunFailed):
    """The runs finished but cannot be analysed (e.g. every replicate of a point failed)."""


def normalize_problem(problem: Mapping[str, Any]) -> dict:
    names = list(problem.get("names", []))
    bounds = [list(map(float, b)) for b in problem.get("bounds", [])]
    if not names or len(names) != len(bounds):
        raise InputError(None, "problem", "names and bounds of the same, non-zero length",
                         f"{len(names)} names, {len(bounds)} bounds")
    for name, (lo, hi) in zip(names, bounds, strict=True):
        if not lo < hi:
            raise InputError(None, f"parameters.{name}.bounds", "[lower, upper] with lower < upper",
                             [lo, hi])
    return {**dict(problem), "names": names, "bounds": bounds, "num_vars": len(names)}


@dataclass(frozen=True)
class Settings:
    """Method options (SALib's names in brackets)."""

    second_order: bool = True  # sobol (calc_second_order)
    num_levels: int = 4  # morris
    M: int = 4  # fast interference factor
    conf_level: float = 0.95
    num_resamples: int = 100

    def block_rows(self, method: str, d: int) -> int | None:
        """Rows per base sample (sobol) or trajectory (morris); None for methods
        whose sample has no independent blocks."""
        return methods.METHODS[method].block_rows(d, self)


def check_sample_size(method: str, n: int, settings: Settings, file=None, key="n") -> None:
    if method not in METHODS:
        raise InputError(file, "method", f"one of {', '.join(METHODS)}", repr(method))
    methods.METHODS[method].check(n, settings, file, key)


def sample(problem: dict, method: str, n: int, seed: int, settings: Settings) -> np.ndarray:
    """The SALib sample matrix for ``method`` (deterministic given ``seed``)."""
    return methods.METHODS[method].sample(problem, n, seed, settings)


def analyze(problem: dict, method: str, X: np.ndarray, Y: np.ndarray, seed: int,
            settings: Settings):
    """SALib's analysis of ``Y`` (one value per row of ``X``) by ``method``'s module."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return methods.METHODS[method].analyze(problem, X, Y, seed, settings)


def to_tidy(si, method: str, outcome: str, t: float = math.nan) -> pd.DataFrame:
    """SALib results (``.to_df()``) as long rows: parameter, parameter2, index, value, conf."""
    frames = si.to_df()
    frames = frames if isinstance(frames, (list, tuple)) else [frames]
    rows = []
    for df in frames:
        for col in df.columns:
            if col.endswith("_conf") or not pd.api.types.is_numeric_dtype(df[col]):
                continue  # conf columns are paired below; skip text such as delta's notes
            conf_col = f"{col}_conf"
            for idx, value in df[col].items():
                p1, p2 = (idx if isinstance(idx, tuple) else (idx, None))
                conf = df.at[idx, conf_col] if conf_col in df.columns else math.nan
                rows.append({"method": method, "outcome": outcome, "t": t, "parameter": p1,
                             "parameter2": p2, "index": col, "value": float(value),
                             "conf": float(conf)})
    out = pd.DataFrame(rows, columns=TIDY_COLUMNS)
    out["parameter2"] = pd.Series([p if isinstance(p, str) else None for p in out["parameter2"]],
                                  dtype=object)
    out["t"] = out["t"].astype(float)
    return out


@dataclass
class SensitivityResult:
    """Tidy outputs of :func:`run_sensitivity` (see the module docstring)."""

    method: str
    problem: dict
    indices: pd.DataFrame
    convergence: pd.DataFrame | None
    runs: pd.DataFrame
    out_dir: Path
    files: list[Path] = field(default_factory=list)

    def wide(self, outcome: str | None = None) -> pd.DataFrame:
        """Final-time first/total-order style indices, one row per parameter."""
        df = self.indices[self.indices["parameter2"].isna() & self.indices["t"].isna()]
        if outcome is not None:
            df = df[df["outcome"] == outcome]
        return df.pivot_table(index=["outcome", "parameter"], columns="index", values="value",
                              sort=False)


def _point_means(runs: pd.DataFrame, n_points: int, outcome: str) -> np.ndarray:
    ok = runs[runs["status"] == "ok"]
    if outcome not in ok.columns:
        have = [c for c in runs.columns[runs.columns.get_loc("error") + 1:]]
        raise AnalysisError(f"outcome {outcome!r} not produced by the model (it gave: "
                            f"{', '.join(have) or 'nothing'})")
    means = ok.groupby("point")[outcome].mean().reindex(range(n_points))
    missing = means.index[means.isna()]
    if len(missing):
        first = runs.loc[runs["status"] == "failed", "error"]
        why = f"; first error: {first.iloc[0]}" if len(first) else ""
        raise AnalysisError(f"{len(missing)} of {n_points} sample points have no successful "
                            f"run for {outcome!r} (e.g. point {int(missing[0])}){why}")
    return means.to_numpy(dtype=float)


def _prefixes(n: int) -> list[int]:
    sizes, k = [], 4
    while k < n:
        sizes.append(k)
        k *= 2
    return [*sizes, n]


def convergence_table(problem: dict, method: str, X: np.ndarray, Y: np.ndarray, seed: int,
                      settings: Settings, outcome: str) -> pd.DataFrame | None:
    """Indices on growing prefixes of whole blocks (see module docstring)."""
    block = settings.block_rows(method, problem["num_vars"])
    if block is None:
        return None
    n_blocks = len(Y) // block
    frames = []
    for n in _prefixes(n_blocks):
        rows = n * block
        si = analyze(problem, method, X[:rows], Y[:rows], seed, settings)
        df = to_tidy(si, method, outcome)
        df.insert(3, "n", n)
        df.insert(4, "n_runs", rows)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def run_sensitivity(problem: Mapping[str, Any], model_fn: Callable, *, out_dir: str | Path,
                    method: str = "sobol", n: int = 256, outcomes: Sequence[str] | None = None,
                    at: str = "final", replicates: int = 1, seed: int = 0,
                    fixed: Mapping[str, Any] | None = None, settings: Settings | None = None,
                    convergence: bool = True, plots: bool = True, executor: str = "process",
                    workers: int | None = None, scheduler: str | None = None,
                    dask_local: int | None = None, progress: bool = True,
                    chunk_size: int | None = None, model_name: str | None = None,
                    retry_failed: bool = False, dask_wait: float = DASK_WAIT,
                    marginals: Callable[[np.ndarray], np.ndarray] | None = None
                    ) -> SensitivityResult:
    """Sample, run (resumable, any executor), analyse and write tables and figures.

    ``marginals`` (optional) maps the sample, drawn on the problem's bounds, to the
    values the runs get column by column (e.g. the inverse distribution functions of
    a posterior's marginals on bounds [0, 1]): the indices then describe the
    parameters under those distributions, taken as independent.

    ``outcomes`` default to every scalar outcome of the model; ``at="final"`` uses
    the final-time values, ``at="all"`` computes indices at every time step of a
    model returning time series (convergence and bar charts use the final time).
    Files in ``out_dir``: the runner's (manifest.json, runs/, series/),
    ``indices.csv``/``.parquet``, ``convergence.csv``/``.parquet`` and ``figures/*.png``.
    """
    problem = normalize_problem(problem)
    settings = settings or Settings()
    check_sample_size(method, n, settings)
    if at not in ("final", "all"):
        raise InputError(None, "at", 'one of "final", "all"', repr(at))
    X = sample(problem, method, n, seed, settings)
    design: Design = from_samples(problem["names"], X if marginals is None else marginals(X),
                                  replicates=replicates, seed=seed, fixed=fixed)
    runs = run_design(design, model_fn, out_dir=out_dir, executor=executor, workers=workers,
                      scheduler=scheduler, dask_local=dask_local, progress=progress,
                      chunk_size=chunk_size, model_name=model_name,
                      retry_failed=retry_failed, dask_wait=dask_wait)
    out = Path(out_dir)
    if outcomes is None:
        outcomes = [c for c in runs.columns[runs.columns.get_loc("error") + 1:]]
    n_points = len(design.points)

    idx_frames, conv_frames = [], []
    for outcome in outcomes:
        Y = _point_means(runs, n_points, outcome)
        idx_frames.append(to_tidy(analyze(problem, method, X, Y, seed, settings), method,
                                  outcome))
        if convergence:
            conv = convergence_table(problem, method, X, Y, seed, settings, outcome)
            if conv is not None:
                conv_frames.append(conv)
    if at == "all":
        idx_frames += _over_time(problem, method, X, design, out, outcomes, seed, settings)
    indices = pd.concat(idx_frames, ignore_index=True)
    conv = pd.concat(conv_frames, ignore_index=True) if conv_frames else None

    result = SensitivityResult(method, problem, indices, conv, read_runs(out, design), out)
    result.files = write_tables(result)
    if plots:
        from .plots import sensitivity_figures

        result.files += sensitivity_figures(result, out / "figures")
    return result


def _over_time(problem, method, X, design, out: Path, outcomes, seed, settings):
    series = read_series(out)
    if series.empty:
        raise AnalysisError('at = "all" needs a model that returns time series (a DataFrame)')
    point_of = design.runs().set_index("run_id")["point"]
    series = series.assign(point=point_of.reindex(series["run_id"]).to_numpy())
    frames = []
    n_points = len(design.points)
    for t, at_t in series.groupby("t", sort=True):
        for outcome in outcomes:
            if outcome not in at_t.columns:
                continue
            means = at_t.groupby("point")[outcome].mean().reindex(range(n_points))
            if means.isna().any():
                raise AnalysisError(f"{outcome!r} at t={t} is missing for some sample points")
            Y = means.to_numpy(dtype=float)
            frames.append(to_tidy(analyze(problem, method, X, Y, seed, settings), method,
                                  outcome, float(t)))
    return frames


# --------------------------------------------------------------------------- outputs


def write_tables(result: SensitivityResult) -> list[Path]:
    """``indices`` and ``convergence`` as CSV and Parquet in the result's folder."""
    out = result.out_dir
    files = []
    for name, df in (("indices", result.indices), ("convergence", result.convergence)):
        if df is not None:
            files += write_table(df, out / name)
    return files
