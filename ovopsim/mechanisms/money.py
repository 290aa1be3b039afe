"""Income, the household's draw, closure and entry (ODD 7.3).

**Income** of a month::

    income = sales + inputs sold to partners + commissions received
             - inputs bought (traders and partners) - commissions paid - LJMP fee
             - wages - fixed costs - upkeep - interest

Fixed costs (``fixed_cost``: premises, utilities, transport, permits) and upkeep
(``upkeep`` x the equipment's price) are paid whether or not anything sells. The
household takes income up to ``subsistence`` and ``draw_share`` of the rest, but
only what leaves cash non-negative, and whatever cash exceeds ``reserve_months``
of the month's costs. Cash may go negative (informal debts to suppliers and
neighbours).

**Closure.** A business that has lost money (or had negative cash) for
``months_to_close`` months in a row and is out of cash, or has lost money for
twice as long whatever its savings, cannot pay its way: it closes (a seasonal
loss its savings carry does not close it), lays its workers off, its
partnerships end, its LJMP loan is written off, its informal debts are lost
to its creditors and what cash is left goes home.

**Entry.** A household of a village that has not opened a business (a slot
with ``active`` false: a business that closed, or one of ``world.entrant_share``
potential producers per business) opens one of its product, each month, with
probability ``entry_rate`` x ((mean income of that product's active businesses
in the cluster / ``entry_income``) - 1), capped at ``entry_rate``, if the
village's labour pool has room: new businesses enter where demand pays. It
brings ``entry_capital`` of savings, manual tools, no workers.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .random import ENTRY, uniform


@nb.njit(cache=True, inline="always")
def settle(a, vills, clusters, flows, events, par):
    """Wages, fixed costs, income, the household's draw, cash, and closures."""
    pr = par[0]
    ev = events[0]
    wage = pr.money_wage
    subsistence = pr.money_subsistence
    for i in range(len(a)):
        ai = a[i]
        f = flows[i]
        if not ai.active:
            ai.income = 0.0
            continue
        f.wages += ai.workers * wage
        f.fixed += pr.money_fixed_cost + pr.money_upkeep * pr.production_equipment_cost[ai.tier]
        trading = (f.revenue + f.supply_in + f.com_in - f.materials - f.supply_out - f.com_out - f.fee
                   - f.wages - f.fixed)
        profit = trading - f.interest
        pos = max(profit, 0.0)
        draw = min(pos, subsistence) + pr.money_draw_share * max(pos - subsistence, 0.0)
        draw = min(draw, max(ai.cash + trading, 0.0))
        # what is above the reserve goes home too
        costs = f.wages + f.fixed + f.materials + f.supply_out
        extra = ai.cash + trading - draw - pr.money_reserve_months * costs
        if extra > 0:
            draw += extra
        f.draw += draw
        ai.cash += trading - draw
        ai.income = profit
        ai.income_ema = profit if ai.income_ema == 0 else 0.8 * ai.income_ema + 0.2 * profit
        ai.loss_months = ai.loss_months + 1 if (ai.cash < 0 or profit < 0) else 0
        if ai.loss_months >= pr.money_months_to_close and (
                ai.cash < 0 or ai.loss_months >= 2 * pr.money_months_to_close):
            close(i, a, vills, clusters, flows)
            ev.exits += 1


@nb.njit(cache=True)
def close(i, a, vills, clusters, flows):
    """Artisan ``i`` closes its business (see the module)."""
    ai = a[i]
    f = flows[i]
    ai.active = False
    vills[ai.village].active -= 1
    ai.workers = 0
    if ai.debt > 0:
        f.written_off += ai.debt
        clusters[ai.cluster].loans_out -= ai.debt
        clusters[ai.cluster].written_off += ai.debt
        ai.debt = 0.0
    ai.loan_term_left = 0
    ai.arrears = 0
    if ai.cash < 0:
        f.closure_loss += -ai.cash
    else:
        f.draw += ai.cash  # what is left goes home
    ai.cash = 0.0
    f.spoiled += ai.inventory
    ai.inventory = 0.0
    ai.supplier = -1
    ai.supplier_tie = -1
    ai.ljmp = False
    ai.income = 0.0
    ai.expected = 0.0


@nb.njit(cache=True, inline="always")
def enter(a, fresh, vills, prods, flows, events, par, key, month):
    """Households open businesses where their product pays (see the module). ``fresh``
    holds each slot's household as it was drawn at the start (its skill, norm and
    trust in government), which a new business starts from."""
    pr = par[0]
    ev = events[0]
    n = len(a)
    n_cl = 0
    for i in range(n):
        n_cl = max(n_cl, a[i].cluster + 1)
    n_p = len(prods)
    income = np.zeros((n_cl, n_p))
    count = np.zeros((n_cl, n_p))
    expected = np.zeros((n_cl, n_p))
    for i in range(n):
        if a[i].active:
            income[a[i].cluster, a[i].product] += a[i].income_ema
            count[a[i].cluster, a[i].product] += 1.0
            expected[a[i].cluster, a[i].product] += a[i].expected
    workers = np.zeros(len(vills))
    for i in range(n):
        if a[i].active:
            workers[a[i].village] += 1 + a[i].workers
    for i in range(n):
        ai = a[i]
        if ai.active:
            continue
        c, p = ai.cluster, ai.product
        if count[c, p] == 0:
            continue
        signal = income[c, p] / count[c, p] / pr.money_entry_income - 1.0
        chance = pr.money_entry_rate * min(max(signal, 0.0), 1.0)
        v = ai.village
        if workers[v] + 1 > pr.production_labour_share * vills[v].households:
            continue
        if uniform(key, ENTRY, month, i) >= chance:
            continue
        ai.active = True
        ai.opened = month
        for x in range(5):
            ai.knowledge[x] = fresh[i].knowledge[x]
            ai.practice[x] = fresh[i].practice[x]
        ai.norm = fresh[i].norm
        ai.gov_trust = fresh[i].gov_trust
        ai.quality = fresh[i].quality
        ai.input_quality = fresh[i].input_quality
        ai.loss_months = 0
        ai.tier = 0
        ai.workers = 0
        ai.inventory = 0.0
        ai.cash = pr.money_entry_capital
        flows[i].owner_in += pr.money_entry_capital
        ai.brand = False
        ai.member = False
        ai.board = False
        ai.ljmp = False
        ai.barred = False
        ai.reached = False
        ai.exposure = 0.0
        ai.reputation = 0.0
        ai.income = 0.0
        ai.income_ema = 0.0
        ai.festive_lift = 0.0
        ai.supplier = -1
        ai.supplier_tie = -1
        # a newcomer expects half of what the established businesses of its product sell
        ai.expected = 0.5 * expected[c, p] / count[c, p]
        vills[v].active += 1
        workers[v] += 1
        ev.entries += 1
