"""The patterns are checks of the model: a reduced ``ovopsim validate`` reproduces the
published table (what passes passes, what fails honestly is listed), and a check must
fail when the mechanism it tests is switched off (the checks have teeth)."""

from dataclasses import replace

import numpy as np
import pytest

from ovopsim.validation.core import mean_ci, validate
from ovopsim.validation.patterns import P2, P7, PATTERNS, Check

REDUCED = dict(replicates=8, months=60, workers=2)  # the full check is `ovopsim validate` (20)


def test_check_tolerances():
    band = Check("x", "y", stat=lambda S: np.zeros(1), lo=0.5, hi=0.7)
    assert band.passes(0.6, 0.0, 9.0) and not band.passes(0.8, 0.7, 0.9)
    up = Check("x", "y", stat=lambda S: np.zeros(1), direction=+1)
    assert up.passes(1.0, 0.1, 2.0) and not up.passes(1.0, -0.1, 2.0) and not up.passes(np.nan, 0, 0)
    m, lo, hi = mean_ci(np.array([1.0, 2.0, 3.0, np.nan]))
    assert m == 2.0 and lo < 2.0 < hi


# checks the model fails, honestly (docs/VALIDATION.md says why)
KNOWN_FAILING = {
    "income growth, programme (last 12 months vs the year before month 1)",  # overshoots +50-70%
    "coverage (share ever reached): underfunded / funded",                   # 0.8, not below 0.7
    "partnerships between villages, month 1",           # the warm-up already formed some
    "reciprocity: persisting minus dissolved partnerships (weaker side)",  # no significant gap
}


@pytest.mark.slow
def test_reduced_validation_reproduces_the_published_table():
    v = validate(PATTERNS, **REDUCED)
    assert set(v.table["pattern"]) == {f"P{i}" for i in range(1, 8)}
    assert np.isfinite(v.table["mean"]).all()
    failed = v.table[~v.table["passed"] & ~v.table["check"].isin(KNOWN_FAILING)]
    assert failed.empty, "patterns lost:\n" + failed[["pattern", "check", "mean", "ci_lo", "ci_hi",
                                                       "tolerance"]].to_string()


def _without(pattern, arm_name, overrides):
    """The pattern with one arm's mechanism switched off by ``overrides``."""
    arms = tuple(replace(a, overrides={**a.overrides, **overrides}) if a.name == arm_name else a
                 for a in pattern.arms)
    return replace(pattern, arms=arms)


def _result(table, label):
    return bool(table.loc[table["check"] == label, "passed"].iloc[0])


@pytest.mark.slow
def test_p2_fails_when_the_budget_cut_does_nothing():
    toothless = _without(P2, "cut50", {"interventions.budget_cut.share": 0.0})
    t = validate([toothless], **REDUCED).table
    assert not _result(t, "growth: no cut minus 50% cut")
    assert not _result(t, "growth: 50% cut minus 75% cut") or not _result(t, "growth: 25% cut minus 50% cut")


@pytest.mark.slow
def test_p7_fails_when_the_forum_meets_no_one():
    toothless = _without(P7, "forum", {"interventions.dialogue.intensity": 0.0})
    t = validate([toothless], **REDUCED).table
    assert not _result(t, "share reached: with forum minus top-down")


def test_calibration_spec_loads_and_rejects_mistakes(tmp_path):
    from ovopsim.errors import InputError
    from ovopsim.validation import calibrate

    spec = calibrate.load_spec()
    assert spec.parameters and all(lo < hi for lo, hi in spec.parameters.values())
    bad = tmp_path / "cal.toml"
    bad.write_text(calibrate.SPEC.read_text().replace("[0.2, 1.0]", "[1.0, 0.2]"))
    with pytest.raises(InputError) as err:
        calibrate.load_spec(bad)
    assert "lower < upper" in err.value.message and str(bad) in err.value.message
