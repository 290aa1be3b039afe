"""Writing a run's results: tables, figure, provenance; all or nothing.

Files go to a temporary (staging) folder beside the destination and are moved
into place only once all of them are written, so an interrupted or failed run
leaves no partial output behind. The destination is checked writable before
anything is simulated (:func:`check_writable`), and staging folders left by a
process that was killed are removed by the next run (:func:`remove_stale_staging`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import sys
import tempfile
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

import pandas as pd

from . import errors
from .errors import InputError

PACKAGES = ("ovopsim", "mesa", "numpy", "pandas", "networkx", "scipy", "SALib", "pydantic", "pyarrow",
            "distributed")


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for p in PACKAGES:
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            out[p] = "not installed"
    return out


def provenance(**extra) -> dict:
    return {
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "platform": platform.platform(),
        "versions": versions(),
        **extra,
    }


def check_destination(out: Path, force: bool, what: str = "--out") -> None:
    """Refuse to overwrite earlier results unless asked to."""
    if out.exists() and not out.is_dir():
        raise InputError(None, what, "a directory", f"the file {out}")
    if out.exists() and any(out.iterdir()) and not force:
        raise InputError(None, what, "a new or empty directory (or --force to replace it)",
                         f"{out}, which already holds files")


def _exists(p: Path) -> bool:
    try:
        return p.exists()
    except OSError:  # a name too long, a loop of links: not there
        return False


def _existing_ancestor(path: Path) -> Path:
    p = path.absolute()
    while not _exists(p) and p != p.parent:
        p = p.parent
    return p


def check_writable(out: Path, what: str = "--out") -> None:
    """writable_before_running: ``out`` (or the folder it will be made in) accepts
    new files and ``out``'s name is not too long; creates nothing that stays."""
    out = Path(out)
    base = _existing_ancestor(out)
    try:
        if not base.is_dir():
            raise NotADirectoryError(20, "Not a directory")
        limit = os.pathconf(base, "PC_NAME_MAX")
        for part in out.absolute().relative_to(base).parts:
            if len(os.fsencode(part)) > limit:
                raise OSError(36, "File name too long")
        probe = tempfile.mkdtemp(prefix=".ovopsim-write-test.", dir=base)
        os.rmdir(probe)
    except OSError as exc:
        raise InputError(None, what, "a folder where results can be written",
                         f"{out} ({errors.os_error_text(exc)} in {base})") from None


STAGING = ".staging"


def remove_stale_staging(out: Path) -> None:
    """stale_staging: staging folders of ``out`` whose process is gone (killed while
    writing) are removed; those of a live process are left alone."""
    for d in out.parent.glob(f".{out.name}{STAGING}-*"):
        pid = d.name.rsplit("-", 2)[-2] if d.name.count("-") >= 2 else ""
        if pid.isdigit() and _alive(int(pid)):
            continue
        shutil.rmtree(d, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def staged(out: Path, force: bool = False):
    """Yield a temporary directory; on success its files replace ``out``'s."""
    out = Path(out)
    check_destination(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}{STAGING}-{os.getpid()}-",
                                dir=out.parent))
    os.chmod(tmp, 0o755)
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if out.exists():
        old = out.with_name(f".{out.name}{STAGING}-{os.getpid()}-old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(out, old)
        os.replace(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, out)


def write_table(df: pd.DataFrame, base: Path, parquet: bool = True) -> list[Path]:
    """``base``.csv and ``base``.parquet."""
    paths = [base.with_suffix(".csv")]
    df.to_csv(paths[0], index=False)
    if parquet:
        paths.append(base.with_suffix(".parquet"))
        df.to_parquet(paths[1], index=False)
    return paths


def write_json(obj, path: Path) -> Path:
    path.write_text(json.dumps(obj, indent=2, sort_keys=False, default=str) + "\n")
    return path
