"""Partnerships forming and ending, suppliers chosen, and new ties (ODD 7.5; Proppo).

A **partnership** is a tie along which the two do business by agreement: orders
passed first to partners, a supplier tie between stages, referrals to buyers.

* **Ending.** A partnership ends when either side's trust in the other falls
  below ``end_below`` (after bad experiences: a relationship that brings no
  mutual benefit is not continued), when no business has passed along it for
  ``idle_end`` months (the benefit stopped), or when a business closes.
* **Forming.** On a tie between two active artisans of the same product, each
  month, with probability ``partner_rate x benefit x f(trust)``, where
  ``f = (min of the two trusts - partner_min) / (1 - partner_min)`` (0 below
  ``partner_min``) and ``benefit`` is what each expects of the other: 1 when one
  had orders it could not fill and the other spare capacity last month
  (subcontracting), 0.5 when one sells to buyers the other does not reach
  (referrals), 0.1 otherwise.
* **Suppliers** (Proppo: a producer who trusts a supplier does not switch). An
  artisan at a later production stage compares traders with the artisans it is
  tied to at the earlier stage of its product. The expected cost of a unit's
  inputs from a supplier is its price, plus ``supply_risk`` x (1 - trust in it)
  of the traders' price (what an undelivered supply costs), less what the
  supplier's quality adds to the buyer's price. It switches to a better one only
  when the saving exceeds ``switch_threshold`` x the traders' price x its trust
  in its current supplier: trust makes it loyal. Both must trust each other at
  least ``partner_min``, and the supplier must have the spare capacity for the
  buyer's expected orders besides its other buyers'. A buyer
  on traders tries, with probability ``trial_rate`` a month, a tied producer at
  the earlier stage it trusts less: the trial is an experience like any other.
* **New ties** arise without any programme: a buyer with no producer at the
  earlier stage among its ties meets one through traders (``search_rate``);
  artisans selling outside the province meet other sellers of the same buyers
  (``buyer_rate``); partners introduce a partner of theirs (``introduce_rate``,
  trust = the product of the two trusts). Forums and fairs add ties too
  (:mod:`ovopsim.interventions`).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from ..state import with_room
from .exchange import MIN_PASSED, PASS_SHARE, trust_of
from .random import (
    BUYER,
    BUYER_PICK,
    FAIR,
    FORM,
    INTRODUCE,
    INTRODUCE_PICK,
    SEARCH,
    SEARCH_PICK,
    TRIAL,
    uniform,
)

BENEFIT_SUBCONTRACT = 1.0  # one had unmet orders, the other spare capacity
BENEFIT_REFERRAL = 0.5     # one sells to buyers the other does not reach
BENEFIT_OTHER = 0.1        # shared orders in peak months, advice


@nb.njit(cache=True)
def pair_key(i, j, n):
    """A tie's key among ``n`` artisans: the unordered pair {i, j} as one integer (the
    lower times n plus the higher), -1 for an artisan paired with herself."""
    if i == j:
        return -1
    return min(i, j) * n + max(i, j)


@nb.njit(cache=True)
def short(ai):
    """Whether an artisan had orders it could not fill worth passing on."""
    return ai.unmet >= max(MIN_PASSED, PASS_SHARE * ai.orders)


@nb.njit(cache=True)
def _end(tj):
    tj.partner = False
    tj.since = -1


@nb.njit(cache=True, inline="always")
def refresh_entrants(a, ties, m, month, trust_within, trust_between):
    """The ties of businesses opened this month start at their baselines: a new
    business has its household's social ties, not its predecessor's record."""
    for j in range(m):
        tj = ties[j]
        if a[tj.u].opened == month or a[tj.v].opened == month:
            base = trust_between if tj.between else trust_within
            tj.trust_uv = base
            tj.trust_vu = base
            _end(tj)


@nb.njit(cache=True, inline="always")
def end(a, ties, m, events, par, month):
    """Partnerships end on distrust, idleness or closure (see the module); a buyer
    whose supply tie ended goes back to traders."""
    pr = par[0]
    ev = events[0]
    for j in range(m):
        tj = ties[j]
        if not tj.partner:
            continue
        u, v = tj.u, tj.v
        if not (a[u].active and a[v].active):
            ev.ended_closed += 1
        elif min(tj.trust_uv, tj.trust_vu) < pr.trust_end_below:
            ev.ended_trust += 1
            ev.ended_reciprocity += min(a[u].norm, a[v].norm)
        elif month - max(tj.last_used, tj.since) >= pr.trust_idle_end:
            ev.ended_idle += 1
        else:
            continue
        _end(tj)
        for x in (u, v):
            if a[x].supplier_tie == j:
                a[x].supplier = -1
                a[x].supplier_tie = -1


@nb.njit(cache=True)
def _input_cost(ai, prod, trust, supplier_quality, supplied, par, raw_material):
    """Expected cost of a unit's inputs: from a supplier (``supplied``) or traders."""
    base = prod.price * prod.material_share
    worth = par.learning_weight_inputs * par.market_quality_premium * prod.price
    if supplied:
        price = base * (1.0 - par.production_stage_discount)
        return price + par.trust_supply_risk * (1.0 - trust) * base - worth * supplier_quality
    return (base + par.trust_supply_risk * (1.0 - raw_material) * base
            - worth * par.production_trader_input_quality)


