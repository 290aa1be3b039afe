"""Demand, orders, sales and prices (ODD 7.2).

Three market tiers: the province, other provinces ("national") and export.
Every product has its own market in each tier.

Demand (units a month) for product p in tier t::

    D[p, t] = base[p, t] x (1 + demand_growth)^years x festive x access
              x (mean quality of its sellers / initial mean quality)^quality_elasticity
              x (province price index)^-demand_elasticity      (province only)

``base`` is fixed at the start as a share (``province_demand``,
``national_market``, ``export_market``) of the producers' initial capacity, so
every market **saturates**: more producers, or bigger ones, share the same
buyers. ``festive`` is ``1 + festive_boost`` in the month of peak buying before
Eid al-Fitr and before Christmas (Rasau Jaya: output rises 25-50% before
religious holidays, to serve regular customers); ``access`` is ``1 +`` an access
shock's demand in the outer tiers (Singkawang's airport).

Orders within the province go to its producers in proportion to their
attractiveness (capacity^``size_elasticity`` x quality x (1 + reputation)). In an
outer tier a producer whose reach opens it brings its own buyers there:
``national_demand`` (``export_demand``) of its capacity, times ``access`` (a road or
an airport brings buyers as well as demand), scaled down in proportion when the
producers who reach the tier would together sell more than its demand. A producer fills the best-paying orders first (export, other
provinces, the province) from its output and stock; what it cannot fill is
unmet (it may pass it to partners, :mod:`.exchange`).

Prices. Outer tiers pay the reference price x ``tier_price`` (the district's
producers are price takers there). The province price moves each month with
how hard demand presses on the producers' capacity::

    index <- index x (orders / capacity / normal_utilisation)^price_adjustment

within [``price_floor``, ``price_cap``]: a flooded market (more capacity than
buyers) cheapens, and with elastic demand a lower price sells more. The price a
producer receives is the tier price x (1 + ``quality_premium`` x (its quality -
the market's mean quality)) x (1 - ``middleman_margin`` x (1 - capture)), where
capture is what its LJMP wins back from traders (:mod:`.ljmp`).
"""

from __future__ import annotations

import datetime as dt
import functools

import numba as nb
import numpy as np

# Eid al-Fitr, 1 Syawal (Indonesian government calendar); later years follow
# the lunar drift of about 10.875 days a year.
_EID = {2023: (4, 22), 2024: (4, 10), 2025: (3, 31), 2026: (3, 20), 2027: (3, 10), 2028: (2, 27),
        2029: (2, 14), 2030: (2, 4)}
FESTIVE_LEAD_DAYS = 15  # peak buying: the calendar month holding the day 15 days before the holiday


def eid_date(year: int) -> dt.date:
    if year in _EID:
        return dt.date(year, *_EID[year])
    ref = dt.date(2030, 2, 4)
    d = ref + dt.timedelta(days=round((year - 2030) * -10.875 + (year - 2030) * 365.25))
    # step to the occurrence that falls in `year`
    while d.year > year:
        d -= dt.timedelta(days=354.37)
    while d.year < year:
        d += dt.timedelta(days=354.37)
    return d


@functools.lru_cache(maxsize=64)
def _calendar(start_year: int, first: int, last: int, rainy: tuple[int, ...]):
    months = np.arange(first, last + 1)
    # the warm-up (months 0 and below) repeats the seasons of the year before month 1
    year = np.where(months >= 1, start_year + np.floor_divide(months - 1, 12), start_year - 1)
    cal = np.mod(months - 1, 12) + 1
    festive = np.zeros(len(months), bool)
    for k, (y, c) in enumerate(zip(year.tolist(), cal.tolist(), strict=True)):
        for d in (eid_date(y), dt.date(y, 12, 25)):
            peak = d - dt.timedelta(days=FESTIVE_LEAD_DAYS)
            if peak.year == y and peak.month == c:
                festive[k] = True
    return year, cal, festive, np.isin(cal, list(rainy))


@functools.lru_cache(maxsize=64)
def _calendar_tuples(start_year: int, first: int, last: int, rainy: tuple[int, ...]):
    return tuple(tuple(x.tolist()) for x in _calendar(start_year, first, last, rainy))


class Calendar:
    """The model months ``first`` .. ``last`` (month 1 is January of ``start_year``;
    the warm-up months are 0 and below and repeat the year before): their calendar
    year and month, whether they are a festive peak and whether they fall in the
    rainy season. The arrays are shared by every calendar of the same months: not
    to be changed."""

    def __init__(self, start_year: int, rainy_months, first: int, last: int):
        self.first, self.last = first, last
        self._key = (start_year, first, last, tuple(sorted(rainy_months)))
        self.year, self.month, self.festive_, self.rainy_ = _calendar(*self._key)

    def scalars(self) -> tuple[tuple, tuple, tuple, tuple]:
        """The year, month, festive and rainy of each month as tuples of Python values
        (faster to read one at a time than the arrays)."""
        return _calendar_tuples(*self._key)

    def _k(self, m: int) -> int:
        if not self.first <= m <= self.last:
            raise IndexError(f"month {m} outside the calendar ({self.first} to {self.last})")
        return m - self.first

    def festive(self, m: int) -> bool:
        return bool(self.festive_[self._k(m)])

    def rainy(self, m: int) -> bool:
        return bool(self.rainy_[self._k(m)])

    def calendar_month(self, m: int) -> int:
        return int(self.month[self._k(m)])

    def calendar_year(self, m: int) -> int:
        return int(self.year[self._k(m)])


def festive_months(start_year: int, months: int) -> np.ndarray:
    """Boolean per model month 0..months (index = month): the months of peak buying."""
    return Calendar(start_year, (), 0, months).festive_.copy()


