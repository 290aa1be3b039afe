"""Calibration: which values of the assumed parameters reproduce the calibration targets?

The calibration targets are a few validation checks (:data:`~.patterns.CALIBRATION`):
the posterior is fitted to them, so they are in-sample; every other validation check
is a prediction. ``ovopsim calibrate`` runs, through the project's runner
(resumable, on processes or Dask):

1. **a screen**: Morris elementary effects of every assumed parameter (each from half
   to twice its default, within its valid range; ``[ranges]`` of the spec may say
   otherwise) on every target's statistic, with common seeds. A parameter is
   calibrated when its mu* on some target is at least ``keep`` of the largest mu* on
   that target: the screen decides what the data can speak to, not a list by hand.
2. **ABC-SMC** (``pyabc``, :func:`ovopsim.experiments.abc.abc_smc`) over the
   screened parameters with priors uniform in the logarithm on the same ranges
   (centred on the default: "within a factor of two of our judgement"). A particle is one
   simulation of every target's pattern arms (common seed across the arms of the
   particle, a fresh seed per particle); its distance is the root sum of squares of
   the targets' misses (:meth:`~.patterns.Check.miss`: how far outside its tolerance,
   in the check's ``scale``). The tolerance falls generation by generation to the
   ``alpha`` quantile of the last one's distances.

The last generation is the posterior: ``ovopsim/data/posterior.csv`` (what
``compare``, ``sweep`` and ``validate`` draw from), its central point the shipped
defaults, and ``docs/CALIBRATION.md`` the report (screen, tolerance schedule,
marginals, correlations, effective sample size). ``--without CASE`` calibrates
without that case study's targets (``ovopsim/data/loco/<case>.csv``): the
leave-one-case-out predictions of ``ovopsim validate`` use it.

    ovopsim calibrate [--quick] [--without CASE | --loco] [--spec FILE] [--work DIR]

(the command is defined with ``ovopsim validate`` in :mod:`.cli`).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from ..config import MAX_MONTHS, Scenario
from ..errors import InputError, load_model, read_toml
from ..experiments.abc import AbcResult, AbcSettings, abc_smc, draw_seed
from ..experiments.ovop import prepare
from ..experiments.registry import register_model
from ..posterior import SHIPPED, from_frame, weighted_quantile
from .core import arm_key, arm_scenario, observe
from .patterns import CALIBRATION, CASES, PATTERNS, Check, Pattern

ROOT = Path(__file__).resolve().parent.parent.parent
SPEC = ROOT / "experiments" / "calibrate.toml"
LOCO_DIR = SHIPPED.parent / "loco"
WORK = Path("results") / "calibration"


# ------------------------------------------------------------------ the spec

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Screen(_Strict):
    trajectories: int = Field(10, ge=2, description="Morris trajectories")
    levels: int = Field(4, ge=2, description="Morris grid levels")
    keep: float = Field(0.5, gt=0, le=1, description="a parameter is calibrated when its mu* on "
                        "some target is at least this share of that target's largest")
    exclude: list[str] = Field(default_factory=list, description="parameters never calibrated")


class Abc(_Strict):
    population: int = Field(200, ge=2)
    generations: int = Field(8, ge=1)
    alpha: float = Field(0.5, gt=0, lt=1)
    min_acceptance: float = Field(0.02, ge=0, lt=1)
    batch: int = Field(100, ge=1)
    minimum_epsilon: float = Field(0.0, description="stop once the tolerance is at or below this; "
                                   "negative: run every generation (those at tolerance 0 refine the "
                                   "proposal and raise the effective sample size)")


class Quick(_Strict):
    """The short version for tests: no screen, a few parameters, tiny generations."""

    months: int = Field(24, ge=12, le=MAX_MONTHS)
    parameters: list[str] = Field(min_length=1)
    population: int = Field(6, ge=2)
    generations: int = Field(2, ge=1)
    batch: int = Field(6, ge=1)


class CalibrationSpec(_Strict):
    """``experiments/calibrate.toml``."""

    seed: int = Field(7, ge=0, description="seed of the screen and of the ABC proposals and runs")
    months: int = Field(60, ge=24, le=MAX_MONTHS)
    screen: Screen = Field(default_factory=Screen)
    abc: Abc = Field(default_factory=Abc)
    loco: Abc = Field(default_factory=lambda: Abc(population=100, generations=6))
    quick: Quick
    ranges: dict[str, tuple[float, float]] = Field(
        default_factory=dict, description="dotted parameter -> [lower, upper] replacing the "
        "default range (half to twice the default)")


def load_spec(path: str | Path = SPEC) -> CalibrationSpec:
    spec = load_model(CalibrationSpec, read_toml(Path(path)), path)
    known = set(candidates())
    for k, (lo, hi) in spec.ranges.items():
        if k not in known:
            raise InputError(path, f"ranges.{k}", "an assumed parameter of the model", k)
        if not lo < hi:
            raise InputError(path, f"ranges.{k}", "[lower, upper] with lower < upper", [lo, hi])
    for where, names in (("screen.exclude", spec.screen.exclude), ("quick.parameters", spec.quick.parameters)):
        for k in names:
            if k not in known:
                raise InputError(path, where, "assumed parameters of the model (section.name)", k)
    return spec


# ------------------------------------------------------------------ what can be calibrated

def candidates() -> dict[str, tuple[float, float]]:
    """Every assumed (or earlier calibrated) real-valued parameter with a non-zero
    default, and its default range: half to twice the default, within its bounds."""
    out = {}
    base = Scenario()
    for section in ("market", "production", "money", "trust", "learning", "government", "ljmp",
                    "world", "network"):
        model = getattr(base, section)
        for name, f in type(model).model_fields.items():
            value = getattr(model, name)
            extra = f.json_schema_extra if isinstance(f.json_schema_extra, dict) else {}
            if extra.get("source") == "field" or not isinstance(value, float) or value == 0:
                continue
            lo, hi = value / 2, value * 2
            for m in f.metadata:
                if getattr(m, "ge", None) is not None:
                    lo = max(lo, m.ge)
                if getattr(m, "gt", None) is not None:
                    lo = max(lo, m.gt * (1 + 1e-9) if m.gt > 0 else 1e-9)
                if getattr(m, "le", None) is not None:
                    hi = min(hi, m.le)
                if getattr(m, "lt", None) is not None:
                    hi = min(hi, m.lt * (1 - 1e-9))
            if lo < hi:
                out[f"{section}.{name}"] = (float(lo), float(hi))
    return out


def prior_ranges(spec: CalibrationSpec, names) -> dict[str, tuple[float, float]]:
    every = {**candidates(), **{k: tuple(v) for k, v in spec.ranges.items()}}
    return {k: every[k] for k in names}


# ------------------------------------------------------------------ targets

@dataclass(frozen=True)
class Target:
    """A calibration target: a validation check of a pattern, and its statistic's name."""

    pattern: Pattern
    check: Check

    @property
    def name(self) -> str:
        return f"{self.pattern.id}_{self.pattern.checks.index(self.check)}"


