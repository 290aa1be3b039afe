"""Shared helpers of the mechanism tests: paired runs with common seeds."""

from __future__ import annotations

import numpy as np

from ovopsim.config import load_scenario
from ovopsim.simulation import no_programme, run

SEEDS = (1, 2, 3, 4, 5)


def scenario(name: str, overrides: dict | None = None, *, programmes: bool = True):
    sc = load_scenario(name)
    if not programmes:
        sc = no_programme(sc)
    return sc.with_overrides(overrides) if overrides else sc


def outcome(sc, measure, months: int, seeds=SEEDS) -> np.ndarray:
    """``measure(monthly table)`` for each seed."""
    return np.array([measure(run(sc, seed=s, months=months).monthly) for s in seeds])


def last_year(column: str):
    return lambda m: float(m[column].iloc[-12:].mean())


def final(column: str):
    return lambda m: float(m[column].iloc[-1])
