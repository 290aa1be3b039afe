"""The teaching page: Mesa's SolaraViz around the OVOP model.

Run it with ``ovopsim app`` (or ``python -m ovopsim.app``, or
``solara run ovopsim.app.page``). Like Mesa's example apps, the page is a
``SolaraViz`` with the model, its components and the model parameters; Mesa
provides Step, Play/Pause and Reset and re-creates the model on Reset. Around
it the page adds a language switch and the grouped scenario controls (Mesa's
own parameter list is flat and single-language). Those controls write into a
settings dict that the model reads when Reset builds it
(:class:`LiveSettings`), exactly as Mesa's own parameters do.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from ..config import load_scenario
from . import controls
from .i18n import LANGUAGES, t
from .teaching import DEFAULT_SCENARIO, TeachingModel
from .views import Explanation, Monitors, NetworkView, Plots, Slider

# the language of the page; a solara.reactive is per browser session
LANG = solara.reactive("en")


class LiveSettings(Mapping):
    """The controls' current values, read when Mesa's Reset builds the model.

    SolaraViz copies fixed model parameters once, when the page opens; this
    mapping reads through to the page's reactive settings instead, so Reset
    always sees what the controls show now."""

    def __init__(self, reactive: solara.Reactive[dict]):
        self._reactive = reactive

    def __getitem__(self, key: str) -> Any:
        return self._reactive.value[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._reactive.value)

    def __len__(self) -> int:
        return len(self._reactive.value)


@solara.component
def LanguageSwitch():
    with solara.ToggleButtonsSingle(value=LANG.value, on_value=LANG.set, dense=True):
        for code, name in LANGUAGES.items():
            solara.Button(name, value=code, text=True)


@solara.component
def SetupCard(scenario: solara.Reactive[str], settings: solara.Reactive[dict], on_scenario):
    lang = LANG.value
    values = settings.value
    months = int(values.get("scenario.months", 60))

    def setter(key: str, unit: float = 1.0, kind: str = "float"):
        def set_value(v):
            if kind == "int":
                v = int(v)
            elif kind == "float":
                v = float(v) * unit
            settings.set({**settings.value, key: v})
        return set_value

    with solara.Card(t("setup", lang), margin=0):
        solara.Select(t("scenario", lang), values=controls.scenario_names(), value=scenario.value,
                      on_value=on_scenario)
        solara.Markdown(t("how_to", lang), style={"font-size": "13px"})
        solara.Info(t("apply_hint", lang), dense=True, text=True)
        for group in controls.GROUPS:
            with solara.Details(t(group, lang), expand=group == "group_programmes"):
                for kind in controls.INTERVENTIONS:
                    if kind.group != group:
                        continue
                    on = bool(values[f"{kind.type}.on"])
                    solara.Switch(label=t(kind.label, lang), value=on,
                                  on_value=setter(f"{kind.type}.on", kind="bool"))
                    if on:
                        with solara.Column(style={"padding-left": "24px"}, gap="0px"):
                            Slider(t(kind.intensity_label, lang), float(values[f"{kind.type}.intensity"]),
                                   setter(f"{kind.type}.intensity"), kind.lo, kind.hi, kind.step)
                            Slider(t("start", lang), int(values[f"{kind.type}.start"]),
                                   setter(f"{kind.type}.start", kind="int"), 1,
                                   max(months, int(values[f"{kind.type}.start"])), 1, integer=True)
                for knob in controls.KNOBS:
                    if knob.group != group:
                        continue
                    if knob.kind == "bool":
                        solara.Switch(label=t(knob.label, lang), value=bool(values[knob.key]),
                                      on_value=setter(knob.key, kind="bool"))
                    elif knob.kind == "int":
                        Slider(t(knob.label, lang), int(values[knob.key]), setter(knob.key, kind="int"),
                               int(knob.lo), int(knob.hi), int(knob.step), integer=True)
                    else:
                        Slider(t(knob.label, lang), float(values[knob.key]) / knob.unit,
                               setter(knob.key, unit=knob.unit), knob.lo, knob.hi, knob.step)


@solara.component
def SidebarSetup(scenario, settings, on_scenario):
    # one level deeper than SolaraViz's own sidebar cards, so it is listed after them
    # (Solara orders sidebar content by depth): Step/Play/Reset stay on top
    with solara.Sidebar():
        SetupCard(scenario, settings, on_scenario)


@solara.component
def Views(model: solara.Reactive):
    """The main area: explanation, monitors, network and plots of the current model."""
    update_counter.get()  # Mesa bumps this after every step and reset
    lang = LANG.value
    m = model.value
    solara.Style(".ovop-views img { max-width: 100%; height: auto; }")
    with solara.Column(gap="12px", style={"padding": "8px 16px"}, classes=["ovop-views"]):
        Explanation(m, lang)
        Monitors(m, lang)
        with solara.Row(gap="12px", style={"flex-wrap": "wrap", "align-items": "flex-start"}):
            with solara.Card(margin=0, style={"flex": "1 1 420px", "max-width": "600px"}):
                NetworkView(m, lang)
            with solara.Card(margin=0, style={"flex": "1 1 520px", "max-width": "720px"}):
                Plots(m, lang)


@solara.component
def Page():
    lang = LANG.value
    scenario = solara.use_reactive(DEFAULT_SCENARIO)
    settings = solara.use_reactive(controls.defaults(DEFAULT_SCENARIO))
    live = solara.use_memo(lambda: LiveSettings(settings), [])
    first = solara.use_memo(lambda: TeachingModel(settings=live), [])
    model = solara.use_reactive(first)

    def choose_scenario(name: str):
        fresh = controls.defaults(name)
        settings.set(fresh)
        model.set(TeachingModel(settings=fresh))
        scenario.set(name)

    seed = load_scenario(scenario.value).scenario.seed
    model_params = {
        "seed": {"type": "InputText", "value": str(seed), "label": t("seed", lang)},
        "settings": live,
    }
    with solara.Column(gap="0px") as main:
        with solara.AppBar():
            LanguageSwitch()
        # Mesa's page: title bar, Step / Play / Reset, the seed box, Reset re-creating the
        # model. Its own component grid is not used: the views below lay themselves out
        # (and Solara's draggable grid does not load under ipyvue 3). A new scenario
        # re-mounts it so its seed box and controller start afresh.
        SolaraViz(model, components=[], model_params=model_params, name=t("title", lang),
                  play_interval=150).key(f"viz-{scenario.value}")
        with solara.Div():
            SidebarSetup(scenario, settings, choose_scenario)
        Views(model)
    return main


page = Page
