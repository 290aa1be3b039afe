"""The model's mechanisms, one module each; each module's docstring is its ODD submodel.

==================  =========================================================
module              rules
==================  =========================================================
``production``      capacity, the plan, hiring, equipment
``market``          demand, orders, sales, prices, the festive calendar
``exchange``        supplies and orders passed along ties, returning favours,
                    the trust rule, gossip
``partnerships``    partnerships forming and ending, suppliers, new ties
``money``           income, costs, the household's draw, closure, entry
``learning``        knowledge, practice, uptake, quality, market reach
``ljmp``            the LJMP's costs, aggregation, loans and defaults
``government``      budget, envelopes, cuts, officers, turnover, plans
``random``          the decisions' random numbers
``numeric``         sums as numpy takes them, in compiled code
==================  =========================================================

The compiled kernels import nothing from the model: they read and write the
records of :mod:`ovopsim.state`. :class:`ovopsim.model.OVOPModel` calls them in
order each month.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent
#: the sources compiled kernels are built from: a kernel inlines what it calls, and
#: Numba's disk cache only notices changes to the calling function's own file
KERNEL_SOURCES = (*sorted(Path(__file__).resolve().parent.glob("*.py")),
                  _PACKAGE / "state.py", _PACKAGE / "indicators.py", _PACKAGE / "accounting.py",
                  _PACKAGE / "months.py", _PACKAGE / "interventions.py", _PACKAGE / "config.py")


def _numba_subpath(folder: str) -> str:
    """The folder under ``NUMBA_CACHE_DIR`` where Numba caches a source folder's kernels,
    by Numba's own rule (``numba.core.caching._CacheLocator.get_suitable_cache_subpath``,
    which a test checks this against): the folder's name and the SHA-1 of its path."""
    return f"{os.path.basename(folder)}_{hashlib.sha1(folder.encode()).hexdigest()}"


def _caches() -> list[tuple[Path, list[Path]]]:
    """Each place Numba may cache the kernels, as (where its stamp is, its folders):
    beside the sources, and under ``NUMBA_CACHE_DIR`` when it is set (where Numba caches
    then, unless it cannot write there). Each has its own stamp: a process with its own
    cache leaves the cache beside the sources as it is, where other processes load it."""
    folders = sorted({os.path.dirname(os.path.abspath(p)) for p in KERNEL_SOURCES})
    places = [(Path(folders[0]) / "__pycache__", [Path(f) / "__pycache__" for f in folders])]
    root = os.environ.get("NUMBA_CACHE_DIR")
    if root:
        places.append((Path(root), [Path(root) / _numba_subpath(f) for f in folders]))
    return places


def refresh_kernel_cache() -> bool:
    """Drop Numba's cached machine code when any kernel source changed since it was
    cached (a stamp of their hash sits beside each cache). Returns whether it did."""
    digest = hashlib.sha256()
    for p in KERNEL_SOURCES:
        digest.update(p.read_bytes())
    stamp_text = digest.hexdigest()
    names = {p.stem for p in KERNEL_SOURCES}
    dropped = False
    for where, folders in _caches():
        stamp = where / "ovopsim-kernels.stamp"
        try:
            if stamp.read_text() == stamp_text:
                continue
        except OSError:
            pass
        dropped = True
        for d in folders:
            if d.is_dir():
                for f in d.iterdir():
                    if f.suffix in (".nbi", ".nbc") and f.name.split(".")[0] in names:
                        f.unlink(missing_ok=True)
        try:
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.write_text(stamp_text)
        except OSError:  # a read-only install: Numba then caches elsewhere or compiles
            pass
    return dropped


refresh_kernel_cache()
