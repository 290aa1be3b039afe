"""The vectorised partnership-graph measures agree with networkx on random graphs."""

from __future__ import annotations

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ovopsim.network import _components, _transitivity


@settings(max_examples=200, deadline=None)
@given(n=st.integers(2, 40), pairs=st.lists(st.tuples(st.integers(0, 39), st.integers(0, 39)), max_size=120))
def test_transitivity_and_components_match_networkx(n, pairs):
    edges = {(min(a, b), max(a, b)) for a, b in pairs if a != b and a < n and b < n}
    u = np.array([e[0] for e in edges], np.int64)
    v = np.array([e[1] for e in edges], np.int64)
    g = nx.Graph()
    g.add_edges_from(edges)
    assert _transitivity(u, v, n) == (nx.transitivity(g) if edges else 0.0)
    assert _components(u, v, n) == nx.number_connected_components(g)
