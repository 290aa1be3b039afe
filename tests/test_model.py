"""The model as a whole: reproducibility, the warm-up, sanity of the economy, the Mesa side."""

import numpy as np
import pandas as pd
import pytest

from ovopsim import interventions as iv
from ovopsim.agents import Artisan, Government
from ovopsim.config import load_scenario, shipped_scenarios
from ovopsim.model import OVOPModel
from ovopsim.simulation import no_programme, run, run_paired


def test_same_seed_same_frames():
    s = load_scenario("blitar_batik")
    a, b = run(s, seed=7, months=36, agents=True), run(s, seed=7, months=36, agents=True)
    pd.testing.assert_frame_equal(a.monthly, b.monthly, check_exact=True)
    pd.testing.assert_frame_equal(a.scorecard, b.scorecard, check_exact=True)
    pd.testing.assert_frame_equal(a.agents, b.agents, check_exact=True)


def test_different_seeds_differ():
    s = load_scenario("blitar_batik")
    a, b = run(s, seed=1, months=24), run(s, seed=2, months=24)
    assert not np.allclose(a.monthly["income_mean"], b.monthly["income_mean"])


@pytest.mark.parametrize("path", shipped_scenarios(), ids=lambda p: p.stem)
def test_every_shipped_scenario_runs_clean(path):
    s = load_scenario(path)
    res = run(s, seed=3, months=36)
    m = res.monthly
    assert len(m) == 36
    assert not m.isna().any().any(), "NaN in the monthly indicators"
    assert not res.scorecard.isna().any().any(), "NaN in the scorecard"
    assert (m["active_businesses"] > 0.5 * s.n_artisans).all()
    assert (m["budget_balance"] >= 0).all() and (m["ljmp_fund"] >= 0).all()
    shares = m[["share_province", "share_national", "share_export"]].sum(axis=1)
    assert np.allclose(shares[m["sales_value"] > 0], 1.0)
    assert res.scorecard["overall"].between(0, 100).all()
    assert m["income_pre"].iloc[0] > 0 and m["jobs_pre"].iloc[0] > 0


def test_month_one_is_a_settled_economy():
    """Without a programme, the first year after the warm-up looks like the warm-up's
    last year: growth is not a start-up transient, even when the rainy season wipes
    out dried output (the world then loses its cracker makers during the warm-up,
    not after it)."""
    for over in ({}, {"production.rainy_dip": 1.0}):
        sc = no_programme(load_scenario("rasau_jaya"))
        sc = sc.with_overrides(over) if over else sc
        first, fifth = [], []
        for seed in range(1, 7):
            m = run(sc, seed=seed, months=60).monthly
            pre = m["income_pre"].iloc[0]
            first.append(m["income_mean"].iloc[:12].mean() / pre - 1)
            fifth.append(m["income_mean"].iloc[-12:].mean() / pre - 1)
        assert abs(np.mean(first)) < 0.1, (over, first)  # the warm-up's tolerance (world.settled)
        assert abs(np.mean(fifth)) < 0.3, (over, fifth)
    for name in ("baseline", "proppo_batik"):
        m = run(no_programme(load_scenario(name)), seed=1, months=24).monthly
        assert abs(m["income_mean"].iloc[:12].mean() / m["income_pre"].iloc[0] - 1) < 0.08


def test_the_warm_up_runs_whole_years_until_settled():
    model = OVOPModel(load_scenario("rasau_jaya"), rng=2)
    w = model.warmup
    assert w["months"] % 12 == 0 and 24 <= w["months"] <= 96
    short = OVOPModel(load_scenario("rasau_jaya").with_overrides({"world.warmup_max": 24}), rng=2)
    assert short.warmup["months"] == 24
    assert model.steps == 0 and len(model.records) == 0  # nothing of the warm-up is recorded


def test_growth_against_a_paired_no_programme_run():
    res, none = run_paired(load_scenario("blitar_batik"), seed=2, months=36)
    assert none is not None and not none.scenario.interventions
    assert none.monthly["budget_spent_total"].iloc[-1] == 0
    assert res.monthly["income_mean"].iloc[-12:].mean() > none.monthly["income_mean"].iloc[-12:].mean()
    # the same world: the same warm-up, so the same pre-programme year
    assert res.monthly["income_pre"].iloc[0] == none.monthly["income_pre"].iloc[0]
    assert run_paired(no_programme(load_scenario("baseline")), seed=2, months=12)[1] is None


