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
