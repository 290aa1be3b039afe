"""The books close every month, for any parameters (property-based)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ovopsim import accounting
from ovopsim.config import load_scenario
from ovopsim.model import OVOPModel


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**31 - 1),
    scenario=st.sampled_from(["blitar_batik", "singkawang_ljmp", "bangka_tengah", "rasau_jaya",
                              "blitar_turnover"]),
    budget=st.floats(0, 3e9),
    wage=st.floats(0.5e6, 3e6),
    festive=st.floats(0, 1),
    trust_gain=st.floats(0, 0.5),
    reciprocity=st.floats(0.2, 1.0),
    default=st.floats(0, 0.2),
)
def test_books_close_every_month(seed, scenario, budget, wage, festive, trust_gain, reciprocity, default):
    s = load_scenario(scenario)
    over = {"government.annual_budget": budget, "behaviour.wage": wage,
            "behaviour.festive_boost": festive, "behaviour.trust_gain": trust_gain,
            "world.reciprocity_mean": reciprocity}
    if s.ljmp.enabled:
        over["ljmp.default_base"] = default
    s = s.with_overrides(over)
    model = OVOPModel(s, rng=seed, months=30, check_accounting=True)
    for _ in range(30):
        model.step()  # raises AccountingError if a stock moves by other than its flows
    m = model.monthly()
    assert not m.isna().any().any()
    a = model.artisans
    assert (a.inventory >= -1e-9).all() and (a.debt >= -1e-9).all()
    assert model.government.balance >= -1e-6 and (model.ljmp_fund >= -1e-6).all()
    assert m["budget_spent_total"].iloc[-1] <= 3 * budget + 1e-6  # never more than appropriated


def test_check_catches_a_leak():
    model = OVOPModel(load_scenario("blitar_batik"), rng=1)
    model.step()
    before = accounting.Stocks.of(model)
    f = accounting.Flows(model.artisans.n, len(model.cluster_names))
    after = accounting.Stocks.of(model)
    after.cash = after.cash.copy()
    after.cash[3] += 1000.0  # money from nowhere
    with pytest.raises(accounting.AccountingError, match="artisan cash"):
        accounting.check(2, before, after, f)
    after.cash[3] -= 1000.0
    after.inventory = after.inventory - 5.0  # stock vanishing without a recorded flow
    with pytest.raises(accounting.AccountingError, match="inventory"):
        accounting.check(2, before, after, f)


def test_programme_never_spends_more_than_the_budget():
    s = load_scenario("bangka_tengah")
    model = OVOPModel(s, rng=4)
    for _ in range(36):
        model.step()
    m = model.monthly()
    per_year = m.groupby("year")["budget_spent"].sum()
    assert (per_year <= s.government.annual_budget * (1 + 1e-9)).all()
    # and it was short: the budget binds (Bangka Tengah)
    assert per_year.iloc[0] > 0.9 * s.government.annual_budget
