"""What a planner reads: monthly indicators, per-artisan records, the OVOP scorecard.

The monthly indicators are written by one compiled pass over the model's
records (:func:`month_row`) into a growing matrix (:class:`MonthlyRecords`);
:meth:`MonthlyRecords.frame` is the tidy monthly table. Growth is read against
the warm-up year (the settled economy before month 1: ``income_pre``,
``jobs_pre``) and, by the experiment tools, against a paired no-programme run.
Analysis code reads these tables, never model internals.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence

import numba as nb
import numpy as np
import pandas as pd

from .state import BOOKS_FULL, BOOKS_SIMPLE, GMP, NEVER, TIER_NAMES

# The columns of the monthly table in the order :func:`month_row` writes them, each
# with its kind: "i" integer, "b" boolean, "f" float. The last three are not
# recorded monthly: ``income_pre`` and ``jobs_pre`` are the warm-up year's means,
# ``income_growth`` and ``income_per_rupiah`` are derived (:func:`_derive`).
MONTH_COLUMNS = (
    ("month", "i"), ("year", "i"), ("calendar_month", "i"), ("festive", "b"), ("rainy", "b"),
    ("active_businesses", "i"), ("entries", "i"), ("exits", "i"),
    ("income_mean", "f"), ("income_median", "f"), ("income_total", "f"), ("jobs", "i"), ("gini", "f"),
    ("output_units", "f"), ("output_dried", "f"), ("sales_value", "f"),
    ("partnerships_within", "i"), ("partnerships_between", "i"),
    ("partnerships_formed", "i"), ("partnerships_dissolved", "i"),
    ("partnerships_dissolved_one_sided", "i"), ("partnerships_ended_idle", "i"),
    ("reciprocity_partners", "f"), ("reciprocity_dissolved", "f"), ("partnership_age_mean", "f"),
    ("mean_trust", "f"), ("trust_within_mean", "f"), ("trust_between_mean", "f"),
    ("ties", "i"), ("ties_between", "i"), ("partner_transitivity", "f"), ("partner_components", "i"),
    ("supplier_ties", "i"), ("supplier_ties_between", "i"), ("supplier_switches", "i"),
    ("supplier_trials", "i"), ("orders_passed", "f"), ("favours_returned_share", "f"),
    ("supplies_delivered_share", "f"), ("gossip", "i"),
    ("share_province", "f"), ("share_national", "f"), ("share_export", "f"),
    ("reach_national_share", "f"), ("reached_share", "f"), ("skill_mean", "f"), ("gmp_mean", "f"),
    ("quality_mean", "f"), ("price_received", "f"), ("price_index", "f"), ("utilisation", "f"),
    ("cash_mean", "f"), ("gov_trust_mean", "f"), ("awareness_mean", "f"), ("gov_knowledge", "f"),
    ("association_knowledge", "f"), ("turnovers", "i"),
    ("ljmp_members", "i"), ("ljmp_loans_outstanding", "f"), ("ljmp_borrowers", "i"),
    ("ljmp_new_loans", "f"), ("ljmp_defaults", "i"), ("ljmp_barred", "i"), ("ljmp_written_off", "f"),
    ("ljmp_fund", "f"), ("ljmp_costs", "f"), ("ljmp_capture", "f"),
    ("budget_balance", "f"), ("budget_spent", "f"), ("budget_spent_total", "f"), ("grants", "f"),
    ("income_pre", "f"), ("jobs_pre", "f"), ("income_growth", "f"), ("income_per_rupiah", "f"),
)
_NAMES = tuple(name for name, _ in MONTH_COLUMNS)
_RECORDED = len(MONTH_COLUMNS) - 4
_CONVERT = {"i": int, "b": bool, "f": float}
TIER_COLUMNS = tuple(f"share_{t}" for t in TIER_NAMES)


@nb.njit(cache=True)
def gini_sorted(x):
    """Gini coefficient of sorted non-negative values (0 = equal, 1 = one holds all)."""
    n = len(x)
    total = x.sum()
    if n == 0 or total <= 0:
        return 0.0
    cum = 0.0
    acc = 0.0
    for i in range(n):
        cum += x[i]
        acc += cum
    return (n + 1 - 2 * (acc / total)) / n


def gini(x: np.ndarray) -> float:
    return float(gini_sorted(np.sort(np.asarray(x, float))))


@nb.njit(cache=True)
def partner_structure(ties, m, n):
    """Transitivity (3 x triangles / connected triples) of the partnership graph, and
    its number of components among artisans with at least one partner."""
    deg = np.zeros(n, np.int64)
    ptr = np.zeros(n + 1, np.int64)
    edges = 0
    for e in range(m):
        if ties[e].partner:
            a, b = ties[e].u, ties[e].v
            deg[a] += 1
            deg[b] += 1
            ptr[a + 1] += 1
            edges += 1
    if edges == 0:
        return 0.0, 0
    wedges = 0
    nodes = 0
    for i in range(n):
        d = deg[i]
        wedges += d * (d - 1) // 2
        if d:
            nodes += 1
        ptr[i + 1] += ptr[i]
    fill = ptr[:n].copy()
    up = np.empty(edges, np.int64)
    parent = np.arange(n)
    merged = 0
    for e in range(m):
        if ties[e].partner:
            a, b = ties[e].u, ties[e].v
            up[fill[a]] = b
            fill[a] += 1
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            while parent[b] != b:
                parent[b] = parent[parent[b]]
                b = parent[b]
            if a != b:
                parent[max(a, b)] = min(a, b)
                merged += 1
    triangles = 0
    if wedges:
        mark = fill
        mark[:] = -1
        for a in range(n):
            lo, hi = ptr[a], ptr[a + 1]
            if hi - lo < 2:
                continue
            for j in range(lo, hi):
                mark[up[j]] = a
            for j in range(lo, hi):
                b = up[j]
                for k in range(ptr[b], ptr[b + 1]):
                    if mark[up[k]] == a:
                        triangles += 1
    return 3.0 * triangles / wedges if wedges else 0.0, nodes - merged


#: the column index of each recorded indicator, by name (a constant the kernel reads)
COL = namedtuple("Columns", _NAMES[:_RECORDED])(*range(_RECORDED))


@nb.njit(cache=True)
def month_row(row, month, year, calendar_month, festive, rainy, a, ties, m, vills, prods, clusters,
              flows, cflows, ev, totals, gov_knowledge, gov_balance, gov_spent, gov_spent_total):
    """The month's indicators into ``row`` (columns :data:`COL`); ``totals``: counts
    since month 1 (:data:`TOTALS`); the agency's knowledge, balance and spending."""
    n = len(a)
    e0 = ev[0]
    row[COL.month] = month
    row[COL.year] = year
    row[COL.calendar_month] = calendar_month
    row[COL.festive] = 1.0 if festive else 0.0
    row[COL.rainy] = 1.0 if rainy else 0.0
    # artisans
    income = np.empty(n)
    k = 0
    jobs = 0
    national = 0
    members = 0
    borrowers = 0
    barred = 0
    hit = 0
    skill = gmp = quality = cash = gov_trust = revenue = units = 0.0
    suppliers = 0
    suppliers_between = 0
    out_units = 0.0
    out_dried = 0.0
    tier_rev = np.zeros(3)
    debt = 0.0
    grants = 0.0
    for i in range(n):
        ai = a[i]
        grants += flows[i].grant
        if ai.reached:
            hit += 1
        if ai.debt > 0:
            borrowers += 1
            debt += ai.debt
        if ai.barred:
            barred += 1
        if not ai.active:
            continue
        income[k] = ai.income
        k += 1
        jobs += 1 + ai.workers
        if ai.reach >= 1:
            national += 1
        if ai.ljmp:
            members += 1
        skill += ai.practice[0]
        gmp += ai.practice[GMP]
        quality += ai.quality
        cash += ai.cash
        gov_trust += ai.gov_trust
        revenue += ai.revenue
        units += ai.sales_units
        if ai.supplier >= 0:
            suppliers += 1
            if a[ai.supplier].village != ai.village:
                suppliers_between += 1
        out_units += ai.output
        if prods[ai.product].dried:
            out_dried += ai.output
        for t in range(3):
            tier_rev[t] += ai.sales_by_tier[t]
    inc = np.sort(income[:k])
    total = inc.sum()
    kk = max(k, 1)
    row[COL.active_businesses] = k
    row[COL.entries] = e0.entries
    row[COL.exits] = e0.exits
    row[COL.income_mean] = total / kk
    if k:
        h = k // 2
        row[COL.income_median] = inc[h] if k % 2 else 0.5 * (inc[h - 1] + inc[h])
    else:
        row[COL.income_median] = 0.0
    row[COL.income_total] = total
    row[COL.jobs] = jobs
    row[COL.gini] = gini_sorted(np.maximum(inc, 0.0))
    row[COL.output_units] = out_units
    row[COL.output_dried] = out_dried
    tot_rev = tier_rev.sum()
    row[COL.sales_value] = tot_rev
    row[COL.share_province] = tier_rev[0] / tot_rev if tot_rev > 0 else 0.0
    row[COL.share_national] = tier_rev[1] / tot_rev if tot_rev > 0 else 0.0
    row[COL.share_export] = tier_rev[2] / tot_rev if tot_rev > 0 else 0.0
    row[COL.reach_national_share] = national / kk
    row[COL.reached_share] = hit / n if n else 0.0
    row[COL.skill_mean] = skill / kk
    row[COL.gmp_mean] = gmp / kk
    row[COL.quality_mean] = quality / kk
    row[COL.price_received] = revenue / max(units, 1e-9)
    row[COL.cash_mean] = cash / kk
    row[COL.gov_trust_mean] = gov_trust / kk
    row[COL.supplier_ties] = suppliers
    row[COL.supplier_ties_between] = suppliers_between
    # ties and partnerships among active artisans
    within = 0
    betw = 0
    age = 0
    weak = 0.0
    t_within = 0.0
    t_between = 0.0
    n_within = 0
    n_between = 0
    for e in range(m):
        te = ties[e]
        if not (a[te.u].active and a[te.v].active):
            continue
        if te.between:
            t_between += te.trust_uv + te.trust_vu
            n_between += 1
        else:
            t_within += te.trust_uv + te.trust_vu
            n_within += 1
        if te.partner:
            weak += min(a[te.u].norm, a[te.v].norm)
            age += month - te.since
            if te.between:
                betw += 1
            else:
                within += 1
    p = within + betw
    n_ties = n_within + n_between
    row[COL.partnerships_within] = within
    row[COL.partnerships_between] = betw
    row[COL.reciprocity_partners] = weak / p if p else 0.0
    row[COL.partnership_age_mean] = age / p if p else 0.0
    row[COL.mean_trust] = (t_within + t_between) / (2 * n_ties) if n_ties else 0.0
    row[COL.trust_within_mean] = t_within / (2 * n_within) if n_within else 0.0
    row[COL.trust_between_mean] = t_between / (2 * n_between) if n_between else 0.0
    row[COL.ties] = n_ties
    row[COL.ties_between] = n_between
    trans, comps = partner_structure(ties, m, n)
    row[COL.partner_transitivity] = trans
    row[COL.partner_components] = comps
    # events of the month and since month 1
    row[COL.partnerships_formed] = totals[T_FORMED]
    row[COL.partnerships_dissolved] = totals[T_ENDED_TRUST] + totals[T_ENDED_IDLE] + totals[T_ENDED_CLOSED]
    row[COL.partnerships_dissolved_one_sided] = totals[T_ENDED_TRUST]
    row[COL.partnerships_ended_idle] = totals[T_ENDED_IDLE]
    row[COL.reciprocity_dissolved] = (totals[T_ENDED_RECIPROCITY] / totals[T_ENDED_TRUST]
                                      if totals[T_ENDED_TRUST] else 0.0)
    row[COL.supplier_switches] = totals[T_SWITCHES]
    row[COL.supplier_trials] = totals[T_TRIALS]
    row[COL.orders_passed] = e0.orders_passed
    row[COL.favours_returned_share] = e0.favours_returned / e0.favours_owed if e0.favours_owed else 1.0
    row[COL.supplies_delivered_share] = (e0.supplies_delivered / e0.supplies_due
                                         if e0.supplies_due else 1.0)
    row[COL.gossip] = e0.gossip
    row[COL.turnovers] = totals[T_TURNOVERS]
    # markets, villages, institutions
    pi = 0.0
    ut = 0.0
    for q in range(len(prods)):
        pi += prods[q].price_index
        ut += prods[q].utilisation
    row[COL.price_index] = pi / len(prods) if len(prods) else 1.0
    row[COL.utilisation] = ut / len(prods) if len(prods) else 0.0
    aw = 0.0
    kn = 0.0
    for v in range(len(vills)):
        aw += vills[v].awareness
        kn += vills[v].knowledge
    row[COL.awareness_mean] = aw / len(vills)
    row[COL.association_knowledge] = kn / len(vills)
    row[COL.gov_knowledge] = gov_knowledge
    fund = 0.0
    costs = 0.0
    capture = 0.0
    n_lj = 0
    for c in range(len(clusters)):
        fund += clusters[c].fund
        costs += cflows[c].costs
        if clusters[c].ljmp:
            capture += clusters[c].capture
            n_lj += 1
    row[COL.ljmp_members] = members
    row[COL.ljmp_loans_outstanding] = debt
    row[COL.ljmp_borrowers] = borrowers
    row[COL.ljmp_new_loans] = e0.new_loans
    row[COL.ljmp_defaults] = e0.defaults
    row[COL.ljmp_barred] = barred
    row[COL.ljmp_written_off] = totals[T_WRITTEN_OFF]
    row[COL.ljmp_fund] = fund
    row[COL.ljmp_costs] = costs
    row[COL.ljmp_capture] = capture / n_lj if n_lj else 0.0
    row[COL.budget_balance] = gov_balance
    row[COL.budget_spent] = gov_spent
    row[COL.budget_spent_total] = gov_spent_total
    row[COL.grants] = grants


