"""The observed patterns P1-P7 of the domain brief, declared as replicated checks.

A pattern names its **arms** (a shipped scenario plus overrides) and its
**checks**. A check is a statistic computed
per replicate from the arms' run summaries (replicate ``i`` of every arm ran with
the same seed, so differences between arms are paired), the value observed in
the field, and a tolerance: either a band the replicate mean must fall in, or a
sign the whole 95% confidence interval must have (a direction). Nothing here
runs a model; :mod:`ovopsim.validation.core` does.

Run summaries (:func:`summarise`) are computed from the monthly indicator table
only: analysis never reaches into the model.

Checks are of two kinds (brief, section 4). **Verification** checks restate what the
model is built to do (a parameter set to a field value shows up in the output, a
world built so shows it): they test the code, not the model. **Validation** checks
are outcomes the mechanisms produce that no parameter sets directly; each names a
plausible **alternative** (a mechanism switched off, a parameter at the other end
of its range) under which it should fail, and ``ovopsim validate`` shows that it
does. Some validation checks are **calibration targets** (:data:`CALIBRATION`): the
posterior is fitted to them, so they are in-sample; the others are predictions.

Horizon conventions (documented in docs/ODD.md, "Patterns"): *income growth* is
the mean income of the last 12 months over the mean of the warm-up year before
month 1 (the settled economy before any programme), minus one; seasons cancel. A
*gain* compares an arm with another arm of the same world under the same seed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import outcomes


@dataclass(frozen=True)
class Arm:
    """One experimental arm: a shipped scenario and dotted overrides.

    Attributes:
        name: unique label, e.g. ``"P2.cut75"``.
        scenario: shipped scenario name (``scenarios/<name>.toml``).
        overrides: ``Scenario.with_overrides`` keys and values.
    """

    name: str
    scenario: str
    overrides: Mapping[str, object] = field(default_factory=dict)


Stat = Callable[[Mapping[str, pd.DataFrame]], np.ndarray]


@dataclass(frozen=True)
class Alternative:
    """A plausible world in which a validation check should fail.

    Attributes:
        label: what it changes, in words.
        overrides: dotted scenario overrides.
        arms: the arms they apply to (empty: every arm of the pattern).
    """

    label: str
    overrides: Mapping[str, object]
    arms: tuple[str, ...] = ()


VERIFICATION, VALIDATION = "verification", "validation"


@dataclass(frozen=True)
class Check:
    """One line of the validation table.

    Attributes:
        label: what is checked, in words.
        observed: what the field study reports (text).
        stat: per-replicate statistic from ``{arm name: summaries}`` (rows aligned
            by replicate).
        lo, hi: tolerance band for the replicate mean (``None``: open).
        direction: ``+1``: the whole 95% CI must lie above 0 (``-1``: below); used
            instead of a band for directional claims.
        tolerance: the tolerance in words (for the table).
        kind: :data:`VALIDATION` or :data:`VERIFICATION`.
        why: for a verification check, what it restates.
        alternative: for a validation check, where it should fail.
        scale: how far from its tolerance a miss counts as a unit (calibration distance).
    """

    label: str
    observed: str
    stat: Stat
    lo: float | None = None
    hi: float | None = None
    direction: int = 0
    tolerance: str = ""
    kind: str = VALIDATION
    why: str = ""
    alternative: Alternative | None = None
    scale: float = 1.0

    def miss(self, mean: float) -> float:
        """How far the replicate mean lies outside the tolerance, in units of ``scale``
        (0 inside; a direction is judged on the mean)."""
        if not np.isfinite(mean):
            return np.inf
        if self.direction:
            return max(0.0, -self.direction * mean) / self.scale
        below = max(0.0, self.lo - mean) if self.lo is not None else 0.0
        above = max(0.0, mean - self.hi) if self.hi is not None else 0.0
        return (below + above) / self.scale

    def passes(self, mean: float, ci_lo: float, ci_hi: float, strict: bool = True) -> bool:
        """Whether the check passes; ``strict=False`` (calibration screening with few
        replicates) asks a direction of the mean only, not of the whole interval."""
        if not np.isfinite(mean):
            return False
        if self.direction:
            lo, hi = (ci_lo, ci_hi) if strict else (mean, mean)
            return lo > 0 if self.direction > 0 else hi < 0
        return (self.lo is None or mean >= self.lo) and (self.hi is None or mean <= self.hi)

    def describe_tolerance(self) -> str:
        if self.tolerance:
            return self.tolerance
        if self.direction:
            return "95% CI " + ("> 0" if self.direction > 0 else "< 0")
        lo = "-inf" if self.lo is None else f"{self.lo:g}"
        hi = "inf" if self.hi is None else f"{self.hi:g}"
        return f"mean in [{lo}, {hi}]"


@dataclass(frozen=True)
class Pattern:
    """A pattern of the brief (section 4): its arms and checks.

    Attributes:
        id: ``"P1"`` ... ``"P7"``.
        title: the pattern in one line.
        source: the case study.
        arms: the arms it needs.
        checks: the checks that must all pass.
        figure: ``(arm names, monthly column)`` drawn in the report.
    """

    id: str
    title: str
    source: str
    arms: tuple[Arm, ...]
    checks: tuple[Check, ...]
    figure: tuple[tuple[str, ...], str] | None = None


# ------------------------------------------------------------------ run summaries

def summarise(m: pd.DataFrame) -> dict[str, float]:
    """Scalar outcomes of one run, from its monthly table (every check reads these):
    the project's standard outcomes (:mod:`ovopsim.outcomes`) plus those the
    patterns need."""
    out = outcomes.summarise(m)
    n = len(m)
    last = slice(max(n - 12, 0), n)
    dissolved = float(m["partnerships_dissolved_one_sided"].iloc[-1])
    out.update({
        "skill_gain": float(m["skill_mean"].iloc[last].mean() - m["skill_mean"].iloc[0]),
        "reached_share": float(m["reached_share"].iloc[-1]),
        "between_first": float(m["partnerships_between"].iloc[0]),
        "ties_between_share_first": float(m["ties_between"].iloc[0] / max(m["ties"].iloc[0], 1)),
        "between_last": float(m["partnerships_between"].iloc[last].mean()),
        "dissolved_one_sided": dissolved,
        "reciprocity_partners": float(m["reciprocity_partners"].iloc[-1]),
        "reciprocity_dissolved": float(m["reciprocity_dissolved"].iloc[-1]) if dissolved else np.nan,
        "reach_outside": float((m["share_national"] + m["share_export"]).iloc[last].mean()),
    })
    # monthly dissolution hazard of a partnership (one-sided dissolutions per
    # partnership-month): low means trusted ties persist
    pm = float((m["partnerships_within"] + m["partnerships_between"]).sum())
    out["dissolution_rate"] = dissolved / pm if pm > 0 else 0.0
    # seasons (P6): dried output in rainy vs dry months, outside festive peaks
    quiet = ~m["festive"].to_numpy()
    rainy = m["rainy"].to_numpy()
    dried = m["output_dried"].to_numpy()
    wet, dry = dried[quiet & rainy], dried[quiet & ~rainy]
    out["rainy_ratio"] = float(wet.mean() / dry.mean()) if len(wet) and len(dry) and dry.mean() > 0 \
        else np.nan
    # festive peak (P6): output in a peak month over the mean of its two neighbours
    outp = m["output_units"].to_numpy()
    ratios = [outp[i] / (0.5 * (outp[i - 1] + outp[i + 1]))
              for i in np.flatnonzero(m["festive"].to_numpy()) if 0 < i < n - 1
              and not m["festive"].iloc[i - 1] and not m["festive"].iloc[i + 1]
              and outp[i - 1] + outp[i + 1] > 0]
    out["festive_ratio"] = float(np.mean(ratios)) - 1 if ratios else np.nan
    return out


# ------------------------------------------------------------------ statistics

def col(arm: str, name: str) -> Stat:
    """The outcome ``name`` of ``arm``, per replicate."""
    return lambda S: S[arm][name].to_numpy(float)


def diff(a: Stat, b: Stat) -> Stat:
    return lambda S: a(S) - b(S)


def ratio(a: Stat, b: Stat) -> Stat:
    def f(S):
        x, y = a(S), b(S)
        return np.divide(x, y, out=np.full_like(x, np.nan), where=np.abs(y) > 1e-12)
    return f


def gain_ratio(arm: str, funded: str, base: str, name: str) -> Stat:
    """(arm - base) / (funded - base) of outcome ``name``: the share of the funded
    arm's gain over no programme that ``arm`` achieves."""
    return ratio(diff(col(arm, name), col(base, name)), diff(col(funded, name), col(base, name)))


