"""Building the world a scenario describes (ODD 5, initialisation).

Villages come from the scenario (``[[villages]]``, or ``[generate]``), each with
its producers by product, in the order listed. Every village also has
``world.entrant_share`` households per business that could open one of the
village's products later (inactive slots, entry: :mod:`ovopsim.mechanisms.money`).
Initial state is drawn from the Rasau Jaya survey where it gives numbers and from
stated assumptions otherwise.

The social graph is either **generated** (a small-world ring lattice inside each
village, ``network.within_degree`` and ``rewire``, plus
``bridges_per_artisan`` random ties to villages within ``bridge_reach``; a share
``initial_partner_share`` of same-product village ties start as partnerships) or
**observed** (``network.file``: each tie with its trust and whether it is a
partnership, between the surveyed artisans, ``<village>/<k>``).

Province demand for each product is ``market.province_demand`` times its
producers' initial capacity at the reference price and quality; the outer tiers'
orders are their own shares of it. Expected orders start at the province share
of each artisan's capacity, and cash at ``world.capital_months`` months of the
inputs for them; the warm-up year (:mod:`ovopsim.model`) settles the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import state
from .config import Scenario
from .state import BOOKS, DESIGN, DIGITAL, GMP, SKILL

GMP_TRAINED, GMP_UNTRAINED = 0.3, 0.05     # GMP practice of those who attended GMP training, others
BOOKS_KEPT, BOOKS_NONE = state.BOOKS_SIMPLE, 0.02  # bookkeeping practice of those who keep simple books, others
DESIGN_MEAN, DESIGN_SD = 0.1, 0.05
DIGITAL_MEAN, DIGITAL_SD = 0.05, 0.03
GOV_TRUST_SD = 0.1
TIE_TRUST_SD = 0.05                          # heterogeneity of initial trust on generated ties


@dataclass
class World:
    """Everything built from a scenario before the first month.

    Attributes:
        artisans: :data:`ovopsim.state.ARTISAN` records (a :class:`~ovopsim.state.Table`).
        fresh: each slot's household as drawn (a new business starts from it).
        ties: :class:`~ovopsim.state.Ties`.
        villages, clusters, products: record tables.
        village_names, cluster_names, product_names: names by index.
        surveyed: indices of the artisans the scenario lists (the rest are potential entrants).
    """

    artisans: state.Table
    fresh: np.ndarray
    ties: state.Ties
    villages: state.Table
    clusters: state.Table
    products: state.Table
    village_names: list[str]
    cluster_names: list[str]
    product_names: list[str]
    surveyed: np.ndarray


def first_month(w) -> int:
    """The first warm-up month: the warm-up runs whole years, at most ``warmup_max``
    months rounded up to a year, ending at month 0 (:class:`ovopsim.model.OVOPModel`)."""
    return 1 - 12 * -(-w.warmup_max // 12)


def in_group(w) -> float:
    """The share of producers in the entrepreneurs' group: its plain members and its board."""
    return min(w.group_member_share + w.board_share, 1.0)


def board_among_members(w) -> float:
    """The chance that a group member sits on its board (a new board is drawn so too)."""
    return w.board_share / max(in_group(w), 1e-9)


