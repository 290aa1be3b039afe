"""Morris screening: ``n`` trajectories of ``D+1`` runs; mu, mu*, mu*_conf, sigma.
See :mod:`ovopsim.experiments.methods`."""

from __future__ import annotations

from ovopsim.errors import InputError


def check(n: int, settings, file=None, key: str = "n") -> None:
    if n < 2:
        raise InputError(file, key, "at least 2 trajectories for morris", n)


def sample(problem: dict, n: int, seed: int, settings):
    from SALib.sample import morris

    return morris.sample(problem, n, num_levels=settings.num_levels, seed=seed)


def analyze(problem: dict, X, Y, seed: int, settings):
    from SALib.analyze import morris

    from . import common

    return morris.analyze(problem, X, Y, num_levels=settings.num_levels,
                          **common(settings, seed))


def block_rows(num_vars: int, settings) -> int:
    """One trajectory."""
    return num_vars + 1
