"""ABC-SMC through the runner (ovopsim/experiments/abc.py) on a model whose answer is
known: data simulated from chosen parameters, a posterior that must cover them; the
same posterior whatever the executor, and after an interruption."""

import json

import numpy as np
import pytest

from ovopsim.errors import InputError, RunFailed
from ovopsim.experiments.abc import AbcSettings, abc_smc
from tests.models import normal_sample, normal_sample_stopping

TRUE = {"mu": 0.3, "sigma": 0.2}
PRIOR = {"mu": (-1.0, 1.0), "sigma": (0.05, 1.0)}
OBSERVED = normal_sample({**TRUE, "draw": 10**9}, seed=5)  # data from the chosen values


def distance(x):
    return float(np.hypot(x["mean"] - OBSERVED["mean"], x["sd"] - OBSERVED["sd"]))


def quantiles(p, name, q):
    order = np.argsort(p[name].to_numpy())
    cum = np.cumsum(p["weight"].to_numpy()[order])
    return [float(p[name].to_numpy()[order][np.searchsorted(cum, x)]) for x in q]


SMALL = AbcSettings(population=100, generations=6, batch=50, seed=3)


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    out = tmp_path_factory.mktemp("abc")
    return abc_smc(normal_sample, PRIOR, distance, out_dir=out, settings=SMALL, executor="serial",
                   progress=False, model_name="normal_sample")


def test_posterior_recovers_the_chosen_parameters(fitted):
    p = fitted.particles
    assert len(p) == SMALL.population and np.isclose(p["weight"].sum(), 1.0)
    for name, value in TRUE.items():
        lo, hi = quantiles(p, name, [0.025, 0.975])
        assert lo < value < hi, (name, lo, hi)
        width = quantiles(p, name, [0.95])[0] - quantiles(p, name, [0.05])[0]
        assert width < 0.35 * (PRIOR[name][1] - PRIOR[name][0]), (name, width)  # the data narrowed it
    g = fitted.generations
    assert list(g["t"]) == list(range(1, SMALL.generations + 1))
    assert (np.diff(g["epsilon"]) < 0).all()  # the tolerance falls generation by generation
    assert (g["ess"] > 0.3 * SMALL.population).all() and (g["acceptance"] > 0).all()


def test_same_posterior_on_two_processes(fitted, tmp_path):
    other = abc_smc(normal_sample, PRIOR, distance, out_dir=tmp_path, settings=SMALL, executor="process",
                    workers=2, progress=False, model_name="normal_sample")
    assert other.particles.equals(fitted.particles)
    assert other.generations[["epsilon", "samples"]].equals(fitted.generations[["epsilon", "samples"]])


def test_an_interrupted_calibration_resumes_to_the_same_posterior(tmp_path):
    flag = tmp_path / "stop"
    flag.write_text("")
    kw = dict(settings=AbcSettings(population=40, generations=4, batch=30, seed=3), executor="serial",
              progress=False, model_name="normal_sample_stopping",
              fixed={"stop_flag": str(flag), "stop_generation": 3})
    with pytest.raises(RunFailed):  # runs of generation 3 fail: generations 1-2 are kept
        abc_smc(normal_sample_stopping, PRIOR, distance, out_dir=tmp_path / "a", **kw)
    flag.unlink()
    resumed = abc_smc(normal_sample_stopping, PRIOR, distance, out_dir=tmp_path / "a", **kw)
    straight = abc_smc(normal_sample_stopping, PRIOR, distance, out_dir=tmp_path / "b", **kw)
    assert resumed.resumed and not straight.resumed
    assert resumed.particles.equals(straight.particles)
    assert resumed.generations.equals(straight.generations)


def test_a_calibration_cut_short_while_setting_up_its_history_starts_it_again(tmp_path):
    """An interruption inside pyabc's setup leaves abc.db with empty tables, which pyabc
    cannot load ("Database has version 0"): the rerun starts the history again and reaches
    the same posterior as a calibration never interrupted."""
    import sqlite3

    kw = dict(settings=AbcSettings(population=40, generations=2, batch=30, seed=3), executor="serial",
              progress=False, model_name="normal_sample")
    straight = abc_smc(normal_sample, PRIOR, distance, out_dir=tmp_path / "b", **kw)
    out = tmp_path / "a"
    abc_smc(normal_sample, PRIOR, distance, out_dir=out, **kw)
    with sqlite3.connect(out / "abc.db") as con:  # as an interruption during its setup leaves it
        for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            con.execute(f"DELETE FROM {table}")
    meta = json.loads((out / "abc.json").read_text())
    (out / "abc.json").write_text(json.dumps({**meta, "finished": False}))
    again = abc_smc(normal_sample, PRIOR, distance, out_dir=out, **kw)
    assert again.resumed and again.particles.equals(straight.particles)


def test_another_calibration_in_the_same_folder_is_refused(fitted):
    other = AbcSettings(population=50, generations=2, batch=50, seed=3)
    with pytest.raises(InputError) as err:
        abc_smc(normal_sample, PRIOR, distance, out_dir=fitted.out_dir, settings=other, executor="serial",
                progress=False, model_name="normal_sample")
    assert "another calibration" in err.value.message


def test_bad_settings_are_refused():
    with pytest.raises(InputError):
        AbcSettings(alpha=1.5)
    with pytest.raises(InputError):
        abc_smc(normal_sample, {"mu": (1.0, -1.0)}, distance, out_dir="unused", settings=SMALL)
