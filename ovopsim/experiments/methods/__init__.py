"""Sensitivity analysis methods, one module each with the same signature (as SALib's
``sample``/``analyze`` modules)::

    check(n, settings, file, key)                 # InputError if n does not suit
    sample(problem, n, seed, settings) -> X       # the sample matrix, deterministic
    analyze(problem, X, Y, seed, settings) -> Si  # SALib's result (``.to_df()``)
    block_rows(num_vars, settings) -> int | None  # rows per independent block of the
                                                  # sample (convergence), None if none

``problem`` is a SALib problem dict (``names``, ``bounds``, ``num_vars``);
``settings`` is :class:`~ovopsim.experiments.sensitivity.Settings`. The bootstrap
seed of ``analyze`` is ``seed + 1`` (SALib treats a seed of 0 as "unseeded").
"""

from __future__ import annotations

from types import ModuleType

from . import delta, fast, morris, sobol

#: method name -> its module
METHODS: dict[str, ModuleType] = {"sobol": sobol, "morris": morris, "fast": fast, "delta": delta}


def common(settings, seed: int) -> dict:
    """The bootstrap options every SALib analysis takes."""
    return {"num_resamples": settings.num_resamples, "conf_level": settings.conf_level,
            "seed": int(seed) + 1}