@nb.njit(cache=True)
def seller_quality(a, prods):
    """(products, 3) mean quality of the active producers whose reach opens each tier
    (the product's initial mean quality where a tier has none)."""
    n_p = len(prods)
    qsum = np.zeros((n_p, 3))
    cnt = np.zeros((n_p, 3))
    for i in range(len(a)):
        if a[i].active:
            p = a[i].product
            for t in range(a[i].reach + 1):
                qsum[p, t] += a[i].quality
                cnt[p, t] += 1.0
    out = np.empty((n_p, 3))
    for p in range(n_p):
        for t in range(3):
            out[p, t] = qsum[p, t] / cnt[p, t] if cnt[p, t] > 0 else prods[p].quality0
    return out


@nb.njit(cache=True)
def demand(prods, qbar, par, festive, growth, access_boost):
    """This month's demand by product and tier into ``prods.demand`` (see the module)."""
    lift = 1.0 + par.market_festive_boost if festive else 1.0
    for p in range(len(prods)):
        for t in range(3):
            d = prods[p].base[t] * growth * lift
            if t > 0:
                d *= 1.0 + access_boost
            d *= (qbar[p, t] / prods[p].quality0) ** par.market_quality_elasticity
            if t == 0:
                d *= prods[p].price_index ** (-par.market_demand_elasticity)
            prods[p].demand[t] = d


@nb.njit(cache=True, inline="always")
def sell(a, prods, clusters, flows, par, festive, growth, access_boost):
    """Demand, orders by attractiveness, prices received and sales from output and
    stock, best-paying tier first. Leaves each producer's orders, units sold and
    unit prices by tier, and its unmet orders, for partners to take up."""
    pr = par[0]
    qbar = seller_quality(a, prods)
    demand(prods, qbar, pr, festive, growth, access_boost)
    n_p = len(prods)
    weight = np.zeros((n_p, 3))  # province: attractiveness; outer tiers: buyers brought
    # an access shock (a road, an airport) brings outer buyers: each producer who reaches
    # an outer tier brings (1 + access_boost) times its share of orders there
    boost = 1.0 + access_boost
    share = (0.0, pr.market_national_demand * boost, pr.market_export_demand * boost)
    hours = pr.production_overtime if festive else 1.0  # buyers follow capacity at normal hours
    for i in range(len(a)):
        if a[i].active:
            weight[a[i].product, 0] += a[i].attract
            for t in range(1, a[i].reach + 1):
                weight[a[i].product, t] += share[t] * a[i].capacity / hours
    margin = pr.market_middleman_margin
    for p in range(n_p):
        prods[p].offered = 0.0
    for i in range(len(a)):
        ai = a[i]
        for t in range(3):
            ai.orders_by_tier[t] = 0.0
            ai.sold[t] = 0.0
            ai.sales_by_tier[t] = 0.0
        if not ai.active:
            ai.orders = 0.0
            ai.unmet = 0.0
            ai.revenue = 0.0
            ai.sales_units = 0.0
            continue
        p = ai.product
        capture = clusters[ai.cluster].capture if ai.ljmp else 0.0
        for t in range(3):
            ref = prods[p].price * pr.market_tier_price[t]
            if t == 0:
                ref *= prods[p].price_index
            premium = 1.0 + pr.market_quality_premium * (ai.quality - qbar[p, t])
            ai.unit_price[t] = max(ref * premium * (1.0 - margin * (1.0 - capture)), 0.0)
            if t == 0 and weight[p, 0] > 0:
                ai.orders_by_tier[0] = prods[p].demand[0] * ai.attract / weight[p, 0]
            elif 0 < t <= ai.reach and weight[p, t] > 0:
                brought = share[t] * ai.capacity / hours
                ai.orders_by_tier[t] = brought * min(1.0, prods[p].demand[t] / weight[p, t])
        left = ai.output + ai.inventory
        prods[p].offered += left
        units = 0.0
        value = 0.0
        for t in (2, 1, 0):
            s = min(ai.orders_by_tier[t], left)
            ai.sold[t] = s
            ai.sales_by_tier[t] = s * ai.unit_price[t]
            left -= s
            units += s
            value += ai.sales_by_tier[t]
        ai.orders = ai.orders_by_tier[0] + ai.orders_by_tier[1] + ai.orders_by_tier[2]
        ai.unmet = ai.orders - units
        spoiled = left * prods[p].spoilage
        ai.inventory = left - spoiled
        ai.sales_units = units
        ai.revenue = value
        flows[i].revenue += value
        flows[i].sold += units
        flows[i].spoiled += spoiled


@nb.njit(cache=True, inline="always")
def adjust_prices(a, prods, par, festive):
    """The province price index of each product moves with utilisation: this month's
    orders (without the festive lift) over the producers' capacity at normal hours."""
    pr = par[0]
    lift = 1.0 + pr.market_festive_boost if festive else 1.0
    n_p = len(prods)
    orders = np.zeros(n_p)
    cap = np.zeros(n_p)
    for i in range(len(a)):
        if a[i].active:
            p = a[i].product
            orders[p] += a[i].orders
            c = a[i].capacity / pr.production_overtime if festive else a[i].capacity
            cap[p] += c
    for p in range(n_p):
        if cap[p] <= 0:
            prods[p].utilisation = 0.0
            continue
        u = orders[p] / lift / cap[p]
        prods[p].utilisation = u
        x = prods[p].price_index * (u / pr.market_normal_utilisation) ** pr.market_price_adjustment
        prods[p].price_index = min(max(x, pr.market_price_floor), pr.market_price_cap)
