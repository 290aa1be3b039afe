"""What a planner reads: monthly indicators, per-artisan records, the OVOP scorecard.

Analysis code reads these tables, never model internals.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .agents import TIER_NAMES
from .kernels import measures


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equal, 1 = one holds all)."""
    return float(measures._gini_sorted(np.sort(np.asarray(x, float))))


# the columns of the monthly table, each with its kind ("i" integer, "b" boolean,
# "f" float): what :func:`ovopsim.kernels.measures.month_row` writes, then the
# series :func:`_derive` derives
MONTH_COLUMNS = (measures.HEAD_COLUMNS + tuple((f"share_{t}", "f") for t in TIER_NAMES)
                 + measures.TAIL_COLUMNS + (("income_growth", "f"), ("income_per_rupiah", "f")))
_NAMES = tuple(name for name, _ in MONTH_COLUMNS)
_RECORDED = len(MONTH_COLUMNS) - 2  # the derived series are not recorded
_CONVERT = {"i": int, "b": bool, "f": float}
_DTYPES = {"i": np.int64, "b": np.bool_, "f": np.float64}


class MonthlyRecords(Sequence):
    """The indicators at the end of each month so far: one row of floats per month in
    a matrix that grows as the model steps (past its horizon too).

    Reads as a list of dicts (``records[-1]`` is the latest month, its values ints,
    bools and floats by column); :meth:`column` gives one indicator's series and
    :meth:`frame` the monthly table."""

    def __init__(self, months: int):
        self._rows = np.empty((max(int(months), 1), _RECORDED))
        self._n = 0

    def add(self, model, month: int) -> None:
        """Record the indicators at the end of ``month``: one compiled pass over the
        model's arrays (each mean is NumPy's sum of the selected values over their count)."""
        if self._n == len(self._rows):
            self._rows = np.concatenate((self._rows, np.empty_like(self._rows)))
        a, net, f, gov, mk = model.artisans, model.network, model.flows, model.government, model.market
        m = net.m
        measures.month_row(
            self._rows, self._n, month, model.b.start_year, mk.festive[month], mk.rainy[month],
            model.ljmp_enabled, model.turnovers, model._new_loans, model._defaults, net.formed, net.dissolved,
            net.dissolved_one_sided, net.dissolved_reciprocity, gov.knowledge, gov.balance, f.gov_spent,
            gov.spent_total, a.active, a.income, a.workers, a.output, model.dried, a.product, a.sales_by_tier,
            a.reach, a.reached, a.skill, a.quality, a.revenue, a.sales_units, a.cash, a.gov_trust, a.ljmp, a.debt,
            a.reciprocity, model.villages.awareness, model.villages.knowledge, f.written_off, f.grant,
            model.ljmp_fund, net.u, net.v, net.partner, net.between, net.since, net.trust, m)
        self._n += 1

    def __len__(self) -> int:
        return self._n

    def _row(self, i: int) -> dict:
        return {name: _CONVERT[kind](x) for (name, kind), x in
                zip(MONTH_COLUMNS, self._rows[i].tolist(), strict=False)}

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._row(j) for j in range(*i.indices(self._n))]
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError("month index out of range")
        return self._row(i)

    def column(self, name: str) -> np.ndarray:
        """One indicator's monthly series (floats)."""
        return self._rows[:self._n, _NAMES.index(name)]

    def frame(self) -> pd.DataFrame:
        """The monthly table: one row per month, the recorded indicators by their kind
        and the series derived from them (:func:`_derive`)."""
        n = self._n
        if n == 0:
            return pd.DataFrame()
        cols = np.empty((len(MONTH_COLUMNS), n))
        cols[:_RECORDED] = self._rows[:n].T
        _derive(cols[_NAMES.index("income_mean")], cols[_NAMES.index("income_total")],
                cols[_NAMES.index("active_businesses")], cols[_NAMES.index("budget_spent_total")],
                cols[-2], cols[-1])
        arrays = [x if kind == "f" else (x != 0 if kind == "b" else x.astype(np.int64))
                  for (_, kind), x in zip(MONTH_COLUMNS, cols, strict=True)]
        return _frame(arrays, n)


_COLUMN_INDEX = pd.Index(_NAMES)  # immutable: shared by every monthly table


def _frame(arrays: list, n: int, columns: pd.Index = _COLUMN_INDEX) -> pd.DataFrame:
    """A table from its column arrays (already of their final dtypes and length).

    pandas' constructor from a dict checks and converts every column; these need
    neither, and the array-list constructor skips that (a fifth of the time)."""
    try:
        return pd.DataFrame._from_arrays(arrays, columns=columns, index=pd.RangeIndex(n),
                                         verify_integrity=False)
    except (AttributeError, TypeError):  # a pandas without it: the public constructor
        return pd.DataFrame(dict(zip(columns, arrays, strict=True)))