def targets(without: str | None = None) -> tuple[Target, ...]:
    """The calibration targets, without those of case study ``without``."""
    if without and without not in CASES:
        raise InputError(None, "--without", f"a case study ({', '.join(CASES)})", without)
    leave = set(CASES.get(without, ())) if without else set()
    by_id = {p.id: p for p in PATTERNS}
    out = []
    for pid, label in CALIBRATION:
        if pid in leave:
            continue
        p = by_id[pid]
        out.append(Target(p, next(c for c in p.checks if c.label == label)))
    return tuple(out)


def calibration_stats(params: Mapping[str, object], seed: int) -> dict[str, float]:
    """The runner's model function of the calibration: the targets' statistics of one
    parameter set and their distance to the tolerances.

    ``params``: ``months``; ``without`` (a case study whose targets are left out, or
    ""); ``draw`` (the ABC's simulation number, mixed into the seed; absent in the
    screen, whose points share the seed); and the dotted parameters."""
    params = dict(params)
    months = int(params.pop("months"))
    without = str(params.pop("without", "") or "") or None
    draw = params.pop("draw", None)
    seed = draw_seed(seed, int(draw)) if draw is not None else int(seed)
    out, misses = {}, []
    summaries: dict[str, dict] = {}
    for t in targets(without):
        S = {}
        for arm in t.pattern.arms:
            key = arm_key(arm)
            if key not in summaries:
                summaries[key] = observe(arm_scenario(key, seed, None, params), seed, months)[0]
            S[arm.name] = pd.DataFrame([summaries[key]])
        value = float(t.check.stat(S)[0])
        out[t.name] = value
        misses.append(t.check.miss(value))
    out["distance"] = float(np.sqrt(np.sum(np.square(misses)))) if np.all(np.isfinite(misses)) else 1e9
    return out