@nb.njit(cache=True)
def add_totals(totals, ev, flows, turnovers):
    """Add the month's events to the counts kept since month 1 (:data:`TOTALS`)."""
    e = ev[0]
    totals[T_FORMED] += e.formed
    totals[T_ENDED_TRUST] += e.ended_trust
    totals[T_ENDED_IDLE] += e.ended_idle
    totals[T_ENDED_CLOSED] += e.ended_closed
    totals[T_ENDED_RECIPROCITY] += e.ended_reciprocity
    totals[T_SWITCHES] += e.switches
    totals[T_TRIALS] += e.trials
    for i in range(len(flows)):
        totals[T_WRITTEN_OFF] += flows[i].written_off
    totals[T_TURNOVERS] = turnovers


#: counts kept since month 1 (the model adds each month's events to them)
TOTALS = ("formed", "ended_trust", "ended_idle", "ended_reciprocity", "switches", "trials", "turnovers",
          "ended_closed", "written_off")
(T_FORMED, T_ENDED_TRUST, T_ENDED_IDLE, T_ENDED_RECIPROCITY, T_SWITCHES, T_TRIALS, T_TURNOVERS,
 T_ENDED_CLOSED, T_WRITTEN_OFF) = range(len(TOTALS))


class MonthlyRecords(Sequence):
    """The indicators at the end of each month so far: one row of floats per month
    in a matrix that grows as the model steps.

    Reads as a list of dicts (``records[-1]`` is the latest month); :meth:`column`
    gives one indicator's series and :meth:`frame` the monthly table."""

    def __init__(self, months: int):
        self._rows = np.zeros((max(int(months), 1), _RECORDED))
        self._n = 0
        self.pre = (np.nan, np.nan)  # the warm-up year's mean income and jobs

    def next_row(self) -> np.ndarray:
        """The row the next month is written into; it counts as recorded once
        :meth:`keep_row` is called (a month whose books fail is not recorded)."""
        return self.next_rows(1)[0]

    def next_rows(self, count: int) -> np.ndarray:
        """The rows the next ``count`` months are written into (see :meth:`next_row`)."""
        while self._n + count > len(self._rows):
            self._rows = np.concatenate((self._rows, np.zeros_like(self._rows)))
        return self._rows[self._n:self._n + count]

    def keep_row(self, count: int = 1) -> None:
        self._n += count

    def __len__(self) -> int:
        return self._n

    def snapshot(self) -> MonthlyRecords:
        """A copy of the months recorded so far (which later months do not change)."""
        out = MonthlyRecords(self._n)
        out._rows[:self._n] = self._rows[:self._n]
        out._n, out.pre = self._n, self.pre
        return out

    def _row(self, i: int) -> dict:
        out = {name: _CONVERT[kind](x) for (name, kind), x in
               zip(MONTH_COLUMNS, self._rows[i].tolist(), strict=False)}
        out["income_pre"], out["jobs_pre"] = float(self.pre[0]), float(self.pre[1])
        return out

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
        """The monthly table: one row per month, the recorded indicators by their kind,
        the warm-up year's levels and the derived series (:func:`_derive`)."""
        return monthly_frame(self.columns())

    def columns(self) -> dict[str, np.ndarray]:
        """The monthly table's columns as arrays (the same values and types as
        :meth:`frame`'s, without building the table)."""
        n = self._n
        cols = np.empty((len(MONTH_COLUMNS), n))
        cols[:_RECORDED] = self._rows[:n].T
        cols[_RECORDED] = self.pre[0]
        cols[_RECORDED + 1] = self.pre[1]
        _derive(cols[_NAMES.index("income_mean")], cols[_NAMES.index("income_total")],
                cols[_NAMES.index("active_businesses")], cols[_NAMES.index("budget_spent_total")],
                self.pre[0], cols[-2], cols[-1])
        return {name: x if kind == "f" else (x != 0 if kind == "b" else x.astype(np.int64))
                for (name, kind), x in zip(MONTH_COLUMNS, cols, strict=True)}


