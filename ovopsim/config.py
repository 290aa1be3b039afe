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

import functools
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .errors import (
    InputError,
    load_model,
    loc_to_key,
    read_toml,
    suggest,
    truth_error,
    truth_read_as_number,
)

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


def P(default, *, ge=None, le=None, gt=None, lt=None, source="assumption", cite="", doc=""):
    """A documented parameter: default, bounds, where its value comes from.

    ``source`` is ``field`` (a fact of the domain brief: ``cite`` names the
    section where its number stands), ``assumption`` (a modelling choice,
    docs/ODD.md) or ``calibrated``."""
    extra = {"source": source}
    if cite:
        extra["cite"] = cite
    return Field(default, ge=ge, le=le, gt=gt, lt=lt, description=doc, json_schema_extra=extra)


def PList(default, *, source="assumption", cite="", doc=""):
    """A documented list parameter: its default, where its values come from (its length
    and element range are in its type, :func:`ListOf`)."""
    extra = {"source": source}
    if cite:
        extra["cite"] = cite
    return Field(default_factory=lambda: list(default), description=doc, json_schema_extra=extra)


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
    kind = type(value)
    if kind is bool or kind is str or value is None:  # the common kinds first: every field passes here
        return value
    if isinstance(value, int):
        if not -MAX_COUNT <= value <= MAX_COUNT:
            raise ValueError(f"a whole number from -{MAX_COUNT} to {MAX_COUNT}")
    elif isinstance(value, float):
        if not -MAX_NUMBER <= value <= MAX_NUMBER:
            raise ValueError(f"a number from -{MAX_NUMBER:g} to {MAX_NUMBER:g}")
    elif isinstance(value, (list, tuple)):
        for v in value:
            _check_numbers(v)
    elif isinstance(value, dict):
        for v in value.values():
            _check_numbers(v)
    return value


class Strict(BaseModel):
    """The base of every scenario section: unknown keys are refused, and so are
    non-finite numbers and numbers too large (finite_numbers); true or false, or text,
    where a number goes is refused once validated (numbers_not_guessed:
    :func:`ovopsim.errors.truth_read_as_number`)."""

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

    price: float = P(25_000, gt=0, doc="reference province price per unit, Rp")
    output_per_worker: float = P(200, gt=0, doc="units per worker-month with manual tools")
    material_share: float = P(0.5, ge=0, lt=1, doc="inputs bought from traders, as a share of the reference price")
    dried: bool = P(False, doc="needs sun-drying, so output dips in the rainy season",
                    source="field", cite="brief 2, Rasau Jaya: drying in the rainy season (crackers and chips)")
    spoilage: float = P(0.3, ge=0, le=1, doc="share of unsold stock lost each month")
    needs_ipal: bool = P(False, doc="dyeing needs wastewater treatment (IPAL) to meet the standard",
                         source="field", cite="brief 2, Blitar: missing wastewater treatment (IPAL)")


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

    name: str = Field(min_length=1, max_length=80)
    households: int = P(1000, ge=1, le=10_000_000,
                        doc="households in the village: its labour pool (all workers are local)")
    artisans: dict[str, int] = Field(description="producers by product")
    cluster: str | None = Field(None, description="sentra/cluster served by one LJMP (default: the village)")
    raw_material: float = P(0.95, ge=0, le=1,
                            doc="share of the inputs traders can deliver in a month (Rasau Jaya: "
                                "local raw material is over 90% of inputs for 90% of producers)")
    access: float = P(0.5, ge=0, le=1, doc="market access of the village (roads, distance)")
    stage: int = P(0, ge=0, le=20, doc="production stage the village specialises in (Proppo: villages "
                                       "specialise in stages and work together)")
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
    stages: int = P(3, ge=1, le=20, doc="production stages the villages specialise in, in turn")


