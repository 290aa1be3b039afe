"""Scenario validation: every kind of mistake gets one clear message naming file and key."""

from pathlib import Path

import pytest

from ovopsim.config import Scenario, load_scenario, scenario_from_dict, shipped_scenarios
from ovopsim.errors import InputError

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path, text, name="s.toml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def err(tmp_path, text) -> InputError:
    with pytest.raises(InputError) as info:
        load_scenario(write(tmp_path, text))
    return info.value


def test_shipped_scenarios_all_load():
    names = {p.stem for p in shipped_scenarios()}
    assert {"baseline", "rasau_jaya", "blitar_batik", "blitar_budget_cut", "blitar_turnover",
            "proppo_batik", "bangka_tengah", "singkawang_ljmp"} <= names
    for p in shipped_scenarios():
        s = load_scenario(p)
        assert s.n_artisans > 0


def test_rasau_jaya_matches_the_field_table():
    s = load_scenario("rasau_jaya")
    vs = s.village_list()
    assert [v.name for v in vs] == ["Rasau Jaya I", "Rasau Jaya II", "Rasau Jaya III",
                                    "Rasau Jaya Umum", "Pematang Tujuh", "Bintang Mas"]
    assert [sum(v.artisans.values()) for v in vs] == [13, 7, 6, 14, 6, 4]
    assert [v.households for v in vs] == [6621, 3743, 3722, 5206, 312, 1202]
    by_product = {}
    for v in vs:
        for p, k in v.artisans.items():
            by_product[p] = by_product.get(p, 0) + k
    assert by_product == {"rengginang": 12, "marning": 2, "kerupuk": 16, "keripik": 7, "torratello": 2,
                          "kue": 2, "dodol": 2, "drinks": 2, "crafts": 5}


def test_unknown_key_suggests_the_near_name(tmp_path):
    e = err(tmp_path, "[trust]\ngian = 0.1\n")
    assert e.key == "trust.gian"
    assert 'did you mean "gain"' in e.message
    assert str(tmp_path / "s.toml") in e.message


def test_unknown_intervention_field_names_its_position(tmp_path):
    e = err(tmp_path, '[[interventions]]\ntype = "training"\nintensty = 0.3\n')
    assert e.key == "interventions[0].intensty"
    assert 'did you mean "intensity"' in e.message


def test_unknown_intervention_type(tmp_path):
    e = err(tmp_path, '[[interventions]]\ntype = "trainig"\n')
    assert e.key == "interventions[0]"
    assert 'did you mean "training"' in e.message


def test_a_number_written_as_text_is_refused(tmp_path):
    """numbers_not_guessed: "0.1" where a number goes is refused, in a scenario file, an
    override, an experiment spec and a decision spec, not read as 0.1."""
    e = err(tmp_path, '[trust]\ngain = "0.1"\n')
    assert (e.key, e.expected, e.given) == ("trust.gain", "a number (written without quotes)", "'0.1'")
    e = err(tmp_path, '[world]\nequipment_shares = [0.5, "0.3", 0.2]\n')
    assert (e.key, e.expected, e.given) == ("world.equipment_shares",
                                            "numbers (true, false and text in quotes are not numbers)",
                                            "[0.5, '0.3', 0.2]")
    assert load_scenario(write(tmp_path, '[scenario]\nname = "0.1"\n')).scenario.name == "0.1"  # text is text
    with pytest.raises(InputError) as info:
        load_scenario("blitar_batik").with_overrides({"interventions.exhibitions.intensity": "0.5"})
    assert (info.value.key, info.value.given) == ("interventions.exhibitions.intensity", "'0.5'")
    from ovopsim.experiments.decide.spec import as_decision
    from ovopsim.experiments.spec import load_spec

    spec = write(tmp_path, '[experiment]\nkind = "sweep"\nmodel = "ovop"\nreplicates = "3"\n'
                           '[parameters]\n"trust.gain" = { levels = [0.1, 0.2] }\n', "e.toml")
    with pytest.raises(InputError, match=r"experiment.replicates: expected a whole number \(written without quotes\), got .3.$"):
        load_spec(spec)
    with pytest.raises(InputError, match=r"budget.total: expected a number \(written without quotes\)"):
        as_decision({"experiment": {"kind": "decision", "model": "ovop"},
                     "budget": {"total": "6e8", "programmes": ["training", "mentoring"]},
                     "outcomes": {"income_gain": {"direction": "max"}}})


