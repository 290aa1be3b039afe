"""The teaching app as a class meets it: started from the command line, driven in Chromium.

Needs a Chromium (``/usr/bin/chromium``, or ``OVOPSIM_CHROMIUM``); without one the
tests are skipped, except in CI (``CI`` set), where they must run. Set
``OVOPSIM_APP_SCREENSHOT=docs/img`` to also save the README's screenshots there.

One server serves every test of this module (as one serves a class); its outside
calls and the page's requests are recorded throughout, and the last test checks
that none left this computer. Speeds are printed (``-s`` shows them) and recorded
in ``benchmarks/RESULTS.md`` by ``benchmarks/app.py``; they are never asserted.
"""

import os
import re
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

from benchmarks import appdriver as drv
from ovopsim.app import controls
from ovopsim.app.teaching import TeachingModel

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(drv.chromium() is None and not os.environ.get("CI"),
                       reason="no Chromium here (install it: apt-get install chromium)"),
]
SHOTS = os.environ.get("OVOPSIM_APP_SCREENSHOT")
REQUESTS: list[str] = []  # every URL a page of this module asked for


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    drv.ensure_assets()  # once, before the server: it fetches nothing while it runs
    srv = drv.Server(tmp_path_factory.mktemp("app"))
    try:
        srv.wait()
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        ctx = drv.launch(p, profile)
        ctx.on("request", lambda r: REQUESTS.append(r.url))
        try:
            yield ctx
        finally:
            ctx.close()


@pytest.fixture
def page(server, browser):
    pg = browser.new_page()
    pg.set_default_timeout(60_000)
    drv.open_app(pg, server.url)
    yield pg
    if not pg.is_closed():
        pg.close()


def _table(settings: dict, seed: str, months: int):
    model = TeachingModel(seed, settings)
    for _ in range(months):
        model.step()
    return model.monthly()


def _chart_rows(pg, dataset: str, plot: str = "income") -> list[dict]:
    """The rows a plot in the browser holds (its Vega view's data)."""
    return pg.evaluate("([name, plot]) => window.ovopCharts.find(v => "
                       "v.container().closest('.ovop-chart').dataset.plot === plot).data(name)"
                       ".map(r => ({r: r.r, l: r.l, month: r.month, income: r.income}))", [dataset, plot])


def _number(text: str, lang: str = "en") -> float:
    text = text.replace("−", "-").replace("±", "").replace("%", "").replace("+", "")
    if lang == "id":
        text = text.replace(".", "").replace(",", ".")
    return float(text.replace(",", ""))


def test_runs_are_compared_on_the_plots_and_side_by_side(page):
    from playwright.sync_api import expect

    pg = page
    expect(pg.locator("#ovop-month")).to_have_text("0")
    for _ in range(3):
        drv.step(pg)
    shipped = controls.defaults("proppo_batik")
    first = _table(shipped, "1", 3)["income_mean"].to_numpy() / 1e3
    assert np.allclose([r["income"] for r in _chart_rows(pg, "now")], first, atol=0.05)

    # a second run: no forum, seed 7; the first stays on the plots, labelled
    pg.get_by_label("Village forum (dialogue)").uncheck()
    expect(pg.locator("#ovop-pending")).to_be_visible()  # the controls wait for Reset
    seed_box = pg.get_by_label("Random seed (any whole number)")
    seed_box.fill("7")
    seed_box.press("Enter")
    drv.reset(pg)
    for _ in range(3):
        drv.step(pg)
    expect(pg.locator("#ovop-pending")).to_have_count(0)
    seed_box.fill("8")  # another seed waits for Reset too; the same one does not
    seed_box.press("Enter")
    expect(pg.locator("#ovop-pending")).to_be_visible()
    seed_box.fill("7")
    seed_box.press("Enter")
    expect(pg.locator("#ovop-pending")).to_have_count(0)
    no_forum = {**shipped, "forum.on": False}
    expect(pg.locator("#ovop-legend-p0")).to_have_text("proppo_batik")
    expect(pg.locator("#ovop-legend-main")).to_have_text("proppo_batik + no village forum, seed 7")
    past, now = _chart_rows(pg, "past"), _chart_rows(pg, "now")
    assert {r["l"] for r in past} == {"proppo_batik"} and {r["l"] for r in now} == {
        "proppo_batik + no village forum, seed 7"}
    assert np.allclose([r["income"] for r in past], first, atol=0.05)
    second = _table(no_forum, "7", 3)["income_mean"].to_numpy() / 1e3
    assert np.allclose([r["income"] for r in now], second, atol=0.05)
    pg.get_by_role("button", name="Clear earlier runs").first.click()
    expect(pg.locator("#ovop-legend-p0")).to_have_count(0)
    pg.wait_for_function("window.ovopCharts[0].data('past').length === 0")

    # side by side: the run on screen (no forum, seed 7) becomes A; the forum back on is B
    pg.get_by_label("Side by side: two set-ups on the same seed").check()
    expect(pg.locator("#ovop-pinned-label")).to_have_text("A: proppo_batik + no village forum, seed 7")
    pg.get_by_label("Village forum (dialogue)").check()
    drv.reset(pg)
    for _ in range(14):
        drv.step(pg)
    a, b = _table(no_forum, "7", 14), _table(shipped, "7", 14)
    diff = b["income_mean"].iloc[-12:].mean() - a["income_mean"].iloc[-12:].mean()
    shown = pg.locator("#ovop-monitor-income_mean-diff").inner_text()
    assert shown[0] in "+−±" and _number(shown) == pytest.approx(round(diff / 1e3), abs=0.5)
    assert _number(pg.locator("#ovop-monitor-income_mean-a").inner_text()) == pytest.approx(
        round(a["income_mean"].iloc[-12:].mean() / 1e3), abs=0.5)
    rows = _chart_rows(pg, "now")
    assert np.allclose([r["income"] for r in rows if r["r"] == "A"], a["income_mean"] / 1e3, atol=0.05)
    assert np.allclose([r["income"] for r in rows if r["r"] == "B"], b["income_mean"] / 1e3, atol=0.05)
    pg.get_by_label("Side by side: two set-ups on the same seed").uncheck()
    expect(pg.locator("#ovop-monitor-income_mean-diff")).to_have_count(0)


