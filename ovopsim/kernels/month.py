"""The month's mechanics as compiled kernels (see :mod:`ovopsim.kernels`).

:class:`ovopsim.model.OVOPModel` calls two kernels a month:

* :func:`prepare`: capacity at normal hours (for buyers' weights, raised to the
  size elasticity by NumPy in between) and the number of active partnerships
  (the size of the month's partnership draws);
* :func:`month`: production and the market, business along partnerships,
  money, partnerships forming, learning, quality and reach, in the order
  described in ``docs/ODD.md``.

:func:`orders`, :func:`exchange` and :func:`form` are also called on their own
by :class:`ovopsim.market.Market` and :class:`ovopsim.network.SocialNetwork`.

Every expression follows the NumPy formulation it replaced operation by
operation (the equivalence tests pin the results), so parenthesised
left-to-right chains below are deliberate. Random numbers are drawn by the
caller, in the model's order, and passed in.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .common import npsum

# quality = weighted practices and equipment (assumption, docs/ODD.md 7.4)
Q_SKILL, Q_GMP, Q_DESIGN, Q_EQUIP, Q_ENV = 0.35, 0.2, 0.15, 0.15, 0.15
Q_REF = 0.3  # quality at which the price is the base price
STANDARD_GMP = 0.6  # GMP level that meets the product standard

# the behavioural parameters the month kernel reads, in the order of the vector
# built by :func:`parameters`
PARAMETERS = (
    "stage_bonus", "overtime", "festive_boost", "quality_premium", "middleman_margin",
    "commission", "balance_memory", "one_sided_ratio", "trust_gain", "trust_loss",
    "trust_neglect", "trust_floor", "dissolve_after", "wage", "subsistence", "draw_share",
    "max_workers", "invest_buffer", "months_to_close", "partner_rate", "partner_trust_min",
    "practice_learning", "skill_decay", "exposure_decay", "reputation_decay", "reach_access",
    "reach_digital", "reach_brand", "reach_partner", "reach_export", "reach_national",
    # not in ``behaviour``: set by :func:`parameters`
    "margin_capture", "ljmp_fee", "ljmp_reach_bonus",
)
(_STAGE_BONUS, _OVERTIME, _FESTIVE_BOOST, _QUALITY_PREMIUM, _MIDDLEMAN, _COMMISSION, _MEMORY,
 _ONE_SIDED, _TRUST_GAIN, _TRUST_LOSS, _TRUST_NEGLECT, _TRUST_FLOOR, _DISSOLVE_AFTER, _WAGE,
 _SUBSISTENCE, _DRAW_SHARE, _MAX_WORKERS, _INVEST_BUFFER, _MONTHS_TO_CLOSE, _PARTNER_RATE,
 _PARTNER_TRUST_MIN, _PRACTICE_LEARNING, _SKILL_DECAY, _EXPOSURE_DECAY, _REPUTATION_DECAY,
 _REACH_ACCESS, _REACH_DIGITAL, _REACH_BRAND, _REACH_PARTNER, _REACH_EXPORT, _REACH_NATIONAL,
 _MARGIN_CAPTURE, _LJMP_FEE, _LJMP_REACH) = range(len(PARAMETERS))


def parameters(scenario) -> np.ndarray:
    """The parameter vector of :data:`PARAMETERS` for a scenario."""
    b, lj = scenario.behaviour, scenario.ljmp
    own = {"margin_capture": lj.margin_capture, "ljmp_fee": lj.fee, "ljmp_reach_bonus": lj.reach_bonus}
    return np.array([float(own[k]) if k in own else float(getattr(b, k)) for k in PARAMETERS])


@nb.njit(cache=True)
def prepare(out_per_worker, workers, equipment_productivity, tier, skill, raw_material, village,
            partner, u, v, m, active, base):
    """Capacity at normal hours into ``base``; returns the number of partnerships between two active businesses."""
    for i in range(len(base)):
        x = (out_per_worker[i] * (1 + workers[i]) * equipment_productivity[tier[i]]
             * (0.5 + skill[i]) * raw_material[village[i]])
        base[i] = x
    k = 0
    for j in range(m):
        if partner[j] and active[u[j]] and active[v[j]]:
            k += 1
    return k


@nb.njit(cache=True)
def attractiveness(size_power, quality, reputation, active, out):
    """Buyers' weight for each artisan within a tier into ``out``: size (capacity
    raised to the size elasticity, by the caller), quality and reputation; 0 for a
    closed business."""
    for i in range(len(out)):
        out[i] = size_power[i] * quality[i] * (1 + reputation[i]) if active[i] else 0.0


@nb.njit(cache=True)
def orders(dem, capacity, product, reach, attract, size, use_size, out):
    """(n, 3) orders by tier into ``out`` (see :meth:`ovopsim.market.Market.orders`).

    ``dem`` is this month's (products, 3) demand; it is not modified."""
    n = len(product)
    n_products = dem.shape[0]
    d = dem.copy()
    if use_size:
        opened = np.zeros((n_products, 3))
        for i in range(n):
            for t in range(1, 3):
                opened[product[i], t] += size[i] if reach[i] >= t else 0.0
        for p in range(n_products):
            for t in range(1, 3):
                per_unit = dem[p, t] / capacity[p] if capacity[p] > 0 else 0.0
                d[p, t] = per_unit * opened[p, t]
    tot = np.zeros((n_products, 3))
    for i in range(n):
        for t in range(3):
            tot[product[i], t] += attract[i] if reach[i] >= t else 0.0
    for i in range(n):
        p = product[i]
        for t in range(3):
            w = attract[i] if reach[i] >= t else 0.0
            share = w / tot[p, t] if tot[p, t] > 0 else 0.0
            out[i, t] = d[p, t] * share


