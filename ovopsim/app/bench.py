"""The runs one browser session works with: the run shown, the set-up it is compared
with side by side, and earlier runs kept on the plots.

Plain Python, no browser: the page (:mod:`ovopsim.app.page`) keeps one
:class:`Bench` per session and draws what it holds. Every number the page shows
comes from here (:meth:`Bench.headlines`, :meth:`Bench.chart_rows`), so the tests
check the same numbers a class sees.

* **Earlier runs.** Reset (or a new scenario) keeps the run that was on screen as
  a fainter, labelled line on the plots (:attr:`Bench.past`, the last
  :data:`KEEP` runs); :meth:`Bench.clear_past` removes them.
* **Side by side.** :meth:`Bench.side_by_side` pins the current set-up as A;
  the controls then change set-up B. Both run from the same seed (common random
  numbers) and step together, so at every month B minus A is the difference the
  changed settings make, not luck of the draw.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .teaching import TeachingModel

KEEP = 6  # earlier runs kept on the plots (the oldest goes first)
AVERAGE_MONTHS = 12  # headline numbers: the average of the last year beside the month
# colours of the run on screen, of set-up A beside it, and of the earlier runs
MAIN_COLOUR = "#1f77b4"
PINNED_COLOUR = "#e6550d"
PAST_COLOURS = ("#7f7f7f", "#2ca02c", "#9467bd", "#8c564b", "#17becf", "#bcbd22")

# what the plots and the headline numbers read from each month's record
SERIES = ("month", "income_mean", "jobs", "active_businesses", "partnerships_within",
          "partnerships_between", "mean_trust", "share_national", "share_export", "budget_spent_total",
          "festive")


@dataclass
class Series:
    """One run's monthly values, appended month by month (cheaper than the monthly table)."""

    columns: dict[str, list] = field(default_factory=lambda: {c: [] for c in SERIES})

    def add(self, record: Mapping[str, Any]) -> None:
        for c, values in self.columns.items():
            values.append(record[c])

    def __len__(self) -> int:
        return len(self.columns["month"])

    def array(self, column: str) -> np.ndarray:
        return np.asarray(self.columns[column], float)


@dataclass
class Run:
    """A model on the bench and what the page needs to name and draw it."""

    model: TeachingModel
    settings: dict
    series: Series = field(default_factory=Series)
    labels: dict = field(default_factory=dict)

    @property
    def seed(self) -> int:
        return self.model.seed_used

    def label(self, lang: str = "en") -> str:
        return _label(self, lang)

    def step(self) -> None:
        self.model.step()
        self.series.add(self.model.records[-1])


@dataclass
class PastRun:
    """An earlier run, kept for the plots: its set-up (for the label), seed and series."""

    settings: dict
    seed: int
    series: Series
    colour: str
    labels: dict = field(default_factory=dict)

    def label(self, lang: str = "en") -> str:
        return _label(self, lang)


def _label(run: Run | PastRun, lang: str) -> str:
    """A run's name in ``lang`` (worked out once per language)."""
    from .i18n import run_label

    if lang not in run.labels:
        run.labels[lang] = run_label(run.settings, run.seed, lang)
    return run.labels[lang]


