"""Designs: builders, run ids and common random numbers."""

import math

import numpy as np
import pytest

from ovopsim.errors import InputError
from ovopsim.experiments import (
    from_points,
    full_factorial,
    latin_hypercube,
    replicate_seeds,
)


def test_replicate_seeds_are_common_random_numbers():
    d = full_factorial({"a": [1, 2, 3], "b": ["x", "y"]}, replicates=4, seed=12345)
    runs = d.runs()
    assert len(runs) == 6 * 4
    expected = [int(c.generate_state(1)[0])
                for c in np.random.SeedSequence(12345).spawn(4)]
    assert d.seeds() == expected
    # replicate i has the same seed at every point, and different replicates differ
    by_rep = runs.groupby("replicate")["seed"].nunique()
    assert (by_rep == 1).all()
    assert runs.groupby("replicate")["seed"].first().tolist() == expected
    assert len(set(expected)) == 4
    # more replicates keep the seeds of the first ones
    assert replicate_seeds(12345, 6)[:4] == expected
    assert replicate_seeds(12346, 4) != expected


def test_run_ids_are_stable_and_params_plain():
    d = full_factorial({"a": [1.0, 2.0], "b": ["x", "y", "z"]}, replicates=2, fixed={"months": 12})
    runs = d.runs()
    assert runs["run_id"].tolist() == list(range(12))
    assert (runs["run_id"] == runs["point"] * 2 + runs["replicate"]).all()
    # last parameter varies fastest
    assert d.points[["a", "b"]].values.tolist()[:3] == [[1.0, "x"], [1.0, "y"], [1.0, "z"]]
    run_id, seed, params = d.run_params()[5]
    assert run_id == 5 and params == {"a": 1.0, "b": "z", "months": 12}
    assert type(params["a"]) is float and type(seed) is int
    assert d.hash() == full_factorial({"a": [1.0, 2.0], "b": ["x", "y", "z"]}, replicates=2,
                                      fixed={"months": 12}).hash()
    assert d.hash() != full_factorial({"a": [1.0, 2.0], "b": ["x", "y", "z"]}, replicates=3,
                                      fixed={"months": 12}).hash()


def test_latin_hypercube_is_seeded_and_stratified():
    d = latin_hypercube({"x": (0.0, 10.0), "y": (-math.pi, math.pi)}, 20, seed=7)
    again = latin_hypercube({"x": (0.0, 10.0), "y": (-math.pi, math.pi)}, 20, seed=7)
    assert d.points.equals(again.points)
    # one point per stratum of width 0.5 in x
    strata = np.floor(d.points["x"].to_numpy() / 0.5)
    assert sorted(strata) == list(range(20))
    assert d.points["y"].between(-math.pi, math.pi).all()


def test_points_with_scenarios_and_errors():
    d = from_points([{"scenario": "a.toml", "x": 1}, {"scenario": "b.toml", "x": 2}],
                    replicates=3, seed=1)
    assert d.n_runs == 6 and d.points["scenario"].tolist() == ["a.toml", "b.toml"]
    with pytest.raises(InputError, match="bounds"):
        latin_hypercube({"x": (1.0, 1.0)}, 5)
    with pytest.raises(InputError, match="replicates"):
        full_factorial({"x": [1]}, replicates=0)
    with pytest.raises(InputError, match="seed"):
        from_points([{"seed": 1}])
