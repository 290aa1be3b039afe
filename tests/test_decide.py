"""Decisions for planners (ovopsim.experiments.decide): the search recovers a known
optimum, robustness and discovery give the numbers computed by hand, a search killed
with kill -9 resumes with nothing lost, and bad specs get one line.

The analytic budget model (tests/models.py: budget_returns) returns a_k sqrt(x_k) of
income per programme; its optimal split of a budget is a_k^2 / sum a_j^2.
"""

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tests.models as tm
from ovopsim.errors import InputError
from ovopsim.experiments.decide import discover, optimize, report, robust
from ovopsim.experiments.decide.discover import spec_settings
from ovopsim.experiments.decide.methods import cart, has_levels, prim
from ovopsim.experiments.decide.spec import DiscoverSection, as_decision

ROOT = Path(__file__).resolve().parent.parent


def budget_spec(**sections) -> dict:
    spec = {"experiment": {"kind": "decision", "model": "budget_returns", "replicates": 2,
                           "seed": 7},
            "budget": {"total": 100.0, "programmes": ["a", "b", "c"]},
            "outcomes": {"income": {"direction": "max"}, "jobs": {"direction": "max"}}}
    spec.update(sections)
    return spec


def test_single_objective_search_recovers_the_optimal_split(tmp_path):
    """GA, 20 x 20 candidates, noise sd 0.5 per run (common seeds cancel it): every share
    within 0.01 of a^2 / sum a^2 = (1/14, 4/14, 9/14)."""
    spec = budget_spec(optimize={"algorithm": "ga", "objective": "income", "population": 20,
                                 "generations": 20})
    res = optimize(spec, out_dir=tmp_path / "opt", executor="serial", progress=False)
    best = res.pareto.iloc[0]
    want = tm.budget_optimum(tm.BUDGET_INCOME)
    for k, share in want.items():
        assert abs(best[f"share.{k}"] - share) < 0.01, (k, best[f"share.{k}"], share)
    assert math.isclose(sum(best[f"share.{k}"] for k in want), 1.0)
    # the best value per generation never gets worse; 20 x 20 candidates were run
    conv = res.convergence["best_income"].to_numpy()
    assert (np.diff(conv) >= 0).all()
    assert len(res.evaluations) == 400 and (res.evaluations["n"] == 2).all()


def test_a_search_shows_each_generations_runs_as_they_finish(tmp_path, capsys):
    """The search's bar counts generations; under it, each generation's runs are counted
    as they finish (a bar that is cleared when the generation is done)."""
    spec = budget_spec(optimize={"population": 8, "generations": 2})
    optimize(spec, out_dir=tmp_path / "opt", executor="serial", progress=True)
    err = capsys.readouterr().err
    assert "generation 1/2" in err and "generation 2/2" in err and "/16 [" in err  # 8 mixes x 2 replicates
    assert "search: 100%" in err and "2/2 [" in err


def test_constraint_is_honoured(tmp_path):
    """Most income with jobs >= 30: the unconstrained optimum has jobs ~ 26.1, so the
    constraint binds; the best feasible mix meets it and its income is within 0.5% of
    the constrained optimum (computed with scipy)."""
    from scipy.optimize import minimize

    a = np.array(list(tm.BUDGET_INCOME.values()))
    c = np.array(list(tm.BUDGET_JOBS.values()))
    cons = [{"type": "eq", "fun": lambda s: s.sum() - 1},
            {"type": "ineq", "fun": lambda s: c @ np.sqrt(100 * np.clip(s, 0, None)) - 30}]
    exact = minimize(lambda s: -(a @ np.sqrt(100 * np.clip(s, 1e-12, None))), [0.3, 0.3, 0.4],
                     bounds=[(0, 1)] * 3, constraints=cons, method="SLSQP")
    spec = budget_spec(fixed={"noise": 0.0},
                       optimize={"algorithm": "ga", "objective": "income", "population": 20,
                                 "generations": 20, "constraints": ["jobs >= 30"]})
    res = optimize(spec, out_dir=tmp_path / "opt", executor="serial", progress=False)
    best = res.pareto.iloc[0]
    assert best["jobs"] >= 30
    assert best["income"] >= 0.995 * -exact.fun
    assert not res.evaluations["feasible"].all()  # infeasible mixes were tried and refused


def test_many_objective_front_and_hypervolume(tmp_path):
    """NSGA-II on income and jobs: the Pareto set reaches within 1% of each objective's
    analytic best, no member dominates another, and the hypervolume never falls."""
    spec = budget_spec(fixed={"noise": 0.0},
                       optimize={"population": 16, "generations": 12})
    res = optimize(spec, out_dir=tmp_path / "opt", executor="serial", progress=False)
    front = res.pareto
    assert front["income"].max() >= 0.99 * math.sqrt(100 * sum(v * v for v in tm.BUDGET_INCOME.values()))
    assert front["jobs"].max() >= 0.99 * math.sqrt(100 * sum(v * v for v in tm.BUDGET_JOBS.values()))
    F = front[["income", "jobs"]].to_numpy()
    for i in range(len(F)):
        assert not ((F >= F[i]).all(axis=1) & (F > F[i]).any(axis=1)).any()
    hv = res.convergence["hypervolume"].to_numpy()
    assert (np.diff(hv) >= -1e-12).all() and hv[-1] > hv[0]
    assert {"income_low", "income_high"} <= set(front.columns)


def test_the_pareto_figure_shows_every_objective(tmp_path, monkeypatch):
    """Three objectives: a panel for each pair, so the third (Gini) is drawn too, and
    each Pareto member labelled in each panel."""
    from ovopsim.experiments import plots

    drawn = {}

    def keep(fig, path, layout=True):
        drawn["panels"] = [(ax.get_xlabel(), ax.get_ylabel(), len(ax.texts)) for ax in fig.axes if ax.get_visible()]
        return path

    monkeypatch.setattr(plots, "_save", keep)
    rng = np.random.default_rng(3)
    evaluations = pd.DataFrame(rng.random((20, 3)), columns=["income_gain", "jobs_gain", "gini"])
    pareto = evaluations.iloc[:4].assign(label=[f"P{k + 1}" for k in range(4)])
    plots.pareto_figure(evaluations, pareto, ["income_gain", "jobs_gain", "gini"],
                        {"income_gain": "max", "jobs_gain": "max", "gini": "min"}, tmp_path / "p.png")
    assert drawn["panels"] == [("income_gain (max)", "jobs_gain (max)", 4), ("income_gain (max)", "gini (min)", 4),
                               ("jobs_gain (max)", "gini (min)", 4)]


