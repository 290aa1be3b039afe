"""The social-capital network: construction, trust, reciprocity, partnerships."""

import numpy as np

from ovopsim.network import SocialNetwork


def build(n_villages=5, size=40, seed=0, **kw):
    village = np.repeat(np.arange(n_villages), size)
    args = dict(within_degree=6, rewire=0.1, bridges_per_artisan=0.05, bridge_reach=2,
                trust_within=0.5, trust_between=0.3)
    args.update(kw)
    return SocialNetwork.build(np.random.default_rng(seed), village, **args), village


def test_mostly_within_villages_and_no_duplicates():
    net, village = build()
    u, v = net.view("u"), net.view("v")
    assert (u < v).all()
    assert len(np.unique(u * net.n + v)) == net.m
    between = net.view("between")
    assert 0 < between.sum() < 0.05 * net.m
    assert abs(2 * net.m / net.n - 6.3) < 0.8  # about within_degree + bridges
    assert np.isclose(net.view("trust")[~between].mean(), 0.5, atol=0.02)


def test_edges_grow_linearly_with_artisans():
    small, _ = build(n_villages=10, size=50)
    big, _ = build(n_villages=100, size=50)
    assert abs(big.m / small.m - 10) < 0.5


def exchange(net, reciprocity, unmet, spare, months=12, seed=1):
    rng = np.random.default_rng(seed)
    n = net.n
    for month in range(months):
        net.exchange(rng, unmet=unmet, spare=spare, unit_value=np.full(n, 1000.0), margin=np.full(n, 0.6),
                     product=np.zeros(n, int), stage=np.zeros(n, int), reciprocity=reciprocity,
                     active=np.ones(n, bool), commission=0.5, memory=0.9, one_sided_ratio=0.5,
                     trust_gain=0.1, trust_loss=0.2, trust_neglect=0.01, trust_floor=0.2,
                     dissolve_after=3, month=month)


def pair(trust=0.5):
    net = SocialNetwork(2, np.array([0]), np.array([1]), np.array([trust]), np.array([0, 1]))
    net.partner[0] = True
    return net


def test_reciprocated_partnership_builds_trust_and_persists():
    net = pair()
    exchange(net, np.array([1.0, 1.0]), unmet=np.array([10.0, 0.0]), spare=np.array([0.0, 10.0]))
    assert net.partner[0] and net.trust[0] > 0.8


def test_unreciprocated_partnership_dissolves_and_trust_falls():
    net = pair()
    # artisan 1 takes the orders but never pays the commission or passes orders back
    exchange(net, np.array([1.0, 0.0]), unmet=np.array([10.0, 0.0]), spare=np.array([0.0, 10.0]))
    assert not net.partner[0] and net.dissolved == 1
    assert net.trust[0] < 0.5 * 0.8**2


def test_idle_partnership_fades_towards_the_floor():
    net = pair(0.9)
    exchange(net, np.array([1.0, 1.0]), unmet=np.zeros(2), spare=np.zeros(2), months=24)
    assert 0.2 < net.trust[0] < 0.9 and net.partner[0]


def test_formation_needs_trust_and_introductions_add_ties():
    net, village = build(seed=3)
    rng = np.random.default_rng(0)
    active = np.ones(net.n, bool)
    net.trust[: net.m] = 0.1  # below the threshold: nothing forms
    assert net.form(rng, complementarity=np.ones(net.m), active=active, rate=1.0, trust_min=0.2, month=1) == 0
    net.trust[: net.m] = 0.9
    k = net.form(rng, complementarity=np.ones(net.m), active=active, rate=0.5, trust_min=0.2, month=1)
    assert 0.3 * net.m < k < 0.6 * net.m
    m0 = net.m
    added = net.introduce(rng, 0.5, active)
    assert added > 0 and net.m == m0 + added
    assert len(np.unique(net.view("u") * net.n + net.view("v"))) == net.m


def test_networkx_export():
    net, village = build(n_villages=2, size=10)
    g = net.to_networkx(village=village)
    assert g.number_of_edges() == net.m and g.nodes[15]["village"] == 1
    assert all(0 <= d["trust"] <= 1 for *_, d in g.edges(data=True))
