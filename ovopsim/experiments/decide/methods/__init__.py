"""Scenario-discovery methods, one module each with the same signature (as SALib's
analysis modules)::

    analyze(x: DataFrame, y: ndarray[bool], seed: int, settings) -> Finding

``x`` holds the inputs (numbers, or text for levels), one row per case; ``y``
marks the cases of interest (the target holds). ``settings`` is the spec's
``[discover]`` table (:class:`~ovopsim.experiments.decide.spec.DiscoverSection`).
A :class:`Finding` has ``rules`` (one row per restriction of the chosen box or
per leaf: a readable condition), ``stats`` (coverage, density, mass and the
like), ``trajectory`` (PRIM's peeling trajectory; the tree's leaves for CART) and
``text`` (a plain-text rendering).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType

import pandas as pd


@dataclass
class Finding:
    method: str
    rules: pd.DataFrame
    stats: dict
    trajectory: pd.DataFrame
    text: str = ""
    extra: dict = field(default_factory=dict)


def coverage_density(inside, y) -> dict:
    """Coverage (share of the cases of interest inside), density (share of the inside
    that are cases of interest), mass (share of all cases inside)."""
    import numpy as np

    inside = np.asarray(inside, bool)
    y = np.asarray(y, bool)
    k = int((inside & y).sum())
    return {"coverage": k / max(int(y.sum()), 1), "density": k / max(int(inside.sum()), 1),
            "mass": float(inside.mean()) if len(inside) else 0.0, "n": int(inside.sum()),
            "cases": k}


def has_levels(column: pd.Series) -> bool:
    """Whether an input is read as levels (true/false, or text such as a candidate's
    label) rather than as a number: whatever pandas does not hold as numbers
    (object or its string dtype), and booleans."""
    return pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column)


from . import cart, prim  # noqa: E402

#: method name -> its module
METHODS: dict[str, ModuleType] = {"prim": prim, "cart": cart}
