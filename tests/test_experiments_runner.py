"""The runner: identical tables across executors, failures, resume, crashes."""

import functools
import json
import math

import pandas as pd
import pytest

from ovopsim.errors import InputError
from ovopsim.experiments import (
    WorkerCrashed,
    full_factorial,
    latin_hypercube,
    read_series,
    run_design,
)
from tests import models as tf

PI = math.pi
BOUNDS = {"x1": (-PI, PI), "x2": (-PI, PI), "x3": (-PI, PI)}


def _parts(out):
    return sorted((out / "runs").glob("part-*.parquet"))


def test_executors_give_identical_tables(tmp_path):
    design = latin_hypercube(BOUNDS, 40, seed=11, replicates=3)
    model = functools.partial(tf.ishigami_noisy, noise=0.3)
    serial = run_design(design, model, out_dir=tmp_path / "serial", executor="serial",
                        progress=False)
    proc = run_design(design, model, out_dir=tmp_path / "proc", executor="process", workers=2,
                      progress=False, chunk_size=7)
    dask = run_design(design, model, out_dir=tmp_path / "dask", executor="dask", dask_local=2,
                      progress=False, chunk_size=5)
    assert len(serial) == 120 and (serial["status"] == "ok").all()
    assert serial["run_id"].tolist() == list(range(120))
    pd.testing.assert_frame_equal(serial, proc, check_exact=True)
    pd.testing.assert_frame_equal(serial, dask, check_exact=True)
    # an existing cluster, reached by its scheduler address
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        remote = run_design(design, model, out_dir=tmp_path / "remote", executor="dask",
                            scheduler=cluster.scheduler_address, progress=False)
    pd.testing.assert_frame_equal(serial, remote, check_exact=True)
    # the values are the model's: ishigami + seeded noise
    row = serial.iloc[17]
    expected = tf.ishigami_noisy({k: row[k] for k in BOUNDS}, int(row["seed"]), noise=0.3)["y"]
    assert row["y"] == expected


def test_workers_keep_what_they_started_with_out_of_garbage_collection(tmp_path):
    # a worker freezes what it holds after its first chunk (executors.worker_chunk_done);
    # the process running a serial design, the user's, is left alone
    import gc

    design = latin_hypercube(BOUNDS, 24, seed=3)
    before = gc.get_freeze_count()
    serial = run_design(design, tf.ishigami_frozen, out_dir=tmp_path / "serial", executor="serial",
                        progress=False, chunk_size=4)
    assert gc.get_freeze_count() == before and (serial["frozen"] == before).all()
    import threading

    idle = threading.Event()
    for executor, kw, thread in (("process", {"workers": 2}, False), ("dask", {"dask_local": 2}, False),
                                 ("dask", {"dask_local": 2}, True)):
        # with another thread running, a local Dask cluster's workers are not forked
        # from this process but started by Dask (executors.can_fork)
        other = threading.Thread(target=idle.wait) if thread else None
        if other:
            other.start()
        try:
            out = run_design(design, tf.ishigami_frozen, out_dir=tmp_path / f"{executor}{thread}",
                             executor=executor, progress=False, chunk_size=4, **kw)
        finally:
            idle.set()
            if other:
                other.join()
            idle.clear()
        frozen = out.sort_values("run_id")["frozen"]
        # each worker's first chunk runs before it freezes; the later ones after, with
        # everything it imported kept out (thousands of objects)
        assert (frozen > 1000).sum() >= len(design.runs()) - 2 * 4 * 2, (executor, thread)
    assert gc.get_freeze_count() == before


