"""The OVOP village-economy model (Mesa 3.5), one step per month.

:class:`OVOPModel` builds the world from a validated scenario and advances it
month by month. ``step`` delegates, in this order, to:

1. ``_budget``      the fiscal year opens: the government's budget is appropriated
2. ``_shocks``      budget cuts, officer turnover, access shocks
3. ``_programmes``  government-funded interventions, scaled to what the budget pays
4. ``_ljmp``        LJMP membership, mentors, loans and repayments
5. ``_economy``     in compiled kernels (:mod:`ovopsim.kernels.month`), in this order:
   production, the market, orders passed along partnerships; income, household
   draw, hiring, investment, closures; partnerships form; practices fade or
   grow, quality and market reach update; then partners introduce partners
6. accounts are checked to close; indicators are recorded

All randomness comes from ``self.rng`` (NumPy) seeded through ``rng=``.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np
import pandas as pd

from . import accounting, indicators
from . import interventions as iv
from .agents import Artisan, Artisans, Association, Government, LJMPAgent
from .config import Scenario
from .kernels import month as _k
from .market import Market
from .network import SocialNetwork

# no ties (the world's capacity is computed before the network exists)
_NO_TIES_BOOL = np.zeros(0, bool)
_NO_TIES_INT = np.zeros(0, np.int64)


@dataclass
class Villages:
    """Per-village state (arrays indexed by village)."""

    households: np.ndarray
    raw_material: np.ndarray
    access: np.ndarray
    stage: np.ndarray
    product_history: np.ndarray
    local_wisdom: np.ndarray
    cluster: np.ndarray
    knowledge: np.ndarray    # association's institutional knowledge
    awareness: np.ndarray    # community awareness of the programme
    facility: np.ndarray     # shared facility (IPAL) built
    reach_bonus: np.ndarray  # from access shocks
    active_artisans: np.ndarray


class OVOPModel(mesa.Model):
    """Artisans, government, associations and LJMPs of a district, month by month.

    Args:
        scenario: a validated :class:`ovopsim.config.Scenario`.
        rng: seed (or numpy Generator) for all randomness.
        months: horizon (default: the scenario's); only sizes calendars.
        record_agents: keep per-artisan monthly records (memory grows with n x months).
        check_accounting: verify every month that the books close (cheap; on by default).

    Attributes:
        artisans: :class:`ovopsim.agents.Artisans` arrays.
        network: :class:`ovopsim.network.SocialNetwork`.
        market: :class:`ovopsim.market.Market`.
        government: the :class:`ovopsim.agents.Government` agent.
        villages: per-village arrays; associations: one Mesa agent per village.
        ljmp_fund: lending fund per cluster (zeros where there is no LJMP).
        records: the indicators of each month, read as a list of dicts
            (:class:`ovopsim.indicators.MonthlyRecords`; see :meth:`monthly`).
    """

    def __init__(self, scenario: Scenario | None = None, *, rng=None, months: int | None = None,
                 record_agents: bool = False, check_accounting: bool = True):
        scenario = scenario if scenario is not None else Scenario()
        super().__init__(rng=rng if rng is not None else scenario.scenario.seed)
        self.spec = scenario
        self.b = scenario.behaviour
        self.months = months or scenario.scenario.months
        self.record_agents = record_agents
        self.check_accounting = check_accounting
        self.records = indicators.MonthlyRecords(self.months)
        self.agent_records: list[pd.DataFrame] = []
        self.turnovers = 0
        self._build_world()
        self._ledger = accounting.Ledger(self.artisans.n, len(self.cluster_names))
        self.programmes, self.shocks = iv.build(scenario.interventions, self)
        self.running = True

    # ------------------------------------------------------------------ world
    def _build_world(self) -> None:
        s, b, w = self.spec, self.b, self.spec.world
        rng = self.rng
        villages = s.village_list()
        catalogue = s.catalogue()
        used = sorted({p for v in villages for p in v.artisans})
        self.product_names = used
        prods = [catalogue[p] for p in used]
        self.price = np.array([p.price for p in prods])
        self.out_per_worker = np.array([p.output_per_worker for p in prods])
        self.material_share = np.array([p.material_share for p in prods])
        self.dried = np.array([p.dried for p in prods])
        self.spoilage = np.array([p.spoilage for p in prods])
        self.needs_ipal = np.array([p.needs_ipal for p in prods])
        self.equipment_productivity = np.asarray(b.equipment_productivity, float)
        self.equipment_cost = np.asarray(b.equipment_cost, float)
        self.village_names = [v.name for v in villages]
        # clusters in order of first appearance
        cluster_names = list(dict.fromkeys(v.cluster or v.name for v in villages))
        self.cluster_names = cluster_names
        cl_index = {c: i for i, c in enumerate(cluster_names)}
        pcode = {p: i for i, p in enumerate(used)}

        vill, prod = [], []
        for vi, v in enumerate(villages):
            for p, k in v.artisans.items():
                vill += [vi] * k
                prod += [pcode[p]] * k
        village = np.array(vill, np.int64)
        product = np.array(prod, np.int64)
        n = len(village)
        nv = len(villages)
        vcluster = np.array([cl_index[v.cluster or v.name] for v in villages], np.int64)
        self.villages = Villages(
            households=np.array([v.households for v in villages], float),
            raw_material=np.array([v.raw_material for v in villages]),
            access=np.array([v.access for v in villages]),
            stage=np.array([v.stage for v in villages], np.int64),
            product_history=np.array([v.product_history for v in villages]),
            local_wisdom=np.array([v.local_wisdom for v in villages]),
            cluster=vcluster,
            knowledge=np.ones(nv),
            awareness=np.full(nv, b.awareness_topdown),
            facility=np.zeros(nv, bool),
            reach_bonus=np.zeros(nv),
            active_artisans=np.bincount(village, minlength=nv),
        )

        def clipped(mean, sd, size):
            return np.clip(rng.normal(mean, sd, size), 0.0, 1.0)

        tier = rng.choice(3, size=n, p=np.asarray(w.equipment_shares) / np.sum(w.equipment_shares))
        member = rng.random(n) < w.group_member_share
        board_p = w.board_share / max(w.group_member_share, 1e-9)
        workers = np.minimum(rng.poisson(w.workers_mean, n), b.max_workers).astype(np.int64)
        # the catalogue values of each artisan's product (products never change hands),
        # gathered once rather than every month
        self.art_price = self.price[product]
        self.art_out_per_worker = self.out_per_worker[product]
        self.art_material_share = self.material_share[product]
        self.art_spoilage = self.spoilage[product]
        self.art_needs_ipal = self.needs_ipal[product]
        self.any_needs_ipal = bool(self.art_needs_ipal.any())
        self.art_margin = np.clip(1 - self.art_material_share, 0, 1)
        # capacity factor of each artisan in a rainy month (dried products dip)
        self.rainy_season = np.where(self.dried[product], 1 - b.rainy_dip, 1.0)
        a = Artisans(
            village=village, cluster=vcluster[village], product=product,
            skill=clipped(w.skill_mean, w.skill_sd, n),
            gmp=np.where(rng.random(n) < w.gmp_trained_share, 0.3, 0.05),
            design=clipped(0.1, 0.05, n),
            digital=clipped(0.05, 0.03, n),
            books=np.where(rng.random(n) < w.bookkeeping_share, 0.3, 0.02),
            tier=tier.astype(np.int64), workers=workers,
            cash=np.zeros(n), debt=np.zeros(n), inventory=np.zeros(n),
            quality=np.zeros(n), brand=np.zeros(n, bool), reach=np.zeros(n, np.int64),
            exposure=np.zeros(n), reputation=np.zeros(n),
            member=member, board=member & (rng.random(n) < board_p),
            ljmp=np.zeros(n, bool),
            gov_trust=clipped(b.gov_trust_initial, 0.1, n),
            reciprocity=clipped(w.reciprocity_mean, w.reciprocity_sd, n),
            expected=np.zeros(n), active=np.ones(n, bool), neg_months=np.zeros(n, np.int64),
            income=np.zeros(n), revenue=np.zeros(n), sales_units=np.zeros(n), output=np.zeros(n),
            income_ema=np.zeros(n), volatility=np.zeros(n), mentored=np.zeros(n, bool),
            loan_term_left=np.zeros(n, np.int64), sales_by_tier=np.zeros((n, 3)),
            reached=np.zeros(n, bool),
        )
        self.artisans = a
        self.stage_partners = np.zeros(n, np.int64)
        # last month's unmet orders, capacity and plan (read by next month's decisions)
        self._unmet_last = np.zeros(n)
        self._cap = np.zeros(n)
        self._plan = np.zeros(n)
        self._base = np.zeros(n)       # this month's capacity at normal hours
        self._params = _k.parameters(s)
        self.art_stage = self.villages.stage[village]
        a.sales_by_tier = np.zeros((n, 3))
        cap = self._base_capacity()
        self.market = Market(
            np.bincount(product, cap, len(used)), province=b.province_demand,
            national=b.national_demand, export=b.export_demand, growth=b.demand_growth,
            tier_price=b.tier_price, festive_boost=b.festive_boost, rainy_months=b.rainy_months,
            start_year=b.start_year, months=self.months)
        # expectations start at the province demand share; cash at a few months of materials
        a.expected[:] = b.province_demand * cap
        a.cash[:] = w.capital_months * a.expected * self.art_price * self.art_material_share
        a.income_ema[:] = 0.0

        net = s.network
        self.network = SocialNetwork.build(
            rng, village, within_degree=net.within_degree, rewire=net.rewire,
            bridges_per_artisan=net.bridges_per_artisan, bridge_reach=net.bridge_reach,
            trust_within=net.trust_within, trust_between=net.trust_between)
        m = self.network.m
        nu, nvv = self.network.u[:m], self.network.v[:m]
        start_p = (~self.network.between[:m]) & (product[nu] == product[nvv]) & (
            rng.random(m) < net.initial_partner_share)
        self.network.partner[:m] = start_p
        self.network.since[:m][start_p] = 0

        self.government = Government(self, s.government.annual_budget, s.government.knowledge_regrowth)
        self.associations = [Association(self, vi) for vi in range(nv)]
        nc = len(cluster_names)
        self.ljmp_enabled = s.ljmp.enabled
        self.ljmp_fund = np.full(nc, s.ljmp.fund if s.ljmp.enabled else 0.0)
        self.ljmps = [LJMPAgent(self, c) for c in range(nc)] if s.ljmp.enabled else []
        self._update_quality_and_reach()
        # a surveyed population starts settled: each artisan expects the orders its
        # quality wins it (not a uniform share of capacity), so the first year is not a
        # transient of over-production, unsold stock and lay-offs (assumption, ODD)
        attract = self._attractiveness(cap)
        self._size = cap.copy()  # initial capacity: what a producer brings to an outer tier
        first = self.market.orders(1, product, a.reach, attract, self._size).sum(axis=1)
        a.expected[:] = first / (1 + b.festive_boost if self.market.festive[1] else 1.0)
        a.cash[:] = w.capital_months * a.expected * self.price[product] * self.material_share[product]
        Artisan.create_agents(self, n, idx=list(range(n)))
        self.flows = accounting.Flows(n, nc)

    # ------------------------------------------------------------------ helpers
    def _base_capacity(self) -> np.ndarray:
        """Units per month at normal hours, before season and partners."""
        a = self.artisans
        base = np.empty(a.n)
        _k.prepare(self.art_out_per_worker, a.workers, self.equipment_productivity, a.tier, a.skill,
                   self.villages.raw_material, a.village, _NO_TIES_BOOL, _NO_TIES_INT, _NO_TIES_INT, 0,
                   a.active, base)
        return base

    def _attractiveness(self, capacity: np.ndarray) -> np.ndarray:
        """Buyers' weight for an artisan within a tier: size, quality, reputation.

        Orders grow less than in proportion to size (``size_elasticity`` < 1):
        buyers follow a producer, not its headcount, so a business that lays a
        worker off keeps most of its customers (assumption, ODD). With elasticity 1
        a producer with below-average quality lost orders with every lay-off and
        shrank to nothing. 0 for a closed business.

        The power is NumPy's (its SIMD version rounds differently from compiled code's)."""
        a = self.artisans
        out = np.empty(a.n)
        _k.attractiveness(np.maximum(capacity, 0.0) ** self.b.size_elasticity, a.quality, a.reputation,
                          a.active, out)
        return out

    def _environment(self) -> np.ndarray:
        a = self.artisans
        return np.where(self.art_needs_ipal, np.where(self.villages.facility[a.village], 1.0, 0.3), 1.0)

    def _update_quality_and_reach(self) -> None:
        a, v, net = self.artisans, self.villages, self.network
        between, _ = _k.partners_between(net.u, net.v, net.partner, net.between, net.m, net.n)
        _k.quality_and_reach(a.village, a.skill, a.gmp, a.design, a.digital, a.tier, a.quality, a.brand,
                             a.reach, a.exposure, a.ljmp, self.art_needs_ipal, self.any_needs_ipal,
                             v.access, v.reach_bonus, v.facility, between, self._params)

    def lend(self, idx: np.ndarray, amount: np.ndarray) -> None:
        """LJMP loans to artisans ``idx`` (the funds must already hold the money)."""
        a, f = self.artisans, self.flows
        cl = a.cluster[idx]
        np.subtract.at(self.ljmp_fund, cl, amount)
        np.add.at(f.fund_out, cl, amount)
        a.debt[idx] += amount
        a.cash[idx] += amount
        f.loan_in[idx] += amount
        a.loan_term_left[idx] = self.spec.ljmp.loan_term
        self._new_loans += float(amount.sum())

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        month = self.steps
        self.flows.reset()
        if self.check_accounting:
            self._ledger.open(self)
        self.artisans.mentored[:] = False
        self._new_loans = 0.0
        self._defaults = 0
        self._budget(month)
        self._shocks(month)
        self._programmes(month)
        self._ljmp(month)
        self._economy(month)
        if self.check_accounting:
            self._ledger.close(month, self)
        self.records.add(self, month)
        if self.record_agents:
            self.agent_records.append(indicators.agent_frame(self, month))
        if month >= self.months:
            self.running = False

    def _budget(self, month: int) -> None:
        gov = self.government
        gov.spent_month = 0.0
        if (month - 1) % 12 == 0:
            last = month + 11
            planned: dict[str, float] = {}
            for p in self.programmes:
                planned[p.label] = planned.get(p.label, 0.0) + p.planned(self) * p.rounds_in(month, last)
            appropriated, lapsed = gov.open_fiscal_year(planned)
            self.flows.gov_in += appropriated
            self.flows.gov_lapse += lapsed

    def _shocks(self, month: int) -> None:
        for s in self.shocks:
            s.apply(self, month)

    def _programmes(self, month: int) -> None:
        gov = self.government
        year_end = month + (12 - (month - 1) % 12) - 1
        for p in self.programmes:
            if not p.active(month):
                continue
            idx, cost = p.offer(self)
            if len(idx) == 0:
                continue
            request = float(cost.sum())
            if request <= 0:
                p.effect(self, idx)
                continue
            # what the rest of the year's rounds of this programme would cost
            left = request * p.rounds_in(month, year_end)
            approved = gov.pay(p.label, request, left)
            cum = np.cumsum(cost)
            k = int(np.searchsorted(cum, approved * (1 + 1e-12), side="right"))
            spent = float(cum[k - 1]) if k else 0.0
            gov.refund(p.label, approved - spent)
            if k:
                p.effect(self, idx[:k])
        self.flows.gov_spent += gov.spent_month
        gov.step()
        v = self.villages
        v.knowledge += self.spec.government.knowledge_regrowth * (1 - v.knowledge)

    def _ljmp(self, month: int) -> None:
        a, f, lj = self.artisans, self.flows, self.spec.ljmp
        # repayments and defaults on loans already out
        owing = ((a.debt > 0) & a.active).nonzero()[0]
        if len(owing):
            debt = a.debt[owing]
            interest = debt * lj.interest
            principal = debt / np.maximum(a.loan_term_left[owing], 1)
            due = interest + principal
            hazard = lj.default_base + lj.default_volatility * a.volatility[owing]
            default = (self.rng.random(len(owing)) < hazard) | ((a.cash[owing] < due) & (a.cash[owing] < 0))
            pay = ~default & (a.cash[owing] >= due)
            pi, di = owing[pay], owing[default]
            f.interest[pi] += interest[pay]
            f.principal[pi] += principal[pay]
            a.cash[pi] -= due[pay]
            a.debt[pi] -= principal[pay]
            a.loan_term_left[pi] -= 1
            np.add.at(f.fund_in, a.cluster[pi], due[pay])
            np.add.at(self.ljmp_fund, a.cluster[pi], due[pay])
            f.written_off[di] += a.debt[di]
            a.debt[di] = 0.0
            a.loan_term_left[di] = 0
            self._defaults += len(di)
            # tiny remainders from rounding are forgiven as repaid at term end
            done = pi[(a.loan_term_left[pi] <= 0) | (a.debt[pi] < 1.0)]
            f.written_off[done] += a.debt[done]
            a.debt[done] = 0.0
        if not self.ljmp_enabled or month < lj.start:
            return
        a.ljmp |= a.active & (a.gov_trust >= lj.join_trust)
        mem = (a.ljmp & a.active).nonzero()[0]
        if len(mem) == 0:
            return
        # mentors (interns) follow a few members each, least skilled first
        cap = lj.mentors * lj.mentees_per_mentor
        if cap:
            order = mem[np.lexsort((self.rng.random(len(mem)), a.skill[mem], a.cluster[mem]))]
            rank = _rank_within(a.cluster[order])
            mentees = order[rank < cap]
            a.mentored[mentees] = True
        # loans: members without a loan who need working capital or want equipment
        need = (a.cash[mem] < self._monthly_costs()[mem]) | ((self._unmet_last[mem] > 0) & (a.tier[mem] < 2))
        ok = need & (a.debt[mem] <= 0) & (a.cash[mem] > -self.spec.ljmp.loan_size)
        app = mem[ok]
        if len(app):
            app = app[np.lexsort((self.rng.random(len(app)), a.cluster[app]))]
            amt = np.full(len(app), lj.loan_size)
            cum = _cumsum_within(a.cluster[app], amt)
            granted = app[cum <= self.ljmp_fund[a.cluster[app]] + 1e-9]
            if len(granted):
                self.lend(granted, np.full(len(granted), lj.loan_size))

    def _monthly_costs(self) -> np.ndarray:
        a = self.artisans
        return (a.expected * self.art_price * self.art_material_share
                + a.workers * self.b.wage)

    def _economy(self, month: int) -> None:
        """Production and the market, business along partnerships, money, partnerships
        forming and introduced, learning, quality and reach (:mod:`ovopsim.kernels.month`)."""
        a, net, mk, v, f = self.artisans, self.network, self.market, self.villages, self.flows
        k = _k.prepare(self.art_out_per_worker, a.workers, self.equipment_productivity, a.tier, a.skill,
                       v.raw_material, a.village, net.partner, net.u, net.v, net.m, a.active,
                       self._base)
        attract = self._attractiveness(self._base)
        rng = self.rng
        draw_exchange = rng.random((4, k))
        draw_form = rng.random(net.m)
        formed, gone, recip, closed, partnerships = _k.month(
            month, bool(mk.festive[month]), bool(mk.rainy[month]), mk.demand(month),
            a.village, a.cluster, a.product, a.skill, a.gmp, a.design, a.digital, a.books, a.tier,
            a.workers, a.cash, a.debt, a.inventory, a.quality, a.brand, a.reach, a.exposure,
            a.reputation, a.ljmp, a.reciprocity, a.expected, a.active, a.neg_months, a.income,
            a.revenue, a.sales_units, a.output, a.income_ema, a.volatility, a.mentored,
            a.sales_by_tier,
            self.art_price, self.art_material_share, self.art_spoilage, self.art_margin,
            self.art_needs_ipal, self.rainy_season, self.art_stage, self.any_needs_ipal,
            self.equipment_cost,
            v.access, v.reach_bonus, v.facility, v.active_artisans, self.ljmp_fund,
            mk.capacity, mk.tier_price, self._size,
            net.u, net.v, net.trust, net.balance, net.volume, net.partner, net.one_sided, net.since,
            net.between, net.m,
            self.stage_partners, self._unmet_last, self._cap, self._plan, self._base, attract,
            f.revenue, f.fee, f.materials, f.wages, f.interest, f.draw, f.invest, f.written_off,
            f.com_in, f.com_out, f.produced, f.sold, f.spoiled, f.fund_in,
            draw_exchange, draw_form, self._params)
        net.formed += formed
        net.count_dissolved(gone, recip, closed)
        net.introduce(rng, self.b.closure_rate, a.active, partnerships)

    # ------------------------------------------------------------------ outputs
    def monthly(self) -> pd.DataFrame:
        """The tidy monthly indicators recorded so far (one row per month)."""
        return self.records.frame()

    def agents_frame(self) -> pd.DataFrame:
        if not self.agent_records:
            return pd.DataFrame()
        return pd.concat(self.agent_records, ignore_index=True)

    def scorecard(self) -> pd.DataFrame:
        return indicators.scorecard(self)

    def tie_arrays(self) -> dict[str, np.ndarray]:
        """The ties as arrays (copies), for drawing and analysis without networkx:
        ``u``, ``v`` (artisan indices), ``trust`` (0-1), ``partner`` and ``between``
        (booleans), one element per tie."""
        net, m = self.network, self.network.m
        return {"u": net.u[:m].copy(), "v": net.v[:m].copy(), "trust": net.trust[:m].copy(),
                "partner": net.partner[:m].copy(), "between": net.between[:m].copy()}

    def graph(self):
        """The social-capital network as a networkx Graph (nodes carry village, product, income)."""
        a = self.artisans
        return self.network.to_networkx(village=a.village, product=a.product, income=a.income,
                                        active=a.active)


def _group_first(groups: np.ndarray) -> np.ndarray:
    """Index of the first element of each element's run of equal values (input sorted by group)."""
    n = len(groups)
    start = np.r_[True, groups[1:] != groups[:-1]] if n else np.zeros(0, bool)
    return np.maximum.accumulate(np.where(start, np.arange(n), 0)) if n else np.zeros(0, np.int64)


def _rank_within(groups: np.ndarray) -> np.ndarray:
    """Position of each element within its run of equal values (input sorted by group)."""
    return np.arange(len(groups)) - _group_first(groups)


def _cumsum_within(groups: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Cumulative sum restarting at each new group (input sorted by group)."""
    cs = np.cumsum(values)
    first = _group_first(groups)
    return cs - cs[first] + values[first]
