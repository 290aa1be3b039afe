"""Sequential approximate Bayesian computation (ABC-SMC, ``pyabc``) on the runner.

:func:`abc_smc` fits the parameters of any registered model function to
targets: ``pyabc`` proposes parameter sets (from the prior, then from each
generation's weighted particles, perturbed), and a particle is accepted when the
distance of its simulated statistics to the targets is within the generation's
tolerance (the ``alpha`` quantile of the previous generation's distances). The
last generation is the posterior.

What this module adds to ``pyabc``: the simulations run through the project's
runner (:func:`~ovopsim.experiments.runner.run_design`), on any executor
(serial, processes, Dask), and

* **reproducibly**: proposals are drawn in the parent process, in batches of a
  fixed size, each batch from its own seed; every simulation gets its own seed
  (``draw``), and the batch's proposals are judged in order. The same seed gives
  the same posterior, bit for bit, whatever the executor or worker count;
* **resumably**: each batch's runs stream to their own result store, and the
  generations to pyabc's SQLite history (``abc.db``). Rerunning an interrupted
  calibration with the same settings continues after the last whole generation
  and reuses the batches already run.

The model function ``model_fn(params, seed)`` returns a mapping of statistics;
``distance(stats) -> float`` (run in the parent process) says how far they are
from the targets (0: on target). A run receives ``draw`` among its parameters:
an integer naming the simulation, which it should mix into its seed
(:func:`draw_seed`) so that every particle is an independent simulation.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from collections.abc import Callable, Collection, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ovopsim.errors import InputError, RunFailed

from .design import from_points
from .executors import DASK_WAIT
from .runner import run_design

#: the history's file in the output folder, and the settings it was made with
HISTORY, SETTINGS = "abc.db", "abc.json"
_BATCHES = 10_000  # draws are numbered generation * _BATCHES**2 + batch * _BATCHES + index


def draw_seed(seed: int, draw: int) -> int:
    """The seed of simulation ``draw`` of a replicate seed: independent draws, the
    same whatever else runs."""
    return int(np.random.SeedSequence([int(seed), int(draw)]).generate_state(1)[0])


def generation_of(draw: int) -> int:
    """The generation (1, 2, ...; 0: the prior sample that sets the first tolerance)
    of simulation ``draw``."""
    return int(draw) // _BATCHES ** 2


def encode(name: str) -> str:
    """Parameter names as pyabc and the runner's named tuples need them (no dots)."""
    return name.replace(".", "__")


def decode(name: str) -> str:
    return name.replace("__", ".")


@dataclass(frozen=True)
class AbcSettings:
    """How long and how finely to search.

    Attributes:
        population: accepted particles per generation.
        generations: at most this many generations.
        alpha: each tolerance is this quantile of the previous generation's distances.
        min_acceptance: stop when a generation accepts fewer of its proposals.
        batch: proposals simulated together (fixed, so results do not depend on
            the number of workers).
        seed: seed of the proposals and root of the simulations' seeds.
        max_evaluations: stop a generation that needs more simulations than this.
        minimum_epsilon: stop once a generation's tolerance is at or below this
            (negative: go on to ``generations``; further generations at a tolerance
            of 0 sample the same target from a better proposal, raising the
            effective sample size).
    """

    population: int = 200
    generations: int = 8
    alpha: float = 0.5
    min_acceptance: float = 0.02
    batch: int = 100
    seed: int = 1
    max_evaluations: int = 20_000
    minimum_epsilon: float = 0.0

    def __post_init__(self):
        if self.population < 2 or self.generations < 1 or self.batch < 1:
            raise InputError(None, "abc", "population >= 2, generations >= 1, batch >= 1",
                             f"{self.population}, {self.generations}, {self.batch}")
        if not 0 < self.alpha < 1:
            raise InputError(None, "abc.alpha", "a quantile between 0 and 1", self.alpha)


