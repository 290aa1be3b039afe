"""Budget, cuts, officers, turnover and plans (ovopsim/mechanisms/government.py)."""

import numpy as np
import pytest

from ovopsim.model import OVOPModel

from .helpers import last_year, outcome, scenario


def test_a_budget_too_small_shrinks_every_envelope_in_proportion():
    model = OVOPModel(scenario("bangka_tengah"), rng=1, months=12)
    gov = model.government
    appropriated, lapsed = gov.open_fiscal_year({"a": 300.0, "b": 100.0})
    assert lapsed == 0.0
    share = gov.annual_budget / 400.0
    assert gov.envelopes == pytest.approx({"a": 300.0 * min(share, 1), "b": 100.0 * min(share, 1)})


def test_a_cut_withdraws_its_share_and_applies_next_year():
    model = OVOPModel(scenario("blitar_batik"), rng=1, months=12)
    gov = model.government
    gov.open_fiscal_year({"training": 400e6, "forum": 100e6})
    removed = gov.cut(0.5, ["training"])
    assert removed == pytest.approx(gov.envelopes["training"])
    appropriated, _ = gov.open_fiscal_year({"training": 400e6, "forum": 100e6})
    assert gov.envelopes["training"] == pytest.approx(200e6 * appropriated / 300e6 if appropriated < 300e6
                                                      else 200e6)


def test_a_cut_under_a_binding_budget_is_not_spread_over_the_programmes_left():
    """Plans of Rp 1 bn against Rp 600 million: every envelope gets 60% of its plan.
    Half of training cut: training's envelope halves, the forum's stays where it
    was, and the withdrawn money leaves the year's budget."""
    model = OVOPModel(scenario("blitar_batik"), rng=1, months=12)
    gov = model.government
    plans = {"training": 800e6, "forum": 200e6}
    gov.open_fiscal_year(plans)
    before = dict(gov.envelopes)
    assert before == pytest.approx({"training": 480e6, "forum": 120e6})
    gov.cut(0.5, ["training"])
    appropriated, _ = gov.open_fiscal_year(plans)
    assert gov.envelopes == pytest.approx({"training": 240e6, "forum": 120e6})
    assert appropriated == pytest.approx(360e6) and gov.balance == pytest.approx(360e6)


def test_turnover_without_a_plan_loses_knowledge_and_the_schedule():
    model = OVOPModel(scenario("blitar_batik"), rng=1, months=12)
    gov = model.government
    gov.replace_officer(1, month=10)
    assert gov.officers[1] == pytest.approx(gov.newcomer)
    # paused from the month of the change for replan_months (3) months
    assert not gov.running(1, 10) and not gov.running(1, 12) and gov.running(1, 13) and gov.running(0, 11)


def test_a_plan_keeps_the_schedule_and_what_was_written():
    model = OVOPModel(scenario("blitar_turnover_plan"), rng=1, months=12)
    gov = model.government
    assert gov.plan
    gov.officers[:] = 0.9
    gov.open_fiscal_year({})
    gov.replace_officer(2, month=10)
    assert gov.officers[2] == pytest.approx(max(gov.newcomer, gov.documented * 0.9))
    assert gov.running(2, 11)


def test_turnover_and_a_plan_act_through_what_is_lost():
    """More turnover, less income; a plan recovers part of the loss, not all; with a
    plan that documents nothing and no schedule to lose (replan 0), the plan does nothing."""
    inc = last_year("income_mean")
    seeds = (1, 2, 3, 4)
    none = outcome(scenario("blitar_batik"), inc, 60, seeds)
    churn = outcome(scenario("blitar_turnover", {"interventions.officer_turnover.rate": 4.0}), inc, 60, seeds)
    plan = outcome(scenario("blitar_turnover_plan", {"interventions.officer_turnover.rate": 4.0}), inc, 60, seeds)
    assert (churn < none).all()
    assert (plan > churn).all()  # the plan recovers some of the loss under every seed ...
    recovered = (plan.mean() - churn.mean()) / (none.mean() - churn.mean())
    assert 0.0 < recovered < 0.5, recovered  # ... but not most of it (about a tenth)
    empty = {"interventions.officer_turnover.rate": 4.0, "government.plan_documented": 0.0,
             "government.replan_months": 0}
    a = outcome(scenario("blitar_turnover", empty), inc, 60, seeds)
    b = outcome(scenario("blitar_turnover_plan", empty), inc, 60, seeds)
    assert np.allclose(a, b)


@pytest.mark.parametrize("order", ["random", "lowest_skill", "highest_skill"])
def test_seats_are_offered_in_the_targeting_order(order):
    """By skill (lowest or highest first), equal skills in random order; or at random:
    each artisan's draw for the programme and month, the same on every call."""
    from ovopsim.mechanisms import government
    from ovopsim.mechanisms.random import TARGET_ORDER, uniform_np

    rng = np.random.default_rng(4)
    skill = np.round(rng.random(300), 1)  # many equal skills
    idx = np.sort(rng.choice(300, 120, replace=False))
    got = government.targeting_order(idx, skill, government.TARGET_ORDERS.index(order), 99, 7, 3)
    draw = uniform_np(99, TARGET_ORDER, 7, idx, 3)
    level = {"random": np.zeros(len(idx)), "lowest_skill": skill[idx], "highest_skill": -skill[idx]}[order]
    assert np.array_equal(got, idx[np.lexsort((draw, level))])
    assert sorted(got) == list(idx)
    if order == "lowest_skill":
        assert (np.diff(skill[got]) >= 0).all()
    if order == "highest_skill":
        assert (np.diff(skill[got]) <= 0).all()
