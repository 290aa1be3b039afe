"""Run outcomes as numbers: what comparisons, sweeps and sensitivity analyses measure.

:func:`summarise` turns a run's monthly table (and, when given, its paired
no-programme run's) into scalar outcomes; :func:`simulate` is the model function
the experiment runner calls: it maps a parameter dict and a seed to those
outcomes. Parameters are

* ``scenario``: a shipped scenario's name or a path (required);
* ``months``: the horizon (default: the scenario's);
* any dotted key that :meth:`ovopsim.config.Scenario.with_overrides` accepts,
  e.g. ``trust.gain`` or ``interventions.training.intensity``.

Growth is read against the warm-up year before month 1 (``*_growth``) and
against the paired no-programme run with the same seed (``*_gain``,
``extra_income`` and ``return_per_rupiah``; 0 for a scenario with no programme).
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

import numpy as np
import pandas as pd

from .config import Scenario, load_scenario
from .indicators import monthly_frame
from .model import RecentlyUsed
from .simulation import has_programme, no_programme, no_programme_key, run

# outcome name -> (monthly column, how it is summarised, meaning)
OUTCOMES: dict[str, tuple[str, str, str]] = {
    "income": ("income_mean", "last_year", "mean income per business, last 12 months (Rp/month)"),
    "income_median": ("income_median", "last_year", "median income per business, last 12 months"),
    "income_growth": ("income_mean", "growth", "last-year mean income / the warm-up year's - 1"),
    "income_gain": ("income_mean", "gain", "last-year mean income / the paired no-programme run's - 1"),
    "jobs": ("jobs", "last_year", "jobs (owners and workers), last 12 months"),
    "jobs_growth": ("jobs", "growth", "last-year jobs / the warm-up year's - 1"),
    "jobs_gain": ("jobs", "gain", "last-year jobs / the paired no-programme run's - 1"),
    "active_businesses": ("active_businesses", "final", "businesses still active at the end"),
    "entries": ("entries", "sum", "businesses opened over the run"),
    "exits": ("exits", "sum", "businesses closed over the run"),
    "gini": ("gini", "last_year", "income inequality (Gini), last 12 months"),
    "partnerships_within": ("partnerships_within", "final", "partnerships within villages at the end"),
    "partnerships_between": ("partnerships_between", "final", "partnerships between villages at the end"),
    "partnerships_dissolved": ("partnerships_dissolved", "final", "partnerships ended over the run"),
    "mean_trust": ("mean_trust", "final", "mean trust on ties at the end"),
    "supplier_ties": ("supplier_ties", "final", "artisans buying inputs from a partner at the end"),
    "supplier_switches": ("supplier_switches", "final", "changes of supplier over the run"),
    "share_province": ("share_province", "last_year", "share of sales in the province, last 12 months"),
    "share_national": ("share_national", "last_year", "share of sales to other provinces, last 12 months"),
    "share_export": ("share_export", "last_year", "share of sales exported, last 12 months"),
    "price_received": ("price_received", "last_year", "price received per unit, last 12 months"),
    "skill": ("skill_mean", "final", "mean technical skill (practice) at the end"),
    "ljmp_borrowers": ("ljmp_borrowers", "last_year", "artisans with an LJMP loan, last 12 months"),
    "ljmp_defaults": ("ljmp_defaults", "sum", "LJMP loans defaulted over the run"),
    "ljmp_fund": ("ljmp_fund", "final", "LJMP funds at the end (Rp)"),
    "budget_spent": ("budget_spent_total", "final", "programme spending over the run (Rp)"),
    "income_total": ("income_total", "sum", "income of all businesses over the run (Rp)"),
    "extra_income": ("income_total", "extra", "income of all businesses over the run minus the "
                     "paired no-programme run's (Rp)"),
    "return_per_rupiah": ("income_total", "per_rupiah", "extra income per rupiah of programme "
                          "spending (0 when nothing was spent)"),
    "coverage": ("reached_share", "final", "share of artisans a programme has reached by the end"),
}
_PRE = {"income_mean": "income_pre", "jobs": "jobs_pre"}


def summarise(monthly: pd.DataFrame | Mapping[str, np.ndarray],
              paired: pd.DataFrame | Mapping[str, np.ndarray] | None = None) -> dict[str, float]:
    """Scalar outcomes of one run (see :data:`OUTCOMES`); ``paired``: the monthly table
    of its no-programme run (the gains are 0 without one). Either table may be given as
    its columns' arrays (:meth:`ovopsim.simulation.RunResult.columns`). Means and sums
    skip missing values, as pandas' do."""
    col = _columns(monthly, _USED)
    twin = _columns(paired, _PAIRED) if paired is not None else None
    out = {}
    for name, (c, how, _) in OUTCOMES.items():
        s = col[c]
        if how == "last_year":
            v = _mean(s[-12:])
        elif how == "growth":
            base = float(col[_PRE[c]][0])
            v = _mean(s[-12:]) / base - 1 if base else 0.0
        elif how == "gain":
            if twin is None:
                v = 0.0
            else:
                base = _mean(twin[c][-12:])
                v = _mean(s[-12:]) / base - 1 if base else 0.0
        elif how in ("extra", "per_rupiah"):
            v = _sum(s) - _sum(twin[c]) if twin is not None else 0.0
            if how == "per_rupiah":
                spent = float(col["budget_spent_total"][-1])
                v = v / spent if spent > 0 else 0.0
        elif how == "sum":
            v = _sum(s)
        else:
            v = s[-1]
        out[name] = float(v)
    return out


