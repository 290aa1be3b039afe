"""Conditions on outcomes, as a planner writes them: ``"income_gain < 0.2"``,
``"jobs_gain >= 0 and gini <= 0.4"``.

Used for the single-objective search's constraints, robustness targets and
scenario discovery's ``--target``. A condition is ``NAME OP NUMBER`` with OP one
of ``<``, ``<=``, ``>``, ``>=``; several are joined with ``and``. Nothing else is
evaluated (no code).
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ovopsim.errors import InputError, suggest

OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_ONE = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(<=|>=|<|>)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")


@dataclass(frozen=True)
class Condition:
    """``name op value``."""

    name: str
    op: str
    value: float

    def holds(self, values) -> np.ndarray:
        """Where the condition holds (NaN: it does not)."""
        x = np.asarray(values, dtype=float)
        with np.errstate(invalid="ignore"):
            return OPS[self.op](x, self.value) & ~np.isnan(x)

    def slack(self, values) -> np.ndarray:
        """How far from being violated: >= 0 where it holds (for ``<``/``<=``,
        ``value - x``; for ``>``/``>=``, ``x - value``)."""
        x = np.asarray(values, dtype=float)
        return self.value - x if self.op in ("<", "<=") else x - self.value

    def __str__(self) -> str:
        return f"{self.name} {self.op} {self.value:g}"


def parse_condition(text: str, names, file=None, key: str = "target") -> list[Condition]:
    """``"a < 1 and b >= 0"`` -> conditions; an InputError naming ``key`` otherwise."""
    names = list(names)
    out = []
    parts = re.split(r"\s+and\s+", str(text).strip())
    for part in parts:
        m = _ONE.match(part)
        if m is None:
            raise InputError(file, key, 'conditions like "income_gain < 0.2" (an outcome, one '
                             "of < <= > >=, a number; several joined with and)", f'"{text}"')
        name, op, value = m.group(1), m.group(2), float(m.group(3))
        if name not in names:
            raise InputError(file, key, f"an outcome ({', '.join(names)})",
                             f'"{name}"{suggest(name, names)}')
        out.append(Condition(name, op, value))
    return out


def parse_conditions(texts, names, file=None, key: str = "constraints") -> list[Condition]:
    out = []
    for i, text in enumerate(texts):
        out += parse_condition(text, names, file, f"{key}[{i}]" if key.endswith("s") else key)
    return out


def all_hold(conditions: list[Condition], table: pd.DataFrame) -> np.ndarray:
    """Rows of ``table`` where every condition holds."""
    ok = np.ones(len(table), bool)
    for c in conditions:
        ok &= c.holds(table[c.name])
    return ok
