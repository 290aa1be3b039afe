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
        for name in ("revenue", "fee", "materials", "wages", "interest", "principal", "written_off",
                     "loan_in", "grant", "draw", "invest", "com_in", "com_out", "produced", "sold",
                     "spoiled"):
            setattr(self, name, np.zeros(self.n))
        self.fund_in = np.zeros(self.n_clusters)
        self.fund_out = np.zeros(self.n_clusters)
        self.injection = np.zeros(self.n_clusters)

    def cash_change(self) -> np.ndarray:
        return (self.revenue - self.fee - self.materials - self.wages - self.interest - self.principal
                + self.loan_in + self.grant - self.draw - self.invest + self.com_in - self.com_out)

    def totals(self) -> dict[str, float]:
        out = {}
        for name, val in self.__dict__.items():
            if name in ("n", "n_clusters"):
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
        return cls(a.cash.copy(), a.debt.copy(), a.inventory.copy(), model.ljmp_fund.copy(),
                   float(model.government.balance))


def _close(name: str, month: int, got, want) -> None:
    got, want = np.asarray(got, float), np.asarray(want, float)
    scale = max(1.0, float(np.max(np.abs(want))) if want.size else 1.0)
    if not np.allclose(got, want, rtol=1e-9, atol=1e-9 * scale + 1e-6):
        diff = float(np.max(np.abs(got - want)))
        raise AccountingError(f"month {month}: {name} does not close (largest gap {diff:.6g})")


def check(month: int, before: Stocks, after: Stocks, f: Flows) -> None:
    """Raise AccountingError unless every stock changed by exactly its flows."""
    _close("artisan cash", month, after.cash, before.cash + f.cash_change())
    _close("artisan debt", month, after.debt, before.debt + f.loan_in - f.principal - f.written_off)
    _close("inventory", month, after.inventory, before.inventory + f.produced - f.sold - f.spoiled)
    _close("LJMP funds", month, after.fund, before.fund + f.fund_in + f.injection - f.fund_out)
    _close("government budget", month, after.gov,
           before.gov + f.gov_in - f.gov_lapse - f.gov_cut - f.gov_spent)
    # money between artisans and the LJMP must match on both sides
    _close("LJMP lending", month, f.fund_out.sum(), f.loan_in.sum() - 0.0)
    _close("LJMP receipts", month, f.fund_in.sum() - 0.0,
           (f.fee + f.interest + f.principal).sum())
    _close("commissions", month, f.com_in.sum(), f.com_out.sum())
    for name, arr in (("inventory", after.inventory), ("debt", after.debt), ("LJMP funds", after.fund)):
        if arr.size and float(arr.min()) < -1e-6:
            raise AccountingError(f"month {month}: negative {name} ({float(arr.min()):.6g})")
    if after.gov < -1e-6:
        raise AccountingError(f"month {month}: negative government budget ({after.gov:.6g})")
