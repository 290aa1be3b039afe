"""The LJMP: a cluster's management-services and financing institution (ODD 7.7; Singkawang).

Lembaga Jasa Manajemen dan Pembiayaan. It keeps books of its own, per cluster:
a fund (cash), loans outstanding, and what it marketed.

* **Costs.** Each month it pays its staff (``staff_cost``) and its mentors
  (``mentors`` x ``mentor_fee``) from the fund, staff first; mentors it cannot pay
  do not work that month.
* **Members** join when their trust in the government reaches ``join_trust``.
* **Mentors** each follow ``mentees_per_mentor`` members a month, the least
  skilled first (mentoring turns training into practice, :mod:`.learning`).
* **Aggregation** (:func:`aggregate`). It collects its members' goods and sells
  them, so they bargain from strength: the share of the traders' margin it wins
  back grows with the volume it markets, ``capture_max x V / (V +
  half_volume)`` with V last month's members' sales; it keeps ``fee`` of what
  it sells.
* **Loans.** Members without a loan who are short of working capital (cash
  below a month's wages, fixed costs and inputs) or whose orders outgrow their
  equipment borrow ``loan_size`` for ``loan_term`` months at ``interest`` a month,
  in random order, while the fund holds a loan's worth: **a fund that runs dry
  stops lending**. Repaying is a decision like returning a favour (the
  borrower's norm, her trust in the institution, whether she can pay). After
  ``arrears_to_default`` missed repayments in a row the loan is in default: the
  debt stays on the books and the borrower gets **no further credit**. A loan
  of a business that closes is written off.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .exchange import honours
from .random import LEND_ORDER, MENTOR_ORDER, REPAY, uniform

REMAINDER = 1.0  # Rp: a balance below this at the end of the term is forgiven as repaid


@nb.njit(cache=True, inline="always")
def repay(a, clusters, flows, cflows, events, par, key, month):
    """Repayments, arrears and defaults on loans already out (any lender's)."""
    pr = par[0]
    ev = events[0]
    for i in range(len(a)):
        ai = a[i]
        if ai.debt <= 0 or not ai.active or ai.barred:
            continue
        interest = ai.debt * pr.ljmp_interest
        principal = ai.debt / max(ai.loan_term_left, 1)
        due = interest + principal
        draw = uniform(key, REPAY, month, i)
        if honours(ai.norm, ai.gov_trust, ai.cash >= due, draw, pr):
            f = flows[i]
            f.interest += interest
            f.principal += principal
            ai.cash -= due
            ai.debt -= principal
            ai.loan_term_left -= 1
            ai.arrears = 0
            c = ai.cluster
            cflows[c].fund_in += due
            clusters[c].fund += due
            clusters[c].loans_out -= principal
            ev.repaid += 1
            if ai.loan_term_left <= 0 or ai.debt < REMAINDER:
                f.written_off += ai.debt
                clusters[c].loans_out -= ai.debt
                ai.debt = 0.0
                ai.loan_term_left = 0
        else:
            ai.arrears += 1
            ev.missed += 1
            if ai.arrears >= pr.ljmp_arrears_to_default:
                ai.barred = True
                clusters[ai.cluster].defaults += 1
                ev.defaults += 1


@nb.njit(cache=True)
def lend(i, amount, a, clusters, flows, cflows, events, par):
    """A loan of ``amount`` to artisan ``i`` from its cluster's fund (which holds it)."""
    ai = a[i]
    c = ai.cluster
    clusters[c].fund -= amount
    clusters[c].loans_out += amount
    cflows[c].fund_out += amount
    ai.debt += amount
    ai.cash += amount
    ai.loan_term_left = par[0].ljmp_loan_term
    flows[i].loan_in += amount
    events[0].new_loans += amount


@nb.njit(cache=True, inline="always")
def operate(a, prods, clusters, flows, cflows, events, par, key, month):
    """Costs, membership, mentors and new loans of every open LJMP (see the module)."""
    pr = par[0]
    n_c = len(clusters)
    open_ = np.zeros(n_c, np.bool_)
    for c in range(n_c):
        cl = clusters[c]
        cl.mentors_paid = 0
        if not cl.ljmp or month < pr.ljmp_start:
            continue
        open_[c] = True
        staff = min(pr.ljmp_staff_cost, max(cl.fund, 0.0))
        paid = staff
        mentors = 0
        if pr.ljmp_mentor_fee > 0:
            mentors = min(pr.ljmp_mentors, int(max(cl.fund - staff, 0.0) // pr.ljmp_mentor_fee))
        else:
            mentors = pr.ljmp_mentors
        paid += mentors * pr.ljmp_mentor_fee
        cl.fund -= paid
        cflows[c].costs += paid
        cl.mentors_paid = mentors
    n = len(a)
    for c in range(n_c):
        clusters[c].members = 0
    for i in range(n):
        ai = a[i]
        if open_[ai.cluster] and ai.active and ai.gov_trust >= pr.ljmp_join_trust:
            ai.ljmp = True
        if ai.ljmp and ai.active:
            clusters[ai.cluster].members += 1
    # mentors follow the least skilled members
    members = np.empty(n, np.int64)
    k = 0
    for i in range(n):
        if a[i].ljmp and a[i].active and open_[a[i].cluster]:
            members[k] = i
            k += 1
    members = members[:k]
    if k == 0:
        return
    skill = np.empty(k)
    for q in range(k):
        i = members[q]
        skill[q] = a[i].practice[0] + 1e-9 * uniform(key, MENTOR_ORDER, month, i)
    order = members[np.argsort(skill, kind="mergesort")]
    left = np.zeros(n_c, np.int64)
    for c in range(n_c):
        left[c] = clusters[c].mentors_paid * pr.ljmp_mentees_per_mentor
    for q in range(k):
        i = order[q]
        c = a[i].cluster
        if left[c] > 0:
            a[i].mentored = True
            left[c] -= 1
    # loans, in random order, while the fund holds a loan's worth
    draws = np.empty(k)
    for q in range(k):
        draws[q] = uniform(key, LEND_ORDER, month, members[q])
    order = members[np.argsort(draws, kind="mergesort")]
    for q in range(k):
        i = order[q]
        ai = a[i]
        if ai.debt > 0 or ai.barred:
            continue
        prod = prods[ai.product]
        costs = (ai.workers * pr.money_wage + pr.money_fixed_cost
                 + ai.expected * prod.price * prod.material_share)
        need = ai.cash < costs or (ai.unmet > 0.2 * ai.capacity and ai.tier < 2)
        if need and clusters[ai.cluster].fund >= pr.ljmp_loan_size:
            lend(i, pr.ljmp_loan_size, a, clusters, flows, cflows, events, par)


@nb.njit(cache=True, inline="always")
def aggregate(a, clusters, flows, cflows, par):
    """The LJMP's fee on what it marketed this month, and its bargaining for next month
    from the volume (see the module)."""
    pr = par[0]
    n_c = len(clusters)
    volume = np.zeros(n_c)
    for i in range(len(a)):
        ai = a[i]
        if ai.ljmp and ai.active and clusters[ai.cluster].ljmp:
            fee = pr.ljmp_fee * ai.revenue
            flows[i].fee += fee
            cflows[ai.cluster].fund_in += fee
            clusters[ai.cluster].fund += fee
            volume[ai.cluster] += ai.revenue
    for c in range(n_c):
        if clusters[c].ljmp:
            clusters[c].volume = volume[c]
            clusters[c].capture = pr.ljmp_capture_max * volume[c] / (volume[c] + pr.ljmp_half_volume)