def gap_share(lo_arm: str, mid_arm: str, hi_arm: str, name: str) -> Stat:
    """Where ``mid_arm`` lies between ``lo_arm`` (0) and ``hi_arm`` (1)."""
    return ratio(diff(col(mid_arm, name), col(lo_arm, name)), diff(col(hi_arm, name), col(lo_arm, name)))


def survey_gap(arm: str) -> Stat:
    """The largest gap, over the equipment, bookkeeping and group bands at month 1,
    between the arm's producers and the Rasau Jaya survey (brief 2)."""
    survey = {"equipment_manual": 0.75, "equipment_semi_automatic": 0.23, "equipment_modern": 0.02,
              "bookkeeping_none": 0.99, "group_member": 0.70, "group_board": 0.05, "group_outside": 0.25}
    return lambda S: np.max([np.abs(S[arm][f"{k}_first"].to_numpy(float) - v) for k, v in survey.items()],
                            axis=0)


# ------------------------------------------------------------------ the patterns

G = "income_growth"
BLITAR_PROGRAMMES = ["design_training", "technical_training", "digital_training", "exhibitions"]

# the alternatives (where validation checks should fail), named once
NO_HIRING = Alternative("no business can hire (production.max_workers = 0)", {"production.max_workers": 0})
NO_LEARNING = Alternative("training and mentoring teach nothing (learning.learning_rate = 0)",
                          {"learning.learning_rate": 0.0})
