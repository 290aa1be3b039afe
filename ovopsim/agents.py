"""The agents: artisans, the local government, the LJMPs and the village associations.

Artisans are many and mostly behave alike, so their state lives in NumPy
arrays (:class:`Artisans`), one element per artisan, and their behaviour is
written as vectorised verbs over the whole population. Each artisan is still
a Mesa agent (:class:`Artisan`), a light handle whose attributes read and
write its slot in those arrays, so that Mesa's AgentSet operations
(``select``, ``agg``, ``groupby``) work as usual.

The government, each LJMP and each village association are few and each
behaves differently, so they are ordinary Mesa agents with methods.

Terms:
    sentra: a product centre, a village or group of villages making the same
        or linked products (here a *cluster*).
    LJMP: Lembaga Jasa Manajemen dan Pembiayaan, a cluster's
        management-services and financing institution (Singkawang).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import mesa
import numpy as np

# equipment tiers (Rasau Jaya survey: 75% manual, 23% semi-automatic, 2% modern)
MANUAL, SEMI, MODERN = 0, 1, 2
# market tiers
PROVINCE, NATIONAL, EXPORT = 0, 1, 2
TIER_NAMES = ("province", "national", "export")
PRACTICES = ("skill", "gmp", "design", "digital", "books")


@dataclass
class Artisans:
    """State of every artisan, one array element each (struct of arrays).

    Attributes:
        village, cluster, product: integer codes (see the model's lists).
        skill, gmp, design, digital, books: practice levels in [0, 1]
            (technical skill, good manufacturing practice, design and
            innovation, digital marketing, bookkeeping).
        tier: equipment tier (0 manual, 1 semi-automatic, 2 modern).
        workers: hired workers (the owner is not counted).
        cash: working capital, Rp (may go negative: informal debt).
        debt: outstanding LJMP loan principal, Rp.
        inventory: unsold stock, units.
        quality: product quality in [0, 1], derived each month.
        brand: registered brand / IP.
        reach: highest market tier open to the artisan.
        exposure: promotion exposure (decays).
        reputation: standing with buyers (decays slowly).
        member, board: in the producers' group; on its board.
        ljmp: member of the cluster's LJMP.
        gov_trust: trust in the government's programmes.
        reciprocity: propensity to return favours (a trait).
        expected: expected monthly orders (de-seasonalised), units.
        active: business still running; neg_months: months in a row with cash < 0.
        income, revenue, sales_units, output: last month's values.
        income_ema, volatility: smoothed income and its volatility (LJMP risk).
        mentored: mentored this month.
        reached: took part in (or received) at least one government programme so far.
    """

    village: np.ndarray
    cluster: np.ndarray
    product: np.ndarray
    skill: np.ndarray
    gmp: np.ndarray
    design: np.ndarray
    digital: np.ndarray
    books: np.ndarray
    tier: np.ndarray
    workers: np.ndarray
    cash: np.ndarray
    debt: np.ndarray
    inventory: np.ndarray
    quality: np.ndarray
    brand: np.ndarray
    reach: np.ndarray
    exposure: np.ndarray
    reputation: np.ndarray
    member: np.ndarray
    board: np.ndarray
    ljmp: np.ndarray
    gov_trust: np.ndarray
    reciprocity: np.ndarray
    expected: np.ndarray
    active: np.ndarray
    neg_months: np.ndarray
    income: np.ndarray
    revenue: np.ndarray
    sales_units: np.ndarray
    output: np.ndarray
    income_ema: np.ndarray
    volatility: np.ndarray
    mentored: np.ndarray
    loan_term_left: np.ndarray
    sales_by_tier: np.ndarray = field(default=None)  # (n, 3) revenue by tier, last month
    reached: np.ndarray = field(default=None)  # ever reached by a programme (coverage, P3/P7)

    @property
    def n(self) -> int:
        return len(self.village)

    def columns(self) -> list[str]:
        return [f.name for f in fields(self) if f.name not in ("sales_by_tier", "reached")]


class Artisan(mesa.Agent):
    """A small producer. A handle on slot ``idx`` of the model's :class:`Artisans` arrays.

    Reading ``artisan.cash`` returns the current value from the arrays;
    assigning to it writes the array, so code that treats artisans one by one
    (the teaching app, notebooks) and the vectorised model see the same state.
    """

    def __init__(self, model: mesa.Model, idx: int):
        super().__init__(model)
        self.idx = idx

    def __getattr__(self, name):
        # only called when normal lookup fails: fall through to the arrays
        if name != "model" and name in _ARTISAN_FIELDS:
            return self.model.artisans.__dict__[name][self.idx].item()
        raise AttributeError(name)

    def __setattr__(self, name, value):
        if name in _ARTISAN_FIELDS:
            getattr(self.model.artisans, name)[self.idx] = value
        else:
            super().__setattr__(name, value)

    @property
    def village_name(self) -> str:
        return self.model.village_names[self.model.artisans.village[self.idx]]

    @property
    def product_name(self) -> str:
        return self.model.product_names[self.model.artisans.product[self.idx]]

    @property
    def partners(self) -> list[int]:
        """Indices of current partners."""
        return self.model.network.partners_of(self.idx)


_ARTISAN_FIELDS = {f.name for f in fields(Artisans)}


class Government(mesa.Agent):
    """The local agency that funds programmes from an annual budget.

    Attributes:
        annual_budget: appropriation per fiscal year, Rp.
        balance: unspent budget of the current fiscal year, Rp (never negative).
        envelopes: remaining allocation per programme this year, Rp.
        knowledge: institutional knowledge of the programme officers in [0, 1];
            officer turnover resets part of it, a medium-term plan keeps more.
        spent_month, spent_total: spending this month and since the start.
    """

    def __init__(self, model: mesa.Model, annual_budget: float, regrowth: float):
        super().__init__(model)
        self.annual_budget = float(annual_budget)
        self.balance = 0.0
        self.envelopes: dict[str, float] = {}
        self.knowledge = 1.0
        self.regrowth = regrowth
        self.spent_month = 0.0
        self.spent_total = 0.0
        self.cut_share = 0.0  # share of the whole budget cut now
        self.programme_cut: dict[str, float] = {}

    def open_fiscal_year(self, planned: dict[str, float]) -> tuple[float, float]:
        """Lapse what is left, appropriate this year's budget, split it into envelopes.

        Returns (appropriated, lapsed) for the accounts. If the programmes
        planned for the year cost more than the budget, every envelope is
        scaled down in proportion (Bangka Tengah: the budget was too small
        for all planned activities)."""
        lapsed = self.balance
        budget = self.annual_budget * (1.0 - self.cut_share)
        wanted = {k: v * (1.0 - self.programme_cut.get(k, 0.0)) for k, v in planned.items()}
        total = sum(wanted.values())
        factor = min(1.0, budget / total) if total > 0 else 0.0
        self.envelopes = {k: v * factor for k, v in wanted.items()}
        self.balance = budget
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
        """A cut that ends applies again from the next fiscal year."""
        self.cut_share = 0.0
        self.programme_cut.clear()

    def pay(self, label: str, request: float, planned_left: float) -> float:
        """Pay up to ``request`` for a programme, spreading its envelope over the year.

        Returns the Rp approved; the programme scales itself down to it."""
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

    def lose_knowledge(self, loss: float) -> None:
        self.knowledge *= 1.0 - loss

    def step(self) -> None:
        self.knowledge += self.regrowth * (1.0 - self.knowledge)


class Association(mesa.Agent):
    """A village's producers' group (kelompok usaha) with a board.

    There is one per village and at scale there are thousands, so their state
    sits in the model's per-village arrays; this agent is a handle on them.

    Attributes:
        village: village index.
        knowledge: what the board knows about running the group and the
            programmes, in [0, 1] (Blitar: inconsistent officer turnover).
        awareness: the community's awareness of and initiative in the
            programme, in [0, 1]; low when programmes are top-down, raised by
            dialogue in a coordination forum.
        board: indices of the artisans on the board.
    """

    def __init__(self, model: mesa.Model, village: int):
        super().__init__(model)
        self.village = village

    @property
    def knowledge(self) -> float:
        return float(self.model.villages.knowledge[self.village])

    @property
    def awareness(self) -> float:
        return float(self.model.villages.awareness[self.village])

    @property
    def board(self) -> np.ndarray:
        a = self.model.artisans
        return np.flatnonzero(a.board & (a.village == self.village))


class LJMPAgent(mesa.Agent):
    """One cluster's LJMP: aggregates and markets products, lends, deploys mentors.

    A handle on the model's per-cluster arrays (see :class:`Association`).

    Attributes:
        cluster: cluster index.
        fund: lending fund, Rp (never negative: it lends only what it has).
        loans_out: principal outstanding, Rp.
        members: number of member artisans.
    """

    def __init__(self, model: mesa.Model, cluster: int):
        super().__init__(model)
        self.cluster = cluster

    @property
    def fund(self) -> float:
        return float(self.model.ljmp_fund[self.cluster])

    @property
    def loans_out(self) -> float:
        a = self.model.artisans
        return float(a.debt[a.cluster == self.cluster].sum())

    @property
    def members(self) -> int:
        a = self.model.artisans
        return int((a.ljmp & (a.cluster == self.cluster)).sum())
