"""The teaching page: the OVOP model in the browser, in two languages.

Run it with ``ovopsim app`` (or ``python -m ovopsim.app``). The page is laid out
as Mesa's ``SolaraViz`` lays out a model (the run controls, the model's
parameters and information beside the model's views) and uses Mesa's pieces
that carry no text: :func:`~mesa.visualization.solara_viz.ModelCreator` for the
seed box and Mesa's ``update_counter``/``force_update``, which tell every view
that the model moved. Mesa's own ``SolaraViz`` and ``ModelController`` cannot be
used as they are: their labels are fixed English strings, and their play loop
runs on the server whether or not anyone is watching. Here:

* every word follows the language switch (:mod:`ovopsim.app.i18n`);
* the plots and the network are drawn in the browser and updated in place
  (:mod:`ovopsim.app.widgets`), so a month costs milliseconds;
* ▶ is paced by the browser, which asks for the next month once the last one
  is on screen: every month is drawn at any speed, and a closed tab stops its run;
* a session keeps earlier runs on the plots and can run two set-ups side by side
  on the same seed (:mod:`ovopsim.app.bench`);
* the layout fits a projector (1366x768), a tablet and a phone (``style.css``).
"""

from __future__ import annotations

import traceback
from pathlib import Path

import ipyvuetify as v
import reacton
import solara
import solara.lab
from mesa.visualization.solara_viz import ModelCreator
from mesa.visualization.utils import force_update, update_counter

from ..config import load_scenario
from . import controls
from .bench import Bench
from .i18n import LANGUAGES, scenario_texts, t
from .teaching import DEFAULT_SCENARIO
from .views import Html, Lesson, NetworkPanel, Notes, PlotsPanel, Slider, headlines_html
from .widgets import Menu, Player

# the language of the page; a solara.reactive is per browser session
LANG = solara.reactive("en")
PLAY_INTERVAL = 50  # ms between months when playing
CSS = Path(__file__).resolve().parent / "style.css"
_SHORT_LANG = {"en": "EN", "id": "ID"}


class Session:
    """The page's actions on its bench, as Mesa's ``ModelController`` has them:
    each changes the runs, then calls ``force_update()`` so every view redraws."""

    def __init__(self, bench: Bench, model: solara.Reactive, settings: solara.Reactive[dict],
                 params: solara.Reactive[dict], playing: solara.Reactive[bool], error: solara.Reactive,
                 runs: solara.Reactive[int]):
        self.bench, self.model, self.settings, self.params = bench, model, settings, params
        self.playing, self.error = playing, error
        self.runs = runs  # bumped when the runs change (not every month): the sidebar redraws

    def _changed(self) -> None:
        self.model.set(self.bench.main.model)
        self.runs.set(self.bench.generation)
        force_update()

    def seed(self):
        return (self.params.value or {}).get("seed")

    def seed_changed(self) -> bool:
        """Whether the seed box now names another seed than the run on screen used (an
        empty box: the scenario's own seed)."""
        main = self.bench.main
        return controls.parse_seed(self.seed(), default=main.model.spec.scenario.seed) != main.seed

    def step(self, months: int = 1) -> None:
        """Run ``months`` months (fewer if the run ends), then redraw."""
        try:
            self.bench.step(months)
        except Exception as e:  # shown on the page, as Mesa does
            self.error.set(f"{t('error', LANG.value)}: {e}")
            self.playing.set(False)
            traceback.print_exc()
        if not self.bench.running:
            self.playing.set(False)
        force_update()

    def reset(self) -> None:
        """Fresh runs from the seed box and the controls; the last run stays on the plots."""
        self.playing.set(False)
        self.error.set(None)
        try:
            self.bench.reset(self.settings.value, self.seed())
        except Exception as e:  # settings that cannot run: said on the page, the last run kept
            self.error.set(f"{t('error', LANG.value)}: {e}")
            traceback.print_exc()
        self._changed()

    def choose_scenario(self, name: str) -> None:
        self.playing.set(False)
        fresh = controls.defaults(name)
        self.settings.set(fresh)
        self.bench.reset(fresh, None)  # the scenario's own seed (the seed box shows it)
        self._changed()

    def side_by_side(self, on: bool) -> None:
        """On: the set-up running now becomes A, the controls' set-up B, both from month 0."""
        self.playing.set(False)
        if on:
            self.bench.pin(self.bench.main.settings)
        else:
            self.bench.unpin()
        self.bench.reset(self.settings.value, self.seed(), keep=not on)
        self._changed()

    def pin_current(self) -> None:
        """Side by side: the controls' set-up becomes A too; both start again from month 0."""
        self.playing.set(False)
        self.bench.pin(self.settings.value)
        self.bench.reset(self.settings.value, self.seed(), keep=False)
        self._changed()

    def clear_past(self) -> None:
        self.bench.clear_past()
        self._changed()