PROGRAMME_BUYS_NOTHING = Alternative(
    "training and mentoring teach nothing and exhibitions leave no lasting exposure "
    "(learning.learning_rate = 0, market.exposure_decay = 1)",
    {"learning.learning_rate": 0.0, "market.exposure_decay": 1.0})
TURNOVER_LOSES_NOTHING = Alternative(
    "a new officer knows everything and no schedule pauses (government.newcomer_knowledge = 1, "
    "replan_months = 0)", {"government.newcomer_knowledge": 1.0, "government.replan_months": 0})
PLAN_WRITES_NOTHING = Alternative(
    "a plan that writes nothing down and no schedule to lose (government.plan_documented = 0, "
    "replan_months = 0)", {"government.plan_documented": 0.0, "government.replan_months": 0})
FROZEN_TRUST = Alternative("trust cannot grow and starts at the low end of its range between villages "
                           "(trust.gain = 0, network.trust_between = 0.15)",
                           {"trust.gain": 0.0, "network.trust_between": 0.15})
FRAGILE_TRUST = Alternative("one bad experience ends a partnership (trust.loss = 1, trust.end_below = 0.5)",
                            {"trust.loss": 1.0, "trust.end_below": 0.5})

P1 = Pattern(
    "P1", "A sustained collaborative programme raises income 50-70% and jobs with it",
    "Blitar",
    arms=(Arm("blitar", "blitar_batik"), Arm("baseline", "baseline")),
    checks=(
        Check("income growth, programme (last 12 months vs the year before month 1)",
              "batik income +50-70%", col("blitar", G), lo=0.45, hi=0.75,
              tolerance="mean in [0.45, 0.75] (field range +/- 0.05)", scale=0.1,
              alternative=PROGRAMME_BUYS_NOTHING),
        Check("income growth, no programme (drift of the world)", "(no programme: flat)",
              col("baseline", G), lo=-0.10, hi=0.10, kind=VERIFICATION,
              why="the warm-up settles the world before month 1: a check of the model, not a field pattern"),
        Check("jobs growth, programme", "new jobs", col("blitar", "jobs_growth"), direction=+1, scale=0.05,
              alternative=NO_HIRING),
        Check("jobs growth, programme minus no programme", "new jobs from the programme",
              diff(col("blitar", "jobs_growth"), col("baseline", "jobs_growth")), direction=+1, scale=0.05,
              alternative=NO_HIRING),
    ),
    figure=(("baseline", "blitar"), "income_mean"),
)

