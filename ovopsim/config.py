"""Scenario files: their schema, validation and loading.

A scenario (``scenarios/*.toml``) declares the world (villages, their
artisans and products), the institutions (government, LJMP), the model's
behavioural parameters and a list of interventions. It is validated on load;
any mistake becomes one :class:`ovopsim.errors.InputError`.

Every parameter carries a ``source`` in its metadata: ``field`` (a fact from
one of the five case studies in the domain brief), ``assumption`` (a
modelling choice, documented in ``docs/ODD.md``) or ``calibrated``. The ODD
parameter tables are generated from these fields (``ovopsim params``).

Rules every scenario obeys, whatever its parameters are called (each under a
searchable name; ``ovopsim check`` and ``ovopsim run`` apply the same ones, as
both load scenarios through :func:`load_scenario`):

``finite_numbers``
    no number is infinite or NaN, none exceeds :data:`MAX_NUMBER` in size and no
    whole number :data:`MAX_COUNT` (the :class:`Strict` base of every section);
``list_params``
    every list parameter has a checked length and element range (:func:`ListOf`);
``max_months``
    one horizon cap, :data:`MAX_MONTHS`, for scenario files, ``--months`` and
    experiment specs;
``safe_scenario_name``
    a scenario's name is a file name (results go to ``results/<name>``);
``memory_estimate``
    a world is built only if :func:`estimate_memory` says it fits in this
    machine's memory; otherwise the message says how much it would need.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .errors import InputError, load_model, read_toml, suggest

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"


#: max_months: the longest horizon anything accepts (scenario files, --months, specs)
MAX_MONTHS = 1200
#: finite_numbers: the largest whole number a scenario may hold (counts, sizes, seeds)
MAX_COUNT = 2**31 - 1
#: finite_numbers: the largest size of any number in a scenario, money included:
#: Rp 10^15, about a third of Indonesia's national budget, so that sums over
#: artisans and months stay exact enough for the accounting check
MAX_NUMBER = 1e15
#: safe_scenario_name
SAFE_NAME = re.compile(r"\w[\w .-]{0,99}")


def P(default=None, *, factory=None, ge=None, le=None, gt=None, lt=None, source="assumption",
      doc=""):
    """A documented parameter: default (or ``factory`` for lists), bounds, where its
    value comes from."""
    if factory is not None:
        return Field(default_factory=factory, description=doc,
                     json_schema_extra={"source": source})
    return Field(default, ge=ge, le=le, gt=gt, lt=lt, description=doc,
                 json_schema_extra={"source": source})


def ListOf(item: type, *, length: int | None = None, min_length: int = 0,
           max_length: int | None = None, ge=None, gt=None, le=None, lt=None):
    """list_params: the type of a list parameter with a checked length (``length``
    exactly, or ``min_length``..``max_length``) and element range, e.g.
    ``tier_price: ListOf(float, length=3, gt=0) = P(factory=...)``."""
    if length is not None:
        min_length = max_length = length
    element = Annotated[item, Field(ge=ge, gt=gt, le=le, lt=lt)]
    return Annotated[list[element], Field(min_length=min_length, max_length=max_length)]


def _check_numbers(value: Any) -> Any:
    """finite_numbers, beyond pydantic's own refusal of inf and NaN: sizes."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and abs(value) > MAX_COUNT:
        raise ValueError(f"a whole number from -{MAX_COUNT} to {MAX_COUNT}")
    if isinstance(value, float) and abs(value) > MAX_NUMBER:
        raise ValueError(f"a number from -{MAX_NUMBER:g} to {MAX_NUMBER:g}")
    if isinstance(value, (list, tuple)):
        for v in value:
            _check_numbers(v)
    elif isinstance(value, dict):
        for v in value.values():
            _check_numbers(v)
    return value


