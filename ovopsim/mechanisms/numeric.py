"""Arithmetic in compiled code that must agree with numpy's to the last bit.

:func:`numpy_sum` sums a float array as ``np.add.reduce`` does (numba's own ``sum``
adds in order, which can differ in the last bit): for rules first written with numpy
and later compiled, so that moving a rule into compiled code changes no result.
"""

from __future__ import annotations

import numba as nb
import numpy as np


@nb.njit(cache=True)
def numpy_sum(x):
    """The sum of a contiguous float array as numpy's ``np.add.reduce`` gives it, to the
    last bit: numpy's pairwise summation (blocks of up to 128 summed in eight lanes,
    :func:`_block`; a longer array split in halves, each summed so, the halves' sums
    added; a zero start). Written without recursion (Numba does not cache recursive
    functions reliably): the halves are visited from an explicit stack."""
    n = len(x)
    if n <= 128:
        return 0.0 + _block(x, 0, n)
    depth = 64  # a half is at most half as long: enough for any length
    lo = np.empty(depth, np.int64)
    size = np.empty(depth, np.int64)
    stage = np.empty(depth, np.int64)  # 0: split, 1: left summed, 2: both summed
    sums = np.empty(depth + 1)
    top, k = 0, 0
    lo[0], size[0], stage[0] = 0, n, 0
    while top >= 0:
        m = size[top]
        if m <= 128:
            sums[k] = _block(x, lo[top], m)
            k += 1
            top -= 1
            continue
        half = m // 2
        half -= half % 8
        if stage[top] == 0:
            stage[top] = 1
            lo[top + 1], size[top + 1], stage[top + 1] = lo[top], half, 0
            top += 1
        elif stage[top] == 1:
            stage[top] = 2
            lo[top + 1], size[top + 1], stage[top + 1] = lo[top] + half, m - half, 0
            top += 1
        else:
            sums[k - 2] = sums[k - 2] + sums[k - 1]
            k -= 1
            top -= 1
    return 0.0 + sums[0]


@nb.njit(cache=True)
def _block(x, lo, n):
    """numpy's sum of ``x[lo:lo + n]``, ``n`` <= 128: in order below 8; else in eight
    lanes, combined pairwise, then the rest in order."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += x[i]
        return res
    r0, r1, r2, r3 = x[lo], x[lo + 1], x[lo + 2], x[lo + 3]
    r4, r5, r6, r7 = x[lo + 4], x[lo + 5], x[lo + 6], x[lo + 7]
    i = 8
    while i < n - n % 8:
        r0 += x[lo + i]
        r1 += x[lo + i + 1]
        r2 += x[lo + i + 2]
        r3 += x[lo + i + 3]
        r4 += x[lo + i + 4]
        r5 += x[lo + i + 5]
        r6 += x[lo + i + 6]
        r7 += x[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += x[lo + i]
        i += 1
    return res