@nb.njit(cache=True, inline="always")
def choose_suppliers(a, ties, ptr, nbr, edge, vills, prods, events, par, key, month):
    """Each artisan at a later stage keeps, switches or tries a supplier (see the module)."""
    pr = par[0]
    ev = events[0]
    n = len(a)
    # each supplier's capacity promised to its buyers
    load = np.zeros(n)
    for i in range(n):
        if a[i].active and a[i].supplier >= 0:
            load[a[i].supplier] += a[i].expected * pr.production_stage_work
    for i in range(n):
        ai = a[i]
        if not ai.active or ai.stage == 0:
            continue
        prod = prods[ai.product]
        need = ai.expected * pr.production_stage_work
        rm = vills[ai.village].raw_material
        cur = ai.supplier
        if cur >= 0:
            t_cur = trust_of(ties[ai.supplier_tie], 0 if ties[ai.supplier_tie].u == i else 1)
            cur_cost = _input_cost(ai, prod, t_cur, a[cur].quality, True, pr, rm)
            loyalty = t_cur
        else:
            cur_cost = _input_cost(ai, prod, 0.0, 0.0, False, pr, rm)
            loyalty = 0.0
        best = -1
        best_k = -1
        best_cost = 0.0
        trial = -1
        trial_k = -1
        trial_trust = -1.0
        for k in range(ptr[i], ptr[i + 1]):
            b = nbr[k]
            if b == cur or not a[b].active or a[b].product != ai.product or a[b].stage != ai.stage - 1:
                continue
            tj = ties[edge[k]]
            side = 0 if tj.u == i else 1
            t_ib = trust_of(tj, side)
            t_bi = trust_of(tj, 1 - side)
            room = a[b].capacity - a[b].plan - load[b]
            if t_ib >= pr.trust_partner_min and t_bi >= pr.trust_partner_min and room >= need:
                c = _input_cost(ai, prod, t_ib, a[b].quality, True, pr, rm)
                if best < 0 or c < best_cost:
                    best, best_k, best_cost = b, k, c
            elif t_ib > trial_trust and room >= need:
                trial, trial_trust = b, t_ib
                trial_k = k
        if best >= 0 and cur_cost - best_cost > pr.trust_switch_threshold * prod.price \
                * prod.material_share * loyalty:
            if cur >= 0:
                ev.switches += 1
                load[cur] -= need
            load[best] += need
            j = edge[best_k]
            if not ties[j].partner:
                ties[j].partner = True
                ties[j].since = month
                ev.formed += 1
            ai.supplier = best
            ai.supplier_tie = j
        elif cur < 0 and best < 0 and trial >= 0 and uniform(key, TRIAL, month, i, trial) < pr.trust_trial_rate:
            j = edge[trial_k]
            if not ties[j].partner:
                ties[j].partner = True
                ties[j].since = month
                ev.formed += 1
            ai.supplier = trial
            ai.supplier_tie = j
            load[trial] += need
            ev.trials += 1


@nb.njit(cache=True, inline="always")
def form(a, ties, m, events, par, key, month):
    """New partnerships on ties between active artisans of the same product (see the module)."""
    pr = par[0]
    ev = events[0]
    span = max(1e-9, 1.0 - pr.trust_partner_min)
    for j in range(m):
        tj = ties[j]
        if tj.partner:
            continue
        u, v = tj.u, tj.v
        au, av = a[u], a[v]
        if not (au.active and av.active) or au.product != av.product:
            continue
        f = (min(tj.trust_uv, tj.trust_vu) - pr.trust_partner_min) / span
        if f <= 0:
            continue
        if (short(au) and av.spare > 0) or (short(av) and au.spare > 0):
            benefit = BENEFIT_SUBCONTRACT
        elif au.reach != av.reach:
            benefit = BENEFIT_REFERRAL
        else:
            benefit = BENEFIT_OTHER
        if uniform(key, FORM, month, u, v) < pr.trust_partner_rate * benefit * min(f, 1.0):
            tj.partner = True
            tj.since = month
            tj.last_used = month
            ev.formed += 1


