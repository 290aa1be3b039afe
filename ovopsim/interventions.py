"""Interventions: programmes the government pays for, and shocks.

Every **programme** has the same shape:

* ``active(month)``: whether a round runs this month (start, end, every);
* ``offer(model)``: whom it would reach this round (in targeting order) and
  what each costs;
* ``effect(model, chosen)``: what it does to them, by calling the mechanisms
  (:mod:`ovopsim.mechanisms.learning`, :mod:`~ovopsim.mechanisms.partnerships`
  ...).

The model asks the government to pay for the round; when the budget cannot
pay for all of it, fewer artisans are reached (a programme is scaled down,
never run on credit). Programme number k is run by officer k mod
``government.officers``: while his programmes are paused after a change of
officer they do not run, and what he knows is their delivery effectiveness
(:mod:`ovopsim.mechanisms.government`). Adding a programme means adding one
class here and one ``type`` in :mod:`ovopsim.config`; one that helps only artisans
in a need no programme has yet also adds the need to :data:`NEEDS` and its rule to
the compiled offer (:func:`_offer`).

Artisans offered a seat decide whether to take it (uptake:
:func:`ovopsim.mechanisms.learning.take_part`).

**Shocks** (budget cut, officer turnover, access shock) cost nothing; they
have ``apply(model, month)``.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from . import config as C
from .mechanisms import government, learning, partnerships
from .mechanisms.numeric import numpy_sum
from .mechanisms.random import FORUM_REPS, TURNOVER, uniform_np
from .state import DIGITAL, PRACTICES
from .world import board_among_members

EXPOSURE_PER_FAIR = 0.5       # promotion exposure an exhibitor gains (x effectiveness)
REPUTATION_PER_FAIR = 0.1     # share of the reputation gap a fair closes (x effectiveness)
REPUTATION_PER_BRAND = 0.1    # share of the reputation gap a registered brand closes
MENTOR_TEACHING = 0.3         # a mentor also teaches: training strength in every practice
DIGITAL_PROMOTION_TEACHING = 0.5  # digital promotion teaches digital marketing at this strength
FORUM_BOARD_LEARNING = 0.1    # share of its knowledge gap a board closes at a forum
FORUM_REP_SHARE = 0.05        # members besides the board who go to a forum


class Programme:
    """Base class: active window, targeting, budget-limited rounds."""

    per_village = False  # the unit offered is a village (facility, forum), not an artisan

    def __init__(self, spec, model, number: int):
        self.spec = spec
        self.label = spec.label
        self.number = number
        self.officer = model.government.officer_of(number)
        t = spec.target
        self.village_mask = _names_mask(t.villages, model.village_names)
        self.product_mask = _names_mask(t.products, model.product_names)
        self.end = spec.end if spec.end is not None else 10**9
        a = model.artisans
        # artisans never move village or change product: the targeted ones, once
        self.targeted = self.village_mask[a.village] & self.product_mask[a.product]
        # nor does a programme change its terms or its targeting order in a run
        self._offer_terms = self.terms(model)
        self._order = government.TARGET_ORDERS.index(t.order)

    def _round_span(self, first: int, last: int) -> tuple[int, int]:
        """The first month from ``first`` with a round (every ``every`` months from
        ``start``), and the last month it may have one (``last`` or ``end``)."""
        s = self.spec
        lo = max(first, s.start)
        return lo + -(lo - s.start) % s.every, min(last, self.end)

    def rounds(self, first: int, last: int) -> range:
        """The months from ``first`` to ``last`` with a round: every ``every`` months from
        ``start`` to ``end``."""
        lo, hi = self._round_span(first, last)
        return range(lo, hi + 1, self.spec.every)

    def active(self, month: int) -> bool:
        return month in self.rounds(month, month)

    def rounds_in(self, first: int, last: int) -> int:
        """How many months from ``first`` to ``last`` have a round (``len(rounds(...))``,
        counted without making the range)."""
        lo, hi = self._round_span(first, last)
        return (hi - lo) // self.spec.every + 1 if hi >= lo else 0

    # -- targeting ----------------------------------------------------------------
    #: what an artisan must need for the programme to help her (:data:`NEEDS`)
    NEED = "anything"

    def terms(self, model) -> tuple:
        """What :func:`_offer` needs to know of the programme beyond its target
        (:meth:`_terms`)."""
        return self._terms(model)

    def _terms(self, model, *, need: str | None = None, min_quality: float = 0.0, share: float = 0.0,
               per_tier: bool = False, cost: float | None = None) -> tuple:
        """(what an artisan must need, :data:`NEEDS`; the least quality for a brand; the
        share of the next tier's equipment the programme pays; the equipment's cost by
        tier; whether a seat costs that share rather than ``cost``; the cost of a seat,
        by default the programme's)."""
        return (NEEDS.index(need or self.NEED), float(min_quality), float(share),
                model.par[0]["production_equipment_cost"], per_tier,
                float(self.spec.cost if cost is None else cost))

    def _offered(self, model, ordered: bool) -> tuple[np.ndarray, np.ndarray]:
        s = self.spec
        return _offer(model.artisans.data, self.targeted, s.target.members_only, self._offer_terms, s.intensity,
                      model.artisans.skill, self._order, model.key, model.month, self.number, ordered)

    def offer(self, model) -> tuple[np.ndarray, np.ndarray]:
        """Whom the round would reach, in targeting order, and what each costs."""
        return self._offered(model, True)

    def planned(self, model) -> float:
        """Cost of one full round now (for the fiscal-year plan)."""
        return float(numpy_sum(self._offered(model, False)[1]))

    def effect(self, model, chosen: np.ndarray) -> float | None:  # pragma: no cover - abstract
        """The round for ``chosen``; returns the Rp of its payment it did not use, if any
        (aid paid to those who take it, which some declined)."""
        raise NotImplementedError

    def deliver(self, model, idx: np.ndarray, cost: np.ndarray, money: float) -> float:
        """A round paid ``money`` for its offer ``idx`` (in targeting order, at ``cost``
        each): the first of them that it pays for are offered the programme
        (:meth:`effect`); aid that some decline (paid only to those who take it) pays for
        the next in line, until the money or the offer runs out. Returns the Rp not used,
        for the programme's envelope."""
        start = 0
        while start < len(idx):
            k, spent = government.affordable(cost[start:], money)
            if k == 0:
                break
            unused = self.effect(model, idx[start:start + k]) or 0.0
            money -= spent - unused
            start += k
            if not unused:
                break
        return money

    # -- shared steps ---------------------------------------------------------------
    def attend(self, model, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Who of the offered takes part (their decision), and what it teaches them of
        the government. Returns those who went and the delivery effectiveness for each."""
        return learning.take_part(model.artisans.data, model.villages.data, model.peers(),
                                  np.asarray(idx, np.int64), float(model.government.officers[self.officer]),
                                  model.key, model.month, self.number, model.par)

    def teach(self, model, idx: np.ndarray, topic: int, strength: float, eff: np.ndarray) -> None:
        """Train ``idx`` in ``topic`` (``learning.ALL_PRACTICES``: every practice), each at
        her delivery effectiveness ``eff``."""
        learning.train(model.artisans.data, idx, topic, eff, model.par, strength)


#: what an artisan must need for a programme to help her (``Programme.NEED``): nothing
#: in particular; a loan (no debt, not barred from credit); equipment (below the top
#: tier, with the cash for her own share of the next); a brand (none yet, and quality
#: enough for one). :func:`_offer` holds the rule of each.
NEEDS = ("anything", "loan", "equipment", "brand")
_LOAN, _EQUIPMENT, _BRAND = (NEEDS.index(k) for k in ("loan", "equipment", "brand"))


@nb.njit(cache=True)
def seats(intensity, eligible):
    """How many of ``eligible`` artisans (or villages) a round offers a seat:
    ``intensity`` of them, rounded half to even."""
    return int(np.rint(intensity * eligible))


@nb.njit(cache=True)
def _offer(a, targeted, members_only, terms, intensity, skill, order, key, month, number, ordered):
    """A round's offer: the active artisans the programme targets (``targeted``) who need
    what it gives (``terms``, :meth:`Programme.terms`) and, for ``members_only``, are
    group members; :func:`seats` of them, in targeting order
    (:func:`ovopsim.mechanisms.government.targeting_order`) when ``ordered``, else in
    their own. Returns them and the cost of each one's seat."""
    need, min_quality, share, equipment_cost, per_tier, cost = terms
    n = len(a)
    idx = np.empty(n, np.int64)
    e = 0
    for i in range(n):
        ai = a[i]
        if not (ai.active and targeted[i]):
            continue
        if need == _LOAN and not (ai.debt <= 0 and not ai.barred):
            continue
        if need == _EQUIPMENT and not (ai.tier < 2 and ai.cash >= (1 - share) * equipment_cost[min(ai.tier + 1, 2)]):
            continue
        if need == _BRAND and not (not ai.brand and ai.quality >= min_quality):
            continue
        if members_only and not ai.member:
            continue
        idx[e] = i
        e += 1
    k = seats(intensity, e)
    idx = government.targeting_order(idx[:e], skill, order, key, month, number)[:k] if ordered else idx[:k]
    seat = np.empty(len(idx))
    for q in range(len(idx)):
        seat[q] = share * equipment_cost[min(a[idx[q]].tier + 1, 2)] if per_tier else cost
    return idx, seat


def _names_mask(names, all_names) -> np.ndarray:
    if not names:
        return np.ones(len(all_names), bool)
    wanted = set(names)
    # scaled worlds name copies "Village #k": a target names the original
    return np.array([n.split(" #")[0] in wanted for n in all_names], bool)


class Training(Programme):
    """Training rounds in one topic (technical/GMP, design, digital marketing, bookkeeping)."""

    TOPIC = {"technical": "skill", "gmp": "gmp", "design": "design", "digital": "digital",
             "bookkeeping": "books"}

    def effect(self, model, chosen):
        went, eff = self.attend(model, chosen)
        self.teach(model, went, PRACTICES.index(self.TOPIC[self.spec.topic]), 1.0, eff)


class Mentoring(Programme):
    """Expert mentoring: a mentor helps put what was trained into practice this month
    and teaches a little of every practice (Rasau Jaya: six months)."""

    def effect(self, model, chosen):
        went, eff = self.attend(model, chosen)
        model.artisans.mentored[went] = True
        self.teach(model, went, learning.ALL_PRACTICES, MENTOR_TEACHING, eff)


class Capital(Programme):
    """Capital facilitation: a grant, or a soft loan through the cluster's LJMP."""

    def terms(self, model):
        # a loan is for those with no debt and not barred; a grant for anyone
        return self._terms(model, need="loan" if self.spec.mode == "loan" else "anything",
                           cost=self.spec.amount + self.spec.cost)

    def effect(self, model, chosen):
        """Who of the offered takes the grant or the loan is her decision
        (:meth:`Programme.attend`); the amount for those who do not is returned (for
        :meth:`Programme.deliver`), the administration of every offer is spent."""
        went, _ = self.attend(model, chosen)
        a = model.artisans
        if self.spec.mode == "grant":
            model.flows.grant[went] += self.spec.amount
            a.cash[went] += self.spec.amount
        else:
            # the government capitalises the LJMP, which lends on at its soft rate
            model.soft_loans(went, self.spec.amount)
        return self.spec.amount * (len(chosen) - len(went))


class Equipment(Programme):
    """Equipment aid: the programme pays a share of the next equipment tier."""

    NEED = "equipment"

    def terms(self, model):
        return self._terms(model, share=self.spec.share, per_tier=True, cost=0.0)  # a seat costs the share

    def effect(self, model, chosen):
        """Who of the offered takes the aid is her decision (:meth:`Programme.attend`: trust
        in the government, awareness, peers), as for every programme; she pays her share
        of the next tier. The programme's share for those who do not take it is returned
        (for :meth:`Programme.deliver`: aid is paid to a buyer, unlike a booked seat)."""
        went, _ = self.attend(model, chosen)
        return _equip(model.artisans.data, model.flows.artisans.data, went, np.asarray(chosen, np.int64),
                      model.par[0]["production_equipment_cost"], float(self.spec.share))


@nb.njit(cache=True)
def _equip(a, flows, went, chosen, cost, share):
    """Equipment aid taken by ``went`` of the offered ``chosen``: each pays her own
    share of her next tier's ``cost`` and rises to it. Returns the programme's
    ``share`` of the next tier of those who declined (summed in index order)."""
    took = np.zeros(len(a), np.bool_)
    for q in range(len(chosen)):
        if a[chosen[q]].tier >= len(cost) - 1:
            raise ValueError("equipment aid offered to an artisan at the top tier")
    for q in range(len(went)):
        i = went[q]
        own = (1 - share) * cost[a[i].tier + 1]
        a[i].cash -= own
        flows[i].invest += own
        took[i] = True
    declined = np.empty(len(chosen), np.int64)
    k = 0
    for q in range(len(chosen)):
        if not took[chosen[q]]:
            declined[k] = chosen[q]
            k += 1
    declined = np.sort(declined[:k])
    price = np.empty(k)
    for q in range(k):
        price[q] = cost[a[declined[q]].tier + 1]
    for q in range(len(went)):
        a[went[q]].tier += 1
    return share * numpy_sum(price)


class _VillageProgramme(Programme):
    """A programme whose seats are villages (in random order)."""

    per_village = True

    def eligible(self, model):
        v = model.villages
        ok = self.village_mask & (v.active > 0) & self.village_needs(model)
        return ok.nonzero()[0]

    def village_needs(self, model):
        return np.ones(len(model.village_names), bool)

    def _offered(self, model, ordered):
        idx = self.eligible(model)
        k = seats(self.spec.intensity, len(idx))
        if ordered:
            idx = government.targeting_order(np.asarray(idx, np.int64), model.artisans.skill, 0, model.key,
                                             model.month, self.number)
        idx = idx[:k]
        return idx, np.full(len(idx), float(self.spec.cost))


class Facility(_VillageProgramme):
    """Shared facilities (IPAL wastewater treatment, workshop): once per village."""

    def village_needs(self, model):
        return ~model.villages.facility

    def effect(self, model, chosen):
        model.villages.facility[chosen] = True


class Promotion(Programme):
    """Promotion and exhibitions (fairs), or digital promotion."""

    def effect(self, model, chosen):
        t = model.ties
        data, t.m = _exhibit(model.artisans.data, model.villages.data, model.peers(), np.asarray(chosen, np.int64),
                             float(model.government.officers[self.officer]), model.key, model.month, self.number,
                             model.par, self.spec.digital, float(model.spec.network.trust_between), t.data, t.m,
                             model.events)
        t.rebind(data)


@nb.njit(cache=True)
def _exhibit(a, vills, peers, chosen, officer, key, month, number, par, digital, trust_between, ties, m, events):
    """A promotion round for ``chosen`` (in one compiled call): who takes part
    (:func:`ovopsim.mechanisms.learning.take_part`) gains exposure and reputation by
    the round's delivery effectiveness; a digital promotion teaches digital marketing,
    a fair's exhibitors from different villages meet (new ties: Proppo, Blitar).
    Returns the tie records (a new array when they grew) and the number of ties."""
    went, eff = learning.take_part(a, vills, peers, chosen, officer, key, month, number, par)
    for q in range(len(went)):
        ai = a[went[q]]
        ai.exposure += EXPOSURE_PER_FAIR * eff[q]
        ai.reputation += REPUTATION_PER_FAIR * eff[q] * (1 - ai.reputation)
    if digital:
        learning.train(a, went, DIGITAL, eff, par, DIGITAL_PROMOTION_TEACHING)
    elif len(went) > 1:
        src, dst = partnerships.meetings(a, went, key, month, number)
        return partnerships.tie_up(ties, m, a, src, dst, np.full(len(src), trust_between), month, events)
    return ties, m


class Brand(Programme):
    """Brand and IP facilitation (and product certification)."""

    NEED = "brand"

    def terms(self, model):
        return self._terms(model, min_quality=self.spec.min_quality)

    def effect(self, model, chosen):
        """Who of the offered registers a brand is her decision (:meth:`Programme.attend`);
        the fee of a brand not registered is returned (for :meth:`Programme.deliver`)."""
        went, _ = self.attend(model, chosen)
        _register_brands(model.artisans.data, went)
        return self.spec.cost * (len(chosen) - len(went))


@nb.njit(cache=True)
def _register_brands(a, went):
    """``went`` register a brand: it closes ``REPUTATION_PER_BRAND`` of each one's
    reputation gap."""
    for q in range(len(went)):
        ai = a[went[q]]
        ai.brand = True
        ai.reputation += REPUTATION_PER_BRAND * (1 - ai.reputation)


class Forum(_VillageProgramme):
    """Coordination forum: face-to-face dialogue between government and artisans (Blitar).

    Raises community awareness and trust in government, refreshes what the
    association knows, and links village representatives across villages."""

    def effect(self, model, chosen):
        v = model.villages
        a = model.artisans
        k = model.government.officers[self.officer]
        gain = model.par[0]["learning_forum_awareness"]
        v.awareness[chosen] += gain * k * (1 - v.awareness[chosen])
        v.knowledge[chosen] += FORUM_BOARD_LEARNING * (1 - v.knowledge[chosen])
        inv = np.isin(a.village, chosen) & a.active
        went = inv.nonzero()[0]
        g = model.par[0]["learning_gov_trust_gain"]
        a.gov_trust[went] += 0.5 * g * (k - a.gov_trust[went])
        pick = uniform_np(model.key, FORUM_REPS, model.month, np.arange(a.n), self.number) < FORUM_REP_SHARE
        reps = (inv & (a.board | pick)).nonzero()[0]
        if len(reps) > 1:
            src, dst = partnerships.meetings(a.data, reps, model.key, model.month, self.number)
            model.add_ties(src, dst, model.spec.network.trust_between)


PROGRAMMES = {"training": Training, "mentoring": Mentoring, "capital": Capital,
              "equipment": Equipment, "facility": Facility, "promotion": Promotion,
              "brand": Brand, "forum": Forum}


# ------------------------------------------------------------------------------------
# Shocks


class Shock:
    def __init__(self, spec, model, number: int):
        self.spec = spec
        self.number = number
        self.label = spec.name or spec.type
        self.end = spec.end if spec.end is not None else 10**9

    def apply(self, model, month: int) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def acts_in(self, month: int) -> bool:
        """Whether :meth:`apply` may change anything in ``month`` (a month in which no
        shock acts, no round is due and no fiscal year opens is a quiet one:
        :meth:`ovopsim.model.OVOPModel.run_months` runs those in one compiled call)."""
        return True


class BudgetCut(Shock):
    """A cut to the budget from a month on, by a share, optionally of named programmes (Blitar)."""

    def acts_in(self, month):
        return month in (self.spec.start, self.end + 1)

    def apply(self, model, month):
        s = self.spec
        if month == s.start:
            model.flows.gov_cut += model.government.cut(s.share, s.programmes)
        if month == self.end + 1:
            model.government.restore()


class OfficerTurnover(Shock):
    """Agency officers or association boards replaced (Blitar: inconsistent turnover
    of association officers). Each month in the window, with probability rate/12
    (or in the scheduled months), one officer of the agency is replaced, and
    separately each village's board. What is lost is what they knew and had not
    written down (:mod:`ovopsim.mechanisms.government`).

    Turnover draws come from their own stream, the same numbers whatever the rate:
    arms that differ only in rate or plan share them (the turnovers at rate 2 are
    a subset of those at rate 4)."""

    def __init__(self, spec, model, number):
        super().__init__(spec, model, number)
        if spec.medium_term_plan:
            model.government.plan = True
            model.board_plan = True

    def acts_in(self, month):
        return self.spec.start <= month <= self.end

    def apply(self, model, month):
        s = self.spec
        if not s.start <= month <= self.end:
            return
        scheduled = month in s.months
        p = min(1.0, s.rate / 12)
        nv = len(model.village_names)
        gov = model.government
        u = uniform_np(model.key, TURNOVER, month, np.arange(nv + 2), self.number)
        if s.who in ("agency", "both") and (scheduled or u[0] < p):
            gov.replace_officer(int(u[1] * len(gov.officers)), month)
            model.turnovers += 1
        if s.who in ("association", "both"):
            hit = np.ones(nv, bool) if scheduled else u[2:] < p
            if hit.any():
                written = model.board_written if model.board_plan else None
                government.board_turnover(model.villages, hit, gov.newcomer, written)
                a = model.artisans
                inv = hit[a.village] & a.member
                draw = uniform_np(model.key, TURNOVER, month, inv.nonzero()[0], nv + 2 + self.number)
                a.board[inv] = draw < board_among_members(model.spec.world)
                model.turnovers += int(hit.sum())


class AccessShock(Shock):
    """Better market access from a month on (Singkawang's new airport, a road)."""

    def acts_in(self, month):
        return month in (self.spec.start, self.end + 1)

    def apply(self, model, month):
        s = self.spec
        mask = _names_mask(s.villages, model.village_names)
        if month == s.start:
            model.access_boost += s.demand
            model.villages.reach_bonus[mask] += s.reach
        if month == self.end + 1:
            model.access_boost -= s.demand
            model.villages.reach_bonus[mask] -= s.reach


SHOCKS = {"budget_cut": BudgetCut, "officer_turnover": OfficerTurnover, "access_shock": AccessShock}

assert set(PROGRAMMES) | set(SHOCKS) == set(C.INTERVENTION_TYPES)


def schedule(programmes: list[Programme], months: int) -> list[list[Programme]]:
    """For each month 0..``months``, the programmes with a round due (in running order)."""
    due: list[list[Programme]] = [[] for _ in range(months + 1)]
    for prog in programmes:
        for m in prog.rounds(1, months):
            due[m].append(prog)
    return due


def build(specs, model) -> tuple[list[Programme], list[Shock]]:
    """Programme and shock objects for a scenario's intervention list.

    Mentoring runs before training in a month so that mentored artisans put
    that month's training into practice."""
    progs, shocks = [], []
    for k, s in enumerate(specs):
        if s.type in PROGRAMMES:
            progs.append(PROGRAMMES[s.type](s, model, k))
        else:
            shocks.append(SHOCKS[s.type](s, model, k))
    progs.sort(key=lambda p: 0 if isinstance(p, Mentoring) else 1)
    return progs, shocks

