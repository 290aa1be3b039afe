"""Run a :class:`~ovopsim.experiments.design.Design` on any model function.

The model function
------------------
``model_fn(params: dict, seed: int)`` returns either

* a mapping ``{outcome: number}`` (scalar outcomes), or
* a ``pandas.DataFrame`` of time series: one row per time step, one column per
  outcome; the time is the ``t`` column if there is one, else the index. The
  values at the final time become the run's scalar outcomes, and the whole
  series is stored (tidy: columns ``run_id, t, <outcome>...``) in a second table,
  read with :func:`read_series`; or
* a tuple ``(mapping, DataFrame)`` for both (the mapping's values win).

It must be picklable for the ``process`` and ``dask`` executors: a module-level
function, or a ``functools.partial`` of one (not a lambda or a closure).

Where the runs go and how they resume is the result store's (:mod:`.store`);
where they execute, the executors' (:mod:`.executors`); what a model needs
before it runs (a ``prepare`` hook) and which files it reads (an ``inputs``
hook), the model registry's (:mod:`.registry`). This module puts them together.

The returned table is rebuilt from the files, sorted by ``run_id``, so it is
identical whatever the executor, worker count, chunking or interruptions.
"""

from __future__ import annotations

import functools
import math
import pickle
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ovopsim.errors import InputError

from . import registry
from .design import Design
from .executors import (
    DASK_WAIT,
    EXECUTORS,
    Executor,
    WorkerCrashed,
    make_executor,
    worker_chunk_done,
)
from .store import (
    MANIFEST,
    RESULT_COLUMNS,
    ResultStore,
    finished_run_ids,
    identity,
    input_digests,
    provenance,
    read_runs,
    read_series,
)

__all__ = ["EXECUTORS", "MANIFEST", "RESULT_COLUMNS", "WorkerCrashed", "describe_model",
           "finished_run_ids", "read_runs", "read_series", "run_chunk", "run_design"]


# --------------------------------------------------------------------------- model calls


def describe_model(fn: Callable) -> str:
    """A stable name for a model function (module.qualname, partial arguments)."""
    if isinstance(fn, functools.partial):
        args = [repr(a) for a in fn.args] + [f"{k}={v!r}" for k, v in sorted(fn.keywords.items())]
        return f"{describe_model(fn.func)}({', '.join(args)})"
    module = getattr(fn, "__module__", None) or "?"
    name = getattr(fn, "__qualname__", None) or type(fn).__qualname__
    return f"{module}.{name}"


def _as_float(name: str, value: Any) -> float:
    if isinstance(value, (bool, np.bool_)):
        return float(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    raise TypeError(f"outcome {name!r} is {type(value).__name__} {value!r}, expected a number")


def _split_result(result: Any, run_id: int) -> tuple[dict[str, float], pd.DataFrame | None]:
    scalars: dict[str, float] = {}
    frame = None
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], pd.DataFrame):
        result, frame = result
    elif isinstance(result, pd.DataFrame):
        result, frame = {}, result
    if frame is not None:
        frame = frame.copy()
        t = frame.pop("t").to_numpy() if "t" in frame.columns else frame.index.to_numpy()
        frame = frame.reset_index(drop=True)
        for col in frame.columns:
            frame[col] = [_as_float(str(col), v) for v in frame[col]]
        frame.columns = [str(c) for c in frame.columns]
        frame.insert(0, "t", t)
        frame.insert(0, "run_id", np.int64(run_id))
        if len(frame):
            last = frame.iloc[-1]
            scalars.update({c: float(last[c]) for c in frame.columns[2:]})
    if not isinstance(result, Mapping):
        raise TypeError(f"model returned {type(result).__name__}, expected a mapping of "
                        "outcomes or a DataFrame of time series")
    scalars.update({str(k): _as_float(str(k), v) for k, v in result.items()})
    return scalars, frame


def run_chunk(model_fn: Callable, chunk: list[tuple[int, int, dict]]):
    """Run a list of (run_id, seed, params); exceptions become failed rows.

    Returns (rows, series) where rows are dicts ``run_id, status, error, outcomes``
    and series is a DataFrame or None.
    """
    rows, frames = [], []
    for run_id, seed, params in chunk:
        try:
            scalars, frame = _split_result(model_fn(dict(params), seed), run_id)
        except Exception as exc:  # a failed run is data, not a crash
            rows.append({"run_id": run_id, "status": "failed",
                         "error": f"{type(exc).__name__}: {exc}"})
            continue
        rows.append({"run_id": run_id, "status": "ok", "error": None, **scalars})
        if frame is not None:
            frames.append(frame)
    series = pd.concat(frames, ignore_index=True) if frames else None
    worker_chunk_done()
    return rows, series


#: the most runs in a chunk the runner makes by itself (chunk_size sets any other)
MAX_AUTO_CHUNK = 500


def _auto_chunk(n_pending: int, workers: int) -> int:
    # ~16 chunks per worker: small enough to balance the load at the end (and to lose
    # little when the experiment is killed: a chunk is saved when it finishes), large
    # enough that the per-chunk overhead is negligible: each costs this process ~13 ms
    # (its results received, a Parquet part written and read back at the end), which
    # with 100 runs of the default scenario a chunk was ~2% of a long design's time
    # and took that from the workers on a machine whose cores they fill
    return max(1, min(MAX_AUTO_CHUNK, math.ceil(n_pending / (16 * max(1, workers)))))


