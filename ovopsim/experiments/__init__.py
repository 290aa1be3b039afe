"""Generic experiment machinery: designs, a resumable parallel runner, sensitivity
analysis and TOML experiment specs. Works on any picklable model function
``model_fn(params: dict, seed: int) -> {outcome: float}`` (or a DataFrame of time
series).

Modules: :mod:`.design` (parameter sets x replicates, seeds), :mod:`.registry`
(the models specs can name, with their hooks), :mod:`.executors` (serial,
processes, Dask: one interface), :mod:`.store` (the output folder: parts,
manifest, resume), :mod:`.runner` (puts them together: :func:`run_design`),
:mod:`.spec` (TOML specs), :mod:`.api` (``sweep``, ``sensitivity``),
:mod:`.sensitivity` with one module per method in :mod:`.methods`,
:mod:`.compare`, :mod:`.plots` (every figure), :mod:`.cli` (the commands), and
:mod:`.ovop` (the OVOP model's registration).

Verbs::

    run_design(design, model_fn, out_dir=..., executor="process")  -> DataFrame
    full_factorial(levels, replicates=, seed=, fixed=)             -> Design
    latin_hypercube(bounds, n, seed, replicates=, fixed=)          -> Design
    from_points(rows, replicates=, seed=, fixed=)                  -> Design
    sweep(spec_or_path, out_dir=..., executor=...)                 -> SweepResult
    sensitivity(spec_or_path, out_dir=..., executor=...)           -> SensitivityResult
    compare(scenarios, replicates=, baseline=, out_dir=...)         -> CompareResult
    run_sensitivity(problem, model_fn, method=, n=, out_dir=...)   -> SensitivityResult
"""

from . import ovop  # noqa: F401  (registers the OVOP model: "ovop", "ovop_series")
from .api import SweepResult, sensitivity, sweep
from .compare import CompareResult, compare
from .design import (
    Design,
    from_points,
    from_samples,
    full_factorial,
    latin_hypercube,
    replicate_seeds,
)
from .executors import WorkerCrashed
from .registry import MODELS, register_model
from .runner import run_design
from .sensitivity import AnalysisError, SensitivityResult, Settings, run_sensitivity
from .spec import ExperimentSpec, load_spec
from .store import read_runs, read_series

__all__ = [
    "MODELS", "AnalysisError", "CompareResult", "compare", "Design", "ExperimentSpec", "SensitivityResult", "Settings",
    "SweepResult", "WorkerCrashed", "from_points", "from_samples", "full_factorial",
    "latin_hypercube", "load_spec", "read_runs", "read_series", "register_model",
    "replicate_seeds", "run_design", "run_sensitivity", "sensitivity", "sweep",
]