P2 = Pattern(
    "P2", "Budget cuts and officer turnover shrink the gain, more so when deeper or more frequent; "
    "a medium-term plan recovers part", "Blitar",
    arms=(
        Arm("blitar", "blitar_batik"),
        Arm("cut25", "blitar_budget_cut", {"interventions.budget_cut.share": 0.25}),
        Arm("cut50", "blitar_budget_cut", {"interventions.budget_cut.share": 0.50}),
        Arm("cut75", "blitar_budget_cut", {"interventions.budget_cut.share": 0.75}),
        Arm("turnover1", "blitar_turnover", {"interventions.officer_turnover.rate": 1.0}),
        Arm("turnover2", "blitar_turnover", {"interventions.officer_turnover.rate": 2.0}),
        Arm("turnover4", "blitar_turnover", {"interventions.officer_turnover.rate": 4.0}),
        Arm("plan", "blitar_turnover_plan"),
    ),
    checks=(
        Check("growth: no cut minus 50% cut", "cuts shrink the gain",
              diff(col("blitar", G), col("cut50", G)), direction=+1, scale=0.05, alternative=PROGRAMME_BUYS_NOTHING),
        Check("growth: 25% cut minus 50% cut", "deeper cut, smaller gain",
              diff(col("cut25", G), col("cut50", G)), direction=+1, scale=0.05, alternative=PROGRAMME_BUYS_NOTHING),
        Check("growth: 50% cut minus 75% cut", "deeper cut, smaller gain",
              diff(col("cut50", G), col("cut75", G)), direction=+1, scale=0.05, alternative=PROGRAMME_BUYS_NOTHING),
        Check("growth: no turnover minus turnover 2/yr", "turnover shrinks the gain",
              diff(col("blitar", G), col("turnover2", G)), direction=+1, scale=0.05,
              alternative=TURNOVER_LOSES_NOTHING),
        Check("growth: turnover 1/yr minus 2/yr", "more frequent, smaller gain",
              diff(col("turnover1", G), col("turnover2", G)), direction=+1, scale=0.05,
              alternative=TURNOVER_LOSES_NOTHING),
        Check("growth: turnover 2/yr minus 4/yr", "more frequent, smaller gain",
              diff(col("turnover2", G), col("turnover4", G)), direction=+1, scale=0.05,
              alternative=TURNOVER_LOSES_NOTHING),
        Check("plan: share of the turnover loss recovered", "a plan recovers part",
              gap_share("turnover2", "plan", "blitar", G), lo=0.1, hi=0.9,
              tolerance="mean in [0.1, 0.9] (part, not none or all)", scale=0.2,
              alternative=PLAN_WRITES_NOTHING),
    ),
    figure=(("blitar", "cut25", "cut50", "cut75", "turnover2", "plan"), "income_mean"),
)

