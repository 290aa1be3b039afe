"""The market: demand by product and tier, the calendar, prices and sales.

Three market tiers: the province, other provinces ("national") and export.
A tier is open to an artisan only once its market reach allows it. Demand in
each tier is a number of units per product per month, fixed at start as a
share of the producers' initial capacity (the province market is nearly
saturated, Rasau Jaya) and growing slowly; it peaks before Eid and
Christmas. Within a tier, orders are split in proportion to attractiveness
(size, quality, reputation); an artisan fills the best-paying orders first.
Orders it cannot fill are unmet (they may be passed to partners).
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np

from .kernels import month as _k

# Eid al-Fitr, 1 Syawal (Indonesian government calendar); later years follow
# the lunar drift of about 10.875 days a year.
_EID = {2024: (4, 10), 2025: (3, 31), 2026: (3, 20), 2027: (3, 10), 2028: (2, 27),
        2029: (2, 14), 2030: (2, 4)}


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


def festive_months(start_year: int, months: int) -> np.ndarray:
    """Boolean per model month (1-based index -> position 0): the month of peak
    buying, taken as the calendar month containing the day 15 days before
    Eid or Christmas."""
    return _festive_months(start_year, months).copy()


@functools.lru_cache(maxsize=64)
def _festive_months(start_year: int, months: int) -> np.ndarray:
    out = np.zeros(months + 1, bool)
    for m in range(1, months + 1):
        year = start_year + (m - 1) // 12
        cal = (m - 1) % 12 + 1
        for d in (eid_date(year), dt.date(year, 12, 25)):
            peak = d - dt.timedelta(days=15)
            if peak.year == year and peak.month == cal:
                out[m] = True
    return out


class Market:
    """Demand and sales for all products and tiers.

    Attributes:
        base_demand: (products, 3) units per month at start, by tier.
        tier_price: price multiplier by tier.
        festive: per model month, whether it is a pre-holiday peak.
        rainy: per model month, whether it is in the rainy season.
    """

    def __init__(self, capacity_by_product: np.ndarray, *, province: float, national: float,
                 export: float, growth: float, tier_price, festive_boost: float,
                 rainy_months, start_year: int, months: int):
        self.capacity = np.asarray(capacity_by_product, float)
        self.base_demand = np.outer(capacity_by_product, [province, national, export])
        self.growth = growth
        self.tier_price = np.asarray(tier_price, float)
        self.festive_boost = festive_boost
        self.festive = festive_months(start_year, months)
        cal = (np.arange(months + 1) - 1) % 12 + 1
        self.rainy = np.isin(cal, list(rainy_months))
        self.rainy[0] = False
        self.access_boost = 0.0  # extra national/export demand from an access shock

    def demand(self, month: int) -> np.ndarray:
        """(products, 3) units demanded this month."""
        d = self.base_demand * (1 + self.growth) ** ((month - 1) / 12)
        if self.festive[month]:
            d = d * (1 + self.festive_boost)
        if self.access_boost:
            d = d.copy()
            d[:, 1:] *= 1 + self.access_boost
        return d

    def orders(self, month: int, product: np.ndarray, reach: np.ndarray, attract: np.ndarray,
               size: np.ndarray | None = None) -> np.ndarray:
        """(n, 3) orders each artisan receives, by tier (all tiers at once).

        With ``size`` (each artisan's initial capacity), demand in the outer tiers
        (other provinces, export) is not a fixed pie: it is the tier's share of
        the initial capacity of the artisans who reach it. A district's producers
        are small next to the national and export markets, so each one who opens
        a tier brings its own buyers there (assumption, ODD); the province market
        stays a fixed, nearly saturated pie (Rasau Jaya)."""
        out = np.empty((len(product), 3))
        _k.orders(self.demand(month), self.capacity, product, reach, attract,
                  size if size is not None else attract, size is not None, out)
        return out

    @staticmethod
    def fill(orders: np.ndarray, supply: np.ndarray) -> np.ndarray:
        """(n, 3) units sold: the best-paying tier first (export, then national, then province)."""
        sold = np.empty(orders.shape)
        _k.fill(orders, supply, sold)
        return sold