@dataclass
class AbcResult:
    """What :func:`abc_smc` found.

    Attributes:
        particles: the last generation: one row per particle, a column per
            parameter (dotted names) and ``weight`` (normalised).
        generations: one row per generation: ``t, epsilon, particles, samples``
            (simulations run), ``acceptance`` and ``ess`` (effective sample size).
        out_dir: where the history and the runs are.
        resumed: whether earlier generations were read back rather than run.
    """

    particles: pd.DataFrame
    generations: pd.DataFrame
    out_dir: Path
    resumed: bool


# ------------------------------------------------------------------ the sampler

def _sampler_class():
    """A pyabc sampler that simulates through :func:`run_design` (built lazily: pyabc
    is imported only when a calibration runs)."""
    import pyabc
    from pyabc.inference_util.inference_util import (
        _simulate_one,
        _simulate_one_from_prior,
        evaluate_proposal,
        generate_valid_proposal,
    )
    from pyabc.population import Particle

    class Lookup(pyabc.Model):
        """A model whose result is already known (simulated by the runner)."""

        def __init__(self, x):
            super().__init__("lookup")
            self.x = x

        def sample(self, pars):
            return self.x

    class RunnerSampler(pyabc.sampler.Sampler):
        def __init__(self, simulate: Callable[[list[dict], int, int], list[dict]], batch: int,
                     seed: int, report: Callable[[str], None]):
            super().__init__()
            self.simulate, self.batch, self.seed, self.report = simulate, batch, seed, report

        def _proposals(self, kw: dict, t: int, from_prior: bool, b: int) -> list:
            state = np.random.get_state()
            np.random.seed(np.random.SeedSequence([self.seed, t + 1, b]).generate_state(1)[0])
            try:
                if from_prior:
                    out = []
                    for _ in range(self.batch):
                        m = int(kw["model_prior"].rvs())
                        out.append((m, kw["parameter_priors"][m].rvs()))
                    return out
                return [generate_valid_proposal(t=t, m=kw["m"], p=kw["p"], model_prior=kw["model_prior"],
                                                parameter_priors=kw["parameter_priors"],
                                                model_perturbation_kernel=kw["model_perturbation_kernel"],
                                                transitions=kw["transitions"]) for _ in range(self.batch)]
            finally:
                np.random.set_state(state)

        def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False,
                                    ana_vars=None):
            func, kw = simulate_one.func, simulate_one.keywords
            if func not in (_simulate_one, _simulate_one_from_prior) or not kw.get("evaluate", True):
                raise RunFailed("this pyabc version samples differently than ovopsim's runner sampler "
                                "expects (pin pyabc 0.13)")
            from_prior = func is _simulate_one_from_prior
            sample = self._create_empty_sample()
            evals, b = 0, 0
            while sample.n_accepted < n and evals < max_eval:
                props = self._proposals(kw, t, from_prior, b)
                results = self.simulate([dict(theta) for _, theta in props], t, b)
                for (m, theta), x in zip(props, results, strict=True):
                    if from_prior:
                        particle = Particle(m=m, parameter=theta, weight=1.0, sum_stat=x, distance=np.inf,
                                            accepted=True, proposal_id=0, preliminary=False)
                    else:
                        particle = evaluate_proposal(
                            m, theta, t=t, models=[Lookup(x)] * (m + 1),
                            summary_statistics=kw["summary_statistics"],
                            distance_function=kw["distance_function"], eps=kw["eps"],
                            acceptor=kw["acceptor"], x_0=kw["x_0"], weight_function=kw["weight_function"],
                            proposal_id=kw["proposal_id"])
                    sample.append(particle)
                    evals += 1
                    if sample.n_accepted >= n or evals >= max_eval:
                        break
                b += 1
                self.report(f"generation {t + 1}: {sample.n_accepted}/{n} accepted of {evals} simulated")
            self.nr_evaluations_ = evals
            if sample.n_accepted < n:
                sample.ok = False
            return sample

    return RunnerSampler


# ------------------------------------------------------------------ the calibration

