"""What a planner reads: monthly indicators, per-artisan records, the OVOP scorecard.

Analysis code reads these tables, never model internals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .agents import TIER_NAMES


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equal, 1 = one holds all)."""
    return _gini_sorted(np.sort(np.asarray(x, float)))


def _gini_sorted(x: np.ndarray) -> float:
    n = len(x)
    total = np.add.reduce(x)
    if n == 0 or total <= 0:
        return 0.0
    cum = np.add.accumulate(x)  # np.cumsum(x) without its wrapper
    return float((n + 1 - 2 * (np.add.reduce(cum) / total)) / n)


def _median_sorted(x: np.ndarray) -> float:
    """``np.median`` of an already sorted array (NaN sorts last, and poisons it)."""
    n = len(x)
    if x[-1] != x[-1]:
        return float("nan")
    k = n // 2
    return float(x[k]) if n % 2 else float(np.add.reduce(x[k - 1:k + 1]) / 2)


def _mean(x: np.ndarray, k: int) -> float:
    """``x.mean()`` for ``len(x) == k > 0`` without its Python overhead (same sum, same division)."""
    return float(np.add.reduce(x)) / k


# ``x.sum()`` is this reduction behind a Python wrapper; called directly, the same sum
_sum = np.add.reduce


def monthly(model, month: int) -> dict:
    """Indicators at the end of ``month`` (one row of the monthly table).

    Called every month, so it avoids per-call overhead: each mean is one sum
    divided by the count (bit for bit what ``ndarray.mean`` computes)."""
    a = model.artisans
    net = model.network
    act = a.active
    k = int(np.count_nonzero(act))
    inc = a.income[act]
    inc_total = float(np.add.reduce(inc))
    inc = np.sort(inc)
    f = model.flows
    within, between = net.counts()
    trans, comps = net.partner_structure(act)
    tier_rev = _sum(a.sales_by_tier, axis=0)
    tot_rev = float(_sum(tier_rev))
    lj = model.ljmp_enabled
    recip_now, recip_gone = model.network.partner_reciprocity(a.reciprocity)
    v = model.villages
    gov = model.government
    row = {
        "month": month,
        "year": model.b.start_year + (month - 1) // 12,
        "calendar_month": (month - 1) % 12 + 1,
        "festive": bool(model.market.festive[month]),
        "rainy": bool(model.market.rainy[month]),
        "active_businesses": k,
        "income_mean": inc_total / k if k else 0.0,
        "income_median": _median_sorted(inc) if k else 0.0,
        "income_total": inc_total,
        "jobs": k + int(a.workers[act].sum()),
        "gini": _gini_sorted(np.maximum(inc, 0.0)),
        "output_units": float(_sum(a.output)),
        "output_dried": float(_sum(a.output[model.dried[a.product]])),
        "sales_value": tot_rev,
        "partnerships_within": within,
        "partnerships_between": between,
        "partnerships_formed": net.formed,
        "partnerships_dissolved": net.dissolved,
        "partnerships_dissolved_one_sided": net.dissolved_one_sided,
        "reciprocity_partners": recip_now,
        "reciprocity_dissolved": recip_gone,
        "partnership_age_mean": net.mean_age(month),
        "mean_trust": net.mean_trust(),
        "ties": net.m,
        "partner_transitivity": trans,
        "partner_components": comps,
        **{f"share_{t}": (float(tier_rev[i]) / tot_rev if tot_rev > 0 else 0.0)
           for i, t in enumerate(TIER_NAMES)},
        "reach_national_share": int(np.count_nonzero(a.reach[act] >= 1)) / k if k else 0.0,
        "reached_share": int(np.count_nonzero(a.reached)) / a.n,
        "skill_mean": _mean(a.skill[act], k) if k else 0.0,
        "quality_mean": _mean(a.quality[act], k) if k else 0.0,
        "price_received": float(_sum(a.revenue[act]) / max(_sum(a.sales_units[act]), 1e-9)),
        "cash_mean": _mean(a.cash[act], k) if k else 0.0,
        "gov_trust_mean": _mean(a.gov_trust[act], k) if k else 0.0,
        "awareness_mean": _mean(v.awareness, len(v.awareness)),
        "gov_knowledge": float(gov.knowledge),
        "association_knowledge": _mean(v.knowledge, len(v.knowledge)),
        "turnovers": model.turnovers,
        "ljmp_members": int(np.count_nonzero(a.ljmp & act)) if lj else 0,
        "ljmp_loans_outstanding": float(_sum(a.debt)),
        "ljmp_borrowers": int(np.count_nonzero(a.debt > 0)),
        "ljmp_new_loans": float(model._new_loans),
        "ljmp_defaults": int(model._defaults),
        "ljmp_written_off": float(_sum(f.written_off)),
        "ljmp_fund": float(_sum(model.ljmp_fund)),
        "budget_balance": float(gov.balance),
        "budget_spent": float(f.gov_spent),
        "budget_spent_total": float(gov.spent_total),
        "grants": float(_sum(f.grant)),
    }
    return row


