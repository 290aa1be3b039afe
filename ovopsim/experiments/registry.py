"""The model registry: the model functions spec files name (``model = "..."``).

A registered model is a picklable function ``fn(params: dict, seed: int)`` (see
:mod:`.runner` for what it returns) with what the rest of the package may ask of
it, each optional:

``parameters`` / ``outcomes``
    the names a spec may vary and ask for (checked before anything runs);
``series``
    of a model that returns time series, the outcomes it records at every time
    step: what a spec with ``at = "all"`` may ask for (checked before anything runs);
``check(params)``
    validates one parameter set as a run would receive it, raising
    :class:`~ovopsim.errors.InputError` whose ``key`` names the offending parameter;
``prepare(stream)``
    run once in the parent process before any worker starts (e.g. loading or
    compiling a model's kernels, so that forked workers inherit them); ``stream``
    is where to say something slow is happening, or None for silence;
``inputs(params)``
    the files one run reads (paths as given in ``params``). The runner checks that
    each is a regular file and makes their content part of the experiment's
    identity, so a resumed experiment whose inputs changed is refused.
``allocate(params, amounts)``
    turns a budget mix (``{programme: Rp a year}``, the levers of a decision
    spec's ``[budget]``) into the model's own parameters, added to ``params``
    (e.g. a programme's intensity); it raises InputError naming an unknown
    programme. Without it a run gets ``budget.<programme>`` = Rp a year.

The runner knows models only through these hooks: it has no special case for any
of them. The OVOP model registers itself in :mod:`.ovop`; the analytic test
models (Ishigami, Sobol' G) live with the tests (``tests/models.py``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ovopsim.errors import InputError, suggest


@dataclass(frozen=True)
class ModelInfo:
    """A registered model and its hooks (None = not declared; see the module docstring)."""

    name: str
    fn: Callable
    parameters: tuple[str, ...] | None = None
    outcomes: tuple[str, ...] | None = None
    check: Callable[[dict], None] | None = None
    prepare: Callable[[IO[str] | None], object] | None = None
    inputs: Callable[[dict], Iterable[str | Path]] | None = None
    allocate: Callable[[dict, dict[str, float]], dict] | None = None
    series: tuple[str, ...] | None = None


#: registered model functions, by the name used in spec files (``model = "..."``)
MODELS: dict[str, Callable] = {}
MODEL_INFO: dict[str, ModelInfo] = {}


def register_model(name: str, fn: Callable, *, parameters: Sequence[str] | None = None,
                   outcomes: Sequence[str] | None = None,
                   check: Callable[[dict], None] | None = None,
                   prepare: Callable[[IO[str] | None], object] | None = None,
                   inputs: Callable[[dict], Iterable[str | Path]] | None = None,
                   allocate: Callable[[dict, dict[str, float]], dict] | None = None,
                   series: Sequence[str] | None = None) -> ModelInfo:
    """Make ``fn`` available to spec files as ``model = name`` (see the module docstring).

    ``fn`` must be picklable (a module-level function or a functools.partial of one).
    """
    info = ModelInfo(name, fn, tuple(parameters) if parameters is not None else None,
                     tuple(outcomes) if outcomes is not None else None, check, prepare, inputs,
                     allocate, tuple(series) if series is not None else None)
    MODELS[name] = fn
    MODEL_INFO[name] = info
    return info


def get_model(name: str, file=None, key: str = "experiment.model") -> Callable:
    """The function registered as ``name`` (an InputError with a suggestion if none)."""
    if name not in MODELS:
        raise InputError(file, key, f"a registered model ({', '.join(sorted(MODELS))})",
                         f'"{name}"{suggest(name, MODELS)}')
    return MODELS[name]


def _unwrap(fn: Callable) -> Callable:
    while isinstance(fn, functools.partial):
        fn = fn.func
    return fn


def info_for(fn: Callable, name: str | None = None) -> ModelInfo | None:
    """The registration of a model function: by ``name`` when it is registered, else
    the (first) registration of the same function (partials unwrapped), else None."""
    if name is not None and name in MODEL_INFO:
        return MODEL_INFO[name]
    target = _unwrap(fn)
    for info in MODEL_INFO.values():
        if _unwrap(info.fn) is target:
            return info
    return None