def test_search_results_do_not_depend_on_the_executor(tmp_path):
    spec = budget_spec(optimize={"population": 8, "generations": 3})
    a = optimize(spec, out_dir=tmp_path / "a", executor="serial", progress=False)
    b = optimize(spec, out_dir=tmp_path / "b", executor="process", workers=2, progress=False)
    pd.testing.assert_frame_equal(a.evaluations, b.evaluations)
    pd.testing.assert_frame_equal(a.pareto, b.pareto)


def _parts(out: Path) -> dict[str, set[int]]:
    """Each runs part file of every generation -> its run ids."""
    return {str(f.relative_to(out)): set(pd.read_parquet(f)["run_id"])
            for f in sorted(out.glob("generations/*/runs/part-*.parquet"))}


@pytest.mark.slow
def test_search_killed_with_kill9_resumes_with_nothing_lost(tmp_path):
    """A real `ovopsim optimize` process killed with SIGKILL in its third generation: the
    rerun keeps every part written before (no run is done twice) and ends with the same
    tables as an uninterrupted search."""
    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(
        '[experiment]\nkind = "decision"\nmodel = "budget_returns"\nreplicates = 2\nseed = 3\n'
        '[budget]\ntotal = 100.0\nprogrammes = ["a", "b", "c"]\n'
        '[fixed]\ndelay = 0.03\n'
        '[outcomes.income]\ndirection = "max"\n[outcomes.jobs]\ndirection = "max"\n'
        '[optimize]\npopulation = 8\ngenerations = 5\n')
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "tests.cli", "optimize", str(spec_file), "--out", str(out),
           "--executor", "serial", "--no-progress"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not list(out.glob("generations/0002/runs/part-*.parquet")):
        assert proc.poll() is None, "the search ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    before = _parts(out)
    assert not (out / "pareto.parquet").exists()
    assert len([p for p in before if p.startswith("generations/0002")]) < 16
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    after = _parts(out)
    assert set(before) <= set(after) and all(after[p] == ids for p, ids in before.items())
    for gen in range(5):
        ids = [i for p, s in after.items() if p.startswith(f"generations/{gen:04d}") for i in s]
        assert sorted(ids) == list(range(16)), gen  # every run once: none lost, none redone
    ref = optimize(as_decision({**budget_spec(fixed={"delay": 0.03}),
                                "experiment": {"kind": "decision", "model": "budget_returns",
                                               "replicates": 2, "seed": 3},
                                "optimize": {"population": 8, "generations": 5}}),
                   out_dir=tmp_path / "ref", executor="serial", progress=False)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "evaluations.parquet"), ref.evaluations)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "pareto.parquet"), ref.pareto)


def test_prim_and_cart_recover_a_planted_box():
    """1000 uniform cases in 4 inputs; the target holds exactly in cut > 0.6 and
    turnover < 0.3 (12% of the cases). PRIM's box: both limits within 0.02, nothing
    else restricted, coverage and density >= 0.95; CART's rules as good."""
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.uniform(size=(1000, 4)), columns=["cut", "turnover", "growth", "demand"])
    y = ((x["cut"] > 0.6) & (x["turnover"] < 0.3)).to_numpy()
    f = prim.analyze(x, y, 0, DiscoverSection())
    rules = f.rules.set_index("input")
    assert set(rules.index) == {"cut", "turnover"}
    assert abs(rules.loc["cut", "low"] - 0.6) < 0.02 and np.isnan(rules.loc["cut", "high"])
    assert abs(rules.loc["turnover", "high"] - 0.3) < 0.02
    assert f.stats["coverage"] >= 0.95 and f.stats["density"] >= 0.95
    assert len(f.trajectory) > 10 and f.trajectory["coverage"].iloc[0] == 1.0
    c = cart.analyze(x, y, 0, DiscoverSection())
    assert c.stats["coverage"] >= 0.95 and c.stats["density"] >= 0.95


def _hand_mixes_spec(tmp_path) -> dict:
    return budget_spec(
        fixed={"noise": 0.0},
        uncertainties={"cut": {"bounds": [0.0, 1.0], "reference": 0.0}},
        outcomes={"income": {"direction": "max", "target": 30.0},
                  "jobs": {"direction": "max", "target": 25.0}},
        robust={"futures": 20, "candidates": [
            {"label": "a_only", "shares": {"a": 1.0, "b": 0.0, "c": 0.0}},
            {"label": "even", "shares": {"a": 1 / 3, "b": 1 / 3, "c": 1 / 3}},
            {"label": "income_best", "shares": tm.budget_optimum(tm.BUDGET_INCOME)}]})


def _by_hand(shares: dict, cut: float) -> tuple[float, float]:
    x = {k: 100 * s for k, s in shares.items()}
    x["a"] *= 1 - cut
    return (sum(tm.BUDGET_INCOME[k] * math.sqrt(v) for k, v in x.items()),
            sum(tm.BUDGET_JOBS[k] * math.sqrt(v) for k, v in x.items()))


