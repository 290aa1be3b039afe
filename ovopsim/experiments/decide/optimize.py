"""``ovopsim optimize SPEC``: search over budget mixes (and the other levers).

The search is pymoo's NSGA-II (several objectives) or its genetic algorithm (one
objective, with constraints), driven in ask-and-tell form: each generation's
candidates are asked for, run through :func:`~ovopsim.experiments.runner.run_design`
(any executor) over the spec's replicates with common random numbers, and their
replicate means told back. Uncertainties are held at their ``reference`` values
(or the scenario's): the search optimises for that reference future; ``ovopsim
robust`` then tests its results across many.

Resuming
--------
Generation g is an experiment of its own in ``generations/NNNN/`` (the runner's
store: manifest, Parquet parts). The algorithm is seeded and deterministic, so a
rerun replays the search from generation 0: generations already run are read
back from their folders (no run is done twice), an interrupted one resumes where
it stopped, and the search goes on. A run killed with ``kill -9`` loses only the
runs that had not finished. A replay that asks for other candidates than the
folder holds (another pymoo version, an edited spec) is refused by the store.

Files
-----
``evaluations.csv/.parquet``
    every candidate evaluated: generation, candidate, ``share.<programme>``,
    ``lever.<name>``, per outcome its replicate mean and 95% interval
    (``<o>``, ``<o>_low``, ``<o>_high``), ``feasible`` (the constraints hold).
``pareto.csv/.parquet``
    the non-dominated feasible candidates over all generations (one objective:
    the best), labelled ``P1``, ``P2``, ... in order of the first objective.
``convergence.csv/.parquet``
    per generation: evaluations so far, the hypervolume of the non-dominated set
    so far (objectives normalised to [0, 1] over every evaluation, reference point
    1.1 in each; several objectives only) and the best value of each objective so far.
``optimize.json``
    the spec's text and hash, objectives, constraints, settings, versions.
``figures/pareto.png``, ``figures/convergence.png``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ovopsim.errors import InputError
from ovopsim.output import write_table

from ..executors import DASK_WAIT
from .common import default_root, evaluate, executor_options, oriented, point_stats
from .conditions import Condition
from .levers import Encoding
from .spec import DecisionSpec, as_decision

GENERATIONS = "generations"


@dataclass
class OptimizeResult:
    evaluations: pd.DataFrame
    pareto: pd.DataFrame
    convergence: pd.DataFrame
    out_dir: Path
    files: list[Path] = field(default_factory=list)


def make_algorithm(spec: DecisionSpec, encoding: Encoding):
    """The pymoo algorithm the spec names, with the budget-mix repair."""
    from pymoo.core.repair import Repair

    class SimplexRepair(Repair):
        def _do(self, problem, X, **kwargs):
            return encoding.repair(X)

    opt = spec.optimize
    if opt.algorithm == "ga":
        from pymoo.algorithms.soo.nonconvex.ga import GA

        return GA(pop_size=opt.population, repair=SimplexRepair(), eliminate_duplicates=True)
    from pymoo.algorithms.moo.nsga2 import NSGA2

    return NSGA2(pop_size=opt.population, repair=SimplexRepair(), eliminate_duplicates=True)


def constraint_values(conditions: list[Condition], table: pd.DataFrame) -> np.ndarray:
    """pymoo's G (<= 0 where a condition holds), one column per condition."""
    if not conditions:
        return np.zeros((len(table), 0))
    return np.column_stack([-c.slack(table[c.name]) for c in conditions])


