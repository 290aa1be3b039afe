"""The teaching app's parts that need no browser: layout, seed, controls, texts, speed."""

import ast
import io
import time
from pathlib import Path

import numpy as np
import pytest

from ovopsim.app import controls, i18n, layout, views
from ovopsim.app.teaching import TeachingModel
from ovopsim.config import load_scenario

APP = Path(__file__).resolve().parent.parent / "ovopsim" / "app"


# -- layout ---------------------------------------------------------------------------------
def test_layout_is_deterministic_and_ignores_the_seed():
    a = TeachingModel("1", controls.defaults("proppo_batik"))
    b = TeachingModel("2", controls.defaults("proppo_batik"))
    assert np.array_equal(a.positions, b.positions)
    assert np.array_equal(layout.village_layout(a.artisans.village), a.positions)


def test_layout_puts_each_village_in_its_own_disc():
    village = np.repeat(np.arange(5), [30, 25, 20, 20, 15])
    pos = layout.village_layout(village, 5)
    centres = layout.village_centres(5)
    rad = layout.disc_radius(5)
    dist = np.linalg.norm(pos - centres[village], axis=1)
    assert dist.max() <= rad + 1e-12
    # discs do not overlap: every artisan is nearer its own centre than any other
    d_all = np.linalg.norm(pos[:, None, :] - centres[None, :, :], axis=2)
    assert np.array_equal(d_all.argmin(axis=1), village)
    # no two artisans on the same spot
    assert len(np.unique(pos.round(9), axis=0)) == len(village)


def test_layout_handles_one_village_and_shuffled_order():
    pos = layout.village_layout(np.zeros(40, int))
    assert np.linalg.norm(pos, axis=1).max() <= layout.disc_radius(1) + 1e-12
    village = np.array([2, 0, 1, 2, 0, 1])
    pos = layout.village_layout(village, 3)
    centres = layout.village_centres(3)
    assert np.linalg.norm(pos - centres[village], axis=1).max() <= layout.disc_radius(3)


def test_layout_is_linear_and_uses_no_spring_layout():
    # O(n): 200,000 artisans place in well under a second (a spring layout would take minutes)
    village = np.repeat(np.arange(400), 500)
    start = time.perf_counter()
    pos = layout.village_layout(village, 400)
    assert time.perf_counter() - start < 1.0
    assert pos.shape == (200_000, 2) and np.isfinite(pos).all()
    src = (APP / "layout.py").read_text() + (APP / "views.py").read_text()
    names = {n.attr for n in ast.walk(ast.parse(src)) if isinstance(n, ast.Attribute)}
    assert not names & {"spring_layout", "kamada_kawai_layout", "fruchterman_reingold_layout"}


# -- seed -----------------------------------------------------------------------------------
@pytest.mark.parametrize("text, seed", [("42", 42), (" 7 ", 7), ("1_000", 1000), ("3.0", 3), (5, 5),
                                        (-4, 4), ("-4", 4), ("", 9), (None, 9), ("  ", 9)])
def test_seed_text_becomes_an_int(text, seed):
    assert controls.parse_seed(text, default=9) == seed


def test_any_other_text_gives_a_fixed_seed():
    s = controls.parse_seed("kelas A")
    assert isinstance(s, int) and s >= 0 and s == controls.parse_seed("kelas A") != controls.parse_seed("kelas B")


def test_the_typed_seed_reaches_the_model():
    settings = controls.defaults("baseline")
    a, b, c = (TeachingModel(s, settings) for s in ("5", "5", "6"))
    for m in (a, b, c):
        for _ in range(6):
            m.step()
    assert a.seed_used == 5
    assert a.monthly()["income_mean"].equals(b.monthly()["income_mean"])
    assert not a.monthly()["income_mean"].equals(c.monthly()["income_mean"])
    assert TeachingModel("", settings).seed_used == load_scenario("baseline").scenario.seed


# -- controls -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", controls.scenario_names())
def test_untouched_controls_run_the_scenario_as_shipped(name):
    spec = load_scenario(name)
    assert controls.apply(spec, controls.defaults(spec)).content_hash() == spec.content_hash()


def test_every_intervention_type_has_a_control():
    from ovopsim.config import INTERVENTION_TYPES

    assert set(controls.KINDS) == set(INTERVENTION_TYPES)


def test_switching_on_adds_and_switching_off_removes():
    d = controls.defaults("baseline")
    d.update({"training.on": True, "training.intensity": 0.5, "training.start": 4,
              "government.annual_budget": 300e6})
    spec = controls.apply("baseline", d)
    (tr,) = spec.interventions
    assert (tr.type, tr.intensity, tr.start) == ("training", 0.5, 4)
    assert spec.government.annual_budget == 300e6
    d = controls.defaults("blitar_budget_cut")
    d["training.on"] = False
    spec = controls.apply("blitar_budget_cut", d)
    assert "training" not in {iv.type for iv in spec.interventions}
    (cut,) = [iv for iv in spec.interventions if iv.type == "budget_cut"]
    assert cut.programmes == ["exhibitions"]  # the trainings it named are gone


def test_moving_the_start_keeps_the_staggering():
    d = controls.defaults("blitar_batik")
    assert d["training.start"] == 2
    d["training.start"] = 10
    starts = [iv.start for iv in controls.apply("blitar_batik", d).interventions if iv.type == "training"]
    assert starts == [10, 11, 12]


