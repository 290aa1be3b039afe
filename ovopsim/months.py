"""The compiled rest of a month, and the warm-up's months in one compiled call.

A month (:class:`ovopsim.model.OVOPModel`) is the government's programmes, which need
Python, then :func:`after_government`: the month's business
(:func:`ovopsim.mechanisms.month.economy`), the ties met added as business contacts
(the tie records grown when full), business contacts forgotten and officers
learning (:func:`ovopsim.mechanisms.month.end`), the books checked to close
(:func:`ovopsim.accounting.close_books`), the counts since month 1 kept
(:func:`ovopsim.indicators.add_totals`) and the month's indicators recorded
(:func:`ovopsim.indicators.month_row`).

Every month starts with :func:`start_month` (no flows, events or mentors yet; the
stocks copied for the check of the books). Recorded months in which the government
does nothing (no fiscal year opens, no round is due, no shock acts) run several to a
call (:func:`quiet_months`). The warm-up's months have no government,
so :func:`warm_months` runs them in one call, each month :func:`start_month` and then
:func:`after_government`; it returns each month's mean income, jobs and businesses
open, from which the model reads whether the economy has settled, and each slot's
income over the months.

Arguments come in named groups (tuples): ``world`` = (artisans, fresh households,
villages, products, clusters), ``flows`` = (artisan flows, cluster flows, events),
``books`` = (stocks at the start of the month, LJMP funds at the start, the artisans'
flows as a matrix, the flows' effects on the stocks), ``gov`` = (the budget's balance at the start and at the end,
appropriated, lapsed, cut, spent), ``trust`` = (initial trust within and between
villages).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .accounting import close_books, snapshot
from .indicators import add_totals, month_row
from .mechanisms import month as month_kernels
from .mechanisms.government import agency_knowledge
from .mechanisms.numeric import numpy_sum
from .mechanisms.partnerships import append
from .state import with_room


@nb.njit(cache=True)
def after_government(world, ties, m, flows, books, gov, par, key, month, festive, rainy, growth,
                     access_boost, trust, n_stages, officers, totals, turnovers, check, record):
    """The month after the government's programmes (see the module), and its indicators
    recorded (:func:`ovopsim.indicators.month_row`) into ``record`` = (the row, the
    calendar year and month, the budget spent since month 1); a row of length 0 records
    nothing (the warm-up). Returns the tie records (a new array when they had to grow),
    the number of ties, and the check of the books: (0, 0.0), or a failure's code and
    value (:data:`ovopsim.accounting.FAILURES`)."""
    a, fresh, vills, prods, clusters = world
    fa, fc, events = flows
    src, dst, tie_trust = month_kernels.economy(a, fresh, ties, m, vills, prods, clusters, fa, fc, events,
                                                par, key, month, festive, rainy, growth, access_boost,
                                                trust[0], trust[1], n_stages)
    ties = with_room(ties, m, len(src))
    m = append(ties, m, src, dst, tie_trust, a, month, True, events)
    m = month_kernels.end(a, ties, m, vills, officers, par, month)
    code, value = 0, 0.0
    if check:
        held, fund, flow_matrix, terms = books
        code, value = close_books(held, a, flow_matrix, terms, fund, clusters, fc, gov[0], gov[1], gov[2], gov[3],
                                  gov[4], gov[5])
    add_totals(totals, events, fa, turnovers)
    row, year, calendar_month, spent_total = record
    if len(row) and code == 0:  # a month whose books fail is not recorded
        month_row(row, month, year, calendar_month, festive, rainy, a, ties, m, vills, prods, clusters, fa, fc,
                  events, totals, agency_knowledge(officers), gov[1], gov[5], spent_total)
    return ties, m, code, value


@nb.njit(cache=True)
def start_month(blocks, a, clusters, books, check):
    """Every month starts so: no flows or events yet (``blocks``: the month's flows and
    events as bytes), no mentor assigned, and, for the check of the books, the stocks
    and LJMP funds at its start copied (``books``)."""
    for block in blocks:
        block[:] = 0
    for i in range(len(a)):
        a[i].mentored = False
    if check:
        snapshot(a, clusters, books[0], books[1])


@nb.njit(cache=True)
def warm_months(world, ties, m, flows, blocks, books, balance, par, key, first, count, festive, rainy,
                trust, n_stages, officers, totals, check):
    """``count`` warm-up months from month ``first`` (no government; demand at its
    month-1 level, no access shock); ``festive`` and ``rainy`` per month; ``blocks``:
    the month's flows and events as bytes. Returns the tie records, the number of ties,
    the check of the books and the month it failed in (or the last month), each month's
    mean income of the businesses open, jobs (owners and workers) and businesses open,
    and each slot's income summed over the months it was open."""
    a, clusters = world[0], world[4]
    n = len(a)
    income = np.zeros(count)
    jobs = np.zeros(count)
    active = np.zeros(count)
    own = np.zeros(n)
    earned = np.empty(n)
    gov = (balance, balance, 0.0, 0.0, 0.0, 0.0)
    for j in range(count):
        month = first + j
        start_month(blocks, a, clusters, books, check)
        ties, m, code, value = after_government(world, ties, m, flows, books, gov, par, key, month, festive[j],
                                                rainy[j], 1.0, 0.0, trust, n_stages, officers, totals, 0, check,
                                                (np.empty(0), 0, 0, 0.0))
        if code:
            return ties, m, code, value, month, income, jobs, active, own
        k = 0
        hired = 0
        for i in range(n):
            if a[i].active:
                earned[k] = a[i].income
                k += 1
                hired += a[i].workers
                own[i] += a[i].income
        income[j] = numpy_sum(earned[:k]) / k if k else 0.0  # their mean, summed as numpy sums
        jobs[j] = k + hired
        active[j] = k
    return ties, m, 0, 0.0, first + count - 1, income, jobs, active, own


@nb.njit(cache=True)
def quiet_months(world, ties, m, flows, blocks, books, balance, spent_total, par, key, first, count, festive,
                 rainy, growth, access_boost, trust, n_stages, officers, totals, turnovers, check, rows, year,
                 calendar_month):
    """``count`` recorded months from month ``first`` in which the government does
    nothing: each :func:`start_month` then :func:`after_government` with the budget's
    balance unchanged and nothing appropriated, cut or spent, its indicators into
    ``rows[j]``; ``festive``, ``rainy``, ``growth``, ``year`` and ``calendar_month`` per
    month. Returns the tie records, the number of ties, the check of the books and the
    month it failed in (that month not recorded) or the last month."""
    a, clusters = world[0], world[4]
    gov = (balance, balance, 0.0, 0.0, 0.0, 0.0)
    for j in range(count):
        month = first + j
        start_month(blocks, a, clusters, books, check)
        ties, m, code, value = after_government(world, ties, m, flows, books, gov, par, key, month, festive[j],
                                                rainy[j], growth[j], access_boost, trust, n_stages, officers,
                                                totals, turnovers, check,
                                                (rows[j], year[j], calendar_month[j], spent_total))
        if code:
            return ties, m, code, value, month
    return ties, m, 0, 0.0, first + count - 1