class World(Strict):
    """Initial conditions of the artisans (Rasau Jaya survey unless noted) and the calendar."""

    scale: int = P(1, ge=1, doc="copies of the village list (scale tests)")
    equipment_shares: ListOf(float, length=3, ge=0, le=1) = PList(
        [0.75, 0.23, 0.02], doc="share manual / semi-automatic / modern equipment; they sum to 1",
        source="field", cite="brief 2, Rasau Jaya: 75% manual, 23% semi-automatic, 2% modern")
    bookkeeping_share: float = P(0.01, ge=0, le=1, source="field", doc="share keeping simple books",
                                 cite="brief 2, Rasau Jaya: 99% keep no books (1% simple books)")
    group_member_share: float = P(0.70, ge=0, le=1, source="field",
                                  doc="share in the entrepreneurs' group, not on its board",
                                  cite="brief 2, Rasau Jaya: 70% belong to the entrepreneurs' group, "
                                       "5% sit on its board, 25% are outside it")
    board_share: float = P(0.05, ge=0, le=1, source="field", doc="share sitting on a group board "
                           "(members too)", cite="brief 2, Rasau Jaya: 5% sit on its board")
    gmp_trained_share: float = P(0.5, ge=0, le=1, source="field", doc="share that attended GMP training",
                                 cite="brief 2, Rasau Jaya: about half attended GMP training")
    skill_mean: float = P(0.524, source="calibrated", ge=0, le=1, doc="mean initial technical skill")
    skill_sd: float = P(0.12, ge=0, le=0.5, doc="sd of initial skill")
    workers_mean: float = P(1.5, ge=0, le=50, doc="mean hired workers per business (all local)")
    capital_months: float = P(2.0, ge=0, le=120, doc="initial cash as months of input costs")
    norm_mean: float = P(0.8, ge=0, le=1, doc="mean strength of the reciprocity norm (how much an "
                                              "artisan holds to returning favours)")
    norm_sd: float = P(0.15, ge=0, le=0.5, doc="sd of the reciprocity norm")
    entrant_share: float = P(0.2, ge=0, le=5, doc="households per existing business that could open "
                                                  "one of the village's products when demand allows")
    warmup_months: int = P(24, ge=24, le=240, doc="months the economy runs at least before month 1, not "
                                                  "recorded (the last 12 are the pre-programme year growth "
                                                  "is read against)")
    warmup_max: int = P(96, ge=24, le=600, doc="months it runs at most: the warm-up goes on a year at a "
                                               "time until the economy has settled")
    settled: float = P(0.1, gt=0, le=1, doc="the economy has settled when a year's mean income and number "
                                             "of businesses differ from the year before by less than this "
                                             "share")

    @model_validator(mode="after")
    def _warmup(self):
        if self.warmup_max < self.warmup_months:
            raise ValueError(f"warmup_max >= warmup_months ({self.warmup_months})")
        return self
    start_year: int = P(2025, ge=2000, le=2100, doc="calendar year of month 1")
    rainy_months: ListOf(int, max_length=12, ge=1, le=12) = PList(
        [11, 12, 1, 2, 3], doc="calendar months of the rainy season (West Kalimantan)")

    @field_validator("equipment_shares", mode="before")
    @classmethod
    def _shares_are_numbers(cls, v):
        """numbers_not_guessed before the sum below is taken of guessed values."""
        if isinstance(v, (list, tuple)) and any(isinstance(x, (bool, str)) for x in v):
            raise ValueError("numbers (true, false and text in quotes are not numbers)")
        return v

    @field_validator("equipment_shares")
    @classmethod
    def _shares_sum_to_one(cls, v: list[float]) -> list[float]:
        if abs(sum(v) - 1.0) > 1e-6:
            raise ValueError(f"shares that sum to 1 (they sum to {sum(v):g})")
        return v

    @field_validator("rainy_months")
    @classmethod
    def _months(cls, v: list[int]) -> list[int]:
        if len(set(v)) != len(v):
            raise ValueError("distinct calendar months 1-12")
        return v


class Edge(Strict):
    """A tie of an observed network: two artisan ids (``Village/k``), trust, partnership."""

    source: str
    target: str
    trust: float = Field(ge=0, le=1)
    partner: bool = False


class Network(Strict):
    """The social-capital graph: generated (dense within villages, sparse bridges) or observed."""

    within_degree: int = P(6, ge=0, le=1000, doc="mean social ties inside the village")
    rewire: float = P(0.1, ge=0, le=1, doc="share of village ties rewired at random")
    bridges_per_artisan: float = P(0.05, ge=0, le=10, doc="ties to other villages per artisan")
    bridge_reach: int = P(2, ge=1, le=1000, doc="bridges link villages at most this far apart (index)")
    trust_within: float = P(0.5, ge=0, le=1, doc="initial and baseline trust on village ties (social ties "
                                                 "bind more)")
    trust_between: float = P(0.383, source="calibrated", ge=0, le=1, doc="initial and baseline trust on ties between villages "
                                                  "and between strangers")
    initial_partner_share: float = P(0.15, ge=0, le=1, doc="village ties that start as partnerships")
    file: str | None = Field(None, description="an observed network (GraphML or CSV edge list: source, "
                                               "target, trust, partner), relative to the scenario file; "
                                               "replaces the generated one")
    edges: list[Edge] | None = Field(None, description="the observed ties (read from `file`)")