P3 = Pattern(
    "P3", "An underfunded programme still lifts income and competence, but far less per artisan "
    "and with lower coverage", "Bangka Tengah",
    arms=(
        Arm("under", "bangka_tengah"),
        Arm("funded", "bangka_tengah_funded"),
        Arm("none", "bangka_tengah", {"government.annual_budget": 0.0}),
    ),
    checks=(
        Check("income (last 12 months): underfunded / no programme - 1", "incomes rose for real",
              lambda S: col("under", "income")(S) / col("none", "income")(S) - 1,
              direction=+1, scale=0.05, alternative=Alternative(
                  "the underfunded package teaches nothing, hands out no equipment and its "
                  "promotion leaves no lasting exposure (learning.learning_rate = 0, "
                  "interventions.equipment.intensity = 0, market.exposure_decay = 1)",
                  {"learning.learning_rate": 0.0, "interventions.equipment.intensity": 0.0,
                   "market.exposure_decay": 1.0}, ("under",))),
        Check("skill gain: underfunded minus no programme", "competence rose markedly",
              diff(col("under", "skill_gain"), col("none", "skill_gain")), direction=+1, scale=0.02,
              alternative=NO_LEARNING),
        Check("income gain over no programme: underfunded / funded", "far less per artisan",
              gain_ratio("under", "funded", "none", "income"), lo=0.0, hi=0.6, scale=0.2,
              alternative=Alternative("the small budget covers the package (government.annual_budget = "
                                      "Rp 2 bn in the underfunded arm)", {"government.annual_budget": 2e9},
                                      ("under",))),
        Check("coverage (share ever reached): underfunded / funded", "lower coverage",
              ratio(col("under", "reached_share"), col("funded", "reached_share")), lo=0.0, hi=0.7, scale=0.2,
              alternative=Alternative("the small budget covers the package (government.annual_budget = "
                                      "Rp 2 bn in the underfunded arm)", {"government.annual_budget": 2e9},
                                      ("under",))),
    ),
    figure=(("none", "under", "funded"), "reached_share"),
)

P4 = Pattern(
    "P4", "Trust and reciprocity grow partnerships across villages; unreciprocated ties dissolve; "
    "trusted ties persist", "Proppo",
    arms=(Arm("proppo", "proppo_batik"),),
    checks=(
        Check("ties between villages at month 1, share of all ties", "the network starts within villages",
              col("proppo", "ties_between_share_first"), lo=0.0, hi=0.2, kind=VERIFICATION,
              why="restates how the world is built: few bridges between villages "
                  "(network.bridges_per_artisan)"),
        Check("between-village partnerships: last year minus month 1", "cross-village partnerships grow",
              diff(col("proppo", "between_last"), col("proppo", "between_first")), lo=10,
              tolerance="mean >= 10 partnerships", scale=10, alternative=FROZEN_TRUST),
        Check("partnerships ended for distrust", "unreciprocated ties are not continued",
              col("proppo", "dissolved_one_sided"), direction=+1, scale=5,
              alternative=Alternative("no one ever defects and trust never breaks (trust.temptation = 0, "
                                      "trust.end_below = 0)", {"trust.temptation": 0.0, "trust.end_below": 0.0})),
        Check("reciprocity: persisting minus dissolved partnerships (weaker side)",
              "ties without mutual benefit end",
              diff(col("proppo", "reciprocity_partners"), col("proppo", "reciprocity_dissolved")),
              direction=+1, scale=0.02,
              alternative=Alternative("distrust never ends a partnership (trust.end_below = 0)",
                                      {"trust.end_below": 0.0})),
        Check("monthly dissolution hazard of a partnership", "trusted ties persist (little switching)",
              col("proppo", "dissolution_rate"), lo=0.0, hi=0.02,
              tolerance="mean <= 0.02 (expected life > 4 years)", scale=0.01, alternative=FRAGILE_TRUST),
    ),
    figure=(("proppo",), "partnerships_between"),
)