@solara.component
def Live(session: Session, interval: solara.Reactive[int], months: solara.Reactive[int], lang: str, dark: bool):
    """Everything that moves with the months, in one component so that a month is one
    redraw: the run bar, the headline numbers, the network and the plots."""
    tick = update_counter.get()  # Mesa bumps this after every month and reset
    bench = session.bench
    # the parts get the counter too: a component whose arguments are unchanged is not redrawn
    RunBar(session, interval, months, lang, tick)
    solara.HTML(unsafe_innerHTML=headlines_html(bench, lang))
    with Html("div", cls="ovop-views", name="views"):
        NetworkPanel(bench, lang, dark, tick)
        PlotsPanel(bench, lang, dark, tick, on_clear=session.clear_past)


def use_dark() -> bool:
    """Whether the page is dark: the theme toggle's choice, or the browser's when on auto.

    (The toggle sets ``theme.dark``; ``dark_effective``, the browser's own setting, is
    only what "auto" follows.)"""
    chosen = solara.use_trait_observe(solara.lab.theme, "dark")
    browser = solara.use_trait_observe(solara.lab.theme, "dark_effective")
    return bool(browser if chosen is None else chosen)


@solara.component
def Island(make, dependencies: list):
    """What ``make()`` returns, drawn in a render context of its own.

    The page's renderer walks its whole tree whenever any part of it redraws; the
    parts that move every month live on such an island, so that a month walks those
    few dozen elements, not the hundreds of the controls."""
    container = solara.use_memo(lambda: v.Html(tag="div"), [])
    context = solara.use_ref(None)

    def mount():
        _, rc = reacton.render(make(), container, handle_error=True)
        context.current = rc

        def unmount():
            context.current = None
            rc.close()
        return unmount

    def update():
        if context.current is not None:
            context.current.render(make(), container)

    solara.use_effect(mount, [])
    solara.use_effect(update, dependencies)
    return solara.Column(children=[container], gap="0px")


@solara.component
def RunBar(session: Session, interval: solara.Reactive[int], months: solara.Reactive[int], lang: str,
           tick: int = 0):
    """Reset, ▶/❚❚ and Step, the month, and whether the controls wait for Reset."""
    bench = session.bench
    running = bench.running
    playing = session.playing
    with Html("div", cls="ovop-runbar", name="runbar"):
        solara.Button(t("reset", lang), color="primary", on_click=session.reset)
        Player.element(playing=playing.value, on_playing=playing.set, enabled=running, interval=interval.value,
                       frame=f"{bench.generation}:{bench.month}", label=t("play", lang),
                       on_tick=lambda: session.step(months.value))
        solara.Button(t("step", lang), color="primary", disabled=playing.value or not running,
                      on_click=lambda: session.step(1))
        Html("span", [f"{t('month', lang)} ", Html("b", [str(bench.month)], name="month"),
                      f" / {bench.months}"], cls="ovop-month", name="month-line")
        Html("span", [f"{t('seed_used', lang)}: {bench.main.seed}"], cls="ovop-muted", name="seed-used",
             style="font-size: 12px;")
        if not running:
            Html("span", [t("finished", lang)], name="finished", style="font-size: 13px;")
        if session.settings.value != bench.main.settings or session.seed_changed():
            Html("span", [t("pending", lang)], name="pending", style="font-size: 13px; color: #c77700;")
    if session.error.value:
        solara.Error(session.error.value)


@solara.component
def LanguageSwitch():
    with solara.ToggleButtonsSingle(value=LANG.value, on_value=LANG.set, dense=True):
        for code, name in LANGUAGES.items():
            solara.Button(children=[Html("span", [name], cls="ovop-long"), Html("span", [_SHORT_LANG[code]],
                                                                              cls="ovop-short")],
                          value=code, text=True, attributes={"aria-label": name})


@solara.component
def CompareCard(session: Session, lang: str):
    """Side by side on the same seed, and the earlier runs kept on the plots."""
    session.runs.get()  # redrawn when the runs change, not every month
    bench = session.bench
    with solara.Card(t("compare", lang)):
        solara.Switch(label=t("side_by_side", lang), value=bench.pinned is not None,
                      on_value=session.side_by_side)
        if bench.pinned is not None:
            Html("div", [f"A: {bench.pinned.label(lang)}"], name="pinned-label", style="font-size: 13px;")
            Html("div", [t("side_by_side_how", lang)], cls="ovop-muted", style="font-size: 12px;")
            # a long label in Bahasa Indonesia: it wraps rather than being cut off
            solara.Button(t("pin_current", lang), text=True, small=True, on_click=session.pin_current,
                          classes=["ovop-wrap-button"])
        else:
            Html("div", [t("side_by_side_off", lang)], cls="ovop-muted", style="font-size: 12px;")
        Html("div", [t("earlier_runs", lang).format(n=len(bench.past))], style="font-size: 13px; margin-top: 8px;")
        solara.Button(t("clear_runs", lang), text=True, small=True, disabled=not bench.past,
                      on_click=session.clear_past)


