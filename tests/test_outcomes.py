import pytest

from ovopsim.outcomes import OUTCOMES, simulate, simulate_series, summarise
from ovopsim.simulation import run


def test_simulate_matches_a_direct_run():
    out = simulate({"scenario": "blitar_batik", "months": 24}, seed=5)
    direct = summarise(run("blitar_batik", seed=5, months=24).monthly)
    assert out == direct
    assert set(out) == set(OUTCOMES)


def test_overrides_reach_the_model():
    low = simulate({"scenario": "blitar_batik", "months": 24, "government.annual_budget": 0.0}, seed=5)
    high = simulate({"scenario": "blitar_batik", "months": 24}, seed=5)
    assert low["budget_spent"] == 0.0 and high["budget_spent"] > 1e8
    assert high["skill"] > low["skill"]


def test_growth_is_last_year_over_first_year():
    m = run("baseline", seed=2, months=36).monthly
    s = summarise(m)
    assert s["income_growth"] == pytest.approx(m["income_mean"].iloc[-12:].mean()
                                               / m["income_mean"].iloc[:12].mean() - 1)


def test_series_is_numeric_by_month():
    df = simulate_series({"scenario": "rasau_jaya", "months": 6}, seed=1)
    assert len(df) == 6 and "income_mean" in df and df["month"].tolist() == list(range(1, 7))
