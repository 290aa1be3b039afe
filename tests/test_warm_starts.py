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


def _built(sc, seed=5):
    """The world :func:`ovopsim.world.build` makes of ``sc`` (not through the cache), as bytes."""
    import numpy as np

    from ovopsim import state, world

    w = world.build(sc, np.random.default_rng(seed), state.params(sc))
    return (w.artisans.data.tobytes(), w.fresh.tobytes(), w.ties.data.tobytes(), w.villages.data.tobytes(),
            w.clusters.data.tobytes(), w.products.data.tobytes(), tuple(w.village_names),
            tuple(w.product_names), w.surveyed.tobytes())


def _changed(sc, section: str, field: str):
    """``sc`` with ``section.field`` changed to another valid value (None if none is)."""
    from ovopsim.errors import InputError

    value = getattr(getattr(sc, section), field)
    if isinstance(value, bool):
        tries = [not value]
    elif isinstance(value, int):
        tries = [value + 1, value - 1]
    elif isinstance(value, float):
        tries = [value * 1.5 + 0.01, value * 0.5, value + 1.0, 0.5, 0.05]
    else:
        return None
    for v in tries:
        try:
            return sc.with_overrides({f"{section}.{field}": v})
        except (InputError, ValueError):
            continue
    return None


@pytest.mark.parametrize("name", ["rasau_jaya", "baseline", "singkawang_ljmp", "proppo_surveyed"])
def test_the_build_key_leaves_out_only_what_the_build_does_not_read(name):
    """Every field of the sections the build key leaves out (ovopsim.model.NOT_BUILT_FROM),
    changed alone, builds the same world to the byte; the programmes, the name and the
    horizon too. Fields of the sections it keeps do change the world (so the comparison
    can fail)."""
    from ovopsim.model import NOT_BUILT_FROM, build_key

    sc = load_scenario(name)
    ref = _built(sc)
    assert set(NOT_BUILT_FROM) == {"scenario", "trust", "money", "government", "interventions"}
    changed = 0
    for section in ("trust", "money", "government"):
        for field in type(getattr(sc, section)).model_fields:
            other = _changed(sc, section, field)
            assert other is not None, f"{section}.{field}: no other valid value tried"
            assert build_key(other, 5) == build_key(sc, 5)
            assert _built(other) == ref, f"{section}.{field} changes the world's build"
            changed += 1
    assert changed >= 35
    none = type(sc).model_validate({**sc.model_dump(), "interventions": []})
    for other in (none, sc.with_overrides({"scenario.months": 7, "scenario.name": "x"})):
        assert build_key(other, 5) == build_key(sc, 5) and _built(other) == ref
    # what the key keeps: the world's own fields, and parameters the build's first
    # quality and plan read (the learning weights, through the parameter record)
    for key in ("world.skill_mean", "learning.weight_skill", "production.overtime", "market.province_demand"):
        section, field = key.split(".")
        other = _changed(sc, section, field)
        assert build_key(other, 5) != build_key(sc, 5)
        if key != "production.overtime":  # overtime acts in festive months, not at the build
            assert _built(other) != ref, key
    assert build_key(sc, 6) != build_key(sc, 5)


def test_a_world_built_once_gives_every_run_of_its_seed_the_same_numbers():
    """Runs of one seed that differ in the trust rule build their world once
    (ovopsim.model.BUILT_WORLDS) and give the numbers each gives building its own."""
    from ovopsim.model import BUILT_WORLDS

    sc = load_scenario("rasau_jaya")
    variants = [sc.with_overrides({"trust.gain": g, "trust.partner_rate": r}) for g, r in ((0.05, 0.1), (0.15, 0.03))]
    alone = []
    for v in variants:
        BUILT_WORLDS.clear()
        alone.append(run(v, seed=9, months=24).monthly)
    BUILT_WORLDS.clear()
    hits = BUILT_WORLDS.hits
    shared = [run(v, seed=9, months=24).monthly for v in variants]
    assert BUILT_WORLDS.hits - hits == 1
    for a, b in zip(alone, shared, strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert not alone[0]["income_mean"].equals(alone[1]["income_mean"])  # the variants differ
    # the cached world is copied, not handed over: a third run still gets it as built
    third = run(variants[0], seed=9, months=24).monthly
    pd.testing.assert_frame_equal(third, alone[0], check_exact=True)
