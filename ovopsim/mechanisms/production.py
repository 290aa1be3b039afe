"""Capacity, the production plan, hiring and equipment (ODD 7.1).

Capacity (units a month at normal hours)::

    capacity = output_per_worker x (1 + workers) x equipment_productivity[tier]
               x (0.5 + technical skill)

In festive months overtime and family labour add ``overtime`` headroom. The plan
is the orders an artisan expects, raised in festive months by the lift it has
learned to expect from its regular customers (``festive_learning``), plus
``plan_buffer``, less its stock, within capacity. Output::

    output = plan, as far as inputs arrive, x season

where inputs come from a supplying partner or traders
(:func:`ovopsim.mechanisms.exchange.supply`) and ``season`` is ``1 - rainy_dip``
in rainy months for products that are sun-dried (Rasau Jaya: crackers and chips
cannot all be dried; the inputs of what is lost are spent), 1 otherwise.

Hiring and equipment follow orders, prices and cash. An artisan wants enough
capacity at normal hours that its expected orders use ``market.normal_utilisation``
of it (the utilisation at which prices hold), more when its market's price is
above the reference and less when below (``price_response``: a high price says
buyers want more than is made; in the long run prices return to the reference
and demand is met by capacity). Workers come whole: the gap between the
capacity it wants and its capacity, in workers' output, times ``HIRING_PACE``,
is the chance that it hires one this month (when short) or lays one off (when
over), so capacity follows what it wants without lurching; a business more than
a worker over lays off at once every worker it has too many. It hires only if a
worker's output earns more than the wage at this month's price, cash covers
a month's wages, the village's labour pool (``labour_share`` x households:
all workers are local) has someone free, and it is below ``max_workers``; it also
lays one off when cash is negative. It buys the next equipment tier
when capacity falls short of what it wants by a fifth and cash is
``invest_buffer`` times the tier's price.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from ..state import SKILL
from .random import HIRE, uniform

HIRE_CASH_MONTHS = 0.0     # months of wages in cash needed to hire
HIRING_PACE = 0.5          # chance of a hire (lay-off) a month per worker's output short (over)
INVEST_SHORTFALL = 1.2     # equipment when wanted capacity exceeds capacity by this factor


@nb.njit(cache=True)
def base_capacity(ai, prod, par):
    """Units a month at normal hours outside the rainy season."""
    return (prod.output_per_worker * (1 + ai.workers) * par.production_equipment_productivity[ai.tier]
            * (0.5 + ai.practice[SKILL]))


@nb.njit(cache=True)
def season(prod, par, rainy):
    """The share of what is made that can be finished: sun-dried products lose
    ``rainy_dip`` of it in the rainy season."""
    return 1.0 - par.production_rainy_dip if (rainy and prod.dried) else 1.0


@nb.njit(cache=True, inline="always")
def plan(a, prods, par, festive):
    """Capacity, attractiveness to buyers and the production plan of every active artisan."""
    pr = par[0]
    for i in range(len(a)):
        ai = a[i]
        if not ai.active:
            ai.capacity = 0.0
            ai.plan = 0.0
            ai.attract = 0.0
            continue
        prod = prods[ai.product]
        base = base_capacity(ai, prod, pr)
        # buyers follow a producer more than its headcount: orders grow less than
        # in proportion to size (size_elasticity < 1)
        ai.attract = base ** pr.market_size_elasticity * ai.quality * (1.0 + ai.reputation)
        cap = base
        if festive:
            cap *= pr.production_overtime
        ai.capacity = cap
        want = ai.expected * (1.0 + ai.festive_lift if festive else 1.0) * (1.0 + pr.production_plan_buffer)
        ai.plan = min(max(want - ai.inventory, 0.0), cap)


@nb.njit(cache=True, inline="always")
def expect(a, par, festive):
    """Expectations after the month's orders: normal months update expected orders,
    festive months the lift the artisan expects of its regular customers."""
    pr = par[0]
    for i in range(len(a)):
        ai = a[i]
        if not ai.active:
            continue
        if festive:
            if ai.expected > 0:
                seen = ai.orders / ai.expected - 1.0
                ai.festive_lift += pr.production_festive_learning * (seen - ai.festive_lift)
        else:
            ai.expected = 0.7 * ai.expected + 0.3 * ai.orders


@nb.njit(cache=True, inline="always")
def adjust(a, vills, prods, flows, par, key, month):
    """Hiring, lay-offs and equipment after the month's accounts (see the module)."""
    pr = par[0]
    wage = pr.money_wage
    for v in range(len(vills)):
        vills[v].workers = 0
    for i in range(len(a)):
        if a[i].active:
            vills[a[i].village].workers += a[i].workers
    response = np.empty(len(prods))  # each product's price response, once
    for p in range(len(prods)):
        response[p] = prods[p].price_index ** pr.production_price_response
    for i in range(len(a)):
        ai = a[i]
        if not ai.active:
            continue
        prod = prods[ai.product]
        cap = base_capacity(ai, prod, pr)
        per_worker = cap / (1 + ai.workers)
        wanted = ai.expected / pr.market_normal_utilisation * response[ai.product]
        # what a worker's output earns over its inputs, at this month's province price
        earns = per_worker * (ai.unit_price[0] - prod.price * prod.material_share)
        pool = pr.production_labour_share * vills[ai.village].households
        short = (wanted - cap) / per_worker  # workers' output short of what it wants
        draw = uniform(key, HIRE, month, i)
        hire = (draw < HIRING_PACE * short and earns > wage and ai.cash > HIRE_CASH_MONTHS * wage
                and ai.workers < pr.production_max_workers
                and vills[ai.village].workers + vills[ai.village].active < pool)
        fire = ai.workers > 0 and (ai.cash < 0 or draw < -HIRING_PACE * short)
        if fire:
            gone = min(max(1, int(-short)), ai.workers)
            ai.workers -= gone
            vills[ai.village].workers -= gone
        elif hire:
            ai.workers += 1
            vills[ai.village].workers += 1
        if ai.tier < 2:
            price = pr.production_equipment_cost[ai.tier + 1]
            if wanted > INVEST_SHORTFALL * cap and ai.cash >= pr.production_invest_buffer * price:
                ai.cash -= price
                flows[i].invest += price
                ai.tier += 1
