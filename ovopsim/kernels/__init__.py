"""Compiled kernels (Numba) for the monthly work on small and large populations.

A village economy of 50 artisans spends most of a NumPy month in the overhead of
hundreds of calls on tiny arrays; these kernels do the same arithmetic in one
pass each. They reproduce NumPy's results bit for bit: the same operations in the
same order, no fused multiply-adds, and sums with NumPy's own pairwise summation
(:func:`ovopsim.kernels.common.npsum`). Transcendental functions (``**``) stay in
NumPy, whose SIMD versions round differently from the C library's.

Compiled code is cached on disk (``cache=True``), so only the first run on a
machine pays the compilation.
"""

from __future__ import annotations


def cached() -> bool:
    """Whether the kernels of the month and of its measures are compiled and cached
    for the current source (else the next run compiles them: 10 to 20 seconds)."""
    from . import measures, month

    try:
        return all(bool(k._cache._cache_file._load_index()) for k in (month.month, measures.month_row))
    except Exception:  # noqa: BLE001 - Numba internals changed: do not guess, say cached
        return True


def ensure_compiled(stream=None) -> bool:
    """Compile the kernels now, or load them from the disk cache: two months of the
    default scenario. Returns whether they had to be compiled; with ``stream``, says
    so there first (the first run on a machine waits 10 to 20 seconds for it).

    Called by the commands before they run the model, so that a first run says why
    it is slow, and worker processes forked afterwards start with the kernels
    loaded instead of loading (or compiling) them each."""
    from ..config import load_scenario
    from ..model import OVOPModel

    fresh = not cached()
    if fresh and stream is not None:
        print("ovopsim: compiling the model for this machine (the first run only; "
              "10 to 20 seconds)", file=stream, flush=True)
    model = OVOPModel(load_scenario("rasau_jaya"), rng=0, months=2)
    for _ in range(2):
        model.step()
    model.monthly()
    model.scorecard()
    return fresh
