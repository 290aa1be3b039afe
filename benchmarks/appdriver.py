"""Driving the teaching app in headless Chromium: shared by its browser test
(``tests/test_app_browser.py``) and its benchmark (``benchmarks/app.py``).

The server is started as a user starts it (``python -m ovopsim.app``), inside a
small wrapper that records, with Python's audit hooks, every connection the
server process opens to anything but this computer and every program it starts:
the app must make no outside calls.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PLAY = "Play or pause (month after month)"

# runs the app with an audit hook that writes outside connections and started programs to a file
_WRAPPER = r"""
import runpy, socket, sys
log = open(sys.argv.pop(1), "a", buffering=1)
LOCAL = ("127.", "::1", "localhost", "0.0.0.0", "::ffff:127.")
def hook(event, args):
    if event == "socket.connect" and args[0].family in (socket.AF_INET, socket.AF_INET6):
        if not str(args[1][0]).startswith(LOCAL):
            log.write(f"connect {args[1]}\n")
    elif event == "socket.getaddrinfo" and args[0] and not str(args[0]).startswith(LOCAL):
        log.write(f"lookup {args[0]}\n")
    elif event == "subprocess.Popen":
        log.write(f"run {args[1]}\n")
sys.addaudithook(hook)
sys.argv = ["ovopsim.app", *sys.argv[1:]]
runpy.run_module("ovopsim.app", run_name="__main__", alter_sys=True)
"""


def chromium() -> str | None:
    for cand in (os.environ.get("OVOPSIM_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                 shutil.which("chromium-browser")):
        if cand and Path(cand).exists():
            return cand
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_assets() -> None:
    """The page's browser files, fetched once (npm) before the server starts."""
    done = subprocess.run([sys.executable, "-m", "ovopsim.app.assets"], capture_output=True, text=True,
                          timeout=900)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip() or done.stdout.strip())


