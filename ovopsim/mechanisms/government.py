"""The local agency: budget, envelopes, cuts, officers, turnover and plans (ODD 7.6; Blitar, Bangka Tengah).

**Budget.** In the first month of each fiscal year what is left lapses, the
year's budget (``annual_budget`` less any cut in force) is appropriated and split
into one envelope per programme by its planned cost; when the plans cost more
than the budget every envelope shrinks in proportion (Bangka Tengah: the budget
was too small for all planned activities). A round is paid from its envelope,
spread over the year's remaining rounds; a programme the budget cannot pay for
reaches fewer artisans, never runs on credit. Aid paid to the one who takes it
that an artisan declines is offered to the next in line, and what is left is
refunded to the envelope (:meth:`ovopsim.interventions.Programme.deliver`). A **budget cut** removes a share
of the balance (or of named programmes' envelopes) from its month on, and of
later years' budgets while it lasts: what a cut of named programmes withdraws
leaves the budget, it is not spread over the programmes left uncut.

**Officers.** The agency has ``officers`` programme officers; programme k is run
by officer k mod ``officers``, whose knowledge of it (0-1) is its delivery
effectiveness, times ``0.5 + 0.5 x`` the knowledge of the village
association's board. Officers and boards learn on the job
(``knowledge_regrowth`` of the gap to 1 a month).

**Turnover** replaces an officer (or a village's board) by a newcomer, who
knows what is written down and nothing else: ``newcomer_knowledge``, or, with a
**medium-term plan**, what the plan recorded at the last fiscal year's opening
when that is more: ``plan_documented`` of what the officer then knew (the rest
was tacit). Without a plan the departing officer's programmes also lose
their schedule: they pause ``replan_months`` while the newcomer plans them again;
with a plan the schedule survives the change. How much a plan recovers of
turnover's cost is therefore not a parameter: it depends on how much had been
learned, how often officers change and how long schedules stall.
"""

from __future__ import annotations

import mesa
import numba as nb
import numpy as np

from .numeric import numpy_sum
from .random import TARGET_ORDER, uniform