@solara.component
def SetupCard(scenario: solara.Reactive[str], settings: solara.Reactive[dict], on_scenario):
    lang = LANG.value
    with solara.Card(t("setup", lang)):
        solara.Select(t("scenario", lang), values=controls.scenario_names(), value=scenario.value,
                      on_value=on_scenario)
        Html("div", [scenario_texts(load_scenario(scenario.value).scenario, lang)["description"]],
             cls="ovop-muted", name="scenario-description", style="font-size: 13px; margin: -8px 0 6px 0;")
        solara.Markdown(t("how_to", lang), style={"font-size": "13px"})
        solara.Info(t("apply_hint", lang), dense=True, text=True)
        Notes(settings.value, lang)
        for group in controls.GROUPS:
            Group(group, settings, lang, group == "group_programmes")


@solara.component
def Group(group: str, settings: solara.Reactive[dict], lang: str, first_open: bool = False):
    """One group of controls under a heading that opens and closes it. A closed group
    draws nothing (the page's renderer then has less to walk each month)."""
    open_, set_open = solara.use_state(first_open)
    label = t(group, lang)
    solara.Button(("▾ " if open_ else "▸ ") + label, text=True, on_click=lambda: set_open(not open_),
                  style={"width": "100%", "justify-content": "flex-start", "text-transform": "none",
                         "font-size": "14px", "letter-spacing": "normal"},
                  attributes={"aria-expanded": "true" if open_ else "false"})
    if not open_:
        return
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

    with solara.Column(gap="0px", style={"padding": "0 4px 8px 12px"}):
        for kind in controls.INTERVENTIONS:
            if kind.group != group:
                continue
            on = bool(values[f"{kind.type}.on"])
            solara.Switch(label=t(kind.label, lang), value=on, on_value=setter(f"{kind.type}.on", kind="bool"))
            if on:
                with solara.Column(style={"padding-left": "24px"}, gap="0px"):
                    Slider(t(kind.intensity_label, lang), float(values[f"{kind.type}.intensity"]),
                           setter(f"{kind.type}.intensity"), kind.lo, kind.hi, kind.step, lang=lang)
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
                       setter(knob.key, unit=knob.unit), knob.lo, knob.hi, knob.step, lang=lang)


@solara.component
def Page():
    lang = LANG.value
    dark = use_dark()
    scenario = solara.use_reactive(DEFAULT_SCENARIO)
    settings = solara.use_reactive(controls.defaults(DEFAULT_SCENARIO))
    bench = solara.use_memo(lambda: Bench(settings.value), [])
    model = solara.use_reactive(bench.main.model)  # what Mesa's ModelCreator checks the seed box against
    params = solara.use_reactive({})  # the seed box's value, kept by Mesa's ModelCreator
    playing = solara.use_reactive(False)
    interval = solara.use_reactive(PLAY_INTERVAL)
    months = solara.use_reactive(1)
    error = solara.use_reactive(None)
    runs = solara.use_reactive(0)
    session = solara.use_memo(lambda: Session(bench, model, settings, params, playing, error, runs), [])

    def choose_scenario(name: str):
        scenario.set(name)
        session.choose_scenario(name)

    seed = load_scenario(scenario.value).scenario.seed
    model_params = {"seed": {"type": "InputText", "value": str(seed), "label": t("seed", lang)}}
    with Html("div", cls="ovop-app") as main:
        solara.Style(CSS)
        solara.Title(t("title", lang))  # the browser tab
        with Html("header", cls="ovop-bar", name="appbar"):
            Menu.element(label=t("menu", lang))
            Html("div", [Html("span", [t("title", lang)], cls="ovop-long"), Html("span", ["ovopsim"], cls="ovop-short")],
                 cls="ovop-title", name="title")
            LanguageSwitch()
            solara.lab.ThemeToggle()
        with Html("div", cls="ovop-body"):
            with Html("aside", cls="ovop-side", name="sidebar"):
                with solara.Card(t("controls", lang)):
                    Slider(t("play_interval", lang), interval.value, interval.set, 0, 1000, 10, integer=True)
                    Slider(t("render_interval", lang), months.value, months.set, 1, 12, 1, integer=True)
                CompareCard(session, lang)
                with solara.Card(t("parameters", lang)):
                    # a new scenario re-mounts it, so the box shows that scenario's seed
                    ModelCreator(model, model_params, model_parameters=params).key(f"seed-{scenario.value}")
                SetupCard(scenario, settings, choose_scenario)
            Html("div", cls="ovop-scrim")
            with Html("main", cls="ovop-main", name="main"):
                Island(lambda: Live(session, interval, months, lang, dark), [lang, dark])
                Lesson(scenario.value, lang)
    return main


@solara.component
def Layout(children=[]):  # noqa: B006 - Solara's signature
    """No Solara app bar or sidebar around the page: it lays itself out."""
    return solara.Column(children=children, style={"padding": "0", "margin": "0"})


page = Page