@nb.njit(cache=True)
def fill(orders, supply, sold):
    """(n, 3) units sold into ``sold``: the best-paying tier first (export, national, province)."""
    for i in range(len(supply)):
        left = supply[i]
        for t in (2, 1, 0):
            s = min(orders[i, t], left)
            sold[i, t] = s
            left -= s


@nb.njit(cache=True)
def exchange(u, v, trust, balance, volume, partner, one_sided, since, m, unmet, spare, unit_value,
             margin, product, stage, reciprocity, active, draw, commission, memory,
             one_sided_ratio, trust_gain, trust_loss, trust_neglect, trust_floor, dissolve_after,
             received, com_in, com_out, stage_partners):
    """One month of business along partnerships (see
    :meth:`ovopsim.network.SocialNetwork.exchange`).

    ``draw`` is (4, k) uniform numbers for the k active partnerships in edge order:
    u gives, v gives, v pays, u pays. Writes the per-artisan outputs; returns
    (partnerships dissolved as one-sided, the sum of their weaker reciprocity)."""
    n = len(unmet)
    e = np.empty(m, np.int64)
    k = 0
    for j in range(m):
        if partner[j] and active[u[j]] and active[v[j]]:
            e[k] = j
            k += 1
    deg = np.zeros(n, np.int64)
    for j in range(k):
        deg[u[e[j]]] += 1
    for j in range(k):
        deg[v[e[j]]] += 1
    # per-artisan sums, each accumulated on its own as np.bincount does: orders received
    # by v and by u, commissions received by u and v, paid by v and u
    sums = np.zeros((6, n))
    gone = np.empty(k, np.int64)
    n_gone = 0
    ok_stage = np.zeros(k, np.bool_)
    for j in range(k):
        ej = e[j]
        a = u[ej]
        b = v[ej]
        da = max(deg[a], 1)
        db = max(deg[b], 1)
        same = product[a] == product[b]
        give0 = draw[0, j] < reciprocity[a]
        give1 = draw[1, j] < reciprocity[b]
        q0 = min(unmet[a] / da, spare[b] / db) if same and give0 else 0.0
        q1 = min(unmet[b] / db, spare[a] / da) if same and give1 else 0.0
        val0 = q0 * unit_value[b]
        val1 = q1 * unit_value[a]
        c0 = commission * margin[b] * val0 if draw[2, j] < reciprocity[b] else 0.0
        c1 = commission * margin[a] * val1 if draw[3, j] < reciprocity[a] else 0.0
        gain0 = c0 + margin[a] * val1 - c1
        gain1 = c1 + margin[b] * val0 - c0
        stage_pair = same and stage[a] != stage[b]
        shirk = stage_pair and not (give0 and give1)
        traded = (val0 + val1 > 0) or stage_pair
        bal = balance[ej] * memory + (gain1 - gain0)
        vol = volume[ej] * memory + gain0 + gain1
        lopsided = traded and (((abs(bal) > one_sided_ratio * max(vol, 1e-9)) and (vol > 0)) or shirk)
        t = trust[ej]
        if lopsided:
            t = t - trust_loss * t
        elif traded:
            t = t + trust_gain * (1 - t)
        else:
            t = t - trust_neglect * (t - trust_floor)
        trust[ej] = min(max(t, 0.0), 1.0)
        balance[ej] = bal
        volume[ej] = vol
        streak = one_sided[ej] + 1 if lopsided else 0
        one_sided[ej] = streak
        if streak >= dissolve_after:
            gone[n_gone] = ej
            n_gone += 1
        sums[0, b] += q0
        sums[1, a] += q1
        sums[2, a] += c0
        sums[3, b] += c1
        sums[4, b] += c0
        sums[5, a] += c1
        ok_stage[j] = stage_pair and not shirk
    weaker = np.empty(n_gone)
    for g in range(n_gone):
        weaker[g] = min(reciprocity[u[gone[g]]], reciprocity[v[gone[g]]])
    recip = npsum(weaker)
    for g in range(n_gone):
        _dissolve(gone[g], partner, since, one_sided, balance, volume)
    for i in range(n):
        received[i] = sums[0, i] + sums[1, i]
        com_in[i] = sums[2, i] + sums[3, i]
        com_out[i] = sums[4, i] + sums[5, i]
        stage_partners[i] = 0
    for j in range(k):
        if ok_stage[j]:
            stage_partners[u[e[j]]] += 1
    for j in range(k):
        if ok_stage[j]:
            stage_partners[v[e[j]]] += 1
    return n_gone, recip