class Server:
    """``python -m ovopsim.app --port P`` in ``workdir``, its log and its outside calls."""

    def __init__(self, workdir: Path, scenario: str | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log_path = workdir / "server.log"
        self.audit_path = workdir / "outside.log"
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        args = ["--port", str(self.port)] + (["--scenario", scenario] if scenario else [])
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen([sys.executable, "-c", _WRAPPER, str(self.audit_path), *args], cwd=workdir,
                                     env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def wait(self, timeout: float = 180.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the app exited with status {self.proc.returncode}: {self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError(f"the app did not open port {self.port} in {timeout:.0f} s")

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def outside_calls(self) -> list[str]:
        return self.audit_path.read_text().splitlines() if self.audit_path.exists() else []

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far (user + system)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mib(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


def browser_cpu_seconds() -> float:
    """CPU time used so far by the Chromium processes this Python process started
    (through Playwright): its descendants whose command line names chromium."""
    parent, cmd = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parent[int(entry.name)] = (int(stat[1]), (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK"))
            cmd[int(entry.name)] = (entry / "cmdline").read_bytes()
        except OSError:
            continue
    me, total = os.getpid(), 0.0
    for pid, (_, cpu) in parent.items():
        up, seen = pid, 0
        while up in parent and up != me and seen < 50:
            up, seen = parent[up][0], seen + 1
        if up == me and b"chromium" in cmd.get(pid, b""):
            total += cpu
    return total


def launch(playwright, profile: str, width: int = 1366, height: int = 768, **kw):
    """A headless Chromium with a fresh profile (a persistent context)."""
    return playwright.chromium.launch_persistent_context(
        profile, executable_path=chromium(), headless=True, args=CHROMIUM_ARGS,
        viewport={"width": width, "height": height}, **kw)


# -- on the page --------------------------------------------------------------------------------
def open_app(page, url: str, timeout_ms: int = 120_000) -> None:
    """Load the page and wait until its plots and network are drawn."""
    page.goto(url, timeout=timeout_ms)
    page.wait_for_function("window.ovopDrawn && window.ovopDrawn.charts && window.ovopDrawn.network",
                           timeout=timeout_ms)


def month(page) -> int:
    return int(page.locator("#ovop-month").inner_text())


def drawn(page) -> dict:
    return page.evaluate("window.ovopDrawn")


def wait_drawn(page, m: int, timeout_ms: int = 60_000) -> None:
    """Until the plots and the network both show month ``m``."""
    page.wait_for_function(
        "m => window.ovopDrawn && window.ovopDrawn.charts && window.ovopDrawn.charts.month === m"
        " && window.ovopDrawn.network && window.ovopDrawn.network.month === m", arg=m, timeout=timeout_ms)


def step(page, label: str = "Step") -> None:
    before = month(page)
    page.get_by_role("button", name=label, exact=True).click()
    wait_drawn(page, before + 1)


def reset(page, label: str = "Reset") -> None:
    """Press Reset and wait until the plots show the new runs (their generation changes)."""
    gen = drawn(page)["charts"]["gen"]
    page.get_by_role("button", name=label, exact=True).click()
    page.wait_for_function("g => window.ovopDrawn.charts.gen !== g", arg=gen)
    wait_drawn(page, 0)


def set_slider(page, label: str, value: float) -> None:
    """Move the sidebar slider whose label starts with ``label`` to ``value``, a notch
    at a time with the arrow keys, each notch confirmed by the label (as a user does)."""
    block = page.locator("#ovop-sidebar div", has_text=label).filter(has=page.locator("[role=slider]")).last
    thumb = block.locator("[role=slider]").first

    def shown() -> float:
        return float(re.search(r":\s*(-?[\d.]+)\s*$", block.locator("div").first.inner_text()).group(1))

    for _ in range(100):
        now = shown()
        if now == value:
            return
        thumb.focus()
        thumb.press("ArrowRight" if value > now else "ArrowLeft")
        page.wait_for_function("([el, before]) => !el.textContent.trim().endsWith(': ' + before)",
                               arg=[block.locator("div").first.element_handle(), f"{now:g}"], timeout=10_000)
    raise AssertionError(f"{label}: could not reach {value}")


_STEP_JS = """async (m) => {
  const button = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Step');
  const t0 = performance.now();
  button.click();
  const ready = () => window.ovopDrawn.charts.month >= m && window.ovopDrawn.network.month >= m;
  while (!ready()) await new Promise(r => setTimeout(r, 1));
  return Math.max(window.ovopDrawn.charts.t, window.ovopDrawn.network.t) - t0;
}"""


def step_latencies(page, n: int, pause_ms: int = 150) -> list[float]:
    """Milliseconds from a click on Step to the plots and the network showing the new
    month, measured in the page, for ``n`` Steps (English page)."""
    out = []
    for _ in range(n):
        out.append(page.evaluate(_STEP_JS, month(page) + 1))
        page.wait_for_timeout(pause_ms)
    return out


def play_rate(page, seconds: float, label: str = PLAY) -> dict:
    """Press ▶, watch for ``seconds``, press ❚❚: months drawn per second, and whether
    every month was drawn (the largest jump between two drawn months)."""
    page.evaluate("""() => { window.ovopSeen = []; const g = document.querySelector('.ovop-charts');
      window.ovopWatch = new MutationObserver(() => window.ovopSeen.push([+g.dataset.month, performance.now()]));
      window.ovopWatch.observe(g, {attributes: true, attributeFilter: ['data-month']}); }""")
    button = page.get_by_role("button", name=label)
    button.click()
    page.wait_for_timeout(int(seconds * 1000))
    if button.is_enabled():  # not if the run reached its last month
        button.click()
    seen = page.evaluate("window.ovopWatch.disconnect(), window.ovopSeen")
    if len(seen) < 2:
        return {"months_per_s": 0.0, "months": len(seen), "largest_jump": None}
    months = [m for m, _ in seen]
    span = (seen[-1][1] - seen[0][1]) / 1000
    return {"months_per_s": (months[-1] - months[0]) / span, "months": months[-1] - months[0],
            "largest_jump": max(b - a for a, b in zip(months, months[1:], strict=False))}


def summary(ms: list[float]) -> dict:
    ms = sorted(ms)
    return {"median": statistics.median(ms), "p90": ms[min(len(ms) - 1, int(round(0.9 * (len(ms) - 1))))],
            "max": ms[-1], "n": len(ms)}
