"""Interventions: programmes the government pays for, and shocks.

Every **programme** has the same shape:

* ``active(month)``: whether a round runs this month (start, end, every);
* ``offer(model)``: whom it would reach this round (in targeting order) and
  what each costs;
* ``effect(model, chosen)``: what it does to them.

The model asks the government to pay for the round; when the budget cannot
pay for all of it, fewer artisans are reached (a programme is scaled down,
never run on credit). Adding a programme means adding one class here and one
``type`` in :mod:`ovopsim.config`.

**Shocks** (budget cut, officer turnover, access shock) cost nothing; they
have ``apply(model, month)``.

Uptake: an artisan offered a seat attends with probability
``awareness x (0.5 + 0.5 x trust in government)``: community awareness is low
when programmes are top-down and rises with dialogue in a forum (brief: weak
community initiative; P7). What attendance achieves is scaled by delivery
effectiveness ``government knowledge x (0.5 + 0.5 x association knowledge)``,
which officer turnover lowers (Blitar).
"""

from __future__ import annotations

import numpy as np

from . import config as C
from .agents import PRACTICES


class Programme:
    """Base class: active window, targeting, budget-limited rounds."""

    per_village = False  # the unit offered is a village (facility, forum), not an artisan

    def __init__(self, spec, model):
        self.spec = spec
        self.label = spec.label
        t = spec.target
        self.village_mask = _names_mask(t.villages, model.village_names)
        self.product_mask = _names_mask(t.products, model.product_names)
        self.end = spec.end if spec.end is not None else 10**9
        a = model.artisans
        # artisans never move village or change product: the targeted ones, once
        self.targeted = self.village_mask[a.village] & self.product_mask[a.product]

    def active(self, month: int) -> bool:
        s = self.spec
        return s.start <= month <= self.end and (month - s.start) % s.every == 0

    def rounds_in(self, first: int, last: int) -> int:
        s = self.spec
        lo, hi = max(first, s.start), min(last, self.end)
        if hi < lo:
            return 0
        k0 = -(-(lo - s.start) // s.every)
        k1 = (hi - s.start) // s.every
        return max(0, k1 - k0 + 1)

    # -- targeting ----------------------------------------------------------------
    def needs(self, model) -> np.ndarray | None:
        """Artisans the programme can help at all (default, None: everyone)."""
        return None

    def eligible(self, model) -> np.ndarray:
        a = model.artisans
        ok = a.active & self.targeted
        need = self.needs(model)
        if need is not None:
            ok &= need
        if self.spec.target.members_only:
            ok &= a.member
        return ok.nonzero()[0]

    def ordered(self, model, idx: np.ndarray) -> np.ndarray:
        order = self.spec.target.order
        key = model.rng.random(len(idx))
        if order == "lowest_skill":
            return idx[np.lexsort((key, model.artisans.skill[idx]))]
        if order == "highest_skill":
            return idx[np.lexsort((key, -model.artisans.skill[idx]))]
        return idx[np.argsort(key, kind="stable")]

    def unit_cost(self, model, idx: np.ndarray) -> np.ndarray:
        return np.full(len(idx), float(self.spec.cost))

    def offer(self, model) -> tuple[np.ndarray, np.ndarray]:
        idx = self.eligible(model)
        k = int(round(self.spec.intensity * len(idx)))
        idx = self.ordered(model, idx)[:k]
        return idx, self.unit_cost(model, idx)

    def planned(self, model) -> float:
        """Cost of one full round now (for the fiscal-year plan)."""
        idx = self.eligible(model)
        k = int(round(self.spec.intensity * len(idx)))
        return float(self.unit_cost(model, idx[:k]).sum())

    def effect(self, model, chosen: np.ndarray) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- shared helpers -------------------------------------------------------------
    @staticmethod
    def attend(model, idx: np.ndarray) -> np.ndarray:
        """Who of the offered actually takes part (uptake)."""
        a = model.artisans
        p = model.villages.awareness[a.village[idx]] * (0.5 + 0.5 * a.gov_trust[idx])
        went = idx[model.rng.random(len(idx)) < p]
        a.reached[went] = True
        a.gov_trust[went] += model.b.gov_trust_gain * (1 - a.gov_trust[went])
        return went

    @staticmethod
    def effectiveness(model, idx: np.ndarray) -> np.ndarray:
        k_assoc = model.villages.knowledge[model.artisans.village[idx]]
        return model.government.knowledge * (0.5 + 0.5 * k_assoc)

    @staticmethod
    def learn(model, idx: np.ndarray, practice: str, strength: float = 1.0) -> None:
        a = model.artisans
        x = getattr(a, practice)
        boost = 1 + model.b.mentoring_boost * a.mentored[idx]
        gain = model.b.learning_rate * strength * Programme.effectiveness(model, idx) * boost
        x[idx] += np.minimum(gain, 1.0) * (1 - x[idx])


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
        went = self.attend(model, chosen)
        self.learn(model, went, self.TOPIC[self.spec.topic])


class Mentoring(Programme):
    """Expert mentoring: turns what was trained into practice (Rasau Jaya: six months)."""

    def effect(self, model, chosen):
        went = self.attend(model, chosen)
        model.artisans.mentored[went] = True
        for practice in PRACTICES:
            self.learn(model, went, practice, strength=0.3)


class Capital(Programme):
    """Capital facilitation: a grant, or a soft loan through the cluster's LJMP."""

    def needs(self, model):
        a = model.artisans
        return a.debt <= 0 if self.spec.mode == "loan" else None

    def unit_cost(self, model, idx):
        return np.full(len(idx), self.spec.amount + self.spec.cost)

    def effect(self, model, chosen):
        model.artisans.reached[chosen] = True
        if self.spec.mode == "grant":
            model.flows.grant[chosen] += self.spec.amount
            model.artisans.cash[chosen] += self.spec.amount
        else:
            # the government capitalises the LJMP, which lends on at its soft rate
            amt = np.full(len(chosen), self.spec.amount)
            cl = model.artisans.cluster[chosen]
            np.add.at(model.ljmp_fund, cl, amt)
            np.add.at(model.flows.injection, cl, amt)
            model.lend(chosen, amt)


class Equipment(Programme):
    """Equipment aid: the programme pays a share of the next equipment tier."""

    def needs(self, model):
        a = model.artisans
        nxt = np.minimum(a.tier + 1, 2)
        own = (1 - self.spec.share) * model.equipment_cost[nxt]
        return (a.tier < 2) & (a.cash >= own)

    def unit_cost(self, model, idx):
        a = model.artisans
        return self.spec.share * model.equipment_cost[np.minimum(a.tier[idx] + 1, 2)]

    def effect(self, model, chosen):
        a = model.artisans
        own = (1 - self.spec.share) * model.equipment_cost[a.tier[chosen] + 1]
        a.reached[chosen] = True
        a.cash[chosen] -= own
        model.flows.invest[chosen] += own
        a.tier[chosen] += 1


class _VillageProgramme(Programme):
    per_village = True

    def eligible(self, model):
        v = model.villages
        ok = self.village_mask & (v.active_artisans > 0) & self.village_needs(model)
        return ok.nonzero()[0]

    def village_needs(self, model):
        return np.ones(len(model.village_names), bool)

    def ordered(self, model, idx):
        return idx[np.argsort(model.rng.random(len(idx)), kind="stable")]


class Facility(_VillageProgramme):
    """Shared facilities (IPAL wastewater treatment, workshop): once per village."""

    def village_needs(self, model):
        return ~model.villages.facility

    def effect(self, model, chosen):
        model.villages.facility[chosen] = True


class Promotion(Programme):
    """Promotion and exhibitions (fairs), or digital promotion."""

    def effect(self, model, chosen):
        a = model.artisans
        went = self.attend(model, chosen)
        eff = self.effectiveness(model, went)
        a.exposure[went] += 0.5 * eff
        a.reputation[went] += 0.1 * eff * (1 - a.reputation[went])
        if self.spec.digital:
            self.learn(model, went, "digital", strength=0.5)
        elif len(went) > 1:
            # exhibitors from different villages meet: new ties (Proppo, Blitar)
            other = went[model.rng.permutation(len(went))]
            keep = a.village[went] != a.village[other]
            model.network.add_ties(went[keep], other[keep], model.spec.network.trust_between)


class Brand(Programme):
    """Brand and IP facilitation (and product certification)."""

    def needs(self, model):
        a = model.artisans
        return ~a.brand & (a.quality >= self.spec.min_quality)

    def effect(self, model, chosen):
        a = model.artisans
        a.reached[chosen] = True
        a.brand[chosen] = True
        a.reputation[chosen] += 0.1 * (1 - a.reputation[chosen])


class Forum(_VillageProgramme):
    """Coordination forum: face-to-face dialogue between government and artisans (Blitar).

    Raises community awareness and trust in government, refreshes what the
    association knows, and links village representatives across villages."""

    def effect(self, model, chosen):
        v = model.villages
        a = model.artisans
        k = model.government.knowledge
        v.awareness[chosen] += model.b.forum_awareness * k * (1 - v.awareness[chosen])
        v.knowledge[chosen] += 0.1 * (1 - v.knowledge[chosen])
        inv = np.isin(a.village, chosen) & a.active
        a.gov_trust[inv] += 0.5 * model.b.gov_trust_gain * (1 - a.gov_trust[inv])
        reps = (inv & (a.board | (model.rng.random(a.n) < 0.05))).nonzero()[0]
        if len(reps) > 1:
            other = reps[model.rng.permutation(len(reps))]
            keep = a.village[reps] != a.village[other]
            model.network.add_ties(reps[keep], other[keep], model.spec.network.trust_between)


PROGRAMMES = {"training": Training, "mentoring": Mentoring, "capital": Capital,
              "equipment": Equipment, "facility": Facility, "promotion": Promotion,
              "brand": Brand, "forum": Forum}


# ------------------------------------------------------------------------------------
# Shocks


class Shock:
    def __init__(self, spec, model):
        self.spec = spec
        self.label = spec.name or spec.type
        self.end = spec.end if spec.end is not None else 10**9

    def apply(self, model, month: int) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class BudgetCut(Shock):
    """A cut to the budget from a month on, by a share, optionally of named programmes (Blitar)."""

    def apply(self, model, month):
        s = self.spec
        if month == s.start:
            model.flows.gov_cut += model.government.cut(s.share, s.programmes)
        if month == self.end + 1:
            model.government.restore()


class OfficerTurnover(Shock):
    """Agency officers or association boards replaced, losing what they knew (Blitar).

    Each month in the window, turnover happens with probability rate/12 (or
    in the scheduled months) separately for the agency and for each
    village's board. A medium-term plan keeps ``plan_retention`` of what would
    be lost.

    Turnover draws come from the shock's own random stream, the same number each
    month whatever the rate: the model's other draws are not shifted by it, and
    arms that differ only in rate or plan share their draws (common random
    numbers: the turnovers at rate 2 are a subset of those at rate 4)."""

    def __init__(self, spec, model):
        super().__init__(spec, model)
        self.rng = model.rng.spawn(1)[0]

    def apply(self, model, month):
        s = self.spec
        if not s.start <= month <= self.end:
            return
        loss = s.knowledge_loss * (1 - s.plan_retention * s.medium_term_plan)
        scheduled = month in s.months
        p = min(1.0, s.rate / 12)
        nv = len(model.village_names)
        a = model.artisans
        u_agency, u_villages, u_board = self.rng.random(), self.rng.random(nv), self.rng.random(a.n)
        if s.who in ("agency", "both") and (scheduled or u_agency < p):
            model.government.lose_knowledge(loss)
            model.turnovers += 1
        if s.who in ("association", "both"):
            hit = np.ones(nv, bool) if scheduled else u_villages < p
            if hit.any():
                v = model.villages
                v.knowledge[hit] *= 1 - loss
                inv = hit[a.village] & a.member
                a.board[inv] = u_board[inv] < model.spec.world.board_share
                model.turnovers += int(hit.sum())


class AccessShock(Shock):
    """Better market access from a month on (Singkawang's new airport, a road)."""

    def apply(self, model, month):
        s = self.spec
        mask = _names_mask(s.villages, model.village_names)
        if month == s.start:
            model.market.access_boost += s.demand
            model.villages.reach_bonus[mask] += s.reach
        if month == self.end + 1:
            model.market.access_boost -= s.demand
            model.villages.reach_bonus[mask] -= s.reach


SHOCKS = {"budget_cut": BudgetCut, "officer_turnover": OfficerTurnover, "access_shock": AccessShock}

assert set(PROGRAMMES) | set(SHOCKS) == set(C.INTERVENTION_TYPES)


def build(specs, model) -> tuple[list[Programme], list[Shock]]:
    """Programme and shock objects for a scenario's intervention list.

    Mentoring runs before training in a month so that mentored artisans
    learn more from that month's training."""
    progs, shocks = [], []
    for s in specs:
        if s.type in PROGRAMMES:
            progs.append(PROGRAMMES[s.type](s, model))
        else:
            shocks.append(SHOCKS[s.type](s, model))
    progs.sort(key=lambda p: 0 if isinstance(p, Mentoring) else 1)
    return progs, shocks
