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

Files under ``out_dir``
-----------------------
``manifest.json``
    design, model name, root seed, design hash and provenance.
``runs/part-*.parquet``
    one file per finished chunk of runs: ``run_id, status, error, <outcomes>``.
    Written under a temporary name and renamed, so a file is either complete or
    absent. A rerun reads the finished ``run_id`` back and skips them (resume).
``series/part-*.parquet``
    time series (``run_id, t, <outcomes>``) of the same chunks, written before
    the matching ``runs`` part (a series part without its runs part is ignored).

The returned table is rebuilt from the files, sorted by ``run_id``, so it is
identical whatever the executor, worker count, chunking or interruptions.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import math
import multiprocessing
import os
import pickle
import platform
import signal
import sys
import threading
import uuid
import warnings
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import as_completed as cf_as_completed
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ovopsim.errors import InputError
from ovopsim.output import versions

from .design import Design

EXECUTORS = ("serial", "process", "dask")
MANIFEST = "manifest.json"
RESULT_COLUMNS = ("status", "error")


class WorkerCrashed(RuntimeError):
    """A worker process died (not an exception in the model: those are recorded
    as failed runs). Finished runs are saved; rerunning resumes."""


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
    return rows, series


def _ignore_sigint():
    signal.signal(signal.SIGINT, signal.SIG_IGN)


