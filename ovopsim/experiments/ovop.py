"""The OVOP model in the experiment registry: ``model = "ovop"`` / ``"ovop_series"``.

Parameters of a run (see :mod:`ovopsim.outcomes`):

* ``scenario``: a scenario file (or a shipped scenario's name), required;
* ``months``: the horizon (default: the scenario's);
* ``label``: a name for the parameter set (shown in tables; the model ignores it);
* ``posterior``: a posterior file (:mod:`ovopsim.posterior`): each run's seed draws
  the calibrated parameters from it (explicit overrides win);
* any dotted override :meth:`ovopsim.config.Scenario.with_overrides` accepts:
  ``trust.gain``, ``government.annual_budget``,
  ``interventions.<name or type>.<field>``, ``world.x``, ``network.x``, ``ljmp.x``.

:func:`check_params` applies them to the scenario on a dry run, so a misspelt
key or a value out of range is one InputError (with did-you-mean) before
anything is written or run.

``ovop`` returns the scalar outcomes of :data:`ovopsim.outcomes.OUTCOMES`;
``ovop_series`` returns them together with the monthly indicator table
(``t`` = month), which the runner stores under ``series/``.

Hooks of the registration (see :mod:`.registry`): :func:`prepare` loads (or
compiles, saying so) the model's kernels once before the workers start,
:func:`scenario_files` names the scenario file each run reads, whose content is
then part of the experiment's identity, and :func:`allocate` turns a budget mix
(Rp a year per programme) into the scenario's own parameters.

A budget mix in the OVOP model
------------------------------
The agency splits its annual budget into one envelope per programme by each
programme's planned cost (:mod:`ovopsim.mechanisms.government`), and a
programme plans ``intensity`` x its eligible artisans (or villages) x its unit
cost a round. So a programme given ``Rp A`` a year is set to the intensity whose
planned cost is ``A``: ``intensity = min(1, A / C)``, where ``C`` is what the
programme would cost a year at intensity 1 (one round's cost at the start of
month 1, on the scenario's world built with the scenario's own seed, times
its rounds in a year, ``12 / every``). A programme named by its type (e.g.
``training``) stands for every programme of that type, all at the same
intensity. ``government.annual_budget`` is set to the mix's total. Money a
programme cannot use (``A > C``) lapses at the year's end, as in the model.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from ovopsim.errors import InputError, suggest
from ovopsim.indicators import MONTH_COLUMNS
from ovopsim.outcomes import OUTCOMES, simulate, simulate_tables, summarise

from .registry import register_model

#: parameters that are not scenario overrides
PLAIN = ("scenario", "months", "label", "posterior")
OVERRIDE_SECTIONS = ("world", "network", "market", "production", "money", "trust", "learning",
                     "government", "ljmp", "generate")


#: the monthly indicators ``simulate_with_series`` returns for every month (the
#: monthly table's numeric columns but the calendar's)
SERIES = tuple(name for name, kind in MONTH_COLUMNS
               if kind != "b" and name not in ("month", "year", "calendar_month"))


def simulate_with_series(params: dict, seed: int) -> tuple[dict[str, float], pd.DataFrame]:
    """One run -> (scalar outcomes, monthly numeric indicators with ``t`` = month)."""
    monthly, paired = simulate_tables(params, seed)
    return summarise(monthly, paired), monthly[["month", *SERIES]].rename(columns={"month": "t"})


def override_keys(scenario) -> list[str]:
    """Every dotted key ``with_overrides`` accepts on ``scenario`` (for suggestions)."""
    data = scenario.model_dump(mode="python")
    keys = [f"{sec}.{k}" for sec in OVERRIDE_SECTIONS if isinstance(data.get(sec), dict)
            for k in data[sec]]
    for iv in data.get("interventions") or []:
        label = iv.get("name") or iv["type"]
        keys += [f"interventions.{label}.{k}" for k in iv if k not in ("type", "name")]
    return keys


def check_params(params: dict[str, Any]) -> None:
    """Dry-run one parameter set: load the scenario, apply each override, then all.

    Raises InputError with ``key`` = the offending parameter (``scenario`` for a
    missing one; errors inside the scenario file name that file).
    """
    from ovopsim.config import MAX_MONTHS, load_scenario

    if "scenario" not in params:
        raise InputError(None, "scenario", "a scenario for the OVOP model (experiment.scenario, "
                         "or scenario in every point)", "none")
    scenario = load_scenario(str(params["scenario"]))
    months = params.get("months")
    if months is not None and (isinstance(months, bool) or not isinstance(months, int)
                               or not 1 <= months <= MAX_MONTHS):
        raise InputError(None, "months", f"a whole number of months from 1 to {MAX_MONTHS}",
                         repr(months))
    if params.get("posterior"):
        from ovopsim.posterior import load_posterior

        load_posterior(params["posterior"])
    horizon = months if months is not None else scenario.scenario.months
    overrides = {}
    for key, value in params.items():
        if key in PLAIN:
            continue
        if "." not in key:
            known = override_keys(scenario)
            hits = [k for k in known if k.rsplit(".", 1)[-1] == key]
            hint = f' (did you mean "{hits[0]}"?)' if hits else suggest(key, [*PLAIN, *known])
            raise InputError(None, key, "scenario, months, label or a dotted override such as "
                             "trust.gain", f'"{key}"{hint}')
        try:
            scenario.with_overrides({key: value})
        except InputError as exc:
            raise InputError(None, key, exc.expected, exc.given) from None
        _starts_within(key, value, horizon)
        overrides[key] = value
    derived = scenario.with_overrides(overrides) if overrides else scenario
    _acts_within(derived, overrides, horizon)


def _acts_within(scenario, overrides: dict[str, Any], horizon: int) -> None:
    """A parameter set on an intervention (``interventions.<name>.<field>``) belongs to
    one that starts within the run's months: one that starts later never acts, so
    every level of such a parameter would give the same runs without a word."""
    for key in overrides:
        parts = key.split(".")
        if parts[0] != "interventions" or len(parts) != 3 or parts[2] == "start":
            continue
        starts = [iv.start for iv in scenario.interventions if parts[1] in (iv.name, iv.type)]
        if starts and min(starts) > horizon:
            raise InputError(None, key, f"a parameter of an intervention that acts within the run's {horizon} "
                             "months", f"one of an intervention starting in month {min(starts)}, "
                             "which never acts")


def _starts_within(key: str, value: Any, horizon: int) -> None:
    """An intervention's start month set by ``key`` falls within the run's months:
    a programme or shock that would start after the last month never acts, so a
    sweep's level or a future's draw that says it does would be silently wrong."""
    if (key.startswith("interventions.") and key.endswith(".start") and isinstance(value, (int, float))
            and not isinstance(value, bool) and value > horizon):
        raise InputError(None, key, f"a month within the run's {horizon} months (an intervention "
                         "starting later never acts)", repr(value))


def with_posterior(fixed: dict[str, Any] | None, posterior: str | Path) -> dict[str, Any]:
    """``fixed`` parameters of a design plus the posterior every run draws from, the
    file read first, so that a bad one is one InputError before anything runs."""
    from ovopsim.posterior import load_posterior

    load_posterior(posterior)
    return {**(fixed or {}), "posterior": str(posterior)}


def prepare(stream=None) -> None:
    """Load the compiled kernels (or compile them, saying so on ``stream``): once in
    the parent process, so that workers forked afterwards start with them loaded."""
    from ovopsim.simulation import ensure_compiled

    ensure_compiled(stream)


def scenario_files(params: dict) -> list[Path]:
    """The files a run with ``params`` reads: its scenario (a path, or a shipped one's
    name) and the posterior it draws from."""
    from ovopsim.config import resolve_scenario_path

    files = [resolve_scenario_path(str(params["scenario"]))] if "scenario" in params else []
    return files + ([Path(str(params["posterior"]))] if params.get("posterior") else [])


@lru_cache(maxsize=32)
def _scenario_seed(path: str) -> int:
    from ovopsim.config import load_scenario

    return int(load_scenario(path).scenario.seed)


@lru_cache(maxsize=32)
def _capacities(scenario_path: str, overrides: tuple, seed: int) -> dict[str, float]:
    """Rp a year each programme would cost at intensity 1 (see the module docstring),
    by programme label (and by type, summed over the programmes of the type)."""
    from ovopsim.config import PROGRAMME_TYPES, load_scenario
    from ovopsim.model import OVOPModel

    types = {c.model_fields["type"].default for c in PROGRAMME_TYPES}
    scenario = load_scenario(scenario_path)
    if overrides:
        scenario = scenario.with_overrides(dict(overrides))
    data = scenario.model_dump(mode="python")
    for iv in data["interventions"]:
        if iv["type"] in types:
            iv["intensity"] = 1.0
    full = scenario.model_validate(data)
    model = OVOPModel(full, rng=seed, months=1, check_accounting=False)
    out: dict[str, float] = {}
    for prog in model.programmes:
        per_year = prog.planned(model) * 12.0 / prog.spec.every
        for key in {prog.label, prog.spec.type}:
            out[key] = out.get(key, 0.0) + per_year
    return out


def allocate(params: dict[str, Any], amounts: dict[str, float]) -> dict[str, Any]:
    """The scenario overrides that give each programme ``amounts[label]`` Rp a year
    (see the module docstring): ``interventions.<label>.intensity`` for each, and
    ``government.annual_budget`` = the total. Raises InputError (key = the
    programme) for a programme the scenario does not have or that nobody is
    eligible for at month 1 (its cost cannot be planned)."""
    check_params(params)
    fixed = tuple(sorted((k, v) for k, v in params.items() if k not in PLAIN))
    path = scenario_files(params)[0]
    caps = _capacities(str(path), fixed, _scenario_seed(str(path)))
    out = {"government.annual_budget": float(sum(amounts.values()))}
    for label, amount in amounts.items():
        if label not in caps:
            raise InputError(None, label, "a programme of the scenario (its name or type: "
                             f"{', '.join(sorted(caps))})", f'"{label}"{suggest(label, caps)}')
        if caps[label] <= 0:
            raise InputError(None, label, "a programme someone is eligible for at month 1 "
                             "(its yearly cost can then be planned)", "nobody eligible")
        out[f"interventions.{label}.intensity"] = min(1.0, float(amount) / caps[label])
    return out


HOOKS = {"check": check_params, "prepare": prepare, "inputs": scenario_files,
         "allocate": allocate}
register_model("ovop", simulate, outcomes=tuple(OUTCOMES), **HOOKS)
register_model("ovop_series", simulate_with_series, outcomes=tuple(dict.fromkeys((*OUTCOMES, *SERIES))),
               series=SERIES, **HOOKS)
