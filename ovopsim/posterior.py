"""The calibrated posterior: weighted parameter sets, and draws from it.

A posterior file is a CSV table with a ``weight`` column and one column per
calibrated parameter, named by its dotted scenario key (``trust.gain``,
``learning.learning_rate`` ...), one row per particle of the ABC-SMC's last
generation (:mod:`ovopsim.validation.calibrate`). The shipped one,
:data:`SHIPPED`, is what ``ovopsim compare``, ``sweep`` and ``validate`` draw
from by default, so that every interval they report carries what we do not know
about the parameters as well as chance. The shipped scenario defaults are its
central point (the weighted median of each parameter).

Draws are reproducible: draw ``i`` of a replicate seed is the same particle
whatever else is drawn, so common random numbers still pair the arms of an
experiment (replicate ``i`` of every arm gets the same parameter set).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError

SHIPPED = Path(__file__).resolve().parent / "data" / "posterior.csv"


@dataclass(frozen=True)
class Posterior:
    """Weighted particles of calibrated parameters.

    Attributes:
        names: the dotted scenario keys.
        values: (particles, parameters) values.
        weights: normalised particle weights.
        source: the file it was read from (None when built in code).
    """

    names: tuple[str, ...]
    values: np.ndarray
    weights: np.ndarray
    source: str | None = None

    def __len__(self) -> int:
        return len(self.weights)

    @property
    def effective_size(self) -> float:
        """Kish's effective sample size of the weights."""
        return float(1.0 / np.sum(self.weights ** 2))

    def central(self) -> dict[str, float]:
        """The weighted median of each parameter."""
        out = {}
        for k, name in enumerate(self.names):
            order = np.argsort(self.values[:, k], kind="stable")
            cum = np.cumsum(self.weights[order])
            out[name] = float(self.values[order[np.searchsorted(cum, 0.5)], k])
        return out

    def draw(self, seed: int) -> dict[str, float]:
        """The parameter set of replicate seed ``seed`` (a weighted draw, the same for
        every arm that shares the seed)."""
        rng = np.random.default_rng([int(seed), 0x9E37])
        k = int(rng.choice(len(self.weights), p=self.weights))
        return {name: float(self.values[k, j]) for j, name in enumerate(self.names)}

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.values, columns=list(self.names)).assign(weight=self.weights)


def from_frame(df: pd.DataFrame, source: str | None = None) -> Posterior:
    names = tuple(c for c in df.columns if c != "weight")
    w = df["weight"].to_numpy(float)
    return Posterior(names, df[list(names)].to_numpy(float), w / w.sum(), source)


def load_posterior(path: str | Path | None = None) -> Posterior:
    """Read a posterior file (default: the shipped one), checking it: a ``weight``
    column of non-negative numbers with a positive sum, dotted parameter names, finite
    values; one clear error otherwise."""
    p = Path(path) if path is not None else SHIPPED
    if not p.is_file():
        raise InputError(None, "--posterior", "a posterior CSV file (weight and dotted parameter "
                         "columns)", f'"{p}" (not found)')
    try:
        df = pd.read_csv(p)
    except Exception as exc:  # noqa: BLE001 - any parse failure is the file's
        raise InputError(p, "", "a CSV table", f"an unreadable file ({exc})") from None
    if "weight" not in df.columns:
        raise InputError(p, "weight", "a column of particle weights", "none")
    names = [c for c in df.columns if c != "weight"]
    bad = [c for c in names if "." not in c]
    if not names or bad:
        raise InputError(p, "columns", "dotted scenario keys such as trust.gain",
                         ", ".join(bad) if bad else "no parameter column")
    values = df.to_numpy(float)
    if not np.isfinite(values).all():
        raise InputError(p, "", "finite numbers", "a missing or non-finite value")
    w = df["weight"].to_numpy(float)
    if (w < 0).any() or w.sum() <= 0:
        raise InputError(p, "weight", "non-negative weights with a positive sum", "other values")
    return from_frame(df, str(p))
