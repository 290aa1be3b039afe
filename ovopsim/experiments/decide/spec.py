"""Decision specs: levers, uncertainties and outcomes declared apart (as EMA Workbench does).

A decision spec is a TOML file read by ``ovopsim optimize``, ``ovopsim robust``
and ``ovopsim report``::

    [experiment]
    kind = "decision"
    model = "ovop"
    scenario = "../scenarios/blitar_budget_mix.toml"
    months = 60
    replicates = 3            # runs per candidate and future, common seeds everywhere
    seed = 2026

    [budget]                  # the budget mix: shares of a fixed yearly budget
    total = 600_000_000       # Rp a year, the same for every mix
    programmes = ["training", "mentoring", "exhibitions", "dialogue"]

    [levers.interventions.officer_turnover.medium_term_plan]   # what else the planner decides
    levels = [false, true]

    [uncertainties.interventions.budget_cut.share]              # what she does not control
    bounds = [0.0, 0.8]
    reference = 0.0           # its value when optimising (default: the scenario's)

    [outcomes.income_gain]
    direction = "max"         # max or min; an outcome without one is only reported
    target = 0.2              # robustness: a future is satisfied when income_gain >= 0.2

    [optimize]                # ovopsim optimize
    algorithm = "nsga2"       # nsga2 (many objectives) or ga (one objective)
    population = 16
    generations = 8
    objectives = ["income_gain", "jobs_gain"]       # default: every outcome with a direction
    # objective = "return_per_rupiah"               # the single-objective mode (ga), with
    # constraints = ["jobs_gain >= 0"]              # conditions on replicate means

    [robust]                  # ovopsim robust
    futures = 40              # drawn from the uncertainties (Latin hypercube)
    candidates = "pareto"     # the optimize run's Pareto set, or a list of mixes:
    # candidates = [{label = "even", shares = {training = 0.25, ...}, levers = {...}}]

    [report]                  # ovopsim report: the question, in both languages
    title_en = "What {budget} a year should buy"   # {budget}: the brief writes in budget.total
    title_id = "..."
    question_en = "..."       # an amount written out must include budget.total
    question_id = "..."

``[fixed]`` holds parameters passed unchanged to every run, as in sweep specs.
Every key is checked before anything runs, each mistake one line naming the
file, the key, what was expected and what was given (with a suggestion for a
misspelt name).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, PrivateAttr, field_validator, model_validator

from ovopsim.config import MAX_MONTHS
from ovopsim.errors import InputError, load_model, shown_value, suggest

from ..registry import MODEL_INFO, get_model
from ..spec import (
    PROBE,
    Parameter,
    Scalar,
    Strict,
    _flat,
    _flat_parameters,
    _scenario_file,
    load_checked,
    scenario_path,
    value_kind,
)
from .conditions import Condition, parse_conditions

DIRECTIONS = ("max", "min")


class DecisionExperiment(Strict):
    kind: Literal["decision"]
    model: str
    scenario: str | None = None
    months: int | None = Field(None, ge=1, le=MAX_MONTHS)
    replicates: int = Field(2, ge=1)
    seed: int = Field(0, ge=0)


class Budget(Strict):
    total: float = Field(gt=0, le=1e15)
    programmes: list[str] = Field(min_length=2)

    @field_validator("programmes")
    @classmethod
    def _unique(cls, v):
        dup = sorted({p for p in v if v.count(p) > 1})
        if dup:
            raise ValueError(f"each programme once (\"{dup[0]}\" is named twice)")
        return v


class Uncertainty(Parameter):
    reference: Scalar | None = None


class Outcome(Strict):
    direction: Literal["max", "min"] | None = None
    target: float | None = None


class OptimizeSection(Strict):
    algorithm: Literal["nsga2", "ga"] = "nsga2"
    population: int = Field(16, ge=4, le=10_000)
    generations: int = Field(8, ge=1, le=10_000)
    objectives: list[str] | None = Field(None, min_length=1)
    objective: str | None = None
    constraints: list[str] = Field(default_factory=list)


class Mix(Strict):
    label: str = Field(min_length=1, max_length=60)
    shares: dict[str, float]
    levers: dict[str, Scalar] = Field(default_factory=dict)


class RobustSection(Strict):
    futures: int = Field(40, ge=2, le=100_000)
    candidates: list[Mix] | Literal["pareto"] = "pareto"
    max_candidates: int = Field(8, ge=1, le=1000)
    reference_future: bool = True

    @field_validator("candidates", mode="before")
    @classmethod
    def _pareto_or_mixes(cls, value):
        """Text can only be "pareto": said so, rather than that it is not a list."""
        if isinstance(value, str) and value != "pareto":
            raise ValueError('"pareto" (the Pareto set of ovopsim optimize) or a list of mixes')
        return value


class DiscoverSection(Strict):
    target: str | None = None
    threshold: float = Field(0.8, gt=0, le=1)
    peel_alpha: float = Field(0.05, gt=0, lt=0.5)
    mass_min: float = Field(0.05, gt=0, lt=1)
    max_depth: int = Field(3, ge=1, le=10)


class ReportSection(Strict):
    title_en: str = "What a fixed budget should buy"
    title_id: str = "Apa yang sebaiknya dibeli dengan anggaran tetap"
    question_en: str = ""
    question_id: str = ""


class DecisionSpec(Strict):
    """A whole decision spec file (see the module docstring)."""

    experiment: DecisionExperiment
    budget: Budget | None = None
    levers: dict[str, dict[str, Any]] = Field(default_factory=dict)
    uncertainties: dict[str, dict[str, Any]] = Field(default_factory=dict)
    outcomes: dict[str, Outcome] = Field(min_length=1)
    fixed: dict[str, Scalar] = Field(default_factory=dict)
    optimize: OptimizeSection = Field(default_factory=OptimizeSection)
    robust: RobustSection = Field(default_factory=RobustSection)
    discover: DiscoverSection = Field(default_factory=DiscoverSection)
    report: ReportSection = Field(default_factory=ReportSection)

    _file: Path | None = PrivateAttr(default=None)
    _levers: dict[str, Parameter] = PrivateAttr(default_factory=dict)
    _uncertainties: dict[str, Uncertainty] = PrivateAttr(default_factory=dict)
    _constraints: list[Condition] = PrivateAttr(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _dotted_names(cls, data):
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for table in ("levers", "uncertainties"):
            if isinstance(data.get(table), dict):
                data[table] = _flat_parameters(data[table])
        if isinstance(data.get("fixed"), dict):
            data["fixed"] = _flat(data["fixed"])
        robust = data.get("robust")
        if isinstance(robust, dict) and isinstance(robust.get("candidates"), list):
            data["robust"] = {**robust, "candidates": [
                {**c, "levers": _flat(c["levers"])} if isinstance(c, dict)
                and isinstance(c.get("levers"), dict) else c for c in robust["candidates"]]}
        return data

    # -- what the rest of the package reads ------------------------------------------
    @property
    def file(self) -> Path | None:
        return self._file

    @property
    def base_dir(self) -> Path:
        return self._file.parent if self._file is not None else Path.cwd()

    @property
    def lever_params(self) -> dict[str, Parameter]:
        return self._levers

    @property
    def uncertainty_params(self) -> dict[str, Uncertainty]:
        return self._uncertainties

    @property
    def constraints(self) -> list[Condition]:
        return self._constraints

    @property
    def programmes(self) -> list[str]:
        return list(self.budget.programmes) if self.budget is not None else []

    def path(self, name: str) -> str:
        """The scenario file the spec names (:func:`ovopsim.experiments.spec.scenario_path`)."""
        return scenario_path(self.base_dir, name)

    def fixed_parameters(self) -> dict[str, Scalar]:
        """Parameters every run gets unchanged (``[fixed]``, months, scenario)."""
        fixed = dict(self.fixed)
        if self.experiment.months is not None:
            fixed["months"] = self.experiment.months
        if self.experiment.scenario is not None:
            fixed["scenario"] = self.path(self.experiment.scenario)
        return fixed

    def directed(self) -> dict[str, str]:
        """Outcomes with a direction: ``{name: "max" | "min"}``."""
        return {k: o.direction for k, o in self.outcomes.items() if o.direction is not None}

    def objectives(self) -> list[str]:
        """What the search optimises: ``[optimize] objective`` (one) or ``objectives``."""
        opt = self.optimize
        if opt.objective is not None:
            return [opt.objective]
        return list(opt.objectives) if opt.objectives else list(self.directed())

    def targets(self) -> dict[str, tuple[str, float]]:
        """``{outcome: (direction, target)}`` of the outcomes with a target."""
        return {k: (o.direction or "max", o.target) for k, o in self.outcomes.items()
                if o.target is not None}

    def reference_future(self) -> dict[str, Scalar]:
        """The uncertainties' values when optimising (only those that give one)."""
        return {k: u.reference for k, u in self._uncertainties.items() if u.reference is not None}

    def key(self) -> str:
        return self._file.stem if self._file is not None else "decision"


