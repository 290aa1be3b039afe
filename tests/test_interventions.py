"""Each intervention moves its target in the intended direction against baseline
(common seeds: the same world and the same draws, only the intervention differs)."""

import numpy as np
import pytest

from ovopsim.config import load_scenario, scenario_from_dict
from ovopsim.simulation import run

SEEDS = (1, 2, 3)
MONTHS = 24


def world(interventions, **extra):
    data = load_scenario("baseline").model_dump(mode="python", exclude_none=True)
    data.pop("villages", None)
    data["government"]["annual_budget"] = 2e9
    data["interventions"] = interventions
    for k, v in extra.items():
        data[k] = {**data.get(k, {}), **v}
    return scenario_from_dict(data)


def arrays(scenario, seed):
    return run(scenario, seed=seed, months=MONTHS, keep_model=True).model


def paired(interventions, measure, **extra):
    """measure(model) with and without the interventions, per seed."""
    base = world([], **extra)
    treat = world(interventions, **extra)
    return (np.array([measure(arrays(base, s)) for s in SEEDS]),
            np.array([measure(arrays(treat, s)) for s in SEEDS]))


def mean_of(name):
    return lambda m: float(getattr(m.artisans, name)[m.artisans.active].mean())


@pytest.mark.parametrize("topic, practice", [("technical", "skill"), ("gmp", "gmp"), ("design", "design"),
                                             ("digital", "digital"), ("bookkeeping", "books")])
def test_training_raises_its_practice(topic, practice):
    b, t = paired([{"type": "training", "topic": topic, "every": 3, "intensity": 0.5}], mean_of(practice))
    assert (t > b + 0.01).all(), (b, t)


def test_mentoring_raises_practices():
    b, t = paired([{"type": "mentoring", "intensity": 0.3}], mean_of("gmp"))
    assert (t > b).all()


def test_grant_raises_cash():
    b, t = paired([{"type": "capital", "mode": "grant", "amount": 5e6, "every": 6, "intensity": 0.5}],
                  lambda m: float(m.artisans.cash.sum()))
    assert (t > b).all()


def test_soft_loans_reach_borrowers():
    b, t = paired([{"type": "capital", "mode": "loan", "amount": 5e6, "every": 12, "intensity": 0.5}],
                  lambda m: float(m.monthly()["ljmp_new_loans"].sum()), ljmp={"enabled": True})
    assert (t > b).all()


def test_equipment_aid_upgrades_tiers():
    b, t = paired([{"type": "equipment", "share": 0.9, "every": 6, "intensity": 0.5}], mean_of("tier"))
    assert (t > b).all()


def test_facility_improves_environment_score():
    b, t = paired([{"type": "facility", "cost": 1e8, "intensity": 1.0}],
                  lambda m: float(m.scorecard()["environment"].mean()))
    assert (t > b).all()


def test_exhibitions_widen_reach_and_bridge_villages():
    b, t = paired([{"type": "promotion", "every": 3, "intensity": 0.5}],
                  lambda m: float(m.ties.between[:m.ties.m].sum() + m.artisans.exposure.sum()))
    assert (t > b).all()


def test_brand_facilitation_registers_brands():
    b, t = paired([{"type": "brand", "every": 6, "intensity": 0.5, "min_quality": 0.0}], mean_of("brand"))
    assert (t > b).all()


def test_forum_raises_awareness():
    b, t = paired([{"type": "forum", "every": 3}], lambda m: float(m.villages.awareness.mean()))
    assert (t > b + 0.1).all()


def test_budget_cut_lowers_spending():
    prog = [{"type": "training", "name": "t", "every": 1, "intensity": 0.5}]
    base = world(prog, government={"annual_budget": 1e8})
    cut = world(prog + [{"type": "budget_cut", "start": 13, "share": 0.5}], government={"annual_budget": 1e8})
    for s in SEEDS:
        b = run(base, seed=s, months=MONTHS).monthly
        c = run(cut, seed=s, months=MONTHS).monthly
        assert c["budget_spent"].iloc[:12].sum() == pytest.approx(b["budget_spent"].iloc[:12].sum())
        assert c["budget_spent"].iloc[12:].sum() < 0.6 * b["budget_spent"].iloc[12:].sum()


def test_officer_turnover_loses_knowledge_and_a_plan_keeps_some():
    prog = [{"type": "officer_turnover", "months": [6, 12, 18]}]
    plan = [{**prog[0], "medium_term_plan": True}]
    b, t = paired(prog, lambda m: float(m.villages.knowledge.mean() + m.government.knowledge))
    _, p = paired(plan, lambda m: float(m.villages.knowledge.mean() + m.government.knowledge))
    assert (t < b).all() and (p > t).all() and (p < b).all()


def test_access_shock_widens_reach():
    b, t = paired([{"type": "access_shock", "start": 1, "demand": 1.0, "reach": 1.0}],
                  lambda m: float((m.artisans.reach >= 1).mean()))
    assert (t > b).all()
