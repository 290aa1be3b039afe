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


def _cache_dirs() -> list[Path]:
    """Where Numba caches the kernels: under ``NUMBA_CACHE_DIR`` when it is set (and
    only there: another process's cache, beside the sources, is left alone), else beside
    the sources."""
    root = os.environ.get("NUMBA_CACHE_DIR")
    if root:
        return sorted({Path(root) / p.parent.relative_to(p.anchor) for p in KERNEL_SOURCES})
    return sorted({p.parent / "__pycache__" for p in KERNEL_SOURCES})


def refresh_kernel_cache() -> bool:
    """Drop Numba's cached machine code when any kernel source changed since it was
    cached (a stamp of their hash sits beside the cache). Returns whether it did."""
    digest = hashlib.sha256()
    for p in KERNEL_SOURCES:
        digest.update(p.read_bytes())
    stamp_text = digest.hexdigest()
    dirs = _cache_dirs()
    stamp = Path(os.environ.get("NUMBA_CACHE_DIR") or dirs[0]) / "ovopsim-kernels.stamp"
    try:
        if stamp.read_text() == stamp_text:
            return False
    except OSError:
        pass
    names = {p.stem for p in KERNEL_SOURCES}
    for d in dirs:
        if d.is_dir():
            for f in d.iterdir():
                if f.suffix in (".nbi", ".nbc") and f.name.split(".")[0] in names:
                    f.unlink(missing_ok=True)
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(stamp_text)
    except OSError:  # a read-only install: Numba then caches elsewhere or compiles
        pass
    return True


refresh_kernel_cache()
