"""Business along ties, returning favours, and the trust rule (ODD 7.5; Proppo).

Trust is directed and lives on every tie: ``trust_uv`` is u's trust in v.

**Business along ties, each month.**

* *Supplies* (:func:`supply`). An artisan whose village works at a later stage
  of a product buys its inputs from a supplying partner at the earlier stage
  (:mod:`.partnerships` chooses it) for ``1 - stage_discount`` of the traders'
  price. The supplier spends ``stage_work`` of its spare capacity per unit and
  buys its own raw inputs from traders. Delivering is a decision
  (:func:`honours`, with the supplier's trust in the buyer). What the partner
  does not deliver, and every input of artisans without a supplier, comes
  from traders, who deliver ``raw_material`` of it (the village's
  availability). Output = inputs obtained, at most the plan.
* *Orders passed* (:func:`subcontract`). After the market, an artisan with
  unmet orders passes them to tied artisans of the same product with spare
  capacity: partners, and other ties it trusts at least ``pass_min``, in
  proportion to its trust (partners count double). The receiver makes and
  delivers them at the giver's price and owes the giver ``commission`` of its
  margin: a favour to return.
* *Settling* (:func:`settle`). Every debt of the month (inputs delivered,
  commissions owed) is paid or not: a decision.

**Returning a favour is a decision** (:func:`honours`): never when the artisan
cannot afford it this month; otherwise she defects with probability
``(1 - norm) x (1 - norm_weight x trust in the other) x temptation``.

**The trust rule** (:func:`settle`). Each experience moves the trust of the one
who had it: a good one (an order passed to her, a supply delivered in full, a
debt paid) closes ``gain`` of the gap to 1; a bad one (a supply short, a debt
not paid) takes away ``loss`` of her trust. A tie with no business in a month
drifts ``neglect`` of the way back to its baseline (``network.trust_within``
within a village, ``trust_between`` across). **What partners say travels**: a
bad experience of x with y lowers the trust in y of each partner k of x tied
to y by ``gossip x trust of k in x x loss x trust of k in y``.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .production import season
from .random import DELIVER, RECIPROCATE, uniform

SUPPLY, COMMISSION = 0, 1
VOLUME_MEMORY = 0.9  # monthly persistence of the value exchanged along a tie
MIN_PASSED = 1.0     # units: smaller shortfalls are not worth passing on
PASS_SHARE = 0.05    # nor shortfalls below this share of the month's orders
FULL_DELIVERY = 1.0 - 1e-9  # a supply counts as delivered in full above this share of the need


@nb.njit(cache=True)
def honours(norm, trust, able, u, pr):
    """Whether an artisan returns a favour, pays a debt or delivers a supply (see the
    module): never when she cannot; else unless ``u`` falls below the chance of
    defecting, which falls with her norm and her trust in the other."""
    if not able:
        return False
    return u >= (1.0 - norm) * (1.0 - pr.trust_norm_weight * trust) * pr.trust_temptation


@nb.njit(cache=True)
def trust_of(tie, side):
    """The trust of side 0 (u) in v, or of side 1 (v) in u."""
    return tie.trust_uv if side == 0 else tie.trust_vu


@nb.njit(cache=True, inline="always")
def adjacency(ties, m, n):
    """Every artisan's ties as CSR arrays: ``nbr[ptr[i]:ptr[i + 1]]`` are i's neighbours
    and ``edge[...]`` the ties to them."""
    ptr = np.zeros(n + 1, np.int64)
    for j in range(m):
        ptr[ties[j].u + 1] += 1
        ptr[ties[j].v + 1] += 1
    for i in range(n):
        ptr[i + 1] += ptr[i]
    fill = ptr[:n].copy()
    nbr = np.empty(2 * m, np.int64)
    edge = np.empty(2 * m, np.int64)
    for j in range(m):
        u = ties[j].u
        v = ties[j].v
        nbr[fill[u]] = v
        edge[fill[u]] = j
        fill[u] += 1
        nbr[fill[v]] = u
        edge[fill[v]] = j
        fill[v] += 1
    return ptr, nbr, edge


@nb.njit(cache=True, inline="always")
def supply(a, ties, vills, prods, flows, events, par, key, month, rainy):
    """Inputs for each active artisan's plan, from its supplying partner or traders;
    output (x the season, :func:`ovopsim.mechanisms.production.season`), input quality
    and spare capacity (see the module)."""
    pr = par[0]
    ev = events[0]
    n = len(a)
    committed = np.zeros(n)  # suppliers' capacity spent on their buyers
    for i in range(n):
        ai = a[i]
        ai.output = 0.0
        ai.delivered = 0.0
        if not ai.active or ai.plan <= 0:
            continue
        prod = prods[ai.product]
        input_price = prod.price * prod.material_share
        need = ai.plan
        got = 0.0
        quality = 0.0
        s = ai.supplier
        if s >= 0 and a[s].active:
            j = ai.supplier_tie
            side_s = 0 if ties[j].u == s else 1
            side_i = 1 - side_s
            room = max(a[s].capacity - a[s].plan - committed[s], 0.0) / pr.production_stage_work
            ev.supplies_due += 1
            draw = uniform(key, DELIVER, month, s, i)
            q = min(need, room) if honours(a[s].norm, trust_of(ties[j], side_s), True, draw, pr) else 0.0
            if q >= need * FULL_DELIVERY:
                ties[j].good[side_i] += 1
                ev.supplies_delivered += 1
            else:
                ties[j].bad[side_i] += 1
            if q > 0:
                committed[s] += q * pr.production_stage_work
                price = input_price * (1.0 - pr.production_stage_discount)
                ties[j].owe_supply[side_i] += q * price
                ties[j].last_used = month
                # the supplier's own raw inputs, from traders
                flows[s].materials += q * price * prods[a[s].product].material_share
                got = q
                quality = q * a[s].quality
        bought = (need - got) * vills[ai.village].raw_material
        flows[i].materials += bought * input_price
        made = got + bought
        out = made * season(prod, pr, rainy)
        ai.output = out
        ai.delivered = got
        ai.input_quality = (quality + bought * pr.production_trader_input_quality) / made if made > 0 \
            else pr.production_trader_input_quality
        flows[i].produced += out
    for i in range(n):
        ai = a[i]
        ai.spare = max(ai.capacity - ai.plan - committed[i], 0.0) if ai.active else 0.0


@nb.njit(cache=True, inline="always")
def subcontract(a, ties, ptr, nbr, edge, vills, prods, flows, events, par, month, rainy):
    """Unmet orders passed along ties to artisans of the same product with spare
    capacity, who make them and owe a commission (see the module)."""
    pr = par[0]
    ev = events[0]
    most = 0  # the most ties any artisan has: room for one artisan's weights at a time
    for i in range(len(a)):
        most = max(most, ptr[i + 1] - ptr[i])
    w = np.empty(most)
    for i in range(len(a)):
        ai = a[i]
        if not ai.active or ai.unmet < max(MIN_PASSED, PASS_SHARE * ai.orders):
            continue
        lo, hi = ptr[i], ptr[i + 1]
        w[:hi - lo] = 0.0
        total = 0.0
        for k in range(lo, hi):
            b = nbr[k]
            j = edge[k]
            if not a[b].active or a[b].product != ai.product or a[b].spare <= 0:
                continue
            t = trust_of(ties[j], 0 if ties[j].u == i else 1)
            if ties[j].partner:
                w[k - lo] = 2.0 * t
            elif t >= pr.trust_pass_min:
                w[k - lo] = t
            total += w[k - lo]
        if total <= 0:
            continue
        for tier in (2, 1, 0):
            want = ai.orders_by_tier[tier] - ai.sold[tier]
            if want <= 1e-9:
                continue
            for k in range(lo, hi):
                if w[k - lo] <= 0:
                    continue
                b = nbr[k]
                j = edge[k]
                bb = a[b]
                prod = prods[bb.product]
                q = min(want * w[k - lo] / total,
                        bb.spare * vills[bb.village].raw_material * season(prod, pr, rainy))
                if q <= 1e-12:
                    continue
                value = q * ai.unit_price[tier]
                cost = q / season(prod, pr, rainy) * prod.price * prod.material_share
                bb.spare -= q / season(prod, pr, rainy)
                bb.output += q
                bb.sold[tier] += q
                bb.sales_by_tier[tier] += value
                bb.sales_units += q
                bb.revenue += value
                flows[b].produced += q
                flows[b].sold += q
                flows[b].revenue += value
                flows[b].materials += cost
                ai.unmet -= q
                side_b = 0 if ties[j].u == b else 1
                ties[j].owe_com[side_b] += pr.trust_commission * max(value - cost, 0.0)
                ties[j].good[side_b] += 1  # an order passed to her
                ties[j].last_used = month
                ties[j].volume += value
                ev.orders_passed += value


@nb.njit(cache=True)
def _available(i, a, flows):
    """Cash an artisan can pay debts from this month: its cash and the month's trading so far."""
    f = flows[i]
    return (a[i].cash + f.revenue + f.supply_in + f.com_in - f.materials - f.supply_out - f.com_out
            - f.fee)