def test_robustness_numbers_equal_those_computed_by_hand(tmp_path):
    spec = _hand_mixes_spec(tmp_path)
    res = robust(spec, out_dir=tmp_path / "robust", executor="serial", progress=False)
    fut = res.futures
    assert len(fut) == 3 * 21 and fut.loc[fut["future"] == 0, "cut"].eq(0.0).all()
    shares = {m["label"]: m["shares"] for m in spec["robust"]["candidates"]}
    want = {lbl: [_by_hand(s, cut) for cut in fut.loc[fut["label"] == lbl, "cut"]]
            for lbl, s in shares.items()}
    for lbl, values in want.items():
        got = fut[fut["label"] == lbl]
        np.testing.assert_allclose(got["income"], [v[0] for v in values], rtol=1e-12)
        meets = np.array([i >= 30 and j >= 25 for i, j in values])
        row = res.summary.set_index("label").loc[lbl]
        assert row["satisficing"] == pytest.approx(meets.mean())
        best = np.max([[v[0] for v in want[m]] for m in want], axis=0)
        regret = best - np.array([v[0] for v in values])
        assert row["regret_income_max"] == pytest.approx(regret.max())
        assert row["income_p50"] == pytest.approx(np.percentile([v[0] for v in values], 50))
    assert res.summary["label"].iloc[0] == "even"  # meets both targets most often
    assert (tmp_path / "robust" / "figures" / "robustness.png").stat().st_size > 1000


def test_a_brief_of_mixes_written_by_hand_says_what_it_leaves_out(tmp_path):
    """With no search beside the robustness run, the brief takes each mix's outcomes in
    the reference future from the robustness test's own (future 0, by hand here), and says
    it has no trade-off figure of a search, and why."""
    from ovopsim.experiments.decide.report import render
    from ovopsim.experiments.decide.texts import TEXT

    res = robust(_hand_mixes_spec(tmp_path), out_dir=tmp_path / "robust", executor="serial", progress=False)
    ref = res.futures[res.futures["future"] == 0].set_index("label")
    for lang in ("en", "id"):
        html = render(tmp_path, lang)
        assert TEXT[lang]["no_search"] in html and 'id="expected"' in html
        for label, shares in (("a_only", {"a": 1.0, "b": 0.0, "c": 0.0}), ("even", {k: 1 / 3 for k in "abc"})):
            assert ref.loc[label, "income"] == pytest.approx(_by_hand(shares, 0.0)[0])
            assert f'data-key="income" data-value="{float(ref.loc[label, "income"])!r}"' in html


def test_discovery_on_robustness_results_finds_the_cut(tmp_path):
    """income_best falls below 36 exactly when the cut to programme a exceeds a
    threshold computed by hand: PRIM's box is that cut, coverage and density 1."""
    spec = _hand_mixes_spec(tmp_path)
    spec["robust"]["futures"] = 60
    robust(spec, out_dir=tmp_path / "robust", executor="serial", progress=False)
    res = discover(tmp_path / "robust", "income < 36.5", candidate="income_best")
    s = tm.budget_optimum(tm.BUDGET_INCOME)
    # income(cut) = 1*sqrt(100 s_a (1-cut)) + rest: the cut where it crosses 36.5
    rest = 2 * math.sqrt(100 * s["b"]) + 3 * math.sqrt(100 * s["c"])
    threshold = 1 - ((36.5 - rest) ** 2) / (100 * s["a"])
    rules = res.findings["prim"].rules.set_index("input")
    assert list(rules.index) == ["cut"]
    assert abs(rules.loc["cut", "low"] - threshold) < 0.05
    assert res.findings["prim"].stats["density"] == 1.0
    assert res.findings["prim"].stats["coverage"] == 1.0
    saved = json.loads((tmp_path / "robust" / "discovery" / "discovery.json").read_text())
    assert saved["candidate"] == "income_best" and saved["prim"]["rules"]


def test_discovery_across_every_candidate_finds_the_candidate_as_a_level(tmp_path):
    """--candidate all: the candidate is an input (text, which pandas may hold in its
    string dtype). The income of a_only is below 20 in every future (at most
    sqrt(100) = 10) and that of the other two above it in every one, so both PRIM's
    box and CART's tree are the candidate alone: coverage and density 1."""
    spec = _hand_mixes_spec(tmp_path)
    robust(spec, out_dir=tmp_path / "robust", executor="serial", progress=False)
    res = discover(tmp_path / "robust", "income < 20", candidate="all")
    assert res.cases["target"].sum() == 21  # a_only's 21 futures, no other
    rules = res.findings["prim"].rules
    assert list(rules["input"]) == ["candidate"] and rules["levels"].iloc[0] == "a_only"
    assert res.findings["prim"].stats["coverage"] == 1.0 and res.findings["prim"].stats["density"] == 1.0
    assert res.findings["cart"].stats["coverage"] == 1.0 and res.findings["cart"].stats["density"] == 1.0
    text = pd.Series(["a", "b", "a"], dtype="string")
    assert has_levels(text) and has_levels(pd.Series([True, False])) and not has_levels(pd.Series([1.5, 2.0]))
    from ovopsim.experiments.decide.report import render

    for lang, cases in (("en", "of the cases where it happens"), ("id", "dari kasus tempat hal itu terjadi")):
        html = render(tmp_path, lang)  # a case is a mix in a future, and the brief says so
        assert cases in html and "of the futures where it happens" not in html


def test_discovery_takes_its_target_and_settings_from_the_spec(tmp_path, monkeypatch):
    """discover RESULTS without a target uses the spec's [discover] section (target and
    the tree's depth), which the results keep; a spec without a target asks for one.
    The brief then asks for weasyprint before it writes anything."""
    spec = _hand_mixes_spec(tmp_path)
    spec["discover"] = {"target": "income < 36.5", "max_depth": 1}
    robust(spec, out_dir=tmp_path / "robust", executor="serial", progress=False)
    assert spec_settings(tmp_path / "robust") == DiscoverSection(target="income < 36.5", max_depth=1)
    res = discover(tmp_path / "robust", candidate="income_best", plots=False)
    assert res.target == "income < 36.5" and res.findings["prim"].stats["density"] == 1.0
    # a spec's target that does not divide the cases is the spec's mistake, named so
    with pytest.raises(InputError) as err:
        discover(tmp_path / "robust", candidate="a_only", plots=False)  # always below 36.5
    assert (err.value.key, err.value.given) == ("discover.target", '"income < 36.5", which holds in 21 of 21')
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # not installed
    with pytest.raises(InputError, match="--pdf: expected weasyprint installed"):
        report(tmp_path / "robust", "id", out=tmp_path / "brief.html", pdf=True)
    assert not (tmp_path / "brief.html").exists()
    assert report(tmp_path / "robust", "id", out=tmp_path / "brief.html")[0].is_file()
    del spec["discover"]
    robust(spec, out_dir=tmp_path / "plain", executor="serial", progress=False)
    with pytest.raises(InputError, match=r"--target: expected a condition .*no \[discover\] target"):
        discover(tmp_path / "plain", plots=False)