def _identity(model_name: str, prior: Mapping[str, tuple[float, float]], fixed: Mapping[str, Any],
              settings: AbcSettings, log: frozenset) -> dict:
    return {"model": model_name, "prior": {k: list(map(float, v)) for k, v in prior.items()},
            "log": sorted(log),
            "fixed": {k: fixed[k] for k in sorted(fixed)}, "settings": asdict(settings)}


def _digest(rows: list[dict]) -> str:
    return hashlib.sha256(json.dumps(rows, sort_keys=True, default=repr).encode()).hexdigest()[:10]


def abc_smc(model_fn: Callable, prior: Mapping[str, tuple[float, float]],
            distance: Callable[[Mapping[str, float]], float], *, out_dir: str | Path,
            settings: AbcSettings = AbcSettings(), fixed: Mapping[str, Any] | None = None,
            executor: str = "process", workers: int | None = None, scheduler: str | None = None,
            model_name: str | None = None, progress: bool = True,
            dask_wait: float = DASK_WAIT, log: Collection[str] = ()) -> AbcResult:
    """ABC-SMC of ``model_fn``'s parameters under uniform priors ``prior`` (name ->
    (low, high)), uniform in the logarithm for the names in ``log``; see the module
    docstring.

    ``fixed`` parameters go to every run unchanged. Results go to ``out_dir``
    (``abc.db``, ``abc.json``, ``runs/``); rerunning with the same arguments resumes,
    other arguments on the same folder are refused (InputError)."""
    import pyabc

    from .runner import describe_model

    fixed = dict(fixed or {})
    for k, (lo, hi) in prior.items():
        if not lo < hi:
            raise InputError(None, f"prior.{k}", "[low, high] with low < high", [lo, hi])
    name = model_name or describe_model(model_fn)
    out = Path(out_dir)
    log = frozenset(log)
    for k in log:
        if k not in prior or prior[k][0] <= 0:
            raise InputError(None, f"prior.{k}", "a positive range for a log-uniform prior", prior.get(k))
    ident = _identity(name, prior, fixed, settings, log)
    meta = out / SETTINGS
    resumed = meta.is_file()
    if resumed:
        old = json.loads(meta.read_text())
        if old.get("identity") != json.loads(json.dumps(ident, default=repr)):
            raise InputError(meta, "", "the same calibration (model, priors, settings) to resume, "
                             "or an empty folder", "another calibration's results; choose another --out")
    out.mkdir(parents=True, exist_ok=True)
    if not resumed:
        meta.write_text(json.dumps({"identity": ident, "finished": False}, indent=1, default=repr))
    state = json.loads(meta.read_text())

    logging.getLogger("ABC").setLevel(logging.WARNING)
    logging.getLogger("Epsilon").setLevel(logging.WARNING)
    logging.getLogger("Distance").setLevel(logging.WARNING)

    def say(msg: str) -> None:
        if progress:
            print(msg, file=sys.stderr, flush=True)

    def simulate(thetas: list[dict], t: int, b: int) -> list[dict]:
        if b >= _BATCHES:
            raise RunFailed(f"generation {t + 1} needed more than {_BATCHES} batches")
        rows = [{**{decode(k): unit_to_value(prior, decode(k), v, log) for k, v in th.items()},
                 "draw": (t + 1) * _BATCHES ** 2 + b * _BATCHES + i} for i, th in enumerate(thetas)]
        design = from_points(rows, replicates=1, seed=settings.seed, fixed=fixed)
        runs = run_design(design, model_fn, out_dir=out / "runs" / f"g{t + 1:02d}-b{b:04d}-{_digest(rows)}",
                          executor=executor, workers=workers, scheduler=scheduler, progress=False,
                          model_name=name, dask_wait=dask_wait, retry_failed=True)
        bad = runs[runs["status"] != "ok"]
        if len(bad):
            raise RunFailed(f"{len(bad)} calibration runs failed; first: {bad['error'].iloc[0]}")
        stats = runs.columns[runs.columns.get_loc("error") + 1:]
        return [{c: float(r[c]) for c in stats} for _, r in runs.sort_values("point").iterrows()]

    # pyabc works on [0, 1] for every parameter (its perturbation kernel's covariance is then
    # well conditioned whatever the parameters' units); the runs get the real values
    priors = pyabc.Distribution(**{encode(k): pyabc.RV("uniform", 0.0, 1.0) for k in prior})
    sampler = _sampler_class()(simulate, settings.batch, settings.seed, say)

    def dist(x, x_0):
        return float(distance(x))

    class Refused(pyabc.Model):
        def sample(self, pars):  # the sampler simulates; pyabc never calls this
            raise RunFailed("pyabc simulated outside the runner")

    smc = pyabc.ABCSMC(Refused("model"), priors, dist, population_size=settings.population,
                       sampler=sampler, eps=pyabc.QuantileEpsilon(alpha=settings.alpha))
    db = "sqlite:///" + str((out / HISTORY).resolve())
    if resumed and _history_usable(out / HISTORY):
        history = smc.load(db, 1)
        done = history.max_t + 1
        say(f"resuming after generation {done} of at most {settings.generations}")
    else:
        # a history whose setup an interruption cut short holds no generation: start it again
        # (the runs it asked for are in runs/ and are read back, not run again)
        (out / HISTORY).unlink(missing_ok=True)
        smc.new(db, {"target": 0.0})
        done = 0
    left = settings.generations - done
    if left > 0 and not state.get("finished"):
        history = smc.run(minimum_epsilon=settings.minimum_epsilon, max_nr_populations=left,
                          min_acceptance_rate=settings.min_acceptance,
                          max_total_nr_simulations=np.inf)
        state["finished"] = True
        meta.write_text(json.dumps(state, indent=1, default=repr))
    history = pyabc.History(db)
    history.id = 1
    return AbcResult(posterior_frame(history, prior, log), generations(history), out, resumed)


