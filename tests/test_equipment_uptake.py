"""Aid given to an artisan (equipment, a grant or a loan, a brand) is taken up by her
decision, as training, mentoring and promotion are (``Programme.attend``:
``learning.take_part``: trust in the government, awareness, peers), and what the
programme would have paid for those who do not take it is not spent."""

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
    """With common seeds, artisans who trust the government more take more of the aid
    offered, and the aid not taken is not spent: switching the decision's driver down
    lowers both the aid taken and the spending."""
    name, kind, key = CASES[case]
    sc = load_scenario(name).with_overrides({f"{key}.intensity": 0.8})
    took_low, offered_low, spent_low = _taken(sc.with_overrides({"learning.gov_trust_initial": 0.05}), kind)
    took_high, offered_high, spent_high = _taken(sc.with_overrides({"learning.gov_trust_initial": 0.9}), kind)
    assert offered_low >= 3 and offered_high >= 3
    assert took_high / offered_high > took_low / offered_low  # a larger share takes it
    assert took_low < offered_low  # some decline: the decision acts
    assert spent_high > spent_low  # what is not taken is not spent


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