def test_failed_runs_are_recorded_and_others_complete(tmp_path):
    design = full_factorial({"x1": [0.0, 1.0, 2.5, 3.0], "x2": [0.5], "x3": [1.0]}, replicates=2)
    runs = run_design(design, tf.ishigami_failing, out_dir=tmp_path, executor="process",
                      workers=2, progress=False, chunk_size=1)
    failed = runs[runs["status"] == "failed"]
    assert failed["x1"].tolist() == [2.5, 2.5, 3.0, 3.0]
    assert failed["error"].iloc[0] == "ValueError: x1=2.5 is too large"
    assert failed["y"].isna().all()
    ok = runs[runs["status"] == "ok"]
    assert len(ok) == 4 and ok["error"].isna().all()
    assert ok["y"].iloc[2] == pytest.approx(math.sin(1.0) + 7 * math.sin(0.5) ** 2
                                            + 0.1 * math.sin(1.0))
    # resuming does not rerun anything (failed runs are finished runs)
    n_parts = len(_parts(tmp_path))
    again = run_design(design, tf.ishigami_failing, out_dir=tmp_path, executor="serial",
                       progress=False)
    pd.testing.assert_frame_equal(runs, again, check_exact=True)
    assert len(_parts(tmp_path)) == n_parts


def test_resume_after_partial_run_and_refuse_other_design(tmp_path):
    design = latin_hypercube(BOUNDS, 30, seed=3, replicates=2)
    full = run_design(design, tf.ishigami, out_dir=tmp_path / "full", executor="serial",
                      progress=False)
    # simulate an interrupted run: keep only some part files
    out = tmp_path / "partial"
    run_design(design, tf.ishigami, out_dir=out, executor="serial", progress=False, chunk_size=8)
    parts = _parts(out)
    for p in parts[1::2]:
        p.unlink()
    (out / "runs" / ".part-x.parquet.tmp").write_bytes(b"half a file")
    resumed = run_design(design, tf.ishigami, out_dir=out, executor="process", workers=2,
                         progress=False, chunk_size=5)
    pd.testing.assert_frame_equal(full, resumed, check_exact=True)
    ids = pd.concat(pd.read_parquet(p) for p in _parts(out))["run_id"]
    assert not ids.duplicated().any() and len(ids) == 60
    assert not list((out / "runs").glob(".*.tmp"))

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["design_hash"] == design.hash(extra=manifest["model"])
    assert manifest["root_seed"] == 3 and manifest["n_runs"] == 60
    assert "numpy" in manifest["provenance"]["packages"]

    other = latin_hypercube(BOUNDS, 30, seed=4, replicates=2)
    with pytest.raises(InputError, match="different"):
        run_design(other, tf.ishigami, out_dir=out, executor="serial", progress=False)
    with pytest.raises(InputError, match="different"):
        run_design(design, tf.ishigami_slow, out_dir=out, executor="serial", progress=False)


@pytest.mark.parametrize("executor", ["process", "dask"])
def test_crashed_worker_keeps_finished_runs_and_resumes(tmp_path, executor):
    flag = tmp_path / "armed"
    flag.write_text("crash while this file exists")
    design = full_factorial({"x1": [0.0, 0.5, 1.0, 1.5, 2.5], "x2": [0.1, 0.2], "x3": [0.3]},
                            fixed={"crash_flag": str(flag)})
    out = tmp_path / "out"
    where = {"dask_local": 2} if executor == "dask" else {"workers": 2}
    with pytest.raises(WorkerCrashed, match="rerun the same command to resume"):
        run_design(design, tf.ishigami_crashing, out_dir=out, executor=executor, **where,
                   progress=False, chunk_size=1)
    finished = pd.concat(pd.read_parquet(p) for p in _parts(out)) if _parts(out) else None
    n_before = 0 if finished is None else len(finished)
    assert n_before < 10
    flag.unlink()  # the "bug" is fixed; the same command now resumes
    runs = run_design(design, tf.ishigami_crashing, out_dir=out, executor=executor, **where,
                      progress=False, chunk_size=1)
    assert runs["run_id"].tolist() == list(range(10)) and (runs["status"] == "ok").all()
    ref = run_design(design, tf.ishigami_crashing, out_dir=tmp_path / "ref", executor="serial",
                     progress=False)
    pd.testing.assert_frame_equal(runs, ref, check_exact=True)