def _history_usable(path: Path) -> bool:
    """Whether pyabc's history at ``path`` finished its setup (its format version and
    this calibration's run recorded): an interruption during ``ABCSMC.new`` leaves the
    tables empty, which pyabc cannot load."""
    import sqlite3

    if not path.is_file():
        return False
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
            return all(con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] > 0
                       for table in ("version", "abc_smc"))
    except sqlite3.Error:
        return False


def unit_to_value(prior: Mapping[str, tuple[float, float]], name: str, u: float,
                  log: Collection[str] = ()) -> float:
    """A parameter's value from its position in its prior range (0: low, 1: high),
    linear or, for the names in ``log``, geometric."""
    lo, hi = float(prior[name][0]), float(prior[name][1])
    if name in log:
        return float(lo * (hi / lo) ** float(u))
    return lo + float(u) * (hi - lo)


def posterior_frame(history, prior: Mapping[str, tuple[float, float]], log: Collection[str] = ()
                    ) -> pd.DataFrame:
    """The last generation as a table (dotted names, values, normalised ``weight``)."""
    df, w = history.get_distribution(m=0, t=history.max_t)
    df = df.rename(columns=decode).reset_index(drop=True)
    df = df[sorted(df.columns)]
    for k in df.columns:
        df[k] = [unit_to_value(prior, k, u, log) for u in df[k]]
    df["weight"] = np.asarray(w, float) / np.sum(w)
    return df


def generations(history) -> pd.DataFrame:
    """Per generation: tolerance, particles, simulations, acceptance, ESS."""
    from pyabc.weighted_statistics import effective_sample_size

    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0].reset_index(drop=True)
    rows = []
    for r in pops.itertuples():
        _, w = history.get_distribution(m=0, t=int(r.t))
        rows.append({"t": int(r.t) + 1, "epsilon": float(r.epsilon), "particles": int(r.particles),
                     "samples": int(r.samples), "acceptance": int(r.particles) / max(int(r.samples), 1),
                     "ess": float(effective_sample_size(np.asarray(w, float)))})
    return pd.DataFrame(rows)
