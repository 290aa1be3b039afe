"""What a headline result depends on: Sobol' indices of the calibrated parameters.

A headline is a result a planner quotes: the Blitar programme's income gain, the
cost of a budget cut, the LJMP's effect. Each is a paired contrast of two arms run
with the same seed. Its Sobol' indices (Saltelli sampling, through the project's
runner and :func:`~ovopsim.experiments.sensitivity.run_sensitivity`) are taken
over the posterior: every calibrated parameter is drawn from its posterior
marginal (the weighted particles' distribution function, inverted), the marginals
taken as independent, the others at their defaults. S1 is the share of the
result's variance a parameter explains alone, ST with its interactions; what no
parameter explains (1 - sum S1) is interactions and the replicates' chance.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..experiments.ovop import prepare
from ..experiments.registry import register_model
from ..posterior import Posterior
from ..simulation import no_programme, run
from .core import arm_key, arm_scenario
from .patterns import SINGKAWANG_NO_LJMP, Arm, summarise


@dataclass(frozen=True)
class Headline:
    """A paired contrast a planner quotes.

    Attributes:
        name: its key; question: what it measures, in words.
        arm, base: the two arms (``base`` None: the arm's world without its programme).
        outcome: the run summary compared; relative: ``arm / base - 1`` (else ``arm - base``).
    """

    name: str
    question: str
    arm: Arm
    base: Arm | None
    outcome: str
    relative: bool


HEADLINES: tuple[Headline, ...] = (
    Headline("blitar_gain", "Blitar's programme: income gain over the same villages without it "
             "(last 12 months, programme / none - 1)", Arm("blitar", "blitar_batik"), None, "income", True),
    Headline("budget_cut_cost", "the cost of a 50% budget cut in Blitar (income growth without the cut "
             "minus with it)", Arm("blitar", "blitar_batik"),
             Arm("cut50", "blitar_budget_cut", {"interventions.budget_cut.share": 0.5}), "income_growth", False),
    Headline("ljmp_effect", "Singkawang's LJMP: income with it over without it (last 12 months, - 1)",
             Arm("ljmp", "singkawang_ljmp"), Arm("no_ljmp", "singkawang_ljmp", SINGKAWANG_NO_LJMP),
             "income", True),
)
BY_NAME = {h.name: h for h in HEADLINES}


def effect(params: Mapping[str, object], seed: int) -> dict[str, float]:
    """The runner's model function: a headline (``params["headline"]``) under the
    dotted parameters of ``params``, both arms with ``seed``; ``months``."""
    params = dict(params)
    h = BY_NAME[str(params.pop("headline"))]
    months = int(params.pop("months"))
    sc = arm_scenario(arm_key(h.arm), seed, None, params)
    base = no_programme(sc) if h.base is None else arm_scenario(arm_key(h.base), seed, None, params)
    a, b = (summarise(run(s, seed=int(seed), months=months, check_accounting=False, share_warmup=True,
                          scorecard=False).monthly)[h.outcome] for s in (sc, base))
    return {"effect": a / b - 1 if h.relative else a - b}


register_model("ovop_headline", effect, prepare=prepare)


def inverse_marginals(post: Posterior):
    """Column j of a unit sample -> quantiles of the posterior's marginal j (the
    weighted particles' distribution function, linearly interpolated)."""
    def f(U: np.ndarray) -> np.ndarray:
        out = np.empty_like(U, dtype=float)
        for j in range(U.shape[1]):
            x = post.values[:, j]
            order = np.argsort(x, kind="stable")
            cum = np.cumsum(post.weights[order])
            mid = cum - post.weights[order] / 2  # each particle at the middle of its weight
            out[:, j] = np.interp(U[:, j], mid / cum[-1], x[order])
        return out
    return f


#: Saltelli base samples and replicates per point of ``ovopsim validate``'s tables
#: (256 x 11 points x 2 replicates x 2 arms per headline: about 11,000 runs in all)
SAMPLES, REPLICATES = 256, 2


def depends(post: Posterior, *, work: Path, n: int = SAMPLES, replicates: int = REPLICATES, months: int = 60,
            seed: int = 3, executor: str = "process", workers: int | None = None,
            scheduler: str | None = None, progress: bool = True) -> pd.DataFrame:
    """Per headline and calibrated parameter: S1 and ST with their 95% half-widths,
    and the headline's mean and spread over the sample (resumable in ``work``)."""
    from ..experiments.sensitivity import Settings, run_sensitivity

    names = list(post.names)
    problem = {"names": names, "bounds": [[0.0, 1.0]] * len(names)}
    frames = []
    for h in HEADLINES:
        res = run_sensitivity(problem, effect, out_dir=Path(work) / h.name, method="sobol", n=n,
                              outcomes=["effect"], replicates=replicates, seed=seed,
                              fixed={"headline": h.name, "months": months},
                              settings=Settings(second_order=False), convergence=False, plots=False,
                              executor=executor, workers=workers, scheduler=scheduler, progress=progress,
                              model_name="ovop_headline", marginals=inverse_marginals(post))
        idx = res.indices[res.indices["index"].isin(["S1", "ST"])]
        wide = idx.pivot_table(index="parameter", columns="index", values=["value", "conf"], sort=False)
        df = pd.DataFrame({"headline": h.name, "parameter": wide.index,
                           "S1": wide[("value", "S1")].to_numpy(), "S1_conf": wide[("conf", "S1")].to_numpy(),
                           "ST": wide[("value", "ST")].to_numpy(), "ST_conf": wide[("conf", "ST")].to_numpy()})
        y = res.runs.loc[res.runs["status"] == "ok", "effect"]
        df["mean"], df["sd"] = float(y.mean()), float(y.std(ddof=1))
        frames.append(df.sort_values("ST", ascending=False))
    return pd.concat(frames, ignore_index=True)