def monthly_frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """The monthly table from its columns (:meth:`MonthlyRecords.columns`)."""
    n = len(columns["month"])
    if n == 0:
        return pd.DataFrame(columns=list(_NAMES))
    return _frame([columns[c] for c in _NAMES], n, _COLUMN_INDEX)


_COLUMN_INDEX = pd.Index(_NAMES)


def _frame(arrays: list, n: int, columns: pd.Index) -> pd.DataFrame:
    """A table from its column arrays (of their final dtypes and length): pandas'
    array-list constructor skips the checks and conversions its dict constructor makes
    (most of the time of a small table); the public constructor where it is missing."""
    try:
        return pd.DataFrame._from_arrays(arrays, columns=columns, index=pd.RangeIndex(n),
                                         verify_integrity=False)
    except (AttributeError, TypeError):
        return pd.DataFrame(dict(zip(columns, arrays, strict=True)))


def _derive(income_mean, income_total, active, spent_total, pre, growth, per_rupiah) -> None:
    """``income_growth``: the 12-month rolling mean income against the warm-up year's
    mean (the settled economy before month 1), minus one; seasons cancel.
    ``income_per_rupiah``: cumulative income above the warm-up year's level per
    rupiah of programme spending (0 before any spending). A gain against a
    no-programme run is computed from paired runs (:mod:`ovopsim.outcomes`)."""
    csum = np.cumsum(income_mean)
    window = np.minimum(np.arange(1, len(income_mean) + 1), 12)
    roll = (csum - np.concatenate((np.zeros(12), csum))[:len(csum)]) / window
    ref = pre if abs(pre) > 1e-9 else np.nan
    g = roll / ref - 1
    growth[:] = np.where(np.isfinite(g), g, 0.0)
    gain = np.cumsum(income_total - active * pre)
    per_rupiah[:] = np.where(spent_total > 0, gain / np.where(spent_total > 0, spent_total, 1), 0.0)


