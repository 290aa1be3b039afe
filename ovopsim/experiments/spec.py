"""Experiment spec files (TOML), validated with pydantic; every mistake is one InputError.

A sweep::

    [experiment]
    kind = "sweep"                 # or "sensitivity"
    model = "ovop"                 # a registered model function (see registry.MODELS)
    scenario = "scenarios/x.toml"  # optional; relative to this file; passed as params["scenario"]
    months = 120                   # optional; passed as params["months"]
    replicates = 5                 # runs per parameter set (common random numbers)
    seed = 12345                   # root seed (replicate seeds, LHS/SALib samples)

    [design]
    method = "full_factorial"      # or "latin_hypercube" (with n = ...) or "points"
    # points = [{x1 = 0.0, x2 = 1.0, x3 = 0.5}, ...]   # for method = "points"

    [parameters.x1]                # name -> levels = [...]  or  bounds = [lo, hi]
    levels = [0.0, 1.0]

    [fixed]                        # optional: more parameters passed unchanged
    delay = 0.01

    [outputs]
    outcomes = ["y"]               # optional: default all
    at = "final"                   # or "all" (every time step of time-series models)

A sensitivity analysis replaces ``[design]`` by::

    [sensitivity]
    method = "sobol"               # sobol | morris | fast | delta
    n = 1024                       # base samples (sobol: power of 2) / trajectories / samples
    second_order = true            # sobol
    num_levels = 4                 # morris
    M = 4                          # fast
    conf_level = 0.95
    num_resamples = 100
    convergence = true
    plots = true

and every ``[parameters.NAME]`` needs ``bounds``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from ovopsim.config import MAX_MONTHS, SCENARIO_DIR
from ovopsim.errors import (
    InputError,
    check_regular_file,
    load_model,
    load_toml_model,
    suggest,
)

from .registry import MODEL_INFO, get_model
from .sensitivity import Settings, check_sample_size

Scalar = bool | int | float | str


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class ExperimentSection(Strict):
    kind: Literal["sweep", "sensitivity"]
    model: str
    scenario: str | None = None
    months: int | None = Field(None, ge=1, le=MAX_MONTHS)
    replicates: int = Field(1, ge=1)
    seed: int = Field(0, ge=0)


class Parameter(Strict):
    levels: list[Scalar] | None = Field(None, min_length=1)
    bounds: list[float] | None = None

    @field_validator("bounds")
    @classmethod
    def _bounds(cls, v):
        if v is None:
            return v
        if len(v) != 2:
            raise ValueError("[lower, upper] (two numbers)")
        lo, hi = v
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ValueError("[lower, upper] with finite lower < upper")
        return v

    @field_validator("levels")
    @classmethod
    def _one_kind(cls, v):
        """levels_of_one_kind: numbers, true or false, or text, not a mix (a "true" among
        false would be guessed at, or fail the run's table)."""
        if v is not None and len({value_kind(x) for x in v}) > 1:
            raise ValueError("levels of one kind: numbers, true or false, or text (in quotes)")
        return v

    @model_validator(mode="after")
    def _one_of(self):
        if (self.levels is None) == (self.bounds is None):
            raise ValueError("exactly one of levels = [...] or bounds = [lo, hi]")
        return self


def value_kind(value) -> str:
    """A value's kind as a spec writer sees it: true or false, a number, or text."""
    if isinstance(value, bool):
        return "true or false"
    return "a number" if isinstance(value, (int, float)) else "text"


class DesignSection(Strict):
    method: Literal["full_factorial", "latin_hypercube", "points"]
    n: int | None = Field(None, ge=1)
    points: list[dict[str, Scalar]] | None = Field(None, min_length=1)


class SensitivitySection(Strict):
    method: Literal["sobol", "morris", "fast", "delta"] = "sobol"
    n: int = Field(256, ge=2)
    second_order: bool = True
    num_levels: int = Field(4, ge=2)
    M: int = Field(4, ge=1)
    conf_level: float = Field(0.95, gt=0, lt=1)
    num_resamples: int = Field(100, ge=1)
    convergence: bool = True
    plots: bool = True

    def settings(self) -> Settings:
        return Settings(second_order=self.second_order, num_levels=self.num_levels, M=self.M,
                        conf_level=self.conf_level, num_resamples=self.num_resamples)


class Outputs(Strict):
    outcomes: list[str] | None = Field(None, min_length=1)
    at: Literal["final", "all"] = "final"


def _flat(table: dict, prefix: str = "") -> dict:
    """``{"trust": {"gain": 0.1}}`` -> ``{"trust.gain": 0.1}``."""
    out = {}
    for k, v in table.items():
        if isinstance(v, dict):
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def _flat_parameters(table: dict, prefix: str = "") -> dict:
    """Nested ``[parameters.trust.gain]`` tables -> ``"trust.gain"``.

    A table is a parameter when it holds a value that is not a table (``levels``,
    ``bounds``, or a misspelling that validation then reports); otherwise its keys
    are a dotted name's parts.
    """
    out = {}
    for k, v in table.items():
        if isinstance(v, dict) and v and all(isinstance(x, dict) for x in v.values()):
            out.update(_flat_parameters(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


class ExperimentSpec(Strict):
    """A whole spec file. Dotted parameter names (scenario overrides such as
    ``trust.gain``) may be written as nested TOML tables or keys:
    ``[parameters.trust.gain]``, ``[fixed] trust.gain = 0.1``,
    ``points = [{interventions.dialogue.intensity = 0.0}]``."""

    experiment: ExperimentSection
    design: DesignSection | None = None
    sensitivity: SensitivitySection | None = None
    parameters: dict[str, dict[str, Any]] = Field(default_factory=dict)
    fixed: dict[str, Scalar] = Field(default_factory=dict)
    outputs: Outputs = Field(default_factory=Outputs)

    _file: Path | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _dotted_names(cls, data):
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if isinstance(data.get("parameters"), dict):
            data["parameters"] = _flat_parameters(data["parameters"])
        if isinstance(data.get("fixed"), dict):
            data["fixed"] = _flat(data["fixed"])
        design = data.get("design")
        if isinstance(design, dict) and isinstance(design.get("points"), list):
            data["design"] = {**design, "points": [_flat(p) if isinstance(p, dict) else p
                                                    for p in design["points"]]}
        return data
    _params: dict[str, Parameter] = PrivateAttr(default_factory=dict)

    @property
    def file(self) -> Path | None:
        return self._file

    @property
    def params(self) -> dict[str, Parameter]:
        """The validated ``[parameters.NAME]`` tables."""
        return self._params

    @property
    def base_dir(self) -> Path:
        return self._file.parent if self._file is not None else Path.cwd()

    def path(self, name: str) -> str:
        """The scenario file the spec names (:func:`scenario_path`)."""
        return scenario_path(self.base_dir, name)

    def fixed_parameters(self) -> dict[str, Scalar]:
        """Parameters passed unchanged to every run (``[fixed]``, months, scenario)."""
        fixed = dict(self.fixed)
        if self.experiment.months is not None:
            fixed["months"] = self.experiment.months
        if self.experiment.scenario is not None:
            fixed["scenario"] = self.path(self.experiment.scenario)
        return fixed


def _param(name: str, table: dict, file) -> Parameter:
    try:
        return load_model(Parameter, table, file)
    except InputError as e:
        key = f"parameters.{name}" + (f".{e.key}" if e.key else "")
        raise InputError(file, key, e.expected, e.given) from None


def check_spec(spec: ExperimentSpec, file: Path | None = None) -> ExperimentSpec:
    """Cross-field checks pydantic cannot express; raises the first InputError."""
    exp = spec.experiment
    get_model(exp.model, file)
    info = MODEL_INFO.get(exp.model)
    spec._params = {name: _param(name, table, file) for name, table in spec.parameters.items()}
    params = spec._params

    if exp.scenario is not None:
        _scenario_file(spec, exp.scenario, "experiment.scenario", file)
    for name in params:
        if info is not None and info.parameters is not None and name not in info.parameters:
            raise InputError(file, f"parameters.{name}",
                             f"a parameter of model {exp.model} ({', '.join(info.parameters)})",
                             f'"{name}"{suggest(name, info.parameters)}')
        if name in spec.fixed_parameters():
            raise InputError(file, f"parameters.{name}", "a parameter that is not also fixed",
                             "both varied and fixed")
    if spec.outputs.outcomes and info is not None and info.outcomes is not None:
        for i, out in enumerate(spec.outputs.outcomes):
            if out not in info.outcomes:
                raise InputError(file, f"outputs.outcomes[{i}]",
                                 f"an outcome of model {exp.model} ({', '.join(info.outcomes)})",
                                 f'"{out}"{suggest(out, info.outcomes)}')
    if spec.outputs.at == "all" and info is not None and info.series is not None:
        for i, out in enumerate(spec.outputs.outcomes or info.series):
            if out not in info.series:  # a summary of the run, with no value each month
                raise InputError(file, f"outputs.outcomes[{i}]",
                                 f'an outcome model {exp.model} records every month, as at = "all" asks '
                                 f"({', '.join(info.series)})", f'"{out}"{suggest(out, info.series)}')

    if exp.kind == "sweep":
        _check_sweep(spec, params, file)
    else:
        _check_sensitivity(spec, params, file)
    if info is not None and info.check is not None:
        _dry_run(spec, info.check, file)
    return spec


def scenario_path(base_dir: Path, name) -> str:
    """A scenario a spec names: a file relative to the spec (or an absolute path), else
    the name of a shipped scenario (``blitar_batik``); as an absolute path, so that
    workers started anywhere read the same file."""
    path = base_dir / str(name)
    if not path.exists():
        shipped = SCENARIO_DIR / f"{name}.toml"
        if "/" not in str(name) and shipped.is_file():
            return str(shipped.resolve())
    return str(path.resolve())


def _scenario_file(spec, name, key: str, file) -> None:
    """A scenario the spec names exists and is a regular file (regular_files_only)."""
    path = Path(spec.path(name))
    if not path.exists():
        where = "no such file" if Path(str(name)).is_absolute() else \
            f"not in {spec.base_dir}, nor a shipped scenario's name"
        near = [f.name for f in path.parent.glob("*.toml")] if path.parent.is_dir() else []
        near += [f.stem for f in SCENARIO_DIR.glob("*.toml")]
        raise InputError(file, key, "an existing scenario file (relative to the spec) or a shipped "
                         "scenario's name", f'"{name}" ({where}){suggest(Path(str(name)).name, near)}')
    try:
        check_regular_file(path)
    except InputError as e:
        raise InputError(file, key, "a scenario file", f'"{name}" ({e.given})') from None


def _dry_run(spec: ExperimentSpec, check, file) -> None:
    """Let the model check parameter sets as runs would get them (before running).

    Fixed parameters alone; then each varied parameter at each level (or at both
    bounds) with the others fixed; each design point whole. An error inside a
    file the model reads (a scenario) keeps that file's name.
    """
    fixed = spec.fixed_parameters()

    def where(key: str, prefix: str) -> str:
        if prefix:
            return f"{prefix}.{key}"
        if key in spec.fixed:
            return f"fixed.{key}"
        return f"experiment.{key}" if key in ("scenario", "months") else key

    def run_check(params: dict, prefix: str = "", name: str | None = None) -> None:
        try:
            check(params)
        except InputError as e:
            if e.file is not None:
                raise
            key = f"parameters.{name}" if name is not None and e.key == name else where(e.key,
                                                                                      prefix)
            raise InputError(file, key, e.expected, e.given) from None

    d = spec.design
    if d is not None and d.method == "points":
        for i, point in enumerate(d.points or []):
            params = {**fixed, **point}
            if "scenario" in point:
                params["scenario"] = spec.path(point["scenario"])
            run_check(params, f"design.points[{i}]")
        return
    run_check(fixed)
    for name, p in spec.params.items():
        for value in (p.levels if p.levels is not None else p.bounds):
            run_check({**fixed, name: value}, name=name)
        if p.bounds is not None:
            _check_drawn(spec, check, fixed, name, p.bounds, file)


#: where between its bounds a drawn value is tried (not a whole number for any
#: bounds a whole-number parameter could have, as the designs' draws are not)
PROBE = (5**0.5 - 1) / 2


def _check_drawn(spec: ExperimentSpec, check, fixed: dict, name: str, bounds, file) -> None:
    """dry_run_types: a Latin hypercube or sensitivity design draws any number between
    the bounds, so one such value is tried too: a whole-number parameter, which
    accepts its bounds, is refused here rather than failing in every run."""
    lo, hi = bounds
    value = lo + (hi - lo) * PROBE
    if value == int(value):
        value = math.nextafter(value, hi)
    try:
        check({**fixed, name: value})
    except InputError as e:
        method = spec.design.method if spec.design is not None else spec.sensitivity.method
        raise InputError(file, f"parameters.{name}.bounds",
                         f"a parameter that takes any number between its bounds, as the "
                         f'"{method}" design draws ({e.expected}; give it levels in a '
                         "full_factorial design instead)", f"{value!r} refused") from None


def _unique_labels(points: list[dict], file) -> None:
    """Each point's label names it alone: a comparison takes its baseline and its arms
    by label, so a label given twice would silently merge two points."""
    first: dict[str, int] = {}
    for i, p in enumerate(points):
        if "label" not in p:
            continue
        label = str(p["label"])
        if label in first:
            raise InputError(file, f"design.points[{i}].label", "a label no other point has",
                             f'"{label}", the label of design.points[{first[label]}] too')
        first[label] = i


def _check_sweep(spec: ExperimentSpec, params: dict[str, Parameter], file) -> None:
    if spec.sensitivity is not None:
        raise InputError(file, "sensitivity", 'no [sensitivity] table when kind = "sweep"',
                         "one (did you mean kind = \"sensitivity\"?)")
    if spec.design is None:
        raise InputError(file, "design", "a [design] table for a sweep", "nothing")
    d = spec.design
    if d.method == "points":
        if not d.points:
            raise InputError(file, "design.points", 'a list of parameter sets for method = "points"',
                             "nothing")
        keys = list(d.points[0])
        for i, p in enumerate(d.points):
            if set(p) != set(keys):
                raise InputError(file, f"design.points[{i}]", f"the same keys as points[0] ({keys})",
                                 sorted(p))
            if "scenario" in p:
                _scenario_file(spec, p["scenario"], f"design.points[{i}].scenario", file)
        _unique_labels(d.points, file)
        if params:
            raise InputError(file, "parameters", 'no [parameters] with method = "points" '
                             "(put the values in design.points)", sorted(params))
        return
    if d.points is not None:
        raise InputError(file, "design.points", 'points only with method = "points"', d.method)
    if not params:
        raise InputError(file, "parameters", "at least one [parameters.NAME] table", "none")
    want = "levels" if d.method == "full_factorial" else "bounds"
    for name, p in params.items():
        if getattr(p, want) is None:
            raise InputError(file, f"parameters.{name}.{want}",
                             f'{want} for design method = "{d.method}"', "nothing")
    if d.method == "latin_hypercube" and d.n is None:
        raise InputError(file, "design.n", 'the number of points for "latin_hypercube"', "nothing")
    if d.method == "full_factorial" and d.n is not None:
        raise InputError(file, "design.n", 'no n for "full_factorial" (levels decide)', d.n)


def _check_sensitivity(spec: ExperimentSpec, params: dict[str, Parameter], file) -> None:
    if spec.design is not None:
        raise InputError(file, "design", 'no [design] table when kind = "sensitivity" '
                         "(the method samples)", "one")
    if spec.sensitivity is None:
        raise InputError(file, "sensitivity", "a [sensitivity] table", "nothing")
    if not params:
        raise InputError(file, "parameters", "at least one [parameters.NAME] table with bounds",
                         "none")
    for name, p in params.items():
        if p.bounds is None:
            raise InputError(file, f"parameters.{name}.bounds",
                             "bounds = [lo, hi] for a sensitivity analysis", "levels")
    s = spec.sensitivity
    check_sample_size(s.method, s.n, s.settings(), file, "sensitivity.n")


S = TypeVar("S", bound=BaseModel)


def load_checked(model: type[S], check: Callable[[S, Path | None], S], spec_or_path) -> S:
    """A spec of ``model``, validated and then cross-checked by ``check``, from a TOML
    file's path, a dict (as parsed TOML) or a spec object, which is validated again (it
    may have been edited in Python since it was read: one InputError on any mistake).
    The experiment and decision specs are read this one way."""
    if isinstance(spec_or_path, model):  # validated again: it may have been edited since it was read
        with warnings.catch_warnings():  # pydantic warns of a value of the wrong kind: load_model names it
            warnings.simplefilter("ignore")
            data = spec_or_path.model_dump(mode="python", exclude_unset=True)
        again = load_model(model, data, spec_or_path.file)
        again._file = spec_or_path.file
        return check(again, spec_or_path.file)
    if isinstance(spec_or_path, dict):
        return check(load_model(model, spec_or_path), None)
    path = Path(spec_or_path)
    spec = load_toml_model(model, path)
    spec._file = path
    return check(spec, path)


def load_spec(path: str | Path) -> ExperimentSpec:
    """Read, validate and cross-check a spec file (one InputError on any mistake)."""
    return load_checked(ExperimentSpec, check_spec, Path(path))


def as_spec(spec_or_path: ExperimentSpec | str | Path | dict) -> ExperimentSpec:
    """A checked spec from a path, a dict (as parsed TOML) or a spec object."""
    return load_checked(ExperimentSpec, check_spec, spec_or_path)
