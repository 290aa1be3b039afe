"""Experimental designs: parameter sets (points) times replicates.

A :class:`Design` is a table of parameter sets, one row per *point* (column
``point`` = 0, 1, ...), plus a number of replicates, a root seed and fixed
parameters shared by every run. Expanding it gives one *run* per
(point, replicate) with a stable integer ``run_id = point * replicates + replicate``.

Seeds (common random numbers)
-----------------------------
Replicate ``i`` gets the same seed for EVERY point, so comparisons between
points are paired::

    seed_i = numpy.random.SeedSequence(root_seed).spawn(replicates)[i].generate_state(1)[0]

``SeedSequence`` children depend only on ``(root_seed, i)``, not on how many were
spawned, so raising the number of replicates keeps the seeds of the first ones.
Seeds are 32-bit unsigned integers (Python ``int``), usable by
``numpy.random.default_rng`` and by Mesa's ``Model(seed=...)``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ovopsim.errors import InputError

#: columns of the run table that are not parameters
RUN_COLUMNS = ("run_id", "point", "replicate", "seed")


def replicate_seeds(root_seed: int, replicates: int) -> list[int]:
    """The seed of each replicate (the same for every point)."""
    children = np.random.SeedSequence(int(root_seed)).spawn(int(replicates))
    return [int(c.generate_state(1)[0]) for c in children]


def _plain(value: Any) -> Any:
    """numpy scalars -> Python scalars, so models and JSON see plain values."""
    if isinstance(value, np.generic):
        return value.item()
    return value


@dataclass(frozen=True)
class Design:
    """Parameter sets (``points``) times ``replicates``.

    Attributes:
        points: one row per parameter set; columns are parameter names
            (numeric or not, e.g. a scenario path), index ignored. A ``point``
            column is added (0..n-1) if absent.
        replicates: runs per point (>= 1).
        root_seed: root of the replicate seeds (see module docstring).
        fixed: parameters passed unchanged to every run (e.g. ``months``).
    """

    points: pd.DataFrame
    replicates: int = 1
    root_seed: int = 0
    fixed: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        pts = self.points.reset_index(drop=True).copy()
        if "point" in pts.columns:
            if list(pts["point"]) != list(range(len(pts))):
                raise InputError(None, "design.point", "points numbered 0..n-1 in order",
                                 list(pts["point"])[:5])
            pts = pts.drop(columns="point")
        for name in pts.columns:
            if name in RUN_COLUMNS or name in ("status", "error", "t"):
                raise InputError(None, f"parameters.{name}", "a parameter name that is not reserved "
                                 f"({', '.join(RUN_COLUMNS)}, status, error, t)", repr(name))
        clash = set(pts.columns) & set(self.fixed)
        if clash:
            raise InputError(None, f"fixed.{sorted(clash)[0]}",
                             "a fixed parameter that is not also varied", "both")
        if self.replicates < 1:
            raise InputError(None, "replicates", "an integer >= 1", self.replicates)
        if len(pts) == 0:
            raise InputError(None, "design", "at least one parameter set", "none")
        pts.insert(0, "point", np.arange(len(pts), dtype=np.int64))
        object.__setattr__(self, "points", pts)
        object.__setattr__(self, "fixed", {k: _plain(v) for k, v in dict(self.fixed).items()})

    @property
    def parameters(self) -> list[str]:
        return [c for c in self.points.columns if c != "point"]

    @property
    def n_runs(self) -> int:
        return len(self.points) * self.replicates

    def seeds(self) -> list[int]:
        return replicate_seeds(self.root_seed, self.replicates)

    def runs(self) -> pd.DataFrame:
        """One row per run: run_id, point, replicate, seed, then the parameters."""
        n, r = len(self.points), self.replicates
        point = np.repeat(np.arange(n, dtype=np.int64), r)
        rep = np.tile(np.arange(r, dtype=np.int64), n)
        seeds = np.tile(np.array(self.seeds(), dtype=np.int64), n)
        table = self.points.iloc[point].reset_index(drop=True).drop(columns="point")
        table.insert(0, "seed", seeds)
        table.insert(0, "replicate", rep)
        table.insert(0, "point", point)
        table.insert(0, "run_id", point * r + rep)
        return table

    def run_params(self, table: pd.DataFrame | None = None) -> list[tuple[int, int, dict]]:
        """(run_id, seed, params) for each run of ``table`` (default: all runs)."""
        table = self.runs() if table is None else table
        names = self.parameters
        out = []
        # positional rows: namedtuples would rename dotted names (trust.gain)
        for run_id, seed, *values in table[["run_id", "seed", *names]].itertuples(
                index=False, name=None):
            params = {k: _plain(v) for k, v in zip(names, values, strict=True)}
            params.update(self.fixed)
            out.append((int(run_id), int(seed), params))
        return out

    def point_params(self) -> list[dict]:
        """The parameters of each point (with the fixed ones), in point order."""
        names = self.parameters
        return [{**{k: _plain(v) for k, v in zip(names, values, strict=True)}, **self.fixed}
                for values in self.points[names].itertuples(index=False, name=None)]

    def to_dict(self) -> dict:
        """A JSON-able description (exact: floats keep all their digits)."""
        return {
            "parameters": self.parameters,
            "points": [[_plain(v) for v in row] for row in
                       self.points[self.parameters].itertuples(index=False)],
            "replicates": int(self.replicates),
            "root_seed": int(self.root_seed),
            "fixed": dict(self.fixed),
        }

    def hash(self, extra: Any = None) -> str:
        """sha256 of the canonical JSON of :meth:`to_dict` (plus ``extra``)."""
        blob = json.dumps({"design": self.to_dict(), "extra": extra}, sort_keys=True,
                          default=str)
        return hashlib.sha256(blob.encode()).hexdigest()


def from_points(rows: Iterable[Mapping[str, Any]] | pd.DataFrame, *, replicates: int = 1,
           seed: int = 0, fixed: Mapping[str, Any] | None = None) -> Design:
    """A design from explicit parameter sets (dicts with the same keys, values may be
    strings such as a scenario name or path)."""
    if isinstance(rows, pd.DataFrame):
        table = rows
    else:
        rows = list(rows)
        keys = list(rows[0]) if rows else []
        for i, r in enumerate(rows):
            if list(r) != keys and set(r) != set(keys):
                raise InputError(None, f"points[{i}]", f"the keys {keys}", sorted(r))
        table = pd.DataFrame([{k: r[k] for k in keys} for r in rows], columns=keys)
    return Design(table, replicates=replicates, root_seed=seed, fixed=fixed or {})


def full_factorial(levels: Mapping[str, Sequence[Any]], *, replicates: int = 1, seed: int = 0,
                   fixed: Mapping[str, Any] | None = None) -> Design:
    """Every combination of the levels, the last parameter varying fastest."""
    names = list(levels)
    for name in names:
        if len(levels[name]) == 0:
            raise InputError(None, f"parameters.{name}.levels", "at least one level", "none")
    combos = list(itertools.product(*(list(levels[n]) for n in names)))
    return from_points([dict(zip(names, c, strict=True)) for c in combos], replicates=replicates,
                  seed=seed, fixed=fixed)


def latin_hypercube(bounds: Mapping[str, tuple[float, float]], n: int, seed: int = 0, *,
                    replicates: int = 1, fixed: Mapping[str, Any] | None = None) -> Design:
    """``n`` points of a Latin hypercube (scipy.stats.qmc, seeded) scaled to ``bounds``.

    The same ``seed`` is used as the root of the replicate seeds.
    """
    from scipy.stats import qmc

    names = list(bounds)
    lo = np.array([float(bounds[k][0]) for k in names])
    hi = np.array([float(bounds[k][1]) for k in names])
    for k, a, b in zip(names, lo, hi, strict=True):
        if not (math.isfinite(a) and math.isfinite(b) and a < b):
            raise InputError(None, f"parameters.{k}.bounds", "[lower, upper] with lower < upper",
                             [a, b])
    unit = qmc.LatinHypercube(d=len(names), seed=np.random.default_rng(seed)).random(n)
    return from_samples(names, qmc.scale(unit, lo, hi), replicates=replicates, seed=seed,
                        fixed=fixed)


def from_samples(names: Sequence[str], X: np.ndarray, *, replicates: int = 1, seed: int = 0,
                 fixed: Mapping[str, Any] | None = None) -> Design:
    """A design whose points are the rows of a sample matrix (e.g. from SALib)."""
    X = np.asarray(X, dtype=float)
    return Design(pd.DataFrame(X, columns=list(names)), replicates=replicates, root_seed=seed,
                  fixed=fixed or {})