AGENT_COLUMNS = ("village", "product", "active", "skill", "gmp", "design", "digital", "books", "tier",
                 "workers", "cash", "debt", "inventory", "quality", "brand", "reach", "member", "board",
                 "ljmp", "gov_trust", "norm", "supplier", "income", "revenue", "sales_units", "output")


def agent_frame(model, month: int) -> pd.DataFrame:
    """Per-artisan records of ``month``: every business that has opened (including those
    that closed since; not the households that never opened one)."""
    a = model.artisans
    keep = a.opened > NEVER
    data = {"month": np.full(int(keep.sum()), month), "artisan": np.flatnonzero(keep)}
    for c in AGENT_COLUMNS:
        data[c] = np.array(getattr(a, c))[keep]
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


def scorecard(model) -> pd.DataFrame:
    """One row per village, one column per assessment dimension (0-100), and the mean."""
    a, v, p = model.artisans, model.villages, model.products
    nv = len(model.village_names)
    act = a.active
    from .mechanisms.learning import standards

    env, standard = standards(a.data, v.data, p.data, model.par)
    input_cost = p.price[a.product] * p.material_share[a.product]
    unit_value = np.divide(a.revenue, np.maximum(a.sales_units, 1e-9))
    value_added = np.where(a.sales_units > 0, 1 - input_cost / np.maximum(unit_value, 1e-9), 0.0)
    count = np.bincount(a.village, act, nv)
    denom = np.maximum(count, 1)

    def mean(x):
        return np.bincount(a.village, np.where(act, x, 0.0), nv) / denom

    q_mean, q_sq = mean(a.quality), mean(a.quality ** 2)
    q_sd = np.sqrt(np.maximum(q_sq - q_mean ** 2, 0))
    sales = model.records.column("sales_value")
    growth = 0.0
    if len(sales) >= 24:
        growth = sales[-12:].mean() / max(sales[:12].mean(), 1e-9) - 1
    tier, workers = mean(a.tier), mean(np.minimum(a.workers, 10))
    brand, design, member = mean(a.brand), mean(a.design), mean(a.member)
    scores = {
        "raw_material_source": v.raw_material,
        "production_capacity": np.clip(tier / 2 * 0.5 + workers / 20, 0, 1),
        "value_added": np.clip(mean(np.clip(value_added, 0, 1)), 0, 1),
        "environment": mean(env),
        "quality_consistency": np.clip(1 - q_sd / np.maximum(q_mean, 1e-9), 0, 1),
        "product_development": design,
        "brand_ip": brand,
        "role_in_group": mean(0.5 * a.member + 0.5 * a.board),
        "community_participation": v.awareness,
        "organisation": v.knowledge * member,
        "bookkeeping": mean(a.books),
        "market_area": mean(a.reach) / 2,
        "sales_growth": np.full(nv, np.clip(0.5 + growth, 0, 1)),
        "customers": np.clip(mean(a.reputation) + mean(a.exposure) / 2, 0, 1),
        "marketing_channel": np.clip(mean(a.ljmp) * 0.5 + mean(a.digital) * 0.5, 0, 1),
        "product_history": v.product_history,
        "local_wisdom": v.local_wisdom,
        "gmp": mean(a.gmp),
        "packaging_label": np.clip(0.5 * brand + 0.5 * design, 0, 1),
        "equipment": tier / 2,
        "product_standard": mean(standard),
        "quality_management": mean(standard & (a.books >= BOOKS_SIMPLE)),
    }
    assert tuple(scores) == SCORECARD
    score = np.empty((len(scores), nv))
    for k, x in enumerate(scores.values()):
        score[k] = x  # a village's value, or one for every village
    score = np.round(100 * score, 1)
    arrays = [pd.Index(model.village_names).array,
              np.bincount(a.village, a.opened > NEVER, nv).astype(np.int64), count.astype(np.int64),
              *score, np.round(score.mean(axis=0), 1)]
    return _frame(arrays, nv, _SCORECARD_INDEX)