register_model("ovop_calibration", calibration_stats, prepare=prepare)


# ------------------------------------------------------------------ the stages

@dataclass
class Calibration:
    """What ``ovopsim calibrate`` produced.

    Attributes:
        names: the calibrated parameters; prior: their ranges.
        screen: per (target, parameter) Morris mu* and its share of the target's
            largest (None in the quick mode).
        abc: the ABC-SMC result (posterior particles, generations).
        targets: the targets fitted.
        without: the case study left out (None: all targets).
    """

    names: list[str]
    prior: dict[str, tuple[float, float]]
    screen: pd.DataFrame | None
    abc: AbcResult
    targets: tuple[Target, ...]
    without: str | None
    months: int


def run_screen(spec: CalibrationSpec, work: Path, **run) -> pd.DataFrame:
    """The Morris screen (resumable in ``work/screen``): one row per (target,
    parameter) with ``mu_star`` and ``share`` (of the target's largest mu*), and
    ``kept``."""
    from ..experiments.sensitivity import Settings, run_sensitivity

    every = {k: v for k, v in prior_ranges(spec, candidates()).items() if k not in spec.screen.exclude}
    problem = {"names": list(every), "bounds": [list(v) for v in every.values()]}
    res = run_sensitivity(problem, calibration_stats, out_dir=work / "screen", method="morris",
                          n=spec.screen.trajectories, seed=spec.seed,
                          fixed={"months": spec.months, "without": ""},
                          settings=Settings(num_levels=spec.screen.levels), convergence=False,
                          plots=False, model_name="ovop_calibration", **run)
    idx = res.indices[(res.indices["index"] == "mu_star") & res.indices["outcome"].isin(
        [t.name for t in targets()])]
    df = idx[["outcome", "parameter", "value"]].rename(columns={"outcome": "target", "value": "mu_star"})
    df["share"] = df["mu_star"] / df.groupby("target")["mu_star"].transform("max").replace(0, np.nan)
    df["share"] = df["share"].fillna(0.0)
    keep = set(df.loc[df["share"] >= spec.screen.keep, "parameter"])
    df["kept"] = df["parameter"].isin(keep)
    return df.reset_index(drop=True)


def screened(screen: pd.DataFrame) -> list[str]:
    """The parameters the screen keeps, in the order of their largest share."""
    best = screen[screen["kept"]].groupby("parameter")["share"].max().sort_values(ascending=False)
    return list(best.index)


def calibrate(spec: CalibrationSpec, *, work: Path = WORK, quick: bool = False, without: str | None = None,
              executor: str = "process", workers: int | None = None, scheduler: str | None = None,
              progress: bool = True, reseed: int = 0) -> Calibration:
    """Screen (or read the screen of an earlier run in ``work``), then ABC-SMC; see the
    module docstring. ``quick``: the spec's ``[quick]`` parameters and budget, no
    screen. ``reseed``: the same calibration with the ABC's seed moved by this much
    (the screen keeps its own), to see how stable the posterior is."""
    run = {"executor": executor, "workers": workers, "scheduler": scheduler, "progress": progress}
    work = Path(work)
    chosen = targets(without)
    if quick:
        names, screen, months = list(spec.quick.parameters), None, spec.quick.months
        q = spec.quick
        settings = AbcSettings(population=q.population, generations=q.generations, batch=q.batch,
                               alpha=spec.abc.alpha, min_acceptance=0.0, seed=spec.seed)
    else:
        screen = run_screen(spec, work, **run)
        names, months = screened(screen), spec.months
        budget = spec.loco if without else spec.abc
        settings = AbcSettings(population=budget.population, generations=budget.generations,
                               alpha=budget.alpha, min_acceptance=budget.min_acceptance, batch=budget.batch,
                               seed=spec.seed + reseed, minimum_epsilon=budget.minimum_epsilon)
    if not names:
        raise InputError(None, "screen.keep", "a share that keeps at least one parameter", spec.screen.keep)
    prior = prior_ranges(spec, names)
    if progress:
        print(f"calibrating {len(names)} parameters on {len(chosen)} targets: {', '.join(names)}",
              file=sys.stderr)
    res = abc_smc(calibration_stats, prior, lambda x: x["distance"], log=list(prior),
                  out_dir=work / ("abc" + (f"-without-{slug(without)}" if without else "")
                                  + ("-quick" if quick else "") + (f"-reseed{reseed}" if reseed else "")),
                  settings=settings, fixed={"months": months, "without": without or ""},
                  model_name="ovop_calibration", **run)
    return Calibration(names, prior, screen, res, chosen, without, months)


