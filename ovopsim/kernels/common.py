"""Shared pieces of the compiled kernels: NumPy's summation, reproduced exactly."""

from __future__ import annotations

import numba as nb
import numpy as np

# NumPy's blocking of the pairwise sum (numpy/_core/src/umath/loops_utils.h.src)
_PW_BLOCKSIZE = 128


@nb.njit(cache=True)
def _block(a, lo, n):
    """NumPy's sum of a leaf of the pairwise tree, ``a[lo:lo + n]`` with ``n <= 128``:
    in order below 8, otherwise eight accumulators then the remainder in order."""
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
    """NumPy's ``pairwise_sum`` of ``a[lo:lo + n]``: blocks of at most 128 (see
    :func:`_block`) summed as a binary tree, each half split at a multiple of 8.

    The recursion runs on an explicit stack (a recursive kernel cannot be linked
    from Numba's on-disk cache into the kernels that call it)."""
    if n <= _PW_BLOCKSIZE:
        return _block(a, lo, n)
    # tasks: (start, length, combine?) in post order; partial sums on a second stack
    task = np.empty((128, 3), np.int64)
    part = np.empty(128)
    task[0, 0], task[0, 1], task[0, 2] = lo, n, 0
    top = 1
    k = 0
    while top:
        top -= 1
        s, m, combine = task[top, 0], task[top, 1], task[top, 2]
        if combine:
            k -= 1
            part[k - 1] = part[k - 1] + part[k]
        elif m <= _PW_BLOCKSIZE:
            part[k] = _block(a, s, m)
            k += 1
        else:
            m2 = m // 2
            m2 -= m2 % 8
            task[top, 0], task[top, 1], task[top, 2] = s, m, 1
            task[top + 1, 0], task[top + 1, 1], task[top + 1, 2] = s + m2, m - m2, 0
            task[top + 2, 0], task[top + 2, 1], task[top + 2, 2] = s, m2, 0
            top += 3
    return part[0]


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