class Market(Strict):
    """Demand and prices by product and market tier (ovopsim/mechanisms/market.py)."""

    province_demand: float = P(0.8, gt=0, le=10, doc="province demand at the reference price, as a share "
                                                    "of the producers' initial capacity")
    national_demand: float = P(0.2, ge=0, le=10, source="assumption",
                               doc="orders from other provinces a producer who reaches them gets, as a "
                                   "share of its capacity (its buyers there)")
    export_demand: float = P(0.1, ge=0, le=10, doc="export orders a producer who reaches them gets, as a "
                                                   "share of its capacity")
    national_market: float = P(0.3, ge=0, le=10, doc="the most the district sells to other provinces, as "
                                                     "a share of its producers' initial capacity (the "
                                                     "market saturates)")
    export_market: float = P(0.15, ge=0, le=10, doc="the most the district exports, as a share of its "
                                                    "producers' initial capacity")
    demand_growth: float = P(0.0, ge=-0.5, le=0.5, doc="yearly growth of demand in every tier")
    demand_elasticity: float = P(1.2, gt=0, le=5, doc="price elasticity of province demand")
    quality_elasticity: float = P(0.5, ge=0, le=5, doc="elasticity of demand to the sellers' mean quality "
                                                       "(relative to the product's initial mean quality)")
    normal_utilisation: float = P(0.741, source="calibrated", gt=0, le=1, doc="share of capacity sold at which the province "
                                                       "price holds steady")
    price_adjustment: float = P(0.15, ge=0, le=2, doc="monthly response of the province price to "
                                                      "utilisation (flooded markets cheapen)")
    price_floor: float = P(0.3, gt=0, le=1, doc="lowest province price, as a share of the reference")
    price_cap: float = P(2.0, ge=1, le=10, doc="highest province price, as a multiple of the reference")
    tier_price: ListOf(float, length=3, ge=0.01, le=100) = PList(
        [1.0, 1.25, 1.6], doc="price multiplier by tier (province, other provinces, export)")
    quality_premium: float = P(0.6, ge=0, le=5, doc="price premium per unit of quality above the "
                                                    "market's mean")
    size_elasticity: float = P(0.31, ge=0, le=1, source="assumption",
                               doc="elasticity of a producer's share of orders to its capacity")
    middleman_margin: float = P(0.22, source="calibrated", ge=0, lt=1, doc="share of the market price kept by traders")
    festive_boost: float = P(0.35, ge=0, le=2, source="field",
                             cite="brief 2, Rasau Jaya: output rises 25-50% before religious holidays",
                             doc="demand lift in the month of peak buying before Eid and Christmas")
    reach_national: float = P(0.677, ge=0, le=100, source="calibrated",
                              doc="reach score that opens other provinces")
    reach_export: float = P(1.0, ge=0, le=100, doc="reach score that opens export (also needs brand "
                                                   "and standard)")
    reach_access: float = P(0.5, ge=0, le=100, doc="reach from the village's market access")
    reach_digital: float = P(0.5, ge=0, le=100, doc="reach from digital marketing practice")
    reach_brand: float = P(0.15, ge=0, le=100, doc="reach from a registered brand")
    reach_referral: float = P(0.1, ge=0, le=100, doc="reach per partner already selling outside the "
                                                     "province (a referral; at most two)")
    exposure_decay: float = P(0.1, ge=0, le=1, doc="monthly fade of promotion exposure")
    reputation_decay: float = P(0.02, ge=0, le=1, doc="monthly fade of reputation")


class Production(Strict):
    """Capacity, inputs, planning, hiring and equipment (ovopsim/mechanisms/production.py)."""

    equipment_productivity: ListOf(float, length=3, ge=0.01, le=100) = PList(
        [1.0, 1.6, 2.5], doc="output multiplier by equipment tier")
    equipment_cost: ListOf(float, length=3, ge=0) = PList(
        [0.0, 15e6, 60e6], doc="price of equipment tier, Rp")
    rainy_dip: float = P(0.272, source="calibrated", ge=0, le=1, doc="output lost in rainy months for dried products")
    overtime: float = P(1.5, ge=1, le=3, doc="output headroom in festive months (overtime, family labour)")
    plan_buffer: float = P(0.05, ge=0, le=1, doc="output planned above expected orders")
    festive_learning: float = P(0.5, ge=0, le=1, doc="how fast an artisan learns the festive lift of "
                                                     "its orders")
    stage_discount: float = P(0.15, ge=0, lt=1, doc="inputs from a partner at the earlier stage cost "
                                                    "this much less than from traders")
    stage_work: float = P(0.3, gt=0, le=5, doc="capacity a supplier spends per unit of its buyer's output")
    trader_input_quality: float = P(0.4, ge=0, le=1, doc="quality of inputs bought from traders")
    price_response: float = P(1.0, ge=0, le=5, doc="how much more capacity an artisan wants when its "
                                                   "market's price is above the reference (elasticity)")
    max_workers: int = P(12, ge=0, le=1000, doc="most hired workers in one business")
    labour_share: float = P(0.2, ge=0, le=1, doc="share of a village's households that can take craft "
                                                 "work (the labour pool; all workers are local)")
    invest_buffer: float = P(1.5, ge=1, le=100, doc="cash needed as a multiple of the equipment price "
                                                    "to buy it")