@nb.njit(cache=True)
def _tie_between(ptr, nbr, edge, x, y):
    for k in range(ptr[x], ptr[x + 1]):
        if nbr[k] == y:
            return edge[k]
    return -1


@nb.njit(cache=True, inline="always")
def settle(a, ties, m, ptr, nbr, edge, flows, events, par, key, month, trust_within, trust_between):
    """Debts of the month paid or not, then the trust rule on every tie and gossip
    (see the module). Clears the month's dealings.

    One pass over the ties: a tie's debts, then its trust rule (which reads only that
    tie's experiences), then its dealings cleared; the bad experiences are kept, in
    that order, for gossip, which reads the trust the pass left on every tie."""
    pr = par[0]
    ev = events[0]
    n_bad = 0
    gossip = pr.trust_gossip > 0
    # room for every bad experience gossip may pass on: those already counted and at
    # most two more per side (a supply and a commission debt) from the debts below
    room = 0
    if gossip:
        for j in range(m):
            room += ties[j].bad[0] + ties[j].bad[1] + 4
    bad_from = np.empty(room, np.int64)
    bad_to = np.empty(room, np.int64)
    for j in range(m):
        tj = ties[j]
        for side in range(2):
            debtor = tj.u if side == 0 else tj.v
            creditor = tj.v if side == 0 else tj.u
            for kind in range(2):
                owe = tj.owe_supply[side] if kind == SUPPLY else tj.owe_com[side]
                if owe <= 0:
                    continue
                able = _available(debtor, a, flows) >= owe
                draw = uniform(key, RECIPROCATE, month, debtor, creditor * 2 + kind)
                paid = honours(a[debtor].norm, trust_of(tj, side), able, draw, pr)
                if kind == SUPPLY:
                    ev.payments_due += 1
                else:
                    ev.favours_owed += 1
                if paid:
                    if kind == SUPPLY:
                        flows[debtor].supply_out += owe
                        flows[creditor].supply_in += owe
                        ev.payments_made += 1
                    else:
                        flows[debtor].com_out += owe
                        flows[creditor].com_in += owe
                        ev.favours_returned += 1
                    tj.good[1 - side] += 1
                else:
                    tj.bad[1 - side] += 1
                tj.volume += owe
        # the trust rule
        used = tj.last_used == month
        base = trust_between if tj.between else trust_within
        for side in range(2):
            t = trust_of(tj, side)
            for _ in range(tj.good[side]):
                t += pr.trust_gain * (1.0 - t)
            for _ in range(tj.bad[side]):
                t -= pr.trust_loss * t
            if not used and tj.good[side] + tj.bad[side] == 0:
                t += pr.trust_neglect * (base - t)
            t = min(max(t, 0.0), 1.0)
            if side == 0:
                tj.trust_uv = t
            else:
                tj.trust_vu = t
            if gossip:
                for _ in range(tj.bad[side]):
                    bad_from[n_bad] = tj.u if side == 0 else tj.v
                    bad_to[n_bad] = tj.v if side == 0 else tj.u
                    n_bad += 1
        tj.volume *= VOLUME_MEMORY
        for side in range(2):
            tj.owe_supply[side] = 0.0
            tj.owe_com[side] = 0.0
            tj.good[side] = 0
            tj.bad[side] = 0
    # what partners say: a bad experience of x with y travels to x's partners tied to y
    if n_bad:
        for e in range(n_bad):
            x = bad_from[e]
            y = bad_to[e]
            for k in range(ptr[x], ptr[x + 1]):
                kx = edge[k]
                if not ties[kx].partner:
                    continue
                z = nbr[k]
                if z == y:
                    continue
                ky = _tie_between(ptr, nbr, edge, z, y)
                if ky < 0:
                    continue
                t_zx = trust_of(ties[kx], 0 if ties[kx].u == z else 1)
                side_zy = 0 if ties[ky].u == z else 1
                t = trust_of(ties[ky], side_zy)
                t -= pr.trust_gossip * t_zx * pr.trust_loss * t
                if side_zy == 0:
                    ties[ky].trust_uv = t
                else:
                    ties[ky].trust_vu = t
                ev.gossip += 1
