"""The patterns as checks of the model: verification apart from validation, every
validation check failing in its alternative world, the reduced ``ovopsim validate``
reproducing the published table (what fails honestly is listed), the leave-one-case-out
predictions, and the headline results' Sobol' contrasts."""

import numpy as np
import pytest

from ovopsim.posterior import SHIPPED, Posterior, load_posterior
from ovopsim.validation.core import mean_ci, validate
from ovopsim.validation.patterns import CALIBRATION, PATTERNS, VALIDATION, VERIFICATION, Check

REDUCED = dict(replicates=20, months=60, workers=2)  # as `ovopsim validate`, without LOCO and Sobol


def test_check_tolerances():
    band = Check("x", "y", stat=lambda S: np.zeros(1), lo=0.5, hi=0.7)
    assert band.passes(0.6, 0.0, 9.0) and not band.passes(0.8, 0.7, 0.9)
    up = Check("x", "y", stat=lambda S: np.zeros(1), direction=+1)
    assert up.passes(1.0, 0.1, 2.0) and not up.passes(1.0, -0.1, 2.0) and not up.passes(np.nan, 0, 0)
    m, lo, hi = mean_ci(np.array([1.0, 2.0, 3.0, np.nan]))
    assert m == 2.0 and lo < 2.0 < hi


def test_every_check_says_what_it_can_show():
    checks = [(p.id, c) for p in PATTERNS for c in p.checks]
    assert {c.kind for _, c in checks} == {VERIFICATION, VALIDATION}
    for pid, c in checks:
        if c.kind == VERIFICATION:
            assert c.why and c.alternative is None, (pid, c.label)
        else:
            assert c.alternative is not None and c.alternative.overrides, (pid, c.label)
    labels = {(pid, c.label) for pid, c in checks if c.kind == VALIDATION}
    assert set(CALIBRATION) < labels  # targets are some validation checks, not all


# validation checks the model fails, honestly (docs/VALIDATION.md says why)
KNOWN_FAILING: set[str] = {"coverage (share ever reached): underfunded / funded"}
# validation checks whose alternative world may not make them fail (docs/VALIDATION.md says
# why when it holds): the LJMP's arm still has its mentors, lends the capital the other arm
# gets as grants and sells a little more outside the province (about 1% of price); a cut
# still halves the exhibitions, whose meetings make partners across villages (+0.01 of
# growth)
STILL_PASS: set[str] = {"price received: LJMP / none - 1", "growth: no cut minus 50% cut"}


@pytest.fixture(scope="module")
def reduced():
    return validate(PATTERNS, posterior=str(SHIPPED), **REDUCED)


@pytest.mark.slow
def test_reduced_validation_reproduces_the_published_table(reduced):
    t = reduced.table
    assert set(t["pattern"]) == {f"P{i}" for i in range(1, 8)}
    assert np.isfinite(t["mean"]).all()
    ver = t[t["kind"] == VERIFICATION]
    assert ver["passed"].all(), ver[~ver["passed"]][["pattern", "check", "mean"]].to_string()
    val = t[t["kind"] == VALIDATION]
    lost = val[~val["passed"] & ~val["check"].isin(KNOWN_FAILING)]
    assert lost.empty, "patterns lost:\n" + lost[["pattern", "check", "mean", "ci_lo", "ci_hi"]].to_string()


@pytest.mark.slow
def test_every_validation_check_fails_in_its_alternative_world(reduced):
    val = reduced.table[reduced.table["kind"] == VALIDATION]
    toothless = val[~val["fails_there"].astype(bool) & ~val["check"].isin(STILL_PASS)]
    assert toothless.empty, toothless[["pattern", "check", "alt_mean", "alternative"]].to_string()


@pytest.mark.slow
def test_a_case_left_out_is_predicted_from_a_posterior_that_never_saw_it(reduced):
    from ovopsim.validation.calibrate import leave_one_case_out, loco_path

    t = leave_one_case_out(reduced, replicates=4, months=60, workers=2, cases=["Proppo", "Singkawang"])
    proppo = t[t["case"] == "Proppo"]
    assert set(proppo["pattern"]) == {"P4"} and (proppo["kind"] == VALIDATION).all()
    assert proppo["posterior"].str.endswith(loco_path("Proppo").name).all()
    target = proppo[proppo["calibration"]]  # in-sample in the main calibration, predicted here
    assert len(target) == 1 and np.isfinite(target[["mean", "ci_lo", "ci_hi"]].to_numpy()).all()
    sing = t[t["case"] == "Singkawang"]  # never a target: the main posterior's own predictions
    main = reduced.table[(reduced.table["pattern"] == "P5") & (reduced.table["kind"] == VALIDATION)]
    assert np.array_equal(sing["mean"].to_numpy(), main["mean"].to_numpy())


