"""The OVOP village-economy model (Mesa 3.5), one step per month.

:class:`OVOPModel` builds the world from a validated scenario (:mod:`ovopsim.world`),
runs it through a warm-up year that is not recorded (so month 1 is a settled
economy), then advances it month by month. Each month calls the mechanisms in
this order (each a module of :mod:`ovopsim.mechanisms`, its docstring the ODD
submodel):

1. government: the fiscal year opens; shocks; programmes (:mod:`ovopsim.interventions`);
2. LJMP: repayments and defaults, costs, membership, mentors, loans;
3. production: capacity and plan; inputs from suppliers and traders (exchange);
4. market: demand, orders, sales; the LJMP's aggregation;
5. exchange: unmet orders passed along ties; debts paid or not; the trust rule and gossip;
6. market prices move with utilisation; expectations update;
7. money: income, draw, closures; hiring and equipment; entry;
8. partnerships: ending, suppliers, forming;
9. learning: practice, quality and reach;
10. new ties met this month; business contacts forgotten; officers and boards learn;
11. the books are checked to close and the indicators recorded.

A month starts with one compiled call (:func:`ovopsim.months.start_month`: no flows,
events or mentors yet, the stocks copied for the check of the books). Steps 2-9 are one
compiled call (:func:`ovopsim.mechanisms.month.economy`), and steps 2-11 with the
indicators one (:func:`ovopsim.months.after_government`); the warm-up's months, which
have no government, run a year to a call (:func:`ovopsim.months.warm_months`), and
recorded months in which the government does nothing several to a call
(:meth:`OVOPModel.run_months`, :func:`ovopsim.months.quiet_months`).

All randomness comes from the model's seed: the initial world from ``self.rng``,
every decision from a counter-based hash of the seed (:mod:`ovopsim.mechanisms.random`).
"""

from __future__ import annotations

from collections import OrderedDict

import mesa
import numpy as np
import pandas as pd

from . import accounting, indicators, months, state, world
from . import interventions as iv
from .agents import Artisan, Association, LJMPAgent
from .config import Scenario
from .mechanisms import learning, ljmp, market, partnerships
from .mechanisms.government import Government
from .state import EVENTS


def fiscal_year_opens(m: int) -> bool:
    """Whether a fiscal year opens in month ``m``: months 1, 13, 25, ..."""
    return (m - 1) % 12 == 0


def warm_key(scenario: Scenario, seed: int) -> tuple[str, int]:
    """What a world's build and warm-up depend on: the scenario without its interventions,
    its name and horizon and the annual budget (none of which acts before month 1), and
    the seed. Runs with equal keys reach the same state at month 1."""
    return (scenario.model_dump_json(exclude={"scenario": True, "interventions": True,
                                              "government": {"annual_budget"}}), int(seed))


#: the scenario's sections a world's build (:func:`ovopsim.world.build`) does not read: its
#: name and horizon, the trust rule, money, the government and the interventions
NOT_BUILT_FROM = {"scenario": True, "trust": True, "money": True, "government": True, "interventions": True}


def build_key(scenario: Scenario, seed: int) -> tuple[str, int]:
    """What a world's build depends on: the scenario without the sections it does not
    read (:data:`NOT_BUILT_FROM`), and the seed. Runs with equal keys build the same
    world (tests/test_warm_starts.py changes every field left out and compares)."""
    return scenario.model_dump_json(exclude=NOT_BUILT_FROM), int(seed)


class RecentlyUsed:
    """The most recently used entries, by key: at most ``size`` of them and, with
    ``weigh``, at most ``budget`` of their summed weight (the least recently used go
    first; an entry weighing more than a quarter of the budget is not kept)."""

    def __init__(self, size: int, weigh=None, budget: float = float("inf")):
        self.size, self.weigh, self.budget = size, weigh, budget
        self._entries: OrderedDict = OrderedDict()
        self.hits = 0

    def get(self, key):
        if key is None or key not in self._entries:
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return self._entries[key]

    def put(self, key, entry) -> None:
        if self.weigh is not None and self.weigh(entry) > self.budget / 4:
            return
        self._entries[key] = entry
        while len(self._entries) > self.size or (
                self.weigh is not None and sum(map(self.weigh, self._entries.values())) > self.budget):
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