def optimize(spec_or_path, *, out_dir: str | Path | None = None, executor: str = "process",
             workers: int | None = None, scheduler: str | None = None,
             dask_local: int | None = None, progress: bool = True,
             retry_failed: bool = False, dask_wait: float = DASK_WAIT,
             chunk_size: int | None = None) -> OptimizeResult:
    """Run (or resume) the search a decision spec describes; see the module docstring."""
    from pymoo.core.evaluator import Evaluator
    from pymoo.core.problem import Problem
    from pymoo.problems.static import StaticProblem
    from tqdm.auto import tqdm

    spec = as_decision(spec_or_path)
    out = Path(out_dir) if out_dir is not None else default_root(spec) / "optimize"
    if out.is_dir() and not (out / GENERATIONS).is_dir() and any(out.iterdir()):
        raise InputError(None, "--out", "a new or empty directory (or a search to resume)",
                         f"{out}, which holds other files and no {GENERATIONS}/ of a search")
    options = executor_options(executor, workers, scheduler, dask_local, retry_failed,
                               dask_wait, chunk_size)
    enc = Encoding(spec)
    objectives, directed = spec.objectives(), spec.directed()
    outcomes = list(spec.outcomes)
    conditions = spec.constraints
    xl, xu = enc.bounds()
    problem = Problem(n_var=enc.n_var, n_obj=len(objectives), n_ieq_constr=len(conditions),
                      xl=xl, xu=xu)
    algorithm = make_algorithm(spec, enc)
    algorithm.setup(problem, termination=("n_gen", spec.optimize.generations),
                    seed=spec.experiment.seed, verbose=False)
    fixed = {**spec.fixed_parameters(), **spec.reference_future()}
    tables = []
    bar = tqdm(total=spec.optimize.generations, unit="generation", desc="search",
               disable=not progress, dynamic_ncols=True)
    try:
        gen = 0
        while algorithm.has_next():
            pop = algorithm.ask()
            X = enc.repair(pop.get("X"))
            pop.set("X", X)
            cands = [enc.decode(x) for x in X]
            # each generation's runs counted as they finish, under the search's bar
            runs = evaluate(spec, [enc.params(s, v) for s, v in cands], out / GENERATIONS / f"{gen:04d}",
                            fixed, {**options, "progress": progress,
                                    "progress_label": f"generation {gen + 1}/{spec.optimize.generations}"})
            stats = point_stats(runs, outcomes)
            F = oriented(stats, objectives, directed)
            G = constraint_values(conditions, stats)
            kwargs = {"F": F, "G": G} if conditions else {"F": F}
            Evaluator().eval(StaticProblem(problem, **kwargs), pop)
            algorithm.tell(infills=pop)
            cols = pd.DataFrame([enc.columns(s, v) for s, v in cands])
            table = pd.concat([pd.DataFrame({"generation": gen, "candidate": range(len(X))}),
                               cols, stats.drop(columns="point")], axis=1)
            table["feasible"] = (G <= 0).all(axis=1)
            tables.append(table)
            gen += 1
            bar.update(1)
    finally:
        bar.close()
    evaluations = pd.concat(tables, ignore_index=True)
    pareto = pareto_set(evaluations, objectives, directed)
    convergence = convergence_record(evaluations, objectives, directed)
    files = write_outputs(spec, out, evaluations, pareto, convergence)
    return OptimizeResult(evaluations, pareto, convergence, out, files)


def nondominated(F: np.ndarray) -> np.ndarray:
    """Indices of the rows of F (minimised) no other row dominates."""
    from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

    if len(F) == 0:
        return np.zeros(0, int)
    return np.sort(NonDominatedSorting().do(F, only_non_dominated_front=True))


def pareto_set(evaluations: pd.DataFrame, objectives: list[str],
               directed: dict[str, str]) -> pd.DataFrame:
    """The non-dominated feasible candidates (one objective: the best one), each mix
    once, ordered by the first objective (best first) and labelled P1, P2, ..."""
    feas = evaluations[evaluations["feasible"]].reset_index(drop=True)
    keys = [c for c in feas.columns if c.startswith(("share.", "lever."))]
    feas = feas.drop_duplicates(subset=keys, keep="first").reset_index(drop=True)
    F = oriented(feas, objectives, directed)
    if len(objectives) == 1:
        idx = np.array([int(np.argmin(F[:, 0]))]) if len(F) else np.zeros(0, int)
    else:
        idx = nondominated(F)
    front = feas.iloc[idx].copy()
    order = np.argsort(oriented(front, objectives[:1], directed)[:, 0], kind="stable")
    front = front.iloc[order].reset_index(drop=True)
    front.insert(0, "label", [f"P{i + 1}" for i in range(len(front))])
    return front