def test_robustness_candidates_from_a_pareto_table_parquet_or_csv(tmp_path):
    """The Pareto table as optimize writes it, in either format, gives the same candidates;
    a table that is not one is refused before anything runs."""
    spec = budget_spec(outcomes={"income": {"direction": "max"}, "jobs": {"direction": "max"}},
                       optimize={"population": 8, "generations": 2}, robust={"futures": 4})
    optimize(spec, out_dir=tmp_path / "optimize", executor="serial", progress=False)
    runs = {}
    for suffix in ("parquet", "csv"):
        runs[suffix] = robust(spec, out_dir=tmp_path / suffix, candidates=tmp_path / "optimize" / f"pareto.{suffix}",
                              executor="serial", progress=False)
    pd.testing.assert_frame_equal(runs["parquet"].summary, runs["csv"].summary, check_exact=True)
    # nothing uncertain in this spec: one future, the one it describes
    assert runs["csv"].futures["future"].tolist() == [0] * len(runs["csv"].candidates)
    bad = tmp_path / "notes.csv"
    bad.write_text("label,comment\nP1,good\n")
    with pytest.raises(InputError, match=r"--candidates: .* got .*notes.csv, without the columns share.a"):
        robust(spec, out_dir=tmp_path / "bad", candidates=bad, executor="serial", progress=False)
    with pytest.raises(InputError, match=r"--candidates: .* got .*nope.parquet, which does not exist"):
        robust(spec, out_dir=tmp_path / "bad", candidates=tmp_path / "nope.parquet", executor="serial",
               progress=False)
    with pytest.raises(InputError, match=r"--candidates: .* which cannot be read as one"):
        robust(spec, out_dir=tmp_path / "bad", candidates=tmp_path / "optimize" / "optimize.json",
               executor="serial", progress=False)
    assert not (tmp_path / "bad").exists()


def test_a_table_of_mixes_is_checked_as_mixes_written_in_the_spec(tmp_path):
    """mix_rules hold for a table given to --candidates as for mixes in the spec: shares
    that do not sum to 1 (percents, say) or a lever off its levels are refused before
    anything runs, naming the file, the row and the key; a lever the table leaves out
    takes the scenario's value, as in a hand-written mix."""
    spec = budget_spec(levers={"plan": {"levels": [False, True]}}, robust={"futures": 3})
    spec["experiment"]["model"] = "budget_returns"

    def table(text):
        path = tmp_path / "mixes.csv"
        path.write_text(text)
        return path

    cases = [("label,share.a,share.b,share.c\nA,0.5,0.5,0.2\n", r"row 1 \(A\).shares: expected shares that "
              r"sum to 1, got a sum of 1.2$"),
             ("label,share.a,share.b,share.c\nA,0.33,0.33,0.33\n", r"got a sum of 0.99 \(rounded\? shares must add "
              r"up to 1 within 0.000001, as 0.34, 0.33, 0.33 do\)"),
             ("label,share.a,share.b,share.c\nA,50,30,20\n", r"got a sum of 100 \(percents\? write each share "
              r"as a fraction: 0.25 for 25%\)"),
             ("label,share.a,share.b,share.c,lever.plan\nA,0.5,0.3,0.2,true\nB,0.2,0.3,0.5,ya\n",
              r'row 2 \(B\).levers.plan: expected one of false, true, got "ya"'),
             ("label,share.a,share.b,share.c\nA,0.5,0.3,0.2\nA,0.2,0.3,0.5\n", r'row 2 \(A\).label: .* twice')]
    for text, message in cases:
        with pytest.raises(InputError, match=message) as err:
            robust(spec, out_dir=tmp_path / "bad", candidates=table(text), executor="serial", progress=False)
        assert Path(err.value.file) == tmp_path / "mixes.csv"
        assert not (tmp_path / "bad").exists()
    res = robust(spec, out_dir=tmp_path / "ok", candidates=table("label,share.a,share.b,share.c\nA,0.5,0.3,0.2\n"),
                 executor="serial", progress=False)
    assert res.candidates["lever.plan"].tolist() == [False]  # the lever's first level: no scenario here
    import hashlib
    import json

    meta = json.loads((tmp_path / "ok" / "robust.json").read_text())  # the table is part of the provenance
    assert meta["candidates_file"] == str(tmp_path / "mixes.csv")
    assert meta["candidates_sha256"] == hashlib.sha256((tmp_path / "mixes.csv").read_bytes()).hexdigest()


def test_the_brief_writes_in_its_readers_language():
    """Rupiah as each reader writes them (M is a billion, miliar, to an Indonesian
    reader), a plan's yes or no, and a rule's inputs and "and" in the brief's language."""
    from ovopsim.experiments.decide.report import _lever_text, _range, _rule_text
    from ovopsim.experiments.decide.texts import TEXT, number, rupiah

    assert [rupiah(x, "id") for x in (600e6, 124.05e6, 1.35e9, 250_000)] == [
        "Rp 600 juta", "Rp 124,05 juta", "Rp 1,35 miliar", "Rp 250.000"]
    assert [rupiah(x, "en") for x in (600e6, 124.05e6, 1.35e9, 250_000)] == [
        "Rp 600 million", "Rp 124.05 million", "Rp 1.35 billion", "Rp 250,000"]
    assert [_lever_text(v, TEXT["id"]) for v in (np.True_, False, "random")] == ["ya", "tidak", "random"]
    rule = "interventions.officer_turnover.rate <= 1.55 and market.national_demand > 0.239"
    assert _rule_text(rule, "id") == "pergantian pejabat per tahun <= 1,55 dan permintaan dari provinsi lain > 0,239"
    assert _rule_text(rule, "en") == "officer turnovers a year <= 1.55 and demand from other provinces > 0.239"
    # every number with the reader's separators (a point reads as thousands in Indonesian)
    assert [number(x, "id") for x in (0.272, 290.4, 1234.0, 2.08e6, 1.35e9, float("nan"))] == [
        "0,272", "290", "1.234", "2,08 juta", "1,35 miliar", "-"]
    assert [number(x, "en") for x in (0.272, 290.4, 1234.0, 2.08e6, 1.35e9)] == [
        "0.272", "290", "1,234", "2.08M", "1.35B"]
    assert _range({"bounds": [0.0, 0.8]}, "id") == "0 s.d. 0,8" and _range({"levels": [13, 25]}, "id") == "13; 25"
    # a share the reader takes as a percent (texts.PERCENT), in a range and in a rule
    assert _range({"bounds": [-0.03, 0.05]}, "id", "market.demand_growth") == "-3% s.d. 5%"
    assert _range({"bounds": [0.0, 0.8]}, "en", "interventions.budget_cut.share") == "0% to 80%"
    # a mix's shares as whole percents that add up to the whole budget
    from ovopsim.numerals import whole_percents

    assert whole_percents([0.18, 0.13, 0.004, 0.25, 0.17, 0.10, 0.166]) == [18, 13, 0, 25, 17, 10, 17]
    assert whole_percents([1 / 3] * 3) == [34, 33, 33] and whole_percents([1.0, 0.0]) == [100, 0]


