"""Running a scenario: one call from a validated scenario and a seed to result tables.

Growth is read two ways (ODD 8): against the warm-up year before month 1 (the
columns ``income_pre``, ``jobs_pre`` of the monthly table) and against a
**paired no-programme run**: the same world and seed with the programmes, budget
cuts and officer turnover removed and no LJMP (:func:`no_programme`; exogenous
access shocks stay), so the difference is the programme's, decision by decision
(common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from .config import PROGRAMME_TYPES, Scenario, load_scenario
from .indicators import MonthlyRecords
from .model import OVOPModel

_PROGRAMME_TYPES = {c.model_fields["type"].default for c in PROGRAMME_TYPES} | {"budget_cut",
                                                                               "officer_turnover"}


@dataclass
class RunResult:
    """What one run produces.

    Attributes:
        monthly: one row per month of model-level indicators (built when first read).
        columns: the same table's columns as arrays, by name (cheaper when only some
            columns are wanted, e.g. for :func:`ovopsim.outcomes.summarise`).
        scorecard: one row per village, OVOP assessment dimensions 0-100 (None when
            not asked for).
        agents: per-artisan monthly records (only when asked for).
        scenario, seed, months: what was run.
    """

    records: MonthlyRecords = field(repr=False, compare=False)
    scorecard: pd.DataFrame | None
    scenario: Scenario
    seed: int
    months: int
    agents: pd.DataFrame | None = None
    model: OVOPModel | None = field(default=None, repr=False)

    @cached_property
    def monthly(self) -> pd.DataFrame:
        return self.records.frame()

    @cached_property
    def columns(self) -> dict[str, np.ndarray]:
        return self.records.columns()


def run(scenario: Scenario | str | Path, seed: int | None = None, months: int | None = None, *,
        agents: bool = False, progress: bool = False, keep_model: bool = False,
        check_accounting: bool = True, share_warmup: bool = False, scorecard: bool = True) -> RunResult:
    """Run a scenario for ``months`` months (default: the scenario's) with ``seed``
    (default: the scenario's); ``share_warmup``: see :class:`ovopsim.model.OVOPModel`;
    ``scorecard=False`` leaves the scorecard out (None) when only the monthly table is
    wanted."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    seed = scenario.scenario.seed if seed is None else int(seed)
    months = months or scenario.scenario.months
    model = OVOPModel(scenario, rng=seed, months=months, record_agents=agents,
                      check_accounting=check_accounting, share_warmup=share_warmup)
    if progress:
        from tqdm.auto import tqdm
        with tqdm(total=months, desc=scenario.scenario.name, unit="month", leave=False) as bar:
            for _ in range(months):
                model.step()
                bar.update()
    else:
        model.run_months(months)  # as Mesa's run_for, without an event a month
    # a kept model may step on: the result keeps the months of this run
    records = model.records.snapshot() if keep_model else model.records
    return RunResult(records=records, scorecard=model.scorecard() if scorecard else None,
                     scenario=scenario,
                     seed=seed, months=months, agents=model.agents_frame() if agents else None,
                     model=model if keep_model else None)


def has_programme(scenario: Scenario) -> bool:
    """Whether the scenario runs any programme (or an LJMP): what a paired run removes."""
    return scenario.ljmp.enabled or any(iv.type in _PROGRAMME_TYPES for iv in scenario.interventions)


def no_programme(scenario: Scenario) -> Scenario:
    """The same world with no programme: no programmes, budget cuts, officer turnover or
    LJMP, no budget; access shocks (roads, airports) stay."""
    data = scenario.model_dump(mode="python")
    data["interventions"] = [iv for iv in data["interventions"] if iv["type"] not in _PROGRAMME_TYPES]
    data["ljmp"]["enabled"] = False
    data["government"]["annual_budget"] = 0.0
    return scenario.model_validate(data)


def no_programme_key(scenario: Scenario) -> str:
    """What a scenario's no-programme twin (:func:`no_programme`) depends on, without
    building it: the scenario but its name and description, its programmes, whether
    it has an LJMP and its budget. Scenarios with equal keys have the same twin."""
    programmes = {i for i, iv in enumerate(scenario.interventions) if iv.type in _PROGRAMME_TYPES}
    return scenario.model_dump_json(exclude={"scenario": {"name", "description"}, "interventions": programmes,
                                             "ljmp": {"enabled"}, "government": {"annual_budget"}})


def run_paired(scenario: Scenario, seed: int | None = None, months: int | None = None,
               **kwargs) -> tuple[RunResult, RunResult | None]:
    """The run and its paired no-programme run (None when there is no programme)."""
    res = run(scenario, seed=seed, months=months, **kwargs)
    if not has_programme(res.scenario):
        return res, None
    kwargs.pop("agents", None)
    return res, run(no_programme(res.scenario), seed=res.seed, months=res.months, **kwargs)


def ensure_compiled(stream=None) -> bool:
    """Compile the mechanisms' kernels now, or load them from the disk cache: two months
    of the default scenario. Returns whether they had to be compiled; with ``stream``,
    says so there first (the first run on a machine waits a while for it).

    Called by the commands before they run the model, so that a first run says why it
    is slow, and worker processes forked afterwards start with the kernels loaded."""
    fresh = not _cache_index_exists()
    if fresh and stream is not None:
        print("ovopsim: compiling the model for this machine (the first run only; "
              "about a minute)", file=stream, flush=True)
    model = OVOPModel(load_scenario("rasau_jaya"), rng=0, months=2)
    for _ in range(2):
        model.step()
    model.monthly()
    model.scorecard()
    return fresh


def _cache_index_exists() -> bool:
    """Whether Numba's disk cache holds the month's kernels for the current source (the
    compiled month, which holds the mechanisms' kernels it calls)."""
    from . import months

    try:
        return bool(months.after_government._cache._cache_file._load_index())
    except Exception:  # noqa: BLE001 - Numba internals changed: do not guess, say cached
        return True

