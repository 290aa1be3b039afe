"""The app's controls and how they change a scenario.

The page shows, for every intervention type, a switch, an intensity and a
start month, plus a few key parameters, grouped in plain words. The values
live in one flat ``settings`` dict (``"training.on"``, ``"training.start"``,
``"government.annual_budget"`` ...). :func:`defaults` reads it off a
scenario; :func:`apply` turns a scenario and settings into the scenario to
run. Switching a type off removes its interventions; switching it on keeps
the scenario's own ones (moved to the chosen start, with the chosen
intensity) or, if it had none, adds one with plain defaults.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

from ..config import Scenario, load_scenario, scenario_from_dict, shipped_scenarios
from ..errors import InputError


@dataclass(frozen=True)
class Knob:
    """A slider or switch: which setting it moves, its range and group."""

    key: str            # settings key; a dotted scenario path for key parameters
    label: str          # i18n key
    group: str          # i18n key of the group it is shown in
    lo: float = 0.0
    hi: float = 1.0
    step: float = 0.01
    unit: float = 1.0   # shown value = scenario value / unit (Rp million for budgets)
    kind: str = "float"  # "float", "int" or "bool"


@dataclass(frozen=True)
class InterventionKind:
    """How the app offers one intervention type: what its intensity slider moves."""

    type: str
    field: str          # the scenario field the intensity slider sets
    lo: float
    hi: float
    step: float
    default: float      # intensity of a newly added one
    every: int | None   # months between rounds of a newly added one (None: a shock)
    group: str
    also: str | None = None  # a field that acts whatever the slider's level (a road's reach)

    @property
    def label(self) -> str:
        return self.type

    @property
    def intensity_label(self) -> str:
        return "intensity_" + self.type if self.type in _OWN_INTENSITY_LABEL else "intensity"


_OWN_INTENSITY_LABEL = {"facility", "forum", "budget_cut", "officer_turnover", "access_shock"}

INTERVENTIONS: tuple[InterventionKind, ...] = (
    InterventionKind("training", "intensity", 0, 1, 0.05, 0.3, 4, "group_programmes"),
    InterventionKind("mentoring", "intensity", 0, 1, 0.05, 0.15, 1, "group_programmes"),
    InterventionKind("capital", "intensity", 0, 1, 0.05, 0.2, 12, "group_programmes"),
    InterventionKind("equipment", "intensity", 0, 1, 0.05, 0.2, 6, "group_programmes"),
    InterventionKind("facility", "intensity", 0, 1, 0.05, 0.5, 12, "group_programmes"),
    InterventionKind("promotion", "intensity", 0, 1, 0.05, 0.3, 6, "group_programmes"),
    InterventionKind("brand", "intensity", 0, 1, 0.05, 0.3, 6, "group_programmes"),
    InterventionKind("forum", "intensity", 0, 1, 0.05, 1.0, 3, "group_programmes"),
    InterventionKind("budget_cut", "share", 0, 1, 0.05, 0.5, None, "group_shocks"),
    InterventionKind("officer_turnover", "rate", 0, 6, 0.5, 2.0, None, "group_shocks"),
    InterventionKind("access_shock", "demand", 0, 2, 0.1, 0.5, None, "group_shocks", also="reach"),
)
KINDS = {k.type: k for k in INTERVENTIONS}
_ORDER = {k.type: i for i, k in enumerate(INTERVENTIONS)}
_PROGRAMME_TYPES = {k.type for k in INTERVENTIONS if k.group == "group_programmes"}

KNOBS: tuple[Knob, ...] = (
    Knob("government.annual_budget", "annual_budget", "group_money", 0, 2000, 25, unit=1e6),
    Knob("ljmp.enabled", "ljmp", "group_money", kind="bool"),
    Knob("trust.gain", "trust_gain", "group_trust", 0, 0.3, 0.01),
    Knob("trust.loss", "trust_loss", "group_trust", 0, 0.6, 0.01),
    Knob("world.norm_mean", "norm_mean", "group_trust", 0, 1, 0.05),
    Knob("trust.partner_rate", "partner_rate", "group_trust", 0, 0.3, 0.01),
    Knob("network.bridges_per_artisan", "bridges", "group_trust", 0, 0.5, 0.01),
    Knob("market.province_demand", "province_demand", "group_market", 0.2, 2.0, 0.05),
    Knob("market.middleman_margin", "middleman_margin", "group_market", 0, 0.6, 0.05),
    Knob("world.scale", "scale", "group_world", 1, 6, 1, kind="int"),
    Knob("scenario.months", "months", "group_world", 12, 120, 12, kind="int"),
)
GROUPS = ("group_programmes", "group_shocks", "group_money", "group_trust", "group_market", "group_world")


def scenario_names() -> list[str]:
    """The shipped scenarios meant for teaching (``scenario.teaching``), by file name."""
    return [p.stem for p in shipped_scenarios() if load_scenario(p.stem).scenario.teaching]


def parse_seed(text: Any, default: int = 1) -> int:
    """The seed typed in the page's text box, as an int.

    Mesa's text input hands back a string. Whole numbers are used as they are
    ("42", " 7 ", "1_000", "3.0"); an empty box gives ``default``; any other
    text (a class name, say) is turned into a number by a fixed hash, so the
    same text always gives the same run."""
    if text is None:
        return default
    if isinstance(text, bool):
        return int(text)
    if isinstance(text, int):
        return abs(text)
    if isinstance(text, float) and text.is_integer():
        return abs(int(text))
    s = str(text).strip()
    if not s:
        return default
    try:
        return abs(int(s))
    except ValueError:
        pass
    try:
        f = float(s)
        if f.is_integer():
            return abs(int(f))
    except ValueError:
        pass
    return zlib.crc32(s.encode("utf-8"))


def _get(data: dict, dotted: str):
    node = data
    for part in dotted.split("."):
        node = node[part]
    return node


def defaults(scenario: Scenario | str) -> dict[str, Any]:
    """The settings that reproduce ``scenario`` exactly (what the page shows first)."""
    spec = load_scenario(scenario) if isinstance(scenario, str) else scenario
    data = spec.model_dump(mode="python")
    out: dict[str, Any] = {"scenario": spec.scenario.name}
    for kind in INTERVENTIONS:
        mine = [iv for iv in spec.interventions if iv.type == kind.type]
        out[f"{kind.type}.on"] = bool(mine)
        out[f"{kind.type}.start"] = min(iv.start for iv in mine) if mine else 1
        out[f"{kind.type}.intensity"] = (float(getattr(mine[0], kind.field)) if mine else kind.default)
    for knob in KNOBS:
        value = _get(data, knob.key)
        out[knob.key] = bool(value) if knob.kind == "bool" else value
    return out


def apply(scenario: Scenario | str, settings: dict[str, Any]) -> Scenario:
    """``scenario`` changed as ``settings`` say (missing keys leave it as it is)."""
    spec = load_scenario(scenario) if isinstance(scenario, str) else scenario
    base = defaults(spec)
    if all(settings.get(k, v) == v for k, v in base.items() if k != "scenario"):
        return spec  # untouched: run the scenario exactly as shipped
    data = spec.model_dump(mode="python", exclude_none=True)
    ljmp = bool(settings.get("ljmp.enabled", spec.ljmp.enabled))
    ivs = data.get("interventions", [])
    added = []
    for kind in INTERVENTIONS:
        mine = [iv for iv in ivs if iv["type"] == kind.type]
        if not settings.get(f"{kind.type}.on", bool(mine)):
            for iv in mine:
                iv["_drop"] = True
            continue
        if not mine:
            mine = [_new(kind)]
            added += mine
        start = int(settings.get(f"{kind.type}.start", min(iv.get("start", 1) for iv in mine)))
        level = settings.get(f"{kind.type}.intensity")
        shift = start - min(iv.get("start", 1) for iv in mine)
        for iv in mine:
            # keep a scenario's staggering (Blitar's three trainings) and move it as a whole
            iv["start"] = iv.get("start", 1) + shift
            if iv.get("end") is not None:
                iv["end"] = max(iv["end"] + shift, iv["start"])
            if level is not None:
                iv[kind.field] = float(level)
    # the scenario's own order is kept (the budget pays programmes in that order)
    kept = [iv for iv in ivs if not iv.pop("_drop", False)] + added
    # a budget cut may name programmes that were switched off: keep the names that remain
    labels = {iv.get("name") or iv["type"] for iv in kept} | {iv["type"] for iv in kept}
    final = []
    for iv in kept:
        if iv["type"] == "budget_cut" and iv.get("programmes"):
            iv["programmes"] = [p for p in iv["programmes"] if p in labels]
            if not iv["programmes"]:
                continue
        if iv["type"] == "capital" and iv.get("mode") == "loan" and not ljmp:
            iv["mode"] = "grant"  # soft loans need an LJMP; without one the money is a grant
        final.append(iv)
    data["interventions"] = final
    # the key parameters, as any dotted override (the scenario is validated again)
    knobs = {knob.key: _typed(knob, settings[knob.key]) for knob in KNOBS
             if knob.key in settings and settings[knob.key] != base[knob.key]}
    return scenario_from_dict(data).with_overrides(knobs)


def _typed(knob: Knob, value: Any):
    return bool(value) if knob.kind == "bool" else int(value) if knob.kind == "int" else float(value)


def changes(settings: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """What ``settings`` change in their scenario as shipped: (change, what, value) with
    change one of ``"on"``, ``"off"``, ``"level"``, ``"start"``, ``"knob"``.

    ``what`` is an intervention type or a knob's label (its i18n key, which does not
    change when a parameter is renamed); ``value`` the new level, start month or knob
    value (in the unit the control shows). Used to name runs."""
    base = defaults(settings.get("scenario", "baseline"))
    out: list[tuple[str, str, Any]] = []
    for kind in INTERVENTIONS:
        on = bool(settings.get(f"{kind.type}.on", base[f"{kind.type}.on"]))
        if on != base[f"{kind.type}.on"]:
            out.append(("on" if on else "off", kind.type, None))
        if not on:
            continue
        for part in ("intensity", "start"):
            key = f"{kind.type}.{part}"
            value = settings.get(key, base[key])
            if value != base[key] or (part == "intensity" and on != base[f"{kind.type}.on"]):
                out.append(("level" if part == "intensity" else "start", kind.type, value))
    for knob in KNOBS:
        value = settings.get(knob.key, base[knob.key])
        if value != base[knob.key]:
            out.append(("knob", knob.label, value if knob.kind == "bool" else value / knob.unit))
    return out


def costs_money(iv) -> bool:
    """Whether a programme's rounds cost anything (a free one runs on no budget)."""
    return any(float(getattr(iv, name, 0) or 0) > 0 for name in ("cost", "amount", "share"))


