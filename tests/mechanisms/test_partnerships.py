"""Partnerships forming and ending, suppliers, new ties, observed networks
(ovopsim/mechanisms/partnerships.py, ovopsim/world.py)."""

import numpy as np
import pytest

from ovopsim import state
from ovopsim.config import Scenario, load_scenario
from ovopsim.errors import InputError
from ovopsim.mechanisms import partnerships
from ovopsim.model import OVOPModel

from .helpers import final, last_year, outcome, scenario


def test_ties_between_villages_form_without_any_programme():
    """No forum, no fair: over ten years buyers meet suppliers through traders, sellers
    meet through shared buyers and partners introduce partners, across villages."""
    sc = scenario("proppo_batik", programmes=False)
    assert not sc.interventions
    first = outcome(sc, lambda m: float(m["partnerships_between"].iloc[0]), 120, seeds=(1, 2, 3))
    last = outcome(sc, final("partnerships_between"), 120, seeds=(1, 2, 3))
    ties_first = outcome(sc, lambda m: float(m["ties_between"].iloc[0]), 120, seeds=(1, 2, 3))
    ties_last = outcome(sc, final("ties_between"), 120, seeds=(1, 2, 3))
    assert (last > first).all() and (last - first).mean() > 5, (first, last)
    assert (ties_last > ties_first).all(), (ties_first, ties_last)


def test_supplier_ties_pay():
    """Inputs from a partner at the earlier stage are cheaper: with no discount few
    artisans take a supplier, and incomes are lower."""
    base = scenario("proppo_batik")
    flat = scenario("proppo_batik", {"production.stage_discount": 0.0})
    s0, s1 = outcome(base, final("supplier_ties"), 60), outcome(flat, final("supplier_ties"), 60)
    assert (s1 < 0.6 * s0).all(), (s0, s1)
    i0, i1 = outcome(base, last_year("income_mean"), 60), outcome(flat, last_year("income_mean"), 60)
    assert i1.mean() < 0.97 * i0.mean(), (i0, i1)


def test_trust_keeps_buyers_loyal():
    """Proppo: a producer who trusts a supplier does not switch. The loyalty threshold
    governs switching: none makes buyers switch at every small advantage."""
    switches = final("supplier_switches")
    loose = outcome(scenario("proppo_batik", {"trust.switch_threshold": 0.0}), switches, 60)
    usual = outcome(scenario("proppo_batik"), switches, 60)
    loyal = outcome(scenario("proppo_batik", {"trust.switch_threshold": 2.0}), switches, 60)
    assert loose.mean() > 2 * usual.mean() and usual.mean() > loyal.mean(), (loose, usual, loyal)
    ties = outcome(scenario("proppo_batik"), final("supplier_ties"), 60)
    assert (usual / 5 < ties).all()  # fewer than one switch per supplier tie a year


def _pair(trust_uv, trust_vu, since=0, last_used=0, partner=True):
    a = state.artisans(2)
    a.active = True
    t = state.Ties(4)
    t.data[0]["u"], t.data[0]["v"] = 0, 1
    t.data[0]["trust_uv"], t.data[0]["trust_vu"] = trust_uv, trust_vu
    t.data[0]["partner"], t.data[0]["since"], t.data[0]["last_used"] = partner, since, last_used
    t.m = 1
    return a, t


def test_partnerships_end_on_distrust_idleness_and_closure():
    par = state.params(Scenario().with_overrides({"trust.end_below": 0.2, "trust.idle_end": 12}))
    events = np.zeros(1, state.EVENTS)
    a, t = _pair(0.9, 0.15)  # one side no longer trusts the other
    partnerships.end(a.data, t.data, t.m, events, par, 5)
    assert not t.data[0]["partner"] and events[0]["ended_trust"] == 1
    a, t = _pair(0.9, 0.9, since=0, last_used=3)
    partnerships.end(a.data, t.data, t.m, events, par, 14)
    assert t.data[0]["partner"]  # 11 months idle: still on
    partnerships.end(a.data, t.data, t.m, events, par, 15)
    assert not t.data[0]["partner"] and events[0]["ended_idle"] == 1
    a, t = _pair(0.9, 0.9, last_used=5)
    a.active[1] = False
    partnerships.end(a.data, t.data, t.m, events, par, 6)
    assert not t.data[0]["partner"] and events[0]["ended_closed"] == 1


