"""What the benchmarks run: the scaled OVOP world, Mesa's BoltzmannWealth, the
1,000-run design and a Mesa-``batch_run`` wrapper around the OVOP model.

Everything here is importable by worker processes (``spawn`` re-imports it), so
it holds no state that is not rebuilt the same way on import.
"""

from __future__ import annotations

import math
from functools import lru_cache

import mesa
import numpy as np

from ovopsim.config import Scenario, load_scenario
from ovopsim.model import OVOPModel
from ovopsim.outcomes import OUTCOMES, scenario_for, summarise
from ovopsim.simulation import run

DEFAULT = "rasau_jaya"
MONTHS = 120

# the throughput design: a Latin hypercube over two behavioural parameters of the
# default scenario, 120 months (what a Sobol or sweep run of the default looks like)
# (plain names: the runner's ``Design.run_params`` loses dotted column names, so the
# model function below maps them to the scenario keys)
DESIGN_BOUNDS = {"trust_gain": (0.02, 0.2), "partner_rate": (0.02, 0.2)}
DESIGN_KEYS = {"trust_gain": "trust.gain", "partner_rate": "trust.partner_rate"}


# the ties benchmark varies network.within_degree; rasau_jaya's villages have 3 to 15
# artisans, which caps the degree, so it uses the generated world of villages of 30
EDGES_SCENARIO = "baseline"


@lru_cache(maxsize=8)
def scaled(artisans: int, within_degree: int | None = None, scenario: str = DEFAULT) -> Scenario:
    """``scenario`` replicated to about ``artisans`` (whole copies)."""
    base = load_scenario(scenario)
    k = max(1, round(artisans / base.n_artisans))
    over = {"world.scale": k}
    if within_degree is not None:
        over["network.within_degree"] = within_degree
    return base.with_overrides(over)


def build_ovop(artisans: int, seed: int = 1, within_degree: int | None = None,
               months: int = MONTHS, scenario: str = DEFAULT) -> OVOPModel:
    return OVOPModel(scaled(artisans, within_degree, scenario), rng=seed, months=months)


def warm() -> None:
    """Load the model's compiled kernels (a two-month run of the default scenario)."""
    model = build_ovop(50, months=2)
    for _ in range(2):
        model.step()
    model.monthly()
    model.scorecard()


def boltzmann_side(n: int) -> int:
    """Grid side for ``n`` agents at the example's own density (100 agents on 10 x 10:
    one agent per cell)."""
    return max(1, round(math.sqrt(n)))


def build_boltzmann(n: int, seed: int = 1):
    from mesa.examples.basic.boltzmann_wealth_model.model import (
        BoltzmannScenario,
        BoltzmannWealth,
    )

    side = boltzmann_side(n)
    return BoltzmannWealth(BoltzmannScenario(n=n, width=side, height=side, rng=seed))


@lru_cache(maxsize=4)
def design(n_runs: int):
    from ovopsim.experiments import latin_hypercube

    return latin_hypercube(DESIGN_BOUNDS, n_runs, seed=2024,
                           fixed={"scenario": DEFAULT, "months": MONTHS})


def design_params(params: dict) -> dict:
    """A design row as ``ovopsim.outcomes`` parameters (scenario keys)."""
    return {DESIGN_KEYS.get(k, k): v for k, v in params.items()}


def simulate_design(params: dict, seed: int) -> dict[str, float]:
    """The runner's model function: one run of a design row and its outcomes (the same
    work as :class:`DesignModel`: no paired no-programme run, which ``simulate`` adds)."""
    p = design_params(params)
    return summarise(run(scenario_for(p), seed=int(seed), months=int(p["months"]), scorecard=False).columns)


# the search design (issue 12): what a policy search evaluates, candidate programme mixes
# of the default scenario (three programmes' intensities) each over common replicate
# seeds, each evaluation a run and its paired no-programme run (``ovopsim.outcomes.simulate``)
SEARCH_BOUNDS = {"training": (0.1, 0.9), "mentoring": (0.1, 0.9), "exhibitions": (0.1, 0.9)}
SEARCH_KEYS = {"training": "interventions.gmp_training.intensity",
               "mentoring": "interventions.expert_mentoring.intensity",
               "exhibitions": "interventions.exhibitions.intensity"}
SEARCH_REPLICATES = 4


@lru_cache(maxsize=4)
def search_design(n_runs: int):
    from ovopsim.experiments import latin_hypercube

    return latin_hypercube(SEARCH_BOUNDS, max(1, n_runs // SEARCH_REPLICATES), seed=2025,
                           replicates=SEARCH_REPLICATES, fixed={"scenario": DEFAULT, "months": MONTHS})


def simulate_search(params: dict, seed: int) -> dict[str, float]:
    """One evaluation of the search design as the runner makes it: the run and its
    paired no-programme run, sharing warm-ups and twins with earlier evaluations in
    the process (``ovopsim.model.WarmStarts``, ``ovopsim.outcomes.NoProgrammeRuns``)."""
    from ovopsim.outcomes import simulate

    return simulate({SEARCH_KEYS.get(k, k): v for k, v in params.items()}, int(seed))


def simulate_search_alone(params: dict, seed: int) -> dict[str, float]:
    """The same evaluation sharing nothing: its own warm-ups and its own twin."""
    from ovopsim.model import WARM_STARTS
    from ovopsim.outcomes import NO_PROGRAMME_RUNS

    WARM_STARTS.clear()
    NO_PROGRAMME_RUNS.clear()
    return simulate_search(params, seed)


class DesignModel(OVOPModel):
    """Run ``run_id`` of the throughput design as a Mesa model, for ``mesa.batch_run``.

    The same parameters and seed as the runner's run ``run_id``; the same scalar
    outcomes, reported through a Mesa ``DataCollector`` at the last month."""

    def __init__(self, run_id: int, n_runs: int = 1000, rng=None):
        rid, seed, params = design(n_runs).run_params()[run_id]
        assert rid == run_id
        super().__init__(scenario_for(design_params(params)), rng=seed, months=int(params["months"]))
        self.outcomes: dict[str, float] = {}
        self.datacollector = mesa.DataCollector(
            model_reporters={name: _reporter(name) for name in OUTCOMES})

    def step(self) -> None:
        super().step()
        if not self.running:
            self.outcomes = summarise(self.monthly())
            self.datacollector.collect(self)


def _reporter(name: str):
    return lambda model: model.outcomes[name]


def fit_exponent(x, y) -> float:
    """Slope of log(y) on log(x) (least squares)."""
    return float(np.polyfit(np.log(np.asarray(x, float)), np.log(np.asarray(y, float)), 1)[0])