@nb.njit(cache=True)
def forget(a, ties, m, par, month):
    """Business contacts no business passed along for ``forget_months`` (and that are
    not partnerships) are forgotten: the ties are removed and the rest close ranks
    (suppliers' tie indices follow). Returns the new count."""
    pr = par[0]
    new_index = np.empty(m, np.int64)
    r = 0
    k = 0
    for j in range(m):
        tj = ties[j]
        if not tj.kin and not tj.partner and month - tj.last_used >= pr.trust_forget_months:
            r += 1
            new_index[j] = -1
            continue
        if k != j:
            ties[k] = ties[j]
        new_index[j] = k
        k += 1
    if r:
        for i in range(len(a)):
            if a[i].supplier_tie >= 0:
                a[i].supplier_tie = new_index[a[i].supplier_tie]
    return k


@nb.njit(cache=True)
def _groups(keys, n_keys):
    """Counting sort: members of each key (``keys < 0``: none) as CSR arrays."""
    ptr = np.zeros(n_keys + 1, np.int64)
    for i in range(len(keys)):
        if keys[i] >= 0:
            ptr[keys[i] + 1] += 1
    for k in range(n_keys):
        ptr[k + 1] += ptr[k]
    fill = ptr[:n_keys].copy()
    members = np.empty(ptr[n_keys], np.int64)
    for i in range(len(keys)):
        if keys[i] >= 0:
            members[fill[keys[i]]] = i
            fill[keys[i]] += 1
    return ptr, members


@nb.njit(cache=True, inline="always")
def proposals(a, ties, m, ptr, nbr, edge, n_products, n_stages, par, key, month, trust_between):
    """New ties met this month without a programme: through traders, shared buyers
    and partners' introductions (see the module). Returns (i, j, trust) arrays of
    pairs that are not ties yet, each once (the first mention's trust)."""
    pr = par[0]
    n = len(a)
    # active producers by (product, stage), and by product among those selling outside
    stage_key = np.full(n, -1, np.int64)
    buyer_key = np.full(n, -1, np.int64)
    for i in range(n):
        if a[i].active:
            stage_key[i] = a[i].product * n_stages + a[i].stage
            if a[i].sold[1] + a[i].sold[2] > 0:
                buyer_key[i] = a[i].product
    s_ptr, s_members = _groups(stage_key, n_products * n_stages)
    b_ptr, b_members = _groups(buyer_key, n_products)
    cap = 2 * n + m + 16  # at most two meetings per producer, then introductions
    src = np.empty(cap, np.int64)
    dst = np.empty(cap, np.int64)
    tru = np.empty(cap)
    c = 0
    for i in range(n):
        ai = a[i]
        if not ai.active:
            continue
        # a later-stage buyer with no earlier-stage producer among its ties meets one
        if ai.stage > 0 and ai.supplier < 0:
            tied = False
            for k in range(ptr[i], ptr[i + 1]):
                b = nbr[k]
                if a[b].active and a[b].product == ai.product and a[b].stage == ai.stage - 1:
                    tied = True
                    break
            g = ai.product * n_stages + ai.stage - 1
            size = s_ptr[g + 1] - s_ptr[g]
            if not tied and size > 0 and uniform(key, SEARCH, month, i) < pr.trust_search_rate:
                pick = s_members[s_ptr[g] + int(uniform(key, SEARCH_PICK, month, i) * size)]
                src[c], dst[c], tru[c] = i, pick, trust_between
                c += 1
        # sellers to the same outside buyers meet
        if buyer_key[i] >= 0:
            g = ai.product
            size = b_ptr[g + 1] - b_ptr[g]
            if size > 1 and uniform(key, BUYER, month, i) < pr.trust_buyer_rate:
                pick = b_members[b_ptr[g] + int(uniform(key, BUYER_PICK, month, i) * size)]
                if pick != i:
                    src[c], dst[c], tru[c] = i, pick, trust_between
                    c += 1
    # partners introduce a partner of theirs
    for j in range(m):
        tj = ties[j]
        if not tj.partner or c >= cap:
            continue
        if uniform(key, INTRODUCE, month, tj.u, tj.v) >= pr.trust_introduce_rate:
            continue
        r = uniform(key, INTRODUCE_PICK, month, tj.u, tj.v)
        introducer = tj.u if r < 0.5 else tj.v
        newcomer = tj.v if r < 0.5 else tj.u
        lo, hi = ptr[introducer], ptr[introducer + 1]
        count = 0
        for k in range(lo, hi):
            if ties[edge[k]].partner and nbr[k] != newcomer:
                count += 1
        if count == 0:
            continue
        pick = int((r * 2.0 - (0.0 if r < 0.5 else 1.0)) * count)
        for k in range(lo, hi):
            if ties[edge[k]].partner and nbr[k] != newcomer:
                if pick == 0:
                    other = nbr[k]
                    if a[newcomer].active and a[other].active:
                        t = trust_of(tj, 0 if tj.u == introducer else 1) * trust_of(
                            ties[edge[k]], 0 if ties[edge[k]].u == introducer else 1)
                        src[c], dst[c], tru[c] = newcomer, other, t
                        c += 1
                    break
                pick -= 1
    # each pair once, and only pairs that are not ties yet
    key = np.empty(c, np.int64)
    for q in range(c):
        key[q] = pair_key(src[q], dst[q], n)
    order = np.argsort(key, kind="mergesort")  # stable: the first mention first
    keep = np.zeros(c, np.bool_)
    last = -1
    for q in range(c):
        x = key[order[q]]
        if x < 0 or x == last:
            continue
        last = x
        lo, hi = x // n, x % n
        tied = False
        for k in range(ptr[lo], ptr[lo + 1]):
            if nbr[k] == hi:
                tied = True
                break
        keep[order[q]] = not tied
    return src[:c][keep], dst[:c][keep], tru[:c][keep]


