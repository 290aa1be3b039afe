"""Where runs execute: one interface, three executors (serial, processes, Dask).

An :class:`Executor` is opened once (connecting to a cluster or forking workers;
a wrong address is an :class:`~ovopsim.errors.InputError` before anything is
written), then :meth:`Executor.map` runs a function on a list of tasks and yields,
as each task finishes, ``(index, result, None)`` or ``(index, None, error)`` where
``error`` says why the task's worker was lost (an exception *inside* the function
is the function's business: :func:`ovopsim.experiments.runner.run_chunk` records
it as a failed run). :meth:`Executor.close` ends everything the executor started.

Guarantees (each under a searchable name):

``die_with_parent``
    process-pool workers end when the process that started them dies, even by
    ``kill -9``; they ignore SIGINT and SIGTERM, which are the parent's to handle
    (it then stops them).
``dask_handshake``
    a scheduler address is probed with a bounded wait (:data:`DASK_HANDSHAKE`
    seconds, or ``wait`` if shorter): an address that accepts connections but is
    not a Dask scheduler, or answers too slowly, is one InputError instead of a
    hang; only ``tcp://`` addresses are accepted.
``dask_no_workers``
    a scheduler with no worker is refused after ``wait`` seconds, and a run
    whose workers all leave stops with :class:`WorkerCrashed` once none has been
    there for ``wait`` seconds, instead of waiting forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import logging
import math
import multiprocessing
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import as_completed as cf_as_completed
from typing import Any

from ovopsim.errors import InputError, RunFailed

EXECUTORS = ("serial", "process", "dask")
#: seconds to wait for a Dask scheduler's workers to be there (and, at most
#: DASK_HANDSHAKE of them, for the scheduler to answer)
DASK_WAIT = 30.0
DASK_HANDSHAKE = 5.0


class WorkerCrashed(RunFailed):
    """A worker process died (not an exception in the model: those are recorded
    as failed runs). Finished runs are saved; rerunning resumes."""


Outcome = tuple[int, Any, str | None]


class Executor:
    """Runs tasks ``fn(*args)``; see the module docstring for the contract."""

    name = ""

    @property
    def n_workers(self) -> int:
        return 1

    def open(self) -> Executor:
        return self

    def map(self, fn: Callable, tasks: Sequence[tuple]) -> Iterator[Outcome]:
        raise NotImplementedError

    def abort(self) -> None:
        """Stop the workers now (on Ctrl-C or SIGTERM); close() still follows."""

    def close(self) -> None:
        pass

    def __enter__(self) -> Executor:
        return self.open()

    def __exit__(self, *exc) -> None:
        self.close()


class SerialExecutor(Executor):
    """Every task in this process, in order."""

    name = "serial"

    def map(self, fn, tasks):
        for i, args in enumerate(tasks):
            yield i, fn(*args), None


# --------------------------------------------------------------------------- processes


def can_fork() -> bool:
    # fork is safe only while this process runs no other Python thread (a Dask
    # client's event loop, a monitor); see ProcessExecutor
    return sys.platform.startswith("linux") and threading.active_count() == 1


@contextlib.contextmanager
def quiet_fork():
    """Silence Python 3.12's warning about forking a process with (native) threads."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*use of fork\\(\\) may lead",
                                category=DeprecationWarning)
        yield


def ignore_interrupts() -> None:
    """In a worker: Ctrl-C and SIGTERM are the parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In a worker: be killed when the parent process dies (Linux ``prctl``; a no-op
    elsewhere). Checked after arming, in case the parent died in between."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)  # this process's own symbols: libc's prctl
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if parent == 1 or os.getppid() != parent:
        os._exit(1)


def _process_worker_init() -> None:
    ignore_interrupts()
    die_with_parent()
    _mark_worker()


#: whether this process is a worker whose start is still to be frozen (see worker_chunk_done)
_WORKER = {"freeze": False}


def _mark_worker() -> None:
    """In a worker process this package started: freeze after the first chunk."""
    _WORKER["freeze"] = True


def worker_chunk_done() -> None:
    """Called by a worker after each chunk of runs. After its first, what the worker
    holds then (the modules imported, the compiled kernels loaded, the caches filled)
    is kept out of Python's garbage collection (``gc.freeze``, after a collection):
    it lives as long as the worker, and each full collection would walk all of it
    again (some 0.1 ms a run of the default scenario, ~2% of it). Does nothing in
    the process that runs a serial design, whose objects are the user's."""
    if _WORKER["freeze"]:
        _WORKER["freeze"] = False
        gc.collect()
        gc.freeze()


