import pytest

from ovopsim.config import load_scenario
from ovopsim.outcomes import OUTCOMES, simulate, simulate_series, summarise
from ovopsim.simulation import no_programme, run


def test_simulate_matches_direct_paired_runs():
    out = simulate({"scenario": "blitar_batik", "months": 24}, seed=5)
    sc = load_scenario("blitar_batik")
    direct = summarise(run(sc, seed=5, months=24).monthly, run(no_programme(sc), seed=5, months=24).monthly)
    assert out == direct
    assert set(out) == set(OUTCOMES)
    # the programme's gain over the same world without it: +9% after two years here
    assert 0.05 < out["income_gain"] < 0.2


def test_overrides_reach_the_model():
    low = simulate({"scenario": "blitar_batik", "months": 24, "government.annual_budget": 0.0}, seed=5)
    high = simulate({"scenario": "blitar_batik", "months": 24}, seed=5)
    assert low["budget_spent"] == 0.0 and high["budget_spent"] > 1e8
    assert high["skill"] > low["skill"]


def test_growth_is_read_against_the_warm_up_year_and_gain_against_no_programme():
    m = run("baseline", seed=2, months=36).monthly
    s = summarise(m)
    assert s["income_growth"] == pytest.approx(m["income_mean"].iloc[-12:].mean() / m["income_pre"].iloc[0] - 1)
    assert s["jobs_growth"] == pytest.approx(m["jobs"].iloc[-12:].mean() / m["jobs_pre"].iloc[0] - 1)
    assert s["income_gain"] == 0.0  # no paired run given
    other = m.assign(income_mean=m["income_mean"] / 2)
    assert summarise(m, other)["income_gain"] == pytest.approx(1.0)


def test_series_is_numeric_by_month():
    df = simulate_series({"scenario": "rasau_jaya", "months": 6}, seed=1)
    assert len(df) == 6 and "income_mean" in df and df["month"].tolist() == list(range(1, 7))


def test_a_runs_columns_are_its_monthly_table_and_summarise_alike():
    res = run("rasau_jaya", seed=4, months=30, scorecard=False)
    twin = run(no_programme(load_scenario("rasau_jaya")), seed=4, months=30, scorecard=False)
    m = res.monthly
    assert list(res.columns) == list(m.columns)
    for c, x in res.columns.items():
        assert x.dtype == m[c].dtype and (x == m[c].to_numpy()).all(), c
    assert summarise(res.columns, twin.columns) == summarise(m, twin.monthly)


def test_a_kept_model_stepping_on_leaves_the_runs_tables_as_they_were():
    res = run("rasau_jaya", seed=4, months=6, keep_model=True)
    res.model.step()
    assert len(res.monthly) == 6 and len(res.columns["month"]) == 6 and len(res.model.monthly()) == 7


def test_a_run_with_a_progress_bar_steps_as_one_without():
    a = run("rasau_jaya", seed=4, months=14, progress=True).monthly
    b = run("rasau_jaya", seed=4, months=14).monthly
    assert a.equals(b) and len(a) == 14


def test_the_shared_twin_table_cannot_be_changed_through_a_copy_handed_out():
    from ovopsim.outcomes import NO_PROGRAMME_RUNS

    sc = load_scenario("rasau_jaya")
    first = NO_PROGRAMME_RUNS.frame(NO_PROGRAMME_RUNS.columns(sc, 4, 12))
    first.loc[:, "income_mean"] = -1.0
    again = NO_PROGRAMME_RUNS.columns(sc, 4, 12)
    assert (again["income_mean"] > 0).all() and not again["income_mean"].flags.writeable
    with pytest.raises(TypeError):
        again["income_mean"] = first["income_mean"].to_numpy()


def test_replicates_share_a_derived_scenario_and_the_order_of_overrides_counts():
    from ovopsim.outcomes import scenario_for

    one = {"scenario": "blitar_batik", "interventions.training.intensity": 0.5,
           "interventions.design_training.intensity": 0.9}
    other = {"scenario": "blitar_batik", "interventions.design_training.intensity": 0.9,
             "interventions.training.intensity": 0.5}
    a, b = scenario_for(one), scenario_for(other)
    assert scenario_for(dict(one)) is a  # the replicates of one point share it
    label = {iv.name: iv.intensity for iv in a.interventions}
    assert label["design_training"] == 0.9 and {iv.name: iv.intensity for iv in b.interventions}[
        "design_training"] == 0.5  # the last override of a field wins, as with_overrides applies them
