"""The compiled partnership-graph measures agree with networkx on random graphs."""

from __future__ import annotations

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ovopsim.kernels.measures import partner_structure


def _transitivity(u, v, n):
    return partner_structure(u, v, np.ones(len(u), bool), len(u), n)[0]


def _components(u, v, n):
    return partner_structure(u, v, np.ones(len(u), bool), len(u), n)[1]



@settings(max_examples=200, deadline=None)
@given(n=st.integers(2, 60), pairs=st.lists(st.tuples(st.integers(0, 59), st.integers(0, 59)), max_size=400))
def test_transitivity_and_components_match_networkx(n, pairs):
    edges = {(min(a, b), max(a, b)) for a, b in pairs if a != b and a < n and b < n}
    u = np.array([e[0] for e in edges], np.int64)
    v = np.array([e[1] for e in edges], np.int64)
    g = nx.Graph()
    g.add_edges_from(edges)
    assert _transitivity(u, v, n) == (nx.transitivity(g) if edges else 0.0)
    assert _components(u, v, n) == nx.number_connected_components(g)


def test_large_sparse_graph_matches_networkx():
    rng = np.random.default_rng(3)
    n = 3000
    a, b = rng.integers(0, n, 2500), rng.integers(0, n, 2500)
    keep = a != b
    key = np.unique(np.minimum(a[keep], b[keep]) * n + np.maximum(a[keep], b[keep]))
    u, v = key // n, key % n
    g = nx.Graph()
    g.add_edges_from(zip(u.tolist(), v.tolist(), strict=True))
    assert _components(u, v, n) == nx.number_connected_components(g)
    assert _transitivity(u, v, n) == nx.transitivity(g)