SCREENS = {"projector": (1366, 768), "tablet": (800, 1000), "phone": (390, 844)}


def _in_view(pg, selector: str) -> bool:
    """Whether the element's top part is on screen (in the viewport, not scrolled to)."""
    box = pg.locator(selector).first.bounding_box()
    size = pg.viewport_size
    return bool(box) and box["y"] >= 0 and box["y"] + 40 <= size["height"] and box["x"] >= 0 \
        and box["x"] + 40 <= size["width"]


@pytest.mark.parametrize("lang", ["en", "id"])
def test_every_screen_in_both_languages(page, lang, tmp_path):
    from playwright.sync_api import expect

    pg = page
    menu = "Show or hide the controls" if lang == "en" else "Tampilkan atau sembunyikan kontrol"
    step = "Step" if lang == "en" else "Langkah"
    if lang == "id":
        pg.get_by_role("button", name="Bahasa Indonesia").click()
        expect(pg.get_by_text("Siapa bekerja sama dengan siapa")).to_be_visible()
        expect(pg).to_have_title("ovopsim: Satu Desa Satu Produk")
    # a run, then a second one without the forum: the first stays on the plots, fainter
    for _ in range(14):
        drv.step(pg, step)
    pg.get_by_label("Village forum (dialogue)" if lang == "en" else "Forum desa (dialog)").uncheck()
    drv.reset(pg, "Reset" if lang == "en" else "Atur ulang")
    for _ in range(14):
        drv.step(pg, step)
    for screen, (w, h) in SCREENS.items():
        pg.set_viewport_size({"width": w, "height": h})
        pg.wait_for_timeout(400)
        drv.wait_drawn(pg, 14)
        shot = tmp_path / f"app_{screen}_{lang}.png"
        pg.screenshot(path=str(shot))
        assert shot.stat().st_size > 20_000
        assert pg.evaluate("document.documentElement.scrollWidth") <= w  # nothing sticks out sideways
        expect(pg.get_by_role("button", name=menu)).to_be_visible()
        if screen == "projector":
            # controls beside the views; headline numbers, network and plots above the fold, side by side
            assert _in_view(pg, "#ovop-sidebar") and _in_view(pg, "#ovop-headlines")
            net, plots = (pg.locator(s).bounding_box() for s in ("#ovop-network canvas", ".ovop-charts"))
            assert net["y"] + net["height"] <= h and plots["y"] + 0.9 * plots["height"] <= h
            assert net["x"] + net["width"] <= plots["x"]
            assert "…" not in pg.locator("#ovop-title").inner_text()
        else:
            # the views first; the controls in a drawer that opens and closes
            expect(pg.locator("#ovop-sidebar")).to_be_hidden()
            assert _in_view(pg, "#ovop-headlines") and _in_view(pg, "#ovop-network canvas")
            pg.get_by_role("button", name=menu).click()
            expect(pg.locator("#ovop-sidebar")).to_be_visible()
            pg.screenshot(path=str(tmp_path / f"app_{screen}_{lang}_controls.png"))
            pg.keyboard.press("Escape")
            expect(pg.locator("#ovop-sidebar")).to_be_hidden()
        if SHOTS:
            pg.screenshot(path=str(Path(SHOTS) / f"app_{screen}{'' if lang == 'en' else '_id'}.png"))
    # the numbers in the page's language
    income = pg.locator("#ovop-monitor-income_mean").inner_text()
    assert re.fullmatch(r"\d{1,3}(\.\d{3})*" if lang == "id" else r"\d{1,3}(,\d{3})*", income), income

    # the dark theme: the lesson, the headline numbers and the plots' labels stay readable
    pg.set_viewport_size({"width": 1366, "height": 768})
    toggle = pg.locator("#ovop-appbar button").last
    for _ in range(3):
        if pg.evaluate("!!document.querySelector('.v-theme--dark')"):
            break
        toggle.click()
        pg.wait_for_timeout(300)
    pg.wait_for_function("window.ovopCharts && getComputedStyle(document.querySelector('.v-theme--dark .ovop-lesson'))"
                         ".color !== ''")
    for selector in ("#ovop-lesson p", "#ovop-lesson li", "#ovop-monitor-income_mean", ".ovop-card .ovop-label",
                     "#ovop-network-title"):
        fg = _luminance(pg.locator(selector).first.evaluate("e => getComputedStyle(e).color"))
        assert fg > 0.45, (selector, fg)  # light text on the dark page
    if SHOTS and lang == "en":
        pg.screenshot(path=str(Path(SHOTS) / "app_dark.png"))
    toggle.click()