class Money(Strict):
    """Costs, the household's draw, closure and entry (ovopsim/mechanisms/money.py)."""

    wage: float = P(982000.0, source="calibrated", ge=0, doc="monthly wage, Rp (around the rural minimum wage)")
    fixed_cost: float = P(341000.0, source="calibrated", ge=0, doc="monthly fixed cost of a business (premises, "
                                                    "utilities, transport, permits), Rp")
    upkeep: float = P(0.01, ge=0, le=1, doc="monthly upkeep as a share of the equipment's price")
    subsistence: float = P(1.0e6, ge=0, doc="household needs met first from profit, Rp/month")
    draw_share: float = P(0.683, source="calibrated", ge=0, le=1, doc="share of profit above subsistence taken home")
    reserve_months: float = P(3, ge=0, le=120, doc="months of costs a business keeps as cash; the "
                                                   "household takes home what is above")
    months_to_close: int = P(6, ge=1, le=120, doc="months in a row of losses or negative cash after which "
                                                  "a business out of cash closes (twice as many close "
                                                  "it whatever its savings)")
    entry_rate: float = P(0.02, ge=0, le=1, doc="monthly chance that a household opens a business when "
                                                "its product's businesses earn twice entry_income")
    entry_income: float = P(3.0e6, gt=0, doc="monthly income of a product's businesses above which "
                                                      "households start opening new ones, Rp")
    entry_capital: float = P(3e6, ge=0, doc="savings a household puts into a new business, Rp")


class Trust(Strict):
    """Trust, reciprocity and partnerships (ovopsim/mechanisms/exchange.py, partnerships.py)."""

    gain: float = P(0.12, ge=0, le=1, source="assumption", doc="share of the gap to 1 closed by a good "
                                                               "experience (an order passed, a favour "
                                                               "returned, a supply delivered or paid)")
    loss: float = P(0.261, source="calibrated", ge=0, le=1, doc="share of trust lost by a bad experience (a favour not returned, "
                                         "a supply not delivered or not paid)")
    neglect: float = P(0.02, ge=0, le=1, doc="monthly move of an unused tie's trust toward its baseline")
    gossip: float = P(0.5, ge=0, le=1, doc="how much of a partner's bad experience with a third artisan "
                                           "one takes on, weighted by trust in the partner")
    norm_weight: float = P(0.5, ge=0, le=1, doc="how much returning a favour depends on trust in the "
                                                "other (the rest is the norm alone)")
    temptation: float = P(0.5, ge=0, le=1, doc="chance of defecting for an artisan with no norm and no "
                                               "trust in the other (it falls with both)")
    commission: float = P(0.5, ge=0, le=1, doc="share of the margin on passed orders owed back (the "
                                               "favour to return)")
    pass_min: float = P(0.269, source="calibrated", ge=0, le=1, doc="trust needed to pass orders along a tie that is not a "
                                             "partnership")
    partner_rate: float = P(0.08, ge=0, le=1, doc="monthly chance a fully trusted tie with a clear mutual "
                                                  "benefit becomes a partnership")
    partner_min: float = P(0.35, ge=0, le=1, doc="trust (both ways) below which no partnership forms")
    end_below: float = P(0.2, ge=0, le=1, doc="a partnership ends when either side's trust falls below this")
    idle_end: int = P(12, ge=1, le=1200, doc="months without business after which a partnership ends "
                                             "(the benefit stopped)")
    supply_risk: float = P(0.3, ge=0, le=5, doc="expected cost of an undelivered supply, as a share of "
                                                "the input price, per unit of distrust")
    switch_threshold: float = P(0.5, ge=0, le=5, doc="a buyer switches supplier only when the cost gap "
                                                     "exceeds this share of the input price times her "
                                                     "trust in the current one (loyalty)")
    trial_rate: float = P(0.1, ge=0, le=1, doc="monthly chance a buyer tries a new supplier it is tied to")
    search_rate: float = P(0.02, ge=0, le=1, doc="monthly chance a buyer meets, through traders, a producer "
                                                 "at the earlier stage it has no tie with")
    buyer_rate: float = P(0.02, ge=0, le=1, doc="monthly chance an artisan selling outside the province "
                                                "meets another seller of the same buyers")
    introduce_rate: float = P(0.01, ge=0, le=1, doc="monthly chance a partnership introduces a partner's "
                                                    "partner")
    forget_months: int = P(24, ge=1, le=1200, doc="months after which a business contact (a tie not from "
                                                  "the village's social fabric) that no business passed "
                                                  "along is forgotten")