class Bench:
    """A session's runs. ``seed`` is the text of the seed box; ``settings`` the controls."""

    def __init__(self, settings: Mapping[str, Any], seed: Any = None):
        self.main = self._new_run(settings, seed)
        self.pinned: Run | None = None  # set-up A in side-by-side mode
        self.past: list[PastRun] = []
        self.generation = 0  # bumped on every reset: the browser replaces, not extends, its lines
        self._next_colour = 0

    @staticmethod
    def _new_run(settings: Mapping[str, Any], seed: Any) -> Run:
        settings = dict(settings)
        return Run(TeachingModel(seed, settings), settings)

    # -- running ------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.main.model.running and (self.pinned is None or self.pinned.model.running)

    @property
    def month(self) -> int:
        return int(self.main.model.steps)

    @property
    def months(self) -> int:
        """The run's last month (the scenario's horizon)."""
        return int(self.main.model.spec.scenario.months)

    @property
    def xmax(self) -> int:
        """The plots' last month: the run's horizon, or the last month of a longer earlier
        run (earlier runs are drawn whole, not off the plot's edge)."""
        return max([self.months, *(int(max(p.series.columns["month"], default=0)) for p in self.past)])

    def runs(self) -> list[Run]:
        """The runs that step: B (the controls' set-up) first, then A if pinned."""
        return [self.main] if self.pinned is None else [self.main, self.pinned]

    def step(self, months: int = 1) -> int:
        """Run up to ``months`` months of every current run, in step; the months run."""
        done = 0
        for _ in range(int(months)):
            if not self.running:
                break
            for run in self.runs():
                run.step()
            done += 1
        return done

    def reset(self, settings: Mapping[str, Any], seed: Any = None, keep: bool = True) -> None:
        """Fresh runs from ``settings`` (and set-up A, if pinned) on the seed typed.

        The run that was on screen is kept as an earlier run if it ran at all (and
        ``keep``: not when it goes on as set-up A)."""
        run = self._new_run(settings, seed)  # first: settings that cannot run change nothing
        if keep:
            self._keep(self.main)
        self.main = run
        if self.pinned is not None:
            # the same seed as B: common random numbers
            self.pinned = self._new_run(self.pinned.settings, self.main.seed)
        self.generation += 1

    def pin(self, settings: Mapping[str, Any]) -> None:
        """Side by side: ``settings`` become set-up A, run from the next :meth:`reset`
        on the same seed as B."""
        self.pinned = self._new_run(settings, self.main.seed)

    def unpin(self) -> None:
        self.pinned = None

    def clear_past(self) -> None:
        self.past.clear()
        self.generation += 1

    def _keep(self, run: Run) -> None:
        if not len(run.series):
            return
        colour = PAST_COLOURS[self._next_colour % len(PAST_COLOURS)]
        self._next_colour += 1
        self.past.append(PastRun(dict(run.settings), run.seed, run.series, colour, run.labels))
        del self.past[:-KEEP]

    # -- what the page shows ------------------------------------------------------------
    def headlines(self, lang: str = "en") -> list[dict[str, Any]]:
        """The headline numbers: per indicator, this month's value and the average of
        the last :data:`AVERAGE_MONTHS` months, for B and (side by side) A, and B - A.

        Each entry: ``key``, ``now``, ``average`` (None before the first month),
        ``pinned_now``, ``pinned_average`` and ``difference`` (B - A of the averages;
        None unless side by side), ``months_averaged``."""
        out = []
        for key in HEADLINES:
            entry = {"key": key, "months_averaged": min(len(self.main.series), AVERAGE_MONTHS)}
            entry["now"], entry["average"] = _now_and_average(self.main, key)
            entry["pinned_now"] = entry["pinned_average"] = entry["difference"] = None
            if self.pinned is not None:
                entry["pinned_now"], entry["pinned_average"] = _now_and_average(self.pinned, key)
                if entry["average"] is not None and entry["pinned_average"] is not None:
                    entry["difference"] = entry["average"] - entry["pinned_average"]
            out.append(entry)
        return out

    def past_rows(self, lang: str = "en") -> list[dict]:
        """Rows of the earlier runs for the browser's charts, one per run and month."""
        rows = []
        for i, run in enumerate(self.past):
            rows += _rows(run.series, f"p{i}", run.label(lang), run.colour, 0)
        return rows

    def current_rows(self, lang: str = "en") -> list[dict]:
        """Rows of the runs under way (B, then A side by side), ordered by month: a new
        month only appends rows."""
        per_run = [_rows(run.series, key, label, colour, 1) for run, key, label, colour in self.legend(lang)]
        return [row for month in zip(*per_run, strict=True) for row in month]

    def legend(self, lang: str = "en") -> list[tuple[Run, str, str, str]]:
        """(run, key, label, colour) of the runs under way."""
        if self.pinned is None:
            return [(self.main, "main", self.main.label(lang), MAIN_COLOUR)]
        return [(self.main, "B", f"B: {self.main.label(lang)}", MAIN_COLOUR),
                (self.pinned, "A", f"A: {self.pinned.label(lang)}", PINNED_COLOUR)]


# headline indicators: key -> how to read it from a run's series
HEADLINES = ("income_mean", "jobs", "active_businesses", "partnerships_within", "partnerships_between",
             "mean_trust", "outside_share", "budget_spent_total")


def _values(series: Series, key: str) -> np.ndarray:
    if key == "outside_share":
        return series.array("share_national") + series.array("share_export")
    return series.array(key)


def _now_and_average(run: Run, key: str) -> tuple[float | None, float | None]:
    if not len(run.series):
        return None, None
    x = _values(run.series, key)
    if key == "budget_spent_total":  # a running total: its average means nothing
        return float(x[-1]), float(x[-1])
    return float(x[-1]), float(x[-AVERAGE_MONTHS:].mean())


def _rows(series: Series, key: str, label: str, colour: str, current: int) -> list[dict]:
    """Chart rows of one run: income in thousand Rp, money in million Rp, shares 0-1."""
    if not len(series):
        return []
    c = series.columns
    outside = _values(series, "outside_share")
    return [{"r": key, "l": label, "c": colour, "cur": current, "month": int(m),
             "income": round(inc / 1e3, 1), "jobs": int(jobs), "within": int(pw), "between": int(pb),
             "trust": round(tr, 4), "outside": round(float(out), 4), "spent": round(sp / 1e6, 2),
             "festive": int(bool(fe))}
            for m, inc, jobs, pw, pb, tr, out, sp, fe in zip(
                c["month"], c["income_mean"], c["jobs"], c["partnerships_within"], c["partnerships_between"],
                c["mean_trust"], outside, c["budget_spent_total"], c["festive"], strict=True)]

