"""Benchmarks of the teaching app in headless Chromium; writes section 6 of RESULTS.md.

    python benchmarks/app.py               # one session at 550 artisans, then a class of 30
    python benchmarks/app.py --sessions 5  # a smaller class (a few minutes less)

1. **One session at 550 artisans** (``proppo_batik`` x 5): the time from a click on
   Step to the plots and the network showing the new month, measured in the page
   (20 Steps), and the months per second of ▶ at the default pause and at 0 ms.
2. **A class**: ``--sessions`` pages (30 by default), each in its own browser
   context (its own session, as 30 students' browsers), all open on one server on
   this machine, with the default scenario. All but one play (▶, default pause)
   while the last one steps: its Step latency is the class's responsiveness; the
   players' months per second, the server's CPU and memory are recorded. Then every
   page closes and the server's CPU is watched: a closed tab stops its run.

Browser and server share the machine's cores, as they would on a teacher's laptop
serving a class from it. Numbers go to the "Teaching app" section of
``benchmarks/RESULTS.md`` (kept there by ``benchmarks/run.py``) and to stdout.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks import appdriver as drv  # noqa: E402

START, END = "<!-- teaching-app -->", "<!-- /teaching-app -->"


def one_session(p, url: str) -> dict:
    with tempfile.TemporaryDirectory() as profile:
        ctx = drv.launch(p, profile)
        pg = ctx.new_page()
        pg.set_default_timeout(120_000)
        drv.open_app(pg, url)
        pg.get_by_role("button", name="World size and length").click()
        drv.set_slider(pg, "Copies of the villages", 5)
        drv.set_slider(pg, "Months to simulate", 120)
        drv.reset(pg)
        for _ in range(2):
            drv.step(pg)
        steps = drv.summary(drv.step_latencies(pg, 20))
        cpu0, m0 = drv.browser_cpu_seconds(), drv.month(pg)
        default = drv.play_rate(pg, 5.0)
        browser_ms = 1000 * (drv.browser_cpu_seconds() - cpu0) / max(1, drv.month(pg) - m0)
        drv.set_slider(pg, "Pause between months when playing", 0)
        fastest = drv.play_rate(pg, 4.0)
        ctx.close()
    return {"artisans": 550, "step": steps, "play_default": default, "play_fastest": fastest,
            "browser_ms_per_month": browser_ms}


def a_class(p, server: drv.Server, sessions: int) -> dict:
    # every page drawn as if in front of its student: Chromium would otherwise slow the
    # timers of pages that are not in front (to one a second), as it does in a real browser
    foreground = ["--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                  "--disable-backgrounding-occluded-windows"]
    browser = p.chromium.launch(executable_path=drv.chromium(), headless=True,
                                args=drv.CHROMIUM_ARGS + foreground)
    contexts, pages = [], []
    t0 = time.perf_counter()
    for _ in range(sessions):
        ctx = browser.new_context(viewport={"width": 1366, "height": 768})
        pg = ctx.new_page()
        pg.set_default_timeout(300_000)
        pg.goto(server.url, timeout=300_000)
        contexts.append(ctx)
        pages.append(pg)
    for pg in pages:
        pg.wait_for_function("window.ovopDrawn && window.ovopDrawn.charts && window.ovopDrawn.network",
                             timeout=300_000)
    loaded = time.perf_counter() - t0
    players, stepper = pages[:-1], pages[-1]
    time.sleep(3)
    idle = drv.summary(drv.step_latencies(stepper, 10, pause_ms=300))  # the others open, not playing
    for pg in players:
        pg.get_by_role("button", name=drv.PLAY).click()
    time.sleep(5)  # every player under way
    start = [drv.drawn(pg)["charts"]["month"] for pg in players]
    cpu0, t1 = server.cpu_seconds(), time.perf_counter()
    steps = drv.summary(drv.step_latencies(stepper, 20, pause_ms=300))
    elapsed = time.perf_counter() - t1
    cpu = (server.cpu_seconds() - cpu0) / elapsed
    rss = server.rss_mib()
    rates = [(drv.drawn(pg)["charts"]["month"] - m0) / elapsed for pg, m0 in zip(players, start, strict=True)]
    months = sum(rates) * elapsed + steps["n"]
    for ctx in contexts:
        ctx.close()
    browser.close()
    time.sleep(3)
    cpu0 = server.cpu_seconds()
    time.sleep(5)
    after = (server.cpu_seconds() - cpu0) / 5
    return {"sessions": sessions, "load_s": loaded, "idle_step": idle, "step": steps, "play_rates": rates,
            "server_cpu": cpu, "server_ms_per_month": 1000 * cpu * elapsed / months, "server_rss_mib": rss,
            "cpu_after_close": after}


def section(one: dict, cls: dict, load: tuple[str, str]) -> str:
    s, d, f = one["step"], one["play_default"], one["play_fastest"]
    c, i = cls["step"], cls["idle_step"]
    rates = cls["play_rates"]
    met_step = s["median"] < 100
    met_play = d["months_per_s"] >= 10
    lines = [
        START,
        "## 6. Teaching app (`ovopsim app`) in headless Chromium",
        "",
        f"Produced by `python benchmarks/app.py`. Load average at start: {load[0]}; at end: {load[1]}.",
        "",
        f"Targets: Step under 100 ms from click to updated plots at 500 artisans: **{'met' if met_step else 'not met'}**"
        f" (median {s['median']:.0f} ms); ▶ at 10 months/s or more: **{'met' if met_play else 'not met'}**"
        f" ({d['months_per_s']:.1f} months/s at the default pause).",
        "",
        "| one session, `proppo_batik` x 5 (550 artisans) | median | 90th percentile | max |",
        "|---|---|---|---|",
        f"| Step: click to plots and network showing the new month ({s['n']} Steps) | {s['median']:.0f} ms "
        f"| {s['p90']:.0f} ms | {s['max']:.0f} ms |",
        "",
        "| ▶ (months per redraw 1) | months / s | largest jump between drawn months |",
        "|---|---|---|",
        f"| default pause (50 ms) | {d['months_per_s']:.1f} | {d['largest_jump']} |",
        f"| pause 0 ms | {f['months_per_s']:.1f} | {f['largest_jump']} |",
        "",
        f"Browser CPU per month drawn while playing (Chromium, all its processes): "
        f"{one['browser_ms_per_month']:.0f} ms.",
        "",
        f"| a class: {cls['sessions']} sessions on one server, default scenario (110 artisans) | |",
        "|---|---|",
        f"| time until every page had drawn its plots | {cls['load_s']:.0f} s |",
        f"| Step latency on one page, the {cls['sessions'] - 1} others open: median / 90th percentile / max "
        f"| {i['median']:.0f} / {i['p90']:.0f} / {i['max']:.0f} ms |",
        f"| Step latency on one page while the {cls['sessions'] - 1} others play: median / 90th percentile / max "
        f"| {c['median']:.0f} / {c['p90']:.0f} / {c['max']:.0f} ms |",
        f"| ▶ months / s per playing page: median (min to max) | {statistics.median(rates):.1f} "
        f"({min(rates):.1f} to {max(rates):.1f}) |",
        f"| ▶ months / s, all pages together | {sum(rates):.0f} |",
        f"| server CPU while the class plays | {100 * cls['server_cpu']:.0f}% of one core |",
        f"| server CPU per month of one session | {cls['server_ms_per_month']:.1f} ms |",
        f"| server memory (resident) | {cls['server_rss_mib']:.0f} MiB |",
        f"| server CPU in the 5 s after every tab closed | {100 * cls['cpu_after_close']:.1f}% of one core |",
        "",
        "Latencies are measured in the page (from the click to both the plots and the network reporting the "
        "new month as drawn). The browser pages and the server share this machine's 2 cores, so the class "
        "figures include Chromium drawing all the pages (its CPU per page and month, above, against the "
        "server's): here the browsers, not the server, set the pace. On a "
        "classroom network each student's browser draws "
        "its own page (each page here is drawn as if in front of its student: Chromium's slowing of "
        "background tabs is off). ▶ is paced by the browser (it asks for the next month once the last one "
        "is drawn): under load every session slows evenly and no month is skipped, and a closed tab asks "
        "for nothing.",
        END,
    ]
    return "\n".join(lines)


def write(text: str, out: Path) -> None:
    old = out.read_text() if out.exists() else ""
    if START in old and END in old:
        new = old[:old.index(START)] + text + old[old.index(END) + len(END):]
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    out.write_text(new)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=30, help="pages of the class (default 30)")
    ap.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    opt = ap.parse_args(argv)
    if drv.chromium() is None:
        print("benchmarks/app.py: needs Chromium (apt-get install chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    drv.ensure_assets()
    load_start = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory() as work, sync_playwright() as p:
        server = drv.Server(Path(work))
        try:
            server.wait()
            print("one session at 550 artisans ...", file=sys.stderr, flush=True)
            one = one_session(p, server.url)
            print(f"a class of {opt.sessions} ...", file=sys.stderr, flush=True)
            cls = a_class(p, server, opt.sessions)
        finally:
            server.stop()
        outside = server.outside_calls()
    if outside:
        print("benchmarks/app.py: the server called outside: " + "; ".join(outside[:5]), file=sys.stderr)
        return 1
    text = section(one, cls, (load_start, " / ".join(f"{x:.2f}" for x in os.getloadavg())))
    print(text)
    write(text, opt.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
