"""The teaching app as a user meets it: started from the command line, driven in Chromium.

Needs a Chromium (``/usr/bin/chromium``, or ``OVOPSIM_CHROMIUM``); without one the
test is skipped, except in CI (``CI`` set), where it must run. Set
``OVOPSIM_APP_SCREENSHOT=docs/img/app.png`` to also save the README screenshot
(and ``docs/img/app_id.png``, the same page in Bahasa Indonesia).
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium() -> str | None:
    for cand in (os.environ.get("OVOPSIM_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                 shutil.which("chromium-browser")):
        if cand and Path(cand).exists():
            return cand
    return None


CHROMIUM = _chromium()
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                       reason="no Chromium here (install it: apt-get install chromium)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited with status {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"the app did not open port {port} in {timeout:.0f} s")


@pytest.fixture
def app_url(tmp_path):
    """Start ``python -m ovopsim.app --port P`` as a user would; always stop it."""
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    log = open(tmp_path / "server.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "ovopsim.app", "--port", str(port)], cwd=tmp_path,
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, proc)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture
def page(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        ctx = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1500, "height": 1100})
        try:
            pg = ctx.new_page()
            pg.set_default_timeout(60_000)
            pg.goto(app_url)
            yield pg
        finally:
            ctx.close()


def _image_ok(pg, selector: str) -> bool:
    return pg.locator(selector).first.evaluate("img => img.complete && img.naturalWidth > 100")


def _number(pg, key: str) -> float:
    text = pg.locator(f"#ovop-monitor-{key}").inner_text()
    return float(text.replace(",", "").replace("%", "").split("/")[0])


def _step_to(pg, month: int, button: str = "Step") -> None:
    from playwright.sync_api import expect

    while _number(pg, "month") < month:
        before = _number(pg, "month")
        pg.get_by_role("button", name=button, exact=True).click()
        expect(pg.locator("#ovop-monitor-month")).to_have_text(str(int(before) + 1))


def _reset_with_seed(pg, seed: int, box: str = "Random seed (any whole number)", button: str = "Reset") -> None:
    from playwright.sync_api import expect

    seed_box = pg.get_by_label(box)
    seed_box.fill(str(seed))
    seed_box.press("Enter")
    pg.get_by_role("button", name=button, exact=True).click()
    expect(pg.locator("#ovop-monitor-month")).to_have_text("0")
    expect(pg.locator("#ovop-seed-used")).to_contain_text(f": {seed}")


def test_the_app_runs_in_a_browser(page, tmp_path):
    from playwright.sync_api import expect

    pg = page
    # the network and the plots are drawn
    pg.wait_for_selector("#ovop-network img")
    pg.wait_for_selector("#ovop-plots img")
    assert _image_ok(pg, "#ovop-network img") and _image_ok(pg, "#ovop-plots img")
    expect(pg.locator("#ovop-monitor-month")).to_have_text("0")
    expect(pg.get_by_text("What to watch for")).to_be_visible()

    # one month as shipped (proppo_batik: no capital programme)
    _step_to(pg, 1)
    spent_without = _number(pg, "budget_spent_total")
    plot_before = pg.locator("#ovop-plots img").get_attribute("src")

    # switch capital grants on, type a seed, Reset, one month again
    pg.get_by_label("Capital (grants or soft loans)").check()
    _reset_with_seed(pg, 7)
    _step_to(pg, 2)
    spent_with = _number(pg, "budget_spent_total")
    assert spent_with > spent_without  # the grants were paid
    assert pg.locator("#ovop-plots img").get_attribute("src") != plot_before

    # Bahasa Indonesia: every word on the page, Mesa's run controls included
    pg.get_by_role("button", name="Bahasa Indonesia").click()
    expect(pg.get_by_text("Siapa bekerja sama dengan siapa")).to_be_visible()
    expect(pg.get_by_text("Kemitraan antardesa").first).to_be_visible()
    expect(pg.get_by_text("Yang perlu diperhatikan")).to_be_visible()
    expect(pg.locator("#ovop-monitor-month")).to_have_text("2")  # the run goes on
    for indonesian in ("Jalankan model", "Jeda antarbulan saat diputar", "Parameter model", "Informasi"):
        expect(pg.get_by_text(indonesian).first).to_be_visible()
    for button in ("Atur ulang", "Langkah"):
        expect(pg.get_by_role("button", name=button, exact=True)).to_be_visible()
    shown = pg.locator("body").inner_text()
    english = [w for w in ("Controls", "Play Interval", "Model Parameters", "Information", "Reset", "Step")
               if re.search(rf"\b{w}\b", shown)]
    assert not english, english
    assert "runs on Solara" not in shown  # Solara's own English footer is hidden
    expect(pg).to_have_title("ovopsim: Satu Desa Satu Produk")

    # and it still steps, takes a seed and resets, in Indonesian
    plot_before = pg.locator("#ovop-plots img").get_attribute("src")
    _step_to(pg, 3, "Langkah")
    assert pg.locator("#ovop-plots img").get_attribute("src") != plot_before
    _reset_with_seed(pg, 5, "Benih acak (bilangan bulat apa saja)", "Atur ulang")
    _step_to(pg, 1, "Langkah")

    shot = tmp_path / "app.png"
    pg.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    if os.environ.get("OVOPSIM_APP_SCREENSHOT"):
        # the README's picture, in English, and the same run in Indonesian next to it
        english_shot = Path(os.environ["OVOPSIM_APP_SCREENSHOT"])
        pg.get_by_role("button", name="English").click()
        expect(pg.get_by_text("Who works with whom")).to_be_visible()
        _step_to(pg, 24)
        pg.screenshot(path=str(english_shot))
        pg.get_by_role("button", name="Bahasa Indonesia").click()
        expect(pg.get_by_text("Siapa bekerja sama dengan siapa")).to_be_visible()
        pg.screenshot(path=str(english_shot.with_name(f"{english_shot.stem}_id{english_shot.suffix}")))