class Learning(Strict):
    """Training, mentoring, practice, uptake and quality (ovopsim/mechanisms/learning.py)."""

    learning_rate: float = P(0.26, ge=0, le=1, source="assumption",
                             doc="share of the knowledge gap closed by one training round")
    adoption: float = P(0.05, ge=0, le=1, doc="monthly share of the gap between knowledge and practice "
                                              "closed on one's own")
    mentored_adoption: float = P(0.3, ge=0, le=1, doc="monthly share of that gap closed with a mentor")
    decay: float = P(0.02, ge=0, le=1, doc="monthly fade of knowledge not (yet) put into practice")
    weight_skill: float = P(0.35, ge=0, le=1, doc="weight of technical skill in quality")
    weight_gmp: float = P(0.2, ge=0, le=1, doc="weight of good manufacturing practice in quality")
    weight_design: float = P(0.15, ge=0, le=1, doc="weight of design and innovation in quality")
    weight_equipment: float = P(0.1, ge=0, le=1, doc="weight of equipment in quality")
    weight_environment: float = P(0.1, ge=0, le=1, doc="weight of meeting the environmental standard "
                                                       "(IPAL for dyeing) in quality")
    weight_inputs: float = P(0.1, ge=0, le=1, doc="weight of input quality in quality")
    no_ipal_environment: float = P(0.3, ge=0, le=1, doc="environment score of a dyeing business without "
                                                        "a wastewater facility")
    standard_gmp: float = P(0.6, ge=0, le=1, doc="GMP practice that meets the product standard")
    awareness_topdown: float = P(0.35, ge=0, le=1, doc="community awareness without dialogue (top-down "
                                                       "programmes stay low)")
    awareness_fade: float = P(0.02, ge=0, le=1, doc="monthly return of awareness toward the top-down level")
    peer_weight: float = P(0.3, ge=0, le=1, doc="weight of tied neighbours who took part before in the "
                                                "decision to take part")
    forum_awareness: float = P(0.34, ge=0, le=1, source="assumption",
                               doc="share of the awareness gap a forum meeting closes")
    gov_trust_initial: float = P(0.4, ge=0, le=1, doc="artisans' initial trust in the government")
    gov_trust_gain: float = P(0.1, ge=0, le=1, doc="move of trust in government toward the usefulness "
                                                   "of a programme attended")


class Government(Strict):
    """The local agency (dinas) that pays for programmes (ovopsim/mechanisms/government.py)."""

    annual_budget: float = P(0.0, ge=0, doc="programme budget per fiscal year, Rp")
    officers: int = P(4, ge=1, le=1000, doc="programme officers; each runs some of the programmes and "
                                             "holds what he knows of them")
    knowledge_regrowth: float = P(0.17, ge=0, le=1, source="assumption",
                                  doc="monthly share of the gap to full knowledge an officer or a board "
                                      "learns on the job")
    newcomer_knowledge: float = P(0.3, ge=0, le=1, doc="what a new officer or board knows of the "
                                                       "programme without a written plan")
    plan_documented: float = P(0.5, ge=0, le=1, doc="share of what officers and boards know that a written "
                                                    "medium-term plan can hold (the rest is tacit and leaves "
                                                    "with them)")
    replan_months: int = P(3, ge=0, le=60, doc="months a new officer needs to plan again a programme whose "
                                               "schedule was not written down (recall, discuss, identify, "
                                               "plan: Bangka Tengah)")


class LJMP(Strict):
    """Lembaga Jasa Manajemen dan Pembiayaan (Singkawang): one per cluster (ovopsim/mechanisms/ljmp.py)."""

    enabled: bool = False
    fund: float = P(200e6, ge=0, doc="initial lending fund per LJMP, Rp")
    fee: float = P(0.05, ge=0, lt=1, doc="fee on the sales it markets")
    capture_max: float = P(0.6, ge=0, le=1, doc="share of the traders' margin it can win back at large volume")
    half_volume: float = P(100e6, gt=0, doc="monthly sales marketed at which it wins back half of "
                                                     "that, Rp (bargaining grows with volume)")
    interest: float = P(0.01, ge=0, le=0.1, doc="monthly interest on loans (soft)")
    loan_size: float = P(10e6, gt=0, doc="standard loan, Rp")
    loan_term: int = P(24, ge=1, le=600, doc="months to repay")
    arrears_to_default: int = P(3, ge=1, le=120, doc="missed repayments in a row that make a default "
                                                     "(the debt stays; no further credit)")
    join_trust: float = P(0.3, ge=0, le=1, doc="trust in government above which artisans join")
    staff_cost: float = P(6e6, ge=0, doc="monthly staff cost, Rp")
    mentors: int = P(2, ge=0, le=10_000, doc="mentors (interns) per LJMP")
    mentor_fee: float = P(1.5e6, ge=0, doc="monthly fee per mentor, Rp")
    mentees_per_mentor: int = P(10, ge=1, le=10_000, doc="artisans a mentor follows each month")
    reach_bonus: float = P(0.35, ge=0, le=10, doc="market reach its business contacts add")
    start: int = P(1, ge=1, le=1200, doc="month the LJMP opens")


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
    amount: float = Field(5e6, gt=0, description="Rp per grant or loan taken")
    cost: float = Field(0.0, ge=0, description="administration, Rp per artisan offered")


class Equipment(InterventionBase):
    type: Literal["equipment"] = "equipment"
    share: float = Field(0.7, ge=0, le=1, description="share of the equipment price paid by the programme")


