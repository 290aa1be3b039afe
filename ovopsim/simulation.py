"""Running a scenario: one call from a validated scenario and a seed to result tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .config import Scenario, load_scenario
from .model import OVOPModel


@dataclass
class RunResult:
    """What one run produces.

    Attributes:
        monthly: one row per month of model-level indicators.
        scorecard: one row per village, OVOP assessment dimensions 0-100.
        agents: per-artisan monthly records (only when asked for).
        scenario, seed, months: what was run.
    """

    monthly: pd.DataFrame
    scorecard: pd.DataFrame
    scenario: Scenario
    seed: int
    months: int
    agents: pd.DataFrame | None = None
    model: OVOPModel | None = field(default=None, repr=False)


def run(scenario: Scenario | str | Path, seed: int | None = None, months: int | None = None, *,
        agents: bool = False, progress: bool = False, keep_model: bool = False,
        check_accounting: bool = True) -> RunResult:
    """Run a scenario for ``months`` months (default: the scenario's) with ``seed``
    (default: the scenario's)."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    seed = scenario.scenario.seed if seed is None else int(seed)
    months = months or scenario.scenario.months
    model = OVOPModel(scenario, rng=seed, months=months, record_agents=agents,
                      check_accounting=check_accounting)
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=months, desc=scenario.scenario.name, unit="month", leave=False)
    for _ in range(months):
        model.step()
        if bar is not None:
            bar.update()
    if bar is not None:
        bar.close()
    return RunResult(monthly=model.monthly(), scorecard=model.scorecard(), scenario=scenario,
                     seed=seed, months=months, agents=model.agents_frame() if agents else None,
                     model=model if keep_model else None)
