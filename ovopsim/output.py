"""Writing a run's results: tables, figure, provenance; all or nothing.

Files go to a temporary folder beside the destination and are moved into
place only once all of them are written, so an interrupted or failed run
leaves no partial output behind.
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


@contextmanager
def staged(out: Path, force: bool = False):
    """Yield a temporary directory; on success its files replace ``out``'s."""
    out = Path(out)
    check_destination(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    os.chmod(tmp, 0o755)
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if out.exists():
        old = out.with_name(f".{out.name}.old")
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