class Facility(InterventionBase):
    type: Literal["facility"] = "facility"
    cost: float = Field(300e6, ge=0, description="Rp per village facility (IPAL, workshop)")


class Promotion(InterventionBase):
    type: Literal["promotion"] = "promotion"
    cost: float = Field(2e6, ge=0, description="Rp per exhibitor's seat offered")
    digital: bool = Field(False, description="digital promotion (online shops) rather than fairs")


class Brand(InterventionBase):
    type: Literal["brand"] = "brand"
    cost: float = Field(3e6, ge=0, description="Rp per brand / certification registered")
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
    """Agency officers or association boards replaced: what they knew and had not
    written down leaves with them (ovopsim/mechanisms/government.py)."""

    type: Literal["officer_turnover"] = "officer_turnover"
    name: str | None = None
    start: int = Field(1, ge=1)
    end: int | None = Field(None, ge=1)
    rate: float = Field(0.0, ge=0, le=12, description="expected turnovers per year (agency: one officer; "
                                                      "association: a village's board)")
    months: list[int] = Field(default_factory=list, description="scheduled turnover months")
    who: Literal["agency", "association", "both"] = "both"
    medium_term_plan: bool = Field(False, description="a written medium-term plan: the programme's "
                                   "schedule survives a change, and a newcomer reads what was known")

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
    teaching: bool = Field(True, description="listed in the teaching app (false: a base for "
                           "experiments, such as a decision spec's, not a lesson)")

    @field_validator("name")
    @classmethod
    def _safe_name(cls, v: str) -> str:
        if not SAFE_NAME.fullmatch(v):
            raise ValueError("a name usable as a file name: letters, digits, spaces, '_', "
                             "'-' and '.', starting with a letter or digit, at most 100 "
                             "characters")
        return v


@functools.lru_cache(maxsize=1)
def _shipped_products() -> dict[str, Product]:
    return {k: Product(**v) for k, v in PRODUCTS.items()}


