"""eFAST: ``fast_sampler`` (``n*D`` runs, ``n > 4 M^2``); S1, ST. Its confidence
intervals come from SALib's bootstrap, which SALib itself calls indicative only.
See :mod:`ovopsim.experiments.methods`."""

from __future__ import annotations

import warnings

from ovopsim.errors import InputError


def check(n: int, settings, file=None, key: str = "n") -> None:
    if n <= 4 * settings.M**2:
        raise InputError(file, key, f"more than 4*M^2 = {4 * settings.M**2} for fast", n)


def sample(problem: dict, n: int, seed: int, settings):
    from SALib.sample import fast_sampler

    return fast_sampler.sample(problem, n, M=settings.M, seed=seed)


def analyze(problem: dict, X, Y, seed: int, settings):
    from SALib.analyze import fast

    from . import common

    with warnings.catch_warnings():
        # SALib warns on every eFAST call that its bootstrap CIs are only indicative
        warnings.filterwarnings("ignore", message="FAST confidence intervals")
        return fast.analyze(problem, Y, M=settings.M, **common(settings, seed))


def block_rows(num_vars: int, settings) -> None:
    """The eFAST sample has no independent blocks: no convergence table."""
    return None
