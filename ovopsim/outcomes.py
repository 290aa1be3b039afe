"""Run outcomes as numbers: what comparisons, sweeps and sensitivity analyses measure.

:func:`summarise` turns a run's monthly table into scalar outcomes;
:func:`simulate` is the model function the experiment runner calls: it maps
a parameter dict and a seed to those outcomes. Parameters are

* ``scenario``: a shipped scenario's name or a path (required);
* ``months``: the horizon (default: the scenario's);
* any dotted key that :meth:`ovopsim.config.Scenario.with_overrides` accepts,
  e.g. ``behaviour.trust_gain`` or ``interventions.training.intensity``.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .config import Scenario, load_scenario
from .simulation import run

# outcome name -> (monthly column, how it is summarised, meaning)
OUTCOMES: dict[str, tuple[str, str, str]] = {
    "income": ("income_mean", "last_year", "mean income per business, last 12 months (Rp/month)"),
    "income_median": ("income_median", "last_year", "median income per business, last 12 months"),
    "income_growth": ("income_mean", "growth", "last-year mean income / first-year mean income - 1"),
    "jobs": ("jobs", "last_year", "jobs (owners and workers), last 12 months"),
    "jobs_growth": ("jobs", "growth", "last-year jobs / first-year jobs - 1"),
    "active_businesses": ("active_businesses", "final", "businesses still active at the end"),
    "gini": ("gini", "last_year", "income inequality (Gini), last 12 months"),
    "partnerships_within": ("partnerships_within", "final", "partnerships within villages at the end"),
    "partnerships_between": ("partnerships_between", "final", "partnerships between villages at the end"),
    "partnerships_dissolved": ("partnerships_dissolved", "final", "partnerships dissolved over the run"),
    "mean_trust": ("mean_trust", "final", "mean trust on ties at the end"),
    "share_province": ("share_province", "last_year", "share of sales in the province, last 12 months"),
    "share_national": ("share_national", "last_year", "share of sales to other provinces, last 12 months"),
    "share_export": ("share_export", "last_year", "share of sales exported, last 12 months"),
    "price_received": ("price_received", "last_year", "price received per unit, last 12 months"),
    "skill": ("skill_mean", "final", "mean skill at the end"),
    "ljmp_borrowers": ("ljmp_borrowers", "last_year", "artisans with an LJMP loan, last 12 months"),
    "ljmp_defaults": ("ljmp_defaults", "sum", "LJMP loan defaults over the run"),
    "budget_spent": ("budget_spent_total", "final", "programme spending over the run (Rp)"),
    "income_total": ("income_total", "sum", "income of all businesses over the run (Rp)"),
}


def summarise(monthly: pd.DataFrame) -> dict[str, float]:
    """Scalar outcomes of one run (see :data:`OUTCOMES`)."""
    first = monthly.iloc[:12]
    last = monthly.iloc[-12:]
    out = {}
    for name, (col, how, _) in OUTCOMES.items():
        s = monthly[col]
        if how == "last_year":
            v = last[col].mean()
        elif how == "growth":
            base = first[col].mean()
            v = last[col].mean() / base - 1 if base else 0.0
        elif how == "sum":
            v = s.sum()
        else:
            v = s.iloc[-1]
        out[name] = float(v)
    return out


@lru_cache(maxsize=64)
def _scenario(name: str) -> Scenario:
    return load_scenario(name)


def scenario_for(params: dict) -> Scenario:
    """The scenario named in ``params`` with its dotted overrides applied."""
    if "scenario" not in params:
        raise KeyError("params must name a 'scenario'")
    s = _scenario(str(params["scenario"]))
    overrides = {k: v for k, v in params.items() if "." in k}
    return s.with_overrides(overrides) if overrides else s


def simulate(params: dict, seed: int) -> dict[str, float]:
    """The OVOP model as a function of parameters and a seed -> scalar outcomes."""
    months = params.get("months")
    res = run(scenario_for(params), seed=int(seed), months=int(months) if months else None)
    return summarise(res.monthly)


def simulate_series(params: dict, seed: int) -> pd.DataFrame:
    """The same, returning the monthly indicator table (for outcomes over time)."""
    months = params.get("months")
    res = run(scenario_for(params), seed=int(seed), months=int(months) if months else None)
    return res.monthly.select_dtypes("number").drop(columns=["year", "calendar_month"])