def build(scenario: Scenario, rng: np.random.Generator, par: np.ndarray) -> World:
    s, w = scenario, scenario.world
    vlist = s.village_list()
    catalogue = s.catalogue()
    used = sorted({p for v in vlist for p in v.artisans})
    pcode = {p: i for i, p in enumerate(used)}
    cluster_names = list(dict.fromkeys(v.cluster or v.name for v in vlist))
    ccode = {c: i for i, c in enumerate(cluster_names)}

    # slots: each village's surveyed producers (products as listed), then its potential entrants
    vill, prod, surveyed = [], [], []
    for vi, v in enumerate(vlist):
        for p, k in v.artisans.items():
            surveyed.extend(range(len(vill), len(vill) + k))
            vill += [vi] * k
            prod += [pcode[p]] * k
        for p, k in v.artisans.items():
            extra = int(np.ceil(w.entrant_share * k))
            vill += [vi] * extra
            prod += [pcode[p]] * extra
    village = np.array(vill, np.int64)
    n = len(village)
    nv = len(vlist)

    villages = state.Table(np.zeros(nv, state.VILLAGE))
    villages.households = [v.households for v in vlist]
    villages.raw_material = [v.raw_material for v in vlist]
    villages.access = [v.access for v in vlist]
    villages.stage = [v.stage for v in vlist]
    villages.product_history = [v.product_history for v in vlist]
    villages.local_wisdom = [v.local_wisdom for v in vlist]
    villages.cluster = [ccode[v.cluster or v.name] for v in vlist]
    villages.knowledge = 1.0
    villages.awareness = s.learning.awareness_topdown

    products = state.Table(np.zeros(len(used), state.PRODUCT))
    for k, name in enumerate(used):
        c = catalogue[name]
        products.price[k] = c.price
        products.output_per_worker[k] = c.output_per_worker
        products.material_share[k] = c.material_share
        products.dried[k] = c.dried
        products.spoilage[k] = c.spoilage
        products.needs_ipal[k] = c.needs_ipal
    products.price_index = 1.0

    clusters = state.Table(np.zeros(len(cluster_names), state.CLUSTER))
    clusters.ljmp = s.ljmp.enabled
    clusters.fund = s.ljmp.fund if s.ljmp.enabled else 0.0

    a = state.artisans(n)
    a.village = village
    a.cluster = villages.cluster[village]
    a.product = np.array(prod, np.int64)
    a.stage = villages.stage[village]
    active = np.zeros(n, bool)
    active[surveyed] = True
    a.active = active
    a.opened = np.where(active, first_month(w) - 1, state.NEVER)  # before the first simulated month

    def clipped(mean, sd):
        return np.clip(rng.normal(mean, sd, n), 0.0, 1.0)

    shares = np.asarray(w.equipment_shares) / np.sum(w.equipment_shares)
    know = np.column_stack([
        clipped(w.skill_mean, w.skill_sd),
        np.where(rng.random(n) < w.gmp_trained_share, GMP_TRAINED, GMP_UNTRAINED),
        clipped(DESIGN_MEAN, DESIGN_SD),
        clipped(DIGITAL_MEAN, DIGITAL_SD),
        np.where(rng.random(n) < w.bookkeeping_share, BOOKS_KEPT, BOOKS_NONE),
    ])
    assert know.shape[1] == 5 and (SKILL, GMP, DESIGN, DIGITAL, BOOKS) == (0, 1, 2, 3, 4)
    a.knowledge = know
    a.practice = know
    a.tier = np.where(active, rng.choice(3, size=n, p=shares), 0)
    member = rng.random(n) < in_group(w)
    a.member = member & active
    a.board = member & active & (rng.random(n) < board_among_members(w))
    workers = np.minimum(rng.poisson(w.workers_mean, n), s.production.max_workers)
    a.workers = np.where(active, workers, 0)
    a.gov_trust = clipped(s.learning.gov_trust_initial, GOV_TRUST_SD)
    a.norm = clipped(w.norm_mean, w.norm_sd)
    a.input_quality = s.production.trader_input_quality

    ties = _ties(s, rng, village, surveyed, active, a.product)

    # quality and reach before the first orders; then capacity, demand and expectations
    from .mechanisms import learning, production

    learning.quality_and_reach(a.data, ties.data, ties.m, villages.data, products.data, par)
    production.plan(a.data, products.data, par, False)
    base = np.where(active, a.capacity, 0.0)
    products.quality0 = np.bincount(a.product, np.where(active, a.quality, 0.0), len(used)) / np.maximum(
        np.bincount(a.product, active, len(used)), 1)
    cap0 = np.bincount(a.product, base, len(used))
    products.base = np.outer(cap0, [s.market.province_demand, s.market.national_market,
                                    s.market.export_market])
    input_cost = products.price[a.product] * products.material_share[a.product]
    a.expected = np.where(active, s.market.province_demand * base, 0.0)
    a.cash = np.where(active, w.capital_months * a.expected * input_cost, 0.0)
    villages.active = np.bincount(village, active, nv).astype(np.int64)
    villages.workers = np.bincount(village, np.where(active, a.workers, 0), nv).astype(np.int64)
    fresh = a.data.copy()
    return World(a, fresh, ties, villages, clusters, products, [v.name for v in vlist],
                 cluster_names, used, np.array(surveyed, np.int64))


