"""The calibrated posterior: weighted parameter sets, and draws from it.

A posterior file is a CSV table with a ``weight`` column and one column per
calibrated parameter, named by its dotted scenario key (``trust.gain``,
``learning.learning_rate`` ...), one row per particle of the ABC-SMC's last
generation (:mod:`ovopsim.validation.calibrate`). The shipped one,
:data:`SHIPPED`, is what ``ovopsim compare``, ``sweep`` and ``validate`` draw
from by default, so that every interval they report carries what we do not know
about the parameters as well as chance. The shipped scenario defaults are its
central point (:meth:`Posterior.central`, the weighted medoid: a parameter set the
calibration accepted, unlike the parameters' medians, which need not be one).

Draws are reproducible: draw ``i`` of a replicate seed is the same particle
whatever else is drawn, so common random numbers still pair the arms of an
experiment (replicate ``i`` of every arm gets the same parameter set).
"""

from __future__ import annotations

import functools
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

    def medians(self) -> dict[str, float]:
        """The weighted median of each parameter."""
        return {name: float(weighted_quantile(self.values[:, k], self.weights, 0.5)[0])
                for k, name in enumerate(self.names)}

    def central(self) -> dict[str, float]:
        """The central point: the weighted medoid, the particle whose weighted mean
        distance to all the others is least (each parameter standardised by its
        weighted standard deviation, positive ones on a logarithmic scale).

        Not the parameters' medians: where the data rule out a middle region, the
        medians can combine into a point the calibration never accepted; the medoid
        is a parameter set it did accept."""
        x = np.where(self.values > 0, np.log(np.where(self.values > 0, self.values, 1.0)), self.values)
        mean = self.weights @ x
        sd = np.sqrt(self.weights @ (x - mean) ** 2)
        z = (x - mean) / np.where(sd > 0, sd, 1.0)
        spread = np.sqrt(((z[:, None, :] - z[None, :, :]) ** 2).sum(axis=-1)) @ self.weights
        k = int(np.argmin(spread))
        return {name: float(self.values[k, j]) for j, name in enumerate(self.names)}

    def draw(self, seed: int) -> dict[str, float]:
        """The parameter set of replicate seed ``seed`` (a weighted draw, the same for
        every arm that shares the seed)."""
        rng = np.random.default_rng([int(seed), 0x9E37])
        k = int(rng.choice(len(self.weights), p=self.weights))
        return {name: float(self.values[k, j]) for j, name in enumerate(self.names)}

    def draw_for(self, scenario, seed: int) -> dict[str, float]:
        """:meth:`draw` as overrides of ``scenario``: a parameter the scenario sets to a
        value of its own (a case fact, a design choice) keeps that value; the others
        take the draw."""
        return {k: v for k, v in self.draw(seed).items() if _value(scenario, k) == _default(k)}

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.values, columns=list(self.names)).assign(weight=self.weights)


def weighted_quantile(x: np.ndarray, w: np.ndarray, q) -> np.ndarray:
    """The ``q`` quantiles (one or several) of values ``x`` with weights ``w``: the
    smallest value whose share of the weight, with the smaller ones, reaches ``q``."""
    order = np.argsort(x, kind="stable")
    cum = np.cumsum(w[order]) / np.sum(w)
    return np.asarray(x)[order][np.minimum(np.searchsorted(cum, np.atleast_1d(q)), len(x) - 1)]


def _value(scenario, key: str):
    section, name = key.split(".", 1)
    return getattr(getattr(scenario, section), name)


@functools.cache
def _default(key: str):
    return _value(_blank(), key)


@functools.lru_cache(maxsize=1)
def _blank():
    from .config import Scenario

    return Scenario()


def _known(key: str) -> bool:
    section, _, name = key.partition(".")
    model = getattr(_blank(), section, None)
    fields = getattr(type(model), "model_fields", {})
    return bool(name) and name in fields and isinstance(getattr(model, name), float)


def from_frame(df: pd.DataFrame, source: str | None = None) -> Posterior:
    names = tuple(c for c in df.columns if c != "weight")
    w = df["weight"].to_numpy(float)
    return Posterior(names, df[list(names)].to_numpy(float), w / w.sum(), source)


@functools.lru_cache(maxsize=8)
def load_posterior_cached(path: str) -> Posterior:
    """:func:`load_posterior`, read once per process (model functions call it per run)."""
    return load_posterior(path)


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
    bad = [c for c in names if not _known(c)]
    if not names or bad:
        raise InputError(p, "columns", "a weight column and parameters of the model such as "
                         "trust.gain (<section>.<name>)", ", ".join(bad) if bad else "no parameter column")
    values = df.to_numpy(float)
    if not np.isfinite(values).all():
        raise InputError(p, "", "finite numbers", "a missing or non-finite value")
    w = df["weight"].to_numpy(float)
    if (w < 0).any() or w.sum() <= 0:
        raise InputError(p, "weight", "non-negative weights with a positive sum", "other values")
    _check_ranges(df, names, p)
    return from_frame(df, str(p))


def _check_ranges(df: pd.DataFrame, names: list[str], path: Path) -> None:
    """Every value is one its parameter accepts (as a scenario would check it): the
    smallest and the largest of each column, validated; a value out of range is named
    with its column and its line in the file, before any run uses it."""
    for name in names:
        col = df[name].to_numpy(float)
        for row in dict.fromkeys((int(np.argmin(col)), int(np.argmax(col)))):
            try:
                _blank().with_overrides({name: float(col[row])})
            except InputError as e:
                raise InputError(path, name, e.expected, f"{float(col[row])!r} (line {row + 2})") from None
