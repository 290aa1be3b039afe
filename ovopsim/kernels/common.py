"""Shared pieces of the compiled kernels: NumPy's summation, reproduced exactly."""

from __future__ import annotations

import numba as nb
import numpy as np

# NumPy's blocking of the pairwise sum (numpy/_core/src/umath/loops_utils.h.src)
_PW_BLOCKSIZE = 128


@nb.njit(cache=True)
def _block(a, lo, n):
    """NumPy's ``pairwise_sum`` of ``a[lo:lo + n]`` for ``n`` <= 128: eight accumulators."""
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[lo + i]
        return res
    r0 = a[lo]
    r1 = a[lo + 1]
    r2 = a[lo + 2]
    r3 = a[lo + 3]
    r4 = a[lo + 4]
    r5 = a[lo + 5]
    r6 = a[lo + 6]
    r7 = a[lo + 7]
    i = 8
    end = n - (n % 8)
    while i < end:
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@nb.njit(cache=True)
def _pairwise(a, lo, n):
    """NumPy's ``pairwise_sum`` of ``a[lo:lo + n]``: blocks of at most 128 summed as
    a binary tree, halves split at a multiple of 8 (NumPy recurses; this walks the
    same tree with a stack, which compiled code caches more reliably)."""
    if n <= _PW_BLOCKSIZE:
        return _block(a, lo, n)
    depth = 128
    los = np.empty(depth, np.int64)
    ns = np.empty(depth, np.int64)
    stage = np.zeros(depth, np.int64)
    vals = np.empty(depth)
    top = 0
    nv = 0
    los[0] = lo
    ns[0] = n
    while top >= 0:
        k = ns[top]
        if k <= _PW_BLOCKSIZE:
            vals[nv] = _block(a, los[top], k)
            nv += 1
            top -= 1
            continue
        half = k // 2
        half -= half % 8
        if stage[top] == 0:      # the left half first
            stage[top] = 1
            los[top + 1] = los[top]
            ns[top + 1] = half
            stage[top + 1] = 0
            top += 1
        elif stage[top] == 1:    # then the right half
            stage[top] = 2
            los[top + 1] = los[top] + half
            ns[top + 1] = k - half
            stage[top + 1] = 0
            top += 1
        else:                    # left + right
            vals[nv - 2] = vals[nv - 2] + vals[nv - 1]
            nv -= 1
            top -= 1
    return vals[0]


@nb.njit(cache=True)
def npsum(a):
    """``np.add.reduce(a)`` of a contiguous float64 vector, bit for bit."""
    return _pairwise(a, 0, len(a))


@nb.njit(cache=True)
def npsum_where(a, mask, buf):
    """``np.add.reduce(a[mask])``, bit for bit: the selected values are gathered into
    ``buf`` (at least ``len(a)`` long) first, as NumPy's boolean index does.
    Returns (sum, count)."""
    k = 0
    for i in range(len(a)):
        if mask[i]:
            buf[k] = a[i]
            k += 1
    return _pairwise(buf, 0, k), k


def _selfcheck(rng=None) -> bool:
    """True when :func:`npsum` agrees with ``np.add.reduce`` on this NumPy (tests call it)."""
    rng = np.random.default_rng(0) if rng is None else rng
    for n in list(range(0, 300)) + [1000, 4099, 100_003]:
        x = rng.normal(size=n) * rng.lognormal(size=n) * 1e6
        if npsum(x) != np.add.reduce(x):
            return False
    return True
