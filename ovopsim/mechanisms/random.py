"""Random numbers by counter: a uniform draw is a hash of (seed, stream, month, who).

Each decision draws its number from its own named stream, indexed by the month and
by who decides (an artisan, or a pair of artisans for a tie). So a draw does not
depend on how many draws other mechanisms made before it: switching one mechanism
off leaves every other decision's random numbers as they were, which makes
ablations with common seeds compare like with like, decision by decision. The
hash is SplitMix64's finaliser (Steele, Lea and Flood 2014), in compiled code
(:func:`uniform`) and in NumPy (:func:`uniform_np`), bit for bit the same.
"""

from __future__ import annotations

import numba as nb
import numpy as np

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MONTH_OFFSET = 1 << 20  # months can be negative (the warm-up year)
_UNIT = 1.0 / 9007199254740992.0  # 2**-53

# streams: one per kind of decision
RECIPROCATE = 1     # returning a favour or paying for a supply
DELIVER = 2         # delivering a supply
FORM = 3            # a partnership forming
TRIAL = 4           # trying a new supplier
SEARCH = 5          # meeting a producer at the earlier stage through traders
SEARCH_PICK = 6
BUYER = 7           # meeting another seller of the same buyers
BUYER_PICK = 8
INTRODUCE = 9       # partners introducing partners
INTRODUCE_PICK = 10
ENTRY = 11          # a household opening a business
REPAY = 12          # repaying an LJMP loan
LEND_ORDER = 13     # order in which loan applications are served
MENTOR_ORDER = 14
UPTAKE = 15         # taking part in a programme
TARGET_ORDER = 16   # order in which a programme offers seats
TURNOVER = 17       # officer and board turnover
FAIR = 18           # exhibitors meeting at a fair
FORUM_REPS = 19     # who represents a village at a forum
HIRE = 20           # hiring or laying off a worker


@nb.njit(cache=True)
def _mix(z):
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@nb.njit(cache=True)
def uniform(key, stream, month, i, j=0):
    """A uniform number in [0, 1) for decision ``stream`` of ``i`` (and ``j``) in ``month``."""
    z = _mix(np.uint64(key) + _GOLDEN * np.uint64(stream))
    z = _mix(z ^ np.uint64(month + _MONTH_OFFSET))
    z = _mix(z ^ np.uint64(i))
    z = _mix(z ^ np.uint64(j))
    return np.float64(z >> np.uint64(11)) * _UNIT


@nb.njit(cache=True)
def _uniform_many(key, stream, month, i, j):
    out = np.empty(len(i))
    for k in range(len(i)):
        out[k] = uniform(key, stream, month, i[k], j)
    return out


def uniform_np(key: int, stream: int, month: int, i, j: int = 0) -> np.ndarray:
    """:func:`uniform` for an array of ``i`` (Python code's draws: the same numbers)."""
    return _uniform_many(key, stream, month, np.asarray(i, np.int64), int(j))