# --------------------------------------------------------------------------- checks


def _table(cls, section: str, name: str, table, file):
    try:
        return load_model(cls, table, file)
    except InputError as e:
        key = f"{section}.{name}" + (f".{e.key}" if e.key else "")
        raise InputError(file, key, e.expected, e.given) from None


def check_decision(spec: DecisionSpec, file: Path | None = None) -> DecisionSpec:
    """Cross-field checks and the model's dry run; raises the first InputError."""
    exp = spec.experiment
    get_model(exp.model, file)
    info = MODEL_INFO.get(exp.model)
    spec._levers = {k: _table(Parameter, "levers", k, v, file) for k, v in spec.levers.items()}
    spec._uncertainties = {k: _table(Uncertainty, "uncertainties", k, v, file)
                           for k, v in spec.uncertainties.items()}
    if exp.scenario is not None:
        _scenario_file(spec, exp.scenario, "experiment.scenario", file)
    if spec.budget is None and not spec._levers:
        raise InputError(file, "budget", "a [budget] table or at least one [levers.NAME] "
                         "(something for the planner to decide)", "neither")
    seen: dict[str, str] = {}
    for section, names in (("levers", spec._levers), ("uncertainties", spec._uncertainties),
                           ("fixed", spec.fixed)):
        for name in names:
            if name in seen:
                raise InputError(file, f"{section}.{name}", f"a name not also in [{seen[name]}]",
                                 "both")
            seen[name] = section
            if (info is not None and info.parameters is not None
                    and name not in info.parameters):
                raise InputError(file, f"{section}.{name}",
                                 f"a parameter of model {exp.model} ({', '.join(info.parameters)})",
                                 f'"{name}"{suggest(name, info.parameters)}')
    for name, u in spec._uncertainties.items():
        kinds = {value_kind(x) for x in (u.levels or [0.0])}  # bounds are numbers
        if u.reference is not None and value_kind(u.reference) not in kinds:
            quotes = " (written without quotes)" if isinstance(u.reference, str) else ""
            raise InputError(file, f"uncertainties.{name}.reference", f"{' or '.join(sorted(kinds))}{quotes}, as "
                             f"the {'levels' if u.levels else 'bounds'} are", shown_value(u.reference))
        if u.reference is not None and u.bounds is not None and not (
                isinstance(u.reference, (int, float)) and u.bounds[0] <= u.reference <= u.bounds[1]):
            raise InputError(file, f"uncertainties.{name}.reference",
                             f"a value within bounds {u.bounds}", repr(u.reference))
        if u.reference is not None and u.levels is not None and u.reference not in u.levels:
            raise InputError(file, f"uncertainties.{name}.reference",
                             f"one of the levels {u.levels}", repr(u.reference))
    known = info.outcomes if info is not None else None
    names = list(spec.outcomes)
    for name in names:
        if known is not None and name not in known:
            raise InputError(file, f"outcomes.{name}", f"an outcome of model {exp.model} "
                             f"({', '.join(known)})", f'"{name}"{suggest(name, known)}')
    if not spec.directed():
        raise InputError(file, "outcomes", 'at least one outcome with direction = "max" or "min"',
                         "none")
    _check_optimize(spec, names, file)
    spec._constraints = parse_conditions(spec.optimize.constraints, names, file,
                                         "optimize.constraints")
    _check_robust(spec, file)
    _check_report(spec, file)
    if spec.discover.target is not None:
        parse_conditions([spec.discover.target], names, file, "discover.target")
    if info is not None and info.check is not None:
        _dry_run(spec, info, file)
    return spec