class ProcessExecutor(Executor):
    """A pool of worker processes on this machine (``workers``, default all cores).

    fork starts workers in milliseconds with everything imported. It is unsafe
    when other *Python* threads run: then a forkserver with the heavy imports
    preloaded (~0.5 s more). Native thread pools (OpenBLAS, Arrow) register
    at-fork handlers, so they do not count, although Python 3.12 warns about them
    (see quiet_fork)."""

    name = "process"

    def __init__(self, workers: int | None = None):
        self.workers = workers or os.cpu_count() or 1
        self.pool: ProcessPoolExecutor | None = None

    @property
    def n_workers(self) -> int:
        return self.workers

    def _start(self, n: int) -> ProcessPoolExecutor:
        if can_fork():
            ctx = multiprocessing.get_context("fork")
        else:
            ctx = multiprocessing.get_context("forkserver" if sys.platform != "win32"
                                              else "spawn")
            if ctx.get_start_method() == "forkserver":
                ctx.set_forkserver_preload(["numpy", "pandas", "ovopsim.experiments.runner"])
        return ProcessPoolExecutor(max_workers=n, mp_context=ctx,
                                   initializer=_process_worker_init)

    def map(self, fn, tasks):
        self.pool = self._start(max(1, min(self.workers, len(tasks))))
        with quiet_fork():  # the first submit forks the workers
            futures = {self.pool.submit(fn, *args): i for i, args in enumerate(tasks)}
        for fut in cf_as_completed(futures):
            try:
                yield futures[fut], fut.result(), None
            except Exception as exc:  # BrokenProcessPool and friends
                yield futures[fut], None, f"{type(exc).__name__}: {exc}"

    def abort(self) -> None:
        pool, self.pool = self.pool, None
        if pool is None:
            return
        procs = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            if p.is_alive():
                p.kill()  # they ignore SIGTERM (see ignore_interrupts)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None


# --------------------------------------------------------------------------- Dask

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
        with quiet_fork():
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
    import dask

    ignore_interrupts()
    _mark_worker()
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


