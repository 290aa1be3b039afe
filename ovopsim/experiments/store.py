"""The result store: an output folder that runs stream into and that resumes.

Files under ``out_dir``
-----------------------
``manifest.json``
    the experiment's identity (design hash), model name, root seed, the content
    hash of every input file, provenance and the design itself.
``runs/part-*.parquet``
    one file per finished chunk of runs: ``run_id, status, error, <outcomes>``.
    Written under a temporary name and renamed, so a file is either complete or
    absent. A rerun reads the finished ``run_id`` back and skips them (resume).
``series/part-*.parquet``
    time series (``run_id, t, <outcomes>``) of the same chunks, written before
    the matching ``runs`` part (a series part without its runs part is ignored).
``damaged/``
    part files that could not be read, moved aside (their runs are redone).
``.lock``
    held while an experiment writes here.

Guarantees (each under a searchable name):

``experiment_identity``
    an experiment is its design, its model and the content of every file its runs
    read (the model registry's ``inputs`` hook); another experiment in the same
    folder is refused, and one whose inputs changed since it started is refused
    with the changed file named.
``output_lock``
    one experiment writes to a folder at a time; a second is refused at once.
``writable_before_running``
    the folder is created (and so known writable) before anything is simulated.
``damaged_parts``
    an unreadable part is moved to ``damaged/`` with a warning and its runs redone.
``stale_staging``
    temporary files of a writer that was killed are removed on the next run.
``retry_failed``
    failed runs are finished runs (a resume skips them) unless asked to retry
    them; a successful retry wins over the earlier failure.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import platform
import sys
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ovopsim.errors import InputError, check_regular_file
from ovopsim.output import versions

from .design import Design

MANIFEST = "manifest.json"
LOCK = ".lock"
DAMAGED = "damaged"
RESULT_COLUMNS = ("status", "error")
KINDS = ("runs", "series")


def warn(message: str) -> None:
    """One line on stderr: something was repaired and the run goes on."""
    print(f"ovopsim: warning: {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- identity


def file_digest(path: str | Path, key: str = "inputs") -> str:
    """sha256 of a regular file's bytes (an InputError for anything else)."""
    p = Path(path)
    check_regular_file(p, key)
    h = hashlib.sha256()
    with open(p, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def input_digests(paths: Iterable[str | Path]) -> dict[str, str]:
    """``{absolute path: sha256}`` of the files an experiment reads (sorted)."""
    out = {}
    for p in paths:
        resolved = str(Path(p).resolve())
        if resolved not in out:
            out[resolved] = file_digest(resolved)
    return dict(sorted(out.items()))


def identity(design: Design, model: str, inputs: dict[str, str]) -> str:
    """The experiment_identity hash: design, model and input contents."""
    return design.hash(extra={"model": model, "inputs": inputs} if inputs else model)


def provenance() -> dict:
    packages = versions()
    return {"python": packages.pop("python"), "platform": platform.platform(),
            "packages": packages, "created": datetime.now(UTC).isoformat(timespec="seconds")}


# --------------------------------------------------------------------------- files


def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_parquet(df: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        df.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _lock_holder(path: Path) -> int | None:
    """The pid holding the output_lock on ``path`` (None if nobody does)."""
    import fcntl
    import struct

    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return None
    try:
        # F_GETLK: who would block a write lock on the whole file
        query = struct.pack("hhqqi", fcntl.F_WRLCK, 0, 0, 0, 0)
        answer = fcntl.fcntl(fd, fcntl.F_GETLK, query)
        kind, _, _, _, pid = struct.unpack("hhqqi", answer)
        return pid if kind != fcntl.F_UNLCK else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _read_manifest(manifest: Path) -> dict:
    bad = InputError(manifest, "", "a manifest written by ovopsim (a JSON object with a "
                     "design_hash)", "an unreadable or foreign file; use another output "
                     "folder or delete this one")
    try:
        data = json.loads(manifest.read_bytes())
    except (ValueError, UnicodeDecodeError):
        raise bad from None
    if not isinstance(data, dict) or not isinstance(data.get("design_hash"), str):
        raise bad
    return data


def design_change(old: dict | None, new: dict | None) -> str:
    """What differs between two designs (:meth:`Design.to_dict`), in words: ``, with
    replicates = 3 (here: 2)``; empty when it cannot be said (an old manifest without
    its design, or designs that differ only in the model's name or inputs)."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return ""
    new = json.loads(json.dumps(new, default=str))  # as the manifest holds it
    for key in ("replicates", "root_seed", "parameters"):
        if old.get(key) != new.get(key):
            return f", with {key} = {new.get(key)!r} (here: {old.get(key)!r})"
    fixed_old, fixed_new = old.get("fixed") or {}, new.get("fixed") or {}
    for key in sorted(set(fixed_old) | set(fixed_new)):
        if fixed_old.get(key) != fixed_new.get(key):
            return f", with {key} = {fixed_new.get(key)!r} (here: {fixed_old.get(key)!r})"
    points_old, points_new = old.get("points") or [], new.get("points") or []
    if len(points_old) != len(points_new):
        return f", with {len(points_new)} points (here: {len(points_old)})"
    names = old.get("parameters") or []
    for i, (a, b) in enumerate(zip(points_old, points_new, strict=True)):
        if a != b:
            if isinstance(a, list) and isinstance(b, list) and len(a) == len(b) == len(names):
                k = next(j for j, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)
                return f", with {names[k]} = {_shown(b[k])} at point {i} (here: {_shown(a[k])})"
            return f", with point {i} = {b!r} (here: {a!r})"
    return ""


def _shown(value) -> str:
    """A design value as a message shows it: a large whole amount in full with thousands
    commas (a budget of 300,000,000), another float to six significant digits."""
    if not isinstance(value, float):
        return repr(value)
    whole = round(value)
    if abs(value) >= 1e4 and abs(value - whole) <= 1e-9 * abs(value):
        return f"{whole:,}"
    return f"{value:.6g}"


class ResultStore:
    """An output folder of one experiment (see the module docstring).

    ``check()`` decides (creating nothing) whether the folder is new or a resume;
    ``open()`` takes the lock, creates the folders and writes the manifest;
    ``finished()`` / ``write_chunk()`` / ``read_runs()`` while open; ``close()``.
    """

    def __init__(self, out_dir: str | Path):
        self.out = Path(out_dir)
        self._lock_fd: int | None = None

    # -- before anything is written ---------------------------------------------------
    def check(self, design_hash: str, inputs: dict[str, str] | None = None,
              design: dict | None = None) -> bool:
        """Raise InputError if the folder holds another experiment (saying what differs
        from ``design``, the new experiment's :meth:`Design.to_dict`, when given),
        inputs that changed, or an experiment being written now. True when resuming."""
        out = self.out
        manifest = out / MANIFEST
        if out.exists() and not out.is_dir():
            raise InputError(None, "--out", "a directory", f"the file {out}")
        holder = _lock_holder(out / LOCK) if out.is_dir() else None
        if holder is not None:
            raise InputError(None, "--out", "a folder no other experiment is writing to",
                             f"{out}, which process {holder} is writing to now; wait for it "
                             "or use another output folder")
        if manifest.exists():
            old = _read_manifest(manifest)
            if old["design_hash"] != design_hash:
                changed = self._changed_input(old.get("inputs"), inputs or {})
                if changed is not None:
                    raise InputError(changed, "", "the same content as when the experiment in "
                                     f"{out} started", "a file changed since; rerun it in a new "
                                     "output folder (or restore the file)")
                what = design_change(old.get("design"), design)
                raise InputError(manifest, "design_hash",
                                 f"the same experiment as the one already there "
                                 f"({old['design_hash'][:12]})",
                                 f"a different one ({design_hash[:12]}{what}); use another output "
                                 "directory or delete this one")
            return True
        if out.is_dir() and any(p.name != LOCK for p in out.iterdir()):
            raise InputError(None, "--out", "a new or empty directory (or one to resume)",
                             f"{out}, which holds other files and no {MANIFEST}")
        return False

    @staticmethod
    def _changed_input(old, new: dict[str, str]) -> str | None:
        if not isinstance(old, dict):
            return None
        for path, digest in old.items():
            if path in new and new[path] != digest:
                return path
        return None

    # -- writing ------------------------------------------------------------------------
    def open(self, manifest: dict | None) -> ResultStore:
        """Create the folders (writable_before_running), take the output_lock, remove
        stale temporary files and write ``manifest`` (None when resuming)."""
        import fcntl

        try:
            for sub in KINDS:
                (self.out / sub).mkdir(parents=True, exist_ok=True)
            fd = os.open(self.out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise InputError(None, "--out", "a folder that can be created and written",
                             f"{self.out} ({exc.strerror or exc})") from None
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            raise InputError(None, "--out", "a folder no other experiment is writing to",
                             f"{self.out}, which another process is writing to now") from None
        self._lock_fd = fd
        for sub in KINDS:  # stale_staging
            for stale in (self.out / sub).glob(".*.tmp"):
                stale.unlink(missing_ok=True)
        for stale in self.out.glob(f".{MANIFEST}.*.tmp"):
            stale.unlink(missing_ok=True)
        if manifest is not None:
            atomic_write_bytes(self.out / MANIFEST,
                               json.dumps(manifest, indent=1, default=str).encode())
        return self

    def close(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the lock; the file stays (harmless)
            self._lock_fd = None

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def write_chunk(self, rows: list[dict], series: pd.DataFrame | None) -> None:
        ids = [r["run_id"] for r in rows]
        name = f"part-{min(ids):09d}-{max(ids):09d}-{uuid.uuid4().hex[:8]}.parquet"
        if series is not None and len(series):
            atomic_write_parquet(series, self.out / "series" / name)
        df = pd.DataFrame(rows)
        df["run_id"] = df["run_id"].astype(np.int64)
        df["error"] = df["error"].astype(object)
        atomic_write_parquet(df, self.out / "runs" / name)  # the commit point of a chunk

    # -- reading ------------------------------------------------------------------------
    def _parts(self, kind: str) -> list[Path]:
        d = self.out / kind
        return sorted(d.glob("part-*.parquet")) if d.is_dir() else []

    def _move_aside(self, name: str, why: str) -> None:
        """damaged_parts: both files of a chunk go to damaged/; its runs are redone."""
        for kind in KINDS:
            src = self.out / kind / name
            if src.exists():
                dest = self.out / DAMAGED / f"{kind}-{name}"
                dest.parent.mkdir(exist_ok=True)
                os.replace(src, dest)
        warn(f"{self.out / 'runs' / name}: unreadable ({why}); moved to {self.out / DAMAGED} "
             "and its runs will be done again")

    def _load(self, kind: str, required: tuple[str, ...]) -> list[pd.DataFrame]:
        frames = []
        for f in self._parts(kind):
            try:
                df = pd.read_parquet(f)
                missing = [c for c in required if c not in df.columns]
                if missing:
                    raise ValueError(f"no column {missing[0]}")
            except Exception as exc:  # noqa: BLE001 - any unreadable file is handled alike
                if self._lock_fd is None:  # only the writer repairs
                    raise InputError(f, "", "a readable part file", f"{type(exc).__name__}; "
                                     "rerun the experiment to repair it") from None
                self._move_aside(f.name, type(exc).__name__)
                continue
            frames.append(df)
        return frames

    def _read_parts(self) -> tuple[pd.DataFrame, list[str]]:
        """All finished result rows (an ok row wins over a failed one of the same
        run), and the outcome columns in a stable order."""
        self._load("series", ("run_id", "t"))  # moves damaged series parts (and their runs)
        frames, first_seen = [], {}
        for df in self._load("runs", ("run_id", *RESULT_COLUMNS)):
            frames.append(df)
            cols = [(pos, col) for pos, col in enumerate(df.columns) if col not in ("run_id", *RESULT_COLUMNS)]
            if not cols:
                continue
            ok = df[[col for _, col in cols]].notna().to_numpy()  # one pass over the part
            ids = df["run_id"].to_numpy()
            for j in np.flatnonzero(ok.any(axis=0)):
                pos, col = cols[j]
                key = (int(ids[ok[:, j]].min()), pos)
                first_seen[col] = min(first_seen.get(col, key), key)
        if not frames:
            return pd.DataFrame({"run_id": pd.Series([], dtype=np.int64),
                                 "status": pd.Series([], dtype=object)}), []
        res = pd.concat(frames, ignore_index=True)
        failed_last = (res["status"] != "ok").to_numpy()
        res = res.iloc[np.argsort(failed_last, kind="stable")]
        res = res.drop_duplicates("run_id", keep="first").sort_index()
        outcomes = sorted(first_seen, key=first_seen.get)
        return res, outcomes

    def finished(self, retry_failed: bool = False) -> set[int]:
        """The run ids a resume skips (failed ones too, unless ``retry_failed``)."""
        res, _ = self._read_parts()
        if retry_failed:
            res = res[res["status"] == "ok"]
        return set(int(i) for i in res["run_id"])

    def read_runs(self, design: Design) -> pd.DataFrame:
        """Inputs + status + outcomes of the finished runs, sorted by run_id."""
        res, outcomes = self._read_parts()
        table = design.runs()
        table = table[table["run_id"].isin(res["run_id"])]
        res = res.reindex(columns=["run_id", *RESULT_COLUMNS, *outcomes])
        res["status"] = res["status"].astype(object)
        res["error"] = res["error"].astype(object).where(res["status"] == "failed", None)
        for col in outcomes:
            res[col] = res[col].astype(np.float64)
        table = table.merge(res, on="run_id", how="left", validate="one_to_one")
        return table.sort_values("run_id", kind="stable").reset_index(drop=True)

    def read_series(self) -> pd.DataFrame:
        """Tidy time series of the finished runs: ``run_id, t, <outcomes>``, sorted.

        Join with the run table on ``run_id`` for the inputs; pick the rows with the
        largest ``t`` per run for the final time.
        """
        res, _ = self._read_parts()
        ok = res.loc[res["status"] == "ok", "run_id"]
        frames = self._load("series", ("run_id", "t"))
        if not frames:
            return pd.DataFrame({"run_id": pd.Series([], dtype=np.int64), "t": []})
        s = pd.concat(frames, ignore_index=True)
        s = s[s["run_id"].isin(ok)].drop_duplicates(["run_id", "t"], keep="first")
        return s.sort_values(["run_id", "t"], kind="stable").reset_index(drop=True)


def read_runs(out_dir: str | Path, design: Design) -> pd.DataFrame:
    """The run table of a result folder (see :meth:`ResultStore.read_runs`)."""
    return ResultStore(out_dir).read_runs(design)


def read_series(out_dir: str | Path) -> pd.DataFrame:
    """The time series of a result folder (see :meth:`ResultStore.read_series`)."""
    return ResultStore(out_dir).read_series()


def finished_run_ids(out_dir: str | Path) -> set[int]:
    return ResultStore(out_dir).finished()

