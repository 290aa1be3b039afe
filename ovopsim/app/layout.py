"""Where each artisan is drawn: a fixed layout computed once per world.

Villages sit on a circle; each village's artisans fill a small disc around
its centre along a sunflower (Vogel) spiral, so a village reads as one round
patch and ties between villages cross the empty middle. The layout depends
only on who lives where, not on the ties, so it never moves while the model
runs, costs O(n) array operations, and needs no force-directed (spring)
layout, which would take seconds on large worlds and redraw differently
every frame.
"""

from __future__ import annotations

import numpy as np

GOLDEN_ANGLE = np.pi * (3.0 - np.sqrt(5.0))


def village_centres(n_villages: int, radius: float = 1.0) -> np.ndarray:
    """Centres of ``n_villages`` villages on a circle, the first at the top, clockwise."""
    if n_villages == 1:
        return np.zeros((1, 2))
    angle = np.pi / 2 - 2 * np.pi * np.arange(n_villages) / n_villages
    return radius * np.column_stack([np.cos(angle), np.sin(angle)])


def disc_radius(n_villages: int, radius: float = 1.0) -> float:
    """Radius of a village's disc: large, but leaving a gap between neighbours."""
    if n_villages == 1:
        return 0.9 * radius
    return float(min(0.4 * radius, 0.8 * radius * np.sin(np.pi / n_villages)))


def village_layout(village: np.ndarray, n_villages: int | None = None, radius: float = 1.0) -> np.ndarray:
    """Positions (n, 2) of artisans given each one's village index.

    Deterministic: the k-th artisan of a village (in index order) always
    lands on the k-th point of the spiral, whatever the seed."""
    village = np.asarray(village, np.int64)
    n = len(village)
    nv = int(village.max()) + 1 if n_villages is None and n else int(n_villages or 0)
    if n == 0:
        return np.zeros((0, 2))
    size = np.bincount(village, minlength=nv)
    order = np.argsort(village, kind="stable")
    starts = np.r_[0, np.cumsum(size)[:-1]]
    rank = np.empty(n, np.int64)
    rank[order] = np.arange(n) - starts[village[order]]
    # sunflower spiral: equal area per point, so density is even in the disc
    r = disc_radius(nv, radius) * np.sqrt((rank + 0.5) / size[village])
    theta = rank * GOLDEN_ANGLE
    centre = village_centres(nv, radius)[village]
    return centre + np.column_stack([r * np.cos(theta), r * np.sin(theta)])
