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


@pytest.mark.parametrize("name", ["rasau_jaya", "proppo_surveyed", "singkawang_ljmp"])
def test_a_warm_start_skips_the_build_and_leaves_the_model_as_built(name):
    """A model started from a warm start (its world not built again) holds the same
    records, names, households as drawn and random generator state as one that built
    and warmed up its own world."""
    from ovopsim.model import OVOPModel

    sc = load_scenario(name)
    alone = OVOPModel(sc, rng=5, months=12)
    WARM_STARTS.clear()
    OVOPModel(sc, rng=5, months=12, share_warmup=True)
    hits = WARM_STARTS.hits
    shared = OVOPModel(sc, rng=5, months=12, share_warmup=True)
    assert WARM_STARTS.hits - hits == 1
    for table in ("artisans", "villages", "clusters", "products"):
        assert getattr(shared, table).data.tobytes() == getattr(alone, table).data.tobytes(), table
    assert shared.ties.used.tobytes() == alone.ties.used.tobytes()
    assert shared._fresh.tobytes() == alone._fresh.tobytes()
    assert (shared.village_names, shared.product_names) == (alone.village_names, alone.product_names)
    assert shared.rng.bit_generator.state == alone.rng.bit_generator.state
    assert shared.key == alone.key and shared.month == alone.month
    # the shared state is copied, not handed over: a run changes none of it
    shared.artisans.cash[:] = -1.0
    again = OVOPModel(sc, rng=5, months=12, share_warmup=True)
    assert again.artisans.data.tobytes() == alone.artisans.data.tobytes()


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


def test_scenarios_with_one_no_programme_key_have_one_twin():
    from ovopsim.simulation import no_programme_key

    sc = load_scenario("blitar_batik")
    other = sc.with_overrides({"government.annual_budget": 1e9, "interventions.training.intensity": 0.9})
    assert no_programme_key(other) == no_programme_key(sc)
    assert no_programme(other) == no_programme(sc)
    changed = sc.with_overrides({"trust.gain": sc.trust.gain * 2})
    assert no_programme_key(changed) != no_programme_key(sc) and no_programme(changed) != no_programme(sc)
    # an access shock (exogenous) stays in the twin, so it is part of the key
    airport = load_scenario("singkawang_ljmp")
    shock = next(iv for iv in airport.interventions if iv.type == "access_shock")
    later = airport.with_overrides({f"interventions.{shock.name or shock.type}.start": shock.start + 6})
    assert no_programme_key(later) != no_programme_key(airport)
    assert no_programme(later) != no_programme(airport)
    for name in SCENARIOS:
        s = load_scenario(name)
        assert no_programme_key(no_programme(s)) == no_programme_key(s), name