def _luminance(css: str) -> float:
    r, g, b = (int(x) / 255 for x in re.findall(r"[\d.]+", css)[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_speed_at_500_artisans(page):
    """Click-to-updated-plots time of a Step and ▶'s months per second, printed; every
    month must be drawn while playing."""
    pg = page
    pg.get_by_role("button", name="World size and length").click()
    drv.set_slider(pg, "Copies of the villages", 5)  # proppo_batik x 5: 550 artisans
    drv.set_slider(pg, "Months to simulate", 120)
    drv.reset(pg)
    n = int(re.search(r"(\d+)x villages", pg.locator("#ovop-legend-main").inner_text()).group(1)) * 110
    assert n >= 500
    for _ in range(2):  # the first months warm up
        drv.step(pg)
    latency = drv.summary(drv.step_latencies(pg, 20))
    played = drv.play_rate(pg, 4.0)
    drv.set_slider(pg, "Pause between months when playing", 0)
    fastest = drv.play_rate(pg, 3.0)
    print(f"\nbenchmark: {n} artisans; Step click to updated plots: median {latency['median']:.0f} ms, "
          f"90th percentile {latency['p90']:.0f} ms ({latency['n']} Steps); "
          f"▶ {played['months_per_s']:.1f} months/s at the default pause, {fastest['months_per_s']:.1f} at 0 ms")
    for run in (played, fastest):
        assert run["months"] > 0 and run["largest_jump"] == 1  # every month drawn


def test_a_closed_tab_stops_its_run(server, browser):
    pg = browser.new_page()
    drv.open_app(pg, server.url)
    pg.get_by_role("button", name=drv.PLAY).click()
    pg.wait_for_function("window.ovopDrawn.charts.month >= 3")
    before = server.cpu_seconds()
    time.sleep(3)
    playing = server.cpu_seconds() - before
    pg.close()
    time.sleep(2)
    before = server.cpu_seconds()
    time.sleep(3)
    closed = server.cpu_seconds() - before
    print(f"\nserver CPU over 3 s: {playing:.2f} s while playing, {closed:.2f} s after the tab closed")
    assert closed < 0.25 * playing


def test_nothing_leaves_this_computer_and_the_log_is_quiet(server):
    """Runs last: every request of the pages above, and every connection the server made."""
    assert REQUESTS
    outside = [u for u in REQUESTS if not re.match(rf"(https?|wss?)://127\.0\.0\.1:{server.port}/|data:|blob:", u)]
    assert not outside, outside[:5]
    assert server.outside_calls() == []
    lines = [line for line in server.log().splitlines() if line.strip()]
    expected = (r"ovopsim app: open http://localhost:\d+/ in a browser \(Ctrl\+C stops it\)",
                r"Solara server is starting at http://127\.0\.0\.1:\d+",
                r"ovopsim: compiling the model for this machine.*")
    assert all(any(re.fullmatch(e, line) for e in expected) for line in lines), lines
