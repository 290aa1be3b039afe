"""The OVOP model in the experiments: compare, its statistics, the shipped specs."""

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ovopsim.cli import main
from ovopsim.errors import InputError
from ovopsim.experiments import compare, load_spec, replicate_seeds, sensitivity
from ovopsim.experiments.compare import fieller
from ovopsim.outcomes import OUTCOMES, simulate

ROOT = Path(__file__).resolve().parents[1]
# calibrate.toml is the calibration spec, read by ovopsim.validation.calibrate, and decision
# specs are read by ovopsim.experiments.decide (each tested there)
SPECS = sorted(p for p in (ROOT / "experiments").glob("*.toml")
               if p.stem != "calibrate" and 'kind = "decision"' not in p.read_text())
ARGS = {"replicates": 3, "months": 24, "seed": 5, "progress": False}


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    out = tmp_path_factory.mktemp("cmp") / "serial"
    return compare(["baseline", "blitar_batik"], out_dir=out, executor="serial", **ARGS)


def test_compare_tables_have_one_row_per_scenario_and_outcome(serial):
    assert serial.baseline == "baseline"
    assert len(serial.runs) == 6 and (serial.runs["status"] == "ok").all()
    assert len(serial.summary) == 2 * len(OUTCOMES)
    assert len(serial.differences) == len(OUTCOMES)
    assert set(serial.differences["scenario"]) == {"blitar_batik"}
    assert len(serial.series) == 6 * 24 and serial.series["t"].max() == 24
    assert set(serial.series_summary["scenario"]) == {"baseline", "blitar_batik"}
    assert all(Path(f).stat().st_size > 0 for f in serial.figures)
    for name in ("summary", "differences", "runs", "cost_effectiveness"):
        assert (serial.out_dir / f"{name}.csv").is_file()
        assert (serial.out_dir / f"{name}.parquet").is_file()
    assert (serial.out_dir / "manifest.json").is_file() and (serial.out_dir / "compare.json").is_file()
    assert "Difference from baseline" in serial.table()


def test_every_scenario_gets_the_same_replicate_seeds(serial):
    seeds = serial.runs.pivot(index="replicate", columns="scenario", values="seed")
    assert (seeds["baseline"] == seeds["blitar_batik"]).all()
    assert list(seeds["baseline"]) == replicate_seeds(5, 3)
    record = json.loads((serial.out_dir / "compare.json").read_text())
    assert record["seeds"] == replicate_seeds(5, 3)  # in replicate order: replicate i's seed is seeds[i]
    first = serial.runs.iloc[0]
    direct = simulate({"scenario": first["scenario_file"], "months": 24}, int(first["seed"]))
    assert direct["income"] == first["income"] and direct["jobs"] == first["jobs"]


def test_differences_are_paired_by_replicate(serial):
    wide = serial.runs.pivot(index="replicate", columns="scenario")
    diffs = serial.differences.set_index("outcome")
    summary = serial.summary.set_index(["scenario", "outcome"])
    for outcome in ("income", "income_total", "mean_trust", "budget_spent"):
        d = (wide[outcome]["blitar_batik"] - wide[outcome]["baseline"]).to_numpy()
        half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / math.sqrt(len(d))
        row = diffs.loc[outcome]
        assert row["mean_diff"] == pytest.approx(d.mean())
        assert row["ci_low"] == pytest.approx(d.mean() - half)
        assert row["ci_high"] == pytest.approx(d.mean() + half)
        assert row["ci_low"] <= row["mean_diff"] <= row["ci_high"]
        assert row["mean_diff"] == pytest.approx(summary.loc[("blitar_batik", outcome), "mean"]
                                                 - summary.loc[("baseline", outcome), "mean"])
    # the programme costs money; the baseline spends nothing
    assert summary.loc[("baseline", "budget_spent"), "mean"] == 0
    assert diffs.loc["budget_spent", "mean_diff"] > 0
    ce = serial.cost_effectiveness.iloc[0]
    assert ce["cost_per_rupiah_income"] == pytest.approx(
        diffs.loc["budget_spent", "mean_diff"] / diffs.loc["income_total", "mean_diff"])


def test_a_relative_difference_is_given_only_against_a_positive_baseline():
    from ovopsim.experiments.compare import differences

    runs = pd.DataFrame({"scenario": ["a", "b"] * 2, "replicate": [0, 0, 1, 1], "status": "ok",
                         "income": [1.0, 1.5, 1.0, 1.5], "income_growth": [-0.01, 0.02, -0.01, 0.02]})
    d = differences(runs, ["a", "b"], "a").set_index("outcome")
    assert d.at["income", "relative"] == pytest.approx(0.5)
    assert math.isnan(d.at["income_growth", "relative"])  # against -0.01, +0.03 is not "-300%"


def test_fieller_interval_brackets_the_ratio_and_is_open_when_the_gain_is_noise():
    rng = np.random.default_rng(0)
    gain = 10 + rng.normal(0, 1, 30)
    cost = 5 + 0.3 * gain + rng.normal(0, 0.5, 30)
    ratio, lo, hi = fieller(cost, gain)
    assert ratio == pytest.approx(cost.mean() / gain.mean())
    assert lo < ratio < hi
    _, lo, hi = fieller(cost, rng.normal(0, 1, 30))
    assert math.isnan(lo) and math.isnan(hi)


