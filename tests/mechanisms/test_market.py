"""Demand, orders, sales and prices (ovopsim/mechanisms/market.py)."""

import datetime as dt

import numpy as np
import pytest

from ovopsim import state
from ovopsim.config import Scenario, load_scenario
from ovopsim.mechanisms import market
from ovopsim.model import OVOPModel
from ovopsim.simulation import no_programme


def test_eid_and_christmas_peaks():
    assert market.eid_date(2025) == dt.date(2025, 3, 31)
    # later years drift about 11 days earlier a year
    day = [(market.eid_date(y) - dt.date(y, 1, 1)).days for y in (2030, 2031)]
    assert 9 <= day[0] - day[1] <= 13
    cal = market.Calendar(2025, [11, 12, 1, 2, 3], -11, 36)
    festive = [m for m in range(1, 37) if cal.festive(m)]
    # 2025: Eid on 31 March (peak buying in March), Christmas (December); then 2026, 2027
    assert festive[:2] == [3, 12] and len(festive) == 6
    assert cal.rainy(1) and not cal.rainy(6) and cal.calendar_month(13) == 1
    # the warm-up repeats the seasons of the year before month 1 (2024: Eid on 10 April)
    assert cal.calendar_year(0) == 2024 and cal.festive(-9)  # March 2024
    with pytest.raises(IndexError):
        cal.festive(37)


def _market(n=4, reach=0):
    sc = Scenario()
    par = state.params(sc)
    prods = np.zeros(1, state.PRODUCT)
    prods[0]["price"], prods[0]["material_share"] = 100.0, 0.4
    prods[0]["base"] = [80.0, 20.0, 10.0]
    prods[0]["price_index"] = 1.0
    prods[0]["quality0"] = 0.5
    a = state.artisans(n)
    a.active = True
    a.quality = 0.5
    a.attract = 1.0
    a.reach = reach
    a.output = 100.0
    clusters = np.zeros(1, state.CLUSTER)
    return sc, par, prods, a, clusters


def _sell(par, prods, a, clusters):
    flows = np.zeros(a.n, state.FLOW)
    market.sell(a.data, prods, clusters, flows, par, False, 1.0, 0.0)
    return flows


def test_province_demand_falls_with_price_and_rises_with_quality():
    _, par, prods, a, _ = _market()
    qbar = np.full((1, 3), 0.5)
    market.demand(prods, qbar, par[0], False, 1.0, 0.0)
    at_ref = prods[0]["demand"][0]
    assert at_ref == pytest.approx(80.0)
    prods[0]["price_index"] = 0.5
    market.demand(prods, qbar, par[0], False, 1.0, 0.0)
    cheaper = prods[0]["demand"][0]
    assert cheaper == pytest.approx(80.0 * 0.5 ** -par[0]["market_demand_elasticity"])
    prods[0]["price_index"] = 1.0
    market.demand(prods, np.full((1, 3), 0.75), par[0], False, 1.0, 0.0)
    assert prods[0]["demand"][0] == pytest.approx(80.0 * 1.5 ** par[0]["market_quality_elasticity"])


def test_an_outer_market_saturates():
    """A producer who reaches other provinces brings its buyers there (a share of its
    capacity), until the district's producers together fill that market's demand."""
    _, par, prods, a, clusters = _market(n=4, reach=0)
    share = par[0]["market_national_demand"]
    a.capacity = 50.0
    a.reach[0] = 1
    _sell(par, prods, a, clusters)
    alone = a.orders_by_tier[0, 1]
    assert alone == pytest.approx(share * 50.0)
    a.capacity = 100.0
    a.reach[:] = 1  # together they would bring 4 x share x 100, more than the 20 demanded
    _sell(par, prods, a, clusters)
    assert a.orders_by_tier[:, 1].sum() == pytest.approx(min(20.0, 4 * share * 100.0))
    assert a.orders_by_tier[0, 1] == pytest.approx(a.orders_by_tier[:, 1].sum() / 4)


def test_sales_fill_the_best_paying_orders_first_and_stock_spoils():
    _, par, prods, a, clusters = _market(n=1, reach=1)
    prods[0]["spoilage"] = 0.5
    a.output = 50.0
    a.capacity = 1000.0  # its buyers elsewhere would take more than the 20 other provinces demand
    _sell(par, prods, a, clusters)
    assert a.sold[0].tolist() == pytest.approx([30.0, 20.0, 0.0])  # other provinces' 20 first
    assert a.unmet[0] == pytest.approx(50.0) and a.inventory[0] == 0.0
    a.output = 150.0
    flows = _sell(par, prods, a, clusters)
    assert a.inventory[0] == pytest.approx(25.0) and flows["spoiled"][0] == pytest.approx(25.0)


def test_the_price_moves_with_utilisation():
    _, par, prods, a, _ = _market(n=2)
    a.capacity = 100.0
    normal = 200.0 * par[0]["market_normal_utilisation"]  # orders of both at normal utilisation
    for orders, direction in ((normal * 1.2, 1), (normal * 0.5, -1), (normal, 0)):
        prods[0]["price_index"] = 1.0
        a.orders = orders / 2
        market.adjust_prices(a.data, prods, par, False)
        assert np.sign(round(prods[0]["price_index"] - 1.0, 12)) == direction


def test_doubling_supply_in_one_market_lowers_the_price_there():
    """Rasau Jaya without programmes: from month 1 the kerupuk (crackers) makers can
    make twice as much. Their market floods and its price falls; the other markets
    hardly move. (Then the makers lay workers off and the price recovers.)"""
    sc = no_programme(load_scenario("rasau_jaya"))
    for seed in (1, 2, 3):
        models = [OVOPModel(sc, rng=seed, months=6) for _ in range(2)]
        k = models[1].product_names.index("kerupuk")
        models[1].products.output_per_worker[k] *= 2
        prices = np.zeros((2, 6, len(models[0].product_names)))
        for which, model in enumerate(models):
            for month in range(6):
                model.step()
                prices[which, month] = model.products.price_index
        same, flooded = prices.mean(axis=1)
        ratio = prices[1, :, k] / prices[0, :, k]  # about 0.87 at the trough, 0.90 on average
        assert ratio.min() < 0.9 and flooded[k] < 0.95 * same[k], (seed, ratio)
        others = np.arange(len(same)) != k
        assert np.allclose(flooded[others], same[others], rtol=0.05)