@nb.njit(cache=True)
def _dissolve(j, partner, since, one_sided, balance, volume):
    partner[j] = False
    since[j] = -1
    one_sided[j] = 0
    balance[j] = 0.0
    volume[j] = 0.0


@nb.njit(cache=True)
def drop_inactive(u, v, partner, since, one_sided, balance, volume, m, active):
    """Partnerships of businesses that closed end; returns how many."""
    k = 0
    for j in range(m):
        if partner[j] and not (active[u[j]] and active[v[j]]):
            _dissolve(j, partner, since, one_sided, balance, volume)
            k += 1
    return k


@nb.njit(cache=True)
def form(u, v, trust, partner, since, m, complementarity, active, draw, rate, trust_min, month):
    """New partnerships on existing ties (see :meth:`ovopsim.network.SocialNetwork.form`);
    ``draw`` holds one uniform number per tie. Returns how many formed."""
    span = max(1e-9, 1 - trust_min)
    k = 0
    for j in range(m):
        cand = not partner[j] and active[u[j]] and active[v[j]]
        prob = rate * min(max((trust[j] - trust_min) / span, 0.0), 1.0) * complementarity[j]
        if cand and draw[j] < prob:
            partner[j] = True
            since[j] = month
            k += 1
    return k


@nb.njit(cache=True)
def month(
        # this month
        month_no, festive, rainy, dem,
        # the artisans (arrays of :class:`ovopsim.agents.Artisans`)
        village, cluster, product, skill, gmp, design, digital, books, tier, workers, cash, debt,
        inventory, quality, brand, reach, exposure, reputation, ljmp, reciprocity, expected,
        active, neg_months, income, revenue, sales_units, output, income_ema, volatility,
        mentored, sales_by_tier,
        # fixed per artisan: catalogue values, rainy-season factor, production stage
        art_price, art_material_share, art_spoilage, art_margin, art_needs_ipal, rainy_season,
        art_stage, any_needs_ipal, equipment_cost,
        # per village and cluster
        access, reach_bonus, facility, active_artisans, ljmp_fund,
        # the market: this month's (products, 3) demand, capacity by product, tier prices,
        # each artisan's initial capacity
        capacity, tier_price, size,
        # the network
        u, v, trust, balance, volume, partner, one_sided, since, between, m,
        # state carried between months and this month's capacity
        stage_partners, unmet_last, cap, plan, base, attract,
        # this month's flows
        f_revenue, f_fee, f_materials, f_wages, f_interest, f_draw, f_invest, f_written_off,
        f_com_in, f_com_out, f_produced, f_sold, f_spoiled, fund_in,
        # random numbers, parameters
        draw_exchange, draw_form, p):
    """Production and sales, business along partnerships, money, new partnerships,
    learning, quality and reach: one month after the programmes and the LJMP.

    Returns (partnerships formed, dissolved as one-sided, their weaker reciprocity
    summed, dissolved because a business closed, partnerships now)."""
    n = len(village)
    # ---- production and the market (model._produce_and_sell)
    factor = 1 + p[_FESTIVE_BOOST] if festive else 1.0
    for i in range(n):
        season = rainy_season[i] if rainy else 1.0
        c = base[i] * season * (1 + p[_STAGE_BONUS] * min(stage_partners[i], 2) / 2)
        if festive:
            c = c * p[_OVERTIME]
        c = c if active[i] else 0.0
        cap[i] = c
        plan[i] = min(max(expected[i] * factor * 1.05 - inventory[i], 0.0), c)
    ordered_tiers = np.empty((n, 3))
    orders(dem, capacity, product, reach, attract, size, True, ordered_tiers)
    sold = np.empty((n, 3))
    supply = np.empty(n)
    sold_units = np.empty(n)
    unmet = np.empty(n)
    spare = np.empty(n)
    unit = np.empty(n)
    ordered = np.empty(n)
    for i in range(n):
        supply[i] = plan[i] + inventory[i]
    fill(ordered_tiers, supply, sold)
    for i in range(n):
        sold_units[i] = sold[i, 0] + sold[i, 1] + sold[i, 2]
        ordered[i] = ordered_tiers[i, 0] + ordered_tiers[i, 1] + ordered_tiers[i, 2]
        unmet[i] = ordered[i] - sold_units[i]
        spare[i] = max(cap[i] - plan[i], 0.0)
        capture = p[_MARGIN_CAPTURE] if ljmp[i] else 0.0
        x = (art_price[i] * (1 + p[_QUALITY_PREMIUM] * (quality[i] - Q_REF))
             * (1 - p[_MIDDLEMAN] * (1 - capture)))
        unit[i] = max(x, 0.0)
    received = np.empty(n)
    com_in = np.empty(n)
    com_out = np.empty(n)
    n_gone, recip_gone = exchange(
        u, v, trust, balance, volume, partner, one_sided, since, m, unmet, spare, unit, art_margin,
        product, art_stage, reciprocity, active, draw_exchange, p[_COMMISSION], p[_MEMORY],
        p[_ONE_SIDED], p[_TRUST_GAIN], p[_TRUST_LOSS], p[_TRUST_NEGLECT], p[_TRUST_FLOOR],
        p[_DISSOLVE_AFTER], received, com_in, com_out, stage_partners)
    any_ljmp = False
    for i in range(n):
        if ljmp[i]:
            any_ljmp = True
    for i in range(n):
        for t in range(3):
            sales_by_tier[i, t] = sold[i, t] * (unit[i] * tier_price[t])
        sales_by_tier[i, 0] += received[i] * unit[i]
        rev = sales_by_tier[i, 0] + sales_by_tier[i, 1] + sales_by_tier[i, 2]
        produced = plan[i] + received[i]
        left = supply[i] - sold_units[i]
        spoiled = left * art_spoilage[i]
        f_produced[i] += produced
        f_sold[i] += sold_units[i] + received[i]
        f_spoiled[i] += spoiled
        inventory[i] = left - spoiled
        f_revenue[i] += rev
        if any_ljmp:
            f_fee[i] += p[_LJMP_FEE] * rev if ljmp[i] else 0.0
        f_materials[i] += produced * art_price[i] * art_material_share[i]
        f_com_in[i] += com_in[i]
        f_com_out[i] += com_out[i]
        output[i] = produced
        sales_units[i] = sold_units[i] + received[i]
        revenue[i] = rev
        expected[i] = 0.7 * expected[i] + 0.3 * ordered[i] / factor if active[i] else 0.0
        unmet_last[i] = unmet[i]
    if any_ljmp:
        by_cluster = np.zeros(len(ljmp_fund))
        for i in range(n):
            fund_in[cluster[i]] += f_fee[i]
        for i in range(n):
            by_cluster[cluster[i]] += f_fee[i]
        for c in range(len(ljmp_fund)):
            ljmp_fund[c] += by_cluster[c]

    # ---- money (model._money)
    wage = p[_WAGE]
    subsistence = p[_SUBSISTENCE]
    n_closing = 0
    for i in range(n):
        act = active[i]
        f_wages[i] += workers[i] * wage if act else 0.0
        # shared by profit and cash (the same sums)
        trading = f_revenue[i] - f_fee[i] - f_materials[i] - f_wages[i]
        profit = trading - f_interest[i] + f_com_in[i] - f_com_out[i]
        pos = max(profit, 0.0)
        draw = (min(pos, subsistence) + p[_DRAW_SHARE] * max(pos - subsistence, 0.0)) if act else 0.0
        operating = trading + f_com_in[i] - f_com_out[i]
        draw = min(draw, max(cash[i] + operating, 0.0))
        f_draw[i] += draw
        cash[i] += operating - draw
        income[i] = profit if act else 0.0
        ema = profit if income_ema[i] == 0 else 0.8 * income_ema[i] + 0.2 * profit
        income_ema[i] = ema
        dev = abs(profit - ema) / max(abs(ema), subsistence)
        volatility[i] = 0.8 * volatility[i] + 0.2 * dev
        # hire when orders go unmet, lay off when capacity idles (not in peak months)
        per_worker = cap[i] / max(1 + workers[i], 1)
        hire = (act and unmet_last[i] > 0.5 * per_worker and cash[i] > 3 * wage
                and workers[i] < p[_MAX_WORKERS])
        fire = act and workers[i] > 0 and (cash[i] < 0 or (not festive and plan[i] < 0.5 * cap[i]))
        workers[i] += (1 if hire else 0) - (1 if fire else 0)
        # better equipment when demand outgrows capacity and cash allows
        price = equipment_cost[min(tier[i] + 1, 2)]
        if (act and tier[i] < 2 and unmet_last[i] > 0.2 * cap[i]
                and cash[i] >= p[_INVEST_BUFFER] * price):
            cash[i] -= price
            f_invest[i] += price
            tier[i] += 1
        neg_months[i] = neg_months[i] + 1 if act and cash[i] < 0 else 0
        if act and neg_months[i] >= p[_MONTHS_TO_CLOSE]:
            active[i] = False
            workers[i] = 0
            f_written_off[i] += debt[i]
            debt[i] = 0.0
            active_artisans[village[i]] -= 1
            n_closing += 1
    closed = 0
    if n_closing:
        closed = drop_inactive(u, v, partner, since, one_sided, balance, volume, m, active)

    # ---- partnerships form (model._network; introductions follow outside)
    comp = np.empty(m)
    for j in range(m):
        a = u[j]
        b = v[j]
        same = product[a] == product[b]
        short_a = unmet_last[a] > 0
        short_b = unmet_last[b] > 0
        spare_a = cap[a] - plan[a] > 0
        spare_b = cap[b] - plan[b] > 0
        x = 1.0 if same and ((short_a and spare_b) or (short_b and spare_a)) else 0.2
        comp[j] = 1.0 if same and art_stage[a] != art_stage[b] else x
    formed = form(u, v, trust, partner, since, m, comp, active, draw_form, p[_PARTNER_RATE],
                  p[_PARTNER_TRUST_MIN], month_no)

    # ---- learning, quality and reach (model._learn)
    between_partners, n_partners = partners_between(u, v, partner, between, m, n)
    decay_all = p[_SKILL_DECAY]
    keep_exposure = 1 - p[_EXPOSURE_DECAY]
    keep_reputation = 1 - p[_REPUTATION_DECAY]
    for i in range(n):
        use = min(max(plan[i] / max(cap[i], 1e-9), 0.0), 1.0) if active[i] else 0.0
        skill[i] += p[_PRACTICE_LEARNING] * use * (1 + (1 if mentored[i] else 0)) * (1 - skill[i])
        # practices not refreshed by a mentor fade (decay 0 for the mentored)
        decay = 0.0 if mentored[i] else decay_all
        gmp[i] -= decay * gmp[i]
        design[i] -= decay * design[i]
        digital[i] -= decay * digital[i]
        books[i] -= decay * books[i]
        exposure[i] *= keep_exposure
        reputation[i] *= keep_reputation
    quality_and_reach(village, skill, gmp, design, digital, tier, quality, brand, reach, exposure,
                      ljmp, art_needs_ipal, any_needs_ipal, access, reach_bonus, facility,
                      between_partners, p)
    return formed, n_gone, recip_gone, closed, n_partners