def _check_optimize(spec: DecisionSpec, names: list[str], file) -> None:
    opt = spec.optimize
    directed = spec.directed()
    if opt.objective is not None and opt.objectives is not None:
        raise InputError(file, "optimize.objective", "either objective (one) or objectives "
                         "(several)", "both")
    for i, name in enumerate(spec.objectives()):
        key = "optimize.objective" if opt.objective is not None else f"optimize.objectives[{i}]"
        if name not in directed:
            raise InputError(file, key, f"an outcome with a direction ({', '.join(directed)})",
                             f'"{name}"{suggest(name, directed)}')
    n = len(spec.objectives())
    if opt.algorithm == "ga" and n != 1:
        raise InputError(file, "optimize.algorithm", 'one objective for "ga" (optimize.objective'
                         ' = "...")', f"{n} objectives")
    if opt.algorithm == "nsga2" and n == 1 and opt.objective is not None:
        raise InputError(file, "optimize.algorithm", '"ga" for a single objective',
                         '"nsga2"')


def _check_robust(spec: DecisionSpec, file) -> None:
    cands = spec.robust.candidates
    if cands == "pareto":
        return
    check_mixes(spec, [(f"robust.candidates[{i}]", m.label, m.shares, m.levers) for i, m in enumerate(cands)],
                file)