class WarmStarts(RecentlyUsed):
    """The state at month 1 of recently built worlds, by :func:`warm_key`: runs that
    differ only in their programmes (the arms of a comparison, the candidates of a
    search, a run's paired no-programme run) start from one warm-up instead of each
    running its own. A run started so is identical to one that warmed up itself.
    At most ``size`` states and ``max_bytes`` of them are kept (the oldest go first)."""

    def __init__(self, size: int = 32, max_bytes: int = 128 * 2**20):
        super().__init__(size, _nbytes, max_bytes)


def _nbytes(state: dict) -> int:
    return sum(v.nbytes for v in state.values() if isinstance(v, np.ndarray))


#: the process's warm starts (used by runs made with ``share_warmup=True``)
WARM_STARTS = WarmStarts()


class BuiltWorlds(WarmStarts):
    """Recently built worlds, by :func:`build_key`, as :func:`ovopsim.world.build` left
    them: runs of one seed whose scenarios differ only in what the build does not read
    (a sweep of the trust rule, a search over programmes with common random numbers)
    build the world once. A run whose world was built so is identical to one that built
    its own."""


#: the process's built worlds (every run with a whole-number seed uses them)
BUILT_WORLDS = BuiltWorlds()


def _world_state(w: world.World, built: dict) -> dict:
    """Copies of a world's records, households as drawn and names, and ``built``: what
    :func:`_rebuilt` makes a world from again."""
    return {"artisans": w.artisans.data.copy(), "ties": w.ties.used.copy(), "villages": w.villages.data.copy(),
            "clusters": w.clusters.data.copy(), "products": w.products.data.copy(), "fresh": w.fresh.copy(),
            "built": built, "names": (tuple(w.village_names), tuple(w.cluster_names), tuple(w.product_names),
                                      w.surveyed.copy())}


def _rebuilt(warm: dict) -> world.World:
    """The world of a built world's state (:func:`_world_state`) or of a warm start
    (:meth:`OVOPModel._warm_state`) as :func:`ovopsim.world.build` returns it, its
    records copied from their state then (a run started so is identical to one that
    built, and warmed up, its world itself)."""
    names = warm["names"]
    ties = state.Ties(warm["built"]["ties_capacity"])
    ties.assign(warm["ties"])
    return world.World(state.Table(warm["artisans"].copy(), state.PRACTICE_ALIASES), warm["fresh"].copy(), ties,
                       state.Table(warm["villages"].copy()), state.Table(warm["clusters"].copy()),
                       state.Table(warm["products"].copy()), list(names[0]), list(names[1]), list(names[2]),
                       names[3].copy())


