"""Aid given to an artisan (equipment, a grant or a loan, a brand) is taken up by her
decision, as training, mentoring and promotion are (``Programme.attend``:
``learning.take_part``: trust in the government, awareness, peers); what the
programme would have paid those who decline is offered to the next in line, and what
is left returns to the programme's envelope (``Programme.deliver``)."""

import numpy as np
import pytest

from ovopsim.config import load_scenario
from ovopsim.interventions import Brand, Capital, Equipment
from ovopsim.model import OVOPModel


def _taken(scenario, kind, seed=3, months=30):
    """How many took the aid of the programme of class ``kind``, how many were offered
    it, and the government's spending."""
    m = OVOPModel(scenario, rng=seed, months=months)
    prog = next(p for p in m.programmes if isinstance(p, kind))
    counts = {"offered": 0, "took": 0}
    attend = prog.attend

    def counted(model, idx):
        went, eff = attend(model, idx)
        counts["offered"] += len(idx)
        counts["took"] += len(went)
        return went, eff

    prog.attend = counted
    for _ in range(months):
        m.step()
    return counts["took"], counts["offered"], m.government.spent_total


CASES = {  # scenario, the programme's class, its key in overrides
    "equipment": ("rasau_jaya", Equipment, "interventions.equipment"),
    "grant": ("rasau_jaya", Capital, "interventions.capital"),
    "loan": ("singkawang_ljmp", Capital, "interventions.capital"),
    "brand": ("blitar_batik", Brand, "interventions.brand"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_trust_in_the_government_drives_who_takes_the_aid(case):
    """With common seeds, artisans who trust the government more take a larger share of
    the aid offered: switching the decision's driver down lowers the share taken."""
    name, kind, key = CASES[case]
    sc = load_scenario(name).with_overrides({f"{key}.intensity": 0.8})
    took_low, offered_low, spent_low = _taken(sc.with_overrides({"learning.gov_trust_initial": 0.05}), kind)
    took_high, offered_high, spent_high = _taken(sc.with_overrides({"learning.gov_trust_initial": 0.9}), kind)
    assert offered_low >= 3 and offered_high >= 3
    assert took_high / offered_high > took_low / offered_low  # a larger share takes it
    assert took_low < offered_low  # some decline: the decision acts


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_round_pays_exactly_for_the_aid_taken(case):
    """Round by round, what the government paid less what it got back equals what the
    takers received (the equipment's share of the tier each rose to, the grants, the
    LJMP's capital, the brands' fees) plus the administration of every offer; those who
    declined are not reached; a round scaled down by the budget offers the next in line
    what the decliners left (rasau_jaya's budget limits its rounds)."""
    name, kind, key = CASES[case]
    sc = load_scenario(name).with_overrides({f"{key}.intensity": 0.8, "learning.gov_trust_initial": 0.3})
    m = OVOPModel(sc, rng=3, months=36)
    prog = next(p for p in m.programmes if isinstance(p, kind))
    a, spec = m.artisans, prog.spec
    rounds, offers = [], []
    deliver, effect, attend = prog.deliver, prog.effect, prog.attend

    def state(model):
        return (a.tier.copy(), float(model.flows.grant.sum() + model.flows.clusters.injection.sum()),
                int(a.brand.sum()))

    def given(model, before):
        """What the aid gave since ``before``, in Rp, read from the state it changes: the
        programme's share of the tier each rose to, the grants and the LJMP's capital,
        the fees of the brands registered."""
        tier, money, brands = state(model)
        if kind is Equipment:
            rose = tier != before[0]
            return spec.share * float(model.par[0]["production_equipment_cost"][tier[rose]].sum())
        return money - before[1] if kind is Capital else spec.cost * (brands - before[2])

    def audited(model, idx, cost, money):
        before = state(model)
        offers.clear()
        left = deliver(model, idx, cost, money)
        admin = spec.cost * sum(offers) if kind is Capital else 0.0
        rounds.append((money - left, given(model, before) + admin, len(offers)))
        return left

    def counted(model, chosen):
        offers.append(len(chosen))
        return effect(model, chosen)

    def decided(model, idx):
        reached = a.reached[idx].copy()
        went, eff = attend(model, idx)
        declined = ~np.isin(idx, went)
        assert (a.reached[idx][declined] == reached[declined]).all()  # decliners not reached
        return went, eff

    prog.deliver, prog.effect, prog.attend = audited, counted, decided
    for _ in range(36):
        m.step()
    assert len(rounds) >= 2
    for paid, received, _ in rounds:
        assert paid == pytest.approx(received, rel=1e-9, abs=1e-3)
    assert sum(paid for paid, *_ in rounds) > 0
    assert max(calls for *_, calls in rounds) >= 2  # decliners' money offered to the next in line


def test_aid_declined_is_returned_to_the_programmes_envelope():
    """What a round would have paid those who decline comes back to the envelope: with
    nobody deciding to take it (no awareness, no trust in the government, no peers),
    equipment rounds are offered and paid for, and every rupiah of them returned."""
    sc = load_scenario("rasau_jaya").with_overrides({
        "interventions.equipment.intensity": 0.8, "learning.gov_trust_initial": 0.0,
        "learning.awareness_topdown": 0.0, "learning.peer_weight": 0.0})
    m = OVOPModel(sc, rng=3, months=24)
    label = next(p for p in m.programmes if isinstance(p, Equipment)).label
    gov = m.government
    moved = {"paid": 0.0, "returned": 0.0}
    pay, refund = gov.pay, gov.refund

    def paid(lab, request, planned_left):
        approved = pay(lab, request, planned_left)
        moved["paid"] += approved if lab == label else 0.0
        return approved

    def returned(lab, amount):
        moved["returned"] += amount if lab == label and amount > 0 else 0.0
        refund(lab, amount)

    gov.pay, gov.refund = paid, returned
    prog = next(p for p in m.programmes if isinstance(p, Equipment))
    effect, upgraded = prog.effect, [0]

    def upgrades(model, chosen):
        before = model.artisans.tier.copy()
        unused = effect(model, chosen)
        upgraded[0] += int((model.artisans.tier - before).sum())
        return unused

    prog.effect = upgrades
    for _ in range(24):
        m.step()
    assert moved["paid"] > 10e6  # rounds were paid for
    assert moved["returned"] == pytest.approx(moved["paid"], rel=1e-12)  # and all of it returned
    assert upgraded[0] == 0  # nobody took the aid
