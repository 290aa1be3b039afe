"""Knowledge, practice, uptake, quality and reach (ovopsim/mechanisms/learning.py)."""

import numpy as np
import pytest

from ovopsim import state
from ovopsim.config import Scenario
from ovopsim.mechanisms import learning

from .helpers import outcome, scenario


def _one(knowledge=0.8, practice=0.2, mentored=False, **over):
    par = state.params(Scenario().with_overrides({f"learning.{k}": v for k, v in over.items()}))
    a = state.artisans(1)
    a.active = True
    a.knowledge = knowledge
    a.practice = practice
    a.mentored = mentored
    vills = np.zeros(1, state.VILLAGE)
    return a, vills, par


def test_training_closes_a_share_of_the_gap_with_diminishing_returns():
    a, _, par = _one(knowledge=0.2, learning_rate=0.5)
    gains = []
    for _ in range(3):
        before = a.knowledge[0, state.GMP]
        learning.train(a.data, np.array([0]), state.GMP, np.array([1.0]), par)
        gains.append(a.knowledge[0, state.GMP] - before)
    assert gains[0] == pytest.approx(0.4) and gains[1] == pytest.approx(0.2) and gains[2] == pytest.approx(0.1)


def test_mentoring_turns_training_into_practice():
    alone, vills, par = _one(adoption=0.05, mentored_adoption=0.3)
    mentored, _, _ = _one(mentored=True, adoption=0.05, mentored_adoption=0.3)
    learning.month(alone.data, vills, par)
    learning.month(mentored.data, vills, par)
    assert alone.practice[0, 0] == pytest.approx(0.2 + 0.05 * 0.6)
    assert mentored.practice[0, 0] == pytest.approx(0.2 + 0.3 * 0.6)


def test_knowledge_not_put_into_practice_fades_practice_kept_stays():
    a, vills, par = _one(knowledge=0.8, practice=0.2, adoption=0.0, decay=0.1)
    for _ in range(60):
        learning.month(a.data, vills, par)
    assert a.knowledge[0, 0] == pytest.approx(0.2, abs=0.01) and a.practice[0, 0] == pytest.approx(0.2)
    b, vills, par = _one(knowledge=0.4, practice=0.4, decay=0.1)
    for _ in range(60):
        learning.month(b.data, vills, par)
    assert b.practice[0, 0] == pytest.approx(0.4)  # a business keeps what it practises


def test_uptake_rises_with_awareness_trust_and_peers():
    w = 0.2
    low = learning.uptake_chance(0.35, 0.5, 0.0, w)
    high = learning.uptake_chance(0.9, 0.5, 0.0, w)
    peers = learning.uptake_chance(0.9, 0.5, 1.0, w)
    assert low == pytest.approx(0.35 * 0.75) and high > low and peers == pytest.approx(high + w)
    assert learning.uptake_chance(0.9, 1.0, 1.0, w) == 1.0


def test_taking_part_is_each_artisan_s_draw_against_her_chance():
    """Of 2,000 offered seats about the chance are taken; those who went are reached and
    their trust in the government moves toward the round's worth, the others' not."""
    n = 2000
    a = state.artisans(n)
    a.gov_trust = 0.5
    vills = np.zeros(1, state.VILLAGE)
    vills["awareness"], vills["knowledge"] = 0.6, 1.0
    par = state.params(scenario("baseline"))
    idx = np.arange(n)
    went, eff = learning.take_part(a.data, vills, np.zeros(n), idx, 0.8, 12345, 3, 0, par)
    chance = learning.uptake_chance(0.6, 0.5, 0.0, par[0]["learning_peer_weight"])
    assert abs(len(went) / n - chance) < 3 * np.sqrt(chance * (1 - chance) / n)
    assert (eff == 0.8).all() and a.reached[went].all() and a.reached.sum() == len(went)
    g = par[0]["learning_gov_trust_gain"]
    assert np.allclose(a.gov_trust[went], 0.5 + g * (0.8 - 0.5))
    assert (a.gov_trust[np.setdiff1d(idx, went)] == 0.5).all()
    b = state.artisans(n)
    b.gov_trust = 0.5
    again, _ = learning.take_part(b.data, vills, np.zeros(n), idx, 0.8, 12345, 3, 0, par)
    assert np.array_equal(again, went)  # the same draws for the same key, month and programme


def test_mentoring_turns_a_programme_s_training_into_practice():
    """Rasau Jaya's six months of expert mentoring (months 2-7) after GMP training:
    without mentors speeding adoption (mentored adoption no faster than on one's own),
    less of the training is in practice when the mentoring ends."""
    gmp = lambda m: float(m["gmp_mean"].iloc[7])  # noqa: E731
    usual = outcome(scenario("rasau_jaya"), gmp, 8, seeds=(1, 2, 3))
    flat = outcome(scenario("rasau_jaya", {"learning.mentored_adoption": 0.05}), gmp, 8, seeds=(1, 2, 3))
    assert (flat < usual - 0.005).all(), (usual, flat)
