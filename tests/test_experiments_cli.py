"""The command line: bad specs, a real SIGKILL and resume, normal runs."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from ovopsim.experiments.__main__ import main

ROOT = Path(__file__).resolve().parents[1]

GOOD_SWEEP = """
[experiment]
kind = "sweep"
model = "ishigami"
replicates = 2
seed = 7
[design]
method = "full_factorial"
[parameters.x1]
levels = [0.0, 1.0]
[parameters.x2]
levels = [0.5]
[parameters.x3]
levels = [1.0, 2.0]
"""


def _write(tmp_path, text, name="spec.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


BAD = {
    "unknown_key": (GOOD_SWEEP.replace("replicates = 2", "replicats = 2"),
                    "experiment.replicats", 'did you mean "replicates"'),
    "unknown_param_key": (GOOD_SWEEP.replace("levels = [0.5]", "levls = [0.5]"),
                          "parameters.x2.levls", 'did you mean "levels"'),
    "wrong_type": (GOOD_SWEEP.replace("seed = 7", 'seed = "seven"'),
                   "experiment.seed", "expected a whole number, got 'seven' (text)"),
    "replicates_range": (GOOD_SWEEP.replace("replicates = 2", "replicates = 0"),
                         "experiment.replicates", ">= 1"),
    "bounds_order": (GOOD_SWEEP.replace('"full_factorial"', '"latin_hypercube"\nn = 5')
                     .replace("levels = [0.0, 1.0]", "bounds = [2.0, 1.0]"),
                     "parameters.x1.bounds", "lower < upper"),
    "missing_scenario": (GOOD_SWEEP.replace("seed = 7", 'seed = 7\nscenario = "nope.toml"'),
                         "experiment.scenario", "nope.toml"),
    "unknown_model": (GOOD_SWEEP.replace('"ishigami"', '"ishigamy"'),
                      "experiment.model", 'did you mean "ishigami"'),
    "sobol_not_power_of_2": (GOOD_SWEEP.replace('kind = "sweep"', 'kind = "sensitivity"')
                             .replace('[design]\nmethod = "full_factorial"',
                                      '[sensitivity]\nmethod = "sobol"\nn = 100')
                             .replace("levels = [0.0, 1.0]", "bounds = [0.0, 1.0]")
                             .replace("levels = [0.5]", "bounds = [0.0, 1.0]")
                             .replace("levels = [1.0, 2.0]", "bounds = [0.0, 1.0]"),
                             "sensitivity.n", "power of 2"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_spec_one_line_exit_2_nothing_written(case, tmp_path, capsys):
    text, key, hint = BAD[case]
    spec = _write(tmp_path, text)
    out = tmp_path / "out"
    assert main(["sweep" if "sobol" not in case else "sensitivity", str(spec), "--out", str(out),
                 "--executor", "serial", "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert str(spec) in err and key in err and hint in err, err
    assert not out.exists()


def test_missing_spec_file_and_other_design_in_out_dir(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["sweep", str(tmp_path / "nope.toml"), "--out", str(out)]) == 2
    assert "nope.toml" in capsys.readouterr().err and not out.exists()
    spec = _write(tmp_path, GOOD_SWEEP)
    assert main(["sweep", str(spec), "--out", str(out), "--executor", "serial",
                 "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "8 runs, 0 failed" in printed and "summary.csv" in printed
    other = _write(tmp_path, GOOD_SWEEP.replace("seed = 7", "seed = 8"), "other.toml")
    before = sorted(p.name for p in (out / "runs").iterdir())
    assert main(["sweep", str(other), "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "manifest.json" in err and "different" in err and len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in (out / "runs").iterdir()) == before


def test_sensitivity_demo_spec_via_cli(tmp_path, capsys):
    spec = ROOT / "tests" / "specs" / "ishigami_sobol.toml"
    assert main(["sensitivity", str(spec), "--out", str(tmp_path / "o"), "--workers", "2",
                 "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "ST" in printed and "S1" in printed and "indices.csv" in printed
    idx = pd.read_csv(tmp_path / "o" / "indices.csv")
    st = idx[(idx["index"] == "ST") & idx["parameter2"].isna()].set_index("parameter")["value"]
    assert st.to_dict() == pytest.approx({"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}, abs=0.04)


SLOW_SWEEP = """
[experiment]
kind = "sweep"
model = "ishigami_slow"
replicates = 2
seed = 99
[design]
method = "latin_hypercube"
n = 60
[parameters.x1]
bounds = [-3.14159, 3.14159]
[parameters.x2]
bounds = [-3.14159, 3.14159]
[parameters.x3]
bounds = [-3.14159, 3.14159]
[fixed]
delay = 0.04
"""


def _cli(spec, out, *extra):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return [sys.executable, "-m", "tests.cli", "sweep", str(spec), "--out", str(out),
            "--no-progress", *extra], env


def test_sigkill_then_rerun_resumes_to_identical_table(tmp_path):
    spec = _write(tmp_path, SLOW_SWEEP)
    out = tmp_path / "killed"
    cmd, env = _cli(spec, out, "--workers", "2")
    proc = subprocess.Popen(cmd, env=env, cwd=tmp_path, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if len(list((out / "runs").glob("part-*.parquet"))) >= 3:
            break
        assert proc.poll() is None, "finished before it could be killed"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # kill -9 the runner and its workers
    assert proc.wait(timeout=10) == -signal.SIGKILL
    n_parts = len(list((out / "runs").glob("part-*.parquet")))
    assert 3 <= n_parts
    partial = pd.concat(pd.read_parquet(p) for p in (out / "runs").glob("part-*.parquet"))
    assert 0 < len(partial) < 120

    rerun = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True,
                           timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    ref_cmd, _ = _cli(spec, tmp_path / "ref", "--workers", "2")
    ref = subprocess.run(ref_cmd, env=env, cwd=tmp_path, capture_output=True, text=True,
                         timeout=120)
    assert ref.returncode == 0, ref.stderr

    resumed = pd.read_parquet(out / "results.parquet")
    reference = pd.read_parquet(tmp_path / "ref" / "results.parquet")
    pd.testing.assert_frame_equal(resumed, reference, check_exact=True)
    assert len(resumed) == 120 and (resumed["status"] == "ok").all()
    ids = pd.concat(pd.read_parquet(p) for p in (out / "runs").glob("part-*.parquet"))["run_id"]
    assert not ids.duplicated().any() and sorted(ids) == list(range(120))
    # the finished runs of the killed attempt were not redone
    assert set(partial["run_id"]) <= set(ids)


@pytest.mark.parametrize("executor", ["serial", "process", "dask"])
def test_ctrl_c_exits_130_and_keeps_finished_runs(tmp_path, executor):
    # a long design (about 30 s of runs): it cannot finish before the signal however
    # busy the machine, and the test ends soon after the second part is written
    spec = _write(tmp_path, SLOW_SWEEP.replace("n = 60", "n = 400"))
    out = tmp_path / "out"
    where = ("--dask-local", "2") if executor == "dask" else ("--workers", "2")
    cmd, env = _cli(spec, out, "--executor", executor, *where)
    # a command started from a shell's background job inherits Ctrl-C ignored (POSIX), and
    # so would ours if the tests run in one: it starts as from a terminal, Ctrl-C live
    ignored = signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    if ignored:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        proc = subprocess.Popen(cmd, env=env, cwd=tmp_path, start_new_session=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    finally:
        if ignored:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    deadline = time.monotonic() + 60
    while len(list((out / "runs").glob("part-*.parquet"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1].startswith("interrupted; rerun the same command to resume")
    assert "Traceback" not in err
    kept = list((out / "runs").glob("part-*.parquet"))
    assert len(kept) >= 2 and not (out / "results.parquet").exists()