def dask_handshake(address: str, wait: float) -> None:
    """Check that ``address`` is a Dask scheduler answering within ``wait`` seconds
    (``Client()`` alone can wait for minutes on a server that accepts connections
    but does not speak Dask's protocol). Raises InputError."""
    from distributed.comm import connect

    def refuse(why: str) -> InputError:
        return InputError(None, "--scheduler", "the tcp://HOST:PORT address of a running Dask "
                          "scheduler", f"{address} ({why})")

    scheme, sep, rest = address.partition("://")
    if not sep:
        scheme, rest = "tcp", address
    if scheme != "tcp" or not rest:
        raise refuse("ovopsim connects to tcp:// schedulers only; TLS and other protocols "
                     "need a security configuration it does not set up")

    async def identity():
        comm = await connect(f"tcp://{rest}", timeout=wait)
        try:
            await comm.write({"op": "identity"})
            return await comm.read()
        finally:
            comm.abort()

    async def bounded():
        return await asyncio.wait_for(identity(), wait)

    try:
        answer = asyncio.run(bounded())
    except TimeoutError:
        raise refuse(f"no Dask answer within {wait:g} s") from None
    except (OSError, ValueError, TypeError) as exc:
        raise refuse(f"{type(exc).__name__}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - whatever a stranger sends back
        raise refuse(f"not a Dask scheduler: {type(exc).__name__}") from None
    if not isinstance(answer, dict) or answer.get("type") != "Scheduler":
        raise refuse("it answers, but not as a Dask scheduler")


class DaskExecutor(Executor):
    """A Dask cluster: an existing one at ``scheduler`` (``tcp://HOST:PORT``), or a
    local one of ``local`` single-threaded worker processes started here."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, local: int | None = None,
                 workers: int | None = None, preload: Sequence[str] = (),
                 wait: float = DASK_WAIT):
        if not scheduler and not local:
            raise InputError(None, "executor", "a scheduler address or dask_local=N with dask",
                             "neither")
        self.scheduler, self.local_n, self.workers = scheduler, local, workers
        self.preload = ["distributed", "numpy", "pandas", "ovopsim.experiments.runner",
                        *[m for m in preload if m and m != "__main__"]]
        self.wait = float(wait)
        self.client = None
        self.local: Any = None

    @property
    def n_workers(self) -> int:
        if self.workers:
            return self.workers
        if isinstance(self.local, _LocalDask):
            return self.local.n_workers
        return sum(self.client.nthreads().values()) or 1

    def open(self) -> DaskExecutor:
        if self.scheduler:
            self._connect()
        else:
            self._start_local()
        return self

    def _connect(self) -> None:
        from distributed import Client

        dask_handshake(self.scheduler, min(self.wait, DASK_HANDSHAKE))
        try:
            self.client = Client(self.scheduler, timeout=f"{self.wait}s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(None, "--scheduler", "the address of a running Dask scheduler",
                             f"{self.scheduler} ({type(exc).__name__}: {exc})") from None
        try:
            self.client.wait_for_workers(1, timeout=self.wait)
        except TimeoutError:
            self.close()
            raise InputError(None, "--scheduler", "a Dask scheduler with at least one worker",
                             f"{self.scheduler}, where no worker joined within "
                             f"{self.wait:g} s") from None

    def _start_local(self) -> None:
        import dask
        from distributed import Client, LocalCluster
        from distributed.utils import get_mp_context

        if can_fork():
            self.local = _LocalDask(int(self.local_n), self.preload)
            self.client = self.local.client
            return
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
                get_mp_context().set_forkserver_preload(self.preload)
            self.local = LocalCluster(n_workers=int(self.local_n), threads_per_worker=1,
                                      processes=True, dashboard_address=None)
        self.client = Client(self.local)
        self.client.run(_mark_worker)  # our own workers: see worker_chunk_done

    def map(self, fn, tasks):
        from distributed import wait

        if isinstance(self.local, _LocalDask):
            self.local.wait()
        futures = {self.client.submit(fn, *args, pure=False): i for i, args in enumerate(tasks)}
        pending = set(futures)
        alone_since = None
        while pending:
            try:
                done = wait(pending, timeout=1.0, return_when="FIRST_COMPLETED").done
            except TimeoutError:
                done = set()
            for fut in done:
                pending.discard(fut)
                try:
                    yield futures[fut], fut.result(), None
                except Exception as exc:  # KilledWorker, lost connection, ...
                    yield futures[fut], None, f"{type(exc).__name__}: {exc}"
            if done or not pending:
                alone_since = None
                continue
            if self.client.nthreads():
                alone_since = None
            elif alone_since is None:
                alone_since = time.monotonic()
            elif time.monotonic() - alone_since > self.wait:
                raise WorkerCrashed(f"no Dask worker has been connected to the scheduler for "
                                    f"{self.wait:g} s; {len(pending)} task(s) of runs did not "
                                    "finish")

    def close(self) -> None:
        client, local = self.client, self.local
        self.client = self.local = None
        try:
            if client is not None:
                client.close()
        finally:
            if local is not None:
                local.close()


def make_executor(executor: str = "process", *, workers: int | None = None,
                  scheduler: str | None = None, dask_local: int | None = None,
                  preload: Sequence[str] = (), wait: float = DASK_WAIT) -> Executor:
    """The executor a run_design / command-line choice names (not opened yet)."""
    if executor not in EXECUTORS:
        raise InputError(None, "executor", f"one of {', '.join(EXECUTORS)}", repr(executor))
    if workers is not None and workers < 1:
        raise InputError(None, "workers", "an integer >= 1", workers)
    if not (isinstance(wait, (int, float)) and math.isfinite(wait) and wait > 0):
        raise InputError(None, "dask_wait", "a number of seconds > 0", repr(wait))
    if executor == "serial":
        return SerialExecutor()
    if executor == "process":
        return ProcessExecutor(workers)
    return DaskExecutor(scheduler, dask_local, workers, preload, wait)
