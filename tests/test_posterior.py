"""Posterior files: read with clear errors, drawn reproducibly per replicate seed (the
same draw in every arm), applied without overriding what a scenario sets itself; the
shipped defaults are the shipped posterior's central point."""

import numpy as np
import pandas as pd
import pytest

from ovopsim.config import Scenario, load_scenario
from ovopsim.errors import InputError
from ovopsim.posterior import SHIPPED, load_posterior


def write(tmp_path, df, name="post.csv"):
    p = tmp_path / name
    df.to_csv(p, index=False)
    return p


@pytest.fixture
def small(tmp_path):
    df = pd.DataFrame({"trust.gain": [0.1, 0.2, 0.3], "learning.learning_rate": [0.2, 0.3, 0.4],
                       "weight": [1.0, 2.0, 1.0]})
    return load_posterior(write(tmp_path, df))


def test_central_point_is_the_weighted_medoid(small, tmp_path):
    assert small.central() == {"trust.gain": 0.2, "learning.learning_rate": 0.3}
    assert np.isclose(small.weights.sum(), 1) and np.isclose(small.effective_size, 16 / 6)
    # the medians combine into (0.2, 0.2), which no particle holds; the medoid is a particle
    df = pd.DataFrame({"trust.gain": [0.1, 0.2, 0.9], "learning.learning_rate": [0.1, 0.9, 0.2],
                       "weight": [0.35, 0.3, 0.35]})
    post = load_posterior(write(tmp_path, df, "apart.csv"))
    assert post.medians() == {"trust.gain": 0.2, "learning.learning_rate": 0.2}
    central = post.central()
    assert (central["trust.gain"], central["learning.learning_rate"]) in {(0.1, 0.1), (0.2, 0.9), (0.9, 0.2)}


def test_a_seed_draws_the_same_parameter_set_every_time(small):
    draws = [small.draw(s) for s in range(400)]
    assert draws[:50] == [small.draw(s) for s in range(50)]
    gains = np.array([d["trust.gain"] for d in draws])
    assert set(np.round(gains, 6)) == {0.1, 0.2, 0.3}
    assert abs(np.mean(gains == 0.2) - 0.5) < 0.08  # drawn by weight
    for d in draws:  # a particle is drawn whole: its parameters stay together
        assert np.isclose(d["learning.learning_rate"] - d["trust.gain"], 0.1)


def test_a_scenario_keeps_the_values_it_sets_itself(small):
    base = Scenario()
    own = base.with_overrides({"trust.gain": 0.05})
    assert set(small.draw_for(base, 3)) == {"trust.gain", "learning.learning_rate"}
    assert set(small.draw_for(own, 3)) == {"learning.learning_rate"}


@pytest.mark.parametrize("frame, key", [
    (pd.DataFrame({"trust.gain": [0.1]}), "weight"),
    (pd.DataFrame({"trust.gian": [0.1], "weight": [1.0]}), "columns"),
    (pd.DataFrame({"interventions.training.intensity": [0.1], "weight": [1.0]}), "columns"),
    (pd.DataFrame({"trust.gain": [np.nan], "weight": [1.0]}), ""),
    (pd.DataFrame({"trust.gain": [0.1, 0.2], "weight": [-1.0, 1.0]}), "weight"),
    (pd.DataFrame({"trust.gain": [0.1, 5.0], "weight": [1.0, 1.0]}), "trust.gain"),  # out of its range
    (pd.DataFrame({"market.middleman_margin": [-0.2, 0.2], "weight": [1.0, 1.0]}), "market.middleman_margin"),
])
def test_bad_posterior_files_are_refused_with_one_clear_message(tmp_path, frame, key):
    path = write(tmp_path, frame)
    with pytest.raises(InputError) as err:
        load_posterior(path)
    assert err.value.key == key and str(path) in err.value.message


def test_a_missing_posterior_file_is_named(tmp_path):
    with pytest.raises(InputError) as err:
        load_posterior(tmp_path / "nope.csv")
    assert "nope.csv" in err.value.message and err.value.key == "--posterior"


def test_shipped_defaults_are_the_shipped_posteriors_central_point():
    post = load_posterior(SHIPPED)
    assert len(post) >= 100 and post.effective_size > 50
    base = Scenario()
    for name, value in post.central().items():
        section, field = name.split(".")
        default = getattr(getattr(base, section), field)
        assert default == float(f"{value:.3g}"), (name, default, value)
        f = type(getattr(base, section)).model_fields[field]
        assert f.json_schema_extra["source"] == "calibrated", name
    calibrated = {f"{sec}.{k}" for sec in ("market", "production", "money", "trust", "learning",
                                           "government", "ljmp", "world", "network")
                  for k, f in type(getattr(base, sec)).model_fields.items()
                  if (f.json_schema_extra or {}).get("source") == "calibrated"}
    assert calibrated == set(post.names)  # "calibrated" means: in the posterior


def test_shipped_scenarios_accept_every_draw():
    post = load_posterior(SHIPPED)
    for name in ("baseline", "blitar_batik", "rasau_jaya", "singkawang_ljmp"):
        sc = load_scenario(name)
        sc.with_overrides(post.draw_for(sc, 11))


def test_a_replicate_draws_the_same_parameters_in_every_scenario(small):
    from ovopsim.outcomes import scenario_for

    path = small.source
    for seed in (1, 2, 3):
        a = scenario_for({"scenario": "baseline", "posterior": path}, seed)
        b = scenario_for({"scenario": "blitar_batik", "posterior": path, "trust.gain": 0.07}, seed)
        assert a.learning.learning_rate == b.learning.learning_rate == small.draw(seed)["learning.learning_rate"]
        assert a.trust.gain == small.draw(seed)["trust.gain"] and b.trust.gain == 0.07  # explicit wins


def test_compare_intervals_include_the_posterior(tmp_path):
    """With parameter sets that disagree about demand, the paired differences spread
    more than with seeds alone; the arms stay paired (the same draw in both)."""
    from ovopsim.experiments import compare

    post = write(tmp_path, pd.DataFrame({"market.province_demand": [0.4, 1.6], "weight": [1.0, 1.0]}), "p.csv")
    kw = dict(replicates=6, months=24, seed=1, executor="serial", progress=False, plots=False)
    seeds = compare(["baseline", "blitar_batik"], out_dir=tmp_path / "a", **kw).differences
    drawn = compare(["baseline", "blitar_batik"], out_dir=tmp_path / "b", posterior=post, **kw).differences
    width = {k: float(d.set_index("outcome").loc["income", "ci_high"] - d.set_index("outcome").loc["income", "ci_low"])
             for k, d in (("seeds", seeds), ("drawn", drawn))}
    assert width["drawn"] > 1.5 * width["seeds"], width


def test_a_value_out_of_range_is_named_with_its_line_before_any_run(tmp_path, capsys):
    """A posterior value its parameter cannot take: one line naming the file, the column,
    the range and the line, exit 2, nothing written (the runs would all fail)."""
    from ovopsim.cli import main

    path = write(tmp_path, pd.DataFrame({"trust.gain": [0.1, 5.0], "weight": [1.0, 1.0]}))
    out = tmp_path / "cmp"
    code = main(["compare", "baseline", "blitar_batik", "--months", "12", "--replicates", "2",
                 "--posterior", str(path), "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and not out.exists()
    assert err[0] == f"ovopsim: error: {path}: trust.gain: expected a number <= 1.0, got 5.0 (line 3)"
