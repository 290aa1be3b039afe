"""``ovopsim calibrate``: the spec, the targets, the screen's candidates, and the quick
ABC-SMC through the runner writing a posterior that ``validate`` and ``compare`` read."""

import re

import numpy as np
import pandas as pd
import pytest

from ovopsim.cli import main
from ovopsim.errors import InputError
from ovopsim.posterior import load_posterior
from ovopsim.validation import calibrate as cal
from ovopsim.validation.patterns import CALIBRATION, CASES, PATTERNS, VALIDATION


def test_targets_are_validation_checks_and_leaving_a_case_out_drops_its_own():
    every = cal.targets()
    assert [(t.pattern.id, t.check.label) for t in every] == list(CALIBRATION)
    assert all(t.check.kind == VALIDATION for t in every)
    for case in cal.loco_cases():
        kept = {t.pattern.id for t in cal.targets(case)}
        assert not kept & set(CASES[case]) and kept
    assert set(cal.loco_cases()) == {"Blitar", "Proppo", "Rasau Jaya"}
    with pytest.raises(InputError):
        cal.targets("Atlantis")


def test_a_miss_is_the_distance_outside_the_tolerance_in_its_scale():
    band = next(t.check for t in cal.targets() if t.pattern.id == "P1" and t.check.lo is not None)
    assert band.miss(0.6) == 0.0
    assert np.isclose(band.miss(1.05), (1.05 - 0.75) / band.scale)
    up = next(c for p in PATTERNS for c in p.checks if c.direction > 0 and c.kind == VALIDATION)
    assert up.miss(0.3) == 0.0 and np.isclose(up.miss(-0.1), 0.1 / up.scale) and up.miss(np.nan) == np.inf


def test_candidates_are_the_assumed_parameters_from_half_to_twice_their_default():
    c = cal.candidates()
    assert c["trust.gain"] == (0.06, 0.24)  # default 0.12
    assert c["production.overtime"][0] == 1.0  # clipped to its valid range
    assert "world.group_member_share" not in c  # a field fact, not an assumption
    assert "government.annual_budget" not in c  # no default to scale


def test_spec_mistakes_are_one_clear_message(tmp_path):
    spec = cal.load_spec()
    assert spec.quick.parameters and spec.screen.keep > 0
    bad = tmp_path / "cal.toml"
    bad.write_text(cal.SPEC.read_text().replace("\n[ranges]\n", '\n[ranges]\n"trust.gain" = [0.3, 0.1]\n'))
    with pytest.raises(InputError) as err:
        cal.load_spec(bad)
    assert "lower < upper" in err.value.message and str(bad) in err.value.message
    bad.write_text(cal.SPEC.read_text().replace('"trust.gain", "learning', '"trust.gian", "learning'))
    with pytest.raises(InputError) as err:
        cal.load_spec(bad)
    assert err.value.key == "quick.parameters" and "trust.gian" in err.value.message


@pytest.mark.slow
def test_quick_calibration_writes_a_posterior_that_resumes_to_itself(tmp_path, capsys):
    args = ["calibrate", "--quick", "--work", str(tmp_path), "--workers", "2", "--no-progress"]
    assert main(args) == 0
    post = load_posterior(tmp_path / "posterior.csv")
    spec = cal.load_spec()
    assert set(post.names) == set(spec.quick.parameters) and len(post) == spec.quick.population
    for j, name in enumerate(post.names):
        lo, hi = cal.candidates()[name]
        assert (post.values[:, j] >= lo).all() and (post.values[:, j] <= hi).all()
    md = (tmp_path / "CALIBRATION.md").read_text()
    assert "tolerance schedule" in md and "effective sample size" in md
    # a run written elsewhere says where its posterior went, and does not claim the shipped defaults
    assert f"`{tmp_path / 'posterior.csv'}`" in md and "shipped defaults are its central point" not in md
    assert re.search(r"Runtime \d+ s\.", md)
    first = pd.read_csv(tmp_path / "posterior.csv")
    assert main(args) == 0  # everything is read back: the same posterior
    assert pd.read_csv(tmp_path / "posterior.csv").equals(first)
    assert "posterior.csv" in capsys.readouterr().out


def test_the_report_names_the_shipped_spec_wherever_the_repository_is(tmp_path):
    """--spec defaults to the shipped spec's absolute path: CALIBRATION.md names it as
    experiments/calibrate.toml with no --spec (it wrote the clone's path before); another
    spec is named as given."""
    from argparse import Namespace

    from ovopsim.validation.cli import calibrate_command

    shipped = Namespace(spec=cal.SPEC, quick=False, loco=True, stability=True)
    assert calibrate_command(shipped) == ("ovopsim calibrate --loco --stability", "experiments/calibrate.toml")
    other = Namespace(spec=tmp_path / "mine.toml", quick=True, loco=False, stability=False)
    assert calibrate_command(other) == (f"ovopsim calibrate --spec {tmp_path / 'mine.toml'} --quick",
                                        str(tmp_path / "mine.toml"))