_SCORECARD_INDEX = pd.Index(("village", "artisans", "active", *SCORECARD, "overall"))


# ------------------------------------------------------------------ producer bands

#: per-producer bands of four assessment dimensions (brief 1), in the categories of the
#: Rasau Jaya producer survey (brief 2): a population is read as the share in each band
PRODUCER_BANDS: dict[str, tuple[str, ...]] = {
    "equipment": ("manual", "semi_automatic", "modern"),
    "bookkeeping": ("none", "simple", "full"),
    "group": ("outside", "member", "board"),
    "market_area": ("province", "other_provinces", "export"),
}
#: per-producer income change from the pre-programme year to the last 12 months:
#: closed since month 1, fell (< -10%), flat (-10% to +10%), rose (+10% to +50%),
#: rose by half or more (>= +50%)
INCOME_BANDS = ("closed", "fell", "flat", "rose", "rose_half")
INCOME_BAND_EDGES = (-0.10, 0.10, 0.50)


def producer_bands(a) -> dict[str, float]:
    """Shares of the active producers in each band of :data:`PRODUCER_BANDS`
    (keys ``"<dimension>_<band>"``)."""
    act = a.active
    n = max(int(act.sum()), 1)
    level = {"equipment": a.tier, "bookkeeping": np.digitize(a.books, (BOOKS_SIMPLE, BOOKS_FULL)),
             "group": np.where(a.board, 2, a.member.astype(np.int64)), "market_area": a.reach}
    out = {}
    for dim, bands in PRODUCER_BANDS.items():
        counts = np.bincount(np.clip(level[dim][act], 0, len(bands) - 1), minlength=len(bands))
        out.update({f"{dim}_{b}": float(c) / n for b, c in zip(bands, counts, strict=True)})
    return out


def income_bands(at_start: np.ndarray, active: np.ndarray, pre: np.ndarray, last: np.ndarray,
                 floor: float) -> dict[str, float]:
    """Shares of the producers active at month 1 (``at_start``) in each band of
    :data:`INCOME_BANDS` (keys ``"income_<band>"``): change of the mean monthly income
    from the pre-programme year (``pre``) to the last 12 months (``last``), relative to
    the pre-programme income (at least ``floor``, so that a near-zero start is not an
    infinite rise)."""
    n = max(int(at_start.sum()), 1)
    change = (last - pre) / np.maximum(np.abs(pre), floor)
    band = np.where(active, 1 + np.digitize(change, INCOME_BAND_EDGES), 0)[at_start]
    counts = np.bincount(band, minlength=len(INCOME_BANDS))
    return {f"income_{b}": float(c) / n for b, c in zip(INCOME_BANDS, counts, strict=True)}
