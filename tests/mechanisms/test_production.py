"""Capacity, the plan, hiring and equipment (ovopsim/mechanisms/production.py)."""

import numpy as np

from ovopsim.model import OVOPModel

from .helpers import outcome, scenario


def test_the_rainy_season_cuts_dried_output():
    sc = scenario("rasau_jaya", programmes=False)
    m = OVOPModel(sc, rng=1, months=24)
    rows = []
    for _ in range(24):
        m.step()
    t = m.monthly()
    quiet = ~t["festive"]
    wet = t.loc[quiet & t["rainy"], "output_dried"].mean()
    dry = t.loc[quiet & ~t["rainy"], "output_dried"].mean()
    assert wet < 0.85 * dry, (wet, dry, rows)


def test_festive_output_is_learned_not_imposed():
    """Output peaks in the festive months by what artisans learned to expect: with no
    learning of the festive lift (rate 0), the peak is what spare stock allows only."""
    def peak(mon):
        f = mon["festive"].to_numpy()
        out = mon["output_units"].to_numpy()
        idx = [i for i in np.flatnonzero(f) if 0 < i < len(f) - 1 and not f[i - 1] and not f[i + 1]]
        return float(np.mean([out[i] / (0.5 * (out[i - 1] + out[i + 1])) - 1 for i in idx]))
    learned = outcome(scenario("rasau_jaya", programmes=False), peak, 36, seeds=(1, 2))
    blind = outcome(scenario("rasau_jaya", {"production.festive_learning": 0.0}, programmes=False), peak, 36,
                    seeds=(1, 2))
    assert (learned > 0.15).all() and (blind < learned - 0.1).all(), (learned, blind)


def test_jobs_follow_demand():
    jobs = lambda m: float(m["jobs"].iloc[-12:].mean())  # noqa: E731
    more = outcome(scenario("baseline", {"market.demand_growth": 0.2}, programmes=False), jobs, 48, seeds=(1, 2))
    same = outcome(scenario("baseline", programmes=False), jobs, 48, seeds=(1, 2))
    assert (more > 1.1 * same).all(), (more, same)
