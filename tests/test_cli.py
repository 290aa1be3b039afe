"""The command line as a user types it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ovopsim.cli import main

ROOT = Path(__file__).resolve().parents[1]


def ovopsim(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "ovopsim", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def test_run_writes_every_output(tmp_path):
    out = tmp_path / "blitar"
    r = ovopsim("run", "scenarios/blitar_batik.toml", "--out", str(out), "--seed", "3", "--months", "24",
                "--agents")
    assert r.returncode == 0, r.stderr
    names = {p.name for p in out.iterdir()}
    assert names == {"monthly.csv", "monthly.parquet", "scorecard.csv", "scorecard.parquet",
                     "agents.csv", "agents.parquet", "key_outcomes.png", "provenance.json"}
    monthly = pd.read_parquet(out / "monthly.parquet")
    assert len(monthly) == 24 and monthly["month"].tolist() == list(range(1, 25))
    pd.testing.assert_frame_equal(monthly, pd.read_csv(out / "monthly.csv"), check_dtype=False,
                                  check_exact=False, rtol=1e-12)
    agents = pd.read_parquet(out / "agents.parquet")
    per_month = agents.groupby("month").size()
    assert len(per_month) == 24 and (per_month >= 120).all() and per_month.is_monotonic_increasing
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["seed"] == 3 and prov["months"] == 24 and len(prov["scenario_hash"]) == 64
    assert "[scenario]" in prov["scenario_text"] and prov["versions"]["mesa"].startswith("3.")
    assert (out / "key_outcomes.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Mean income per business" in r.stdout


def test_same_seed_same_files(tmp_path):
    for d in ("a", "b"):
        assert ovopsim("run", "rasau_jaya", "--out", str(tmp_path / d), "--months", "12").returncode == 0
    assert (tmp_path / "a" / "monthly.csv").read_text() == (tmp_path / "b" / "monthly.csv").read_text()


def test_misspelt_key_one_line_exit_2_nothing_written(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nname = "x"\n[trust]\ngian = 0.1\n')
    out = tmp_path / "out"
    r = ovopsim("run", str(bad), "--out", str(out))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert str(bad) in lines[0] and "trust.gian" in lines[0] and 'did you mean "gain"' in lines[0]
    assert "Traceback" not in r.stderr
    assert not out.exists()


@pytest.mark.parametrize("text, key", [
    ("[government]\nannual_budget = -5\n", "government.annual_budget"),
    ('[[interventions]]\ntype = "forum"\nstart = 9\nend = 3\n', "interventions[0]"),
    ('[government]\nannual_budget = "x"\n', "government.annual_budget"),
])
def test_bad_values_exit_2(tmp_path, text, key, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    assert main(["run", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert key in err and str(bad) in err and len(err.splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_missing_file_exit_2(tmp_path, capsys):
    assert main(["run", str(tmp_path / "missing.toml")]) == 2
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize("verb", [["run"], ["check"], ["compare", "baseline"]])
def test_a_misspelt_shipped_scenario_gets_the_name_it_resembles(verb, tmp_path, capsys):
    assert main([*verb, "blitar_batk", *(["--out", str(tmp_path / "o")] if verb[0] != "check" else [])]) == 2
    assert capsys.readouterr().err.strip() == (
        "ovopsim: error: blitar_batk: expected an existing scenario file or the name of a shipped scenario "
        '(see: ovopsim scenarios), got a path that does not exist (did you mean "blitar_batik"?)')
    assert not (tmp_path / "o").exists()


def test_existing_results_are_not_overwritten(tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["run", "rasau_jaya", "--months", "3", "--out", str(out), "--no-progress"]) == 0
    before = (out / "monthly.csv").read_text()
    assert main(["run", "rasau_jaya", "--months", "5", "--out", str(out), "--no-progress"]) == 2
    assert "--force" in capsys.readouterr().err
    assert (out / "monthly.csv").read_text() == before
    assert main(["run", "rasau_jaya", "--months", "5", "--out", str(out), "--force", "--no-progress"]) == 0
    assert len(pd.read_csv(out / "monthly.csv")) == 5


def test_scenarios_lists_each_shipped_one(capsys):
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    assert "rasau_jaya" in out and "50 artisans" in out and "blitar_batik" in out


def test_check_and_params(capsys):
    assert main(["check", "scenarios/proppo_batik.toml"]) == 0
    assert "ok (110 artisans" in capsys.readouterr().out
    assert main(["params", "--markdown"]) == 0
    out = capsys.readouterr().out
    assert "**[trust]**" in out and "| gain |" in out and "field" in out


@pytest.mark.slow
def test_first_run_on_a_machine_says_it_compiles_and_later_runs_do_not(tmp_path):
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba-cache")}  # a machine with no cache
    runs = []
    for _ in range(2):
        proc = subprocess.run([sys.executable, "-m", "ovopsim", "run", "rasau_jaya", "--months", "3",
                               "--out", str(tmp_path / "out"), "--force"],
                              capture_output=True, text=True, env=env, timeout=300)
        assert proc.returncode == 0, proc.stderr
        runs.append((proc.stderr, pd.read_parquet(tmp_path / "out" / "monthly.parquet")))
    assert "compiling the model for this machine" in runs[0][0]
    assert "compiling" not in runs[1][0]
    # freshly compiled and cached kernels give the same results
    pd.testing.assert_frame_equal(runs[0][1], runs[1][1], check_exact=True)


def _subcommands(parser) -> dict:
    """The sub-parsers an argparse parser offers (empty if none)."""
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _help_paths(parser, path=()):
    yield path
    for name, sub in _subcommands(parser).items():
        yield from _help_paths(sub, (*path, name))


def test_help_works_for_every_command_and_subcommand(capsys):
    from ovopsim.cli import build_parser

    paths = list(_help_paths(build_parser()))
    names = {p[0] for p in paths if p}
    assert {"run", "scenarios", "check", "params", "compare", "sweep", "sensitivity", "validate",
            "calibrate", "app"} <= names
    for path in paths:
        with pytest.raises(SystemExit) as done:
            main([*path, "--help"])
        assert done.value.code == 0, path
        out = capsys.readouterr().out
        assert out.startswith("usage: ovopsim" + "".join(f" {p}" for p in path)), path
    # as typed, and the entry points that have their own command lines
    for module in ("ovopsim", "ovopsim.experiments", "ovopsim.validation", "ovopsim.app"):
        r = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True,
                           timeout=120)
        assert r.returncode == 0 and r.stdout.startswith("usage: ") and not r.stderr, (module, r.stderr)
        if module == "ovopsim":
            assert "95% CIs" in r.stdout  # a help text with a per cent sign, printed as written


def test_check_validates_every_shipped_spec_and_scenario_as_what_it_is(tmp_path, capsys):
    """ovopsim check takes scenarios, experiment specs, decision specs and the
    calibration's spec alike, each checked as the command that runs it would; a mistake
    in a spec is its one-line error."""
    files = sorted(str(p) for p in (ROOT / "experiments").glob("*.toml"))
    assert main(["check", *files, str(ROOT / "scenarios" / "rasau_jaya.toml")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(files) + 1 and all(": ok (" in line for line in out)
    assert any("decision spec: 7 programmes" in line for line in out)
    assert any("compare_interventions.toml: ok (sweep spec, model ovop, 8 points)" in line for line in out)
    assert any("calibration spec" in line for line in out)
    bad = tmp_path / "bad.toml"
    bad.write_text((ROOT / "experiments" / "morris_screening.toml").read_text()
                   .replace('"ovop"', '"ovopp"').replace("../scenarios/", f"{ROOT}/scenarios/"))
    assert main(["check", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"ovopsim: error: {bad}: experiment.model") and "\n" not in err