@nb.njit(cache=True)
def partners_between(u, v, partner, between, m, n):
    """Each artisan's partners in other villages, and the number of partnerships."""
    count = np.zeros(n, np.int64)
    k = 0
    for j in range(m):
        if partner[j]:
            k += 1
            if between[j]:
                count[u[j]] += 1
                count[v[j]] += 1
    return count, k


@nb.njit(cache=True)
def quality_and_reach(village, skill, gmp, design, digital, tier, quality, brand, reach, exposure,
                      ljmp, art_needs_ipal, any_needs_ipal, access, reach_bonus, facility,
                      between_partners, p):
    """Quality from practices and equipment; the highest market tier within reach."""
    for i in range(len(village)):
        # without dyeing products every environment score is 1
        env = 1.0
        if any_needs_ipal and art_needs_ipal[i] and not facility[village[i]]:
            env = 0.3
        x = (Q_SKILL * skill[i] + Q_GMP * gmp[i] + Q_DESIGN * design[i] + Q_EQUIP * tier[i] / 2
             + Q_ENV * env)
        quality[i] = min(max(x, 0.0), 1.0)
        score = (p[_REACH_ACCESS] * access[village[i]] + reach_bonus[village[i]]
                 + p[_REACH_DIGITAL] * digital[i] + p[_REACH_BRAND] * (1.0 if brand[i] else 0.0)
                 + exposure[i] + p[_LJMP_REACH] * (1.0 if ljmp[i] else 0.0)
                 + p[_REACH_PARTNER] * min(between_partners[i], 2))
        standard = gmp[i] >= STANDARD_GMP and env >= 1.0
        if score >= p[_REACH_EXPORT] and brand[i] and standard:
            reach[i] = 2
        elif score >= p[_REACH_NATIONAL]:
            reach[i] = 1
        else:
            reach[i] = 0


