"""Global sensitivity analysis built on the runner: SALib sample -> Design ->
:func:`run_design` -> SALib analyze -> tidy tables, CSV/Parquet and figures.

Problems are SALib dicts: ``{"names": [...], "bounds": [[lo, hi], ...]}``
(``num_vars`` is filled in). Methods:

``sobol``   Saltelli/Sobol' sample (``SALib.sample.sobol``, ``n`` base samples, a
            power of 2; ``n*(2D+2)`` runs, ``n*(D+2)`` without second order);
            S1, ST (and S2) with bootstrap confidence intervals.
``morris``  ``n`` trajectories of ``D+1`` runs; mu, mu*, mu*_conf, sigma.
``fast``    eFAST (``fast_sampler``, ``n*D`` runs, ``n > 4 M^2``); S1, ST.
``delta``   Borgonovo's delta (``delta_balanced``, ``delta_raw``, ``delta_step``)
            and S1 on a Latin hypercube of ``n`` runs.

eFAST confidence intervals come from SALib's bootstrap, which SALib itself calls
indicative only.

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

from ovopsim.errors import InputError

from .design import Design, from_samples
from .runner import read_runs, read_series, run_design

METHODS = ("sobol", "morris", "fast", "delta")
TIDY_COLUMNS = ["method", "outcome", "t", "parameter", "parameter2", "index", "value", "conf"]


class AnalysisError(RuntimeError):
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

    def block_rows(self, method: str, d: int) -> int:
        """Rows per base sample (sobol) or trajectory (morris)."""
        if method == "sobol":
            return 2 * d + 2 if self.second_order else d + 2
        return d + 1


def check_sample_size(method: str, n: int, settings: Settings, file=None, key="n") -> None:
    if method not in METHODS:
        raise InputError(file, "method", f"one of {', '.join(METHODS)}", repr(method))
    if method == "sobol" and (n < 2 or n & (n - 1)):
        raise InputError(file, key, "a power of 2 >= 2 for sobol (SALib's Sobol' sequence)", n)
    if method == "morris" and n < 2:
        raise InputError(file, key, "at least 2 trajectories for morris", n)
    if method == "fast" and n <= 4 * settings.M**2:
        raise InputError(file, key, f"more than 4*M^2 = {4 * settings.M**2} for fast", n)
    if method == "delta" and n < 10:
        raise InputError(file, key, "at least 10 samples for delta", n)


def sample(problem: dict, method: str, n: int, seed: int, settings: Settings) -> np.ndarray:
    """The SALib sample matrix for ``method`` (deterministic given ``seed``)."""
    if method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, n, calc_second_order=settings.second_order, seed=seed)
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, n, num_levels=settings.num_levels, seed=seed)
    if method == "fast":
        from SALib.sample import fast_sampler

        return fast_sampler.sample(problem, n, M=settings.M, seed=seed)
    from SALib.sample import latin

    return latin.sample(problem, n, seed=seed)


def analyze(problem: dict, method: str, X: np.ndarray, Y: np.ndarray, seed: int,
            settings: Settings):
    """SALib's analysis of ``Y`` (one value per row of ``X``); bootstrap seed = seed + 1
    (SALib treats a seed of 0 as "unseeded")."""
    common = {"num_resamples": settings.num_resamples, "conf_level": settings.conf_level,
              "seed": int(seed) + 1}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        # SALib warns on every eFAST call that its bootstrap CIs are only indicative
        warnings.filterwarnings("ignore", message="FAST confidence intervals")
        if method == "sobol":
            from SALib.analyze import sobol

            return sobol.analyze(problem, Y, calc_second_order=settings.second_order, **common)
        if method == "morris":
            from SALib.analyze import morris

            return morris.analyze(problem, X, Y, num_levels=settings.num_levels, **common)
        if method == "fast":
            from SALib.analyze import fast

            return fast.analyze(problem, Y, M=settings.M, **common)
        from SALib.analyze import delta

        return delta.analyze(problem, X, Y, **common)


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
    if method not in ("sobol", "morris"):
        return None
    block = settings.block_rows(method, problem["num_vars"])
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
                    chunk_size: int | None = None, model_name: str | None = None
                    ) -> SensitivityResult:
    """Sample, run (resumable, any executor), analyse and write tables and figures.

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
    design: Design = from_samples(problem["names"], X, replicates=replicates, seed=seed,
                                  fixed=fixed)
    runs = run_design(design, model_fn, out_dir=out_dir, executor=executor, workers=workers,
                      scheduler=scheduler, dask_local=dask_local, progress=progress,
                      chunk_size=chunk_size, model_name=model_name)
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
    result.files = write_outputs(result, plots=plots)
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


def write_outputs(result: SensitivityResult, *, plots: bool = True) -> list[Path]:
    out = result.out_dir
    files = []
    for name, df in (("indices", result.indices), ("convergence", result.convergence)):
        if df is None:
            continue
        for ext in ("csv", "parquet"):
            path = out / f"{name}.{ext}"
            (df.to_csv(path, index=False) if ext == "csv" else df.to_parquet(path, index=False))
            files.append(path)
    if plots:
        from . import plots as plotting

        files += plotting.plot_all(result, out / "figures")
    return files
