"""Issue 14, inputs and outputs of one run: nothing silently wrong, nothing left hanging.

Every case asserts the exit status, the one-line message and that nothing partial
is left behind. `ovopsim check` and `ovopsim run` reject exactly the same things.
"""

import contextlib
import errno
import io
import os
import pathlib
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ovopsim.cli import main
from ovopsim.config import MAX_MONTHS, estimate_memory, load_scenario, machine_memory

ROOT = Path(__file__).resolve().parents[1]

BAD_SCENARIOS = {
    # silent wrong numbers from short or empty lists
    "tier_price_empty": ("[market]\ntier_price = []", "market.tier_price",
                         "a list of 3 values"),
    "productivity_short": ("[production]\nequipment_productivity = [1.0]",
                           "production.equipment_productivity", "a list of 3 values"),
    "equipment_cost_short": ("[production]\nequipment_cost = [0.0]", "production.equipment_cost",
                             "a list of 3 values"),
    # non-finite money and prices
    "budget_inf": ("[government]\nannual_budget = inf", "government.annual_budget",
                   "a finite number"),
    "price_inf": ("[products.batik]\nprice = inf", "products.batik.price", "a finite number"),
    "tier_price_nan": ("[market]\ntier_price = [1.0, nan, 1.6]", "market.tier_price[1]",
                       "a finite number"),
    "budget_huge": ("[government]\nannual_budget = 1e300", "government.annual_budget",
                    "a number from -1e+15 to 1e+15"),
    # equipment shares: length, finiteness, range, sum
    "shares_short": ("[world]\nequipment_shares = [1.0]", "world.equipment_shares",
                     "a list of 3 values"),
    "shares_nan": ("[world]\nequipment_shares = [nan, 0.5, 0.5]", "world.equipment_shares[0]",
                   "a finite number"),
    "shares_negative": ("[world]\nequipment_shares = [-1, 1, 1]", "world.equipment_shares[0]",
                        ">= 0"),
    "shares_sum": ("[world]\nequipment_shares = [0.5, 0.2, 0.2]", "world.equipment_shares",
                   "sum to 1"),
    "no_products": ("[generate]\nproducts = []", "generate.products", "at least 1 value"),
    "rainy_month_13": ("[world]\nrainy_months = [11, 13]", "world.rainy_months[1]",
                       "<= 12"),
    # sizes the machine cannot hold
    "scale_1e8": ("[world]\nscale = 100000000", "world.scale", "fits in this machine's memory"),
    "degree_1e8": ("[network]\nwithin_degree = 100000000", "network.within_degree", "<= 1000"),
    "bridges_1e9": ("[network]\nbridges_per_artisan = 1e9", "network.bridges_per_artisan", "<= 10"),
    "bridges_memory": ("[generate]\nvillages = 100000\nartisans_per_village = 1000\n[network]\n"
                       "bridges_per_artisan = 10", "network.bridges_per_artisan",
                       "fits in this machine's memory"),
    "months_1201": ("[scenario]\nmonths = 1201", "scenario.months", "<= 1200"),
    # names and tags
    "name_outside": ('[scenario]\nname = "../../../somewhere"', "scenario.name",
                     "usable as a file name"),
    "name_nul": ('[scenario]\nname = "a\\u0000b"', "scenario.name", "usable as a file name"),
    "no_type": ("[[interventions]]\nstart = 3", "interventions[0].type",
                "this key to be present (one of access_shock"),
}


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("case", sorted(BAD_SCENARIOS))
def test_bad_scenario_check_and_run_reject_the_same_way(case, tmp_path, capsys):
    text, key, expected = BAD_SCENARIOS[case]
    path = tmp_path / "bad.toml"
    path.write_text(text + "\n")
    assert main(["check", str(path)]) == 2
    checked = _one_line(capsys.readouterr().err)
    out = tmp_path / "out"
    t0 = time.perf_counter()
    assert main(["run", str(path), "--out", str(out), "--no-progress"]) == 2
    ran = _one_line(capsys.readouterr().err)
    assert time.perf_counter() - t0 < 5  # refused before building anything
    assert checked == ran
    assert f"{path}: {key}: expected" in ran and expected in ran, ran
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