# --------------------------------------------------------------------------- files


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _atomic_write_parquet(df: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    df.to_parquet(tmp, index=False)
    os.replace(tmp, path)


def provenance() -> dict:
    packages = versions()
    return {"python": packages.pop("python"), "platform": platform.platform(),
            "packages": packages, "created": datetime.now(UTC).isoformat(timespec="seconds")}


def check_out_dir(out_dir: str | Path, design_hash: str) -> bool:
    """Raise InputError if ``out_dir`` holds another experiment. Creates nothing.

    Returns True when ``out_dir`` already holds this experiment (a resume).
    """
    out = Path(out_dir)
    manifest = out / MANIFEST
    if out.exists() and not out.is_dir():
        raise InputError(None, "--out", "a directory", f"the file {out}")
    if manifest.exists():
        try:
            old = json.loads(manifest.read_text())["design_hash"]
        except (ValueError, KeyError):
            raise InputError(manifest, "design_hash", "a manifest written by ovopsim",
                             "an unreadable file") from None
        if old != design_hash:
            raise InputError(manifest, "design_hash",
                             f"the same experiment as the one already there ({old[:12]})",
                             f"a different one ({design_hash[:12]}); use another output "
                             "directory or delete this one")
        return True
    if out.is_dir() and any(out.iterdir()):
        raise InputError(None, "--out", "a new or empty directory (or one to resume)",
                         f"{out}, which holds other files and no {MANIFEST}")
    return False


def _part_files(out: Path, kind: str) -> list[Path]:
    d = out / kind
    return sorted(d.glob("part-*.parquet")) if d.is_dir() else []


def _read_parts(out: Path) -> tuple[pd.DataFrame, list[str]]:
    """All finished result rows, and the outcome columns in a stable order."""
    frames, first_seen = [], {}
    for f in _part_files(out, "runs"):
        df = pd.read_parquet(f)
        frames.append(df)
        for pos, col in enumerate(df.columns):
            if col in ("run_id", *RESULT_COLUMNS):
                continue
            ok = df[col].notna().to_numpy()
            if ok.any():
                key = (int(df["run_id"].to_numpy()[ok].min()), pos)
                first_seen[col] = min(first_seen.get(col, key), key)
    if not frames:
        return pd.DataFrame({"run_id": pd.Series([], dtype=np.int64)}), []
    res = pd.concat(frames, ignore_index=True)
    res = res.drop_duplicates("run_id", keep="first")
    outcomes = sorted(first_seen, key=first_seen.get)
    return res, outcomes


def finished_run_ids(out_dir: str | Path) -> set[int]:
    res, _ = _read_parts(Path(out_dir))
    return set(int(i) for i in res["run_id"])


def read_runs(out_dir: str | Path, design: Design) -> pd.DataFrame:
    """Inputs + status + outcomes of the finished runs, sorted by run_id."""
    res, outcomes = _read_parts(Path(out_dir))
    table = design.runs()
    table = table[table["run_id"].isin(res["run_id"])]
    res = res.reindex(columns=["run_id", *RESULT_COLUMNS, *outcomes])
    res["status"] = res["status"].astype(object)
    res["error"] = res["error"].astype(object).where(res["status"] == "failed", None)
    for col in outcomes:
        res[col] = res[col].astype(np.float64)
    table = table.merge(res, on="run_id", how="left", validate="one_to_one")
    return table.sort_values("run_id", kind="stable").reset_index(drop=True)


def read_series(out_dir: str | Path) -> pd.DataFrame:
    """Tidy time series of the finished runs: ``run_id, t, <outcomes>``, sorted.

    Join with the run table on ``run_id`` for the inputs; pick the rows with the
    largest ``t`` per run for the final time.
    """
    out = Path(out_dir)
    done = finished_run_ids(out)
    frames = [pd.read_parquet(f) for f in _part_files(out, "series")]
    if not frames:
        return pd.DataFrame({"run_id": pd.Series([], dtype=np.int64), "t": []})
    s = pd.concat(frames, ignore_index=True)
    s = s[s["run_id"].isin(done)].drop_duplicates(["run_id", "t"], keep="first")
    return s.sort_values(["run_id", "t"], kind="stable").reset_index(drop=True)


def _write_chunk(out: Path, rows: list[dict], series: pd.DataFrame | None) -> None:
    ids = [r["run_id"] for r in rows]
    name = f"part-{min(ids):09d}-{max(ids):09d}-{uuid.uuid4().hex[:8]}.parquet"
    if series is not None and len(series):
        _atomic_write_parquet(series, out / "series" / name)
    df = pd.DataFrame(rows)
    df["run_id"] = df["run_id"].astype(np.int64)
    df["error"] = df["error"].astype(object)
    _atomic_write_parquet(df, out / "runs" / name)  # the commit point of a chunk


# --------------------------------------------------------------------------- executors


def _auto_chunk(n_pending: int, workers: int) -> int:
    # ~16 chunks per worker: small enough to balance the load at the end,
    # large enough that per-chunk overhead (pickling, a parquet file) is negligible
    return max(1, min(100, math.ceil(n_pending / (16 * max(1, workers)))))


def _can_fork() -> bool:
    # fork is safe only while this process runs no other Python thread (a Dask
    # client's event loop, a monitor); see _process_pool
    return sys.platform.startswith("linux") and threading.active_count() == 1


def _process_pool(workers: int) -> ProcessPoolExecutor:
    # fork starts workers in milliseconds with everything imported. It is unsafe
    # when other *Python* threads run: then use a forkserver with the heavy imports
    # preloaded (~0.5 s more). Native thread pools (OpenBLAS, Arrow) register
    # at-fork handlers, so they do not count, although Python 3.12 warns about them
    # (see _quiet_fork).
    if _can_fork():
        ctx = multiprocessing.get_context("fork")
    else:
        ctx = multiprocessing.get_context("forkserver" if sys.platform != "win32" else "spawn")
        if ctx.get_start_method() == "forkserver":
            ctx.set_forkserver_preload(["numpy", "pandas", "ovopsim.experiments.runner"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_ignore_sigint)


@contextlib.contextmanager
def _quiet_fork():
    """Silence Python 3.12's warning about forking a process with (native) threads."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*use of fork\\(\\) may lead",
                                category=DeprecationWarning)
        yield


def _kill_pool(pool: ProcessPoolExecutor) -> None:
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        if p.is_alive():
            p.terminate()


# Settings of the local cluster's scheduler and workers (not of a remote cluster).
# Each run is a single task computing a few numbers, so: no statistical profiler
# sampling the running task every 10 ms, and the event-loop health check, system
# monitor and memory monitor less often (20 ms, 0.5 s, 0.1 s by default): their
# wake-ups take the CPU and the GIL from the runs.
_LOCAL_DASK_CONFIG = {"distributed.worker.profile.enabled": False,
                      "distributed.admin.tick.interval": "1s",
                      "distributed.admin.system-monitor.interval": "5s",
                      "distributed.worker.memory.monitor-interval": "1s"}
# With forked workers (_LocalDask), once the replacements of dead workers have been
# given up, tasks fail (WorkerCrashed) when no worker has been left for this long,
# instead of waiting for one forever (tasks are submitted once all workers have
# joined, see _LocalDask.wait).
_FORKED_DASK_CONFIG = {**_LOCAL_DASK_CONFIG, "distributed.scheduler.no-workers-timeout": "30s"}


class _ForkedWorkers:
    """Dask worker processes forked from this process, which has imported the model
    and Dask already: they start in a fraction of a second, where a LocalCluster's
    workers first import everything again. They are forked before this process
    starts any thread (the scheduler's event loop), and wait for its address.

    As a Dask nanny would, a worker that dies (a crash in the model) is replaced so
    that the other runs go on: from a forkserver, as forking is unsafe by then."""

    max_restarts = 50  # then give up: the runs left fail with WorkerCrashed

    def __init__(self, n: int, preload: list[str]):
        ctx = multiprocessing.get_context("fork")
        self.preload = preload
        self.pipes, self.procs = [], []
        self.address = None
        self.restarts = 0
        self.gave_up: int | None = None  # exit code of the last worker, once given up
        self._closing = threading.Event()
        self._monitor = None
        with _quiet_fork():
            for i in range(n):
                receive, send = ctx.Pipe(duplex=False)
                self.pipes.append(send)
                proc = ctx.Process(target=_forked_worker, args=(receive, list(self.pipes), i),
                                   name=f"ovopsim-dask-worker-{i}", daemon=True)
                proc.start()
                receive.close()
                self.procs.append(proc)
        # made after the forks, so that no worker holds its sending end
        self._wake_receive, self._wake = ctx.Pipe(duplex=False)

    def start(self, address: str) -> None:
        self.address = address
        for pipe in self.pipes:
            pipe.send(address)
        self._monitor = threading.Thread(target=self._replace_dead, daemon=True,
                                         name="ovopsim-dask-workers")
        self._monitor.start()

    def _replace_dead(self) -> None:
        from multiprocessing.connection import wait

        if sys.platform == "win32":  # pragma: no cover - forked workers are Linux-only
            return
        ctx = multiprocessing.get_context("forkserver")
        while not self._closing.is_set():
            by_sentinel = {p.sentinel: i for i, p in enumerate(self.procs)}
            ready = wait([*by_sentinel, self._wake_receive])
            for sentinel in ready:
                if self._closing.is_set() or sentinel not in by_sentinel:
                    return
                i = by_sentinel[sentinel]
                self.procs[i].join()
                if self.restarts >= self.max_restarts:
                    self.gave_up = self.procs[i].exitcode
                    return
                self.restarts += 1
                ctx.set_forkserver_preload(self.preload)
                receive, send = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_forked_worker,
                                   args=(receive, [], f"{i}.{self.restarts}"),
                                   name=f"ovopsim-dask-worker-{i}", daemon=True)
                proc.start()
                receive.close()
                send.send(self.address)
                self.pipes[i].close()
                self.pipes[i], self.procs[i] = send, proc

    def stop_replacing(self) -> None:
        """Before the workers are told to close: they are not to be replaced."""
        if not self._closing.is_set():
            self._closing.set()
            self._wake.close()
        if self._monitor is not None:
            self._monitor.join()

    def close(self, timeout: float = 5.0) -> None:
        """Wait for the workers to exit (closing the scheduler closes them), then
        end the stragglers."""
        import time

        self.stop_replacing()
        deadline = time.monotonic() + timeout
        for proc in self.procs:
            proc.join(max(0.0, deadline - time.monotonic()))
        for pipe in self.pipes:  # a worker still running exits on this (see _forked_worker)
            pipe.close()
        for proc in self.procs:
            proc.join(0.5)
            if proc.is_alive():
                proc.kill()
                proc.join()


def _forked_worker(receive, sends, name: int | str) -> None:
    import asyncio

    import dask

    _ignore_sigint()  # Ctrl-C is the parent's to handle
    dask.config.set(_LOCAL_DASK_CONFIG)  # (a forked worker has it already, a replacement not)
    for pipe in sends:  # only the parent keeps the sending ends: EOF = parent gone
        pipe.close()
    try:
        address = receive.recv()
    except EOFError:
        return

    def exit_with_parent():
        try:
            receive.recv()
        except EOFError:
            pass
        os._exit(0)

    threading.Thread(target=exit_with_parent, name="exit-with-parent", daemon=True).start()
    asyncio.run(_serve_worker(address, name))


async def _serve_worker(address: str, name: int | str) -> None:
    from distributed import Worker
    from distributed.utils import silence_logging_cmgr

    with silence_logging_cmgr(logging.WARNING):  # as LocalCluster's own workers
        async with Worker(address, nthreads=1, name=name) as worker:
            await worker.finished()


class _LocalDask:
    """A scheduler in this process with forked workers (see _ForkedWorkers)."""

    def __init__(self, n: int, preload: list[str]):
        import dask
        from distributed import Client, LocalCluster

        self.n_workers = n
        with dask.config.set(_FORKED_DASK_CONFIG):
            self.workers = _ForkedWorkers(n, preload)  # first: no thread runs yet
            try:
                self.cluster = LocalCluster(n_workers=0, processes=True, dashboard_address=None)
                self.workers.start(self.cluster.scheduler_address)
                self.client = Client(self.cluster)
            except BaseException:
                self.workers.close(timeout=0)
                raise

    def wait(self) -> None:
        """Until every worker has joined; WorkerCrashed if they keep dying instead."""
        while True:
            try:
                return self.client.wait_for_workers(self.n_workers, timeout=0.5)
            except TimeoutError:
                if self.workers.gave_up is not None:
                    raise WorkerCrashed(f"Dask worker processes exited (code "
                                        f"{self.workers.gave_up}) before they joined the "
                                        "scheduler") from None

    def close(self) -> None:
        try:
            self.workers.stop_replacing()
            self.client.close()
            self.cluster.close()  # tells the workers to close
        finally:
            self.workers.close()


def _dask_client(scheduler: str | None, dask_local: int | None, model_module: str | None = None):
    """(client, thing to close or None); a local cluster's worker count is known."""
    import dask
    from distributed import Client, LocalCluster
    from distributed.utils import get_mp_context

    if scheduler:
        try:
            return Client(scheduler, timeout="5s"), None
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(None, "--scheduler", "the address of a running Dask scheduler",
                             f"{scheduler} ({type(exc).__name__}: {exc})") from None
    preload = ["distributed", "numpy", "pandas", "ovopsim.experiments.runner"]
    if model_module and model_module != "__main__":
        preload.append(model_module)
    if _can_fork():
        local = _LocalDask(int(dask_local), preload)
        return local.client, local
    # Otherwise Dask spawns its local workers: each imports distributed, pandas and
    # the model from scratch (seconds on a busy machine, paid again by every worker).
    # A forkserver imports them once and forks the workers from it, and its workers
    # also shut down faster; the runs and their results are the same.
    method = "spawn" if sys.platform == "win32" else "forkserver"
    with dask.config.set({"distributed.worker.multiprocessing-method": method,
                          **_LOCAL_DASK_CONFIG}):
        if method == "forkserver":
            # get_mp_context sets Dask's own preload list once; ours replaces it (it is
            # used only if the forkserver has not started yet in this process)
            get_mp_context().set_forkserver_preload(preload)
        cluster = LocalCluster(n_workers=int(dask_local), threads_per_worker=1, processes=True,
                               dashboard_address=None)
    return Client(cluster), cluster


# --------------------------------------------------------------------------- run_design


def run_design(design: Design, model_fn: Callable, *, out_dir: str | Path,
               executor: str = "process", workers: int | None = None,
               scheduler: str | None = None, dask_local: int | None = None,
               progress: bool = True, chunk_size: int | None = None,
               model_name: str | None = None) -> pd.DataFrame:
    """Run every (point, replicate) of ``design`` with ``model_fn``; resume if possible.

    Args:
        design: the parameter sets, replicates and seeds.
        model_fn: ``model_fn(params: dict, seed: int)`` (see module docstring);
            picklable for ``process``/``dask``.
        out_dir: where results stream to (see module docstring). Rerunning with
            the same design resumes; another design there raises InputError.
        executor: ``"serial"``, ``"process"`` (ProcessPoolExecutor) or ``"dask"``.
        workers: processes for ``process`` (default: all cores).
        scheduler: ``tcp://host:port`` of an existing Dask cluster (``dask``).
        dask_local: start a LocalCluster with this many single-threaded worker
            processes (``dask`` without ``scheduler``).
        progress: show a tqdm bar (done/total, failures, time left).
        chunk_size: runs per task (default: about 16 tasks per worker, <= 100).
        model_name: name recorded in the manifest and hashed with the design
            (default: module.qualname of ``model_fn``).

    Returns:
        One row per run sorted by ``run_id``: ``run_id, point, replicate, seed``,
        the parameters, ``status`` ("ok"/"failed"), ``error`` (text or None) and
        the outcomes (float64; NaN for failed runs).

    Raises:
        InputError: bad arguments or an out_dir holding another experiment.
        WorkerCrashed: a worker process died; finished runs are kept.
        KeyboardInterrupt: passed on after stopping workers; finished runs kept.
    """
    if executor not in EXECUTORS:
        raise InputError(None, "executor", f"one of {', '.join(EXECUTORS)}", repr(executor))
    if workers is not None and workers < 1:
        raise InputError(None, "workers", "an integer >= 1", workers)
    if executor == "dask" and not scheduler and not dask_local:
        raise InputError(None, "executor", "a scheduler address or dask_local=N with dask",
                         "neither")
    if executor != "serial":
        try:
            pickle.dumps(model_fn)
        except Exception as exc:
            raise InputError(None, "model_fn", "a picklable function (module-level, or a "
                             "functools.partial of one)", f"{model_fn!r} ({exc})") from None
    name = model_name or describe_model(model_fn)
    design_hash = design.hash(extra=name)
    out = Path(out_dir)
    resuming = check_out_dir(out, design_hash)
    if name.startswith("ovopsim."):
        # the model's compiled kernels, loaded (or compiled, saying so) here once rather
        # than in every worker: workers forked from this process inherit them
        from ..simulation import ensure_compiled

        ensure_compiled(sys.stderr if progress else None)
    # connect to Dask before writing anything: a wrong address is an input error
    dask = (_dask_client(scheduler, dask_local, getattr(model_fn, "__module__", None))
            if executor == "dask" else (None, None))
    try:
        return _run(design, model_fn, out, resuming, name, design_hash, chunk_size, executor,
                    workers, dask, progress)
    finally:
        client, local = dask
        if client is not None:
            client.close()
        if local is not None:
            local.close()


def _run(design, model_fn, out, resuming, name, design_hash, chunk_size, executor, workers,
         dask, progress) -> pd.DataFrame:
    """Create/clean ``out``, write the manifest, run what is not finished, read back."""
    for sub in ("runs", "series"):
        (out / sub).mkdir(parents=True, exist_ok=True)
        for stale in (out / sub).glob(".*.tmp"):
            stale.unlink()
    if not resuming:
        manifest = {"model": name, "design_hash": design_hash, "root_seed": design.root_seed,
                    "n_runs": design.n_runs, "provenance": provenance(),
                    "design": design.to_dict()}
        _atomic_write_bytes(out / MANIFEST, json.dumps(manifest, indent=1, default=str).encode())

    done = finished_run_ids(out)
    runs = design.runs()
    pending = design.run_params(runs[~runs["run_id"].isin(done)])

    if pending:
        _execute(pending, chunk_size, model_fn, out, executor, workers, dask, progress,
                 total=design.n_runs, initial=len(done))
    return read_runs(out, design)


def _execute(pending, chunk_size, model_fn, out: Path, executor, workers, dask, progress,
             *, total: int, initial: int) -> None:
    from tqdm.auto import tqdm

    class Bar(tqdm):
        monitor_interval = 0  # no monitor thread: keeps later forks safe

    pool = None
    client, local = dask
    n_workers = 1
    if executor == "process":
        n_workers = workers or os.cpu_count() or 1
    elif executor == "dask":
        n_workers = workers or (local.n_workers if isinstance(local, _LocalDask)
                                else sum(client.nthreads().values())) or 1
    size = chunk_size or _auto_chunk(len(pending), n_workers)
    chunks = [pending[i:i + size] for i in range(0, len(pending), size)]
    if executor == "process":
        pool = _process_pool(min(n_workers, len(chunks)))  # before tqdm starts its thread
    bar = Bar(total=total, initial=initial, unit="run", desc="runs", disable=not progress,
               dynamic_ncols=True, smoothing=0.1)
    failed = 0
    crashes: list[str] = []

    def record(result):
        nonlocal failed
        rows, series = result
        _write_chunk(out, rows, series)
        failed += sum(r["status"] == "failed" for r in rows)
        bar.update(len(rows))
        if failed:
            bar.set_postfix(failed=failed, refresh=False)

    try:
        if executor == "serial":
            for chunk in chunks:
                record(run_chunk(model_fn, chunk))
        elif executor == "process":
            with _quiet_fork():  # the first submit forks the workers
                futures = [pool.submit(run_chunk, model_fn, c) for c in chunks]
            for fut in cf_as_completed(futures):
                try:
                    result = fut.result()
                except Exception as exc:  # BrokenProcessPool and friends
                    crashes.append(f"{type(exc).__name__}: {exc}")
                    continue
                record(result)
        else:
            from distributed import as_completed as dask_as_completed

            if isinstance(local, _LocalDask):
                local.wait()
            futures = [client.submit(run_chunk, model_fn, c, pure=False) for c in chunks]
            for fut in dask_as_completed(futures):
                try:
                    result = fut.result()
                except Exception as exc:  # KilledWorker, lost connection, ...
                    crashes.append(f"{type(exc).__name__}: {exc}")
                    continue
                record(result)
    except KeyboardInterrupt:
        if pool is not None:
            _kill_pool(pool)
            pool = None
        raise
    finally:
        bar.close()
        if pool is not None:
            pool.shutdown(wait=True)
    if crashes:
        raise WorkerCrashed(
            f"a worker process died ({crashes[0]}); {len(crashes)} chunk(s) of runs did not finish. "
            f"Finished runs are saved in {out}; rerun the same command to resume.")
