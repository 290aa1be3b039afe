"""Sensitivity analysis through the runner, checked against analytic indices."""

import math

import numpy as np
import pandas as pd
import pytest
from SALib.analyze import morris as salib_morris

from ovopsim.experiments import Settings, run_sensitivity
from ovopsim.experiments.sensitivity import sample
from tests import models as tf

PROBLEM = {"names": ["x1", "x2", "x3"], "bounds": [[-math.pi, math.pi]] * 3}
TRUE = tf.ishigami_indices()


def _index(result, index, outcome="y"):
    df = result.indices
    df = df[(df["index"] == index) & (df["outcome"] == outcome) & df["t"].isna()
            & df["parameter2"].isna()]
    return df.set_index("parameter")[["value", "conf"]]


def test_analytic_ishigami_values():
    assert TRUE["S1"]["x1"] == pytest.approx(0.3139, abs=1e-4)
    assert TRUE["S1"]["x2"] == pytest.approx(0.4424, abs=1e-4)
    assert TRUE["ST"]["x1"] == pytest.approx(0.5576, abs=1e-4)
    assert TRUE["ST"]["x3"] == pytest.approx(0.2437, abs=1e-4)


@pytest.fixture(scope="module")
def sobol(tmp_path_factory):
    out = tmp_path_factory.mktemp("sobol")
    return run_sensitivity(PROBLEM, tf.ishigami, out_dir=out, method="sobol", n=1024, seed=42,
                           executor="process", workers=2, progress=False)


def test_sobol_recovers_ishigami_indices(sobol):
    assert len(sobol.runs) == 1024 * 8 and (sobol.runs["status"] == "ok").all()
    for index in ("S1", "ST"):
        got = _index(sobol, index)
        for p in ("x1", "x2", "x3"):
            value, conf = got.loc[p, "value"], got.loc[p, "conf"]
            # the analytic value lies in the bootstrap CI (CIs are ~0.03-0.09 wide)
            assert abs(value - TRUE[index][p]) <= max(conf, 0.02), (index, p, value, conf)
            assert 0 < conf < 0.15
    s2 = sobol.indices[(sobol.indices["index"] == "S2")].set_index(["parameter", "parameter2"])
    assert abs(s2.loc[("x1", "x3"), "value"] - TRUE["S2"]["x1,x3"]) <= s2.loc[("x1", "x3"),
                                                                              "conf"]
    assert abs(s2.loc[("x1", "x2"), "value"]) <= s2.loc[("x1", "x2"), "conf"]


def test_sobol_convergence_on_block_prefixes(sobol):
    conv = sobol.convergence
    assert sorted(conv["n"].unique()) == [4, 8, 16, 32, 64, 128, 256, 512, 1024]
    assert (conv["n_runs"] == conv["n"] * 8).all()
    last = conv[(conv["n"] == 1024) & (conv["index"] == "ST")].set_index("parameter")["value"]
    assert np.allclose(last, _index(sobol, "ST")["value"])
    # the error of ST shrinks from the smallest to the full sample
    err = conv[conv["index"] == "ST"].assign(
        err=lambda d: (d["value"] - d["parameter"].map(TRUE["ST"])).abs()
    ).groupby("n")["err"].max()
    assert err.loc[1024] < err.loc[4] and err.loc[1024] < 0.03


def test_sobol_files_written(sobol):
    out = sobol.out_dir
    for name in ("indices.csv", "indices.parquet", "convergence.csv", "convergence.parquet",
                 "manifest.json", "figures/sobol_y.png", "figures/convergence_y.png"):
        assert (out / name).stat().st_size > 0, name
    back = pd.read_parquet(out / "indices.parquet")
    assert list(back.columns) == list(sobol.indices.columns)
    assert np.array_equal(back[["value", "conf"]], sobol.indices[["value", "conf"]])
    assert (back["parameter2"].fillna("") == sobol.indices["parameter2"].fillna("")).all()
    assert (out / "figures/sobol_y.png").read_bytes()[:4] == b"\x89PNG"
    wide = sobol.wide("y")
    assert list(wide.columns) == ["ST", "S1"]