def test_unused_business_contacts_are_forgotten_the_village_fabric_is_not():
    par = state.params(Scenario().with_overrides({"trust.forget_months": 24}))
    a = state.artisans(4)
    a.active = True
    t = state.Ties(8)
    for j, (u, v, kin, used, partner) in enumerate(((0, 1, True, 0, False), (0, 2, False, 0, False),
                                                   (1, 3, False, 20, False), (2, 3, False, 0, True))):
        t.data[j]["u"], t.data[j]["v"], t.data[j]["kin"] = u, v, kin
        t.data[j]["last_used"], t.data[j]["partner"] = used, partner
    t.m = 4
    a.supplier[3], a.supplier_tie[3] = 2, 3
    m = partnerships.forget(a.data, t.data, t.m, par, 30)
    assert m == 3  # the unused contact 0-2 only
    assert [(int(x["u"]), int(x["v"])) for x in t.data[:m]] == [(0, 1), (1, 3), (2, 3)]
    assert a.supplier_tie[3] == 2  # the supplier's tie index followed


# ------------------------------------------------------------------ observed networks

def test_an_observed_network_replaces_the_generated_one():
    sc = load_scenario("proppo_surveyed")
    edges = sc.network.edges
    assert len(edges) == 226
    model = OVOPModel(sc, rng=1)
    t = model.ties.used
    ids = sc.artisan_ids()
    index = dict(zip(ids, model.surveyed.tolist(), strict=True))
    want = {(min(index[e.source], index[e.target]), max(index[e.source], index[e.target])): e for e in edges}
    got = {(int(r["u"]), int(r["v"])): r for r in t}
    assert set(got) == set(want)  # month 1 starts from the surveyed ties
    for k, e in want.items():
        assert got[k]["trust_uv"] == pytest.approx(e.trust) and bool(got[k]["partner"]) == e.partner


def test_an_edge_list_works_too(tmp_path):
    (tmp_path / "net.csv").write_text("source,target,trust,partner\nA/1,A/2,0.7,true\nA/2,B/1,0.4,false\n")
    (tmp_path / "s.toml").write_text(
        '[[villages]]\nname = "A"\nartisans = { batik = 2 }\n[[villages]]\nname = "B"\n'
        'artisans = { batik = 1 }\n[network]\nfile = "net.csv"\n')
    model = OVOPModel(load_scenario(tmp_path / "s.toml"), rng=1)
    t = model.ties.used
    assert model.ties.m == 2 and t["partner"].tolist() == [True, False]
    assert t["between"].tolist() == [False, True]


@pytest.mark.parametrize("body, key, given", [
    ("source,target,trust,partner\nA/1,A/9,0.7,true\n", "edge 1 target", '"A/9"'),
    ("source,target,partner\nA/1,A/2,true\n", "edge 1 (A/1 -- A/2)", "none"),
    ("source,target,trust\nA/1,A/2,0.5\n", "edge 1 (A/1 -- A/2)", "none"),
    ("source,target,trust,partner\nA/1,A/2,1.5,true\n", "edge 1 (A/1 -- A/2).trust", "'1.5'"),
])
def test_a_bad_observed_network_is_one_clear_error(tmp_path, body, key, given):
    (tmp_path / "net.csv").write_text(body)
    (tmp_path / "s.toml").write_text('[[villages]]\nname = "A"\nartisans = { batik = 2 }\n'
                                     '[network]\nfile = "net.csv"\n')
    with pytest.raises(InputError) as info:
        load_scenario(tmp_path / "s.toml")
    assert key in info.value.key and str(info.value.given).startswith(given)
    assert "net.csv" in info.value.message or "network.file" in info.value.message


def test_a_missing_network_file_names_the_scenario_and_the_key(tmp_path):
    (tmp_path / "s.toml").write_text('[[villages]]\nname = "A"\nartisans = { batik = 2 }\n'
                                     '[network]\nfile = "nowhere.graphml"\n')
    with pytest.raises(InputError) as info:
        load_scenario(tmp_path / "s.toml")
    assert info.value.key == "network.file" and str(tmp_path / "s.toml") in info.value.message
