"""Sobol' indices: Saltelli/Sobol' sample (``n`` base samples, a power of 2;
``n*(2D+2)`` runs, ``n*(D+2)`` without second order); S1, ST (and S2) with
bootstrap confidence intervals. See :mod:`ovopsim.experiments.methods`."""

from __future__ import annotations

from ovopsim.errors import InputError


def check(n: int, settings, file=None, key: str = "n") -> None:
    if n < 2 or n & (n - 1):
        raise InputError(file, key, "a power of 2 >= 2 for sobol (SALib's Sobol' sequence)", n)


def sample(problem: dict, n: int, seed: int, settings):
    from SALib.sample import sobol

    return sobol.sample(problem, n, calc_second_order=settings.second_order, seed=seed)


def analyze(problem: dict, X, Y, seed: int, settings):
    from SALib.analyze import sobol

    from . import common

    return sobol.analyze(problem, Y, calc_second_order=settings.second_order,
                         **common(settings, seed))


def block_rows(num_vars: int, settings) -> int:
    """SALib writes A, AB_1..AB_D, (BA_1..BA_D,) B for each base row."""
    return 2 * num_vars + 2 if settings.second_order else num_vars + 2