def test_agents_are_mesa_agents_over_the_records():
    model = OVOPModel(load_scenario("rasau_jaya"), rng=5)
    artisans = model.agents_by_type[Artisan]
    assert len(artisans) == model.artisans.n >= 50
    # made when first asked for, in record order after the other agents, as at the build
    others = [x for x in model.agents if not isinstance(x, Artisan)]
    assert [x.idx for x in artisans] == list(range(model.artisans.n))
    assert [x.unique_id for x in artisans] == list(range(len(others) + 1, len(others) + 1 + model.artisans.n))
    assert len(model.agents) == len(others) + model.artisans.n  # made once
    # the government first, then the associations (and the LJMPs), as at the build
    assert [type(x).__name__ for x in others] == ["Government"] + ["Association"] * len(model.village_names)
    assert [x.unique_id for x in others] == list(range(1, len(others) + 1))
    assert [x.village for x in model.associations] == list(range(len(model.village_names)))
    assert model.ljmps == []  # Rasau Jaya has no LJMP
    # a scenario with LJMPs, asked for through them first or through Mesa: the same agents
    sk = [OVOPModel(load_scenario("singkawang_ljmp"), rng=5) for _ in range(2)]
    assert [x.cluster for x in sk[0].ljmps] == list(range(len(sk[0].cluster_names))) != []
    kinds = [[(type(x).__name__, x.unique_id) for x in m.agents] for m in sk]
    assert kinds[0] == kinds[1]
    assert [k for k, _ in kinds[0][:1 + len(sk[0].village_names) + len(sk[0].cluster_names) + 1]] == (
        ["Government"] + ["Association"] * len(sk[0].village_names) + ["LJMPAgent"] * len(sk[0].cluster_names)
        + ["Artisan"])
    assert model.artisans.active.sum() >= 35  # the warm-up closes some that cannot pay their way
    assert len(model.agents_by_type[Government]) == 1
    model.step()
    # AgentSet operations see the same numbers as the records
    assert artisans.agg("cash", sum) == pytest.approx(float(model.artisans.cash.sum()))
    first = next(iter(artisans))
    first.cash = 123.0
    assert model.artisans.cash[first.idx] == 123.0
    by_village = artisans.select(lambda x: x.idx in set(model.surveyed.tolist())).groupby("village_name").count()
    assert by_village["Rasau Jaya I"] == 13


def test_graph_export_matches_the_records():
    model = OVOPModel(load_scenario("proppo_batik"), rng=1)
    for _ in range(6):
        model.step()
    g = model.graph()
    t = model.ties.used
    assert g.number_of_nodes() == model.artisans.n
    assert g.number_of_edges() == model.ties.m
    assert sum(1 for *_, d in g.edges(data=True) if d["partner"]) == int(t["partner"].sum())
    u, v = int(t["u"][0]), int(t["v"][0])
    assert g.edges[u, v]["trust_uv"] == t["trust_uv"][0]
    arrays = model.tie_arrays()
    assert np.allclose(arrays["trust"], (t["trust_uv"] + t["trust_vu"]) / 2)


def test_ties_met_when_the_tie_records_are_full_are_added_all_the_same():
    """The month adds the ties met in the compiled step when the records have room, and
    grows them first when not: the same results either way."""
    from ovopsim.config import load_scenario

    sc = load_scenario("proppo_batik")
    roomy, full = OVOPModel(sc, rng=4, months=24), OVOPModel(sc, rng=4, months=24)
    grown = 0
    for _ in range(24):
        full.ties._bind(full.ties.used.copy())  # no room left before every month
        before = full.ties.m
        full.step()
        roomy.step()
        grown += full.ties.m > before
    assert grown > 0
    pd.testing.assert_frame_equal(full.monthly(), roomy.monthly(), check_exact=True)
    assert np.array_equal(full.ties.used, roomy.ties.used)


def test_every_source_of_compiled_code_drops_the_cache_when_it_changes():
    """A compiled function inlines what it calls, and Numba's disk cache notices only its
    own file: every file with compiled code must be among the sources whose change drops
    the cache (else a changed mechanism would run as the old machine code)."""
    from pathlib import Path

    from ovopsim.mechanisms import KERNEL_SOURCES

    package = Path(__file__).resolve().parents[1] / "ovopsim"
    compiled = {p for p in package.rglob("*.py") if "@nb.njit" in p.read_text()}
    assert compiled and compiled <= set(KERNEL_SOURCES), sorted(map(str, compiled - set(KERNEL_SOURCES)))