SINGKAWANG_NO_LJMP = {"ljmp.enabled": False, "interventions.capital.mode": "grant"}
NO_AIRPORT = {"interventions.airport.demand": 0.0, "interventions.airport.reach": 0.0}

P5 = Pattern(
    "P5", "An LJMP raises the price received, credit access and market reach; better access widens "
    "reach further", "Singkawang",
    arms=(
        Arm("ljmp", "singkawang_ljmp"),
        Arm("no_ljmp", "singkawang_ljmp", SINGKAWANG_NO_LJMP),
        Arm("no_airport", "singkawang_ljmp", NO_AIRPORT),
    ),
    checks=(
        Check("price received: LJMP / none - 1", "bargaining from strength",
              lambda S: col("ljmp", "price_received")(S) / col("no_ljmp", "price_received")(S) - 1,
              direction=+1, scale=0.05,
              alternative=Alternative("the LJMP wins nothing back from traders and its contacts open no "
                                      "better-paying market (ljmp.capture_max = 0, ljmp.reach_bonus = 0)",
                                      {"ljmp.capture_max": 0.0, "ljmp.reach_bonus": 0.0}, ("ljmp",))),
        Check("borrowers: LJMP minus none", "financing",
              diff(col("ljmp", "ljmp_borrowers"), col("no_ljmp", "ljmp_borrowers")), direction=+1,
              kind=VERIFICATION, why="the arm without an LJMP has no lender: true by construction"),
        Check("share sold outside the province: LJMP minus none", "market expansion",
              diff(col("ljmp", "reach_outside"), col("no_ljmp", "reach_outside")), lo=0.05, scale=0.05,
              tolerance="mean >= 0.05 (5 points more of sales; any effect at all is not an expansion)",
              alternative=Alternative("the LJMP's business contacts open no market (ljmp.reach_bonus = 0)",
                                      {"ljmp.reach_bonus": 0.0}, ("ljmp",))),
        Check("share sold outside the province: airport minus none", "the airport widens reach",
              diff(col("ljmp", "reach_outside"), col("no_airport", "reach_outside")), direction=+1, scale=0.02,
              alternative=Alternative("the airport opens no market (airport demand and reach 0)", NO_AIRPORT,
                                      ("ljmp",))),
    ),
    figure=(("no_ljmp", "no_airport", "ljmp"), "share_national"),
)

P6 = Pattern(
    "P6", "Without wider networks sales stay in the province; rain cuts dried output; demand peaks "
    "25-50% before holidays", "Rasau Jaya",
    arms=(Arm("rasau", "rasau_jaya"),),
    checks=(
        Check("share of sales inside the province (last 12 months)", "mostly inside the province",
              col("rasau", "share_province"), lo=0.8, hi=1.0, scale=0.1,
              alternative=Alternative("other provinces open to almost everyone (market.reach_national = 0.2)",
                                      {"market.reach_national": 0.2})),
        Check("dried output, rainy / dry months - 1", "drying in the rainy season",
              lambda S: col("rasau", "rainy_ratio")(S) - 1, direction=-1, kind=VERIFICATION,
              why="restates production.rainy_dip (the share of dried output the rainy season spoils)"),
        Check("output in peak month / neighbouring months - 1", "output +25-50% before holidays",
              col("rasau", "festive_ratio"), lo=0.25, hi=0.50, kind=VERIFICATION,
              why="follows market.festive_boost (a field value: demand +25-50%), which artisans "
                  "learn to expect"),
        Check("month 1: largest gap between the producers' equipment, bookkeeping and group bands "
              "and the survey's shares", "75/23/2% manual/semi/modern; 99% no books; 70/5/25% "
              "member/board/outside", survey_gap("rasau"), lo=0.0, hi=0.15,
              tolerance="mean <= 0.15 (the largest of seven gaps, each with the sampling error of ~50 "
                        "producers: up to 0.11 between seeds for group membership)", kind=VERIFICATION,
              why="the survey's shares are inputs of the world (world.equipment_shares, "
                  "bookkeeping_share, group_member_share, board_share), drawn before the warm-up, "
                  "which must not carry the population far from them"),
        Check("producers whose market is still the province alone (last month)",
              "chiefly for want of national and international networks",
              col("rasau", "market_area_province_last"), lo=0.8, hi=1.0,
              tolerance="mean >= 0.8 of producers", scale=0.1,
              alternative=Alternative("other provinces open to almost everyone (market.reach_national = 0.2)",
                                      {"market.reach_national": 0.2})),
        Check("producers in business at month 1, per producer mapped", "50 producers mapped, in business",
              col("rasau", "in_business_first"), lo=0.9, hi=1.1,
              tolerance="mean in [0.9, 1.1] (the mapped count +/- 10%)", scale=0.1,
              alternative=Alternative("margins too thin to live on (money.wage = Rp 2.4 million, "
                                      "market.middleman_margin = 0.5)",
                                      {"money.wage": 2.4e6, "market.middleman_margin": 0.5})),
    ),
    figure=(("rasau",), "output_units"),
)