def finalize(df: pd.DataFrame) -> pd.DataFrame:
    """Derived columns that need the whole series so far.

    ``income_growth``: the 12-month rolling mean income against the first
    year's mean, minus one (seasonality cancels). ``income_per_rupiah``:
    cumulative income above the first year's level per rupiah of programme
    spending (0 before any spending). A gain against a no-programme baseline
    is computed by the experiment tools from paired runs."""
    if df.empty:
        return df
    inc = df["income_mean"]
    first_year = inc.iloc[:12].expanding().mean()
    ref = float(first_year.iloc[-1])
    ref_series = pd.Series(np.where(np.arange(len(df)) < 12, first_year.reindex(range(len(df))).ffill(), ref))
    roll = inc.rolling(12, min_periods=1).mean()
    denom = ref_series.where(ref_series.abs() > 1e-9, np.nan)
    df["income_growth"] = (roll / denom - 1).fillna(0.0).to_numpy()
    gain = (df["income_total"] - df["active_businesses"] * ref_series).cumsum()
    spent = df["budget_spent_total"]
    df["income_per_rupiah"] = np.where(spent > 0, gain / spent.where(spent > 0, 1.0), 0.0)
    return df


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


def scorecard(model) -> pd.DataFrame:
    """One row per village, one column per assessment dimension (0-100), and the mean."""
    a, v = model.artisans, model.villages
    nv = len(model.village_names)
    act = a.active
    w = act.astype(float)
    cnt = np.maximum(np.bincount(a.village, w, nv), 1.0)
    total = np.maximum(np.bincount(a.village, minlength=nv), 1)

    def vmean(x):
        return np.bincount(a.village, np.asarray(x, float) * w, nv) / cnt

    q_mean = vmean(a.quality)
    q_sd = np.sqrt(np.maximum(vmean(a.quality ** 2) - q_mean ** 2, 0))
    env = model._environment()
    unit_value = np.divide(a.revenue, np.maximum(a.output, 1e-9))
    value_added = 1 - model.material_share[a.product] * model.price[a.product] / np.maximum(unit_value, 1e-9)
    sales = pd.Series([r["sales_value"] for r in model.records], dtype=float)
    growth = 0.0
    if len(sales) >= 24:
        growth = sales.iloc[-12:].mean() / max(sales.iloc[:12].mean(), 1e-9) - 1
    standard = (a.gmp >= 0.6) & (env >= 1.0)
    scores = {
        "raw_material_source": v.raw_material,
        "production_capacity": np.clip(vmean(a.tier) / 2 * 0.5 + vmean(np.minimum(a.workers, 10)) / 20, 0, 1),
        "value_added": np.clip(vmean(np.clip(value_added, 0, 1)), 0, 1),
        "environment": vmean(env),
        "quality_consistency": np.clip(1 - q_sd / np.maximum(q_mean, 1e-9), 0, 1),
        "product_development": vmean(a.design),
        "brand_ip": vmean(a.brand),
        "role_in_group": vmean(0.5 * a.member + 0.5 * a.board),
        "community_participation": v.awareness,
        "organisation": v.knowledge * vmean(a.member),
        "bookkeeping": vmean(a.books),
        "market_area": vmean(a.reach) / 2,
        "sales_growth": np.full(nv, np.clip(0.5 + growth, 0, 1)),
        "customers": np.clip(vmean(a.reputation) + vmean(a.exposure) / 2, 0, 1),
        "marketing_channel": np.clip(vmean(a.ljmp) * 0.5 + vmean(a.digital) * 0.5, 0, 1),
        "product_history": v.product_history,
        "local_wisdom": v.local_wisdom,
        "gmp": vmean(a.gmp),
        "packaging_label": np.clip(0.5 * vmean(a.brand) + 0.5 * vmean(a.design), 0, 1),
        "equipment": vmean(a.tier) / 2,
        "product_standard": vmean(standard),
        "quality_management": vmean(standard & (a.books >= 0.3)),
    }
    df = pd.DataFrame({k: np.round(100 * np.asarray(val, float), 1) for k, val in scores.items()})
    df.insert(0, "village", model.village_names)
    df.insert(1, "artisans", total)
    df.insert(2, "active", np.bincount(a.village, w, nv).astype(int))
    df["overall"] = df[list(SCORECARD)].mean(axis=1).round(1)
    return df
