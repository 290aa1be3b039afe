"""The model as a whole: reproducibility, sanity of the economy, the Mesa side."""

import numpy as np
import pandas as pd
import pytest

from ovopsim.agents import Artisan, Government
from ovopsim.config import load_scenario, shipped_scenarios
from ovopsim.model import OVOPModel
from ovopsim.simulation import run


def test_same_seed_same_frames(baseline):
    s = load_scenario("blitar_batik")
    a, b = run(s, seed=7, months=36, agents=True), run(s, seed=7, months=36, agents=True)
    pd.testing.assert_frame_equal(a.monthly, b.monthly, check_exact=True)
    pd.testing.assert_frame_equal(a.scorecard, b.scorecard, check_exact=True)
    pd.testing.assert_frame_equal(a.agents, b.agents, check_exact=True)


def test_different_seeds_differ():
    s = load_scenario("blitar_batik")
    a, b = run(s, seed=1, months=24), run(s, seed=2, months=24)
    assert not np.allclose(a.monthly["income_mean"], b.monthly["income_mean"])


@pytest.mark.parametrize("path", shipped_scenarios(), ids=lambda p: p.stem)
def test_every_shipped_scenario_runs_clean(path):
    s = load_scenario(path)
    res = run(s, seed=3, months=36)
    m = res.monthly
    assert len(m) == 36
    assert not m.isna().any().any(), "NaN in the monthly indicators"
    assert not res.scorecard.isna().any().any(), "NaN in the scorecard"
    assert (m["active_businesses"] > 0.5 * s.n_artisans).all()
    assert (m["budget_balance"] >= 0).all() and (m["ljmp_fund"] >= 0).all()
    shares = m[["share_province", "share_national", "share_export"]].sum(axis=1)
    assert np.allclose(shares[m["sales_value"] > 0], 1.0)
    assert res.scorecard["overall"].between(0, 100).all()


def test_agents_are_mesa_agents_over_the_arrays():
    model = OVOPModel(load_scenario("rasau_jaya"), rng=5)
    artisans = model.agents_by_type[Artisan]
    assert len(artisans) == 50
    assert len(model.agents_by_type[Government]) == 1
    model.step()
    # AgentSet operations see the same numbers as the arrays
    assert artisans.agg("cash", sum) == pytest.approx(float(model.artisans.cash.sum()))
    first = next(iter(artisans))
    first.cash = 123.0
    assert model.artisans.cash[first.idx] == 123.0
    by_village = artisans.groupby("village_name").count()
    assert by_village["Rasau Jaya I"] == 13


def test_festive_and_rainy_patterns_show_in_output():
    res = run(load_scenario("rasau_jaya"), seed=2, months=36)
    m = res.monthly
    assert m["festive"].sum() >= 5  # Eid and Christmas every year
    # output in peak months is above the months around them
    out = m["output_units"].to_numpy()
    peaks = np.flatnonzero(m["festive"].to_numpy())
    peaks = peaks[(peaks > 0) & (peaks < len(m) - 1)]
    lift = [out[i] / np.mean([out[i - 1], out[i + 1]]) for i in peaks]
    assert np.mean(lift) > 1.1


def test_graph_export_matches_arrays():
    model = OVOPModel(load_scenario("proppo_batik"), rng=1)
    for _ in range(6):
        model.step()
    g = model.graph()
    assert g.number_of_nodes() == model.artisans.n
    assert g.number_of_edges() == model.network.m
    within, between = model.network.counts()
    assert sum(1 for *_, d in g.edges(data=True) if d["partner"]) == within + between
    assert {g.nodes[0]["village"]} <= set(range(5))
