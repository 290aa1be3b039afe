"""Accounts that close: every rupiah in and out is a recorded flow.

Each month the model records its flows in a :class:`Flows` object. At the end
of the month :func:`check` confirms, artisan by artisan and institution by
institution, that every stock moved by exactly the recorded flows (to
floating-point rounding) and that no stock that cannot be negative is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


class AccountingError(AssertionError):
    """The books did not close: a model bug, never a user mistake."""


# the per-artisan flows of :class:`Flows`
ARTISAN_FLOWS = ("revenue", "fee", "materials", "wages", "interest", "principal", "written_off",
                 "loan_in", "grant", "draw", "invest", "com_in", "com_out", "produced", "sold",
                 "spoiled")


@dataclass
class Flows:
    """One month's flows. Per-artisan arrays are Rp (inventory: units)."""

    n: int
    n_clusters: int
    revenue: np.ndarray = field(init=False)      # gross sales value
    fee: np.ndarray = field(init=False)          # LJMP aggregation fee
    materials: np.ndarray = field(init=False)
    wages: np.ndarray = field(init=False)
    interest: np.ndarray = field(init=False)
    principal: np.ndarray = field(init=False)    # loan repaid
    written_off: np.ndarray = field(init=False)  # loan principal defaulted
    loan_in: np.ndarray = field(init=False)
    grant: np.ndarray = field(init=False)
    draw: np.ndarray = field(init=False)         # taken home by the household
    invest: np.ndarray = field(init=False)       # equipment bought (own share)
    com_in: np.ndarray = field(init=False)       # commissions from partners
    com_out: np.ndarray = field(init=False)
    produced: np.ndarray = field(init=False)     # units
    sold: np.ndarray = field(init=False)         # units
    spoiled: np.ndarray = field(init=False)      # units
    fund_in: np.ndarray = field(init=False)      # per cluster: fees, interest, repayments
    fund_out: np.ndarray = field(init=False)     # per cluster: loans made
    injection: np.ndarray = field(init=False)    # per cluster: capital from the government budget
    gov_in: float = 0.0                          # appropriation
    gov_lapse: float = 0.0                       # unspent at year end
    gov_cut: float = 0.0                         # withdrawn by a budget cut
    gov_spent: float = 0.0                       # paid for programmes (incl. fund injections)

    def __post_init__(self):
        # one block, one row per flow (each named array is a row of it): one allocation
        # a month, and the check reads all the flows without stacking copies of them
        self._block = np.zeros((len(ARTISAN_FLOWS), self.n))
        self.__dict__.update(zip(ARTISAN_FLOWS, self._block, strict=True))
        self.fund_in = np.zeros(self.n_clusters)
        self.fund_out = np.zeros(self.n_clusters)
        self.injection = np.zeros(self.n_clusters)

    def cash_change(self) -> np.ndarray:
        return (self.revenue - self.fee - self.materials - self.wages - self.interest - self.principal
                + self.loan_in + self.grant - self.draw - self.invest + self.com_in - self.com_out)

    def artisan_flows(self) -> np.ndarray:
        """The per-artisan flows as rows in :data:`ARTISAN_FLOWS` order (the block itself
        unless a flow array was replaced)."""
        b = self._block
        if all(getattr(self, name).base is b for name in ARTISAN_FLOWS):
            return b
        return np.array([getattr(self, name) for name in ARTISAN_FLOWS])

    def totals(self) -> dict[str, float]:
        out = {}
        for name, val in self.__dict__.items():
            if name in ("n", "n_clusters") or name.startswith("_"):
                continue
            out[name] = float(np.sum(val))
        return out


@dataclass
class Stocks:
    cash: np.ndarray
    debt: np.ndarray
    inventory: np.ndarray
    fund: np.ndarray
    gov: float

    @classmethod
    def of(cls, model) -> Stocks:
        a = model.artisans
        held = np.array((a.cash, a.debt, a.inventory))  # one copy of the three
        return cls(held[0], held[1], held[2], model.ljmp_fund.copy(), float(model.government.balance))