def notes(settings: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Settings that do nothing as set: (i18n key, values for its text), in control order.

    * a programme switched on with no budget to pay for it;
    * a budget cut with nothing to cut (no programme it names is on, or no budget);
    * a programme or shock at level 0, or starting after the run's last month;
    * a programme whose share of the budget cannot pay for one seat (its money lapses);
    * soft loans without an LJMP (paid as grants instead);
    * settings that make no valid scenario at all (the page says so instead of failing)."""
    try:
        spec = apply(settings["scenario"], settings)
    except InputError as e:
        return [("note_cannot_run", {"message": e.message})]
    months = spec.scenario.months
    budget = spec.government.annual_budget
    programmes = [iv for iv in spec.interventions if iv.type in _PROGRAMME_TYPES]
    out: list[tuple[str, dict[str, Any]]] = []
    unpaid = sorted({iv.type for iv in programmes if costs_money(iv)}, key=_ORDER.get)
    if budget <= 0 and unpaid:
        out.append(("note_no_budget", {"what": unpaid}))
    for kind in INTERVENTIONS:
        if not settings.get(f"{kind.type}.on"):
            continue
        mine = [iv for iv in spec.interventions if iv.type == kind.type]
        if kind.type == "budget_cut":
            named = {p for iv in mine for p in (iv.programmes or [])}
            cut = [iv for iv in programmes if not named or iv.type in named or iv.name in named]
            if not mine or not cut or budget <= 0:
                out.append(("note_cut_nothing", {}))
                continue
        still_acts = kind.also is not None and any(getattr(iv, kind.also) > 0 for iv in mine)
        if float(settings.get(f"{kind.type}.intensity", 1)) <= 0 and not still_acts:
            out.append(("note_level_zero", {"what": [kind.type]}))
        elif mine and min(iv.start for iv in mine) > months:
            out.append(("note_after_end", {"what": [kind.type], "start": min(iv.start for iv in mine),
                                           "months": months}))
    if budget > 0 and programmes:
        for kind, share, seat in unaffordable(spec):
            out.append(("note_share_too_small", {"what": [kind], "share": share / 1e6, "seat": seat / 1e6}))
    base = load_scenario(settings["scenario"])
    had_loans = any(iv.type == "capital" and getattr(iv, "mode", "") == "loan" for iv in base.interventions)
    if settings.get("capital.on") and had_loans and not spec.ljmp.enabled:
        out.append(("note_loans_as_grants", {}))
    return out


def unaffordable(spec: Scenario) -> list[tuple[str, float, float]]:
    """The programmes whose share of the first year's budget cannot pay for a single seat
    of their round (the wastewater plant's share of a small budget, a forum's smaller
    than one meeting): (type, share, cheapest seat), Rp. Their money lapses unspent each
    year, as the model's government plans it (:meth:`ovopsim.model.OVOPModel.year_plan`)."""
    from ..model import OVOPModel

    model = OVOPModel(spec, rng=spec.scenario.seed, months=12)
    model.month = 1
    gov = model.government
    planned = model.year_plan(1)
    gov.open_fiscal_year(planned)
    out = []
    for prog in model.programmes:
        _, cost = prog.offer(model)
        share = gov.envelopes.get(prog.label, 0.0)
        if planned.get(prog.label, 0.0) > 0 and len(cost) and share < float(cost.min()):
            out.append((prog.spec.type, share, float(cost.min())))
    return out


def _new(kind: InterventionKind) -> dict[str, Any]:
    iv: dict[str, Any] = {"type": kind.type, kind.field: kind.default}
    if kind.every is not None:
        iv["every"] = kind.every
    if kind.type == "officer_turnover":
        iv.update(who="both")
    return iv
