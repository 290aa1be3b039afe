"""The LJMP: costs, aggregation, loans, defaults and its fund (ovopsim/mechanisms/ljmp.py)."""

import numpy as np

from ovopsim.model import OVOPModel

from .helpers import last_year, outcome, scenario

MONTHS = 36


def _trace(sc, seed, months=MONTHS):
    """Step a model, recording per month who is barred, their debt and the loans received."""
    model = OVOPModel(sc, rng=seed, months=months)
    rows = []
    for _ in range(months):
        barred_before = model.artisans.barred.copy()
        model.step()
        a = model.artisans
        rows.append((barred_before, a.barred.copy(), a.debt.copy(), model.flows.loan_in.copy(), a.active.copy()))
    return model, rows


def test_a_defaulter_cannot_borrow_again_and_keeps_its_debt():
    # weak norms and strong temptation: some borrowers default
    sc = scenario("singkawang_ljmp", {"world.norm_mean": 0.2, "trust.temptation": 1.0})
    defaulted = 0
    for seed in (1, 2):
        model, rows = _trace(sc, seed)
        for barred_before, barred, debt, loan_in, active in rows:
            assert (loan_in[barred_before] == 0).all()        # no credit once in default
            assert (barred | ~barred_before).all()            # a default is never forgotten
            assert (debt[barred & active] > 0).all()          # the debt stays on the books
        defaulted += int(rows[-1][1].sum())
        assert model.monthly()["ljmp_defaults"].sum() == rows[-1][1].sum()
    assert defaulted >= 3


def test_an_ljmp_whose_fund_is_empty_stops_lending():
    lends = lambda m: float(m["ljmp_new_loans"].sum())  # noqa: E731
    funded = scenario("singkawang_ljmp", {"ljmp.fee": 0.0})
    empty = scenario("singkawang_ljmp", {"ljmp.fee": 0.0, "ljmp.fund": 0.0,
                                         "interventions.capital.intensity": 0.0})
    assert (outcome(funded, lends, MONTHS, seeds=(1, 2)) > 0).all()
    assert (outcome(empty, lends, MONTHS, seeds=(1, 2)) == 0).all()


def test_a_fund_that_runs_dry_stops_lending():
    """A small fund, no fees and no capital programme: loans stop once it is lent out."""
    sc = scenario("singkawang_ljmp", {"ljmp.fee": 0.0, "ljmp.fund": 40e6, "ljmp.staff_cost": 0.0,
                                      "ljmp.mentor_fee": 0.0, "interventions.capital.intensity": 0.0})
    model = OVOPModel(sc, rng=1, months=MONTHS)
    for _ in range(MONTHS):
        model.step()
        assert (model.clusters.fund >= 0).all()
    m = model.monthly()
    # each of the three LJMPs lends at most its 40 million plus what comes back
    repaid = m["ljmp_new_loans"].sum() - (m["ljmp_loans_outstanding"].iloc[-1] - m["ljmp_loans_outstanding"].iloc[0])
    assert m["ljmp_new_loans"].sum() <= 3 * 40e6 + repaid + 1.0


def test_staff_and_mentors_are_paid_from_the_fund():
    sc = scenario("singkawang_ljmp")
    model = OVOPModel(sc, rng=1, months=12)
    for _ in range(12):
        model.step()
    m = model.monthly()
    lj = sc.ljmp
    assert np.allclose(m["ljmp_costs"], 3 * (lj.staff_cost + lj.mentors * lj.mentor_fee))
    broke = scenario("singkawang_ljmp", {"ljmp.fund": 0.0, "ljmp.fee": 0.0,
                                         "interventions.capital.intensity": 0.0})
    model = OVOPModel(broke, rng=1, months=6)
    for _ in range(6):
        model.step()
        assert not model.artisans.mentored.any()  # no money, no mentors


def test_the_price_gain_comes_from_volume():
    """Members get a better price because the LJMP sells in bulk: with no bargaining power
    (capture 0) or a volume too small to bargain with, the gain is gone."""
    price = last_year("price_received")
    usual = outcome(scenario("singkawang_ljmp"), price, MONTHS, seeds=(1, 2))
    none = outcome(scenario("singkawang_ljmp", {"ljmp.capture_max": 0.0}), price, MONTHS, seeds=(1, 2))
    small = outcome(scenario("singkawang_ljmp", {"ljmp.half_volume": 1e15}), price, MONTHS, seeds=(1, 2))
    assert (usual > 1.05 * none).all(), (usual, none)
    assert np.allclose(small, none, rtol=0.01)
    capture = outcome(scenario("singkawang_ljmp"), last_year("ljmp_capture"), MONTHS, seeds=(1,))
    assert 0.2 < capture[0] < sc_capture_max()


def sc_capture_max():
    return scenario("singkawang_ljmp").ljmp.capture_max