def test_process_executor_gives_the_same_tables_and_rerun_resumes(serial, tmp_path):
    par = compare(["baseline", "blitar_batik"], out_dir=tmp_path / "p", executor="process",
                  workers=2, **ARGS)
    for name in ("runs", "summary", "differences", "cost_effectiveness", "series_summary"):
        pd.testing.assert_frame_equal(getattr(par, name), getattr(serial, name))
    parts = sorted((tmp_path / "p" / "runs").iterdir())
    again = compare(["baseline", "blitar_batik"], out_dir=tmp_path / "p", executor="serial",
                    **ARGS)
    assert sorted((tmp_path / "p" / "runs").iterdir()) == parts  # nothing rerun
    pd.testing.assert_frame_equal(again.differences, serial.differences)


@pytest.mark.parametrize("args, key", [
    (["baseline", "nope.toml"], "nope.toml"),
    (["baseline", "blitar_batik", "--set", "trust.gan=0.1"],
     'ovopsim: error: --set trust.gan: expected a known parameter, got "gan" (did you mean "gain"?)'),
    (["baseline", "blitar_batik", "--baseline", "blitar"], 'did you mean "blitar_batik"'),
    (["baseline", "baseline"], "twice"),
    (["baseline"], "at least two scenarios"),
])
def test_bad_compare_input_is_one_line_exit_2_nothing_written(args, key, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["compare", *args, "--replicates", "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert key in err and "\n" not in err
    assert not out.exists()


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_shipped_specs_load_and_validate(path):
    spec = load_spec(path)
    assert spec.experiment.replicates >= 1


def test_unknown_override_in_a_spec_is_one_error_with_a_suggestion(tmp_path):
    text = (ROOT / "experiments" / "morris_screening.toml").read_text()
    text = text.replace("../scenarios/", f"{ROOT}/scenarios/")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace("[parameters.trust.loss]",
                                "[parameters.trust.los]"))
    with pytest.raises(InputError) as err:
        load_spec(bad)
    assert err.value.key == "parameters.trust.los"
    assert 'did you mean "loss"' in err.value.message
    bad.write_text(text.replace("bounds = [0.02, 0.2]", "bounds = [0.02, 1.5]", 1))
    with pytest.raises(InputError, match="parameters.trust.gain: expected a number <= 1"):
        load_spec(bad)


def test_a_spec_names_its_scenario_by_file_or_by_shipped_name(tmp_path):
    text = (ROOT / "experiments" / "morris_screening.toml").read_text()
    by_name = tmp_path / "by_name.toml"
    by_name.write_text(text.replace('"../scenarios/blitar_batik.toml"', '"blitar_batik"'))
    assert load_spec(by_name).fixed_parameters()["scenario"] == str((ROOT / "scenarios" / "blitar_batik.toml").resolve())
    by_name.write_text(text.replace('"../scenarios/blitar_batik.toml"', '"blitar_batk"'))
    with pytest.raises(InputError, match=r"got \"blitar_batk\" \(not in .*, nor a shipped scenario's name\) "
                                         r"\(did you mean \"blitar_batik\"\?\)"):
        load_spec(by_name)
    by_path = tmp_path / "by_path.toml"
    by_path.write_text(text.replace('"../scenarios/blitar_batik.toml"', f'"{ROOT}/scenarios/blitar_batk.toml"'))
    with pytest.raises(InputError, match=r'\(no such file\) \(did you mean "blitar_batik.toml"\?\)'):
        load_spec(by_path)


def test_morris_screening_runs_in_a_reduced_form(tmp_path):
    spec = load_spec(ROOT / "experiments" / "morris_screening.toml")
    spec.sensitivity.n = 2
    spec.experiment.months = 12
    spec.experiment.replicates = 1
    spec.outputs.outcomes = ["income", "mean_trust"]
    res = sensitivity(spec, out_dir=tmp_path / "m", executor="serial", progress=False)
    assert len(res.runs) == 2 * (len(spec.params) + 1)
    wide = res.wide()
    assert set(wide.index.get_level_values("parameter")) == set(spec.params)
    assert {"mu_star", "sigma"} <= set(wide.columns)
    assert any(f.suffix == ".png" for f in res.files)


def test_a_points_spec_compares_its_points(tmp_path):
    res = compare(ROOT / "experiments" / "compare_interventions.toml", replicates=2,
                  months=12, out_dir=tmp_path / "ci", executor="serial", progress=False,
                  plots=False)
    labels = [a.label for a in res.arms]
    assert labels[0] == res.baseline == "no_programme" and "full_programme" in labels
    spent = res.summary[res.summary["outcome"] == "budget_spent"].set_index("scenario")["mean"]
    assert spent["no_programme"] == 0 and spent["full_programme"] > 0


def test_a_points_spec_with_a_label_given_twice_is_refused(tmp_path):
    """Two points labelled alike would merge into one arm (a comparison against the
    wrong baseline): compare and sweep refuse the spec, naming the second label, and
    write nothing."""
    text = (ROOT / "experiments" / "compare_interventions.toml").read_text()
    text = text.replace('{label = "forum_only",', '{label = "no_programme",')
    text = text.replace('scenario = "../scenarios/', f'scenario = "{ROOT}/scenarios/')
    spec = tmp_path / "twice.toml"
    spec.write_text(text)
    for verb in ("compare", "sweep"):
        out = tmp_path / verb
        proc = subprocess.run([sys.executable, "-m", "ovopsim", verb, str(spec), "--out", str(out)],
                              capture_output=True, text=True)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.strip().splitlines() == [
            f'ovopsim: error: {spec}: design.points[1].label: expected a label no other point has, '
            'got "no_programme", the label of design.points[0] too']
        assert not out.exists()


def _sweep_spec(model: str, months: int, parameter: str, levels: list, extra: str = "") -> str:
    """A one-replicate full-factorial sweep of rasau_jaya over one parameter, as TOML."""
    return (f'[experiment]\nkind = "sweep"\nmodel = "{model}"\n'
            f'scenario = "{ROOT / "scenarios" / "rasau_jaya.toml"}"\nmonths = {months}\nreplicates = 1\n'
            f'[design]\nmethod = "full_factorial"\n[parameters."{parameter}"]\nlevels = {levels}\n{extra}')


def test_a_series_spec_asks_only_for_what_is_recorded_every_month(tmp_path):
    """With at = "all", ovop_series's outcomes are its monthly indicators: a run's
    summary (income) is refused before anything runs, naming the outcome; a monthly
    indicator (income_mean) is kept month by month in the sweep's series table."""
    spec = tmp_path / "series.toml"
    text = _sweep_spec("ovop_series", 6, "trust.gain", [0.05, 0.1],
                       '[outputs]\noutcomes = ["income", "jobs"]\nat = "all"\n')
    spec.write_text(text)
    with pytest.raises(InputError) as err:
        load_spec(spec)
    assert (err.value.key, err.value.given) == ("outputs.outcomes[0]", '"income" (did you mean "income_pre"?)')
    assert "records every month" in err.value.expected and "income_mean" in err.value.expected
    spec.write_text(text.replace('["income", "jobs"]', '["income_mean", "jobs"]'))
    from ovopsim.experiments import sweep

    res = sweep(spec, out_dir=tmp_path / "out", executor="serial", progress=False)
    series = pd.read_parquet(tmp_path / "out" / "series.parquet")
    assert list(series.columns) == ["run_id", "point", "replicate", "t", "income_mean", "jobs"]
    assert len(series) == 2 * 6 and series["income_mean"].gt(0).all()
    last = series[series["t"] == 6].set_index("run_id")["income_mean"]
    assert np.array_equal(res.runs.set_index("run_id")["income_mean"].loc[last.index], last)


def test_an_intervention_starting_after_the_last_month_is_refused(tmp_path):
    """A sweep level or a future's cut that starts after the run's horizon would never
    act: the dry run refuses it, naming the key, the horizon and the value."""
    from ovopsim.experiments.ovop import check_params

    rasau = str(ROOT / "scenarios" / "rasau_jaya.toml")
    check_params({"scenario": rasau, "months": 12, "interventions.gmp_training.start": 12})
    with pytest.raises(InputError) as err:
        check_params({"scenario": rasau, "months": 12, "interventions.gmp_training.start": 13})
    assert (err.value.key, err.value.given) == ("interventions.gmp_training.start", "13")
    assert "within the run's 12 months" in err.value.expected
    spec = tmp_path / "late.toml"
    spec.write_text(_sweep_spec("ovop", 24, "interventions.exhibitions.start", [6, 36]))
    with pytest.raises(InputError) as err:
        load_spec(spec)
    assert (err.value.key, err.value.given) == ("parameters.interventions.exhibitions.start", "36")


def test_a_parameter_of_an_intervention_that_starts_after_the_horizon_is_refused(tmp_path):
    """blitar_cut_turnover's cut starts in month 25: over 24 months every level of its
    share would give the same runs, so a sweep of it is refused; over 36 it acts."""
    from ovopsim.experiments.ovop import check_params

    with pytest.raises(InputError) as err:
        check_params({"scenario": "blitar_cut_turnover", "months": 24, "interventions.budget_cut.share": 0.3})
    assert err.value.key == "interventions.budget_cut.share" and "month 25" in err.value.given
    check_params({"scenario": "blitar_cut_turnover", "months": 36, "interventions.budget_cut.share": 0.3})
    spec = tmp_path / "late.toml"
    spec.write_text(_sweep_spec("ovop", 24, "interventions.budget_cut.share", [0.25, 0.5]).replace(
        str(ROOT / "scenarios" / "rasau_jaya.toml"), str(ROOT / "scenarios" / "blitar_cut_turnover.toml")))
    with pytest.raises(InputError) as err:
        load_spec(spec)
    assert err.value.key == "parameters.interventions.budget_cut.share"
