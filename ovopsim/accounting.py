"""Accounts that close: every rupiah in and out is a recorded flow (ODD 7.8).

Each month the mechanisms record their flows (:data:`ovopsim.state.FLOW` per
artisan, :data:`~ovopsim.state.CLUSTER_FLOW` per LJMP, and the government's). At
the end of the month :class:`Ledger` confirms, artisan by artisan and
institution by institution, that every stock moved by exactly its flows (to
floating-point rounding), that what one side paid the other received (inputs
between partners, commissions, loans, fees and repayments), that each LJMP's
loans outstanding equal its borrowers' debts, and that no stock that cannot be
negative is.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .state import CLUSTER_FLOW, FLOW


class AccountingError(AssertionError):
    """The books did not close: a model bug, never a user mistake."""


# how each flow moves an artisan's cash, debt and stock of goods
CASH_IN = ("revenue", "supply_in", "loan_in", "grant", "com_in", "owner_in", "closure_loss")
CASH_OUT = ("supply_out", "materials", "fee", "wages", "fixed", "interest", "principal", "draw", "invest",
            "com_out")
DEBT_IN, DEBT_OUT = ("loan_in",), ("principal", "written_off")
GOODS_IN, GOODS_OUT = ("produced",), ("sold", "spoiled")


def _signs(names_in, names_out) -> np.ndarray:
    sign = np.zeros(len(FLOW.names))
    for name in names_in:
        sign[FLOW.names.index(name)] = 1.0
    for name in names_out:
        sign[FLOW.names.index(name)] = -1.0
    return sign


#: rows: cash, debt, goods; columns: the fields of FLOW in order
EFFECT = np.stack([_signs(CASH_IN, CASH_OUT), _signs(DEBT_IN, DEBT_OUT), _signs(GOODS_IN, GOODS_OUT)])
#: the fields of FLOW whose totals are checked against each other (paid and received)
_BETWEEN = (1, 2, 4, 7, 8, 9, 13, 14)
#: EFFECT's non-zero entries, what :func:`close_books` adds: (stock, field of FLOW, sign)
#: for each, stock by stock, each stock's fields in FLOW's order
TERMS = np.array([(s, k, int(EFFECT[s, k])) for s in range(3) for k in range(len(FLOW.names)) if EFFECT[s, k]],
                 np.int64)
if np.any(np.diff(TERMS[:, 0]) < 0):  # close_books adds each stock's terms as one run
    raise RuntimeError("accounting.TERMS must come stock by stock")

FAILURES = {1: "artisan cash", 2: "artisan debt", 3: "artisan stock of goods", 4: "LJMP funds",
            5: "government budget", 6: "inputs paid between partners", 7: "commissions",
            8: "LJMP lending", 9: "LJMP receipts", 10: "LJMP loans outstanding",
            11: "stock of goods", 12: "debt", 13: "LJMP fund", 14: "government budget"}


@nb.njit(cache=True)
def _tolerance(scale):
    return 1e-9 * max(scale, 1.0) + 1e-6


@nb.njit(cache=True)
def _bad(got, want):
    """Whether ``got`` misses ``want`` by more than rounding, or either is not a finite
    number (an infinite flow makes ``want`` infinite, and so its tolerance); and the gap."""
    d = abs(got - want)
    return not (d <= _tolerance(abs(want)) and np.isfinite(want)), d


@nb.njit(cache=True)
def close_books(before, after, flows, terms, f_before_fund, clusters, cflows, gov_before, gov_after,
                gov_in, gov_lapse, gov_cut, gov_spent):
    """Returns (0, 0.0) or (code of :data:`FAILURES`, the gap or the value). ``flows``:
    the artisans' flows as a matrix (a row per artisan, a column per field of
    :data:`FLOW`); ``terms``: :data:`TERMS`."""
    n = len(after)
    # terms come stock by stock (cash, debt, goods): where each stock's end
    n_cash = 0
    while n_cash < len(terms) and terms[n_cash, 0] == 0:
        n_cash += 1
    n_debt = n_cash
    while n_debt < len(terms) and terms[n_debt, 0] == 1:
        n_debt += 1
    for i in range(n):
        want_cash = before[i, 0]
        for q in range(n_cash):
            want_cash += terms[q, 2] * flows[i, terms[q, 1]]
        want_debt = before[i, 1]
        for q in range(n_cash, n_debt):
            want_debt += terms[q, 2] * flows[i, terms[q, 1]]
        want_goods = before[i, 2]
        for q in range(n_debt, len(terms)):
            want_goods += terms[q, 2] * flows[i, terms[q, 1]]
        bad, d = _bad(after[i].cash, want_cash)
        if bad:
            return 1, d
        bad, d = _bad(after[i].debt, want_debt)
        if bad:
            return 2, d
        bad, d = _bad(after[i].inventory, want_goods)
        if bad:
            return 3, d
    sums = np.zeros(flows.shape[1])
    for i in range(n):
        for k in _BETWEEN:
            sums[k] += flows[i, k]
    nc = len(clusters)
    fund_in = 0.0
    fund_out = 0.0
    debt_by_cluster = np.zeros(nc)
    for i in range(n):
        debt_by_cluster[after[i].cluster] += after[i].debt
    for c in range(nc):
        cf = cflows[c]
        bad, d = _bad(clusters[c].fund, f_before_fund[c] + cf.fund_in + cf.injection - cf.fund_out - cf.costs)
        if bad:
            return 4, d
        fund_in += cf.fund_in
        fund_out += cf.fund_out
        bad, d = _bad(clusters[c].loans_out, debt_by_cluster[c])
        if bad:
            return 10, d
    bad, d = _bad(gov_after, gov_before + gov_in - gov_lapse - gov_cut - gov_spent)
    if bad:
        return 5, d
    # indices of FLOW's fields
    bad, d = _bad(sums[1], sums[2])   # supply_in = supply_out
    if bad:
        return 6, d
    bad, d = _bad(sums[13], sums[14])  # com_in = com_out
    if bad:
        return 7, d
    bad, d = _bad(fund_out, sums[9])  # loans made = loans received
    if bad:
        return 8, d
    bad, d = _bad(fund_in, sums[4] + sums[7] + sums[8])  # fees + interest + principal
    if bad:
        return 9, d
    for i in range(n):
        if after[i].inventory < -1e-6:
            return 11, after[i].inventory
        if after[i].debt < -1e-6:
            return 12, after[i].debt
    for c in range(nc):
        if clusters[c].fund < -1e-6:
            return 13, clusters[c].fund
    if gov_after < -1e-6:
        return 14, gov_after
    return 0, 0.0


assert FLOW.names[1:3] == ("supply_in", "supply_out") and FLOW.names[13:15] == ("com_in", "com_out")
# a record of FLOW is a row of floats: close_books reads the flows as a matrix
assert FLOW.itemsize == 8 * len(FLOW.names) and all(FLOW[k] == np.float64 for k in range(len(FLOW.names)))
assert FLOW.names[4] == "fee" and FLOW.names[7:10] == ("interest", "principal", "loan_in")
assert len(FLOW.names) == 21 and CLUSTER_FLOW.names == ("fund_in", "fund_out", "injection", "costs")


@nb.njit(cache=True)
def snapshot(a, clusters, held, fund_held):
    """The stocks at the start of the month into ``held`` (cash, debt, goods) and
    ``fund_held`` (the LJMPs' funds)."""
    for i in range(len(a)):
        held[i, 0] = a[i].cash
        held[i, 1] = a[i].debt
        held[i, 2] = a[i].inventory
    for c in range(len(clusters)):
        fund_held[c] = clusters[c].fund


class Flows:
    """One month's flows: per artisan (``.data``, :data:`FLOW` records, each field an
    attribute), per LJMP (``.clusters``) and the government's."""

    def __init__(self, n: int, n_clusters: int):
        from .state import Table

        self.artisans = Table(np.zeros(n, FLOW))
        self.clusters = Table(np.zeros(n_clusters, CLUSTER_FLOW))
        self.gov_in = self.gov_lapse = self.gov_cut = self.gov_spent = 0.0

    def __getattr__(self, name):
        # flow fields read through: flows.revenue is the per-artisan revenue
        if name in FLOW.names:
            return getattr(self.artisans, name)
        if name in CLUSTER_FLOW.names:
            return getattr(self.clusters, name)
        raise AttributeError(name)

    def totals(self) -> dict[str, float]:
        out = {name: float(self.artisans.data[name].sum()) for name in FLOW.names}
        out.update({name: float(self.clusters.data[name].sum()) for name in CLUSTER_FLOW.names})
        out.update(gov_in=self.gov_in, gov_lapse=self.gov_lapse, gov_cut=self.gov_cut,
                   gov_spent=self.gov_spent)
        return out


class Ledger:
    """The month's check of the books: at the start of the month the stocks are copied
    into :attr:`books` (:func:`snapshot`, called by :func:`ovopsim.months.start_month`)
    and :meth:`open` keeps the budget's balance; at its end :func:`close_books` (called
    in the compiled rest of the month, :mod:`ovopsim.months`) checks them against the
    month's flows and :meth:`check` says what failed."""

    def __init__(self, flows: Flows):
        n, n_clusters = len(flows.artisans.data), len(flows.clusters.data)
        self._held = np.empty((n, 3))
        self._fund = np.empty(n_clusters)
        # the artisans' flows as a matrix, a column per field (a view: what the month records)
        self._flows = flows.artisans.data.view(np.float64).reshape(n, len(FLOW.names))
        self._gov = 0.0

    def open(self, balance: float) -> None:
        """The government's balance at the start of the month (the stocks are copied by
        :func:`snapshot`)."""
        self._gov = balance

    @property
    def books(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """What the compiled check of the month reads (:func:`close_books`): the stocks and
        LJMP funds at the start of the month, the artisans' flows as a matrix, and the
        flows' effects on the stocks (:data:`TERMS`)."""
        return self._held, self._fund, self._flows, TERMS

    @property
    def balance_at_open(self) -> float:
        return self._gov

    @staticmethod
    def check(month: int, code: int, value: float) -> None:
        """Raise :class:`AccountingError` for a failed check (``code`` of :data:`FAILURES`)."""
        if code == 0:
            return
        name = FAILURES[code]
        if code <= 10:
            raise AccountingError(f"month {month}: {name} does not close (largest gap {value:.6g})")
        raise AccountingError(f"month {month}: negative {name} ({value:.6g})")