class OVOPModel(mesa.Model):
    """Artisans, government, associations and LJMPs of a district, month by month.

    Args:
        scenario: a validated :class:`ovopsim.config.Scenario`.
        rng: seed for all randomness.
        months: horizon (default: the scenario's); sets when ``running`` turns off.
        record_agents: keep per-artisan monthly records (memory grows with n x months).
        check_accounting: verify every month that the books close (cheap; on by default).
        share_warmup: start from the warm-up of an earlier run in this process with the
            same world and seed (:class:`WarmStarts`) when there is one, and keep this
            one's for later runs; the results are the same either way.

    Attributes:
        artisans, ties, villages, clusters, products: the state records
            (:mod:`ovopsim.state`); ``artisans.cash`` etc. are arrays.
        government: the :class:`~ovopsim.mechanisms.government.Government` agent.
        associations: one Mesa agent per village; ljmps: one per cluster with an LJMP.
        month: the month being (or last) simulated; the warm-up months are 0 and below.
        records: the indicators of each month (:class:`ovopsim.indicators.MonthlyRecords`).
    """

    def __init__(self, scenario: Scenario | None = None, *, rng=None, months: int | None = None,
                 record_agents: bool = False, check_accounting: bool = True, share_warmup: bool = False):
        scenario = scenario if scenario is not None else Scenario()
        seed = scenario.scenario.seed if rng is None else rng
        super().__init__(rng=seed)
        self.spec = scenario
        self.months = months or scenario.scenario.months
        self.record_agents = record_agents
        self.check_accounting = check_accounting
        self.par = state.params(scenario)
        # the decisions' random numbers: a hash of this key (mechanisms/random.py)
        self.key = int(self.rng.integers(0, 2**62))
        key = warm_key(scenario, seed) if share_warmup and isinstance(seed, (int, np.integer)) else None
        warm = WARM_STARTS.get(key)
        if warm is None:
            w, built = self._build(scenario, seed)
        else:  # the world as built, from the warm start (its state is set at month 1 below)
            w, built = _rebuilt(warm), warm["built"]
            self.rng.bit_generator.state = built["rng"]
        self.artisans, self._fresh = w.artisans, w.fresh
        self.ties = w.ties
        self.villages, self.clusters, self.products = w.villages, w.clusters, w.products
        self.village_names, self.cluster_names, self.product_names = (w.village_names, w.cluster_names,
                                                                     w.product_names)
        self.surveyed = w.surveyed
        self._stages = int(self.villages.stage.max()) + 1
        self._trust = (float(scenario.network.trust_within), float(scenario.network.trust_between))
        w_spec = scenario.world
        warmup_max = 1 - world.first_month(w_spec)  # the warm-up's longest, in whole years
        self.calendar = market.Calendar(w_spec.start_year, w_spec.rainy_months, 1 - warmup_max,
                                        max(self.months, 1200))
        self._year, self._calendar_month, self._festive, self._rainy = self.calendar.scalars()
        g = scenario.government
        self.government = Government(self, g.annual_budget, g.officers, g.knowledge_regrowth,
                                     g.newcomer_knowledge, g.plan_documented, g.replan_months)
        self.board_plan = False
        self.board_written = np.zeros(len(self.village_names))
        self.flows = accounting.Flows(self.artisans.n, len(self.cluster_names))
        self.events = np.zeros(1, EVENTS)
        # what each month starts from zero: the flows and the events (as bytes)
        self._month_blocks = (self.flows.artisans.data.view(np.uint8), self.flows.clusters.data.view(np.uint8),
                              self.events.view(np.uint8))
        # the compiled month's argument groups (ovopsim.months): arrays never reallocated
        self._world = (self.artisans.data, self._fresh, self.villages.data, self.products.data, self.clusters.data)
        self._flows = (self.flows.artisans.data, self.flows.clusters.data, self.events)
        self.totals = np.zeros(len(indicators.TOTALS))
        self._ledger = accounting.Ledger(self.flows)
        self.records = indicators.MonthlyRecords(self.months)
        self.agent_records: list[pd.DataFrame] = []
        self.turnovers = 0
        self.access_boost = 0.0
        self._peers = None
        self.programmes, self.shocks = iv.build(scenario.interventions, self)
        self._rounds = iv.schedule(self.programmes, self.months)
        self._handles: tuple[list, list] | None = None  # the handles' Mesa agents: made when first asked for
        if warm is not None:
            self._start_from(warm)
        else:
            observed = self.ties.used.copy() if scenario.network.edges else None
            self._warm_up(w_spec.warmup_months, warmup_max, w_spec.settled)
            if observed is not None:
                self._restore_ties(observed)
            if key is not None:
                WARM_STARTS.put(key, self._warm_state(built))
        self.totals[:] = 0.0
        self.running = True

    # -- the Mesa agents that are handles on records ----------------------------------
    def _handle_agents(self) -> tuple[list, list]:
        """The Mesa agents that are handles on records: each village's association
        (:class:`ovopsim.agents.Association`), each cluster's LJMP (when the scenario has
        them) and each artisan (:class:`ovopsim.agents.Artisan`), made the first time
        they or Mesa's agent sets are asked for (``associations``, ``ljmps``, ``agents``,
        ``agents_by_type``, ``agent_types``), in that order after the government, as
        they would be at the build (the same unique ids): the model's months read the
        records, so a run that never asks (a sweep, a search) makes none.
        Returns (associations, LJMPs)."""
        if self._handles is None:
            self._handles = ([Association(self, v) for v in range(len(self.village_names))],
                             [LJMPAgent(self, c) for c in range(len(self.cluster_names))]
                             if self.spec.ljmp.enabled else [])
            for i in range(self.artisans.n):
                Artisan(self, i)
        return self._handles

    @property
    def associations(self) -> list:
        """One :class:`ovopsim.agents.Association` per village."""
        return self._handle_agents()[0]

    @property
    def ljmps(self) -> list:
        """One :class:`ovopsim.agents.LJMPAgent` per cluster (none without LJMPs)."""
        return self._handle_agents()[1]

    @property
    def agents(self):
        self._handle_agents()
        return super().agents

    @property
    def agents_by_type(self):
        self._handle_agents()
        return super().agents_by_type

    @property
    def agent_types(self):
        self._handle_agents()
        return super().agent_types

    def remove_all_agents(self):
        if self._handles is None:
            self._handles = ([], [])  # none to make after this
        super().remove_all_agents()

    def _build(self, scenario: Scenario, seed) -> tuple[world.World, dict]:
        """The world as :func:`ovopsim.world.build` makes it from ``self.rng``, or a copy
        of the one built last for the same :func:`build_key` (the random generator then
        set to where that build left it); and what the build left besides (``built``)."""
        key = build_key(scenario, seed) if isinstance(seed, (int, np.integer)) else None
        done = BUILT_WORLDS.get(key)
        if done is not None:
            self.rng.bit_generator.state = done["built"]["rng"]
            return _rebuilt(done), done["built"]
        w = world.build(scenario, self.rng, self.par)
        built = {"rng": self.rng.bit_generator.state, "ties_capacity": len(w.ties.data)}
        if key is not None:
            BUILT_WORLDS.put(key, _world_state(w, built))
        return w, built

    def _warm_up(self, least: int, most: int, tolerance: float) -> None:
        """Run whole years before month 1, unrecorded, until the economy has settled: at
        least ``least`` months, and until a year's mean income and number of businesses
        differ from the year before by less than ``tolerance`` (at most ``most`` months).
        The clock is then set so that the last of them is the year before month 1, the
        pre-programme year that growth is read against (``records.pre``)."""
        m = first = 1 - most
        years = []
        t, ledger = self.ties, self._ledger
        while True:
            k0 = m - self.calendar.first
            ties, t.m, code, value, self.month, income, jobs, active, own = months.warm_months(
                self._world, t.data, t.m, self._flows, self._month_blocks, ledger.books, float(self.government.balance), self.par,
                self.key, m, 12, self.calendar.festive_[k0:k0 + 12], self.calendar.rainy_[k0:k0 + 12],
                self._trust, self._stages, self.government.officers, self.totals, self.check_accounting)
            t.rebind(ties)
            ledger.check(self.month, code, value)
            m += 12
            years.append((income.sum() / len(income), jobs.sum() / len(jobs), active.sum() / len(active)))  # = np.mean
            ran = m - first
            settled = len(years) >= 2 and all(
                abs(now - before) <= tolerance * max(abs(before), 1e-9)
                for now, before in zip(years[-1], years[-2], strict=True))
            if (ran >= least and settled) or ran >= most:
                break
        self._shift_clock(-(m - 1))
        self.warmup = {"months": ran, "settled": bool(settled)}
        self.records.pre = (float(years[-1][0]), float(years[-1][1]))
        #: each producer's mean monthly income in the pre-programme year (per-producer bands)
        self.income_pre = own / 12

    def _warm_state(self, built: dict) -> dict:
        """Copies of everything the warm-up changed: the state at the start of month 1;
        and what the world's build left that the warm-up did not change (the households
        as drawn, the names, the random generator's state after the build)."""
        now = world.World(self.artisans, self._fresh, self.ties, self.villages, self.clusters, self.products,
                          self.village_names, self.cluster_names, self.product_names, self.surveyed)
        return {**_world_state(now, built), "officers": self.government.officers.copy(), "pre": self.records.pre,
                "income_pre": self.income_pre.copy(), "warmup": dict(self.warmup), "month": self.month}

    def _start_from(self, warm: dict) -> None:
        """Start month 1 from another run's warm-up of the same world and seed
        (:func:`warm_key`): the state it reached (the world's records were rebuilt from it
        by :func:`_rebuilt`)."""
        self.government.officers[:] = warm["officers"]
        self.records.pre = warm["pre"]
        self.income_pre = warm["income_pre"].copy()
        self.warmup = dict(warm["warmup"])
        self.month = warm["month"]

    def _restore_ties(self, ties: np.ndarray) -> None:
        """An observed network is the network of month 1: after the warm-up the ties are
        the surveyed ones again (trust and partnerships as observed); suppliers are kept
        where the surveyed tie to them is a partnership."""
        a = self.artisans
        self.ties.assign(ties)
        n = a.n
        keys = ties["u"] * n + ties["v"]  # each pair once, lower index first (world._ties)
        order = np.argsort(keys)
        buyers = np.flatnonzero(a.supplier >= 0)
        s = a.supplier[buyers]
        wanted = np.minimum(buyers, s) * n + np.maximum(buyers, s)  # the tie to each supplier
        j = order[np.minimum(np.searchsorted(keys[order], wanted), len(keys) - 1)]
        kept = (keys[j] == wanted) & ties["partner"][j]
        a.supplier[buyers[~kept]] = -1
        a.supplier_tie[buyers[~kept]] = -1
        a.supplier_tie[buyers[kept]] = j[kept]
        self.ties.last_used[:len(ties)] = 0

    def _shift_clock(self, delta: int) -> None:
        """Move every stored month by ``delta`` (the warm-up ends at month 0)."""
        if delta == 0:
            return
        t = self.ties.used
        t["since"][t["since"] >= -(1 << 30)] += delta
        t["last_used"] += delta
        a = self.artisans
        opened = a.opened > state.NEVER
        a.opened[opened] += delta

    # ------------------------------------------------------------------ the month
    def run_months(self, months: int) -> None:
        """Run ``months`` months as Mesa's ``run_for(months)`` does: each month a Mesa
        step at its time (``steps`` and ``time`` counted by Mesa's own step), and the
        step schedule's next event one month after the last.

        When the step schedule is all that is scheduled (the model schedules nothing
        else), the months run in a loop rather than as one Mesa event each, whose upkeep
        (an event created, queued and taken off the queue every month) is about a sixth
        of a small run's time; anything else scheduled, and they run through
        ``run_for`` (and so does a duration that is not a whole number of months). In the
        loop, consecutive months in which the government does nothing
        (:meth:`_quiet_months`) run in one compiled call (without Mesa's log line for
        each), unless a subclass or a patch changes what a month does or per-artisan
        records are kept. The months are the same either way."""
        schedule, queue = getattr(self, "_default_schedule", None), getattr(self, "_event_list", None)
        pending = getattr(schedule, "_current_event", None)
        plain = (pending is not None and getattr(queue, "_events", None) == [pending] and self._simulator is None
                 and schedule._active and not schedule._paused and schedule.schedule.interval == 1
                 and schedule.schedule.count is None and schedule.schedule.end is None
                 and pending.time == self.time + 1 and float(self.time).is_integer())
        if not plain or int(months) != months:
            self.run_for(months)
            return
        months = int(months)
        queue.pop_event()  # the schedule's next step: the loop below takes it
        start = self.time
        batch = not self.record_agents and all(
            getattr(type(self), name) is _PLAIN_MONTH[name] for name in _PLAIN_MONTH)
        quiet_mask = self._quiet_mask(self.steps + 1, months) if batch else [False] * months
        k = 0
        while k < months:
            quiet = 0
            while k + quiet < months and quiet_mask[k + quiet]:
                quiet += 1
            if quiet:
                before = self.steps
                try:
                    self._quiet_months(self.steps + 1, quiet)
                except BaseException:
                    done = self.steps - before  # the failing month counts as a step begun,
                    self.time = start + k + done
                    schedule._execution_count += max(done - 1, 0)  # not as one finished
                    raise
                self.time = start + k + quiet
                schedule._execution_count += quiet
                k += quiet
                continue
            k += 1
            self.time = start + k
            self._do_step()  # Mesa's step: counted, then the model's step
            schedule._execution_count += 1
        schedule._schedule_next(self.time + 1)

    def _quiet_mask(self, first: int, count: int) -> list[bool]:
        """For each of ``count`` months from ``first``, whether the government does nothing
        in it: no fiscal year opens, no programme round is due, no shock acts
        (:meth:`ovopsim.interventions.Shock.acts_in`). Months past the horizon are not
        quiet (their rounds are found month by month)."""
        rounds, shocks = self._rounds, self.shocks
        return [m < len(rounds) and not rounds[m] and not fiscal_year_opens(m)
                and not (shocks and any(s.acts_in(m) for s in shocks)) for m in range(first, first + count)]

    def _quiet_months(self, first: int, count: int) -> None:
        """Months ``first`` to ``first + count - 1``, in which the government does nothing
        (no fiscal year opens, no round is due, no shock acts), in one compiled call
        (:func:`ovopsim.months.quiet_months`): each exactly as :meth:`_month` would run it,
        and each counted as a Mesa step."""
        t, gov, ledger = self.ties, self.government, self._ledger
        k0 = first - self.calendar.first
        ahead = slice(k0, k0 + count)
        growth = np.array([self._demand_growth(m) for m in range(first, first + count)])
        ties, t.m, code, value, last = months.quiet_months(
            self._world, t.data, t.m, self._flows, self._month_blocks, ledger.books, float(gov.balance),
            float(gov.spent_total), self.par, self.key, first, count, self.calendar.festive_[ahead],
            self.calendar.rainy_[ahead], growth, self.access_boost, self._trust, self._stages, gov.officers,
            self.totals, self.turnovers, self.check_accounting, self.records.next_rows(count),
            self.calendar.year[ahead], self.calendar.month[ahead])
        t.rebind(ties)
        self.records.keep_row(last - first + (0 if code else 1))  # a month whose books fail is not recorded
        self.steps += last - first + 1
        self.month = last
        self._open_month()  # the Python side as the last of them left it: opened, nothing spent
        gov.spent_month = 0.0
        ledger.check(last, code, value)
        self._stop_at_horizon()

    def step(self) -> None:
        """One month (Mesa counts it in ``steps``)."""
        self._month(self.steps)
        self._stop_at_horizon()

    def _stop_at_horizon(self) -> None:
        """``running`` turns off once the horizon's months have run."""
        if self.steps >= self.months:
            self.running = False

    def _open_month(self) -> None:
        """What the Python side of every month starts from: the budget's balance at its
        opening (for the check of the books), no government flows yet, no programme's
        reach among peers counted yet."""
        self._ledger.open(self.government.balance)
        f = self.flows
        f.gov_in = f.gov_lapse = f.gov_cut = f.gov_spent = 0.0
        self._peers = None

    def _month(self, m: int) -> None:
        """Recorded month ``m`` (1 on; the warm-up's months run in :meth:`_warm_up`)."""
        self.month = m
        t, f = self.ties, self.flows
        k = m - self.calendar.first
        festive, rainy = self._festive[k], self._rainy[k]
        ledger, gov = self._ledger, self.government
        months.start_month(self._month_blocks, self.artisans.data, self.clusters.data, ledger.books,
                           self.check_accounting)
        self._open_month()
        self._government(m)
        growth = self._demand_growth(m)
        ties, t.m, code, value = months.after_government(
            self._world, t.data, t.m, self._flows, ledger.books,
            (float(ledger.balance_at_open), float(gov.balance), float(f.gov_in), float(f.gov_lapse),
             float(f.gov_cut), float(f.gov_spent)), self.par, self.key, m, festive, rainy, growth, self.access_boost,
            self._trust, self._stages, gov.officers, self.totals, self.turnovers, self.check_accounting,
            (self.records.next_row(), self._year[k], self._calendar_month[k], float(gov.spent_total)))
        t.rebind(ties)
        ledger.check(m, code, value)
        self.records.keep_row()
        if self.record_agents:
            self.agent_records.append(indicators.agent_frame(self, m))

    def _demand_growth(self, m: int) -> float:
        """Demand's growth factor in month ``m``: ``market.demand_growth`` a year from month 1."""
        return (1.0 + self.spec.market.demand_growth) ** ((m - 1) / 12)

    def _government(self, m: int) -> None:
        """The fiscal year, shocks and programmes (from month 1: the warm-up has none)."""
        gov, f = self.government, self.flows
        gov.spent_month = 0.0
        if fiscal_year_opens(m):
            appropriated, lapsed = gov.open_fiscal_year(self.year_plan(m))
            f.gov_in += appropriated
            f.gov_lapse += lapsed
            if self.board_plan:
                self.board_written[:] = gov.documented * self.villages.knowledge
        for s in self.shocks:
            s.apply(self, m)
        year_end = m + (12 - (m - 1) % 12) - 1
        due = self._rounds[m] if m < len(self._rounds) else [p for p in self.programmes if p.active(m)]
        for prog in due:
            if not gov.running(prog.officer, m):
                continue
            idx, cost = prog.offer(self)
            if len(idx) == 0:
                continue
            request = float(cost.sum())  # a free round: nothing paid, every seat delivered
            # what the rest of the year's rounds of this programme would cost
            left = request * prog.rounds_in(m, year_end)
            approved = gov.pay(prog.label, request, left)
            gov.refund(prog.label, prog.deliver(self, idx, cost, approved))
        f.gov_spent += gov.spent_month

    def year_plan(self, m: int) -> dict[str, float]:
        """What each programme (by label) plans for the fiscal year opening in month ``m``:
        a full round's cost now times its rounds that year; one with no round that year
        plans nothing (no need to price one)."""
        last = m + 11
        planned: dict[str, float] = {}
        for prog in self.programmes:
            rounds = prog.rounds_in(m, last)
            planned[prog.label] = planned.get(prog.label, 0.0) + (prog.planned(self) * rounds if rounds else 0.0)
        return planned

    # ------------------------------------------------------------------ services to programmes
    def peers(self) -> np.ndarray:
        """Each artisan's share of tied neighbours ever reached by a programme (uptake)."""
        if self._peers is None:
            self._peers = learning.peers_reached(self.artisans.data, self.ties.data, self.ties.m)
        return self._peers

    def add_ties(self, src, dst, trust) -> int:
        """New social ties (those that exist already are left as they are)."""
        return partnerships.add_ties(self.ties, self.artisans.data, src, dst, trust, self.month, self.events)

    def soft_loans(self, idx: np.ndarray, amount: float) -> None:
        """The government capitalises the LJMP of each artisan ``idx`` with ``amount``,
        which lends it on at the LJMP's soft rate."""
        a, f = self.artisans, self.flows
        for i in idx.tolist():
            c = int(a.cluster[i])
            self.clusters.fund[c] += amount
            f.clusters.injection[c] += amount
            ljmp.lend(i, amount, a.data, self.clusters.data, f.artisans.data, f.clusters.data, self.events,
                      self.par)

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
        ``u``, ``v`` (artisan indices), ``trust`` (0-1, the mean of the two sides'),
        ``partner`` and ``between`` (booleans), one element per tie."""
        t = self.ties.used
        return {"u": t["u"].copy(), "v": t["v"].copy(), "trust": (t["trust_uv"] + t["trust_vu"]) / 2,
                "partner": t["partner"].copy(), "between": t["between"].copy()}

    def graph(self):
        """The social-capital network as a networkx DiGraph-free Graph: nodes carry
        village, product, income and active; edges trust (mean), trust_uv, trust_vu,
        partner and between."""
        import networkx as nx

        a, t = self.artisans, self.ties.used
        g = nx.Graph()
        g.add_nodes_from(range(a.n))
        for name in ("village", "product", "income", "active"):
            nx.set_node_attributes(g, dict(enumerate(getattr(a, name).tolist())), name)
        g.add_edges_from(
            (int(r["u"]), int(r["v"]), {"trust": float((r["trust_uv"] + r["trust_vu"]) / 2),
                                        "trust_uv": float(r["trust_uv"]), "trust_vu": float(r["trust_vu"]),
                                        "partner": bool(r["partner"]), "between": bool(r["between"])})
            for r in t)
        return g


#: what a month does, as OVOPModel defines it: a subclass or a patch that changes any of
#: these runs every month through them (no quiet months in one call: run_months)
_PLAIN_MONTH = {name: OVOPModel.__dict__[name] for name in ("step", "_month", "_government")}
