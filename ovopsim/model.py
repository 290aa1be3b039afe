"""The OVOP village-economy model (Mesa 3.5), one step per month.

:class:`OVOPModel` builds the world from a validated scenario and advances it
month by month. ``step`` delegates, in this order, to:

1. ``_budget``      the fiscal year opens: the government's budget is appropriated
2. ``_shocks``      budget cuts, officer turnover, access shocks
3. ``_programmes``  government-funded interventions, scaled to what the budget pays
4. ``_ljmp``        LJMP membership, mentors, loans and repayments
5. ``_produce_and_sell``  production, the market, orders passed along partnerships
6. ``_money``       income, household draw, hiring, investment, closures
7. ``_network``     partnerships form, partners introduce partners
8. ``_learn``       practices fade or grow, quality and market reach update
9. accounts are checked to close; indicators are recorded

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
from .market import Market
from .network import SocialNetwork

# quality = weighted practices and equipment (assumption, docs/ODD.md 7.4)
Q_SKILL, Q_GMP, Q_DESIGN, Q_EQUIP, Q_ENV = 0.35, 0.2, 0.15, 0.15, 0.15
Q_REF = 0.3  # quality at which the price is the base price
STANDARD_GMP = 0.6  # GMP level that meets the product standard


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
        first = self.market.orders(1, product, a.reach, attract, len(used), self._size).sum(axis=1)
        a.expected[:] = first / (1 + b.festive_boost if self.market.festive[1] else 1.0)
        a.cash[:] = w.capital_months * a.expected * self.price[product] * self.material_share[product]
        Artisan.create_agents(self, n, idx=list(range(n)))
        self.flows = accounting.Flows(n, nc)

    # ------------------------------------------------------------------ helpers
    def _base_capacity(self) -> np.ndarray:
        """Units per month at normal hours, before season and partners."""
        a = self.artisans
        v = self.villages
        return (self.art_out_per_worker * (1 + a.workers) * self.equipment_productivity[a.tier]
                * (0.5 + a.skill) * v.raw_material[a.village])

    def _attractiveness(self, capacity: np.ndarray) -> np.ndarray:
        """Buyers' weight for an artisan within a tier: size, quality, reputation.

        Orders grow less than in proportion to size (``size_elasticity`` < 1):
        buyers follow a producer, not its headcount, so a business that lays a
        worker off keeps most of its customers (assumption, ODD). With elasticity 1
        a producer with below-average quality lost orders with every lay-off and
        shrank to nothing."""
        a = self.artisans
        return np.maximum(capacity, 0.0) ** self.b.size_elasticity * a.quality * (1 + a.reputation)

    def _environment(self) -> np.ndarray:
        a = self.artisans
        return np.where(self.art_needs_ipal, np.where(self.villages.facility[a.village], 1.0, 0.3), 1.0)

    def _update_quality_and_reach(self) -> None:
        a, b, v = self.artisans, self.b, self.villages
        # without dyeing products every environment score is 1 (a scalar: same sums)
        env = self._environment() if self.any_needs_ipal else 1.0
        a.quality[:] = _clip01(Q_SKILL * a.skill + Q_GMP * a.gmp + Q_DESIGN * a.design
                               + Q_EQUIP * a.tier / 2 + Q_ENV * env)
        between = self._between_partners()
        score = (b.reach_access * v.access[a.village] + v.reach_bonus[a.village]
                 + b.reach_digital * a.digital + b.reach_brand * a.brand + a.exposure
                 + self.spec.ljmp.reach_bonus * a.ljmp
                 + b.reach_partner * np.minimum(between, 2))
        standard = (a.gmp >= STANDARD_GMP) & (env >= 1.0)
        a.reach[:] = np.where((score >= b.reach_export) & a.brand & standard, 2,
                              np.where(score >= b.reach_national, 1, 0))

    def _between_partners(self) -> np.ndarray:
        net = self.network
        m = net.m
        e = net.partner[:m] & net.between[:m]
        return (np.bincount(net.u[:m][e], minlength=net.n) + np.bincount(net.v[:m][e], minlength=net.n))

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
        self._produce_and_sell(month)
        self._money(month)
        self._network(month)
        self._learn()
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

    def _produce_and_sell(self, month: int) -> None:
        a, b, f, mk = self.artisans, self.b, self.flows, self.market
        act = a.active
        festive = bool(mk.festive[month])
        season = self.rainy_season if mk.rainy[month] else 1.0
        base = self._base_capacity()
        cap = base * season * (1 + b.stage_bonus * np.minimum(self.stage_partners, 2) / 2)
        if festive:
            cap = cap * b.overtime
        cap = np.where(act, cap, 0.0)
        factor = 1 + b.festive_boost if festive else 1.0
        plan = np.minimum(np.maximum(a.expected * factor * 1.05 - a.inventory, 0.0), cap)
        attract = np.where(act, self._attractiveness(base), 0.0)
        orders = mk.orders(month, a.product, a.reach, attract, len(self.product_names), self._size)
        supply = plan + a.inventory
        sold = Market.fill(orders, supply)
        sold_units = _rowsum(sold)
        ordered = _rowsum(orders)
        unmet = ordered - sold_units
        spare = np.maximum(cap - plan, 0.0)

        # the price received: tier, quality, and the share of the middleman margin won back
        capture = np.where(a.ljmp, self.spec.ljmp.margin_capture, 0.0)
        unit = (self.art_price * (1 + b.quality_premium * (a.quality - Q_REF))
                * (1 - b.middleman_margin * (1 - capture)))
        unit = np.maximum(unit, 0.0)
        received, com_in, com_out, stage = self.network.exchange(
            self.rng, unmet=unmet, spare=spare, unit_value=unit, margin=self.art_margin, product=a.product,
            stage=self.villages.stage[a.village], reciprocity=a.reciprocity, active=act,
            commission=b.commission, memory=b.balance_memory, one_sided_ratio=b.one_sided_ratio,
            trust_gain=b.trust_gain, trust_loss=b.trust_loss, trust_neglect=b.trust_neglect,
            trust_floor=b.trust_floor, dissolve_after=b.dissolve_after, month=month)
        self.stage_partners = stage
        by_tier = sold * (unit[:, None] * mk.tier_price[None, :])
        by_tier[:, 0] += received * unit
        revenue = _rowsum(by_tier)
        produced = plan + received
        left = supply - sold_units
        spoiled = left * self.art_spoilage
        f.produced += produced
        f.sold += sold_units + received
        f.spoiled += spoiled
        a.inventory[:] = left - spoiled
        f.revenue += revenue
        if a.ljmp.any():  # no LJMP members, no fees (adding zeros changes nothing)
            f.fee += np.where(a.ljmp, self.spec.ljmp.fee * revenue, 0.0)
            np.add.at(f.fund_in, a.cluster, f.fee)
            self.ljmp_fund += np.bincount(a.cluster, f.fee, len(self.cluster_names))
        f.materials += produced * self.art_price * self.art_material_share
        f.com_in += com_in
        f.com_out += com_out
        a.sales_by_tier = by_tier
        a.output[:] = produced
        a.sales_units[:] = sold_units + received
        a.revenue[:] = revenue
        # expectations follow de-seasonalised orders
        a.expected[:] = np.where(act, 0.7 * a.expected + 0.3 * ordered / factor, 0.0)
        self._unmet_last = unmet
        self._cap = cap
        self._plan = plan

    def _money(self, month: int) -> None:
        a, b, f = self.artisans, self.b, self.flows
        act = a.active
        f.wages += np.where(act, a.workers * b.wage, 0.0)
        trading = f.revenue - f.fee - f.materials - f.wages  # shared by profit and cash (same sums)
        profit = trading - f.interest + f.com_in - f.com_out
        # the household takes the profit up to its subsistence needs and a share of
        # the rest; in a loss month it takes nothing and the business's cash absorbs
        # the loss (farm income carries the household: rice, corn, cassava)
        pos = np.maximum(profit, 0.0)
        draw = np.where(act, np.minimum(pos, b.subsistence) + b.draw_share * np.maximum(pos - b.subsistence, 0.0), 0.0)
        # grants, loans, repayments and equipment were booked to cash when they happened
        operating = trading + f.com_in - f.com_out
        # informal debts (negative cash) are repaid before the household takes its share,
        # so a profitable business climbs out of the red and only loss-making ones close
        # (assumption, ODD; without it a business earning less than subsistence never
        # rebuilds its cash and closes however profitable it is)
        draw = np.minimum(draw, np.maximum(a.cash + operating, 0.0))
        f.draw += draw
        a.cash += operating - draw
        a.income[:] = np.where(act, profit, 0.0)
        a.income_ema[:] = np.where(a.income_ema == 0, profit, 0.8 * a.income_ema + 0.2 * profit)
        dev = np.abs(profit - a.income_ema) / np.maximum(np.abs(a.income_ema), b.subsistence)
        a.volatility[:] = 0.8 * a.volatility + 0.2 * dev

        # hire when orders go unmet, lay off when capacity idles (not in peak months)
        per_worker = self._cap / np.maximum(1 + a.workers, 1)
        hire = act & (self._unmet_last > 0.5 * per_worker) & (a.cash > 3 * b.wage) & (a.workers < b.max_workers)
        fire = act & (a.workers > 0) & ((a.cash < 0) | (~self.market.festive[month]
                                                        & (self._plan < 0.5 * self._cap)))
        a.workers += hire.astype(np.int64) - fire.astype(np.int64)
        # buy better equipment when demand outgrows capacity and cash allows
        nxt = np.minimum(a.tier + 1, 2)
        price = self.equipment_cost[nxt]
        buy = act & (a.tier < 2) & (self._unmet_last > 0.2 * self._cap) & (a.cash >= b.invest_buffer * price)
        if buy.any():
            a.cash[buy] -= price[buy]
            f.invest[buy] += price[buy]
            a.tier[buy] += 1

        # a business with negative cash for months_to_close months in a row closes
        a.neg_months[:] = np.where(act & (a.cash < 0), a.neg_months + 1, 0)
        closing = act & (a.neg_months >= b.months_to_close)
        if closing.any():
            a.active[closing] = False
            a.workers[closing] = 0
            f.written_off[closing] += a.debt[closing]
            a.debt[closing] = 0.0
            self.network.drop_inactive(a.active)
            np.subtract.at(self.villages.active_artisans, a.village[closing], 1)

    def _network(self, month: int) -> None:
        a, b = self.artisans, self.b
        net = self.network
        m = net.m
        u, v = net.u[:m], net.v[:m]
        same = a.product[u] == a.product[v]
        shortfall = (self._unmet_last > 0)
        spare = self._cap - self._plan > 0
        comp = np.where(same & ((shortfall[u] & spare[v]) | (shortfall[v] & spare[u])), 1.0, 0.2)
        comp = np.where(same & (self.villages.stage[a.village[u]] != self.villages.stage[a.village[v]]),
                        1.0, comp)
        net.form(self.rng, complementarity=comp, active=a.active, rate=b.partner_rate,
                 trust_min=b.partner_trust_min, month=month)
        net.introduce(self.rng, b.closure_rate, a.active)

    def _learn(self) -> None:
        a, b = self.artisans, self.b
        use = np.where(a.active, _clip01(self._plan / np.maximum(self._cap, 1e-9)), 0.0)
        a.skill += b.practice_learning * use * (1 + a.mentored) * (1 - a.skill)
        # practices not refreshed by a mentor fade (decay 0 for the mentored)
        decay = np.where(a.mentored, 0.0, b.skill_decay)
        for x in (a.gmp, a.design, a.digital, a.books):
            x -= decay * x
        a.exposure *= 1 - b.exposure_decay
        a.reputation *= 1 - b.reputation_decay
        self._update_quality_and_reach()

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


def _rowsum(x: np.ndarray) -> np.ndarray:
    """``x.sum(axis=1)`` (the same reduction) without the method's Python wrapper."""
    return np.add.reduce(x, axis=1)


def _clip01(x: np.ndarray) -> np.ndarray:
    """``np.clip(x, 0, 1)`` (same values) without its call overhead, which dominates on small arrays."""
    return np.minimum(np.maximum(x, 0.0), 1.0)