class Strict(BaseModel):
    """The base of every scenario section: unknown keys are refused, and so are
    non-finite numbers and numbers too large (finite_numbers)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False, frozen=False,
                              allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _finite_numbers(cls, value):
        return _check_numbers(value)


# --------------------------------------------------------------------------------------
# Products


class Product(Strict):
    """A product made in a sentra. Prices and outputs are per unit (kg or piece)."""

    price: float = P(25_000, gt=0, doc="province price per unit, Rp")
    output_per_worker: float = P(200, gt=0, doc="units per worker-month with manual tools")
    material_share: float = P(0.5, ge=0, lt=1, doc="raw-material cost as a share of the province price")
    dried: bool = P(False, doc="needs sun-drying, so output dips in the rainy season (Rasau Jaya)",
                    source="field")
    spoilage: float = P(0.3, ge=0, le=1, doc="share of unsold stock lost each month")
    needs_ipal: bool = P(False, doc="dyeing needs wastewater treatment (IPAL) to meet the standard (Blitar)",
                         source="field")


# Built-in catalogue. Prices and outputs are assumptions of plausible magnitude
# for Indonesian small producers (2025 rupiah); which products need drying is
# a field fact from Rasau Jaya (crackers and chips).
PRODUCTS: dict[str, dict] = {
    "batik": dict(price=250_000, output_per_worker=14, material_share=0.25, dried=False, spoilage=0.0,
                  needs_ipal=True),
    "rengginang": dict(price=30_000, output_per_worker=150, material_share=0.4, dried=True, spoilage=0.3),
    "marning": dict(price=30_000, output_per_worker=150, material_share=0.4, dried=True, spoilage=0.3),
    "kerupuk": dict(price=25_000, output_per_worker=200, material_share=0.4, dried=True, spoilage=0.3),
    "keripik": dict(price=40_000, output_per_worker=120, material_share=0.4, dried=True, spoilage=0.3),
    "torratello": dict(price=35_000, output_per_worker=120, material_share=0.4, dried=True, spoilage=0.3),
    "kue": dict(price=50_000, output_per_worker=80, material_share=0.4, dried=False, spoilage=0.6),
    "dodol": dict(price=60_000, output_per_worker=80, material_share=0.4, dried=False, spoilage=0.2),
    "drinks": dict(price=10_000, output_per_worker=400, material_share=0.4, dried=False, spoilage=0.2),
    "crafts": dict(price=80_000, output_per_worker=30, material_share=0.3, dried=False, spoilage=0.0),
}


# --------------------------------------------------------------------------------------
# World


class Village(Strict):
    """A village (desa) and the producers in it, by product."""

    name: str
    households: int = P(1000, ge=1, source="field", doc="households in the village")
    artisans: dict[str, int] = Field(description="producers by product")
    cluster: str | None = Field(None, description="sentra/cluster served by one LJMP (default: the village)")
    raw_material: float = P(0.95, ge=0, le=1, source="field",
                            doc="availability of local raw material (Rasau Jaya: >90% local for 90%)")
    access: float = P(0.5, ge=0, le=1, doc="market access of the village (roads, distance)")
    stage: int = P(0, ge=0, doc="production stage the village specialises in (Proppo)")
    product_history: float = P(0.5, ge=0, le=1, doc="scorecard: length of the product's history")
    local_wisdom: float = P(0.5, ge=0, le=1, doc="scorecard: product rooted in local culture")

    @field_validator("artisans")
    @classmethod
    def _counts(cls, v: dict[str, int]) -> dict[str, int]:
        for prod, n in v.items():
            if n < 0:
                raise ValueError(f"a count >= 0 for product {prod!r}")
        if sum(v.values()) == 0:
            raise ValueError("at least one artisan")
        return v


class Generate(Strict):
    """A generated world: n villages of m artisans each (for sweeps and scale tests)."""

    villages: int = P(6, ge=1)
    artisans_per_village: int = P(50, ge=1)
    products: ListOf(str, min_length=1) = Field(default_factory=lambda: ["batik"])
    villages_per_cluster: int = P(6, ge=1)


class World(Strict):
    """Initial conditions of the artisans (Rasau Jaya survey unless noted)."""

    scale: int = P(1, ge=1, doc="copies of the village list (scale tests)")
    equipment_shares: ListOf(float, length=3, ge=0, le=1) = P(
        factory=lambda: [0.75, 0.23, 0.02], source="field",
        doc="share manual / semi-automatic / modern equipment (Rasau Jaya); they sum to 1")
    bookkeeping_share: float = P(0.01, ge=0, le=1, source="field", doc="share keeping simple books")
    group_member_share: float = P(0.70, ge=0, le=1, source="field", doc="share in the entrepreneurs' group")
    board_share: float = P(0.05, ge=0, le=1, source="field", doc="share sitting on a group board")
    gmp_trained_share: float = P(0.5, ge=0, le=1, source="field", doc="share that attended GMP training")
    skill_mean: float = P(0.4, ge=0, le=1, doc="mean initial skill")
    skill_sd: float = P(0.12, ge=0, le=0.5, doc="sd of initial skill")
    workers_mean: float = P(1.5, ge=0, doc="mean hired workers per business (all local)")
    capital_months: float = P(2.0, ge=0, doc="initial cash as months of material costs")
    reciprocity_mean: float = P(0.8, ge=0, le=1, doc="mean propensity to return favours")
    reciprocity_sd: float = P(0.15, ge=0, le=0.5, doc="sd of that propensity")

    @field_validator("equipment_shares")
    @classmethod
    def _shares_sum_to_one(cls, v: list[float]) -> list[float]:
        if abs(sum(v) - 1.0) > 1e-6:
            raise ValueError(f"shares that sum to 1 (they sum to {sum(v):g})")
        return v


class Network(Strict):
    """The social-capital graph (Proppo: dense within villages, sparse bridges)."""

    within_degree: int = P(6, ge=0, le=1000, doc="mean social ties inside the village")
    rewire: float = P(0.1, ge=0, le=1, doc="share of village ties rewired at random")
    bridges_per_artisan: float = P(0.05, ge=0, doc="ties to other villages per artisan")
    bridge_reach: int = P(2, ge=1, doc="bridges link villages at most this far apart (index)")
    trust_within: float = P(0.5, ge=0, le=1, doc="initial trust on village ties (social ties bind more)")
    trust_between: float = P(0.3, ge=0, le=1, doc="initial trust on bridges")
    initial_partner_share: float = P(0.15, ge=0, le=1, doc="village ties that start as partnerships")


class Behaviour(Strict):
    """Behavioural and market parameters (brief section 5), all assumptions unless noted."""

    # market
    province_demand: float = P(0.85, gt=0, doc="province demand as a share of initial capacity")
    national_demand: float = P(0.2, source="calibrated", ge=0, doc="other-provinces demand as a share of the initial capacity of producers reaching it")
    export_demand: float = P(0.1, ge=0, doc="export demand as a share of the initial capacity of producers reaching it")
    demand_growth: float = P(0.0, ge=-0.5, le=0.5, doc="yearly growth of demand in every tier")
    tier_price: ListOf(float, length=3, gt=0, le=1000) = P(
        factory=lambda: [1.0, 1.25, 1.6], doc="price multiplier by tier (province, national, export)")
    quality_premium: float = P(0.6, ge=0, doc="price premium of quality 1 over quality 0.5, x2")
    size_elasticity: float = P(0.31, source="calibrated", ge=0, le=1, doc="elasticity of a producer's order share to its capacity")
    middleman_margin: float = P(0.25, ge=0, lt=1, doc="share of the market price kept by traders")
    festive_boost: float = P(0.35, ge=0, le=2, source="field",
                             doc="demand lift in the month before Eid and Christmas (Rasau Jaya: 25-50%)")
    rainy_dip: float = P(0.3, ge=0, le=1, source="field",
                         doc="output lost in rainy months for dried products (Rasau Jaya)")
    rainy_months: ListOf(int, max_length=12, ge=1, le=12) = P(
        factory=lambda: [11, 12, 1, 2, 3], source="field",
        doc="calendar months of the rainy season (Kalimantan)")
    start_year: int = P(2025, ge=2000, le=2100, doc="calendar year of month 1")
    # production and money
    equipment_productivity: ListOf(float, length=3, gt=0, le=1000) = P(
        factory=lambda: [1.0, 1.6, 2.5], doc="output multiplier by equipment tier")
    equipment_cost: ListOf(float, length=3, ge=0) = P(
        factory=lambda: [0.0, 15e6, 60e6], doc="price of equipment tier, Rp")
    wage: float = P(1.2e6, ge=0, doc="monthly wage, Rp (around the rural minimum wage)")
    subsistence: float = P(1.0e6, ge=0, doc="household needs met first from profit, Rp/month")
    draw_share: float = P(0.8, ge=0, le=1, doc="share of profit above subsistence taken home")
    max_workers: int = P(12, ge=0, doc="most hired workers in one business")
    overtime: float = P(1.5, ge=1, doc="output headroom in peak months (overtime, family labour)")
    months_to_close: int = P(6, ge=1, doc="months of negative cash before a business closes")
    invest_buffer: float = P(1.5, ge=1, doc="cash needed as a multiple of the equipment price to buy it")
    # learning
    learning_rate: float = P(0.26, source="calibrated", ge=0, le=1, doc="share of the gap closed by one training round")
    mentoring_boost: float = P(1.0, ge=0, doc="extra learning when a mentor follows training")
    skill_decay: float = P(0.005, ge=0, le=1, doc="monthly fade of unused practices")
    practice_learning: float = P(0.002, ge=0, le=1, doc="monthly skill gain from practice")
    awareness_topdown: float = P(0.35, ge=0, le=1, source="field",
                                 doc="community awareness without dialogue (top-down programmes stay low)")
    # trust and reciprocity
    trust_gain: float = P(0.12, source="calibrated", ge=0, le=1, doc="trust gained per reciprocated month")
    trust_loss: float = P(0.15, ge=0, le=1, doc="trust lost per one-sided month")
    trust_neglect: float = P(0.01, ge=0, le=1, doc="monthly fade of trust on idle ties")
    trust_floor: float = P(0.2, ge=0, le=1, doc="trust an idle tie fades towards")
    partner_rate: float = P(0.08, ge=0, le=1, doc="monthly chance a fully trusted, complementary tie partners")
    partner_trust_min: float = P(0.2, ge=0, le=1, doc="trust below which no partnership forms")
    one_sided_ratio: float = P(0.5, ge=0, le=1, doc="|balance|/volume above which an exchange is one-sided")
    dissolve_after: int = P(4, ge=1, doc="months one-sided before a partnership dissolves")
    balance_memory: float = P(0.9, ge=0, le=1, doc="monthly persistence of the reciprocity balance")
    stage_bonus: float = P(0.15, ge=0, le=1, doc="productivity gain from a partner in another stage")
    closure_rate: float = P(0.01, ge=0, le=1, doc="monthly chance a partnership introduces a partner's partner")
    commission: float = P(0.5, ge=0, le=1, doc="share of the margin on passed orders paid back (the norm)")
    # market reach (a score; a tier opens when the score passes its threshold)
    reach_national: float = P(0.57, source="calibrated", ge=0, doc="reach score that opens other provinces")
    reach_export: float = P(1.0, ge=0, doc="reach score that opens export (also needs brand and standard)")
    reach_access: float = P(0.5, ge=0, doc="reach from the village's market access")
    reach_digital: float = P(0.5, ge=0, doc="reach from digital marketing practice")
    reach_brand: float = P(0.15, ge=0, doc="reach from a registered brand")
    reach_partner: float = P(0.1, ge=0, doc="reach per partner in another village (at most two)")
    exposure_decay: float = P(0.1, ge=0, le=1, doc="monthly fade of promotion exposure")
    reputation_decay: float = P(0.02, ge=0, le=1, doc="monthly fade of reputation")
    gov_trust_gain: float = P(0.05, ge=0, le=1, doc="trust in government gained per programme attended")
    forum_awareness: float = P(0.34, source="calibrated", ge=0, le=1, doc="share of the awareness gap a forum meeting closes")
    # LJMP and finance
    gov_trust_initial: float = P(0.4, ge=0, le=1, doc="artisans' initial trust in the government")


class Government(Strict):
    """The local agency (dinas) that pays for programmes."""

    annual_budget: float = P(0.0, ge=0, doc="programme budget per fiscal year, Rp")
    officers: int = P(4, ge=1, doc="programme officers")
    knowledge_regrowth: float = P(0.17, ge=0, le=1, source="calibrated",
                                  doc="monthly recovery of institutional knowledge")


class LJMP(Strict):
    """Lembaga Jasa Manajemen dan Pembiayaan (Singkawang): one per cluster."""

    enabled: bool = False
    fund: float = P(200e6, ge=0, doc="initial lending fund per LJMP, Rp")
    fee: float = P(0.05, ge=0, lt=1, doc="aggregation fee on sales it markets")
    margin_capture: float = P(0.6, ge=0, le=1, doc="share of the middleman margin it wins back")
    interest: float = P(0.01, ge=0, le=0.1, doc="monthly interest on loans (soft)")
    loan_size: float = P(10e6, gt=0, doc="standard loan, Rp")
    loan_term: int = P(24, ge=1, doc="months to repay")
    default_base: float = P(0.002, ge=0, le=1, doc="monthly default hazard")
    default_volatility: float = P(0.02, ge=0, le=1, doc="extra hazard per unit of income volatility")
    join_trust: float = P(0.3, ge=0, le=1, doc="trust in government above which artisans join")
    mentors: int = P(2, ge=0, doc="mentors (interns) per LJMP")
    mentees_per_mentor: int = P(10, ge=1, doc="artisans a mentor follows each month")
    reach_bonus: float = P(0.35, ge=0, le=1, doc="market reach its business contacts add")
    start: int = P(1, ge=1, doc="month the LJMP opens")


# --------------------------------------------------------------------------------------
# Interventions


class Target(Strict):
    """Who a programme is offered to."""

    villages: list[str] | None = None
    products: list[str] | None = None
    members_only: bool = False
    order: Literal["random", "lowest_skill", "highest_skill"] = "random"


class InterventionBase(Strict):
    """Fields every intervention has: when it is active and who it reaches."""

    name: str | None = Field(None, description="label (default: the type); budget cuts refer to it")
    start: int = Field(1, ge=1, description="first month")
    end: int | None = Field(None, ge=1, description="last month (default: the end of the run)")
    every: int = Field(1, ge=1, description="months between rounds")
    intensity: float = Field(0.2, ge=0, le=1, description="share of the targeted artisans offered each round")
    target: Target = Field(default_factory=Target)

    @model_validator(mode="after")
    def _window(self):
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end >= start ({self.start})")
        return self

    @property
    def label(self) -> str:
        return self.name or self.type  # type: ignore[attr-defined]


class Training(InterventionBase):
    type: Literal["training"] = "training"
    topic: Literal["technical", "gmp", "design", "digital", "bookkeeping"] = "technical"
    cost: float = Field(1.5e6, ge=0, description="Rp per seat offered")


class Mentoring(InterventionBase):
    type: Literal["mentoring"] = "mentoring"
    cost: float = Field(0.5e6, ge=0, description="Rp per mentee-month")


class Capital(InterventionBase):
    type: Literal["capital"] = "capital"
    mode: Literal["grant", "loan"] = "grant"
    amount: float = Field(5e6, gt=0, description="Rp per artisan (grant) or per loan")
    cost: float = Field(0.0, ge=0, description="administration, Rp per artisan")


class Equipment(InterventionBase):
    type: Literal["equipment"] = "equipment"
    share: float = Field(0.7, ge=0, le=1, description="share of the equipment price paid by the programme")


class Facility(InterventionBase):
    type: Literal["facility"] = "facility"
    cost: float = Field(300e6, ge=0, description="Rp per village facility (IPAL, workshop)")


class Promotion(InterventionBase):
    type: Literal["promotion"] = "promotion"
    cost: float = Field(2e6, ge=0, description="Rp per exhibitor")
    digital: bool = Field(False, description="digital promotion (online shops) rather than fairs")


class Brand(InterventionBase):
    type: Literal["brand"] = "brand"
    cost: float = Field(3e6, ge=0, description="Rp per registered brand / certification")
    min_quality: float = Field(0.45, ge=0, le=1)


class Forum(InterventionBase):
    type: Literal["forum"] = "forum"
    cost: float = Field(5e6, ge=0, description="Rp per village meeting")
    intensity: float = Field(1.0, ge=0, le=1)


class BudgetCut(Strict):
    type: Literal["budget_cut"] = "budget_cut"
    name: str | None = None
    start: int = Field(1, ge=1)
    end: int | None = Field(None, ge=1)
    share: float = Field(0.5, ge=0, le=1, description="share of the budget removed")
    programmes: list[str] | None = Field(None, description="names or types cut (default: all)")

    @model_validator(mode="after")
    def _window(self):
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end >= start ({self.start})")
        return self


class OfficerTurnover(Strict):
    type: Literal["officer_turnover"] = "officer_turnover"
    name: str | None = None
    start: int = Field(1, ge=1)
    end: int | None = Field(None, ge=1)
    rate: float = Field(0.0, ge=0, le=12, description="expected turnovers per year")
    months: list[int] = Field(default_factory=list, description="scheduled turnover months")
    who: Literal["agency", "association", "both"] = "both"
    knowledge_loss: float = Field(0.28, ge=0, le=1, description="share of knowledge lost per turnover "
                                  "(calibrated on P2)")
    medium_term_plan: bool = Field(False, description="a written medium-term plan keeps part of it")
    plan_retention: float = Field(0.6, ge=0, le=1, description="share of the loss a plan prevents")


class AccessShock(Strict):
    type: Literal["access_shock"] = "access_shock"
    name: str | None = None
    start: int = Field(1, ge=1)
    end: int | None = Field(None, ge=1)
    demand: float = Field(0.5, ge=0, le=10, description="extra national and export demand")
    reach: float = Field(0.15, ge=0, le=1, description="reach bonus for artisans of the villages")
    villages: list[str] | None = None


PROGRAMME_TYPES = (Training, Mentoring, Capital, Equipment, Facility, Promotion, Brand, Forum)
SHOCK_TYPES = (BudgetCut, OfficerTurnover, AccessShock)
INTERVENTION_TYPES = {c.model_fields["type"].default: c for c in PROGRAMME_TYPES + SHOCK_TYPES}

Intervention = Annotated[
    Training | Mentoring | Capital | Equipment | Facility | Promotion | Brand | Forum
    | BudgetCut | OfficerTurnover | AccessShock,
    Field(discriminator="type"),
]


# --------------------------------------------------------------------------------------
# Scenario


class Meta(Strict):
    name: str = Field("unnamed", description="the scenario's name (safe_scenario_name); "
                      "its results go to results/<name>")
    description: str = ""
    case_study: str = ""
    watch: str = Field("", description="what to watch for (shown in the teaching app)")
    watch_id: str = Field("", description="Bahasa Indonesia version of `watch`")
    months: int = Field(60, ge=1, le=MAX_MONTHS)
    seed: int = Field(1, ge=0)

    @field_validator("name")
    @classmethod
    def _safe_name(cls, v: str) -> str:
        if not SAFE_NAME.fullmatch(v):
            raise ValueError("a name usable as a file name: letters, digits, spaces, '_', "
                             "'-' and '.', starting with a letter or digit, at most 100 "
                             "characters")
        return v


class Scenario(Strict):
    """A whole scenario file, validated."""

    scenario: Meta = Field(default_factory=Meta)
    villages: list[Village] | None = None
    generate: Generate | None = None
    world: World = Field(default_factory=World)
    network: Network = Field(default_factory=Network)
    behaviour: Behaviour = Field(default_factory=Behaviour)
    government: Government = Field(default_factory=Government)
    ljmp: LJMP = Field(default_factory=LJMP)
    products: dict[str, Product] = Field(default_factory=dict)
    interventions: list[Intervention] = Field(default_factory=list)

    __union_tags__ = INTERVENTION_TYPES

    @model_validator(mode="after")
    def _consistent(self):
        if self.villages is None and self.generate is None:
            self.generate = Generate()
        if self.villages is not None and self.generate is not None:
            raise ValueError("either [[villages]] or [generate], not both")
        check_memory(self)  # before anything builds the village list
        catalogue = self.catalogue()
        for i, v in enumerate(self.village_list()):
            for prod in v.artisans:
                if prod not in catalogue:
                    raise _KeyProblem(f"villages[{i}].artisans.{prod}",
                                      f"a known product ({', '.join(sorted(catalogue))})",
                                      f'"{prod}"' + suggest(prod, catalogue))
        names = [v.name for v in self.village_list()]
        labels = set()
        for i, iv in enumerate(self.interventions):
            lbl = iv.name or iv.type
            labels.add(lbl)
            labels.add(iv.type)
            tgt = getattr(iv, "target", None)
            vs = (tgt.villages if tgt else None) or getattr(iv, "villages", None) or []
            for vname in vs:
                if vname not in names:
                    raise _KeyProblem(f"interventions[{i}].villages", "a village of this scenario",
                                      f'"{vname}"' + suggest(vname, names))
            prods = (tgt.products if tgt else None) or []
            for p in prods:
                if p not in catalogue:
                    raise _KeyProblem(f"interventions[{i}].target.products", "a known product",
                                      f'"{p}"' + suggest(p, catalogue))
            if isinstance(iv, Capital) and iv.mode == "loan" and not self.ljmp.enabled:
                raise _KeyProblem(f"interventions[{i}].mode",
                                  '"grant", or an LJMP ([ljmp] enabled = true) for soft loans', '"loan"')
            if iv.end is not None and iv.start > self.scenario.months:
                pass  # a programme after the horizon is allowed (sweeps shorten runs)
        for i, iv in enumerate(self.interventions):
            if isinstance(iv, BudgetCut) and iv.programmes:
                for p in iv.programmes:
                    if p not in labels:
                        raise _KeyProblem(f"interventions[{i}].programmes",
                                          "names or types of this scenario's programmes",
                                          f'"{p}"' + suggest(p, labels))
        return self

    # -- derived views -------------------------------------------------------------
    def catalogue(self) -> dict[str, Product]:
        cat = {k: Product(**v) for k, v in PRODUCTS.items()}
        cat.update(self.products)
        return cat

    def village_list(self) -> list[Village]:
        if self.villages is not None:
            base = self.villages
        else:
            g = self.generate or Generate()
            base = []
            for i in range(g.villages):
                prod = g.products[i % len(g.products)]
                base.append(Village(name=f"Village {i + 1}", households=1000,
                                    artisans={prod: g.artisans_per_village},
                                    cluster=f"Cluster {i // g.villages_per_cluster + 1}",
                                    stage=i % 3))
        if self.world.scale == 1:
            return list(base)
        out = []
        for k in range(self.world.scale):
            for v in base:
                cl = v.cluster or v.name
                out.append(v.model_copy(update=dict(name=f"{v.name} #{k + 1}", cluster=f"{cl} #{k + 1}")))
        return out

    @property
    def n_artisans(self) -> int:
        """Artisans in the world (counted without building the village list)."""
        return self.world.scale * sum(self._base_sizes())

    def _base_sizes(self) -> list[int]:
        """Artisans per village before ``world.scale`` copies (a generated world's
        villages are all alike: one entry stands for them, repeated)."""
        if self.villages is not None:
            return [sum(v.artisans.values()) for v in self.villages]
        g = self.generate or Generate()
        return [g.artisans_per_village * g.villages]

    def largest_village(self) -> int:
        if self.villages is not None:
            return max(self._base_sizes())
        return (self.generate or Generate()).artisans_per_village

    def content_hash(self) -> str:
        blob = json.dumps(self.model_dump(mode="json"), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()

    def with_overrides(self, overrides: dict[str, Any], file: str | None = None) -> Scenario:
        """A copy with dotted keys replaced, e.g. ``{"behaviour.trust_gain": 0.1,
        "interventions.training.intensity": 0.5, "government.annual_budget": 1e9}``.
        ``interventions.<name or type>.<field>`` changes every matching intervention.
        The result is validated again."""
        data = self.model_dump(mode="python", exclude_none=False)
        for key, value in overrides.items():
            parts = key.split(".")
            if parts[0] == "interventions":
                if len(parts) != 3:
                    raise InputError(file, key, "interventions.<name or type>.<field>", key)
                hits = [iv for iv in data["interventions"]
                        if iv.get("name") == parts[1] or iv["type"] == parts[1]]
                if not hits:
                    labels = [iv.get("name") or iv["type"] for iv in data["interventions"]]
                    raise InputError(file, key, "an intervention of this scenario",
                                     f'"{parts[1]}"' + suggest(parts[1], labels))
                for iv in hits:
                    if parts[2] not in iv:
                        raise InputError(file, key, f"a field of {iv['type']}",
                                         f'"{parts[2]}"' + suggest(parts[2], iv))
                    iv[parts[2]] = value
                continue
            node = data
            for part in parts[:-1]:
                if not isinstance(node, dict) or part not in node or not isinstance(node[part], dict):
                    cands = node.keys() if isinstance(node, dict) else []
                    raise InputError(file, key, "a known section", f'"{part}"' + suggest(part, cands))
                node = node[part]
            if parts[-1] not in node:
                raise InputError(file, key, "a known parameter", f'"{parts[-1]}"' + suggest(parts[-1], node))
            node[parts[-1]] = value
        data = _drop_none_defaults(data)
        return load_model(Scenario, data, file)


# memory_estimate: bytes a built world holds per artisan (agent state, its Mesa agent,
# the monthly arrays) and per social tie (tie arrays and their construction), with
# margin, measured on generated worlds of 20,000 and 100,000 artisans; and the
# interpreter with the model's libraries loaded.
BYTES_PER_ARTISAN = 4096
BYTES_PER_TIE = 512
BYTES_BASE = 512 * 2**20


def machine_memory() -> int:
    """Physical memory of this machine, bytes (what a world must fit in)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not POSIX: assume 8 GiB
        return 8 * 2**30