class Scenario(Strict):
    """A whole scenario file, validated."""

    scenario: Meta = Field(default_factory=Meta)
    villages: list[Village] | None = None
    generate: Generate | None = None
    world: World = Field(default_factory=World)
    network: Network = Field(default_factory=Network)
    market: Market = Field(default_factory=Market)
    production: Production = Field(default_factory=Production)
    money: Money = Field(default_factory=Money)
    trust: Trust = Field(default_factory=Trust)
    learning: Learning = Field(default_factory=Learning)
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
        if self.network.edges:
            ids = set(self.artisan_ids())
            where = f"network.file ({self.network.file})" if self.network.file else "network.edges"
            for i, e in enumerate(self.network.edges):
                for end in ("source", "target"):
                    given = getattr(e, end)
                    if given not in ids:
                        raise _KeyProblem(f"{where}: edge {i + 1} {end}",
                                          "an artisan id of this scenario (village name/number, "
                                          'e.g. "Proppo/1")', f'"{given}"' + suggest(given, ids))
        names = [v.name for v in self.village_list()]
        labels = set()
        named: dict[str, int] = {}
        for i, iv in enumerate(self.interventions):
            if iv.name is not None and iv.name in named:  # overrides and budget envelopes go by name
                raise _KeyProblem(f"interventions[{i}].name", f"a name no other intervention has "
                                  f"(interventions[{named[iv.name]}] has it)", f'"{iv.name}"')
            if iv.name is not None:
                named[iv.name] = i
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
        """The products known to this scenario: the shipped ones (:data:`PRODUCTS`) and
        its own ``[products.NAME]`` (which win). Read only: the shipped ones are shared."""
        return {**_shipped_products(), **self.products}

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
                                    stage=i % g.stages))
        if self.world.scale == 1:
            return list(base)
        out = []
        for k in range(self.world.scale):
            for v in base:
                cl = v.cluster or v.name
                out.append(v.model_copy(update=dict(name=f"{v.name} #{k + 1}", cluster=f"{cl} #{k + 1}")))
        return out

    def artisan_ids(self) -> list[str]:
        """Each artisan's id, ``<village name>/<k>`` with k from 1 within the village, in the
        order the world is built (villages as listed, then products as listed): the ids an
        observed network's nodes use."""
        return [f"{v.name}/{k + 1}" for v in self.village_list() for k in range(sum(v.artisans.values()))]

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
        """A copy with dotted keys replaced, e.g. ``{"trust.gain": 0.1,
        "interventions.training.intensity": 0.5, "government.annual_budget": 1e9}``.
        ``interventions.<name or type>.<field>`` changes every matching intervention.
        The result is validated again: the sections written to in full, as a scenario
        file's would be, and the scenario as a whole (its cross-section rules); the
        sections no override writes to were validated with this scenario and are
        shared with it (scenarios are not changed once validated)."""
        written_to = {key.split(".")[0] for key in overrides}
        # every section by name (the unknown-section error suggests among them), those
        # written to as the plain data a file gives
        data = {name: getattr(self, name) for name in type(self).model_fields}
        data.update(self.model_dump(mode="python", exclude_none=False, include=written_to & set(data)))
        written = []  # (key, where it was written), for the check of true or false below
        for key, value in overrides.items():
            parts = key.split(".")
            if parts[0] == "interventions":
                if len(parts) != 3:
                    raise InputError(file, key, "interventions.<name or type>.<field>", key)
                hits = [(i, iv) for i, iv in enumerate(data["interventions"])
                        if iv.get("name") == parts[1] or iv["type"] == parts[1]]
                if not hits:
                    labels = [iv.get("name") or iv["type"] for iv in data["interventions"]]
                    raise InputError(file, key, "an intervention of this scenario",
                                     f'"{parts[1]}"' + suggest(parts[1], labels))
                for i, iv in hits:
                    if parts[2] not in iv:
                        raise InputError(file, key, f"a field of {iv['type']}",
                                         f'"{parts[2]}"' + suggest(parts[2], iv))
                    iv[parts[2]] = value
                    written.append((key, ("interventions", i, parts[2])))
                continue
            node = data
            for part in parts[:-1]:
                if isinstance(node, dict) and part in node and node[part] is None:
                    raise InputError(file, key, "a section this scenario has", f'"{part}" (not set in it)')
                if isinstance(node, dict) and isinstance(node.get(part), list):
                    raise InputError(file, key, "a section of named parameters",
                                     f'"{part}" (a list: written in the scenario file, not by a dotted key)')
                if not isinstance(node, dict) or part not in node or not isinstance(node[part], dict):
                    cands = node.keys() if isinstance(node, dict) else []
                    raise InputError(file, key, "a known section", f'"{part}"' + suggest(part, cands))
                node = node[part]
            if parts[-1] not in node:
                raise InputError(file, key, "a known parameter", f'"{parts[-1]}"' + suggest(parts[-1], node))
            node[parts[-1]] = value
            written.append((key, tuple(parts)))
        data = _drop_none_defaults(data)
        # this scenario was checked already: only the overrides can bring true or false
        try:
            out = scenario_from_dict(data, file, truth_values=False)
        except InputError as e:  # a mistake where an override wrote: named by the override's key
            by_place = {loc_to_key(where): key for key, where in written}
            if e.key in by_place:
                raise InputError(e.file, by_place[e.key], e.expected, e.given) from None
            raise
        for key, where in written:
            made: Any = out
            for part in where:  # what the override became, where it was written
                made = made[part] if isinstance(part, int) or isinstance(made, dict) else getattr(made, part)
            if truth_read_as_number(overrides[key], made) is not None:
                raise truth_error(file, key, overrides[key], made)
        return out


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
    if net.edges:
        return float(len(net.edges))
    n = scenario.n_artisans * (1 + scenario.world.entrant_share)  # with the potential entrants
    per_artisan = min(net.within_degree // 2, max(0, scenario.largest_village() - 1))
    return float(n) * (per_artisan + net.bridges_per_artisan)


def estimate_memory(scenario: Scenario) -> int:
    """memory_estimate: about how many bytes building and running ``scenario`` takes."""
    slots = scenario.n_artisans * (1 + scenario.world.entrant_share)  # with the potential entrants
    return int(BYTES_BASE + slots * BYTES_PER_ARTISAN + estimate_ties(scenario) * BYTES_PER_TIE)


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


def unknown_scenario(name_or_path: str | Path) -> InputError:
    """The error for a scenario that is neither a file nor a shipped scenario's name,
    with the shipped name it most resembles."""
    shipped = [f.stem for f in shipped_scenarios()]
    return InputError(Path(name_or_path), "", "an existing scenario file or the name of a shipped "
                      "scenario (see: ovopsim scenarios)",
                      "a path that does not exist" + suggest(Path(name_or_path).stem, shipped))


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (or a shipped scenario's name). An observed
    network (``[network] file``) is read here, relative to the scenario file, so the
    scenario carries its ties (workers and hashes see them as content)."""
    p = resolve_scenario_path(path)
    if not p.exists() and not p.is_symlink():
        raise unknown_scenario(path)
    data = read_toml(p)
    _not_a_spec(data, p)
    net = data.get("network")
    if isinstance(net, dict) and isinstance(net.get("file"), str) and net.get("edges") is None:
        net["edges"] = read_edges(p.parent / net["file"], key="network.file", scenario=p)
    return scenario_from_dict(data, p)


#: an experiment spec's kind -> the command that runs it
SPEC_COMMANDS = {"decision": "ovopsim optimize / robust", "sweep": "ovopsim sweep (or compare)",
                 "sensitivity": "ovopsim sensitivity"}


def spec_kind(data: dict) -> str | None:
    """What a TOML file's data is, when it is not a scenario: ``"calibration"`` (the
    calibration spec: ``[screen]``, ``[abc]``, ...), an experiment spec's
    ``[experiment] kind`` (``"decision"``, ``"sweep"``, ``"sensitivity"``; ``""`` when
    it names none); None for a scenario."""
    if {"screen", "abc", "loco", "quick"} & set(data):
        return "calibration"
    table = data.get("experiment")
    return str(table.get("kind") or "") if isinstance(table, dict) else None


def _not_a_spec(data: dict, path: Path) -> None:
    """A spec given where a scenario is expected is named as what it is, with the command
    that runs it (not reported as a scenario with an unknown key ``experiment``)."""
    kind = spec_kind(data)
    if kind == "calibration":
        raise InputError(path, "", "a scenario file ([scenario], [[villages]], ...)",
                         "the calibration spec: run it with ovopsim calibrate --spec")
    if kind is not None:
        runs = SPEC_COMMANDS.get(kind, "the command of its kind (ovopsim check tells what is wrong in it)")
        raise InputError(path, "experiment", "a scenario file ([scenario], [[villages]], ...)",
                         f"an experiment spec{f' (kind {kind!r})' if kind else ''}: run it with {runs}")


def read_edges(path: Path, *, key: str = "network.file", scenario: Path | None = None) -> list[dict]:
    """The ties of an observed network: a GraphML file (edge attributes ``trust`` and
    ``partner``) or a CSV edge list (columns ``source, target, trust, partner``), read
    with networkx / csv. Node ids are artisan ids (:meth:`Scenario.artisan_ids`).

    Raises InputError naming the file, the edge and what is missing."""
    import csv

    path = Path(path)
    if not path.is_file():
        raise InputError(scenario, key, "a GraphML (.graphml) or CSV (.csv) edge-list file", f'"{path}" '
                         "(not found)")
    edges = []
    if path.suffix.lower() == ".graphml":
        import networkx as nx

        try:
            g = nx.read_graphml(path)
        except Exception as exc:  # noqa: BLE001 - any parse failure is the file's
            raise InputError(path, "", "a GraphML file", f"unreadable GraphML ({exc})") from None
        for a, b, attrs in g.edges(data=True):
            edges.append({"source": str(a), "target": str(b), **attrs})
    elif path.suffix.lower() == ".csv":
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            missing = {"source", "target"} - set(reader.fieldnames or [])
            if missing:
                raise InputError(path, "header", "columns source, target, trust, partner",
                                 ", ".join(reader.fieldnames or []) or "no header")
            for row in reader:
                edges.append({k: v for k, v in row.items() if v not in (None, "")})
    else:
        raise InputError(scenario, key, "a .graphml or .csv file", f'"{path.name}"')
    out = []
    for i, e in enumerate(edges):
        label = f"edge {i + 1} ({e.get('source')} -- {e.get('target')})"
        if "trust" not in e:
            raise InputError(path, label, "an attribute trust in [0, 1]", "none")
        if "partner" not in e:
            raise InputError(path, label, "an attribute partner (true or false)", "none")
        try:
            trust = float(e["trust"])
        except (TypeError, ValueError):
            raise InputError(path, f"{label}.trust", "a number in [0, 1]", repr(e["trust"])) from None
        partner = e["partner"]
        if isinstance(partner, str):
            low = partner.strip().lower()
            if low not in ("true", "false", "1", "0", "yes", "no"):
                raise InputError(path, f"{label}.partner", "true or false", repr(partner))
            partner = low in ("true", "1", "yes")
        if not 0 <= trust <= 1:
            raise InputError(path, f"{label}.trust", "a number in [0, 1]", repr(e["trust"]))
        out.append({"source": str(e["source"]), "target": str(e["target"]), "trust": trust,
                    "partner": bool(partner)})
    return out


def scenario_from_dict(data: dict, file: str | Path | None = None, *, truth_values: bool = True) -> Scenario:
    """A validated scenario from a file's data (``truth_values``: see :func:`ovopsim.errors.load_model`);
    a problem across sections is named by its own key."""
    try:
        return load_model(Scenario, data, file, truth_values=truth_values)
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


PARAMETER_SECTIONS = {"world": World, "network": Network, "market": Market, "production": Production,
                      "money": Money, "trust": Trust, "learning": Learning, "government": Government,
                      "ljmp": LJMP}
#: the sections whose parameters the monthly mechanisms read (see :mod:`ovopsim.state`)
MECHANISM_SECTIONS = ("market", "production", "money", "trust", "learning", "government", "ljmp")


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
            if name in ("file", "edges"):
                continue  # the observed network is data, not a parameter
            meaning = f.description or ""
            if extra.get("cite"):
                meaning += f" ({extra['cite']})"
            rows.append({"section": section, "parameter": name, "default": default,
                         "range": _range_text(f), "source": extra.get("source", "assumption"),
                         "meaning": meaning})
    return pd.DataFrame(rows)