# the Blitar package on a budget that cannot pay for all of it, so that both arms
# spend the whole budget: with the dialogue forum, or without it (top-down)
TIGHT = {"government.annual_budget": 250_000_000}

P7 = Pattern(
    "P7", "Top-down programmes reach fewer artisans than participatory ones at the same cost",
    "all (Blitar package)",
    arms=(
        Arm("topdown", "blitar_batik", {**TIGHT, "interventions.dialogue.intensity": 0.0}),
        Arm("forum", "blitar_batik", TIGHT),
    ),
    checks=(
        Check("share reached: with forum minus top-down", "top-down reaches fewer",
              diff(col("forum", "reached_share"), col("topdown", "reached_share")), direction=+1, scale=0.05,
              alternative=Alternative("a forum that raises no awareness (learning.forum_awareness = 0)",
                                      {"learning.forum_awareness": 0.0})),
        Check("total spend: with forum / top-down - 1", "at the same cost",
              lambda S: col("forum", "budget_spent")(S) / col("topdown", "budget_spent")(S) - 1,
              lo=-0.05, hi=0.05, kind=VERIFICATION,
              why="both arms spend a budget that binds: equal by construction"),
    ),
    figure=(("topdown", "forum"), "reached_share"),
)

PATTERNS: tuple[Pattern, ...] = (P1, P2, P3, P4, P5, P6, P7)

#: the case studies, each with its patterns (P7 draws on all of them)
CASES: dict[str, tuple[str, ...]] = {"Blitar": ("P1", "P2"), "Bangka Tengah": ("P3",), "Proppo": ("P4",),
                                     "Singkawang": ("P5",), "Rasau Jaya": ("P6",)}

#: the validation checks the shipped posterior is calibrated on (in-sample); every other
#: validation check is a prediction
CALIBRATION: tuple[tuple[str, str], ...] = (
    ("P1", "income growth, programme (last 12 months vs the year before month 1)"),
    ("P1", "jobs growth, programme minus no programme"),
    ("P4", "between-village partnerships: last year minus month 1"),
    ("P6", "share of sales inside the province (last 12 months)"),
    ("P6", "producers in business at month 1, per producer mapped"),
)

for _p in PATTERNS:
    for _c in _p.checks:
        assert (_c.kind == VALIDATION) == (_c.alternative is not None), (_p.id, _c.label)
        assert _c.kind == VALIDATION or _c.why, (_p.id, _c.label)
        assert _c.alternative is None or set(_c.alternative.arms) <= {a.name for a in _p.arms}


def arms_of(patterns=PATTERNS) -> dict[str, Arm]:
    """Every arm the patterns need, keyed ``"<pattern>.<arm>"``."""
    return {f"{p.id}.{a.name}": a for p in patterns for a in p.arms}