def test_wrong_type(tmp_path):
    e = err(tmp_path, '[government]\nannual_budget = "lots"\n')
    assert e.key == "government.annual_budget"
    assert "'lots'" in e.message and "number" in e.expected


def test_true_or_false_where_a_number_is_wanted(tmp_path):
    """pydantic reads true as 1: a scenario, an override and an experiment spec refuse it."""
    e = err(tmp_path, "[scenario]\nseed = true\n")
    assert (e.key, e.expected, e.given) == ("scenario.seed", "a whole number (not true or false)", "true")
    e = err(tmp_path, '[[interventions]]\ntype = "training"\nintensity = false\n')
    assert (e.key, e.expected, e.given) == ("interventions[0].intensity", "a number (not true or false)", "false")
    s = load_scenario("blitar_batik")
    with pytest.raises(InputError, match=r"interventions.exhibitions.intensity: expected a number \(not true"):
        s.with_overrides({"interventions.exhibitions.intensity": True})
    assert s.with_overrides({"ljmp.enabled": False}).ljmp.enabled is False  # a true/false field takes it
    from ovopsim.experiments.spec import load_spec

    spec = write(tmp_path, '[experiment]\nkind = "sweep"\nmodel = "ovop"\nseed = true\n'
                           '[parameters]\n"trust.gain" = { levels = [0.1, 0.2] }\n', "e.toml")
    with pytest.raises(InputError, match=r"experiment.seed: expected a whole number \(not true or false\), got true"):
        load_spec(spec)


def test_out_of_range(tmp_path):
    e = err(tmp_path, "[market]\nfestive_boost = 5.0\n")
    assert e.key == "market.festive_boost"
    assert e.expected == "a number <= 2.0" and e.given == "5.0"


def test_negative_budget(tmp_path):
    e = err(tmp_path, "[government]\nannual_budget = -1\n")
    assert e.key == "government.annual_budget" and ">= 0" in e.expected


def test_end_before_start(tmp_path):
    e = err(tmp_path, '[[interventions]]\ntype = "training"\nstart = 10\nend = 5\n')
    assert e.key == "interventions[0]"
    assert "end >= start (10)" in e.message


def test_missing_file(tmp_path):
    with pytest.raises(InputError) as info:
        load_scenario(tmp_path / "nope.toml")
    assert "does not exist" in info.value.message and "nope.toml" in info.value.message


def test_malformed_toml(tmp_path):
    e = err(tmp_path, "[scenario\nname = 'x'\n")
    assert "valid TOML" in e.message


def test_unknown_product_and_village(tmp_path):
    e = err(tmp_path, '[[villages]]\nname = "A"\nartisans = { batk = 3 }\n')
    assert e.key == "villages[0].artisans.batk" and 'did you mean "batik"' in e.message
    e = err(tmp_path, '[[villages]]\nname = "Alpha"\nartisans = { batik = 3 }\n'
                      '[[interventions]]\ntype = "training"\ntarget = { villages = ["Alpah"] }\n')
    assert e.key == "interventions[0].villages" and 'did you mean "Alpha"' in e.message


def test_loan_needs_an_ljmp(tmp_path):
    e = err(tmp_path, '[[interventions]]\ntype = "capital"\nmode = "loan"\n')
    assert e.key == "interventions[0].mode"


def test_budget_cut_names_existing_programmes(tmp_path):
    e = err(tmp_path, '[[interventions]]\ntype = "training"\nname = "design"\n'
                      '[[interventions]]\ntype = "budget_cut"\nprogrammes = ["desgn"]\n')
    assert e.key == "interventions[1].programmes" and 'did you mean "design"' in e.message


