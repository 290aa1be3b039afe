"""Sums taken in compiled code as numpy takes them (ovopsim.mechanisms.numeric.numpy_sum)."""

import numpy as np

from ovopsim.mechanisms.numeric import numpy_sum


def test_numpy_sum_is_numpys_sum_to_the_last_bit():
    rng = np.random.default_rng(11)
    for _ in range(5000):
        n = int(rng.integers(0, 700)) if rng.random() < 0.9 else int(rng.integers(700, 40000))
        x = rng.normal(0, 1, n) * 10 ** rng.uniform(-6, 12, n)
        assert numpy_sum(x).hex() == float(np.add.reduce(x)).hex()
        # sums over the active of a few dozen incomes, as the warm-up's means take them
        y = rng.lognormal(14, 1, n)[rng.random(n) < 0.7]
        assert numpy_sum(y).hex() == float(np.add.reduce(y)).hex()


def test_numpy_sum_of_zeros_and_of_nothing():
    for n in (0, 1, 7, 8, 9, 128, 129, 130, 300, 5000):
        assert numpy_sum(np.full(n, -0.0)).hex() == float(np.add.reduce(np.full(n, -0.0))).hex()
        assert numpy_sum(np.zeros(n)) == 0.0