class Government(mesa.Agent):
    """The local agency (dinas) that funds and runs the programmes.

    Attributes:
        annual_budget: appropriation per fiscal year, Rp.
        balance: unspent budget of the current fiscal year, Rp (never negative).
        envelopes: remaining allocation per programme this year, Rp.
        officers: each officer's knowledge of his programmes, 0-1.
        written: what a medium-term plan recorded of each officer's knowledge (0 without one).
        paused_until: per officer, the month his programmes resume after a change
            of officer without a plan.
        spent_month, spent_total: spending this month and since the start.
    """

    def __init__(self, model: mesa.Model, annual_budget: float, officers: int, regrowth: float,
                 newcomer: float, documented: float, replan_months: int):
        super().__init__(model)
        self.annual_budget = float(annual_budget)
        self.balance = 0.0
        self.envelopes: dict[str, float] = {}
        self.officers = np.ones(int(officers))
        self.written = np.zeros(int(officers))
        self.paused_until = np.zeros(int(officers), np.int64)
        self.regrowth = regrowth
        self.newcomer = newcomer
        self.documented = documented
        self.replan_months = int(replan_months)
        self.plan = False
        self.spent_month = 0.0
        self.spent_total = 0.0
        self.cut_share = 0.0  # share of the whole budget cut now
        self.programme_cut: dict[str, float] = {}

    @property
    def knowledge(self) -> float:
        """The agency's knowledge (:func:`agency_knowledge`)."""
        return float(agency_knowledge(self.officers))

    # -- the budget ------------------------------------------------------------------
    def open_fiscal_year(self, planned: dict[str, float]) -> tuple[float, float]:
        """Lapse what is left, appropriate this year's budget, split it into envelopes;
        a plan records what the officers know now. Returns (appropriated, lapsed)."""
        lapsed = self.balance
        budget = self.annual_budget * (1.0 - self.cut_share)
        total = sum(planned.values())
        factor = min(1.0, budget / total) if total > 0 else 0.0
        # a cut of named programmes withdraws its share of their envelopes: the money
        # leaves the budget, it is not spread over the programmes left uncut
        self.envelopes = {k: v * factor * (1.0 - self.programme_cut.get(k, 0.0)) for k, v in planned.items()}
        withdrawn = sum(v * factor * self.programme_cut.get(k, 0.0) for k, v in planned.items())
        budget -= withdrawn
        self.balance = budget
        if self.plan:
            self.written[:] = self.documented * self.officers
        return budget, lapsed

    def cut(self, share: float, labels: list[str] | None) -> float:
        """A budget cut from now on; returns the Rp withdrawn from this year's balance."""
        if labels is None:
            self.cut_share = share
            removed = self.balance * share
            self.envelopes = {k: v * (1 - share) for k, v in self.envelopes.items()}
        else:
            removed = 0.0
            for k in labels:
                self.programme_cut[k] = share
                if k in self.envelopes:
                    removed += self.envelopes[k] * share
                    self.envelopes[k] *= 1 - share
        removed = min(removed, self.balance)
        self.balance -= removed
        return removed

    def restore(self) -> None:
        """A cut that ends applies no more from the next fiscal year."""
        self.cut_share = 0.0
        self.programme_cut.clear()

    def pay(self, label: str, request: float, planned_left: float) -> float:
        """Pay up to ``request`` for a programme's round, spreading its envelope over
        the year's remaining rounds. Returns the Rp approved."""
        env = self.envelopes.get(label, 0.0)
        if request <= 0 or env <= 0:
            return 0.0
        share = min(1.0, env / max(planned_left, request))
        approved = min(request * share, env, self.balance)
        self.envelopes[label] = env - approved
        self.balance -= approved
        self.spent_month += approved
        self.spent_total += approved
        return approved

    def refund(self, label: str, amount: float) -> None:
        """Return what a round did not use to its envelope."""
        if amount <= 0:
            return
        self.envelopes[label] = self.envelopes.get(label, 0.0) + amount
        self.balance += amount
        self.spent_month -= amount
        self.spent_total -= amount

    # -- officers ----------------------------------------------------------------------
    def officer_of(self, k: int) -> int:
        """The officer who runs programme number ``k``."""
        return k % len(self.officers)

    def running(self, officer: int, month: int) -> bool:
        """Whether the officer's programmes run this month (not paused by a change)."""
        return month >= self.paused_until[officer]

    def replace_officer(self, officer: int, month: int) -> None:
        """A new officer: he knows what is written down; without a plan his programmes
        pause while he plans them again."""
        self.officers[officer] = max(self.newcomer, self.written[officer])
        if not self.plan:
            self.paused_until[officer] = month + self.replan_months



def board_turnover(villages, hit: np.ndarray, newcomer: float, written: np.ndarray | None) -> None:
    """New boards in the villages ``hit``: they know the association's written
    record (``written``, with a plan) or ``newcomer``."""
    floor = newcomer if written is None else np.maximum(newcomer, written[hit])
    villages.knowledge[hit] = floor


@nb.njit(cache=True)
def agency_knowledge(officers):
    """The agency's knowledge: the mean of its officers'."""
    return numpy_sum(officers) / len(officers)


#: the orders in which a programme offers its seats (``target.order``)
TARGET_ORDERS = ("random", "lowest_skill", "highest_skill")


@nb.njit(cache=True)
def targeting_order(idx, skill, order, key, month, number):
    """``idx`` in the order a programme offers them seats: at random, or by skill
    (lowest or highest first, ``order`` 1 or 2; equal skills at random). The random
    order is each artisan's draw for this programme and month."""
    draw = np.empty(len(idx))
    for q in range(len(idx)):
        draw[q] = uniform(key, TARGET_ORDER, month, idx[q], number)
    perm = np.argsort(draw, kind="mergesort")
    if order == 0:
        return idx[perm]
    level = np.empty(len(idx))
    for q in range(len(idx)):
        level[q] = skill[idx[perm[q]]] if order == 1 else -skill[idx[perm[q]]]
    return idx[perm[np.argsort(level, kind="mergesort")]]


@nb.njit(cache=True)
def affordable(cost, money):
    """How many of those offered a round, in order, ``money`` pays for at their ``cost``
    (costs are not negative; a rounding margin of 1e-12 of the money), and what they
    cost together."""
    x = money * (1 + 1e-12)
    total = 0.0
    for k in range(len(cost)):
        if total + cost[k] > x:
            return k, total
        total += cost[k]
    return len(cost), total
