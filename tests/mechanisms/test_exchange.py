"""Business along ties, returning favours and the trust rule (ovopsim/mechanisms/exchange.py).

The rules on hand-made records, then their causal role with common seeds: trust and
reciprocity norms drive partnerships and income in the Proppo world."""

import numpy as np
import pytest

from ovopsim import state
from ovopsim.config import Scenario
from ovopsim.mechanisms import exchange

from .helpers import final, last_year, outcome, scenario


def params(**over):
    sc = Scenario().with_overrides({f"trust.{k}": v for k, v in over.items()})
    return state.params(sc), sc


def two_artisans(cash=1e6, norm=0.8):
    a = state.artisans(2)
    a.active = True
    a.cash = cash
    a.norm = norm
    return a


def one_tie(trust=0.5, between=False):
    t = state.Ties(4)
    t.data[0]["u"], t.data[0]["v"] = 0, 1
    t.data[0]["trust_uv"] = t.data[0]["trust_vu"] = trust
    t.data[0]["between"] = between
    t.data[0]["last_used"] = -100
    t.m = 1
    return t


def settle(a, t, par, month=5, within=0.5, between=0.3):
    flows = np.zeros(len(a), state.FLOW)
    events = np.zeros(1, state.EVENTS)
    ptr, nbr, edge = exchange.adjacency(t.data, t.m, len(a))
    exchange.settle(a.data, t.data, t.m, ptr, nbr, edge, flows, events, par, 99, month, within, between)
    return flows, events


def test_good_and_bad_experiences_move_the_trust_of_who_had_them():
    par, sc = params(gain=0.2, loss=0.5, neglect=0.0)
    a, t = two_artisans(), one_tie(0.5)
    t.data[0]["good"][0] = 1   # u had a good experience with v
    t.data[0]["bad"][1] = 1    # v had a bad one with u
    settle(a, t, par)
    assert t.data[0]["trust_uv"] == pytest.approx(0.5 + 0.2 * 0.5)
    assert t.data[0]["trust_vu"] == pytest.approx(0.5 - 0.5 * 0.5)


def test_an_unused_tie_drifts_to_its_baseline():
    par, _ = params(neglect=0.1)
    a = two_artisans()
    for between, base in ((False, 0.5), (True, 0.3)):
        t = one_tie(0.9, between)
        for month in range(1, 200):
            settle(a, t, par, month)
        assert t.data[0]["trust_uv"] == pytest.approx(base, abs=1e-6)
    t = one_tie(0.9)
    settle(a, t, params(neglect=0.0)[0])
    assert t.data[0]["trust_uv"] == 0.9  # no neglect, no drift


def test_returning_a_favour_is_a_decision_of_norm_trust_and_means():
    par, _ = params(norm_weight=0.5, temptation=0.5)
    p = par[0]
    u = np.linspace(0, 1, 10_001)[:-1]

    def share(norm, trust, able=True):
        return np.mean([exchange.honours(norm, trust, able, x, p) for x in u])

    assert share(1.0, 0.0) == 1.0                       # a norm of 1 always returns it
    assert share(0.0, 0.0) == pytest.approx(0.5, abs=1e-3)  # no norm, no trust: temptation decides
    assert share(0.6, 0.9) > share(0.6, 0.1) > share(0.2, 0.1)  # more trust, more norm: more often
    assert share(1.0, 1.0, able=False) == 0.0           # never what one cannot afford


def test_a_debt_paid_moves_money_and_trust_a_debt_refused_only_trust():
    par, _ = params(gain=0.1, loss=0.3, neglect=0.0, temptation=0.0)
    a, t = two_artisans(), one_tie(0.5)
    t.data[0]["owe_com"][0] = 1000.0   # u owes v a commission
    t.data[0]["last_used"] = 5
    flows, events = settle(a, t, par)
    assert flows["com_out"][0] == 1000.0 and flows["com_in"][1] == 1000.0
    assert events[0]["favours_returned"] == 1
    assert t.data[0]["trust_vu"] == pytest.approx(0.55)  # v's trust in u rose
    a2, t2 = two_artisans(cash=0.0), one_tie(0.5)          # u cannot afford it
    t2.data[0]["owe_com"][0] = 1000.0
    t2.data[0]["last_used"] = 5
    flows, events = settle(a2, t2, par)
    assert flows["com_out"].sum() == 0.0 and events[0]["favours_returned"] == 0
    assert t2.data[0]["trust_vu"] == pytest.approx(0.35)


def test_what_partners_say_travels():
    """x is let down by y: x's partner k, also tied to y, trusts y less."""
    par, _ = params(loss=0.4, gossip=0.5, neglect=0.0)
    a = state.artisans(3)
    a.active = True
    t = state.Ties(8)
    for j, (u, v, partner) in enumerate(((0, 1, False), (0, 2, True), (1, 2, False))):
        t.data[j]["u"], t.data[j]["v"], t.data[j]["partner"] = u, v, partner
        t.data[j]["trust_uv"] = t.data[j]["trust_vu"] = 0.8
    t.m = 3
    t.data[0]["bad"][0] = 1  # artisan 0 (x) had a bad experience with 1 (y)
    _, events = settle(a, t, par)
    k_in_y = t.data[2]["trust_vu"]  # tie (1, 2): side 1 is artisan 2's trust in artisan 1
    assert k_in_y == pytest.approx(0.8 - 0.5 * 0.8 * 0.4 * 0.8)
    assert events[0]["gossip"] == 1
    par0, _ = params(loss=0.4, gossip=0.0, neglect=0.0)
    t.data[0]["bad"][0] = 1
    t.data[2]["trust_vu"] = 0.8
    settle(a, t, par0)
    assert t.data[2]["trust_vu"] == 0.8


PROPPO_MONTHS = 60


def test_frozen_trust_lowers_partnerships_between_villages_and_income():
    """Trust that cannot grow (gain 0): fewer partnerships across villages and lower
    incomes in the Proppo world, seed by seed (common seeds)."""
    base = scenario("proppo_batik")
    frozen = scenario("proppo_batik", {"trust.gain": 0.0})
    between = final("partnerships_between")
    b0, b1 = outcome(base, between, PROPPO_MONTHS), outcome(frozen, between, PROPPO_MONTHS)
    assert (b1 < 0.5 * b0).all(), (b0, b1)
    inc = last_year("income_mean")
    i0, i1 = outcome(base, inc, PROPPO_MONTHS), outcome(frozen, inc, PROPPO_MONTHS)
    assert (i1 < i0).mean() >= 0.8 and i1.mean() < 0.95 * i0.mean(), (i0, i1)


def test_weaker_reciprocity_norms_lower_partnerships_and_income():
    base = scenario("proppo_batik")
    weak = scenario("proppo_batik", {"world.norm_mean": 0.3})
    pships = lambda m: float(m["partnerships_within"].iloc[-1] + m["partnerships_between"].iloc[-1])  # noqa: E731
    p0, p1 = outcome(base, pships, PROPPO_MONTHS), outcome(weak, pships, PROPPO_MONTHS)
    assert (p1 < p0).all(), (p0, p1)
    returned = lambda m: float(m["favours_returned_share"].mean())  # noqa: E731
    assert outcome(weak, returned, PROPPO_MONTHS).mean() < outcome(base, returned, PROPPO_MONTHS).mean()
    inc = last_year("income_mean")
    i0, i1 = outcome(base, inc, PROPPO_MONTHS), outcome(weak, inc, PROPPO_MONTHS)
    assert i1.mean() < i0.mean(), (i0, i1)