def test_shipped_leave_one_out_posteriors_leave_their_case_out():
    from ovopsim.validation.calibrate import loco_cases, loco_path

    main = load_posterior(SHIPPED)
    for case in loco_cases():
        post = load_posterior(loco_path(case))
        assert post.names == main.names and len(post) >= 50


def test_a_headline_is_a_paired_contrast_over_posterior_marginals():
    from ovopsim.validation.depends import effect, inverse_marginals

    post = Posterior(("trust.gain", "world.skill_mean"), np.array([[0.1, 0.3], [0.2, 0.5], [0.4, 0.4]]),
                     np.array([0.25, 0.5, 0.25]))
    x = inverse_marginals(post)(np.array([[0.0, 0.0], [0.5, 0.5], [1.0, 1.0]]))
    # each particle at the middle of its weight, linear in between, the ends clamped
    assert x[0].tolist() == [0.1, 0.3] and x[2].tolist() == [0.4, 0.5]
    assert np.allclose(x[1], [0.2, 0.4 + 0.1 * (0.5 - 0.375) / (0.75 - 0.375)])
    a = effect({"headline": "budget_cut_cost", "months": 24, "trust.gain": 0.1}, 5)["effect"]
    b = effect({"headline": "budget_cut_cost", "months": 24, "trust.gain": 0.1}, 5)["effect"]
    assert a == b and np.isfinite(a)


@pytest.mark.slow
def test_the_report_shows_verification_and_validation_apart(reduced, tmp_path):
    from ovopsim.validation.report import markdown, text_table

    text = text_table(reduced)
    ver, val = text.index("VERIFICATION"), text.index("VALIDATION (")
    assert ver < val
    n_val = int((reduced.table["kind"] == VALIDATION).sum())
    assert text.count("fails there") + text.count("STILL PASSES") == n_val
    assert "target (in-sample)" in text and "prediction" in text
    md = markdown(reduced, tmp_path).read_text()
    assert md.index("## Validation") < md.index("## Verification") < md.index("## Producers in")
    assert "| Rasau Jaya" not in md or "equipment" in md
    assert "not yet explained" not in md  # every failing check, and every alternative that holds, explained
    assert (tmp_path / "figures" / "validation" / "P1.png").is_file()


def test_in_business_at_month_1_is_what_the_warm_up_left_of_the_mapped_producers():
    """Rasau Jaya's 50 mapped producers (a calibration target): the statistic counts the
    businesses open when the programme starts per producer the scenario lists; margins
    too thin to live on (the check's alternative world) close most of them."""
    from ovopsim.config import load_scenario
    from ovopsim.model import OVOPModel
    from ovopsim.validation.core import observe

    sc = load_scenario("rasau_jaya")
    ok = observe(sc, 1, 12)[0]["in_business_first"]
    assert ok == OVOPModel(sc, rng=1, months=12).artisans.active.sum() / 50
    assert 0.9 <= ok <= 1.1
    thin = sc.with_overrides({"money.wage": 2.4e6, "market.middleman_margin": 0.5})
    assert observe(thin, 1, 12)[0]["in_business_first"] < 0.3


def test_the_shipped_posterior_keeps_the_mapped_producers_in_business():
    """The target on Rasau Jaya's producers in business at month 1 is what rules out
    worlds the warm-up shrinks: over 12 draws (common seeds) the shipped posterior keeps
    on average a share inside the target's band [0.9, 1.1] and no draw loses half of them
    (and Blitar's), while the posterior calibrated without Rasau Jaya's targets has draws
    that keep a fifth or less."""
    from ovopsim.config import load_scenario
    from ovopsim.model import OVOPModel
    from ovopsim.validation.calibrate import loco_path

    def kept(path, name, mapped):
        post, base = load_posterior(path), load_scenario(name)
        return np.array([OVOPModel(base.with_overrides(post.draw_for(base, seed)), rng=seed,
                                   months=1).artisans.active.sum() / mapped for seed in range(1, 13)])

    for name, mapped in (("rasau_jaya", 50), ("blitar_batik", 120)):
        shipped = kept(SHIPPED, name, mapped)
        assert 0.9 <= shipped.mean() <= 1.1 and shipped.min() > 0.5, (name, shipped)
    without = kept(loco_path("Rasau Jaya"), "rasau_jaya", 50)
    assert (without <= 0.2).sum() >= 3, without  # collapsed worlds the target rules out