def test_training_switched_on_reaches_artisans():
    d = controls.defaults("baseline")
    off = TeachingModel("1", d)
    d.update({"training.on": True, "training.start": 1, "government.annual_budget": 600e6})
    on = TeachingModel("1", d)
    for m in (off, on):
        for _ in range(6):
            m.step()
    assert on.monthly()["budget_spent_total"].iloc[-1] > 0 == off.monthly()["budget_spent_total"].iloc[-1]
    assert on.monthly()["skill_mean"].iloc[-1] > off.monthly()["skill_mean"].iloc[-1]


# -- texts ----------------------------------------------------------------------------------
def test_every_text_has_both_languages():
    for key, (en, id_) in i18n.TEXT.items():
        assert en.strip() and id_.strip(), key
    used = set()
    for kind in controls.INTERVENTIONS:
        used |= {kind.label, kind.intensity_label, kind.group}
    for knob in controls.KNOBS:
        used |= {knob.label, knob.group}
    assert used <= set(i18n.TEXT)


@pytest.mark.parametrize("name", controls.scenario_names())
def test_shipped_scenarios_are_explained_in_both_languages(name):
    meta = load_scenario(name).scenario
    en, id_ = i18n.scenario_texts(meta, "en"), i18n.scenario_texts(meta, "id")
    assert all(en.values())
    for key in en:
        assert id_[key] and i18n.t("fallback", "id") not in id_[key], (name, key)


# -- speed ----------------------------------------------------------------------------------
def test_a_step_and_redraw_with_500_artisans_is_quick():
    d = controls.defaults("blitar_batik")
    d["world.scale"] = 5  # 600 artisans
    m = TeachingModel("1", d)
    for _ in range(12):
        m.step()
    assert m.artisans.n >= 500
    best = np.inf
    for _ in range(2):
        start = time.perf_counter()
        m.step()
        for fig in (views.draw_network(m), views.draw_plots(m.monthly())):
            fig.savefig(io.BytesIO(), format="png")
        best = min(best, time.perf_counter() - start)
    # about 0.5 s on a quiet laptop core; the bound leaves room for a busy CI machine
    assert best < 2.0


# -- command line ---------------------------------------------------------------------------
def test_app_command_line_defaults_and_a_wrong_scenario():
    import argparse

    from ovopsim.app import cli

    parser = argparse.ArgumentParser(prog="ovopsim")
    cli.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["app"])
    assert (args.host, args.port, args.scenario) == ("127.0.0.1", 8765, None)
    args = parser.parse_args(["app", "--host", "0.0.0.0", "--port", "9000", "--scenario", "nope"])
    assert cli.handle(args) == 2  # a usage error, before any server starts


# -- the page, rendered without a browser -----------------------------------------------------
def test_step_and_reset_as_mesa_does():
    import solara

    from ovopsim.app import page

    settings = controls.defaults("baseline")
    model = solara.reactive(TeachingModel("3", settings))
    page.advance(model)
    page.advance(model, 2)
    assert model.value.steps == 3
    settings["training.on"] = True
    page.rebuild(model, {"seed": "8"}, settings)
    assert (model.value.steps, model.value.seed_used, model.value.settings["training.on"]) == (0, 8, True)
    model.value.running = False  # an ended run does not move
    page.advance(model, 5)
    assert model.value.steps == 0


def _texts(widget) -> list[str]:
    """Every string a rendered widget tree shows (children, labels, input values)."""
    out, todo = [], [widget]
    while todo:
        w = todo.pop()
        for name in ("label", "description", "v_model", "value", "template"):  # template: Markdown
            if isinstance(getattr(w, name, None), str):
                out.append(getattr(w, name))
        for c in getattr(w, "children", None) or []:
            (out if isinstance(c, str) else todo).append(c)
        todo += [slot["children"] for slot in getattr(w, "v_slots", None) or []]
    return out


def test_the_page_steps_resets_and_speaks_both_languages():
    import re

    import ipyvuetify as v
    import solara

    from ovopsim.app import page

    box, rc = solara.render(solara.AppLayout(children=[page.Page()]), handle_error=False)
    try:
        def month() -> int:
            (m,) = [s for s in _texts(box) if s.startswith("Month: ") or s.startswith("Bulan: ")]
            return int(m.split(": ")[1])

        def press(label):
            rc.find(v.Btn, children=[label]).widget.click()

        press("Step")
        press("Step")
        assert month() == 2
        rc.find(v.TextField, label=i18n.t("seed")).widget.v_model = "11"
        rc.find(v.TextField, label=i18n.t("seed")).widget.fire_event("keyup.enter", {})
        press("Reset")
        assert month() == 0
        assert "This run's random seed: 11" in " ".join(_texts(box)).replace("**", "")

        # ▶ plays month after month on a thread until ❚❚
        press("▶")
        end = time.monotonic() + 30
        while month() < 2 and time.monotonic() < end:
            time.sleep(0.05)
        press("❚❚")
        assert month() >= 2
        time.sleep(0.5)
        paused = month()
        time.sleep(0.5)
        assert month() == paused
        press("Reset")

        keys = ("controls", "play_interval", "render_interval", "parameters", "information", "reset", "step",
                "seed")
        shown = " ".join(_texts(box))
        assert all(i18n.t(key, "en") in shown for key in keys)
        # Mesa's own English labels are nowhere once the page speaks Indonesian
        english = ("Controls", "Play Interval", "Model Parameters", "Information", "Reset", "Step")
        page.LANG.set("id")
        shown = " ".join(_texts(box))
        assert not [w for w in english if re.search(rf"\b{w}\b", shown)]
        assert all(i18n.t(key, "id") in shown for key in keys)
        press("Langkah")
        assert month() == 1
    finally:
        page.LANG.set("en")
