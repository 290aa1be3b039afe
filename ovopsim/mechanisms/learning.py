"""Knowledge, practice, uptake, quality and market reach (ODD 7.4).

Five practices: technical skill, good manufacturing practice (GMP), design and
innovation, digital marketing, bookkeeping. Each has a **knowledge** (what was
trained) and a **practice** (what is done):

* training closes ``learning_rate`` x delivery effectiveness of the gap between
  knowledge and 1 (diminishing returns; :func:`train`);
* each month practice closes ``adoption`` of its gap to knowledge on one's own,
  ``mentored_adoption`` with a mentor: **mentoring turns training into
  practice**;
* **unused skills fade**: knowledge not (yet) put into practice loses ``decay`` of
  its lead over practice a month. What a running business practises it keeps,
  so with no programme skills stay where they are.

**Uptake** of a programme (:func:`uptake_chance`) is the chance an artisan
offered a seat takes it: village awareness x (0.5 + 0.5 x her trust in the
government), plus ``peer_weight`` x the share of her tied neighbours who took
part in a programme before; awareness starts at ``awareness_topdown`` (top-down
programmes), rises with dialogue (forums) and drifts back by
``awareness_fade`` a month. Trust in the government moves toward what a
programme attended was worth (its delivery effectiveness): poorly delivered
programmes teach artisans to stay away.

**Quality** is a weighted sum (``weight_*``) of skill, GMP, design, equipment
(tier / 2), the environment (1, or ``no_ipal_environment`` for dyeing without a
wastewater facility: Blitar's IPAL) and input quality (from a supplier or
traders). **Reach**: a score of the village's access, an access shock's bonus,
digital practice, a brand, promotion exposure, LJMP contacts and referrals from
partners already selling outside the province (at most two) opens other
provinces at ``reach_national`` and export at ``reach_export`` for branded
products that meet the standard (GMP practice >= ``standard_gmp`` and the
environment met).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from ..state import BOOKS, DESIGN, DIGITAL, GMP, PRACTICES, SKILL
from .random import UPTAKE, uniform


@nb.njit(cache=True, inline="always")
def month(a, vills, par):
    """Adoption of practice, fading, learning by doing, exposure and reputation fading,
    awareness drifting back."""
    pr = par[0]
    keep_exposure = 1.0 - pr.market_exposure_decay
    keep_reputation = 1.0 - pr.market_reputation_decay
    for i in range(len(a)):
        ai = a[i]
        if not ai.active:
            continue
        rate = pr.learning_mentored_adoption if ai.mentored else pr.learning_adoption
        for x in range(5):
            gap = ai.knowledge[x] - ai.practice[x]
            if gap > 0:
                ai.practice[x] += rate * gap
                ai.knowledge[x] -= pr.learning_decay * (ai.knowledge[x] - ai.practice[x])
        ai.exposure *= keep_exposure
        ai.reputation *= keep_reputation
    for v in range(len(vills)):
        vills[v].awareness += pr.learning_awareness_fade * (pr.learning_awareness_topdown
                                                            - vills[v].awareness)


@nb.njit(cache=True)
def environment(prod, village, pr):
    """1 when the environmental standard is met; lower for dyeing without a facility
    (a product that needs IPAL made in a village without one)."""
    if prod.needs_ipal and not village.facility:
        return pr.learning_no_ipal_environment
    return 1.0


@nb.njit(cache=True)
def meets_standard(ai, env, pr):
    """The product standard: GMP practice of at least ``standard_gmp`` and the
    environmental standard met."""
    return ai.practice[GMP] >= pr.learning_standard_gmp and env >= 1.0


@nb.njit(cache=True)
def standards(a, vills, prods, par):
    """Each artisan's environment score and whether it meets the product standard."""
    pr = par[0]
    n = len(a)
    env = np.empty(n)
    ok = np.zeros(n, np.bool_)
    for i in range(n):
        env[i] = environment(prods[a[i].product], vills[a[i].village], pr)
        ok[i] = meets_standard(a[i], env[i], pr)
    return env, ok