_USED = tuple(dict.fromkeys([c for c, _, _ in OUTCOMES.values()] + list(_PRE.values())
                            + ["budget_spent_total"]))
_PAIRED = tuple(dict.fromkeys(c for c, how, _ in OUTCOMES.values() if how in ("gain", "extra", "per_rupiah")))


def _columns(table, names) -> dict[str, np.ndarray]:
    if isinstance(table, pd.DataFrame):
        return {c: table[c].to_numpy() for c in names}
    return {c: np.asarray(table[c]) for c in names}


def _present(x: np.ndarray) -> tuple[np.ndarray, int]:
    """``x`` with missing values as 0, and how many are present."""
    if x.dtype.kind == "f":
        missing = np.isnan(x)
        if missing.any():
            return np.where(missing, 0.0, x), len(x) - int(missing.sum())
    return x, len(x)


def _sum(x: np.ndarray):
    return np.add.reduce(_present(x)[0])


def _mean(x: np.ndarray):
    values, n = _present(x)
    return np.add.reduce(values) / n if n else np.nan


@lru_cache(maxsize=64)
def _scenario(name: str) -> Scenario:
    return load_scenario(name)


def scenario_for(params: dict, seed: int | None = None) -> Scenario:
    """The scenario named in ``params`` with its dotted overrides applied.

    With ``params["posterior"]`` (a posterior file) the run's ``seed`` first draws the
    calibrated parameters from it (:meth:`ovopsim.posterior.Posterior.draw_for`: the
    same draw for every scenario run with that seed); explicit overrides win.

    The scenario returned may be shared with other runs of the same parameters (the
    replicates of a design point): it is not to be changed."""
    if "scenario" not in params:
        raise KeyError("params must name a 'scenario'")
    s = _scenario(str(params["scenario"]))
    overrides = {}
    if params.get("posterior"):
        if seed is None:
            raise ValueError("a posterior draw needs the run's seed")
        from .posterior import load_posterior_cached

        overrides.update(load_posterior_cached(str(params["posterior"])).draw_for(s, int(seed)))
    overrides.update({k: v for k, v in params.items() if "." in k})
    if not overrides:
        return s
    # the replicates of a design point (and a search's candidate) apply the same overrides,
    # in the same order (a later one may write what an earlier one did)
    try:
        key = (str(params["scenario"]), pickle.dumps(list(overrides.items())))
    except Exception:  # noqa: BLE001 - a value pickle cannot hold: derive it afresh
        key = None
    derived = _DERIVED.get(key)
    if derived is None:
        derived = s.with_overrides(overrides)
        if key is not None:
            _DERIVED.put(key, derived)
    return derived


#: scenarios recently derived by :func:`scenario_for`, by their base and their overrides in order
_DERIVED = RecentlyUsed(64)


def simulate_tables(params: dict, seed: int) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The monthly tables of a run and of its paired no-programme run (None without a programme).

    Runs of one world and seed share their warm-up, and runs that share a no-programme
    twin (the arms of a comparison, the candidates of a search) share its table
    (:data:`NO_PROGRAMME_RUNS`); neither changes a number."""
    res, twin = _run_and_twin(params, seed)
    return res.monthly, (NoProgrammeRuns.frame(twin) if twin is not None else None)


def _run_and_twin(params: dict, seed: int):
    """A run (:class:`ovopsim.simulation.RunResult`) and its twin's columns (or None)."""
    months = params.get("months")
    months = int(months) if months else None
    sc = scenario_for(params, seed)
    res = run(sc, seed=int(seed), months=months, share_warmup=True, scorecard=False)
    twin = NO_PROGRAMME_RUNS.columns(sc, int(seed), res.months) if has_programme(sc) else None
    return res, twin


class NoProgrammeRuns:
    """The monthly tables of recent paired no-programme runs, by their scenario, seed and
    horizon: every arm or candidate with the same world, seed and horizon has the same
    twin, run once per process."""

    def __init__(self, size: int = 64):
        self._tables = RecentlyUsed(size)
        self.runs = 0  # twins run (not found in the table)

    def columns(self, scenario: Scenario, seed: int, months: int) -> Mapping[str, np.ndarray]:
        """The twin's monthly table as its columns' arrays (read-only: shared)."""
        key = (no_programme_key(scenario), seed, months)
        table = self._tables.get(key)
        if table is None:
            table = run(no_programme(scenario), seed=seed, months=months, share_warmup=True, scorecard=False).columns
            for x in table.values():
                x.flags.writeable = False
            table = MappingProxyType(table)
            self.runs += 1
            self._tables.put(key, table)
        return table

    @staticmethod
    def frame(columns: Mapping[str, np.ndarray]) -> pd.DataFrame:
        """A twin's monthly table, a copy of its own."""
        return monthly_frame({c: x.copy() for c, x in columns.items()})

    def clear(self) -> None:
        self._tables.clear()


#: the process's paired no-programme runs (:func:`simulate_tables`)
NO_PROGRAMME_RUNS = NoProgrammeRuns()


def simulate(params: dict, seed: int) -> dict[str, float]:
    """The OVOP model as a function of parameters and a seed -> scalar outcomes."""
    res, twin = _run_and_twin(params, seed)
    return summarise(res.columns, twin)


def simulate_series(params: dict, seed: int) -> pd.DataFrame:
    """The monthly indicator table of one run (for outcomes over time)."""
    months = params.get("months")
    res = run(scenario_for(params, seed), seed=int(seed), months=int(months) if months else None,
              share_warmup=True, scorecard=False)
    return res.monthly.select_dtypes("number").drop(columns=["year", "calendar_month"])
