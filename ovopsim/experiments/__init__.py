"""Generic experiment machinery: designs, a resumable parallel runner, sensitivity
analysis and TOML experiment specs. Works on any picklable model function
``model_fn(params: dict, seed: int) -> {outcome: float}`` (or a DataFrame of time
series); analytic test functions are registered in :mod:`.testfunctions`.

Verbs::

    run_design(design, model_fn, out_dir=..., executor="process")  -> DataFrame
    full_factorial(levels, replicates=, seed=, fixed=)             -> Design
    latin_hypercube(bounds, n, seed, replicates=, fixed=)          -> Design
    from_points(rows, replicates=, seed=, fixed=)                  -> Design
    sweep(spec_or_path, out_dir=..., executor=...)                 -> SweepResult
    sensitivity(spec_or_path, out_dir=..., executor=...)           -> SensitivityResult
    run_sensitivity(problem, model_fn, method=, n=, out_dir=...)   -> SensitivityResult
"""

from .api import SweepResult, sensitivity, sweep
from .design import (
    Design,
    from_points,
    from_samples,
    full_factorial,
    latin_hypercube,
    replicate_seeds,
)
from .runner import WorkerCrashed, read_runs, read_series, run_design
from .sensitivity import AnalysisError, SensitivityResult, Settings, run_sensitivity
from .spec import ExperimentSpec, load_spec
from .testfunctions import MODELS, register_model

__all__ = [
    "MODELS", "AnalysisError", "Design", "ExperimentSpec", "SensitivityResult", "Settings",
    "SweepResult", "WorkerCrashed", "from_points", "from_samples", "full_factorial",
    "latin_hypercube", "load_spec", "read_runs", "read_series", "register_model",
    "replicate_seeds", "run_design", "run_sensitivity", "sensitivity", "sweep",
]