def test_a_process_with_its_own_cache_refreshes_it_and_leaves_the_one_beside_the_sources(tmp_path):
    """With NUMBA_CACHE_DIR set, Numba caches there, in a folder per source folder: a
    process finding a stale stamp there drops the kernels cached there, and leaves the
    cache beside the sources (whose own stamp is current) as it is."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from numba.core.caching import _CacheLocator

    from ovopsim import mechanisms
    from ovopsim.simulation import ensure_compiled

    ensure_compiled()  # the kernels cached beside the sources
    package = Path(__file__).resolve().parents[1] / "ovopsim"
    cached = sorted(package.rglob("__pycache__/*.nbi"))
    assert cached
    own = tmp_path / "own"
    folders = sorted({os.path.dirname(os.path.abspath(p)) for p in mechanisms.KERNEL_SOURCES})
    stale = []
    for folder in folders:  # where Numba would cache each folder's kernels, by its own rule
        where = own / _CacheLocator.get_suitable_cache_subpath(os.path.join(folder, "x.py"))
        assert where.name == mechanisms._numba_subpath(folder)
        where.mkdir(parents=True)
        stale.append(where / "months.after_government-43.py312.nbi")
        stale[-1].write_text("old machine code")
    (own / "ovopsim-kernels.stamp").write_text("a source changed since")
    env = {**os.environ, "NUMBA_CACHE_DIR": str(own)}
    subprocess.run([sys.executable, "-c", "import ovopsim"], env=env, check=True)
    assert not any(p.exists() for p in stale)
    assert (own / "ovopsim-kernels.stamp").read_text() != "a source changed since"
    assert sorted(package.rglob("__pycache__/*.nbi")) == cached


def test_run_months_is_mesa_run_for():
    """The months run in a loop are Mesa's steps as run_for runs them: the same records,
    steps, time and next scheduled step, and the model steps on the same way after;
    with something else scheduled they go through run_for itself."""
    sc = load_scenario("rasau_jaya")
    loop, mesa_way = _Seen(sc, rng=4, months=30), _Seen(sc, rng=4, months=30)
    loop.run_months(12)
    mesa_way.run_for(12)
    assert loop.seen == mesa_way.seen == [(k, float(k)) for k in range(1, 13)]  # each month a step, at its time
    for m in (loop, mesa_way):
        assert (m.steps, m.time, m._default_schedule.execution_count) == (12, 12.0, 12)
        assert m._default_schedule.next_scheduled_time == 13.0
    assert (loop.through_run_for, mesa_way.through_run_for) == (0, 1)  # the loop's months took no event
    loop.run_for(3)
    mesa_way.run_months(3)
    loop.step()
    mesa_way.step()
    pd.testing.assert_frame_equal(loop.monthly(), mesa_way.monthly())
    assert loop.steps == mesa_way.steps == 16 and loop.time == mesa_way.time == 16.0

    # an event of the user's own: the months go through run_for, which runs it in its place
    other = _Seen(sc, rng=4, months=30)
    met = []

    def meet():
        met.append(other.steps)
    other.schedule_event(meet, at=2.5)
    other.run_months(4)
    assert met == [2] and other.steps == 4 and other.time == 4.0 and other.through_run_for == 1
    pd.testing.assert_frame_equal(other.monthly(), mesa_way.monthly().iloc[:4])


class _Seen(OVOPModel):
    """A model subclass with a step of its own (as Mesa's batch_run wrappers have)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen, self.through_run_for = [], 0

    def run_for(self, duration):
        self.through_run_for += 1
        super().run_for(duration)

    def step(self):
        super().step()
        self.seen.append((self.steps, self.time))


class _MonthByMonth(OVOPModel):
    """The same model stepped one month at a time (a subclass's step: no quiet batches)."""

    def step(self):
        super().step()


@pytest.mark.parametrize("name", ["rasau_jaya", "singkawang_ljmp", "blitar_cut_turnover"])
def test_quiet_months_in_one_call_are_the_months_stepped_one_by_one(name, monkeypatch):
    """Months in which the government does nothing run several to a compiled call; the
    records, the state and Mesa's counters are those of stepping month by month."""
    sc = load_scenario(name)
    batches = []
    quiet = OVOPModel._quiet_months
    monkeypatch.setattr(OVOPModel, "_quiet_months", lambda self, first, count: (
        batches.append((first, count)), quiet(self, first, count))[1])
    fast, slow = OVOPModel(sc, rng=6, months=120), _MonthByMonth(sc, rng=6, months=120)
    fast.run_months(120)
    slow.run_months(120)
    pd.testing.assert_frame_equal(fast.monthly(), slow.monthly(), check_exact=True)
    assert np.array_equal(fast.artisans.data, slow.artisans.data)
    assert np.array_equal(fast.ties.used, slow.ties.used)
    assert (fast.steps, fast.time, fast.running) == (slow.steps, slow.time, slow.running) == (120, 120.0, False)
    quiet_months = sum(c for _, c in batches)
    assert quiet_months == sum(fast._quiet_mask(1, 120))
    # rasau_jaya's package ends early; Singkawang has an LJMP and an access shock;
    # blitar_cut_turnover's turnover may strike any month: no month is quiet there
    assert quiet_months == {"rasau_jaya": 83, "singkawang_ljmp": 70, "blitar_cut_turnover": 0}[name]


def test_a_shock_changes_nothing_in_a_month_it_does_not_act_in():
    """Shock.acts_in is what makes a month quiet: in every other month apply is a no-op."""
    for name in ("singkawang_ljmp", "blitar_cut_turnover"):
        model = OVOPModel(load_scenario(name), rng=2, months=120)
        assert model.shocks
        for shock in model.shocks:
            for m in range(1, 121):
                if shock.acts_in(m):
                    continue
                before = (model.artisans.data.copy(), model.villages.data.copy(), model.government.balance,
                          model.access_boost, model.turnovers, model.government.officers.copy())
                shock.apply(model, m)
                after = (model.artisans.data, model.villages.data, model.government.balance,
                         model.access_boost, model.turnovers, model.government.officers)
                assert all(np.array_equal(b, a) for b, a in zip(before, after, strict=True)), (name, shock, m)


def test_books_that_fail_in_a_quiet_month_fail_there():
    """A negative budget before a quiet stretch: the check fails in its first month, as
    stepping finds, and that month is not recorded."""
    from ovopsim.accounting import AccountingError

    sc = load_scenario("rasau_jaya")
    results = []
    for cls in (OVOPModel, _MonthByMonth):
        model = cls(sc, rng=3, months=120)
        model.run_months(30)
        assert model._quiet_mask(31, 1) == [True]
        model.government.balance = -5.0
        with pytest.raises(AccountingError, match="month 31: negative government budget") as err:
            model.run_months(10)
        results.append((str(err.value), len(model.records), model.steps, model.time,
                        model._default_schedule.execution_count, model.monthly()))
    (*first, frame), (*second, frame2) = results
    assert first == second and first[0].startswith("month 31: negative government budget")
    assert first[1:] == [30, 31, 31.0, 30]  # records, steps (the failing one begun), time, steps finished
    pd.testing.assert_frame_equal(frame, frame2, check_exact=True)


def test_what_changes_a_month_after_the_model_is_built_is_seen_by_quiet_months(monkeypatch):
    """A shock added after the model was built acts in its months; a patch to the
    government's month runs every month; a fraction of a month goes through run_for."""
    from types import SimpleNamespace

    sc = load_scenario("rasau_jaya")
    fast, slow = OVOPModel(sc, rng=8, months=60), _MonthByMonth(sc, rng=8, months=60)
    for model in (fast, slow):
        spec = SimpleNamespace(name="road", type="access_shock", start=40, end=50, demand=0.5, reach=0.1,
                               villages=[])
        model.shocks.append(iv.AccessShock(spec, model, 99))
        model.run_months(45)
    assert fast.access_boost == slow.access_boost == 0.5
    pd.testing.assert_frame_equal(fast.monthly(), slow.monthly(), check_exact=True)
    seen = []
    government = OVOPModel._government
    monkeypatch.setattr(OVOPModel, "_government", lambda self, m: (seen.append(m), government(self, m))[1])
    fast.run_months(10)
    assert seen == list(range(46, 56))
    fast.run_months(2.5)  # Mesa's run_for: two months, and the clock at 57.5
    assert (fast.steps, fast.time) == (57, 57.5)


def test_partnerships_a_world_starts_with_began_before_month_1():
    """A generated world's initial partnerships existed before its first month, as its
    businesses did: after the warm-up each is dated before month 1 (its age positive;
    before, the warm-up's clock moved them into the future: ages of -25 months, and no
    partnership could end for want of business until years into the run). An observed
    network's partnerships are dated at the survey, month 0."""
    from ovopsim.model import OVOPModel

    m = OVOPModel(load_scenario("blitar_batik"), rng=3, months=12)
    t = m.ties.used
    assert t["partner"].any() and (t["since"][t["partner"]] < 1).all()
    m.run_months(1)
    assert m.monthly()["partnership_age_mean"].iloc[0] > 12
    surveyed = OVOPModel(load_scenario("proppo_surveyed"), rng=3, months=12).ties.used
    assert (surveyed["since"][surveyed["partner"]] == 0).all()