@nb.njit(cache=True)
def meetings(a, people, key, month, number):
    """Who meets whom at a fair or a forum: ``people`` paired with themselves shuffled
    (each one's draw for the event), the pairs from different villages kept. Returns
    (``src``, ``dst``)."""
    k = len(people)
    draw = np.empty(k)
    for q in range(k):
        draw[q] = uniform(key, FAIR, month, people[q], number)
    other = people[np.argsort(draw, kind="mergesort")]
    keep = np.empty(k, np.bool_)
    for q in range(k):
        keep[q] = a[people[q]].village != a[other[q]].village
    return people[keep], other[keep]


@nb.njit(cache=True)
def append(ties, m, src, dst, trust, a, month, checked, events):
    """Write the pairs ``src``-``dst`` that are not ties yet (each once, with the trust of
    its first mention) from slot ``m`` on, as business contacts; the room is already
    there (``checked``: the caller knows they are new and distinct). Counts them in
    ``events`` (``ties_added``, ``ties_added_between``). Returns the new count of ties."""
    n = len(a)
    first = m
    k = len(src)
    key = np.empty(k, np.int64)
    for q in range(k):
        key[q] = pair_key(src[q], dst[q], n)
    order = np.argsort(key, kind="mergesort")  # stable: the first mention first
    tied = np.zeros(k, np.bool_)  # in sorted order: the pair is a tie already
    if not checked and k:
        ranked = key[order]
        for j in range(m):
            x = pair_key(ties[j].u, ties[j].v, n)
            pos = np.searchsorted(ranked, x)
            while pos < k and ranked[pos] == x:
                tied[pos] = True
                pos += 1
    between = 0
    last = -1
    for q in range(k):
        x = key[order[q]]
        if x < 0 or x == last:
            continue
        last = x
        if tied[q]:
            continue
        u, v = x // n, x % n
        tj = ties[m]
        tj.u = u
        tj.v = v
        tj.trust_uv = trust[order[q]]
        tj.trust_vu = trust[order[q]]
        tj.partner = False
        tj.since = -1
        tj.between = a[u].village != a[v].village
        tj.kin = False
        tj.last_used = month
        tj.volume = 0.0
        if tj.between:
            between += 1
        m += 1
    ev = events[0]
    ev.ties_added += m - first
    ev.ties_added_between += between
    return m


def add_ties(ties, a, src, dst, trust, month: int, events) -> int:
    """Add the ties ``src``-``dst`` that do not exist yet (each pair once, with the trust
    of its first mention: one value or one per pair), as business contacts, counted in
    ``events`` (:func:`tie_up`). Returns how many were added."""
    src = np.asarray(src, np.int64)
    trust = np.full(len(src), float(trust)) if np.ndim(trust) == 0 else np.ascontiguousarray(trust, float)
    before = ties.m
    data, ties.m = tie_up(ties.data, ties.m, a, src, np.asarray(dst, np.int64), trust, month, events)
    ties.rebind(data)
    return ties.m - before


@nb.njit(cache=True)
def tie_up(ties, m, a, src, dst, trust, month, events):
    """The pairs ``src``-``dst`` that are not ties yet added as business contacts (each
    once, with the trust of its first mention; :func:`append`), the tie records grown
    first when full. Returns the tie records (a new array when they grew) and the new
    number of ties."""
    ties = with_room(ties, m, len(src))
    return ties, append(ties, m, src, dst, trust, a, month, False, events)
