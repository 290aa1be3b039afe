"""Compiled measures of the month and of the run: the monthly indicators, the
accounting check, the partnership structure, the derived series and the
village scorecard.

Each kernel computes what the NumPy and pandas code it replaces computes, bit for
bit: sums that NumPy takes pairwise with :func:`~ovopsim.kernels.common.npsum`,
``bincount`` and cumulative sums left to right, pandas' rolling means with its
compensated running sum. Integer counts are exact in any order.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from .common import npsum

# The monthly indicators in the order :func:`month_row` writes them, each with its
# kind: "i" integer, "b" boolean, "f" float. The tiers' sales shares follow
# ``partner_components`` (one per tier, see ``indicators.MONTH_COLUMNS``).
HEAD_COLUMNS = (
    ("month", "i"), ("year", "i"), ("calendar_month", "i"), ("festive", "b"), ("rainy", "b"),
    ("active_businesses", "i"), ("income_mean", "f"), ("income_median", "f"), ("income_total", "f"),
    ("jobs", "i"), ("gini", "f"), ("output_units", "f"), ("output_dried", "f"), ("sales_value", "f"),
    ("partnerships_within", "i"), ("partnerships_between", "i"), ("partnerships_formed", "i"),
    ("partnerships_dissolved", "i"), ("partnerships_dissolved_one_sided", "i"),
    ("reciprocity_partners", "f"), ("reciprocity_dissolved", "f"), ("partnership_age_mean", "f"),
    ("mean_trust", "f"), ("ties", "i"), ("partner_transitivity", "f"), ("partner_components", "i"),
)
TAIL_COLUMNS = (
    ("reach_national_share", "f"), ("reached_share", "f"), ("skill_mean", "f"), ("quality_mean", "f"),
    ("price_received", "f"), ("cash_mean", "f"), ("gov_trust_mean", "f"), ("awareness_mean", "f"),
    ("gov_knowledge", "f"), ("association_knowledge", "f"), ("turnovers", "i"), ("ljmp_members", "i"),
    ("ljmp_loans_outstanding", "f"), ("ljmp_borrowers", "i"), ("ljmp_new_loans", "f"),
    ("ljmp_defaults", "i"), ("ljmp_written_off", "f"), ("ljmp_fund", "f"), ("budget_balance", "f"),
    ("budget_spent", "f"), ("budget_spent_total", "f"), ("grants", "f"),
)


# -- partnership structure ---------------------------------------------------------------
@nb.njit(cache=True)
def partner_structure(u, v, partner, m, n):
    """Transitivity (3 x triangles / connected triples) of the graph of the
    partnership edges ``u[e]``-``v[e]`` (``e < m`` with ``partner[e]``) on ``n`` nodes,
    and its number of components among nodes with at least one partner.

    Integer counts, so the values do not depend on the order: connected triples
    (pairs of edges at a node) from the degrees; triangles each found once, from
    its lowest node, with each node's edges to higher nodes in a CSR and a mark
    per node. Components by union-find over the edges. O(n + edges x degree)."""
    deg = np.zeros(n, np.int64)
    ptr = np.zeros(n + 1, np.int64)  # then the CSR of edges to higher nodes
    edges = 0
    for e in range(m):
        if partner[e]:
            a, b = min(u[e], v[e]), max(u[e], v[e])
            deg[a] += 1
            deg[b] += 1
            ptr[a + 1] += 1
            edges += 1
    if edges == 0:
        return 0.0, 0
    wedges = 0
    nodes = 0
    for i in range(n):
        d = deg[i]
        wedges += d * (d - 1) // 2
        if d:
            nodes += 1
        ptr[i + 1] += ptr[i]
    fill = ptr[:n].copy()
    up = np.empty(edges, np.int64)
    parent = np.arange(n)
    merged = 0
    for e in range(m):
        if partner[e]:
            a, b = min(u[e], v[e]), max(u[e], v[e])
            up[fill[a]] = b
            fill[a] += 1
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            while parent[b] != b:
                parent[b] = parent[parent[b]]
                b = parent[b]
            if a != b:
                parent[max(a, b)] = min(a, b)
                merged += 1
    triangles = 0
    if wedges:
        mark = fill  # reused: no node is its own higher neighbour
        mark[:] = -1
        for a in range(n):
            lo, hi = ptr[a], ptr[a + 1]
            if hi - lo < 2:
                continue
            for j in range(lo, hi):
                mark[up[j]] = a
            for j in range(lo, hi):
                b = up[j]
                for k in range(ptr[b], ptr[b + 1]):
                    if mark[up[k]] == a:
                        triangles += 1
    # 3 x triangles / triples, as 2 x closed triples / 2 x triples (each triangle closes three)
    trans = float(2 * 3 * triangles) / float(2 * wedges) if wedges else 0.0
    return trans, nodes - merged


# -- the monthly indicators -------------------------------------------------------------
@nb.njit(cache=True)
def _sorted_median(x):
    """``np.median`` of a sorted non-empty array (NaN sorts last and poisons it)."""
    k = len(x)
    if x[k - 1] != x[k - 1]:
        return np.nan
    h = k // 2
    return x[h] if k % 2 else npsum(x[h - 1:h + 1]) / 2


@nb.njit(cache=True)
def _gini_sorted(x):
    """Gini coefficient of sorted non-negative values: ``n + 1 - 2 * sum(cumsum) / sum``, over n."""
    n = len(x)
    total = npsum(x)
    if n == 0 or total <= 0:
        return 0.0
    cum = np.empty(n)
    c = x[0]
    cum[0] = c
    for i in range(1, n):
        c = c + x[i]
        cum[i] = c
    return (n + 1 - 2 * (npsum(cum) / total)) / n


@nb.njit(cache=True)
def _gathered_mean(x, mask, buf, k):
    """``x[mask].mean()`` when ``k`` (> 0) elements are selected: the same gather, pairwise sum
    and division."""
    j = 0
    for i in range(len(x)):
        if mask[i]:
            buf[j] = x[i]
            j += 1
    return npsum(buf[:j]) / k


@nb.njit(cache=True)
def month_row(rows, r, month, start_year, festive, rainy, lj, turnovers, new_loans, defaults,
              formed, dissolved, one_sided, dissolved_reciprocity, gov_knowledge, gov_balance,
              gov_spent, gov_spent_total,
              active, income, workers, output, dried, product, by_tier, reach, reached, skill,
              quality, revenue, sales_units, cash, gov_trust, ljmp, debt, reciprocity,
              awareness, knowledge, written_off, grant, fund,
              u, v, partner, between, since, trust, m):
    """Write the month's indicators into ``rows[r]`` in the order of
    :data:`HEAD_COLUMNS`, one share per tier, :data:`TAIL_COLUMNS` (the arithmetic
    of NumPy's ``x[active].mean()`` and friends, bit for bit)."""
    n = len(active)
    row = rows[r]
    buf = np.empty(n)
    k = 0
    jobs = 0
    national = 0
    members = 0
    for i in range(n):
        if active[i]:
            buf[k] = income[i]
            k += 1
            jobs += workers[i]
            if reach[i] >= 1:
                national += 1
            if ljmp[i]:
                members += 1
    inc_total = npsum(buf[:k])
    inc = np.sort(buf[:k])
    median = _sorted_median(inc) if k else 0.0
    for i in range(k):  # np.maximum(inc, 0.0): NaN stays NaN
        x = inc[i]
        if not (x >= 0.0 or x != x):
            inc[i] = 0.0
    gini = _gini_sorted(inc)
    j = 0
    for i in range(n):
        if dried[product[i]]:
            buf[j] = output[i]
            j += 1
    out_dried = npsum(buf[:j])
    nt = by_tier.shape[1]
    tier_rev = np.zeros(nt)
    for i in range(by_tier.shape[0]):  # a sum down the columns of a row-major array: in order
        for t in range(nt):
            tier_rev[t] += by_tier[i, t]
    tot_rev = npsum(tier_rev)

    within = 0
    betw = 0
    age = 0
    weak = np.empty(m)
    for e in range(m):
        if partner[e]:
            ru, rv = reciprocity[u[e]], reciprocity[v[e]]
            weak[within + betw] = ru if (ru <= rv or ru != ru) else rv
            age += month - since[e]
            if between[e]:
                betw += 1
            else:
                within += 1
    p = within + betw
    trans, comps = partner_structure(u, v, partner, m, n)

    row[0] = month
    row[1] = start_year + (month - 1) // 12
    row[2] = (month - 1) % 12 + 1
    row[3] = festive
    row[4] = rainy
    row[5] = k
    row[6] = inc_total / k if k else 0.0
    row[7] = median
    row[8] = inc_total
    row[9] = k + jobs
    row[10] = gini
    row[11] = npsum(output)
    row[12] = out_dried
    row[13] = tot_rev
    row[14] = within
    row[15] = betw
    row[16] = formed
    row[17] = dissolved
    row[18] = one_sided
    row[19] = npsum(weak[:p]) / p if p else 0.0
    row[20] = dissolved_reciprocity / one_sided if one_sided else 0.0
    row[21] = float(age) / p if p else 0.0
    row[22] = npsum(trust[:m]) / m if m else 0.0
    row[23] = m
    row[24] = trans
    row[25] = comps
    c = 26
    for t in range(nt):
        row[c] = tier_rev[t] / tot_rev if tot_rev > 0 else 0.0
        c += 1
    row[c] = national / k if k else 0.0
    hit = 0
    for i in range(n):
        if reached[i]:
            hit += 1
    row[c + 1] = hit / n
    row[c + 2] = _gathered_mean(skill, active, buf, k) if k else 0.0
    row[c + 3] = _gathered_mean(quality, active, buf, k) if k else 0.0
    units = _gathered_mean(sales_units, active, buf, 1)
    row[c + 4] = _gathered_mean(revenue, active, buf, 1) / (1e-9 if 1e-9 > units else units)
    row[c + 5] = _gathered_mean(cash, active, buf, k) if k else 0.0
    row[c + 6] = _gathered_mean(gov_trust, active, buf, k) if k else 0.0
    row[c + 7] = npsum(awareness) / len(awareness)
    row[c + 8] = gov_knowledge
    row[c + 9] = npsum(knowledge) / len(knowledge)
    row[c + 10] = turnovers
    row[c + 11] = members if lj else 0
    row[c + 12] = npsum(debt)
    borrowers = 0
    for i in range(n):
        if debt[i] > 0:
            borrowers += 1
    row[c + 13] = borrowers
    row[c + 14] = new_loans
    row[c + 15] = defaults
    row[c + 16] = npsum(written_off)
    row[c + 17] = npsum(fund)
    row[c + 18] = gov_balance
    row[c + 19] = gov_spent
    row[c + 20] = gov_spent_total
    row[c + 21] = npsum(grant)


# -- derived series ------------------------------------------------------------------------
@nb.njit(cache=True)
def _rolling_mean(x, window):
    """pandas' ``Series.rolling(window, min_periods=1).mean()`` (``expanding().mean()``
    when ``window`` is 0): its running sum with Kahan compensation, its run-of-equal-
    values and sign corrections."""
    n = len(x)
    out = np.empty(n)
    nobs = 0
    neg = 0
    total = 0.0
    comp_add = 0.0
    comp_remove = 0.0
    same = 0
    prev = x[0] if n else 0.0
    start = 0
    for i in range(n):
        s = max(0, i + 1 - window) if window > 0 else 0
        for j in range(start, s):  # leaving the window
            val = x[j]
            if val == val:
                nobs -= 1
                y = -val - comp_remove
                t = total + y
                comp_remove = t - total - y
                total = t
                if math.copysign(1.0, val) < 0:
                    neg -= 1
        start = s
        val = x[i]  # entering the window
        if val == val:
            nobs += 1
            y = val - comp_add
            t = total + y
            comp_add = t - total - y
            total = t
            if math.copysign(1.0, val) < 0:
                neg += 1
            if val == prev:
                same += 1
            else:
                same = 1
            prev = val
        if nobs > 0:
            res = total / nobs
            if same >= nobs:
                res = prev
            elif neg == 0 and res < 0:
                res = 0.0
            elif neg == nobs and res > 0:
                res = 0.0
        else:
            res = np.nan
        out[i] = res
    return out


@nb.njit(cache=True)
def derived_series(income_mean, income_total, active, spent_total, growth, per_rupiah):
    """``income_growth`` and ``income_per_rupiah`` (see ``indicators._derive``) into
    ``growth`` and ``per_rupiah``: pandas' expanding and rolling means, then a
    cumulative sum in order."""
    n = len(income_mean)
    if n == 0:
        return
    first = _rolling_mean(income_mean[:min(12, n)].copy(), 0)
    roll = _rolling_mean(income_mean.copy(), 12)
    last = len(first) - 1
    gain = 0.0
    for i in range(n):
        ref = first[min(i, last)]
        g = roll[i] / (ref if abs(ref) > 1e-9 else np.nan) - 1
        growth[i] = 0.0 if g != g else g
        x = income_total[i] - active[i] * ref
        if x == x:
            gain += x
            cum = gain
        else:
            cum = np.nan
        s = spent_total[i]
        per_rupiah[i] = cum / s if s > 0 else 0.0


# -- the accounting check ----------------------------------------------------------------
@nb.njit(cache=True)
def snapshot(held, fund_held, cash, debt, inventory, fund):
    """Copy the per-artisan stocks into the rows of ``held`` and the funds into ``fund_held``."""
    held[0, :] = cash
    held[1, :] = debt
    held[2, :] = inventory
    fund_held[:] = fund


@nb.njit(cache=True)
def _tolerance(scale):
    # Python's max(1.0, scale): NaN loses
    return 1e-9 * (scale if scale > 1.0 else 1.0) + 1e-6


@nb.njit(cache=True)
def _gap(got, want):
    """(largest excess of |got - want| over a relative 1e-9, largest |want|, largest
    |got - want|), NaN-sticky like ``np.max``."""
    excess = -np.inf
    scale = -np.inf
    gap = -np.inf
    for i in range(len(want)):
        w = want[i]
        d = abs(got[i] - w)
        aw = abs(w)
        e = d - 1e-9 * aw
        if e > excess or e != e:
            if excess == excess:
                excess = e
        if aw > scale or aw != aw:
            if scale == scale:
                scale = aw
        if d > gap or d != d:
            if gap == gap:
                gap = d
    return excess, scale, gap


@nb.njit(cache=True)
def _stock_gap(before, after, flows, effect, s, want):
    """:func:`_gap` of stock ``s`` against its value before plus its flows' effects
    (added flow by flow: the comparison allows for rounding)."""
    want[:] = before
    for f in range(flows.shape[0]):
        e = effect[s, f]
        if e != 0:
            for i in range(len(want)):
                want[i] += e * flows[f, i]
    return _gap(after, want)


@nb.njit(cache=True)
def _lowest(x):
    low = np.inf
    for i in range(len(x)):
        if x[i] < low or x[i] != x[i]:
            if low == low:
                low = x[i]
    return low


@nb.njit(cache=True)
def close_books(b_cash, b_debt, b_inv, cash, debt, inv, flows, effect, sums,
                b_fund, fund, fund_in, fund_out, injection,
                b_gov, gov, gov_in, gov_lapse, gov_cut, gov_spent):
    """Whether every stock moved by its recorded flows (to rounding) and none that
    cannot be is negative. ``flows``: per-artisan flows as rows; ``effect``: each
    flow's sign on cash, debt and inventory; ``sums``: the rows of loans in, fees,
    interest, principal, commissions in and out.

    Returns (0, 0.0) or the first failure: 1-3 the per-artisan stock (cash, debt,
    inventory), 4 the funds, 5 the government budget, 6-8 LJMP lending, LJMP
    receipts, commissions (with the largest gap), 9-12 a negative inventory, debt,
    fund or budget (with the value)."""
    n = flows.shape[1]
    if n:
        want = np.empty(n)
        for s in range(3):
            if s == 0:
                excess, scale, gap = _stock_gap(b_cash, cash, flows, effect, s, want)
            elif s == 1:
                excess, scale, gap = _stock_gap(b_debt, debt, flows, effect, s, want)
            else:
                excess, scale, gap = _stock_gap(b_inv, inv, flows, effect, s, want)
            if not excess <= _tolerance(scale):
                return s + 1, gap
    nc = len(fund)
    if nc:
        want = np.empty(nc)
        for c in range(nc):
            want[c] = b_fund[c] + fund_in[c] + injection[c] - fund_out[c]
        excess, scale, gap = _gap(fund, want)
        if not excess <= _tolerance(scale):
            return 4, gap
    gov_want = b_gov + gov_in - gov_lapse - gov_cut - gov_spent
    d = abs(gov - gov_want)
    if not d <= 1e-9 * abs(gov_want) + _tolerance(abs(gov_want)):
        return 5, d
    loan_in = npsum(flows[sums[0]])
    receipts = npsum(flows[sums[1]]) + npsum(flows[sums[2]]) + npsum(flows[sums[3]])
    com_in = npsum(flows[sums[4]])
    com_out = npsum(flows[sums[5]])
    for code, g, w in ((6, npsum(fund_out), loan_in), (7, npsum(fund_in), receipts), (8, com_in, com_out)):
        d = abs(g - w)
        if not d <= 1e-9 * abs(w) + _tolerance(abs(w)):
            return code, d
    low_inv = _lowest(inv) if n else 0.0
    low_debt = _lowest(debt) if n else 0.0
    low_fund = _lowest(fund) if nc else 0.0
    for code, low in ((9, low_inv), (10, low_debt), (11, low_fund), (12, gov)):
        if low < -1e-6:
            return code, low
    return 0, 0.0


# -- the village scorecard -----------------------------------------------------------------
@nb.njit(cache=True)
def village_means(village, active, nv, columns):
    """``bincount(village, x * active, nv) / max(bincount(village, active, nv), 1)`` for
    each row ``x`` of ``columns``: per-village means over active artisans, each sum in
    artisan order. Returns (means, active per village)."""
    k = columns.shape[0]
    cnt = np.zeros(nv)
    out = np.zeros((k, nv))
    for i in range(len(village)):
        w = 1.0 if active[i] else 0.0
        g = village[i]
        cnt[g] += w
        for j in range(k):
            out[j, g] += columns[j, i] * w
    for g in range(nv):
        c = cnt[g] if cnt[g] > 1.0 else 1.0
        for j in range(k):
            out[j, g] = out[j, g] / c
    return out, cnt