def test_spec_mistakes_are_one_line_errors(tmp_path):
    bad = budget_spec(outcomes={"incme": {"direction": "max"}})
    with pytest.raises(InputError, match=r'outcomes.incme: .*got "incme" \(did you mean "income"\?\)'):
        as_decision(bad)
    # inside a named outcome's table: its own keys, not the spec's
    bad = budget_spec(outcomes={"income": {"diretion": "max"}})
    with pytest.raises(InputError, match=r'outcomes.income.diretion: expected one of the known keys '
                                         r'\(direction, target\), got unknown key "diretion" '
                                         r'\(did you mean "direction"\?\)'):
        as_decision(bad)
    bad = budget_spec(robust={"candidates": [{"label": "x", "shares": {"a": 0.5, "b": 0.2}}]})
    with pytest.raises(InputError, match=r"robust.candidates\[0\].shares: expected shares that sum to 1"):
        as_decision(bad)
    # text where a share's number goes, and text other than "pareto": the key as written
    bad = budget_spec(robust={"candidates": [{"label": "x", "shares": {"a": "half", "b": 0.5}}]})
    with pytest.raises(InputError, match=r"^robust.candidates\[0\].shares.a: expected a number, got .half. \(text\)$"):
        as_decision(bad)
    bad = budget_spec(robust={"candidates": "paretoo"})
    with pytest.raises(InputError, match=r'^robust.candidates: expected "pareto" .* or a list of mixes, '
                                         r"got 'paretoo'"):
        as_decision(bad)
    bad = budget_spec(optimize={"objectives": ["income", "jbs"]})
    with pytest.raises(InputError, match=r'optimize.objectives\[1\].*did you mean "jobs"'):
        as_decision(bad)
    bad = budget_spec(optimize={"algorithm": "ga", "objective": "income",
                                "constraints": ["jobs >> 3"]})
    with pytest.raises(InputError, match=r"optimize.constraints\[0\]: expected conditions like"):
        as_decision(bad)


def test_an_uncertainty_s_reference_of_another_kind_is_named_as_such():
    """A reference written as text beside numeric bounds or levels is refused as text, not
    as out of range; levels of mixed kinds are refused (levels_of_one_kind)."""
    bad = budget_spec(uncertainties={"cut": {"bounds": [0.0, 1.0], "reference": "0.5"}})
    with pytest.raises(InputError, match=r"^uncertainties.cut.reference: expected a number \(written without "
                                         r"quotes\), as the bounds are, got '0.5' \(text\)$"):
        as_decision(bad)
    bad = budget_spec(uncertainties={"cut": {"levels": [0.0, "0.5"]}})
    with pytest.raises(InputError, match=r"^uncertainties.cut.levels: expected levels of one kind"):
        as_decision(bad)