# How each per-artisan flow moves each per-artisan stock (rows: cash, debt,
# inventory), so that one product gives every expected change at once.
_STOCKS = ("artisan cash", "artisan debt", "inventory")
_EFFECT = np.zeros((3, len(ARTISAN_FLOWS)))
for _name, _sign in (("revenue", 1), ("fee", -1), ("materials", -1), ("wages", -1), ("interest", -1),
                     ("principal", -1), ("loan_in", 1), ("grant", 1), ("draw", -1), ("invest", -1),
                     ("com_in", 1), ("com_out", -1)):
    _EFFECT[0, ARTISAN_FLOWS.index(_name)] = _sign
for _name, _sign in (("loan_in", 1), ("principal", -1), ("written_off", -1)):
    _EFFECT[1, ARTISAN_FLOWS.index(_name)] = _sign
for _name, _sign in (("produced", 1), ("sold", -1), ("spoiled", -1)):
    _EFFECT[2, ARTISAN_FLOWS.index(_name)] = _sign


def _tolerance(want_abs_max: float) -> float:
    # absolute slack: a billionth of the largest value, and a micro-rupiah
    return 1e-9 * max(1.0, want_abs_max) + 1e-6


def _fail(name: str, month: int, gap: float) -> None:
    raise AccountingError(f"month {month}: {name} does not close (largest gap {gap:.6g})")


def _close(name: str, month: int, got, want) -> None:
    """``got`` equals ``want`` element by element to a relative 1e-9 and the absolute slack."""
    got, want = np.asarray(got, float), np.asarray(want, float)
    if want.size == 0:
        return
    aw = np.abs(want)
    if not float(np.max(np.abs(got - want) - 1e-9 * aw)) <= _tolerance(float(aw.max())):
        _fail(name, month, float(np.max(np.abs(got - want))))


def check(month: int, before: Stocks, after: Stocks, f: Flows) -> None:
    """Raise AccountingError unless every stock changed by exactly its flows (to rounding).

    It runs every month, so the per-artisan stocks are checked together: one
    matrix product gives the changes the flows imply for cash, debt and
    inventory, and one pass compares them with what happened."""
    flows = f.artisan_flows()
    if flows.shape[1]:
        want = np.array((before.cash, before.debt, before.inventory)) + _EFFECT @ flows
        got = np.array((after.cash, after.debt, after.inventory))
        aw = np.abs(want)
        excess = (np.abs(got - want) - 1e-9 * aw).max(axis=1)
        scale = aw.max(axis=1)
        for i, name in enumerate(_STOCKS):
            if not float(excess[i]) <= _tolerance(float(scale[i])):
                _fail(name, month, float(np.max(np.abs(got[i] - want[i]))))
    _close("LJMP funds", month, after.fund, before.fund + f.fund_in + f.injection - f.fund_out)
    gov_want = before.gov + f.gov_in - f.gov_lapse - f.gov_cut - f.gov_spent
    if not abs(after.gov - gov_want) <= 1e-9 * abs(gov_want) + _tolerance(abs(gov_want)):
        _fail("government budget", month, abs(after.gov - gov_want))
    # money between artisans and the LJMP must match on both sides
    tot = dict(zip(ARTISAN_FLOWS, flows.sum(axis=1).tolist(), strict=True))
    for name, got_, want_ in (
            ("LJMP lending", float(f.fund_out.sum()), tot["loan_in"]),
            ("LJMP receipts", float(f.fund_in.sum()), tot["fee"] + tot["interest"] + tot["principal"]),
            ("commissions", tot["com_in"], tot["com_out"])):
        if not abs(got_ - want_) <= 1e-9 * abs(want_) + _tolerance(abs(want_)):
            _fail(name, month, abs(got_ - want_))
    lowest = got[1:].min(axis=1) if flows.shape[1] else np.zeros(2)
    for name, low in (("inventory", float(lowest[1])), ("debt", float(lowest[0])),
                      ("LJMP funds", float(after.fund.min()) if after.fund.size else 0.0)):
        if low < -1e-6:
            raise AccountingError(f"month {month}: negative {name} ({low:.6g})")
    if after.gov < -1e-6:
        raise AccountingError(f"month {month}: negative government budget ({after.gov:.6g})")
