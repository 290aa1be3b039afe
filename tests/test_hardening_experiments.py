"""Issue 14, experiments: resumes that cannot mix inputs, failed runs that do not pass
for success, waits that end, processes that do not outlive their parent, a Dask
cluster that misbehaves (real `dask scheduler` / `dask worker` processes).

Every case asserts the exit status, the one-line message, and that no partial
output or stray process remains.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from ovopsim.cli import main
from ovopsim.posterior import SHIPPED
from tests import models as tf

ROOT = Path(__file__).resolve().parents[1]
PY = Path(sys.executable)


def _one_line(err: str) -> str:
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def _spec(tmp_path, text: str, name: str = "spec.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def _parts(out: Path) -> list[str]:
    return sorted(p.name for p in (out / "runs").glob("part-*.parquet"))


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(c) for c in text.split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _gone(pids, timeout=10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(_alive(p) for p in pids):
            return True
        time.sleep(0.1)
    return False


OVOP_SWEEP = """
[experiment]
kind = "sweep"
model = "ovop"
scenario = "scen.toml"
months = 3
replicates = 2
seed = 4
[design]
method = "full_factorial"
[parameters.trust.gain]
levels = [0.05, 0.1, 0.2]
"""


def _ovop_spec(tmp_path) -> Path:
    shutil.copy(ROOT / "scenarios" / "baseline.toml", tmp_path / "scen.toml")
    return _spec(tmp_path, OVOP_SWEEP)


def test_a_resumed_sweep_whose_scenario_changed_is_refused_naming_the_file(tmp_path, capsys):
    spec = _ovop_spec(tmp_path)
    out = tmp_path / "out"
    assert main(["sweep", str(spec), "--out", str(out), "--executor", "serial",
                 "--no-progress"]) == 0
    full = pd.read_parquet(out / "results.parquet")
    for part in _parts(out)[1:]:  # an interrupted sweep: some runs are missing
        (out / "runs" / part).unlink()
    (out / "results.parquet").unlink()
    kept = _parts(out)
    scen = tmp_path / "scen.toml"
    original = scen.read_text()
    scen.write_text(original + "\n[government]\nannual_budget = 5e8\n")
    capsys.readouterr()
    assert main(["sweep", str(spec), "--out", str(out), "--executor", "serial",
                 "--no-progress"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert line.startswith(f"ovopsim: error: {scen.resolve()}: expected the same content as "
                           f"when the experiment in {out} started, got a file changed since")
    assert _parts(out) == kept and not (out / "results.parquet").exists()
    scen.write_text(original)  # restored: the same experiment resumes
    assert main(["sweep", str(spec), "--out", str(out), "--executor", "serial",
                 "--no-progress"]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out / "results.parquet"), full,
                                  check_exact=True)
    manifest = json.loads((out / "manifest.json").read_text())
    # the scenario and the posterior the runs draw their parameters from
    assert set(manifest["inputs"]) == {str(scen.resolve()), str(SHIPPED)}
    # runs name the scenario by its absolute path: workers anywhere read the same file
    assert manifest["design"]["fixed"]["scenario"] == str(scen.resolve())


FLAKY = """
[experiment]
kind = "sweep"
model = "ishigami_flaky"
replicates = 2
seed = 3
[design]
method = "full_factorial"
[parameters.x1]
levels = [0.0, 1.0, 2.5, 3.0]
[parameters.x2]
levels = [0.5]
[parameters.x3]
levels = [1.0]
[fixed]
fail_flag = "{flag}"
"""


def test_failed_runs_exit_1_and_are_retried_only_when_asked(tmp_path, capsys):
    flag = tmp_path / "broken"
    flag.write_text("the runs with x1 > 2 fail while this file exists")
    spec = _spec(tmp_path, FLAKY.format(flag=flag))
    out = tmp_path / "out"
    cmd = ["sweep", str(spec), "--out", str(out), "--executor", "serial", "--no-progress"]
    assert main(cmd) == 1
    captured = capsys.readouterr()
    assert "8 runs, 4 failed" in captured.out
    line = _one_line(captured.err)
    assert line == (f"ovopsim: error: 4 of 8 runs failed (first: ValueError: x1=2.5 failed "
                    f"while {flag} exists); the tables hold the others. Rerun the same command "
                    "with --retry-failed to run them again")
    runs = pd.read_parquet(out / "results.parquet")
    assert runs["status"].tolist() == ["ok"] * 4 + ["failed"] * 4
    flag.unlink()  # fixed; a plain rerun keeps the failures, and still says so
    parts = _parts(out)
    assert main(cmd) == 1
    assert "4 of 8 runs failed" in _one_line(capsys.readouterr().err) and _parts(out) == parts
    assert main([*cmd, "--retry-failed"]) == 0
    # the four failed runs ran again (one run per chunk for so few), the others not
    assert "8 runs, 0 failed" in capsys.readouterr().out and len(_parts(out)) == len(parts) + 4
    retried = pd.read_parquet(out / "results.parquet")
    assert main(["sweep", str(spec), "--out", str(tmp_path / "ref"), "--executor", "serial",
                 "--no-progress"]) == 0
    ref = pd.read_parquet(tmp_path / "ref" / "results.parquet")
    pd.testing.assert_frame_equal(retried, ref, check_exact=True)
    assert retried["y"].iloc[7] == tf.ishigami({"x1": 3.0, "x2": 0.5, "x3": 1.0}, 0)["y"]


@pytest.mark.parametrize("edit, key, expected", [
    (lambda t: t.replace('method = "full_factorial"', 'method = "latin_hypercube"\nn = 4')
     .replace("[parameters.trust.gain]\nlevels = [0.05, 0.1, 0.2]",
              "[parameters.production.max_workers]\nbounds = [2, 10]"),
     "parameters.production.max_workers.bounds",
     'a parameter that takes any number between its bounds, as the "latin_hypercube" design '
     "draws (a whole number"),
    (lambda t: t.replace("months = 3", "months = 200000"), "experiment.months", "<= 1200"),
])
def test_the_dry_run_refuses_what_every_run_would_fail_on(edit, key, expected, tmp_path, capsys):
    spec = _ovop_spec(tmp_path)
    spec.write_text(edit(spec.read_text()))
    out = tmp_path / "out"
    assert main(["sweep", str(spec), "--out", str(out), "--executor", "serial",
                 "--no-progress"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert line.startswith(f"ovopsim: error: {spec}: {key}: expected") and expected in line, line
    assert not out.exists()


def test_a_damaged_part_is_moved_aside_and_its_runs_redone(tmp_path, capsys):
    design = tf_design()
    out = tmp_path / "out"
    from ovopsim.experiments import run_design

    full = run_design(design, tf.ishigami, out_dir=out, executor="serial", progress=False,
                      chunk_size=4)
    victim = out / "runs" / _parts(out)[1]
    victim.write_bytes(victim.read_bytes()[:40])  # truncated, as by a full disk
    capsys.readouterr()
    again = run_design(design, tf.ishigami, out_dir=out, executor="serial", progress=False,
                       chunk_size=4)
    line = _one_line(capsys.readouterr().err)
    assert line.startswith(f"ovopsim: warning: {victim}: unreadable (") and line.endswith(
        f"moved to {out / 'damaged'} and its runs will be done again")
    pd.testing.assert_frame_equal(again, full, check_exact=True)
    assert (out / "damaged" / f"runs-{victim.name}").exists()
    assert len(_parts(out)) == len(full) // 4  # the redone chunk replaced the damaged one


def tf_design():
    from ovopsim.experiments import full_factorial

    return full_factorial({"x1": [0.0, 1.0, 2.0], "x2": [0.5, 1.5], "x3": [1.0, 2.0]},
                          replicates=2)


GOOD = """
[experiment]
kind = "sweep"
model = "ishigami_slow"
replicates = 2
seed = 5
[design]
method = "latin_hypercube"
n = {n}
[parameters.x1]
bounds = [-3.0, 3.0]
[parameters.x2]
bounds = [-3.0, 3.0]
[parameters.x3]
bounds = [-3.0, 3.0]
[fixed]
delay = 0.04
"""


def test_a_manifest_that_is_not_an_object_is_one_line(tmp_path, capsys):
    spec = _spec(tmp_path, GOOD.format(n=2))
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text("[1, 2, 3]")
    assert main(["sweep", str(spec), "--out", str(out), "--no-progress"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert line.startswith(f"ovopsim: error: {out / 'manifest.json'}: expected a manifest "
                           "written by ovopsim")
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json"]


def test_an_out_that_cannot_be_created_is_refused_before_running(tmp_path, capsys):
    spec = _spec(tmp_path, GOOD.format(n=2))
    assert main(["sweep", str(spec), "--out", "/proc/ovopsim/sweep", "--no-progress"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("ovopsim: error: --out: expected a folder that can be created and "
                           "written, got /proc/ovopsim/sweep (")


def _start_sweep(tmp_path, spec, out, *extra):
    cmd = [str(PY), "-m", "tests.cli", "sweep", str(spec), "--out", str(out), "--no-progress",
           *extra]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while len(_parts(out)) < 2 if (out / "runs").is_dir() else True:
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return proc


def test_a_second_experiment_into_the_same_folder_is_refused(tmp_path, capsys):
    spec = _spec(tmp_path, GOOD.format(n=300))
    out = tmp_path / "out"
    first = _start_sweep(tmp_path, spec, out, "--executor", "serial")
    try:
        assert main(["sweep", str(spec), "--out", str(out), "--executor", "serial",
                     "--no-progress"]) == 2
        line = _one_line(capsys.readouterr().err)
        assert line == (f"ovopsim: error: --out: expected a folder no other experiment is "
                        f"writing to, got {out}, which process {first.pid} is writing to now; "
                        "wait for it or use another output folder")
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM"])
def test_process_workers_do_not_outlive_their_parent(how, tmp_path):
    spec = _spec(tmp_path, GOOD.format(n=300))
    out = tmp_path / "out"
    proc = _start_sweep(tmp_path, spec, out, "--workers", "2")
    workers = _children(proc.pid)
    assert len(workers) == 2 and all(_alive(w) for w in workers)
    os.kill(proc.pid, getattr(signal, how))  # the parent only, as `kill PID` does
    _, err = proc.communicate(timeout=30)
    assert _gone(workers, timeout=10), "workers still alive after their parent died"
    if how == "SIGTERM":
        assert proc.returncode == 143
        assert err.strip().splitlines()[-1].startswith("interrupted; rerun the same command")
        assert "Traceback" not in err
    else:
        assert proc.returncode == -signal.SIGKILL
    assert len(_parts(out)) >= 2 and not (out / "results.parquet").exists()
    assert not list((out / "runs").glob(".*.tmp")) or how == "SIGKILL"


# --------------------------------------------------------------------------- real Dask


@pytest.fixture
def dask_cluster(tmp_path):
    """Start real `dask scheduler` (and workers on request) processes on 127.0.0.1;
    end them all afterwards and check that none is left."""
    procs = []
    dask = Path(sys.executable).with_name("dask")

    def start(*args, cwd=tmp_path):
        p = subprocess.Popen([str(dask), *args], cwd=cwd, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
        procs.append(p)
        return p

    file = tmp_path / "scheduler.json"
    start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
          "--scheduler-file", str(file))
    deadline = time.monotonic() + 60
    while not file.exists() or not file.read_text().strip():
        assert time.monotonic() < deadline, "the scheduler did not start"
        time.sleep(0.1)
    address = json.loads(file.read_text())["address"]

    def add_worker(cwd: Path):
        start("worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard",
              cwd=cwd)

    yield address, add_worker
    pids = [p.pid for p in procs]
    for p in procs:
        with_children = [p.pid, *_children(p.pid)]
        os.killpg(p.pid, signal.SIGTERM)
        p.wait(timeout=30)
        assert _gone(with_children, timeout=20)
    assert not any(_alive(p) for p in pids)


@pytest.mark.slow
def test_dask_worker_in_another_directory_runs_what_the_serial_executor_runs(
        dask_cluster, tmp_path, capsys):
    address, add_worker = dask_cluster
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    add_worker(elsewhere)  # the spec's scenario path is relative to the spec, not to it
    spec = _ovop_spec(tmp_path)
    assert main(["sweep", str(spec), "--out", str(tmp_path / "dask"), "--scheduler", address,
                 "--no-progress"]) == 0
    assert main(["sweep", str(spec), "--out", str(tmp_path / "serial"), "--executor", "serial",
                 "--no-progress"]) == 0
    dask = pd.read_parquet(tmp_path / "dask" / "results.parquet")
    serial = pd.read_parquet(tmp_path / "serial" / "results.parquet")
    assert len(dask) == 6 and (dask["status"] == "ok").all()
    pd.testing.assert_frame_equal(dask, serial, check_exact=True)


def test_a_dask_scheduler_without_workers_is_an_error_not_a_hang(dask_cluster, tmp_path,
                                                                   capsys):
    address, _ = dask_cluster
    spec = _spec(tmp_path, GOOD.format(n=2))
    out = tmp_path / "out"
    t0 = time.perf_counter()
    assert main(["sweep", str(spec), "--out", str(out), "--scheduler", address,
                 "--dask-wait", "2", "--no-progress"]) == 2
    assert time.perf_counter() - t0 < 30
    line = _one_line(capsys.readouterr().err)
    assert line == (f"ovopsim: error: --scheduler: expected a Dask scheduler with at least one "
                    f"worker, got {address}, where no worker joined within 2 s")
    assert not out.exists()


def test_an_address_that_is_not_a_dask_scheduler_is_an_error_not_a_hang(tmp_path, capsys):
    server = socket.create_server(("127.0.0.1", 0))
    accepted = []

    def accept():  # accepts connections and never answers
        while True:
            try:
                accepted.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
    spec = _spec(tmp_path, GOOD.format(n=2))
    out = tmp_path / "out"
    t0 = time.perf_counter()
    try:
        assert main(["sweep", str(spec), "--out", str(out), "--scheduler", address,
                     "--dask-wait", "2", "--no-progress"]) == 2
    finally:
        server.close()
    assert time.perf_counter() - t0 < 15 and accepted
    line = _one_line(capsys.readouterr().err)
    assert line == (f"ovopsim: error: --scheduler: expected the tcp://HOST:PORT address of a "
                    f"running Dask scheduler, got {address} (no Dask answer within 2 s)")
    assert not out.exists()


def test_a_tls_scheduler_address_is_one_line(tmp_path, capsys):
    spec = _spec(tmp_path, GOOD.format(n=2))
    assert main(["sweep", str(spec), "--out", str(tmp_path / "o"), "--scheduler",
                 "tls://127.0.0.1:8786", "--no-progress"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "--scheduler: expected the tcp://HOST:PORT address of a running Dask scheduler, got " \
           "tls://127.0.0.1:8786 (ovopsim connects to tcp:// schedulers only" in line
    assert not (tmp_path / "o").exists()
