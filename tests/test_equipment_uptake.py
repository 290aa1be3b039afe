"""Equipment aid is taken up by decision, as every programme is (learning.take_part:
trust in the government, awareness, peers), and the programme's share for those who do
not take it is not spent. (On the equipment-uptake branch: the shipped posterior and the
reference results predate this rule; recalibrating follows.)"""


from ovopsim.config import load_scenario
from ovopsim.interventions import Equipment
from ovopsim.model import OVOPModel


def _upgrades(scenario, seed=3, months=30):
    """Tier upgrades the equipment rounds made, and the government's spending."""
    m = OVOPModel(scenario, rng=seed, months=months)
    prog = next(p for p in m.programmes if isinstance(p, Equipment))
    made = [0]
    effect = prog.effect

    def counted(model, chosen):
        before = model.artisans.tier.copy()
        unused = effect(model, chosen)
        made[0] += int((model.artisans.tier - before).sum())
        return unused

    prog.effect = counted
    for _ in range(months):
        m.step()
    return made[0], m.government.spent_total


def test_trust_in_the_government_drives_who_takes_equipment_aid():
    """With common seeds, artisans who trust the government more take more of the aid
    offered, and the share of the aid not taken is not spent."""
    sc = load_scenario("rasau_jaya").with_overrides({"interventions.equipment.intensity": 0.8})
    low = sc.with_overrides({"learning.gov_trust_initial": 0.05})
    high = sc.with_overrides({"learning.gov_trust_initial": 0.9})
    n_low, spent_low = _upgrades(low)
    n_high, spent_high = _upgrades(high)
    assert n_high > n_low and n_high >= 3
    assert spent_high > spent_low  # the share of aid not taken is not spent
