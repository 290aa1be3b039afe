"""Income, costs, the household's draw, closure and entry (ovopsim/mechanisms/money.py)."""

import numpy as np

from ovopsim.model import OVOPModel

from .helpers import final, outcome, scenario


def test_zero_demand_closes_every_business_within_a_year():
    """Whatever their savings, businesses that sell nothing close within twice
    ``months_to_close`` (6) months; those out of cash sooner."""
    for name in ("baseline", "rasau_jaya"):
        model = OVOPModel(scenario(name, programmes=False), rng=1, months=12)
        assert model.artisans.active.sum() > 40
        model.products.base[:] = 0.0  # no buyer anywhere from month 1
        for _ in range(12):
            model.step()
        m = model.monthly()
        assert m["active_businesses"].iloc[-1] == 0, m["active_businesses"].tolist()
        assert m["exits"].sum() >= 40 and (m["income_mean"].iloc[:3] < 0).all()


def test_fixed_costs_run_down_the_cash_of_a_business_that_sells_nothing():
    sc = scenario("baseline", {"money.fixed_cost": 2e6}, programmes=False)
    model = OVOPModel(sc, rng=2, months=3)
    model.products.base[:] = 0.0
    a = model.artisans
    cash = [a.cash.copy()]
    alive = a.active.copy()
    for _ in range(3):
        model.step()
        cash.append(a.cash.copy())
        alive &= a.active
    assert alive.sum() > 10
    drop = -np.diff(np.array(cash)[:, alive], axis=0)
    assert (drop >= 2e6 - 1e-6).all()  # every month at least the fixed cost goes


def test_shrinking_demand_closes_businesses():
    falling = scenario("baseline", {"market.demand_growth": -0.5}, programmes=False)
    steady = scenario("baseline", programmes=False)
    assert (outcome(falling, final("active_businesses"), 60, seeds=(1, 2))
            < 0.8 * outcome(steady, final("active_businesses"), 60, seeds=(1, 2))).all()


def test_new_businesses_enter_where_demand_pays():
    """A successful programme raises incomes past the entry income: households open
    businesses. With no entry (rate 0), none; with a higher entry income, fewer."""
    entries = lambda m: float(m["entries"].sum())  # noqa: E731
    keen = {"money.entry_income": 2.5e6}
    usual = outcome(scenario("blitar_batik", keen), entries, 60, seeds=(1, 2, 3))
    closed = outcome(scenario("blitar_batik", {**keen, "money.entry_rate": 0.0}), entries, 60, seeds=(1, 2, 3))
    choosy = outcome(scenario("blitar_batik", {"money.entry_income": 6e6}), entries, 60, seeds=(1, 2, 3))
    none = outcome(scenario("blitar_batik", keen, programmes=False), entries, 60, seeds=(1, 2, 3))
    assert (closed == 0).all() and usual.sum() > 5 and choosy.sum() < usual.sum()
    assert none.sum() < usual.sum()  # without the programme incomes stay below the entry income


def test_the_village_labour_pool_caps_jobs():
    """All workers are local (Rasau Jaya): a village with few households cannot staff
    many workshops."""
    roomy = scenario("blitar_batik")
    tight = roomy.model_copy(deep=True)
    tight = tight.with_overrides({"production.labour_share": 0.0005})  # a handful per village
    jobs = lambda m: float(m["jobs"].iloc[-12:].mean())  # noqa: E731
    assert (outcome(tight, jobs, 36, seeds=(1, 2)) < outcome(roomy, jobs, 36, seeds=(1, 2))).all()


def test_the_household_takes_home_what_the_business_does_not_need():
    model = OVOPModel(scenario("baseline", programmes=False), rng=3, months=24)
    for _ in range(24):
        model.step()
    f = model.flows.artisans
    a = model.artisans
    act = a.active
    costs = (f.wages + f.fixed + f.materials + f.supply_out)[act]
    reserve = model.par[0]["money_reserve_months"]
    assert (a.cash[act] <= reserve * costs + 1e-6).all()
    assert (f.draw[act] >= 0).all()