def slug(case: str) -> str:
    return case.lower().replace(" ", "_")


def loco_path(case: str) -> Path:
    return LOCO_DIR / f"{slug(case)}.csv"


def loco_cases() -> list[str]:
    """The case studies with calibration targets (leaving out another changes nothing)."""
    have = {t.pattern.id for t in targets()}
    return [c for c, pids in CASES.items() if have & set(pids)]


def write_posterior(cal: Calibration, path: Path) -> Path:
    """The posterior file: a ``weight`` column and one per parameter (dotted names)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    df = cal.abc.particles[[*cal.names, "weight"]]
    df.to_csv(path, index=False, float_format="%.17g")
    return path


# ------------------------------------------------------------------ the report

def marginals(cal: Calibration) -> pd.DataFrame:
    """Per parameter: prior range, posterior mean, median (not the shipped default: that is
    the central point, :meth:`ovopsim.posterior.Posterior.central`),
    5-95% interval and how much of the prior range the data rule out."""
    p = cal.abc.particles
    w = p["weight"].to_numpy()
    rows = []
    for k in cal.names:
        x = p[k].to_numpy()
        lo, hi = cal.prior[k]
        q05, q50, q95 = weighted_quantile(x, w, [0.05, 0.5, 0.95])
        # on the prior's own (logarithmic) scale, where its 5-95% range is 90% of its width
        width = (np.log(q95) - np.log(q05)) / (np.log(hi) - np.log(lo))
        rows.append({"parameter": k, "prior_lo": lo, "prior_hi": hi, "mean": float(np.average(x, weights=w)),
                     "median": float(q50), "q05": float(q05), "q95": float(q95),
                     "narrowing": 1 - width / 0.9})
    return pd.DataFrame(rows)


def correlations(cal: Calibration) -> pd.DataFrame:
    """Weighted correlation matrix of the posterior particles."""
    p = cal.abc.particles
    x = p[cal.names].to_numpy()
    c = np.cov(x, rowvar=False, aweights=p["weight"].to_numpy())
    c = np.atleast_2d(c)
    d = np.sqrt(np.diag(c))
    return pd.DataFrame(c / np.outer(d, d), index=cal.names, columns=cal.names)


def figure(cal: Calibration, path: Path) -> Path:
    """Posterior marginals (weighted histograms) over their prior ranges."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    p = cal.abc.particles
    n = len(cal.names)
    cols = min(4, n)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.0 * cols, 2.3 * rows), squeeze=False)
    for ax, k in zip(axes.flat, cal.names, strict=False):
        lo, hi = cal.prior[k]
        ax.hist(p[k], bins=20, range=(lo, hi), weights=p["weight"], color="C0", alpha=0.8)
        ax.axvline(weighted_quantile(p[k].to_numpy(), p["weight"].to_numpy(), 0.5)[0], color="C3", lw=1.2)
        ax.set_xlim(lo, hi)
        ax.set_yticks([])
        ax.set_title(k, fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _g(x: float) -> str:
    return f"{x:.3g}"


def report(cal: Calibration, out: Path, *, command: str, runtime: float,
           loco: Mapping[str, Calibration] | None = None, again: Calibration | None = None,
           spec: str = "experiments/calibrate.toml", posterior: str | None = None) -> Path:
    """``out/CALIBRATION.md`` and its figure. ``spec``: the calibration spec it ran;
    ``posterior``: where its posterior was written when not to the shipped place (the
    shipped defaults are then not its central point)."""
    out.mkdir(parents=True, exist_ok=True)
    gens = cal.abc.generations
    marg = marginals(cal)
    corr = correlations(cal)
    fig = figure(cal, out / "figures" / "calibration.png")
    last = gens.iloc[-1]
    lines = ["# Calibration: the posterior", "", f"<!-- generated by `{command}`; do not edit by hand -->", "",
             "Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC, `pyabc`), every "
             "simulation through the project's runner. The **targets** (in-sample; every other "
             "validation check is a prediction, docs/VALIDATION.md):", ""]
    lines += [f"- {t.pattern.id} ({t.pattern.source}): {t.check.label}; tolerance {t.check.describe_tolerance()}, "
              f"a miss counted in units of {t.check.scale:g}" for t in cal.targets]
    lines += ["", f"A particle is one simulation of the targets' arms ({cal.months} months after the "
              "warm-up, one seed for all arms of a particle, a fresh seed per particle); its distance is "
              "the root sum of squares of the targets' misses (0: every target inside its tolerance). "
              f"Runtime {runtime / 60:.0f} min." if runtime >= 120 else f"Runtime {runtime:.0f} s.", ""]
    if cal.screen is not None:
        kept = cal.screen[cal.screen["kept"]]
        n_screened = cal.screen["parameter"].nunique()
        lines += ["## Which parameters: the screen", "",
                  f"Morris elementary effects of {n_screened} assumed parameters (each from half to twice "
                  f"its default within its valid range, unless `{spec}` says otherwise) "
                  "on each target, with common seeds. A parameter is calibrated when its mu* on some "
                  "target reaches the spec's share of that target's largest mu*. Kept: "
                  f"**{len(cal.names)}**; the others keep their defaults (docs/ODD.md).", "",
                  "| parameter | target | mu* | share of the target's largest |", "|---|---|---|---|"]
        for r in kept.sort_values(["parameter", "share"], ascending=[True, False]).itertuples():
            lines.append(f"| {r.parameter} | {r.target} | {_g(r.mu_star)} | {r.share:.2f} |")
        lines.append("")
    lines += ["## The tolerance schedule", "",
              "| generation | tolerance | particles | simulations | acceptance | effective sample size |",
              "|---|---|---|---|---|---|"]
    for r in gens.itertuples():
        lines.append(f"| {r.t} | {r.epsilon:.3g} | {r.particles} | {r.samples} | {r.acceptance:.2f} | "
                     f"{r.ess:.0f} |")
    lines += ["", f"The posterior is the last generation: {int(last.particles)} weighted particles, "
              f"effective sample size {last.ess:.0f}, tolerance {last.epsilon:.3g}. "
              + ("**The shipped defaults are its central point**, the weighted medoid (the particle "
                 "nearest, on average, to all the others: `ovopsim.posterior.Posterior.central`; "
                 "`ovopsim/config.py`, source \"calibrated\"; `ovopsim/data/posterior.csv`). "
                 if posterior is None else
                 f"It is written to `{posterior}`; its central point, the weighted medoid (the particle "
                 "nearest, on average, to all the others: `ovopsim.posterior.Posterior.central`), is the "
                 "last column below. The shipped defaults and posterior are not changed by this run. ")
              + "The parameters' medians are not used: where the targets rule out a middle region they "
              "combine into a point the calibration never accepted.", "",
              "## Marginals", "",
              "| parameter | prior | posterior mean | median | 5-95% | narrowing | default (central point) |",
              "|---|---|---|---|---|---|---|"]
    centre = from_frame(cal.abc.particles).central()
    for r in marg.itertuples():
        lines.append(f"| {r.parameter} | [{_g(r.prior_lo)}, {_g(r.prior_hi)}] | {_g(r.mean)} | {_g(r.median)} | "
                     f"[{_g(r.q05)}, {_g(r.q95)}] | {r.narrowing:.2f} | {_g(centre[r.parameter])} |")
    lines += ["", "Narrowing = 1 - (posterior 5-95% width) / (the prior's 5-95% width), both on the "
              "prior's logarithmic scale: 0 means the targets say nothing about the parameter, 1 that "
              "they pin it down.", "",
              f"![posterior marginals]({fig.relative_to(out).as_posix()})", "", "## Correlations", "",
              "Weighted correlations of the posterior particles (a strong one means the targets fix a "
              "combination of the two, not each):", "",
              "| | " + " | ".join(c.split(".")[-1] for c in corr.columns) + " |",
              "|---|" + "---|" * len(corr.columns)]
    for k, row in corr.iterrows():
        lines.append(f"| {k} | " + " | ".join(f"{v:+.2f}" for v in row) + " |")
    if again is not None:
        other = marginals(again).set_index("parameter")
        g = again.abc.generations.iloc[-1]
        lines += ["", "## Stability: the same calibration with another seed", "",
                  f"Another seed for the proposals and the runs ({int(g.t)} generations, tolerance "
                  f"{g.epsilon:.3g}, effective sample size {g.ess:.0f}): how much the shipped summary "
                  "moves by chance. Shift = difference of the medians over the prior width.", "",
                  "| parameter | median: shipped | median: other seed | 5-95%: other seed | shift |",
                  "|---|---|---|---|---|"]
        for r in marg.itertuples():
            o = other.loc[r.parameter]
            lines.append(f"| {r.parameter} | {_g(r.median)} | {_g(o['median'])} | [{_g(o['q05'])}, {_g(o['q95'])}] "
                         f"| {(o['median'] - r.median) / (r.prior_hi - r.prior_lo):+.2f} |")
    if loco:
        lines += ["", "## Leave one case out", "",
                  "Calibrations without one case study's targets (`ovopsim calibrate --loco`); "
                  "`ovopsim validate` predicts the left-out case's checks from them.", "",
                  "| left out | targets kept | generations | last tolerance | effective sample size | "
                  + " | ".join(f"median {k.split('.')[-1]}" for k in cal.names) + " |",
                  "|---|---|---|---|---|" + "---|" * len(cal.names)]
        for case, lc in loco.items():
            g = lc.abc.generations.iloc[-1]
            med = marginals(lc).set_index("parameter")["median"]
            lines.append(f"| {case} | {', '.join(t.name for t in lc.targets)} | {int(g.t)} | {g.epsilon:.3g} | "
                         f"{g.ess:.0f} | " + " | ".join(_g(med.get(k, np.nan)) for k in cal.names) + " |")
    md = out / "CALIBRATION.md"
    md.write_text("\n".join(lines) + "\n")
    return md


def summary_json(cal: Calibration) -> str:
    return json.dumps({"parameters": cal.names, "generations": cal.abc.generations.to_dict("records")},
                      indent=1, default=float)


# ------------------------------------------------------------------ leave one case out

def leave_one_case_out(main, *, replicates: int, months: int, workers: int = 1,
                       root_seed: int = 20250101, cases=None, work=None) -> pd.DataFrame:
    """Each case study's validation checks predicted without its own calibration
    targets: with the posterior calibrated without them (``ovopsim calibrate --loco``)
    for a case that has targets, else with the main posterior (which never saw the
    case). ``main`` is the :class:`~.core.Validation` of the main posterior; ``cases``
    (default all) the case studies to leave out. One row per check: ``case,
    posterior`` and the validation table's columns."""
    from .core import validate
    from .patterns import VALIDATION

    rows = []
    have = loco_cases()
    for case, pids in CASES.items():
        if cases is not None and case not in cases:
            continue
        if case in have:
            path = loco_path(case)
            if not path.is_file():
                raise InputError(path, "", "the posterior calibrated without this case "
                                 "(ovopsim calibrate --loco)", "no such file")
            pats = [p for p in PATTERNS if p.id in pids]
            t = validate(pats, replicates=replicates, months=months, workers=workers, root_seed=root_seed,
                         posterior=str(path), with_alternatives=False, work=work).table
            src = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
        else:
            t = main.table[main.table["pattern"].isin(pids)]
            src = "the main posterior (no target of this case)"
        t = t[t["kind"] == VALIDATION]
        rows.append(t.assign(case=case, posterior=src))
    return pd.concat(rows, ignore_index=True)
