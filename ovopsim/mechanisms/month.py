"""The month's business after the programmes, compiled as one call (ODD 3).

:func:`economy` calls the mechanisms' kernels in the order of the month; each rule
lives in its own module. What needs Python comes before (the government's budget,
shocks and programmes, :class:`ovopsim.model.OVOPModel`) and after (adding the ties
met this month, which may grow the tie records).

The kernels :func:`economy` calls are compiled into it (``inline="always"``), as
if written out in it: an array passed from one compiled function to another that
is not inlined takes a reference count on the way in and out, which at some
twenty steps a month was a few percent of a small run. Each kernel can still be
called on its own (the tests do).
"""

from __future__ import annotations

import numba as nb

from . import exchange, learning, ljmp, market, money, partnerships, production


@nb.njit(cache=True)
def end(a, ties, m, vills, officers, par, month):
    """Business contacts forgotten; officers and boards learn on the job. Returns the
    number of ties."""
    regrowth = par[0].government_knowledge_regrowth
    for k in range(len(officers)):
        officers[k] += regrowth * (1.0 - officers[k])
    for v in range(len(vills)):
        vills[v].knowledge += regrowth * (1.0 - vills[v].knowledge)
    return partnerships.forget(a, ties, m, par, month)


@nb.njit(cache=True)
def economy(a, fresh, ties, m, vills, prods, clusters, flows, cflows, events, par, key, month, festive, rainy,
            growth, access_boost, trust_within, trust_between, n_stages):
    """The LJMP's repayments and operations; capacity and plans; inputs and output;
    the market; aggregation; orders passed along ties; debts settled and the trust
    rule; prices; expectations; money, hiring and equipment; entry; partnerships
    ending, suppliers, partnerships forming; learning, quality and reach.

    Returns the new ties met this month (``src``, ``dst``, ``trust``) for the caller
    to add."""
    ljmp.repay(a, clusters, flows, cflows, events, par, key, month)
    ljmp.operate(a, prods, clusters, flows, cflows, events, par, key, month)
    production.plan(a, prods, par, festive)
    exchange.supply(a, ties, vills, prods, flows, events, par, key, month, rainy)
    market.sell(a, prods, clusters, flows, par, festive, growth, access_boost)
    ljmp.aggregate(a, clusters, flows, cflows, par)
    ptr, nbr, edge = exchange.adjacency(ties, m, len(a))
    exchange.subcontract(a, ties, ptr, nbr, edge, vills, prods, flows, events, par, month, rainy)
    exchange.settle(a, ties, m, ptr, nbr, edge, flows, events, par, key, month, trust_within, trust_between)
    market.adjust_prices(a, prods, par, festive)
    production.expect(a, par, festive)
    money.settle(a, vills, clusters, flows, events, par)
    production.adjust(a, vills, prods, flows, par, key, month)
    money.enter(a, fresh, vills, prods, flows, events, par, key, month)
    partnerships.refresh_entrants(a, ties, m, month, trust_within, trust_between)
    partnerships.end(a, ties, m, events, par, month)
    partnerships.choose_suppliers(a, ties, ptr, nbr, edge, vills, prods, events, par, key, month)
    partnerships.form(a, ties, m, events, par, key, month)
    met = partnerships.proposals(a, ties, m, ptr, nbr, edge, len(prods), n_stages, par, key, month,
                                 trust_between)
    learning.month(a, vills, par)
    learning.quality_and_reach(a, ties, m, vills, prods, par)
    return met