def _ties(s: Scenario, rng, village, surveyed, active, product):
    """The generated or observed social graph, with its initial partnerships."""
    net = s.network
    n = len(village)
    if net.edges:
        index = dict(zip(s.artisan_ids(), np.asarray(surveyed).tolist(), strict=True))
        u = np.array([index[e.source] for e in net.edges], np.int64)
        v = np.array([index[e.target] for e in net.edges], np.int64)
        trust = np.array([e.trust for e in net.edges], float)
        partner = np.array([e.partner for e in net.edges], bool)
    else:
        u, v = _generate(rng, village, net.within_degree, net.rewire, net.bridges_per_artisan,
                         net.bridge_reach)
        trust = np.where(village[u] == village[v], net.trust_within, net.trust_between)
        trust = np.clip(trust + rng.normal(0, TIE_TRUST_SD, len(trust)), 0, 1)
        partner = ((village[u] == village[v]) & (product[u] == product[v])
                   & (rng.random(len(u)) < net.initial_partner_share))
    keep = u != v
    lo, hi = np.minimum(u[keep], v[keep]), np.maximum(u[keep], v[keep])
    key = lo * n + hi
    key, first = np.unique(key, return_index=True)
    lo, hi = key // n, key % n
    trust, partner = trust[keep][first], partner[keep][first]
    m = len(lo)
    ties = state.Ties(int(m * 1.25) + 16)
    t = ties.data
    t["u"][:m], t["v"][:m] = lo, hi
    t["trust_uv"][:m] = trust
    t["trust_vu"][:m] = trust
    t["between"][:m] = village[lo] != village[hi]
    t["partner"][:m] = partner & active[lo] & active[hi]
    # a generated partnership exists before the first simulated month, as its businesses do
    # (the warm-up's clock then moves it with every other month); an observed one was
    # observed at month 0, after the warm-up (OVOPModel restores the surveyed ties then)
    t["since"][:m] = np.where(t["partner"][:m], 0 if net.edges else first_month(s.world) - 1, -1)
    t["last_used"][:m] = 0
    t["kin"][:m] = True
    ties.m = m
    return ties


def _generate(rng, village, within_degree, rewire, bridges_per_artisan, bridge_reach):
    """Ring lattices rewired within each village (small worlds) plus sparse bridges
    between nearby villages; linear in the number of artisans. ``village`` is sorted."""
    n = len(village)
    starts = np.flatnonzero(np.concatenate(([True], village[1:] != village[:-1])))
    sizes = np.diff(np.append(starts, n))
    first = np.repeat(starts, sizes)
    size = np.repeat(sizes, sizes)
    pos = np.arange(n) - first
    us, vs = [], []
    for d in range(1, within_degree // 2 + 1):
        ok = size > d
        i = ok.nonzero()[0]
        j = first[i] + (pos[i] + d) % size[i]
        flip = rng.random(len(i)) < rewire
        j[flip] = first[i[flip]] + rng.integers(0, size[i[flip]])
        us.append(i)
        vs.append(j)
    n_villages = len(starts)
    n_b = int(round(bridges_per_artisan * n)) if n_villages > 1 else 0
    if n_b:
        i = rng.integers(0, n, n_b)
        off = rng.integers(1, bridge_reach + 1, n_b) * rng.choice([-1, 1], n_b)
        w = (village[i] + off) % n_villages
        j = starts[w] + rng.integers(0, sizes[w])
        us.append(i)
        vs.append(j)
    u = np.concatenate(us) if us else np.zeros(0, np.int64)
    v = np.concatenate(vs) if vs else np.zeros(0, np.int64)
    return u.astype(np.int64), v.astype(np.int64)
