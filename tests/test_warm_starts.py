"""Runs that share a warm-up or a paired no-programme run give the numbers they would
give alone (ovopsim.model.WarmStarts, ovopsim.outcomes.NoProgrammeRuns)."""

from pathlib import Path

import pandas as pd
import pytest

from ovopsim import outcomes
from ovopsim.config import load_scenario
from ovopsim.model import WARM_STARTS, warm_key
from ovopsim.simulation import no_programme, run

SCENARIOS = sorted(p.stem for p in (Path(__file__).resolve().parents[1] / "scenarios").glob("*.toml"))


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_run_started_from_another_runs_warm_up_is_identical(name):
    sc = load_scenario(name)
    alone = run(sc, seed=7, months=24)
    WARM_STARTS.clear()
    hits = WARM_STARTS.hits
    # its no-programme twin warms up first; the run starts from that warm-up when the
    # world is the same (an LJMP is part of the world before month 1, so not there)
    run(no_programme(sc), seed=7, months=24, share_warmup=True)
    shared = run(sc, seed=7, months=24, share_warmup=True)
    same_world = warm_key(sc, 7) == warm_key(no_programme(sc), 7)
    assert WARM_STARTS.hits - hits == (1 if same_world else 0)
    pd.testing.assert_frame_equal(shared.monthly, alone.monthly, check_exact=True)
    pd.testing.assert_frame_equal(shared.scorecard, alone.scorecard, check_exact=True)


def test_the_warm_key_ignores_what_acts_only_from_month_1():
    sc = load_scenario("blitar_batik")
    key = warm_key(sc, 3)
    assert warm_key(sc.with_overrides({"government.annual_budget": 1e9,
                                       "interventions.training.intensity": 0.9}), 3) == key
    assert warm_key(sc.with_overrides({"trust.gain": sc.trust.gain * 2}), 3) != key
    assert warm_key(sc, 4) != key


def test_arms_share_one_paired_run_and_keep_their_numbers():
    params = [{"scenario": "blitar_batik", "months": 24, "interventions.training.intensity": x}
              for x in (0.2, 0.5, 0.8)]
    fresh = []
    for p in params:
        sc = outcomes.scenario_for(p)
        res = run(sc, seed=5, months=24)
        twin = run(no_programme(sc), seed=5, months=24)
        fresh.append(outcomes.summarise(res.monthly, twin.monthly))
    outcomes.NO_PROGRAMME_RUNS.clear()
    before = outcomes.NO_PROGRAMME_RUNS.runs
    shared = [outcomes.simulate(p, 5) for p in params]
    assert outcomes.NO_PROGRAMME_RUNS.runs - before == 1
    assert shared == fresh
    # the gains are against the twin, and differ between the arms
    assert len({round(o["income_gain"], 12) for o in shared}) == 3


def test_warm_starts_keep_the_most_recent_within_their_size_and_memory():
    import numpy as np

    from ovopsim.model import WarmStarts

    def state(kib):
        return {"artisans": np.zeros(kib * 128), "pre": (0.0, 0.0)}

    cache = WarmStarts(size=2, max_bytes=64 * 1024)
    cache.put("a", state(4))
    cache.put("b", state(4))
    cache.get("a")  # a is now the most recent
    cache.put("c", state(4))
    assert cache.get("b") is None and cache.get("a") is not None and cache.get("c") is not None
    cache.put("big", state(32))  # more than a quarter of the memory: not kept
    assert cache.get("big") is None
    wide = WarmStarts(size=10, max_bytes=64 * 1024)
    for k in "abcde":
        wide.put(k, state(16))  # four fit in 64 KiB
    assert wide.get("a") is None and all(wide.get(k) is not None for k in "bcde")
