"""The compiled kernels reproduce NumPy's arithmetic exactly (the basis of the
bit-for-bit equivalence of the compiled month)."""

from __future__ import annotations

import numpy as np

from ovopsim.kernels import month as K
from ovopsim.kernels.common import _selfcheck, npsum, npsum_where


def test_pairwise_sum_is_numpys_to_the_last_bit():
    assert _selfcheck(np.random.default_rng(7))
    # lengths across the 8-accumulator and 128-block boundaries, and large ones
    rng = np.random.default_rng(1)
    differs_from_left_to_right = 0
    for n in (7, 8, 9, 127, 128, 129, 255, 256, 257, 1031, 65_537):
        x = rng.standard_cauchy(n) * 1e6  # heavy tails: the order of summation shows
        assert npsum(x) == np.add.reduce(x)
        naive = 0.0
        for value in x.tolist():
            naive += value
        differs_from_left_to_right += npsum(x) != naive
    # the data tell summation orders apart, so the equalities above mean something
    assert differs_from_left_to_right >= 5


def test_masked_sum_matches_boolean_indexing():
    rng = np.random.default_rng(2)
    x = rng.standard_cauchy(5000)
    mask = rng.random(5000) < 0.3
    total, count = npsum_where(x, mask, np.empty(5000))
    assert count == mask.sum() and total == np.add.reduce(x[mask])


def test_unique_ties_keeps_first_occurrence_of_each_pair():
    a = np.array([3, 1, 2, 1, 4, 4])
    b = np.array([1, 3, 2, 5, 0, 0])
    trust = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    keys, first = K.unique_ties(a, b, trust, 10)
    # 3-1 twice (first 0.1), the self-pair 2-2 dropped, 1-5, 0-4 twice (first 0.5)
    assert keys.tolist() == [4, 13, 15] and first.tolist() == [0.5, 0.1, 0.4]


def test_fill_serves_the_best_paying_tier_first():
    orders = np.array([[5.0, 3.0, 2.0], [1.0, 0.0, 0.0]])
    sold = np.empty((2, 3))
    K.fill(orders, np.array([6.0, 4.0]), sold)
    assert sold.tolist() == [[1.0, 3.0, 2.0], [1.0, 0.0, 0.0]]