def estimate_ties(scenario: Scenario) -> float:
    """Social ties the network builder makes: a ring lattice of ``within_degree``
    (at most the village size) plus the bridges."""
    net = scenario.network
    n = scenario.n_artisans
    per_artisan = min(net.within_degree // 2, max(0, scenario.largest_village() - 1))
    return float(n) * (per_artisan + net.bridges_per_artisan)


def estimate_memory(scenario: Scenario) -> int:
    """memory_estimate: about how many bytes building and running ``scenario`` takes."""
    return int(BYTES_BASE + scenario.n_artisans * BYTES_PER_ARTISAN
               + estimate_ties(scenario) * BYTES_PER_TIE)


def _gib(n: float) -> str:
    return f"{n / 2**30:,.1f} GiB"


def check_memory(scenario: Scenario) -> None:
    """memory_estimate: refuse a world that would not fit in this machine's memory,
    naming the key that makes it large and how much it would need."""
    need, have = estimate_memory(scenario), machine_memory()
    if need <= have:
        return
    ties = estimate_ties(scenario)
    if ties * BYTES_PER_TIE > scenario.n_artisans * BYTES_PER_ARTISAN:
        net = scenario.network
        key = ("network.bridges_per_artisan" if net.bridges_per_artisan > net.within_degree / 2
               else "network.within_degree")
    elif scenario.world.scale > 1:
        key = "world.scale"
    else:
        key = "villages" if scenario.villages is not None else "generate"
    raise _KeyProblem(key, f"a world that fits in this machine's memory ({_gib(have)})",
                      f"one that would need about {_gib(need)} ({scenario.n_artisans:,} "
                      f"artisans, {ties:,.0f} ties)")


def _drop_none_defaults(data: dict) -> dict:
    # villages=None together with generate set, or vice versa, must round-trip
    if data.get("villages") is None:
        data.pop("villages", None)
    elif data.get("generate") is None:
        data.pop("generate", None)
    return data


class _KeyProblem(ValueError):
    """A cross-field problem that knows its key; re-raised as InputError by load_scenario."""

    def __init__(self, key: str, expected: str, given: str):
        self.key, self.expected, self.given = key, expected, given
        super().__init__(f"{key}: expected {expected}, got {given}")


def resolve_scenario_path(name_or_path: str | Path) -> Path:
    """A path as given, or the name of a shipped scenario (``blitar_batik``)."""
    p = Path(name_or_path)
    if p.exists() or p.suffix == ".toml" or "/" in str(name_or_path):
        return p
    shipped = SCENARIO_DIR / f"{name_or_path}.toml"
    return shipped if shipped.exists() else p


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (or a shipped scenario's name)."""
    p = resolve_scenario_path(path)
    data = read_toml(p)
    return scenario_from_dict(data, p)


def scenario_from_dict(data: dict, file: str | Path | None = None) -> Scenario:
    try:
        return load_model(Scenario, data, file)
    except InputError as err:
        # a _KeyProblem raised inside a validator arrives as a value_error
        # on the root; unpack it so the message names the real key
        msg = err.expected
        if ": expected " in msg and ", got " in msg:
            key, rest = msg.split(": expected ", 1)
            expected, given = rest.rsplit(", got ", 1)
            raise InputError(file, key, expected, given) from None
        raise


def shipped_scenarios() -> list[Path]:
    return sorted(SCENARIO_DIR.glob("*.toml"))


PARAMETER_SECTIONS = {"world": World, "network": Network, "behaviour": Behaviour,
                      "government": Government, "ljmp": LJMP}


def _bounds(metadata) -> list[str]:
    out = []
    for m in metadata:
        for attr, op in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            val = getattr(m, attr, None)
            if val is not None:
                out.append(f"{op} {val:g}")
    return out


def _range_text(f) -> str:
    """A field's accepted range: ``>= 0, <= 1``; for a list parameter (list_params)
    its length and each element's range: ``3 values, each > 0, <= 1000``."""
    if getattr(f.annotation, "__origin__", None) is not list:
        return ", ".join(_bounds(f.metadata))
    lo = next((m.min_length for m in f.metadata if hasattr(m, "min_length")), 0)
    hi = next((m.max_length for m in f.metadata if hasattr(m, "max_length")), None)
    count = f"{lo} values" if lo == hi else f"{lo} to {hi} values" if hi else f"{lo}+ values"
    element = f.annotation.__args__[0]
    each = [b for info in getattr(element, "__metadata__", ()) for b in _bounds(info.metadata)]
    return ", ".join([count, *(["each " + ", ".join(each)] if each else [])])


def parameter_table():
    """Every model parameter: section, name, default, bounds, source, meaning."""
    import pandas as pd

    rows = []
    for section, cls in PARAMETER_SECTIONS.items():
        for name, f in cls.model_fields.items():
            extra = f.json_schema_extra if isinstance(f.json_schema_extra, dict) else {}
            default = f.default_factory() if f.default_factory is not None else f.default
            rows.append({"section": section, "parameter": name, "default": default,
                         "range": _range_text(f), "source": extra.get("source", "assumption"),
                         "meaning": f.description or ""})
    return pd.DataFrame(rows)