def test_time_series_outputs_are_tidy(tmp_path):
    design = full_factorial({"x1": [0.0, 1.0], "x2": [0.5], "x3": [2.0]}, replicates=2,
                            fixed={"months": 6})
    runs = run_design(design, tf.ishigami_series, out_dir=tmp_path, executor="process",
                      workers=2, progress=False, chunk_size=1)
    series = read_series(tmp_path)
    assert list(series.columns) == ["run_id", "t", "y", "z"]
    assert len(series) == 4 * 6 and series.groupby("run_id")["t"].max().eq(6).all()
    final = series[series["t"] == series["t"].max()].set_index("run_id")
    assert (final["y"] == runs.set_index("run_id")["y"]).all()
    assert (final["z"] == runs.set_index("run_id")["z"]).all()


def test_unpicklable_model_is_refused_before_writing(tmp_path):
    design = full_factorial({"x1": [0.0], "x2": [0.0], "x3": [0.0]})
    with pytest.raises(InputError, match="picklable"):
        run_design(design, lambda p, s: {"y": 1.0}, out_dir=tmp_path / "o", executor="process")
    assert not (tmp_path / "o").exists()
    # serial accepts any callable
    runs = run_design(design, lambda p, s: {"y": 1.0}, out_dir=tmp_path / "o", executor="serial",
                      progress=False)
    assert runs["y"].tolist() == [1.0]


def test_unreachable_scheduler_is_an_input_error(tmp_path):
    design = full_factorial({"x1": [0.0], "x2": [0.0], "x3": [0.0]})
    with pytest.raises(InputError, match="--scheduler"):
        run_design(design, tf.ishigami, out_dir=tmp_path / "o", executor="dask",
                   scheduler="tcp://127.0.0.1:9", progress=False)
    assert not (tmp_path / "o").exists()


def test_a_first_compilation_is_announced_without_a_progress_bar(tmp_path):
    """A model's prepare hook gets the stream for its one-line notice (the OVOP model's
    first compilation takes a minute) whether or not there is a progress bar."""
    import sys

    from ovopsim.experiments.registry import MODEL_INFO, MODELS, register_model

    streams = []
    register_model("ishigami_prepared", tf.ishigami, parameters=("x1", "x2", "x3"), outcomes=("y",),
                   prepare=streams.append)
    try:
        design = full_factorial({"x1": [0.0], "x2": [0.5], "x3": [1.0]})
        for progress in (False, True):
            run_design(design, tf.ishigami, model_name="ishigami_prepared", out_dir=tmp_path / str(progress),
                       executor="serial", progress=progress)
    finally:
        MODELS.pop("ishigami_prepared")
        MODEL_INFO.pop("ishigami_prepared")
    assert streams == [sys.stderr, sys.stderr]


def test_another_experiment_in_the_folder_is_refused_saying_what_differs(tmp_path):
    """A rerun into a folder of another experiment is refused before anything runs, and
    the message says which part of the design differs from the one there."""
    design = full_factorial({"x1": [0.0, 1.0], "x2": [0.5], "x3": [1.0]}, replicates=2, seed=3)
    run_design(design, tf.ishigami, out_dir=tmp_path, executor="serial", progress=False)
    parts = _parts(tmp_path)
    cases = [
        (full_factorial({"x1": [0.0, 1.0], "x2": [0.5], "x3": [1.0]}, replicates=3, seed=3),
         "with replicates = 3 (here: 2)"),
        (full_factorial({"x1": [0.0, 1.0], "x2": [0.5], "x3": [1.0]}, replicates=2, seed=4),
         "with root_seed = 4 (here: 3)"),
        (full_factorial({"x1": [0.0, 2.0], "x2": [0.5], "x3": [1.0]}, replicates=2, seed=3),
         "with x1 = 2 at point 1 (here: 1)"),
        (full_factorial({"x1": [0.0, 1.0], "x2": [0.5], "x3": [3e8 + 6e-8]}, replicates=2, seed=3),
         "with x3 = 300,000,000 at point 0 (here: 1)"),
    ]
    for other, what in cases:
        with pytest.raises(InputError) as err:
            run_design(other, tf.ishigami, out_dir=tmp_path, executor="serial", progress=False)
        assert err.value.key == "design_hash" and what in err.value.given, err.value.given
    assert _parts(tmp_path) == parts