@nb.njit(cache=True)
def introductions(u, v, trust, partner, m, n, active, pick, flip, r):
    """Partners introduce partners (see :meth:`ovopsim.network.SocialNetwork.introduce`).

    ``pick`` indexes the partnerships in edge order; ``flip`` < 0.5 makes the
    partnership's ``u`` the one introduced; ``r`` picks a partner of the introducer.
    Returns the pairs (introduced, partner of the introducer) that can meet, and the
    trust between them (the product of the two trusts)."""
    e = np.empty(m, np.int64)
    ne = 0
    for j in range(m):
        if partner[j]:
            e[ne] = j
            ne += 1
    # the partnership graph by node, each node's partners in edge order, u sides first
    ptr = np.zeros(n + 1, np.int64)
    for q in range(ne):
        ptr[u[e[q]] + 1] += 1
        ptr[v[e[q]] + 1] += 1
    for i in range(n):
        ptr[i + 1] += ptr[i]
    pos = ptr[:n].copy()
    dst = np.empty(2 * ne, np.int64)
    tr = np.empty(2 * ne)
    for q in range(ne):
        s = u[e[q]]
        dst[pos[s]] = v[e[q]]
        tr[pos[s]] = trust[e[q]]
        pos[s] += 1
    for q in range(ne):
        s = v[e[q]]
        dst[pos[s]] = u[e[q]]
        tr[pos[s]] = trust[e[q]]
        pos[s] += 1
    k = len(pick)
    out_a = np.empty(k, np.int64)
    out_c = np.empty(k, np.int64)
    out_t = np.empty(k)
    c = 0
    for i in range(k):
        ed = e[pick[i]]
        if flip[i] < 0.5:
            a, b = u[ed], v[ed]
        else:
            a, b = v[ed], u[ed]
        j = ptr[b] + np.int64(r[i] * (ptr[b + 1] - ptr[b]))
        other = dst[j]
        if other != a and active[a] and active[other]:
            out_a[c] = a
            out_c[c] = other
            out_t[c] = trust[ed] * tr[j]
            c += 1
    return out_a[:c], out_c[:c], out_t[:c]


