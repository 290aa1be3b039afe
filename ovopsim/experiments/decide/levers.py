"""Levers: a candidate (a budget mix and the other levers' values) as the search sees
it (a vector) and as a run gets it (the model's parameters).

The vector holds one share per ``[budget]`` programme, in [0, 1], then one entry
per ``[levers.NAME]``: its value for a lever with bounds, or a position in
[0, 1) that picks one of its levels (``floor(x * levels)``). :func:`repair`
makes the shares sum to 1 (a mix that spends the whole budget); every candidate
the search asks for is repaired first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..registry import MODEL_INFO
from .spec import DecisionSpec

#: column prefix of a programme's share in the tables
SHARE = "share."
#: column prefix of a lever's value in the tables
LEVER = "lever."


def allocation_params(spec: DecisionSpec, shares: dict[str, float]) -> dict:
    """The parameters a run gets for a budget mix: the model's ``allocate`` hook applied
    to Rp a year per programme, or ``budget.<programme>`` = Rp a year without one."""
    if spec.budget is None:
        return {}
    amounts = {p: spec.budget.total * float(shares.get(p, 0.0)) for p in spec.programmes}
    info = MODEL_INFO.get(spec.experiment.model)
    if info is not None and info.allocate is not None:
        return info.allocate(spec.fixed_parameters(), amounts)
    return {f"budget.{p}": a for p, a in amounts.items()}


@dataclass
class Encoding:
    """The search's decision vector for a spec."""

    spec: DecisionSpec

    @property
    def programmes(self) -> list[str]:
        return self.spec.programmes

    @property
    def levers(self) -> list[str]:
        return list(self.spec.lever_params)

    @property
    def n_var(self) -> int:
        return len(self.programmes) + len(self.levers)

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        lo = [0.0] * len(self.programmes)
        hi = [1.0] * len(self.programmes)
        for p in self.spec.lever_params.values():
            if p.bounds is not None:
                lo.append(float(p.bounds[0]))
                hi.append(float(p.bounds[1]))
            else:
                lo.append(0.0)
                hi.append(1.0)
        return np.array(lo), np.array(hi)

    def repair(self, X: np.ndarray) -> np.ndarray:
        """Shares that sum to 1 (all equal when all are 0)."""
        X = np.array(X, dtype=float, copy=True)
        k = len(self.programmes)
        if k:
            s = np.clip(X[:, :k], 0.0, None)
            total = s.sum(axis=1, keepdims=True)
            even = np.full_like(s, 1.0 / k)
            X[:, :k] = np.where(total > 0, s / np.where(total > 0, total, 1.0), even)
        return X

    def decode(self, x) -> tuple[dict[str, float], dict]:
        """(shares, lever values) of one repaired vector."""
        x = np.asarray(x, dtype=float)
        k = len(self.programmes)
        shares = {p: float(v) for p, v in zip(self.programmes, x[:k], strict=True)}
        levers = {}
        for (name, p), v in zip(self.spec.lever_params.items(), x[k:], strict=True):
            if p.levels is not None:
                i = min(len(p.levels) - 1, max(0, int(np.floor(v * len(p.levels)))))
                levers[name] = p.levels[i]
            else:
                levers[name] = float(v)
        return shares, levers

    def params(self, shares: dict[str, float], levers: dict) -> dict:
        """What a run gets for a candidate (the reference future not included)."""
        return {**allocation_params(self.spec, shares), **levers}

    def columns(self, shares: dict[str, float], levers: dict) -> dict:
        """The candidate as table columns: ``share.<programme>``, ``lever.<name>``."""
        return {**{SHARE + p: v for p, v in shares.items()},
                **{LEVER + k: v for k, v in levers.items()}}