def test_cli_errors_exit_2_with_one_line(tmp_path):
    spec = tmp_path / "d.toml"
    spec.write_text('[experiment]\nkind = "decision"\nmodel = "ovop"\n'
                    'scenario = "%s"\n[budget]\ntotal = 1e8\nprogrammes = ["trainig", "dialogue"]\n'
                    '[outcomes.income_gain]\ndirection = "max"\n'
                    % (ROOT / "scenarios" / "blitar_budget_mix.toml"))
    r = subprocess.run([sys.executable, "-m", "ovopsim", "optimize", str(spec)], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "budget.programmes[0]" in lines[0]
    assert 'did you mean "training"' in lines[0]
    assert not (tmp_path / "results").exists()
    r = subprocess.run([sys.executable, "-m", "ovopsim", "discover", str(tmp_path),
                        "--target", "income < 1"], cwd=tmp_path, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    # a search into a folder holding something else (not a search) is refused, like robust's
    other = tmp_path / "notes"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    r = subprocess.run([sys.executable, "-m", "ovopsim", "optimize", str(ROOT / "experiments" / "blitar_budget_mix.toml"),
                        "--out", str(other)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and r.stderr.strip().splitlines() == [
        f"ovopsim: error: --out: expected a new or empty directory (or a search to resume), got {other}, "
        "which holds other files and no generations/ of a search"]
    assert [p.name for p in other.iterdir()] == ["notes.txt"]


def test_ovop_budget_mix_buys_what_its_share_pays_for():
    """The allocation hook: a programme given A Rp a year plans A (intensity x its yearly
    cost at intensity 1), capped at intensity 1; the budget is the mix's total."""
    from ovopsim.experiments import ovop

    params = {"scenario": str(ROOT / "scenarios" / "blitar_budget_mix.toml"), "months": 12}
    caps = ovop._capacities(str(ovop.scenario_files(params)[0]), (), 1)
    amounts = {"training": 300e6, "dialogue": 200e6, "mentoring": 100e6}
    out = ovop.allocate(params, amounts)
    assert out["government.annual_budget"] == 600e6
    assert out["interventions.training.intensity"] * caps["training"] == pytest.approx(300e6)
    assert out["interventions.dialogue.intensity"] == 1.0  # 200M > the forum's 80M a year
    with pytest.raises(InputError, match='did you mean "mentoring"'):
        ovop.allocate(params, {"mentorin": 1e8})


def test_a_brief_refuses_a_search_made_from_another_spec(tmp_path):
    """The brief puts the search's Pareto set beside the robustness test: when the search
    was made with other replicates (or months, budget, ...), it refuses, naming the key
    and both values, and writes nothing; a change to the robustness test alone (its
    futures) is accepted."""
    first = budget_spec(optimize={"population": 8, "generations": 2}, robust={"futures": 4})
    optimize(first, out_dir=tmp_path / "optimize", executor="serial", progress=False)
    pareto = tmp_path / "optimize" / "pareto.parquet"
    other = {**first, "robust": {"futures": 6}}  # the robustness test alone changed
    robust(other, out_dir=tmp_path / "robust", candidates=pareto, executor="serial", progress=False)
    assert report(tmp_path, "en")[0].is_file()
    (tmp_path / "report_en.html").unlink()
    changed = {**other, "experiment": {**first["experiment"], "replicates": 3}}
    robust(changed, out_dir=tmp_path / "robust2", candidates=pareto, executor="serial", progress=False)
    (tmp_path / "robust").rename(tmp_path / "robust_first")
    (tmp_path / "robust2").rename(tmp_path / "robust")
    with pytest.raises(InputError) as err:
        report(tmp_path, "en")
    e = err.value
    assert (Path(e.file), e.key, e.given) == (tmp_path / "optimize" / "optimize.json", "experiment.replicates",
                                             "a search made with 2")
    assert "(experiment.replicates = 3)" in e.expected
    assert not (tmp_path / "report_en.html").exists()
    sweep = tmp_path / "sweep"  # a sweep's folder has a summary table too, and no robustness test
    sweep.mkdir()
    pd.DataFrame({"x": [1.0]}).to_parquet(sweep / "summary.parquet")
    with pytest.raises(InputError) as err:
        report(sweep, "en")
    assert (err.value.key, err.value.given) == ("RESULTS", str(sweep))


def test_robustness_takes_the_search_beside_it_and_refuses_another_spec_s(tmp_path):
    """candidates = "pareto" reads the search in the optimize folder beside --out (not
    results/<spec name>/optimize); a search there made from a spec that differs in what
    shapes its numbers is refused, naming the key; and a brief refuses a robustness test
    whose mix under a label differs from the search's (one search's shares beside
    another's outcomes)."""
    spec = budget_spec(optimize={"population": 8, "generations": 2}, robust={"futures": 3})
    optimize(spec, out_dir=tmp_path / "a" / "optimize", executor="serial", progress=False)
    res = robust(spec, out_dir=tmp_path / "a" / "robust", executor="serial", progress=False)
    pareto = pd.read_parquet(tmp_path / "a" / "optimize" / "pareto.parquet")
    assert set(res.candidates["label"]) <= set(pareto["label"])
    mine = pareto.set_index("label").loc[res.candidates["label"], "share.a"].to_numpy()
    assert np.array_equal(res.candidates["share.a"].to_numpy(), mine)
    assert not Path("results", as_decision(spec).key(), "robust").exists()

    other = {**spec, "optimize": {"population": 6, "generations": 2}}
    optimize(other, out_dir=tmp_path / "b" / "optimize", executor="serial", progress=False)
    with pytest.raises(InputError) as err:
        robust(spec, out_dir=tmp_path / "b" / "robust", executor="serial", progress=False)
    assert (Path(err.value.file), err.value.key) == (tmp_path / "b" / "optimize" / "optimize.json",
                                                     "optimize.population")
    assert not (tmp_path / "b" / "robust").exists()

    assert report(tmp_path / "a", "en")[0].is_file()
    cands = pd.read_parquet(tmp_path / "a" / "robust" / "candidates.parquet")
    cands.loc[0, "share.a"] += 0.01  # as if tested from another search with the same labels
    cands.to_parquet(tmp_path / "a" / "robust" / "candidates.parquet")
    with pytest.raises(InputError) as err:
        report(tmp_path / "a", "en")
    assert err.value.key == f"{cands.loc[0, 'label']}.share.a"


def test_labels_of_neighbouring_points_do_not_overlap():
    """place_labels puts each label beside its point where it overlaps no label placed
    before: three points close together get three separate boxes."""
    import matplotlib.pyplot as plt

    from ovopsim.experiments.plots import place_labels

    fig, ax = plt.subplots(figsize=(4, 3))
    x, y = np.array([1.0, 1.02, 1.04, 3.0]), np.array([1.0, 1.01, 0.99, 2.0])
    ax.scatter(x, y)
    place_labels(ax, x, y, ["market.province_demand", "trust.gain", "trust.loss", "money.wage"])
    fig.canvas.draw()
    boxes = [t.get_window_extent() for t in ax.texts]
    plt.close(fig)
    assert len(boxes) == 4
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    # points drawn on top of each other (two mixes with the same outcomes): one label
    fig, ax = plt.subplots(figsize=(4, 3))
    x, y = np.array([1.0, 1.0001, 2.0, 1.0]), np.array([1.0, 1.0, 2.0, 1.0002])
    ax.scatter(x, y)
    place_labels(ax, x, y, ["P8", "P9", "P1", "P5"])
    shown = sorted(t.get_text() for t in ax.texts)
    plt.close(fig)
    assert shown == ["P1", "P8, P9, P5"]


def test_the_answer_names_the_mixes_that_meet_the_targets_as_often():
    """P6 and P7 both meet every target in 18 of 41 futures: the brief may not say that P6
    meets them more often than any other mix; it says P7 does as often, in both languages."""
    import pandas as pd

    from ovopsim.experiments.decide.report import answer_text

    tied = pd.DataFrame({"label": ["P6", "P7", "P9"], "satisficing": [18 / 41, 18 / 41, 16 / 41]})
    en = answer_text(tied, 41, "en")
    assert en.startswith("Mix P6 meets every target in 18 of 41 possible futures (44%)")
    assert "P7 as often" in en and "more than any other" not in en and "P9" not in en
    assert "P7 sama seringnya" in answer_text(tied, 41, "id")
    three = tied.assign(satisficing=18 / 41)
    assert "P7 and P9 as often" in answer_text(three, 41, "en")
    alone = tied.assign(satisficing=[0.5, 18 / 41, 16 / 41])
    assert answer_text(alone, 41, "en").endswith("(50%), more than any other mix tested.")
    none = answer_text(tied.assign(satisficing=0.0), 41, "en")
    assert none.startswith("No mix tested") and none.endswith("P6 falls least short of the best mix of each future.")
    assert "P6 paling sedikit tertinggal" in answer_text(tied.assign(satisficing=0.0), 41, "id")


def test_the_brief_says_which_future_its_reference_outcomes_are_from(tmp_path):
    """The outcomes shown for the reference future are one future among those tested (here
    the best case: no cut, no turnover); the brief names its uncertainties' values."""
    import pandas as pd

    from ovopsim.experiments.decide.report import reference_future

    pd.DataFrame({"label": ["P1", "P1"], "future": [1, 0],
                  "interventions.budget_cut.share": [0.3, 0.0],
                  "market.national_demand": [0.15, 0.2], "n": [3, 3],
                  "income_gain": [0.5, 1.4]}).to_parquet(tmp_path / "futures.parquet")
    keys = ["interventions.budget_cut.share", "market.national_demand"]
    assert reference_future(tmp_path, keys, "en") == "depth of the budget cut 0, demand from other provinces 0.2"
    assert reference_future(tmp_path, keys, "id") == "besarnya pemotongan anggaran 0, permintaan dari provinsi lain 0,2"


def test_a_discovery_over_every_mix_reads_in_the_readers_language():
    """With --candidate all the mix is an input of the box: its rule names the mixes in
    words, and their list keeps its commas in Bahasa Indonesia (decimal commas elsewhere)."""
    from ovopsim.experiments.decide.report import _rule_text

    rule = "interventions.budget_cut.share >= 0.232 and candidate in {P1, P10, P3}"
    assert _rule_text(rule, "id") == ("besarnya pemotongan anggaran >= 23,2% dan campurannya salah satu dari "
                                      "{P1, P10, P3}")
    assert _rule_text(rule, "en").endswith("and the mix is one of {P1, P10, P3}")


def test_a_stricter_target_reuses_the_search():
    """An outcome's target is read by the robustness test only, so a spec that differs from
    the search's in a target alone may use that search; a direction or a budget may not."""
    from pathlib import Path

    from ovopsim.experiments.decide.common import same_search

    def record(spec):  # as robust.json and optimize.json keep it
        return {"spec_text": json.dumps(spec)}

    search = {"budget": {"total": 6e8}, "outcomes": {"jobs_gain": {"direction": "max", "target": 0.1}}}
    stricter = {"budget": {"total": 6e8}, "outcomes": {"jobs_gain": {"direction": "max", "target": 0.2}}}
    same_search(record(stricter), record(search), Path("optimize.json"))
    for other, key in (({"budget": {"total": 3e8}, "outcomes": search["outcomes"]}, "budget.total"),
                       ({"budget": {"total": 6e8}, "outcomes": {"jobs_gain": {"direction": "min"}}},
                        "outcomes.jobs_gain.direction")):
        with pytest.raises(InputError) as err:
            same_search(record(other), record(search), Path("optimize.json"))
        assert err.value.key == key


def test_a_search_is_matched_to_its_scenario_by_the_file_not_the_path(tmp_path):
    """A spec copied elsewhere names the same scenario file by another path: the records
    keep the file's digest, so the search beside it is taken; an edited scenario file
    (same path) is refused, naming experiment.scenario."""
    import hashlib
    import shutil

    from ovopsim.experiments.decide.common import same_search
    from ovopsim.experiments.decide.optimize import spec_provenance

    shipped = ROOT / "experiments" / "blitar_budget_mix.toml"
    meta = spec_provenance(as_decision(shipped))
    scenario = ROOT / "scenarios" / "blitar_budget_mix.toml"
    assert meta["scenario_sha256"] == hashlib.sha256(scenario.read_bytes()).hexdigest()
    copy = tmp_path / "mine.toml"
    copy.write_text(shipped.read_text().replace('"../scenarios/blitar_budget_mix.toml"', f'"{scenario}"'))
    moved = spec_provenance(as_decision(copy))
    assert moved["scenario_sha256"] == meta["scenario_sha256"]
    same_search(moved, meta, Path("optimize.json"))  # another path to the same file
    edited = tmp_path / "scenario.toml"
    shutil.copy(scenario, edited)
    edited.write_text(edited.read_text() + "\n# edited\n")
    copy.write_text(shipped.read_text().replace('"../scenarios/blitar_budget_mix.toml"', f'"{edited}"'))
    with pytest.raises(InputError) as err:
        same_search(spec_provenance(as_decision(copy)), meta, Path("optimize.json"))
    assert err.value.key == "experiment.scenario"
    # records without the digest (made before it was kept) compare the path as written
    old = {k: v for k, v in meta.items() if k != "scenario_sha256"}
    with pytest.raises(InputError) as err:
        same_search(moved, old, Path("optimize.json"))
    assert err.value.key == "experiment.scenario"


def test_a_title_that_names_another_budget_is_refused():
    """A spec's title or question names the budget as {budget}, which the brief writes in
    each language, or names it among its amounts: a title left at Rp 600 million when
    the budget became Rp 300 million is refused, not printed."""
    from ovopsim.experiments.decide.texts import rupiah_amounts, with_budget

    assert [v for _, (v, *_) in rupiah_amounts("Rp 600 million a year; Rp 1,5 miliar; IDR 600.000.000; Rp 250,000; "
                                               "600 juta rupiah; Rp 600 juta rupiah")] == [6e8, 1.5e9, 6e8, 2.5e5, 6e8, 6e8]
    assert rupiah_amounts("Rp 0,6 M") == [("Rp 0,6 M", (6e5, 6e8))]  # a million or a miliar
    assert with_budget("What {budget} a year buys", 6e8, "id") == "What Rp 600 juta a year buys"
    ok = budget_spec(budget={"total": 6e8, "programmes": ["a", "b", "c"]},
                     report={"title_en": "What Rp 600 million buys", "question_en": "Given {budget}?",
                             "title_id": "Rp 600.000.000 dan Rp 50 juta per desa"})
    as_decision(ok)
    stale = budget_spec(budget={"total": 3e8, "programmes": ["a", "b", "c"]},
                        report={"title_en": "What Rp 600 million buys"})
    with pytest.raises(InputError, match=r"^report.title_en: expected the budget.total of Rp 300 million \(Rp 300 "
                                         r'juta\) among the amounts it names, or \{budget\} .*, got "Rp 600 million"$'):
        as_decision(stale)
    for text in ("600 juta rupiah a year", "IDR 600 million", "Rp 0,6 M"):
        with pytest.raises(InputError, match="report.question_id"):
            as_decision(budget_spec(budget={"total": 3e8, "programmes": ["a", "b", "c"]}, report={"question_id": text}))
    # with {budget} in it, another amount is the text's own (Rp 25 juta a village)
    as_decision(budget_spec(budget={"total": 3e8, "programmes": ["a", "b", "c"]},
                            report={"question_id": "{budget} per tahun (Rp 25 juta per desa)", "title_en": "Rp 0,3 M"}))
    for text, why in (("What {budgt} buys", r'got "\{budgt\}" in'), ("{budget}", None)):
        spec = budget_spec(report={"question_id": text})
        if why is None:  # {budget} with no [budget]
            spec.pop("budget")
            spec["levers"] = {"a": {"bounds": [0.0, 1.0]}}
            why = "got no \\[budget\\]"
        with pytest.raises(InputError, match=rf"^report.question_id: expected .*{why}"):
            as_decision(spec)


def test_the_brief_says_how_much_of_the_budget_a_mix_spends():
    """What a programme cannot use lapses: beside its cost per rupiah, each mix's spending
    over the horizon in the reference future and its share of the budget available."""
    from ovopsim.experiments.decide.report import spent_text

    row = {"budget_spent": 2.73e9}
    assert spent_text(row, 6e8, 60, "en") == {"value": repr(2.73e9), "text": "Rp 2.73 billion (91%)"}
    assert spent_text(row, 6e8, 60, "id")["text"] == "Rp 2,73 miliar (91%)"
    assert spent_text(row, None, 60, "en") is None and spent_text({}, 6e8, 60, "en") is None


def test_the_figures_of_the_mixes_agree_with_the_brief_s_table(tmp_path, monkeypatch):
    """The mixes figure writes a mix's shares as the table does (whole percents that sum to
    100), and the robustness figure draws the first outcome's target."""
    from ovopsim.experiments import plots
    from ovopsim.numerals import whole_percents

    figures = []
    monkeypatch.setattr(plots, "_save", lambda fig, path, layout=True: figures.append(fig) or path)
    mixes = pd.DataFrame({"label": ["M"], "share.a": [0.305], "share.b": [0.305], "share.c": [0.39]})
    plots.mix_figure(mixes, ["a", "b", "c"], tmp_path / "m.png")
    shown = [t.get_text() for t in figures[0].axes[0].texts]
    assert shown == [f"{w}%" for w in whole_percents([0.305, 0.305, 0.39])] == ["31%", "30%", "39%"]
    summary = pd.DataFrame({"label": ["M"], "satisficing": [0.5], "income_p5": [1.0], "income_p50": [2.0],
                            "income_p95": [3.0]})
    plots.robust_figure(summary, "income", tmp_path / "r.png", target=2.5)
    lines = [ln.get_xdata()[0] for ln in figures[1].axes[1].get_lines() if ln.get_linestyle() == "--"]
    assert lines == [2.5]


def test_the_brief_says_when_its_search_had_not_settled():
    """search_settled: a search whose hypervolume still grew by more than 1% over its last
    three generations is said to be unsettled (a longer one may find better mixes); one
    that levelled off is not."""
    from ovopsim.experiments.decide.report import search_growth

    rising = pd.DataFrame({"generation": range(6), "hypervolume": [0.5, 0.7, 0.8, 0.9, 1.0, 1.1]})
    assert search_growth(rising) == pytest.approx(1.1 / 0.8 - 1)
    level = pd.DataFrame({"generation": range(6), "hypervolume": [0.5, 0.9, 1.0, 1.0, 1.004, 1.005]})
    assert search_growth(level) is None
    assert search_growth(rising.head(3)) is None  # too short to tell


def test_a_brief_says_when_its_spec_s_texts_changed_after_the_robustness_test(tmp_path, monkeypatch, capsys):
    """The brief's title and question are those the robustness test kept (its provenance
    names that spec); edited afterwards, `ovopsim report` says so and how to use them."""
    from ovopsim.experiments.decide.report import texts_changed

    monkeypatch.chdir(tmp_path)
    spec = tmp_path / "mix.toml"
    body = ('[experiment]\nkind = "decision"\nmodel = "budget_returns"\nreplicates = 2\nseed = 7\n'
            '[budget]\ntotal = 100.0\nprogrammes = ["a", "b", "c"]\n'
            '[outcomes.income]\ndirection = "max"\n[outcomes.jobs]\ndirection = "max"\n'
            '[robust]\nfutures = 2\ncandidates = [{label = "even", shares = {a = 0.5, b = 0.25, c = 0.25}}]\n')
    spec.write_text(body + '[report]\ntitle_en = "First"\n')
    robust(spec, out_dir=tmp_path / "r" / "robust", executor="serial", progress=False)
    assert texts_changed(tmp_path / "r") is None
    spec.write_text(body + '[report]\ntitle_en = "Second"\n')
    assert texts_changed(tmp_path / "r") == spec
    assert "First" in report(tmp_path / "r", "en")[0].read_text()  # the kept text, as its provenance says
    from ovopsim.cli import main

    capsys.readouterr()
    assert main(["report", str(tmp_path / "r"), "--lang", "en"]) == 0
    assert f"note: the [report] texts of {spec} changed after ovopsim robust ran" in capsys.readouterr().err
