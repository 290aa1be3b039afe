"""Analytic test models with known sensitivity indices, registered for the tests.

They check the experiment machinery (designs, executors, the result store,
sensitivity methods) against exact answers; they are not part of the package.
Importing this module registers them (``tests/conftest.py`` does, and so does
``python -m tests.cli``, the experiment commands with these models available).
The specs that use them are in ``tests/specs/``.

All follow the runner's contract ``fn(params: dict, seed: int) -> {outcome: value}``
and live at module level so they pickle.

Ishigami (a=7, b=0.1) on x1, x2, x3 ~ U(-pi, pi): analytic Sobol' indices
S1 = (0.3139, 0.4424, 0.0), ST = (0.5576, 0.4424, 0.2437), S13 = 0.2437.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ovopsim.experiments.registry import register_model

A, B = 7.0, 0.1


def ishigami_indices(a: float = A, b: float = B) -> dict[str, dict[str, float]]:
    """Analytic first-order, total and S13 Sobol' indices of the Ishigami function."""
    v1 = 0.5 * (1 + b * math.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * math.pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return {"S1": {"x1": v1 / v, "x2": v2 / v, "x3": 0.0},
            "ST": {"x1": (v1 + v13) / v, "x2": v2 / v, "x3": v13 / v},
            "S2": {"x1,x3": v13 / v}}


def ishigami(params: Mapping[str, float], seed: int, a: float = A, b: float = B) -> dict:
    """y = sin x1 + a sin^2 x2 + b x3^4 sin x1 (deterministic; seed unused)."""
    x1, x2, x3 = float(params["x1"]), float(params["x2"]), float(params["x3"])
    return {"y": math.sin(x1) + a * math.sin(x2) ** 2 + b * x3**4 * math.sin(x1)}


def ishigami_noisy(params: Mapping[str, float], seed: int, noise: float = 0.5) -> dict:
    """Ishigami plus N(0, noise^2) drawn from ``seed`` (a stochastic model)."""
    y = ishigami(params, seed)["y"] + noise * np.random.default_rng(seed).standard_normal()
    return {"y": float(y)}


def ishigami_series(params: Mapping[str, float], seed: int) -> pd.DataFrame:
    """A time series y(t) = t/months * ishigami (t = 1..months) plus z(t) = t * x1."""
    months = int(params.get("months", 12))
    y = ishigami(params, seed)["y"]
    t = np.arange(1, months + 1)
    return pd.DataFrame({"t": t, "y": y * t / months, "z": t * float(params["x1"])})


def sobol_g(params: Mapping[str, float], seed: int,
            a: Sequence[float] = (0, 1, 4.5, 9, 99, 99, 99, 99)) -> dict:
    """Sobol' G function on x1..xk in [0, 1] (k = number of x* parameters, <= len(a))."""
    xs = sorted((k for k in params if k.startswith("x") and k[1:].isdigit()),
                key=lambda k: int(k[1:]))
    g = 1.0
    for i, k in enumerate(xs):
        g *= (abs(4 * float(params[k]) - 2) + a[i]) / (1 + a[i])
    return {"y": g}


def sobol_g_indices(a: Sequence[float]) -> dict[str, list[float]]:
    """Analytic first-order and total indices of the G function."""
    v = [1 / (3 * (1 + ai) ** 2) for ai in a]
    total = math.prod(1 + vi for vi in v) - 1
    return {"S1": [vi / total for vi in v],
            "ST": [vi * math.prod(1 + vj for j, vj in enumerate(v) if j != i) / total
                   for i, vi in enumerate(v)]}


def ishigami_slow(params: Mapping[str, float], seed: int) -> dict:
    """Ishigami after sleeping ``params['delay']`` seconds (default 0.02): a stand-in
    for a real simulation in timing and kill/resume tests."""
    time.sleep(float(params.get("delay", 0.02)))
    return ishigami(params, seed)


def ishigami_busy(params: Mapping[str, float], seed: int) -> dict:
    """Ishigami after spinning the CPU for ``params['delay']`` seconds (default 0.02)."""
    end = time.perf_counter() + float(params.get("delay", 0.02))
    while time.perf_counter() < end:
        pass
    return ishigami(params, seed)


def ishigami_failing(params: Mapping[str, float], seed: int) -> dict:
    """Raises ValueError when x1 > ``params['fail_above']`` (default 2.0)."""
    if float(params["x1"]) > float(params.get("fail_above", 2.0)):
        raise ValueError(f"x1={params['x1']} is too large")
    return ishigami(params, seed)


def ishigami_crashing(params: Mapping[str, float], seed: int) -> dict:
    """Kills its own process (os._exit) when x1 > ``params['crash_above']`` (default 2.0)
    and, if ``params['crash_flag']`` names a file, only while that file exists."""
    flag = params.get("crash_flag")
    armed = flag is None or os.path.exists(str(flag))
    if armed and float(params["x1"]) > float(params.get("crash_above", 2.0)):
        os._exit(7)
    return ishigami(params, seed)


def ishigami_flaky(params: Mapping[str, float], seed: int) -> dict:
    """Raises ValueError when x1 > ``params['fail_above']`` (default 2.0) while the file
    ``params['fail_flag']`` exists: a failure that goes away (retrying failed runs)."""
    if os.path.exists(str(params["fail_flag"])) and float(params["x1"]) > float(
            params.get("fail_above", 2.0)):
        raise ValueError(f"x1={params['x1']} failed while {params['fail_flag']} exists")
    return ishigami(params, seed)


def ishigami_frozen(params: Mapping[str, float], seed: int) -> dict:
    """:func:`ishigami` and how many objects the process keeps out of garbage
    collection (``gc.get_freeze_count``)."""
    import gc

    return {**ishigami(params, seed), "frozen": float(gc.get_freeze_count())}


def normal_sample(params: Mapping[str, float], seed: int, n: int = 40) -> dict:
    """Mean and standard deviation of ``n`` draws from N(mu, sigma): a stochastic model
    whose parameters calibration must recover. ``draw`` (ABC's simulation number) is
    mixed into the seed, as the calibration's model functions do."""
    from ovopsim.experiments.abc import draw_seed

    rng = np.random.default_rng(draw_seed(seed, int(params.get("draw", 0))))
    x = float(params["mu"]) + float(params["sigma"]) * rng.standard_normal(n)
    return {"mean": float(x.mean()), "sd": float(x.std(ddof=1))}


def normal_sample_stopping(params: Mapping[str, float], seed: int) -> dict:
    """:func:`normal_sample` that fails from ABC generation ``stop_generation`` on while
    the file ``stop_flag`` exists (an interrupted calibration, to resume)."""
    from ovopsim.experiments.abc import generation_of

    if os.path.exists(str(params["stop_flag"])) and \
            generation_of(int(params["draw"])) >= int(params["stop_generation"]):
        raise RuntimeError("interrupted")
    return normal_sample(params, seed)


# --------------------------------------------------------------------------- registration


_X3 = ("x1", "x2", "x3")
register_model("ishigami", ishigami, parameters=_X3, outcomes=("y",))
register_model("ishigami_noisy", ishigami_noisy, parameters=_X3, outcomes=("y",))
register_model("ishigami_series", ishigami_series, parameters=_X3, outcomes=("y", "z"))
register_model("ishigami_slow", ishigami_slow, parameters=(*_X3, "delay"), outcomes=("y",))
register_model("ishigami_busy", ishigami_busy, parameters=(*_X3, "delay"), outcomes=("y",))
register_model("ishigami_failing", ishigami_failing, parameters=(*_X3, "fail_above"),
               outcomes=("y",))
register_model("ishigami_crashing", ishigami_crashing, parameters=(*_X3, "crash_above", "crash_flag"),
               outcomes=("y",))
register_model("ishigami_flaky", ishigami_flaky, parameters=(*_X3, "fail_above", "fail_flag"),
               outcomes=("y",))
register_model("sobol_g", sobol_g, outcomes=("y",))
register_model("normal_sample", normal_sample, outcomes=("mean", "sd"))
register_model("normal_sample_stopping", normal_sample_stopping, outcomes=("mean", "sd"))


# --------------------------------------------------------------------------- budget allocation
# A separable concave budget-allocation problem with a known optimum: programme k given
# x_k Rp returns a_k * sqrt(x_k) of income and c_k * sqrt(x_k) of jobs. Maximising
# sum_k a_k sqrt(x_k) subject to sum_k x_k = B gives x_k = B a_k^2 / sum_j a_j^2
# (equal marginal returns a_k / (2 sqrt(x_k))). Runs get budget.<k> = x_k (the
# registry's default for a model without an ``allocate`` hook).

BUDGET_INCOME = {"a": 1.0, "b": 2.0, "c": 3.0}
BUDGET_JOBS = {"a": 3.0, "b": 2.0, "c": 1.0}


def budget_optimum(weights: Mapping[str, float]) -> dict[str, float]:
    """The optimal shares of the budget for returns weights[k] * sqrt(x_k)."""
    total = sum(w * w for w in weights.values())
    return {k: w * w / total for k, w in weights.items()}


def budget_returns(params: Mapping[str, float], seed: int) -> dict:
    """income = sum a_k sqrt(x_k), jobs = sum c_k sqrt(x_k) (x_k = params['budget.k'],
    Rp), each plus N(0, noise^2) drawn from the seed (the same for every mix: common
    random numbers cancel it); spent = sum x_k. ``params['cut']`` (an uncertainty)
    removes that share of programme a's money before it is spent. ``params['delay']`` seconds of sleep
    (default 0) make it a stand-in for a slow model."""
    x = {k: float(params.get(f"budget.{k}", 0.0)) for k in BUDGET_INCOME}
    x["a"] *= 1.0 - float(params.get("cut", 0.0))  # an uncertainty: a cut to programme a
    noise = float(params.get("noise", 0.5)) * np.random.default_rng(seed).standard_normal(2)
    if params.get("delay"):
        time.sleep(float(params["delay"]))
    income = sum(BUDGET_INCOME[k] * math.sqrt(v) for k, v in x.items())
    jobs = sum(BUDGET_JOBS[k] * math.sqrt(v) for k, v in x.items())
    return {"income": income + noise[0], "jobs": jobs + noise[1], "spent": sum(x.values()),
            "drift": float(params.get("drift", 0.0))}


register_model("budget_returns", budget_returns, outcomes=("income", "jobs", "spent", "drift"))
