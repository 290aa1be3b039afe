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


def test_an_access_shock_s_extra_demand_sells_outside_the_province():
    """The shock's demand, with its reach held, drives what is sold in the outer tiers:
    the buyers it brings (not only a demand that seldom binds), common seeds."""
    def outside(demand):
        sc = load_scenario("singkawang_ljmp").with_overrides({"interventions.airport.demand": demand})
        return np.array([float(np.mean(c["share_national"][-12:] + c["share_export"][-12:]))
                         for c in (run(sc, seed=s, months=48, scorecard=False).columns for s in SEEDS)])

    none, some, more = outside(0.0), outside(0.5), outside(2.0)
    assert (some > none + 0.05).all() and (more > some + 0.05).all()


@pytest.mark.parametrize("spec", [
    {"type": "training", "topic": "gmp", "intensity": 0.5, "target": {"order": "lowest_skill"}},
    {"type": "mentoring", "intensity": 0.35, "target": {"members_only": True, "order": "highest_skill"}},
    {"type": "capital", "mode": "grant", "amount": 3e6, "intensity": 0.6},
    {"type": "capital", "mode": "loan", "amount": 5e6, "intensity": 0.45},
    {"type": "equipment", "share": 0.6, "intensity": 0.7},
    {"type": "brand", "min_quality": 0.5, "intensity": 0.55},
    {"type": "promotion", "intensity": 0.25, "target": {"order": "random"}},
])
def test_an_offer_is_the_targeting_rule(spec):
    """A round's offer (compiled) against the rule written with numpy: who is eligible
    (active, targeted, in need of what the programme gives, a member when it asks),
    how many (intensity of them, rounded half to even), in what order, at what cost."""
    from ovopsim.mechanisms import government
    from ovopsim.model import OVOPModel

    sc = world([{**spec, "start": 1}], ljmp={"enabled": True})
    model = OVOPModel(sc, rng=4, months=12)
    rng = np.random.default_rng(9)
    a = model.artisans
    for trial in range(12):
        model.month = 1 + trial
        n = a.n
        a.active = rng.random(n) < 0.8
        a.debt = np.where(rng.random(n) < 0.3, rng.uniform(1, 1e6, n), 0.0)
        a.barred = rng.random(n) < 0.2
        a.tier = rng.integers(0, 3, n)
        a.cash = rng.uniform(0, 3e7, n)
        a.brand = rng.random(n) < 0.3
        a.quality = rng.random(n)
        a.member = rng.random(n) < 0.5
        a.skill = rng.random(n)
        prog = model.programmes[0]
        s = prog.spec
        eq = model.par[0]["production_equipment_cost"]
        need = {"capital": (a.debt <= 0) & ~a.barred if spec.get("mode") == "loan" else True,
                "equipment": (a.tier < 2) & (a.cash >= (1 - getattr(s, "share", 0)) * eq[np.minimum(a.tier + 1, 2)]),
                "brand": ~a.brand & (a.quality >= getattr(s, "min_quality", 0))}.get(s.type, True)
        ok = a.active & prog.targeted & need & (a.member if s.target.members_only else True)
        idx = ok.nonzero()[0]
        k = int(round(s.intensity * len(idx)))
        order = government.targeting_order(idx, a.skill, government.TARGET_ORDERS.index(s.target.order),
                                           model.key, model.month, prog.number)[:k]
        cost = (s.share * eq[np.minimum(a.tier[order] + 1, 2)] if s.type == "equipment"
                else np.full(k, s.amount + s.cost if s.type == "capital" else float(s.cost)))
        got, got_cost = prog.offer(model)
        assert got.tolist() == order.tolist()
        assert got_cost.tobytes() == cost.tobytes()
        planned = cost if s.type != "equipment" else s.share * eq[np.minimum(a.tier[idx[:k]] + 1, 2)]
        assert prog.planned(model) == float(planned.sum())
        assert 0 < k < len(idx)  # some offered, not all


def test_rounds_in_counts_the_rounds_in_a_span():
    # Programme.rounds_in counts by arithmetic what len(Programme.rounds(...)) counts
    import itertools
    import types

    from ovopsim.interventions import Programme

    class Plain(Programme):
        def __init__(self, start, every, end):  # no model: only the round calendar
            self.spec = types.SimpleNamespace(start=start, every=every)
            self.end = end

    checked = 0
    for start, every, end in itertools.product(range(0, 8), (1, 2, 3, 6, 12), (0, 5, 13, 24, 10**9)):
        p = Plain(start, every, end)
        for first, last in itertools.product(range(-3, 30, 2), range(-3, 40, 3)):
            assert p.rounds_in(first, last) == len(p.rounds(first, last)), (start, every, end, first, last)
            checked += 1
    assert checked > 10_000
    assert Plain(6, 6, 24).rounds_in(1, 12) == 2 and Plain(6, 6, 24).rounds_in(13, 24) == 2