@nb.njit(cache=True, inline="always")
def quality_and_reach(a, ties, m, vills, prods, par):
    """Quality from practice, equipment, environment and inputs; the highest tier within reach."""
    pr = par[0]
    n = len(a)
    referrals = np.zeros(n, np.int64)
    for j in range(m):
        tj = ties[j]
        if tj.partner and a[tj.u].active and a[tj.v].active:
            if a[tj.v].reach >= 1:
                referrals[tj.u] += 1
            if a[tj.u].reach >= 1:
                referrals[tj.v] += 1
    for i in range(n):
        ai = a[i]
        if not ai.active:
            continue
        prod = prods[ai.product]
        env = environment(prod, vills[ai.village], pr)
        q = (pr.learning_weight_skill * ai.practice[SKILL] + pr.learning_weight_gmp * ai.practice[GMP]
             + pr.learning_weight_design * ai.practice[DESIGN] + pr.learning_weight_equipment * ai.tier / 2.0
             + pr.learning_weight_environment * env + pr.learning_weight_inputs * ai.input_quality)
        ai.quality = min(max(q, 0.0), 1.0)
        v = vills[ai.village]
        score = (pr.market_reach_access * v.access + v.reach_bonus
                 + pr.market_reach_digital * ai.practice[DIGITAL]
                 + (pr.market_reach_brand if ai.brand else 0.0) + ai.exposure
                 + (pr.ljmp_reach_bonus if ai.ljmp else 0.0)
                 + pr.market_reach_referral * min(referrals[i], 2))
        if score >= pr.market_reach_export and ai.brand and meets_standard(ai, env, pr):
            ai.reach = 2
        elif score >= pr.market_reach_national:
            ai.reach = 1
        else:
            ai.reach = 0


@nb.njit(cache=True)
def peers_reached(a, ties, m):
    """Each artisan's share of tied active neighbours ever reached by a programme."""
    n = len(a)
    hit = np.zeros(n)
    deg = np.zeros(n)
    for j in range(m):
        u, v = ties[j].u, ties[j].v
        if a[u].active and a[v].active:
            deg[u] += 1.0
            deg[v] += 1.0
            if a[v].reached:
                hit[u] += 1.0
            if a[u].reached:
                hit[v] += 1.0
    for i in range(n):
        hit[i] = hit[i] / deg[i] if deg[i] > 0 else 0.0
    return hit


@nb.njit(cache=True)
def uptake_chance(awareness, gov_trust, peer_share, peer_weight):
    """The chance that an artisan offered a seat takes it (see the module)."""
    p = awareness * (0.5 + 0.5 * gov_trust) + peer_weight * peer_share
    return min(max(p, 0.0), 1.0)


@nb.njit(cache=True)
def delivery_effectiveness(officer, board_knowledge):
    """How well a round is delivered: what the programme's officer knows x (0.5 + 0.5 x
    what the village association's board knows)."""
    return officer * (0.5 + 0.5 * board_knowledge)


@nb.njit(cache=True)
def take_part(a, vills, peers, idx, officer, key, month, number, par):
    """A programme's round offered to ``idx``: each decides whether to take part
    (:func:`uptake_chance` against her draw); those who do are reached, and their trust
    in the government moves ``gov_trust_gain`` toward what the round was worth to them,
    its :func:`delivery_effectiveness` (``officer``: what the programme's officer knows).
    Returns those who went and their delivery effectiveness."""
    pr = par[0]
    went = np.empty(len(idx), np.int64)
    eff = np.empty(len(idx))
    k = 0
    for q in range(len(idx)):
        i = idx[q]
        ai = a[i]
        chance = uptake_chance(vills[ai.village].awareness, ai.gov_trust, peers[i], pr.learning_peer_weight)
        if uniform(key, UPTAKE, month, i, number) < chance:
            went[k] = i
            k += 1
    for q in range(k):
        ai = a[went[q]]
        e = delivery_effectiveness(officer, vills[ai.village].knowledge)
        eff[q] = e
        ai.reached = True
        ai.gov_trust += pr.learning_gov_trust_gain * (e - ai.gov_trust)
    return went[:k], eff[:k]


@nb.njit(cache=True)
def train(a, idx, topic, effectiveness, par, strength=1.0):
    """A training round in ``topic`` (-1: every practice) for ``idx``: knowledge closes
    ``learning_rate`` x ``strength`` x effectiveness of its gap to 1."""
    rate = par[0].learning_learning_rate
    first, last = (0, len(PRACTICES)) if topic < 0 else (topic, topic + 1)
    for q in range(len(idx)):
        gain = min(rate * strength * effectiveness[q], 1.0)
        k = a[idx[q]].knowledge
        for x in range(first, last):
            k[x] += gain * (1.0 - k[x])


ALL_PRACTICES = -1  # ``train``'s topic for every practice at once


__all__ = ["month", "quality_and_reach", "peers_reached", "uptake_chance", "take_part", "train",
           "SKILL", "GMP", "DESIGN", "DIGITAL", "BOOKS"]
