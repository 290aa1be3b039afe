"""The teaching page: Mesa's SolaraViz layout around the OVOP model, in two languages.

Run it with ``ovopsim app`` (or ``python -m ovopsim.app``, or
``solara run ovopsim.app.page``). The page is laid out as Mesa's
``SolaraViz`` lays out a model (an app bar with the title and the theme
toggle; a sidebar with the run controls, the model parameters and
information; the model's views in the main area) and uses Mesa's pieces
that carry no text: :func:`~mesa.visualization.solara_viz.ModelCreator`
for the seed box and Mesa's ``update_counter``/``force_update``, which tell
every view that the model moved. Mesa's own ``SolaraViz`` and
``ModelController`` cannot be used as they are because their titles, sliders
and buttons ("Controls", "Play Interval (ms)", "Reset", "Step" ...) are fixed
English strings; here every one of them follows the language switch. Around
that the page adds the grouped scenario controls (Mesa's parameter list is
flat), read when Reset builds the model.
"""

from __future__ import annotations

import threading
import time
import traceback

import solara
import solara.lab
from mesa.visualization.solara_viz import ModelCreator
from mesa.visualization.utils import force_update, update_counter

from ..config import load_scenario
from . import controls
from .i18n import LANGUAGES, t
from .teaching import DEFAULT_SCENARIO, TeachingModel
from .views import Explanation, Monitors, NetworkView, Plots, Slider

# the language of the page; a solara.reactive is per browser session
LANG = solara.reactive("en")
PLAY_INTERVAL = 150  # ms between months when playing


def advance(model: solara.Reactive, months: int = 1) -> None:
    """Run ``months`` months of the current model (fewer if it ends), then redraw.

    What Mesa's ``ModelController`` does on Step: ``model.value.step()``, then
    ``force_update()`` so that every view reading ``update_counter`` redraws."""
    m = model.value  # a Reset meanwhile must not receive the rest of these months
    for _ in range(months):
        if not m.running:
            break
        m.step()
    force_update()


def rebuild(model: solara.Reactive, params: dict, settings: dict) -> None:
    """A fresh model from the seed box (``params``) and the scenario controls.

    What Mesa's ``ModelController`` does on Reset: the model's class called
    again with the page's current parameters."""
    model.set(type(model.value)(**params, settings=dict(settings)))
    force_update()


@solara.component
def Controller(model: solara.Reactive, params: solara.Reactive[dict], settings: solara.Reactive[dict],
               playing: solara.Reactive[bool], interval: solara.Reactive[int],
               months: solara.Reactive[int]):
    """Reset, Play/Pause and Step, labelled in the page's language.

    Mirrors Mesa's ``ModelController`` (``mesa.visualization.solara_viz``),
    whose button labels are fixed English strings and so cannot be
    translated: Step runs one month (:func:`advance`), Reset re-creates the
    model from the current seed and settings (:func:`rebuild`), Play runs
    ``months`` months every ``interval`` ms on a background thread until
    paused or the run ends."""
    lang = LANG.value
    update_counter.get()  # Step/Play are disabled once the run has ended
    error = solara.use_reactive(None)

    def play(cancel: threading.Event):
        try:
            while playing.value and model.value.running and not cancel.is_set():
                time.sleep(interval.value / 1000)
                if playing.value and not cancel.is_set():
                    advance(model, months.value)
        except Exception as e:  # shown on the page, as Mesa does
            error.set(f"{t('error', LANG.value)}: {e}")
            traceback.print_exc()
        if not cancel.is_set():  # the run ended (a pause, or Play again, cancels this thread)
            playing.set(False)

    # not intrusive: a pause waits for the month under way instead of breaking into it
    solara.use_thread(play, dependencies=[playing.value], intrusive_cancel=False)

    def reset():
        playing.set(False)
        error.set(None)
        rebuild(model, params.value, settings.value)

    running = model.value.running
    with solara.Row(justify="space-between"):
        solara.Button(t("reset", lang), color="primary", on_click=reset)
        solara.Button("❚❚" if playing.value else "▶", color="primary", disabled=not running,
                      on_click=lambda: playing.set(not playing.value))
        solara.Button(t("step", lang), color="primary", disabled=playing.value or not running,
                      on_click=lambda: advance(model))
    if error.value:
        solara.Error(error.value)


@solara.component
def Information(model: solara.Reactive):
    """Mesa's "Information" card (its ``ShowSteps``), translated."""
    update_counter.get()
    lang = LANG.value
    solara.Text(f"{t('month', lang)}: {model.value.steps}")
    if not model.value.running:
        solara.Text(t("finished", lang))


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

    with solara.Card(t("setup", lang)):
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
    first = solara.use_memo(lambda: TeachingModel(settings=settings.value), [])
    model = solara.use_reactive(first)
    params = solara.use_reactive({})  # the seed box's value, kept by Mesa's ModelCreator
    playing = solara.use_reactive(False)
    interval = solara.use_reactive(PLAY_INTERVAL)
    months = solara.use_reactive(1)

    def choose_scenario(name: str):
        playing.set(False)
        fresh = controls.defaults(name)
        settings.set(fresh)
        model.set(TeachingModel(settings=fresh))
        scenario.set(name)
        force_update()

    seed = load_scenario(scenario.value).scenario.seed
    model_params = {"seed": {"type": "InputText", "value": str(seed), "label": t("seed", lang)}}
    with solara.Column(gap="0px") as main:
        solara.Title(t("title", lang))  # the browser tab
        with solara.AppBar():
            solara.AppBarTitle(t("title", lang))
            LanguageSwitch()
            solara.lab.ThemeToggle()
        with solara.Sidebar(), solara.Column():
            with solara.Card(t("controls", lang)):
                Slider(t("play_interval", lang), interval.value, interval.set, 10, 1000, 10, integer=True)
                Slider(t("render_interval", lang), months.value, months.set, 1, 12, 1, integer=True)
                Controller(model, params, settings, playing, interval, months)
            with solara.Card(t("parameters", lang)):
                # a new scenario re-mounts it, so the box shows that scenario's seed
                ModelCreator(model, model_params, model_parameters=params).key(f"seed-{scenario.value}")
            with solara.Card(t("information", lang)):
                Information(model)
            SetupCard(scenario, settings, choose_scenario)
        Views(model)
    return main


page = Page