def check_mixes(spec: DecisionSpec, mixes, file, noun: str = "candidate") -> None:
    """Each of ``mixes`` (``(key, label, shares, levers)``) under a label no other has,
    and each by :func:`check_mix`."""
    seen = set()
    for key, label, shares, levers in mixes:
        if label in seen:
            raise InputError(file, f"{key}.label", f"a label no other {noun} has", f'"{label}" twice')
        seen.add(label)
        check_mix(spec, shares, levers, key, file)


def _shown(value) -> str:
    """A value as a spec writes it: true, false, "text", 0.5."""
    if isinstance(value, bool):
        return str(value).lower()
    return f'"{value}"' if isinstance(value, str) else format(value, "g") if isinstance(value, float) else str(value)


def check_mix(spec: DecisionSpec, shares: dict, levers: dict, key: str, file) -> None:
    """mix_rules: a candidate mix (written in the spec or read from a table) shares out the
    whole budget among the spec's programmes (shares >= 0 that sum to 1: fractions, not
    percents) and sets each lever it names to one of its levels or within its bounds.
    ``key`` names the mix (``robust.candidates[0]``, or a table's row)."""
    progs = spec.programmes
    for p, share in shares.items():
        if p not in progs:
            raise InputError(file, f"{key}.shares.{p}", f"a programme of [budget] "
                             f"({', '.join(progs)})", f'"{p}"{suggest(p, progs)}')
        if value_kind(share) != "a number" or not (math.isfinite(share) and share >= 0):
            raise InputError(file, f"{key}.shares.{p}", "a share >= 0", _shown(share))
    if progs and not math.isclose(sum(shares.values()), 1.0, abs_tol=1e-6):
        total = sum(shares.values())
        hint = (" (percents? write each share as a fraction: 0.25 for 25%)" if math.isclose(total, 100.0, abs_tol=1e-4)
                else " (rounded? shares must add up to 1 within 0.000001, as 0.34, 0.33, 0.33 do)"
                if abs(total - 1.0) < 0.02 else "")
        raise InputError(file, f"{key}.shares", "shares that sum to 1", f"a sum of {total:g}{hint}")
    for name, value in levers.items():
        p = spec.lever_params.get(name)
        if p is None:
            raise InputError(file, f"{key}.levers.{name}", "a lever of [levers] "
                             f"({', '.join(spec.lever_params) or 'none'})",
                             f'"{name}"{suggest(name, spec.lever_params)}')
        if p.levels is not None and (value not in p.levels or value_kind(value) != value_kind(p.levels[0])):
            raise InputError(file, f"{key}.levers.{name}",
                             f"one of {', '.join(_shown(v) for v in p.levels)}", _shown(value))
        if p.bounds is not None and not (value_kind(value) == "a number" and p.bounds[0] <= value <= p.bounds[1]):
            raise InputError(file, f"{key}.levers.{name}", f"a value within {p.bounds}", _shown(value))