def test_morris_ranks_x1_x2_above_x3(tmp_path):
    res = run_sensitivity(PROBLEM, tf.ishigami, out_dir=tmp_path, method="morris", n=100, seed=3,
                          executor="serial", progress=False)
    mu_star = _index(res, "mu_star")["value"]
    sigma = _index(res, "sigma")["value"]
    assert mu_star["x1"] > mu_star["x3"] and mu_star["x2"] > mu_star["x3"]
    assert mu_star["x3"] > 3  # x3 matters through its interaction with x1
    assert sigma["x3"] > 1 and sigma["x1"] > 1
    assert (_index(res, "mu_star")["conf"] >= 0).all()
    assert sorted(res.convergence["n"].unique()) == [4, 8, 16, 32, 64, 100]
    assert (tmp_path / "figures" / "morris_y.png").exists()


def test_efast_and_delta_plausible(tmp_path):
    fast = run_sensitivity(PROBLEM, tf.ishigami, out_dir=tmp_path / "fast", method="fast",
                           n=1000, seed=5, executor="serial", progress=False)
    s1, st = _index(fast, "S1")["value"], _index(fast, "ST")["value"]
    for p in ("x1", "x2", "x3"):
        assert s1[p] == pytest.approx(TRUE["S1"][p], abs=0.03)
        assert st[p] == pytest.approx(TRUE["ST"][p], abs=0.05)
    assert fast.convergence is None

    # few resamples: delta's kernel density bootstrap is slow (BLAS-bound)
    delta = run_sensitivity(PROBLEM, tf.ishigami, out_dir=tmp_path / "delta", method="delta",
                            n=500, seed=5, executor="serial", progress=False,
                            settings=Settings(num_resamples=10))
    d = _index(delta, "delta_balanced")["value"]
    assert ((d > 0.05) & (d < 0.5)).all()
    assert d["x2"] > d["x3"] and d["x1"] > d["x3"]
    assert abs(_index(delta, "S1")["value"]["x3"]) < 0.05


def test_replicates_are_averaged(tmp_path):
    res = run_sensitivity(PROBLEM, tf.ishigami_noisy, out_dir=tmp_path, method="morris", n=20,
                          seed=9, replicates=3, executor="serial", progress=False,
                          plots=False, convergence=False)
    assert len(res.runs) == 20 * 4 * 3
    assert res.runs.groupby("replicate")["seed"].nunique().eq(1).all()
    problem = {**PROBLEM, "num_vars": 3}
    X = sample(problem, "morris", 20, 9, Settings())
    Y = res.runs.groupby("point")["y"].mean().to_numpy()
    expected = salib_morris.analyze(problem, X, Y, num_levels=4, seed=10)
    assert np.allclose(_index(res, "mu_star")["value"], expected["mu_star"])


def test_indices_over_time(tmp_path):
    res = run_sensitivity(PROBLEM, tf.ishigami_series, out_dir=tmp_path, method="sobol", n=64,
                          seed=1, at="all", fixed={"months": 5}, executor="serial",
                          progress=False, convergence=False)
    over = res.indices[res.indices["t"].notna()]
    assert sorted(over["t"].unique()) == [1.0, 2.0, 3.0, 4.0, 5.0]
    # y(t) is a rescaled Ishigami: the indices do not change with t
    s1 = over[(over["outcome"] == "y") & (over["index"] == "S1")]
    final = _index(res, "S1")["value"]
    for _, g in s1.groupby("t"):
        assert np.allclose(g.set_index("parameter")["value"], final, atol=1e-9)
    # z = t * x1 depends on x1 only
    z = over[(over["outcome"] == "z") & (over["index"] == "ST")].set_index(["t", "parameter"])
    assert z.loc[(3.0, "x1"), "value"] == pytest.approx(1.0, abs=0.05)
    assert z.loc[(3.0, "x2"), "value"] == pytest.approx(0.0, abs=1e-9)
    assert (tmp_path / "figures" / "over_time_y.png").exists()