def test_overrides_validate_and_apply():
    s = load_scenario("blitar_batik")
    t = s.with_overrides({"trust.gain": 0.2, "interventions.exhibitions.intensity": 0.9,
                          "government.annual_budget": 1e9})
    assert t.trust.gain == 0.2 and t.government.annual_budget == 1e9
    assert [iv.intensity for iv in t.interventions if iv.name == "exhibitions"] == [0.9]
    assert s.trust.gain != 0.2  # the original is untouched
    with pytest.raises(InputError) as info:
        s.with_overrides({"trust.gian": 0.2})
    assert 'did you mean "gain"' in info.value.message
    with pytest.raises(InputError):
        s.with_overrides({"trust.gain": 7.0})


def _revalidated_whole(s, overrides: dict):
    """``s`` with ``overrides`` written into its whole data, validated as a new file's."""
    data = s.model_dump(mode="python", exclude_none=False)
    for key, value in overrides.items():
        parts = key.split(".")
        if parts[0] == "interventions":
            for iv in data["interventions"]:
                if parts[1] in (iv.get("name"), iv["type"]):
                    iv[parts[2]] = value
            continue
        node = data
        for part in parts[:-1]:
            node = node[part]
        node[parts[-1]] = value
    data.pop("villages" if data.get("villages") is None else "generate", None)
    return Scenario.model_validate(data)


@pytest.mark.parametrize("name", ["rasau_jaya", "blitar_batik", "baseline", "singkawang_ljmp"])
def test_overrides_give_the_scenario_a_whole_revalidation_gives(name):
    """with_overrides validates only the sections written to (and the scenario's rules
    across sections): the result is the scenario validating the whole data gives."""
    s = load_scenario(name)
    cases = [{"trust.gain": 0.05, "trust.partner_rate": 0.1}, {"world.scale": 2, "market.demand_growth": 0.03},
             {"scenario.months": 24, "government.annual_budget": 5e8}]
    for iv in s.interventions[:2]:
        cases.append({f"interventions.{iv.name or iv.type}.start": 3, "network.within_degree": 4})
    for overrides in cases:
        fast, whole = s.with_overrides(overrides), _revalidated_whole(s, overrides)
        assert fast.model_dump_json() == whole.model_dump_json(), overrides
        assert fast.content_hash() == whole.content_hash()
    assert s.trust.gain == load_scenario(name).trust.gain  # the original is untouched


def test_an_override_breaking_a_rule_across_sections_names_the_rule_s_key():
    """A problem only the whole scenario shows (an observed network's ids after scaling,
    a loan without an LJMP) is named by its own key, not as the scenario's whole data."""
    with pytest.raises(InputError) as info:
        load_scenario("rasau_jaya").with_overrides({"ljmp.enabled": False, "interventions.capital.mode": "loan"})
    assert info.value.key == "interventions.capital.mode"  # the override's own key
    assert info.value.given == '"loan"' and "Meta(" not in info.value.message
    with pytest.raises(InputError) as info:
        load_scenario("proppo_surveyed").with_overrides({"world.scale": 2})
    assert info.value.key.endswith("edge 1 source") and 'did you mean "Proppo #2/1"' in info.value.given


def test_an_override_of_a_section_not_set_or_of_a_list_says_so():
    s = load_scenario("rasau_jaya")  # lists its villages: no [generate]
    with pytest.raises(InputError) as info:
        s.with_overrides({"generate.villages": 3})
    assert info.value.expected == "a section this scenario has" and "not set" in info.value.given
    with pytest.raises(InputError) as info:
        s.with_overrides({"villages.households": 3})
    assert "a list" in info.value.given


def test_generated_world_and_scale():
    s = scenario_from_dict({"generate": {"villages": 3, "artisans_per_village": 10}, "world": {"scale": 4}})
    assert s.n_artisans == 120
    assert len(s.village_list()) == 12
    assert Scenario().n_artisans == 300


def test_every_field_parameter_cites_the_brief():
    """A parameter labelled ``field`` names the section of the domain brief where its
    number stands; the rest are assumptions or calibrated."""
    from ovopsim.config import parameter_table

    table = parameter_table()
    assert set(table["source"]) <= {"field", "assumption", "calibrated"}
    field = table[table["source"] == "field"]
    assert len(field) >= 5
    for _, row in field.iterrows():
        assert "(brief 2, " in row["meaning"], row["parameter"]