def test_memory_refusal_says_how_much_it_would_need(tmp_path):
    big = load_scenario("baseline").with_overrides({"world.scale": 1})
    assert estimate_memory(big) < machine_memory()
    path = tmp_path / "big.toml"
    path.write_text("[world]\nscale = 100000000\n")
    proc = subprocess.run([sys.executable, "-m", "ovopsim", "run", str(path), "--out",
                           str(tmp_path / "o")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    line = _one_line(proc.stderr)
    # 100,000,000 copies of the 300 generated artisans at BYTES_PER_ARTISAN and their ties
    assert "30,000,000,000 artisans" in line and "GiB" in line and "would need about" in line


@pytest.mark.parametrize("months, status", [("100000", 2), (str(MAX_MONTHS + 1), 2), ("0", 2)])
def test_months_cap_is_one_line_at_once(months, status, tmp_path, capsys):
    out = tmp_path / "o"
    t0 = time.perf_counter()
    with pytest.raises(SystemExit) as exc:
        main(["run", "baseline", "--months", months, "--out", str(out)])
    assert exc.value.code == status and time.perf_counter() - t0 < 5
    line = _one_line(capsys.readouterr().err)
    assert f"argument --months: expected a whole number from 1 to {MAX_MONTHS}, got '{months}'" \
        in line
    assert not out.exists()


@pytest.mark.timeout(60)
def test_a_fifo_as_scenario_is_refused_not_waited_on(tmp_path, capsys):
    fifo = tmp_path / "scenario.toml"
    os.mkfifo(fifo)  # nobody ever writes to it: reading it would wait forever
    for cmd in (["check", str(fifo)], ["run", str(fifo), "--out", str(tmp_path / "o")]):
        assert main(cmd) == 2
        line = _one_line(capsys.readouterr().err)
        assert line == f"ovopsim: error: {fifo}: expected a TOML file, got a FIFO (named pipe)"
    assert not (tmp_path / "o").exists()


def test_an_unreadable_scenario_is_one_line(tmp_path, capsys, monkeypatch):
    path = tmp_path / "s.toml"
    path.write_text('[scenario]\nname = "s"\n')
    real_open = pathlib.Path.open

    def failing_open(self, *args, **kwargs):  # a disk that answers EIO for this file
        if self == path:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", failing_open)
    assert main(["run", str(path), "--out", str(tmp_path / "o")]) == 2
    line = _one_line(capsys.readouterr().err)
    assert line == f"ovopsim: error: {path}: expected a readable file, got Input/output error (EIO)"
    assert not (tmp_path / "o").exists()


def test_out_in_a_read_only_system_folder_is_refused_before_simulating(tmp_path, capsys):
    t0 = time.perf_counter()
    assert main(["run", "baseline", "--months", "120", "--out", "/proc/ovopsim/results"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert time.perf_counter() - t0 < 5
    assert line.startswith("ovopsim: error: --out: expected a folder where results can be "
                           "written, got /proc/ovopsim/results (")
    assert not os.path.exists("/proc/ovopsim")


def test_an_out_name_too_long_is_refused_before_simulating(tmp_path, capsys):
    out = tmp_path / ("x" * 300)
    assert main(["run", "baseline", "--out", str(out)]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "File name too long (ENAMETOOLONG)" in line and line.startswith(
        "ovopsim: error: --out: expected a folder where results can be written")
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def small_disk(tmp_path):
    """A 256 KiB tmpfs where the machine allows mounting one, else None."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(disk)],
                             capture_output=True).returncode == 0
    yield disk if mounted else None
    if mounted:
        subprocess.run(["umount", str(disk)], check=True)


def test_a_full_disk_is_one_line_and_leaves_no_staging_folder(small_disk, tmp_path, capsys,
                                                              monkeypatch):
    if small_disk is None:  # no tmpfs here: the same OSError, injected
        small_disk = tmp_path / "disk"
        real = pd.DataFrame.to_parquet

        def full(self, path, *a, **k):
            if str(path).startswith(str(small_disk)):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
            return real(self, path, *a, **k)

        monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
    out = small_disk / "results"
    # 24 months of agent records (hundreds of KiB) do not fit in 256 KiB
    assert main(["run", "baseline", "--months", "24", "--agents", "--out", str(out),
                 "--no-progress"]) == 1
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("ovopsim: error: ") and "No space left on device (ENOSPC)" in line
    assert list(small_disk.iterdir()) == []  # no results, no staging folder


def test_a_staging_folder_left_by_a_killed_run_is_removed_by_the_next(tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["run", "baseline", "--months", "2", "--out", str(out), "--no-progress"]) == 0
    before = (out / "monthly.csv").read_text()
    # kill -9 a run with --force while it writes its results into a staging folder
    proc = subprocess.Popen([sys.executable, "-m", "ovopsim", "run", "baseline", "--months",
                             "600", "--agents", "--force", "--out", str(out), "--no-progress"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".o.staging-*")):
        assert proc.poll() is None and time.monotonic() < deadline, "no staging folder seen"
        time.sleep(0.005)
    proc.kill()
    proc.wait()
    stale = list(tmp_path.glob(".o.staging-*"))
    assert stale and (out / "monthly.csv").read_text() == before  # --force damaged nothing
    # a staging folder of a live process is left alone
    live = tmp_path / f".o.staging-{os.getpid()}-live0000"
    live.mkdir()
    assert main(["run", "baseline", "--months", "3", "--out", str(out), "--force",
                 "--no-progress"]) == 0
    assert not any(p.exists() for p in stale) and live.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [live.name, "o"]
    assert len(pd.read_parquet(out / "monthly.parquet")) == 3


def _terminated_cleanly(proc, folder):
    """SIGTERM to the command ``proc``: it exits with 143 and one line, leaving ``folder`` empty."""
    proc.terminate()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert err.strip().splitlines()[-1] == "interrupted; nothing partial was written"
    assert "Traceback" not in err
    assert list(folder.iterdir()) == []


def test_sigterm_during_a_run_exits_like_ctrl_c_and_leaves_nothing(tmp_path):
    out = tmp_path / "o"
    proc = subprocess.Popen([sys.executable, "-m", "ovopsim", "run", "baseline", "--months",
                             "1200", "--agents", "--out", str(out), "--no-progress"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            cwd=tmp_path)
    time.sleep(4)  # loading, compiling or simulating: in every phase the same clean exit
    _terminated_cleanly(proc, tmp_path)



def test_the_command_catches_sigterm_before_it_loads_the_model():
    # the command's module loads no model library: its handler is in place while they load
    code = "import sys, ovopsim.cli; print(sorted(m for m in ('mesa', 'numba', 'pandas') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_sigterm_while_the_command_is_still_loading_exits_cleanly(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "ovopsim", "run", "baseline", "--months", "12",
                             "--out", str(tmp_path / "o"), "--no-progress"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    # the moment the process catches SIGTERM (its mask in /proc), it is loading its subcommands
    status = Path(f"/proc/{proc.pid}/status")
    deadline = time.monotonic() + 60
    while not int(re.search(r"SigCgt:\s*([0-9a-f]+)", status.read_text())[1], 16) & (1 << (signal.SIGTERM - 1)):
        assert proc.poll() is None and time.monotonic() < deadline, "SIGTERM never caught"
        time.sleep(0.001)
    _terminated_cleanly(proc, tmp_path)

# --------------------------------------------------------------------------- fuzzing

NON_NEGATIVE = ("jobs", "active_businesses", "budget_spent_total", "share_province",
                "share_national", "share_export", "mean_trust", "partnerships_within",
                "partnerships_between")

# values anywhere (most are refused), and plausible ones (most run)
number = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                   st.floats(0.0, 3.0), st.integers(-5, 10**6))
factors = st.one_of(st.lists(st.floats(0.01, 5.0), min_size=3, max_size=3),
                    st.lists(number, max_size=4))
FUZZED = {  # generic section.key -> values; only the shape of the file is assumed
    "market.tier_price": factors,
    "production.equipment_productivity": factors,
    "production.equipment_cost": st.one_of(st.lists(st.floats(0, 1e9), min_size=3, max_size=3),
                                          st.lists(number, max_size=4)),
    "world.equipment_shares": st.one_of(st.just([0.2, 0.3, 0.5]), st.lists(number, max_size=4)),
    "world.rainy_months": st.lists(st.integers(-1, 14), max_size=13),
    "government.annual_budget": number,
    "money.wage": number,
    "market.province_demand": number,
    "world.skill_mean": number,
    "network.within_degree": st.integers(-1, 2000),
    "world.scale": st.integers(0, 3),
    "generate.artisans_per_village": st.integers(0, 30),
}


def _toml(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, float) and not np.isfinite(value):
        return "nan" if np.isnan(value) else ("inf" if value > 0 else "-inf")
    return repr(value)


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(values=st.dictionaries(st.sampled_from(sorted(FUZZED)), st.none(), min_size=1,
                            max_size=4)
       .flatmap(lambda keys: st.fixed_dictionaries({k: FUZZED[k] for k in keys})))
def test_fuzzed_scenarios_run_cleanly_or_are_one_line_exit_2(values, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    sections: dict[str, list[str]] = {"generate": ["villages = 2"]}
    for key, value in values.items():
        section, name = key.split(".")
        sections.setdefault(section, []).append(f"{name} = {_toml(value)}")
    path = tmp / "s.toml"
    path.write_text("\n".join(f"[{s}]\n" + "\n".join(lines) for s, lines in sections.items()))
    out = tmp / "out"
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(["run", str(path), "--months", "14", "--out", str(out), "--no-progress"])
    event(f"exit {status}")
    if status == 2:
        line = _one_line(err.getvalue())
        assert line.startswith(f"ovopsim: error: {path}: ") and not out.exists()
        return
    assert status == 0, err.getvalue()
    monthly = pd.read_parquet(out / "monthly.parquet")  # the books closed: run() checks them
    numbers = monthly.select_dtypes("number")
    assert len(monthly) == 14 and np.isfinite(numbers.to_numpy(float)).all()
    assert (monthly[list(NON_NEGATIVE)] >= 0).all().all()
    shares = monthly[["share_province", "share_national", "share_export"]]
    assert (shares <= 1 + 1e-9).all().all() and (monthly["mean_trust"] <= 1).all()