def _check_report(spec: DecisionSpec, file) -> None:
    """A title or question names the budget as ``{budget}`` (the brief writes it in; any
    other amount is then the text's own) or, if it names amounts in rupiah, names the
    budget among them: a text that still says Rp 600 million after the budget was
    changed would tell the reader a wrong figure."""
    import re

    from .texts import BUDGET, rupiah, rupiah_amounts

    total = spec.budget.total if spec.budget is not None else None
    for field in type(spec.report).model_fields:
        text = getattr(spec.report, field)
        key = f"report.{field}"
        for place in re.findall(r"\{[^{}]*\}", text):
            if place != BUDGET:
                raise InputError(file, key, f"text, with {BUDGET} where the yearly budget goes",
                                 f'"{place}" in "{text}"')
            if total is None:
                raise InputError(file, key, f"{BUDGET} only with a [budget] table", "no [budget]")
        if total is None or BUDGET in text:  # the budget named where it goes: other amounts are the text's
            continue
        amounts = rupiah_amounts(text)
        if amounts and not any(math.isclose(v, total, rel_tol=0.005) for _, values in amounts for v in values):
            raise InputError(file, key, f"the budget.total of {rupiah(total, 'en')} ({rupiah(total, 'id')}) among "
                             f"the amounts it names, or {BUDGET} where the budget goes (the brief writes it in)",
                             ", ".join(f'"{written}"' for written, _ in amounts))


def _dry_run(spec: DecisionSpec, info, file) -> None:
    """The model checks the fixed parameters, each lever and uncertainty at each level
    or bound (and a value drawn between bounds), and the budget's programmes."""
    fixed = spec.fixed_parameters()

    def run_check(params: dict, key_for) -> None:
        try:
            info.check(params)
        except InputError as e:
            if e.file is not None:
                raise
            raise InputError(file, key_for(e.key), e.expected, e.given) from None

    def plain(key: str) -> str:
        if key in spec.fixed:
            return f"fixed.{key}"
        return f"experiment.{key}" if key in ("scenario", "months") else key

    run_check(fixed, plain)
    for section, table in (("levers", spec.lever_params), ("uncertainties", spec.uncertainty_params)):
        for name, p in table.items():
            values = list(p.levels if p.levels is not None else p.bounds)
            if p.bounds is not None:
                lo, hi = p.bounds
                values.append(lo + (hi - lo) * PROBE)
            for value in values:
                run_check({**fixed, name: value},
                          lambda k, s=section, n=name: f"{s}.{n}" if k == n else plain(k))
    if spec.budget is not None:
        from .levers import allocation_params

        even = {p: 1.0 / len(spec.programmes) for p in spec.programmes}
        try:
            params = allocation_params(spec, even)
        except InputError as e:
            if e.file is not None:
                raise
            key = (f"budget.programmes[{spec.programmes.index(e.key)}]"
                   if e.key in spec.programmes else plain(e.key))
            raise InputError(file, key, e.expected, e.given) from None
        run_check({**fixed, **params}, plain)


def load_decision(path: str | Path) -> DecisionSpec:
    """Read, validate and cross-check a decision spec (one InputError on any mistake)."""
    return load_checked(DecisionSpec, check_decision, Path(path))


def as_decision(spec_or_path: DecisionSpec | str | Path | dict) -> DecisionSpec:
    """A checked decision spec from a path, a dict (as parsed TOML) or a spec object."""
    return load_checked(DecisionSpec, check_decision, spec_or_path)
