import datetime as dt

import numpy as np

from ovopsim.market import Market, eid_date, festive_months


def test_eid_dates_and_peak_months():
    assert eid_date(2025) == dt.date(2025, 3, 31)
    assert eid_date(2033).year == 2033
    f = festive_months(2025, 24)
    # Eid 2025 (31 Mar) -> March; Christmas -> December; Eid 2026 (20 Mar) -> March
    assert np.flatnonzero(f).tolist() == [3, 12, 15, 24]


def test_fill_serves_the_best_paying_tier_first():
    orders = np.array([[10.0, 5.0, 2.0], [1.0, 0.0, 0.0]])
    sold = Market.fill(orders, np.array([8.0, 5.0]))
    assert sold.tolist() == [[1.0, 5.0, 2.0], [1.0, 0.0, 0.0]]


def test_orders_split_by_attractiveness_within_reach():
    mk = Market(np.array([100.0]), province=1.0, national=0.5, export=0.0, growth=0.0,
                tier_price=[1, 1.25, 1.6], festive_boost=0.4, rainy_months=[1], start_year=2025, months=12)
    o = mk.orders(2, np.zeros(3, int), np.array([0, 1, 1]), np.array([1.0, 1.0, 2.0]))
    assert np.allclose(o[:, 0], [25, 25, 50]) and np.allclose(o[:, 1], [0, 50 / 3, 100 / 3])
    assert np.allclose(mk.orders(3, np.zeros(3, int), np.zeros(3, int), np.ones(3))[:, 0].sum(), 140)