@nb.njit(cache=True)
def unique_ties(a, b, trust, n):
    """The pairs a-b with a != b as keys ``lo * n + hi``, sorted, each once with the
    trust of its first occurrence."""
    k = len(a)
    key = np.empty(k, np.int64)
    tr = np.empty(k)
    c = 0
    for i in range(k):
        if a[i] != b[i]:
            key[c] = min(a[i], b[i]) * n + max(a[i], b[i])
            tr[c] = trust[i]
            c += 1
    order = np.argsort(key[:c], kind="mergesort")
    keys = np.empty(c, np.int64)
    first = np.empty(c)
    r = 0
    for q in range(c):
        x = key[order[q]]
        if r == 0 or x != keys[r - 1]:
            keys[r] = x
            first[r] = tr[order[q]]
            r += 1
    return keys[:r], first[:r]


@nb.njit(cache=True)
def append_ties(u, v, trust, between, village, m, n, keys, tie_trust, new):
    """Write the ties ``keys[new]`` from slot ``m`` on (capacity already there); returns how many."""
    c = m
    for i in range(len(keys)):
        if new[i]:
            u[c] = keys[i] // n
            v[c] = keys[i] % n
            trust[c] = tie_trust[i]
            between[c] = village[u[c]] != village[v[c]]
            c += 1
    return c - m