def _derive(income_mean, income_total, active, spent_total, growth, per_rupiah) -> None:
    """The series that need the whole run so far, into ``growth`` and ``per_rupiah``.

    ``income_growth``: the 12-month rolling mean income against the first
    year's mean, minus one (seasonality cancels). ``income_per_rupiah``:
    cumulative income above the first year's level per rupiah of programme
    spending (0 before any spending). A gain against a no-programme baseline
    is computed by the experiment tools from paired runs. (The means are
    pandas' rolling means, computed as pandas computes them.)"""
    measures.derived_series(np.ascontiguousarray(income_mean, float), np.ascontiguousarray(income_total, float),
                            np.ascontiguousarray(active, float), np.ascontiguousarray(spent_total, float),
                            growth, per_rupiah)


AGENT_COLUMNS = ("village", "product", "active", "skill", "gmp", "design", "digital", "books", "tier",
                 "workers", "cash", "debt", "inventory", "quality", "brand", "reach", "member", "board",
                 "ljmp", "gov_trust", "income", "revenue", "sales_units", "output")


def agent_frame(model, month: int) -> pd.DataFrame:
    a = model.artisans
    data = {"month": np.full(a.n, month), "artisan": np.arange(a.n)}
    for c in AGENT_COLUMNS:
        data[c] = getattr(a, c).copy()
    return pd.DataFrame(data)


# The Ministry of Industry's OVOP assessment dimensions (domain brief, section 1),
# each mapped to the model state that stands for it, scored 0-100.
SCORECARD = (
    "raw_material_source", "production_capacity", "value_added", "environment",
    "quality_consistency", "product_development", "brand_ip", "role_in_group",
    "community_participation", "organisation", "bookkeeping", "market_area", "sales_growth",
    "customers", "marketing_channel", "product_history", "local_wisdom", "gmp",
    "packaging_label", "equipment", "product_standard", "quality_management",
)


_SCORECARD_INDEX = pd.Index(("village", "artisans", "active", *SCORECARD, "overall"))


def scorecard(model) -> pd.DataFrame:
    """One row per village, one column per assessment dimension (0-100), and the mean."""
    a, v = model.artisans, model.villages
    nv = len(model.village_names)
    env = model._environment()
    unit_value = np.divide(a.revenue, np.maximum(a.output, 1e-9))
    value_added = 1 - model.material_share[a.product] * model.price[a.product] / np.maximum(unit_value, 1e-9)
    standard = (a.gmp >= 0.6) & (env >= 1.0)
    # per-village means over active artisans, one compiled pass for all of them
    per_artisan = (a.tier, np.minimum(a.workers, 10), np.clip(value_added, 0, 1), env, a.design, a.brand,
                   0.5 * a.member + 0.5 * a.board, a.member, a.books, a.reach, a.reputation, a.exposure,
                   a.ljmp, a.digital, a.gmp, standard, standard & (a.books >= 0.3), a.quality, a.quality ** 2)
    x = np.empty((len(per_artisan), a.n))
    for row, val in zip(x, per_artisan, strict=True):
        row[:] = val
    means, active = measures.village_means(a.village, a.active, nv, x)
    (tier, workers, value_added, env, design, brand, role, member, books, reach, reputation, exposure,
     ljmp, digital, gmp, standard, managed, q_mean, q_sq) = means
    q_sd = np.sqrt(np.maximum(q_sq - q_mean ** 2, 0))
    sales = model.records.column("sales_value")
    growth = 0.0
    if len(sales) >= 24:
        growth = measures.npsum(sales[-12:].copy()) / 12 / max(measures.npsum(sales[:12].copy()) / 12, 1e-9) - 1
    scores = (
        v.raw_material,                                                     # raw_material_source
        np.clip(tier / 2 * 0.5 + workers / 20, 0, 1),                       # production_capacity
        np.clip(value_added, 0, 1),                                         # value_added
        env,                                                                # environment
        np.clip(1 - q_sd / np.maximum(q_mean, 1e-9), 0, 1),                 # quality_consistency
        design,                                                             # product_development
        brand,                                                              # brand_ip
        role,                                                               # role_in_group
        v.awareness,                                                        # community_participation
        v.knowledge * member,                                               # organisation
        books,                                                              # bookkeeping
        reach / 2,                                                          # market_area
        np.full(nv, np.clip(0.5 + growth, 0, 1)),                           # sales_growth
        np.clip(reputation + exposure / 2, 0, 1),                           # customers
        np.clip(ljmp * 0.5 + digital * 0.5, 0, 1),                          # marketing_channel
        v.product_history,                                                  # product_history
        v.local_wisdom,                                                     # local_wisdom
        gmp,                                                                # gmp
        np.clip(0.5 * brand + 0.5 * design, 0, 1),                          # packaging_label
        tier / 2,                                                           # equipment
        standard,                                                           # product_standard
        managed,                                                            # quality_management
    )
    score = np.empty((len(SCORECARD), nv))
    for row, val in zip(score, scores, strict=True):
        row[:] = val
    score = np.round(100 * score, 1)
    # the row mean as pandas takes it over these columns: one reduction down the stacked columns
    overall = np.round(np.add.reduce(score, axis=0) / len(SCORECARD), 1)
    arrays = [pd.Index(model.village_names).array, np.maximum(np.bincount(a.village, minlength=nv), 1),
              active.astype(int), *score, overall]
    return _frame(arrays, nv, _SCORECARD_INDEX)
