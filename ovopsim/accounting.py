"""Accounts that close: every rupiah in and out is a recorded flow.

Each month the model records its flows in a :class:`Flows` object. At the end
of the month :func:`check` confirms, artisan by artisan and institution by
institution, that every stock moved by exactly the recorded flows (to
floating-point rounding) and that no stock that cannot be negative is.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field

import numpy as np

from .kernels import measures


class AccountingError(AssertionError):
    """The books did not close: a model bug, never a user mistake."""


# the per-artisan flows of :class:`Flows`
ARTISAN_FLOWS = ("revenue", "fee", "materials", "wages", "interest", "principal", "written_off",
                 "loan_in", "grant", "draw", "invest", "com_in", "com_out", "produced", "sold",
                 "spoiled")


_artisan_flows = operator.attrgetter(*ARTISAN_FLOWS)


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
        self._cluster_block = np.zeros((3, self.n_clusters))
        self._rows = tuple(self._block)
        self._views = dict(zip(ARTISAN_FLOWS, self._rows, strict=True))
        self._views.update(zip(("fund_in", "fund_out", "injection"), self._cluster_block, strict=True))
        self.__dict__.update(self._views)

    def reset(self) -> None:
        """Zero every flow for a new month (the same arrays, refilled)."""
        self._block.fill(0.0)
        self._cluster_block.fill(0.0)
        self.__dict__.update(self._views)
        self.gov_in = self.gov_lapse = self.gov_cut = self.gov_spent = 0.0

    def cash_change(self) -> np.ndarray:
        return (self.revenue - self.fee - self.materials - self.wages - self.interest - self.principal
                + self.loan_in + self.grant - self.draw - self.invest + self.com_in - self.com_out)

    def artisan_flows(self) -> np.ndarray:
        """The per-artisan flows as rows in :data:`ARTISAN_FLOWS` order (the block itself
        unless a flow array was replaced)."""
        held = _artisan_flows(self)
        if all(map(operator.is_, held, self._rows)):
            return self._block
        return np.array(held)

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


# How each per-artisan flow moves each per-artisan stock (rows: cash, debt, inventory).
_EFFECT = np.zeros((3, len(ARTISAN_FLOWS)))
for _name, _sign in (("revenue", 1), ("fee", -1), ("materials", -1), ("wages", -1), ("interest", -1),
                     ("principal", -1), ("loan_in", 1), ("grant", 1), ("draw", -1), ("invest", -1),
                     ("com_in", 1), ("com_out", -1)):
    _EFFECT[0, ARTISAN_FLOWS.index(_name)] = _sign
for _name, _sign in (("loan_in", 1), ("principal", -1), ("written_off", -1)):
    _EFFECT[1, ARTISAN_FLOWS.index(_name)] = _sign
for _name, _sign in (("produced", 1), ("sold", -1), ("spoiled", -1)):
    _EFFECT[2, ARTISAN_FLOWS.index(_name)] = _sign
# the flows whose totals must match on both sides (see :func:`check`)
_SUMS = np.array([ARTISAN_FLOWS.index(name) for name in
                  ("loan_in", "fee", "interest", "principal", "com_in", "com_out")])
# what each failure code of :func:`ovopsim.kernels.measures.close_books` is
_FAILURES = {1: "artisan cash", 2: "artisan debt", 3: "inventory", 4: "LJMP funds", 5: "government budget",
             6: "LJMP lending", 7: "LJMP receipts", 8: "commissions", 9: "inventory", 10: "debt",
             11: "LJMP funds", 12: "government budget"}


def _close(month: int, b_cash, b_debt, b_inv, b_fund, b_gov: float, f: Flows,
           cash, debt, inv, fund, gov: float) -> None:
    code, value = measures.close_books(
        b_cash, b_debt, b_inv, cash, debt, inv, f.artisan_flows(), _EFFECT, _SUMS, b_fund, fund,
        f.fund_in, f.fund_out, f.injection, b_gov, gov, f.gov_in, f.gov_lapse, f.gov_cut, f.gov_spent)
    if code == 0:
        return
    name = _FAILURES[code]
    if code <= 8:
        raise AccountingError(f"month {month}: {name} does not close (largest gap {value:.6g})")
    raise AccountingError(f"month {month}: negative {name} ({value:.6g})")


def check(month: int, before: Stocks, after: Stocks, f: Flows) -> None:
    """Raise AccountingError unless every stock changed by exactly its flows (to rounding).

    Each stock must equal its value before plus the flows that move it, element by
    element to a relative 1e-9 and an absolute slack (a billionth of the largest
    value, and a micro-rupiah); the money between artisans and the LJMP must match
    on both sides; no inventory, debt, fund or budget may be negative."""
    _close(month, before.cash, before.debt, before.inventory, before.fund, before.gov, f,
           after.cash, after.debt, after.inventory, after.fund, after.gov)


class Ledger:
    """The month's check of the books, without building :class:`Stocks`: :meth:`open`
    copies the stocks at the start of the month into buffers kept for the model's
    life, :meth:`close` runs :func:`check` against the stocks at its end."""

    def __init__(self, n: int, n_clusters: int):
        self._held = np.empty((3, n))
        self._rows = tuple(self._held)  # cash, debt, inventory
        self._fund = np.empty(n_clusters)
        self._gov = 0.0

    def open(self, model) -> None:
        a = model.artisans
        measures.snapshot(self._held, self._fund, a.cash, a.debt, a.inventory, model.ljmp_fund)
        self._gov = float(model.government.balance)

    def close(self, month: int, model) -> None:
        a, (cash, debt, inventory) = model.artisans, self._rows
        _close(month, cash, debt, inventory, self._fund, self._gov, model.flows,
               a.cash, a.debt, a.inventory, model.ljmp_fund, float(model.government.balance))