def test_every_parameter_is_read_by_the_model():
    """No parameter that nothing reads: each mechanism parameter is read by a mechanism
    as ``<section>_<name>`` (or by the world, interventions or model by its name)."""
    import pathlib
    import re

    from ovopsim.config import PARAMETER_SECTIONS

    root = pathlib.Path(__file__).resolve().parent.parent / "ovopsim"
    code = "\n".join(p.read_text() for p in root.rglob("*.py") if p.name != "config.py")
    for section, cls in PARAMETER_SECTIONS.items():
        for name in cls.model_fields:
            if name in ("file", "edges", "enabled"):
                continue
            used = (f"{section}_{name}" in code or re.search(rf"\b{section}\.{name}\b", code)
                    or re.search(rf"\b(w|w_spec|net|g|lj|s\.world|scenario\.world)\.{name}\b", code))
            assert used, f"{section}.{name} is read nowhere"


@pytest.mark.parametrize("spec, says", [("experiments/budget_x_turnover.toml", "ovopsim sweep"),
                                        ("experiments/blitar_budget_mix.toml", "ovopsim optimize"),
                                        ("experiments/calibrate.toml", "ovopsim calibrate")])
def test_a_spec_given_as_a_scenario_is_named_as_a_spec(spec, says):
    """Not "unknown key experiment (did you mean government?)": what it is, and what runs it."""
    from pathlib import Path

    with pytest.raises(InputError) as err:
        load_scenario(Path(__file__).resolve().parent.parent / spec)
    assert "spec" in err.value.given and says in err.value.given


def test_two_interventions_with_one_name_are_refused(tmp_path):
    """An override by name would change both, and they would share one budget envelope."""
    e = err(tmp_path, '[[interventions]]\ntype = "training"\nname = "design_training"\n'
                      '[[interventions]]\ntype = "training"\ntopic = "design"\nname = "design_training"\n')
    assert e.key == "interventions[1].name" and e.given == '"design_training"'
    assert "interventions[0]" in e.expected


def test_true_or_false_is_not_guessed_and_kinds_are_named_in_words(tmp_path):
    """numbers_not_guessed, for true or false: "no", "true" or 1 where true or false goes
    is refused, not read as a truth; a wrong kind of value is named in words a TOML
    writer uses (a whole number, text in quotes, true), and a list's check of its sum
    does not run on guessed values."""
    e = err(tmp_path, '[ljmp]\nenabled = "no"\n')
    assert (e.key, e.expected, e.given) == ("ljmp.enabled", "true or false (written without quotes)", "'no'")
    with pytest.raises(InputError) as info:
        load_scenario("blitar_batik").with_overrides({"ljmp.enabled": 1})
    assert (info.value.key, info.value.expected, info.value.given) == ("ljmp.enabled", "true or false", "1")
    e = err(tmp_path, "[scenario]\nmonths = 60.5\n")
    assert (e.expected, e.given) == ("a whole number", "60.5 (a number)")
    e = err(tmp_path, "[scenario]\nname = 2024\n")
    assert (e.expected, e.given) == ('text (in quotes: "2024")', "2024 (a number)")
    e = err(tmp_path, "[world]\nequipment_shares = [0.5, true, 0.2]\n")  # not "they sum to 1.7"
    assert (e.key, e.expected, e.given) == ("world.equipment_shares",
                                            "numbers (true, false and text in quotes are not numbers)",
                                            "[0.5, true, 0.2]")
    from ovopsim.experiments.spec import as_spec, load_spec

    spec = write(tmp_path, '[experiment]\nkind = "sweep"\nmodel = "ovop"\n[parameters]\n'
                           '"interventions.digital_promotion.digital" = { levels = [false, "true"] }\n', "e.toml")
    with pytest.raises(InputError, match=r"parameters.interventions.digital_promotion.digital.levels: expected "
                                         r"levels of one kind: numbers, true or false, or text"):
        load_spec(spec)
    # a spec edited in Python after it was read is validated again
    spec = load_spec(ROOT / "experiments" / "morris_screening.toml")
    spec.sensitivity.n = "4"
    with pytest.raises(InputError, match=r"sensitivity.n: expected a whole number \(written without quotes\)"):
        as_spec(spec)
