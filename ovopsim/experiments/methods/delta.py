"""Borgonovo's delta (``delta_balanced``, ``delta_raw``, ``delta_step``) and S1 on
a Latin hypercube of ``n`` runs. See :mod:`ovopsim.experiments.methods`."""

from __future__ import annotations

from ovopsim.errors import InputError


def check(n: int, settings, file=None, key: str = "n") -> None:
    if n < 10:
        raise InputError(file, key, "at least 10 samples for delta", n)


def sample(problem: dict, n: int, seed: int, settings):
    from SALib.sample import latin

    return latin.sample(problem, n, seed=seed)


def analyze(problem: dict, X, Y, seed: int, settings):
    from SALib.analyze import delta

    from . import common

    return delta.analyze(problem, X, Y, **common(settings, seed))


def block_rows(num_vars: int, settings) -> None:
    """A Latin hypercube's prefixes are not Latin hypercubes: no convergence table."""
    return None