def model_inputs(info: registry.ModelInfo | None, design: Design) -> dict[str, str]:
    """The content digests of every file the design's runs read (the registry's
    ``inputs`` hook, asked once per point)."""
    if info is None or info.inputs is None:
        return {}
    paths = [p for params in design.point_params() for p in info.inputs(params)]
    return input_digests(paths)


# --------------------------------------------------------------------------- run_design


def run_design(design: Design, model_fn: Callable, *, out_dir: str | Path,
               executor: str = "process", workers: int | None = None,
               scheduler: str | None = None, dask_local: int | None = None,
               progress: bool = True, chunk_size: int | None = None,
               model_name: str | None = None, retry_failed: bool = False,
               dask_wait: float = DASK_WAIT, progress_label: str | None = None) -> pd.DataFrame:
    """Run every (point, replicate) of ``design`` with ``model_fn``; resume if possible.

    Args:
        design: the parameter sets, replicates and seeds.
        model_fn: ``model_fn(params: dict, seed: int)`` (see module docstring);
            picklable for ``process``/``dask``.
        out_dir: where results stream to (see :mod:`.store`). Rerunning with
            the same design resumes; another design there raises InputError.
        executor: ``"serial"``, ``"process"`` (ProcessPoolExecutor) or ``"dask"``.
        workers: processes for ``process`` (default: all cores).
        scheduler: ``tcp://host:port`` of an existing Dask cluster (``dask``).
        dask_local: start a LocalCluster with this many single-threaded worker
            processes (``dask`` without ``scheduler``).
        progress: show a tqdm bar (done/total, failures, time left).
        chunk_size: runs per task (default: about 16 tasks per worker, at most
            :data:`MAX_AUTO_CHUNK`).
        model_name: name recorded in the manifest and hashed with the design
            (default: module.qualname of ``model_fn``). The model's registration
            (by this name, else by function) supplies its hooks.
        retry_failed: run again the runs that failed in an earlier attempt.
        dask_wait: seconds to wait for a Dask scheduler's answer and workers.
        progress_label: the bar's label when it is one step of a longer task (e.g. a
            search's generation): the bar is then cleared when done.

    Returns:
        One row per run sorted by ``run_id``: ``run_id, point, replicate, seed``,
        the parameters, ``status`` ("ok"/"failed"), ``error`` (text or None) and
        the outcomes (float64; NaN for failed runs).

    Raises:
        InputError: bad arguments, an input file that is not a regular file, an
            out_dir holding another experiment (or the same one with changed
            inputs, or one being written now); nothing is written.
        WorkerCrashed: a worker process died; finished runs are kept.
        KeyboardInterrupt: passed on after stopping workers; finished runs kept.
    """
    info = registry.info_for(model_fn, model_name)
    ex = make_executor(executor, workers=workers, scheduler=scheduler, dask_local=dask_local,
                       preload=[getattr(model_fn, "__module__", None) or ""], wait=dask_wait)
    if executor != "serial":
        try:
            pickle.dumps(model_fn)
        except Exception as exc:
            raise InputError(None, "model_fn", "a picklable function (module-level, or a "
                             "functools.partial of one)", f"{model_fn!r} ({exc})") from None
    name = model_name or describe_model(model_fn)
    inputs = model_inputs(info, design)
    design_hash = identity(design, name, inputs)
    store = ResultStore(out_dir)
    resuming = store.check(design_hash, inputs, design.to_dict())
    if info is not None and info.prepare is not None:
        # once here rather than in every worker: workers forked later inherit it; a first
        # compilation says so whether or not there is a progress bar (it takes a minute)
        info.prepare(sys.stderr)
    manifest = None if resuming else {
        "model": name, "design_hash": design_hash, "root_seed": design.root_seed,
        "n_runs": design.n_runs, "inputs": inputs, "provenance": provenance(),
        "design": design.to_dict()}
    # connect to Dask before writing anything: a wrong address is an input error
    with ex, store.open(manifest):
        done = store.finished(retry_failed)
        runs = design.runs()
        pending = design.run_params(runs[~runs["run_id"].isin(done)])
        if pending:
            _execute(pending, chunk_size, model_fn, store, ex, progress,
                     total=design.n_runs, initial=len(done), label=progress_label)
        return store.read_runs(design)


def _execute(pending, chunk_size, model_fn, store: ResultStore, ex: Executor, progress, *,
             total: int, initial: int, label: str | None = None) -> None:
    from tqdm.auto import tqdm

    class Bar(tqdm):
        monitor_interval = 0  # no monitor thread: keeps later forks safe

    size = chunk_size or _auto_chunk(len(pending), ex.n_workers)
    chunks = [(model_fn, pending[i:i + size]) for i in range(0, len(pending), size)]
    results = ex.map(run_chunk, chunks)  # a generator: the workers start on first next()
    bar = Bar(total=total, initial=initial, unit="run", desc=label or "runs", disable=not progress,
              dynamic_ncols=True, smoothing=0.1, leave=label is None)
    failed = 0
    crashes: list[str] = []
    try:
        for _, result, crash in results:
            if crash is not None:
                crashes.append(crash)
                continue
            rows, series = result
            store.write_chunk(rows, series)
            failed += sum(r["status"] == "failed" for r in rows)
            bar.update(len(rows))
            if failed:
                bar.set_postfix(failed=failed, refresh=False)
    except BaseException:
        ex.abort()
        raise
    finally:
        results.close()
        bar.close()
    if crashes:
        raise WorkerCrashed(
            f"a worker process died ({crashes[0]}); {len(crashes)} chunk(s) of runs did not "
            f"finish. Finished runs are saved in {store.out}; rerun the same command to resume.")