def hypervolume(F: np.ndarray, ref: np.ndarray) -> float:
    import moocore

    if len(F) == 0:
        return 0.0
    keep = (F < ref).all(axis=1)
    return float(moocore.hypervolume(F[keep], ref=ref)) if keep.any() else 0.0


def convergence_record(evaluations: pd.DataFrame, objectives: list[str],
                       directed: dict[str, str]) -> pd.DataFrame:
    """Per generation: evaluations so far, hypervolume of the feasible non-dominated set
    so far (normalised objectives, reference point 1.1) and each objective's best."""
    feas = evaluations["feasible"].to_numpy()
    F = oriented(evaluations, objectives, directed)
    lo = F[feas].min(axis=0) if feas.any() else np.zeros(len(objectives))
    hi = F[feas].max(axis=0) if feas.any() else np.ones(len(objectives))
    span = np.where(hi > lo, hi - lo, 1.0)
    Fn = (F - lo) / span
    ref = np.full(len(objectives), 1.1)
    rows = []
    for g in sorted(evaluations["generation"].unique()):
        upto = (evaluations["generation"].to_numpy() <= g) & feas
        row = {"generation": int(g), "evaluations": int((evaluations["generation"] <= g).sum()),
               "feasible": int(upto.sum())}
        if len(objectives) > 1:
            row["hypervolume"] = (hypervolume(Fn[upto][nondominated(Fn[upto])], ref)
                                  if upto.any() else 0.0)
        for j, o in enumerate(objectives):
            best = F[upto, j].min() if upto.any() else np.nan
            row[f"best_{o}"] = -best if directed[o] == "max" else best
        rows.append(row)
    return pd.DataFrame(rows)


def spec_provenance(spec: DecisionSpec) -> dict:
    """The spec file's text and hash, the scenario file's hash, and package versions."""
    from ..store import file_digest, provenance

    text = spec.file.read_text() if spec.file is not None else json.dumps(
        spec.model_dump(mode="json"), sort_keys=True)
    scenario = Path(spec.path(spec.experiment.scenario)) if spec.experiment.scenario is not None else None
    return {"spec_file": str(spec.file) if spec.file is not None else None,
            "spec_sha256": hashlib.sha256(text.encode()).hexdigest(), "spec_text": text,
            "scenario_sha256": file_digest(scenario) if scenario is not None and scenario.is_file() else None,
            **provenance()}


def write_outputs(spec: DecisionSpec, out: Path, evaluations: pd.DataFrame,
                  pareto: pd.DataFrame, convergence: pd.DataFrame) -> list[Path]:
    from ovopsim.output import write_json

    from .. import plots

    files = write_table(evaluations, out / "evaluations") + write_table(pareto, out / "pareto")
    files += write_table(convergence, out / "convergence")
    meta = {"objectives": spec.objectives(), "directions": spec.directed(),
            "constraints": [str(c) for c in spec.constraints],
            "algorithm": spec.optimize.algorithm, "population": spec.optimize.population,
            "generations": spec.optimize.generations, "replicates": spec.experiment.replicates,
            "root_seed": spec.experiment.seed, "programmes": spec.programmes,
            "budget_total": spec.budget.total if spec.budget is not None else None,
            "reference_future": spec.reference_future(), **spec_provenance(spec)}
    files.append(write_json(meta, out / "optimize.json"))
    (out / "figures").mkdir(exist_ok=True)
    files += plots.pareto_figure(evaluations, pareto, spec.objectives(), spec.directed(),
                                 out / "figures" / "pareto.png")
    files += plots.convergence_figure(convergence, out / "figures" / "convergence.png")
    return files
