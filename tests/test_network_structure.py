"""The compiled partnership-graph measures agree with networkx on random graphs."""

from __future__ import annotations

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ovopsim import state
from ovopsim.indicators import partner_structure


def _ties(edges, n):
    t = np.zeros(max(len(edges), 1), state.TIE)
    for j, (u, v) in enumerate(edges):
        t[j]["u"], t[j]["v"], t[j]["partner"] = min(u, v), max(u, v), True
    return t


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 30).flatmap(lambda n: st.tuples(
    st.just(n), st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=80))))
def test_transitivity_and_components_match_networkx(case):
    n, pairs = case
    edges = sorted({(min(u, v), max(u, v)) for u, v in pairs if u != v})
    trans, comps = partner_structure(_ties(edges, n), len(edges), n)
    g = nx.Graph(edges)
    assert np.isclose(trans, nx.transitivity(g) if edges else 0.0)
    assert comps == (nx.number_connected_components(g) if edges else 0)
