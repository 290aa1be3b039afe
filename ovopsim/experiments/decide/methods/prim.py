"""PRIM (Patient Rule Induction Method) through ``ema_workbench.analysis.prim``: a box
of input ranges where the cases of interest concentrate. The peeling trajectory is
kept whole; the chosen box is the one with the highest coverage among those whose
density is at least ``settings.threshold`` (the densest of them on a tie; the
densest of all when none reaches it). See
:mod:`ovopsim.experiments.decide.methods`."""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pandas as pd

from . import Finding, coverage_density, has_levels


def _prim_module():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ema_workbench warns about optional parallel backends
        logging.getLogger("EMA").setLevel(logging.WARNING)
        from ema_workbench.analysis import prim
    return prim


def inside_box(x: pd.DataFrame, limits: pd.DataFrame) -> np.ndarray:
    """Rows of ``x`` inside box ``limits`` (ema_workbench's: row 0 lower, row 1 upper;
    a set of levels for a text input)."""
    ok = np.ones(len(x), bool)
    for col in limits.columns:
        lo, hi = limits[col].iloc[0], limits[col].iloc[1]
        if isinstance(lo, (set, frozenset)):
            ok &= x[col].isin(lo).to_numpy()
        else:
            v = x[col].to_numpy(float)
            ok &= (v >= float(lo)) & (v <= float(hi))
    return ok


def analyze(x: pd.DataFrame, y: np.ndarray, seed: int, settings) -> Finding:
    prim = _prim_module()
    x = x.copy()
    for col in x.columns:
        if has_levels(x[col]):
            x[col] = x[col].astype(str).astype(object)
        else:
            x[col] = x[col].astype(float)
    y = np.asarray(y, bool)
    alg = prim.Prim(x, y, peel_alpha=settings.peel_alpha, mass_min=settings.mass_min)
    box = alg.find_box()
    traj = box.peeling_trajectory[["id", "coverage", "density", "mass", "res_dim", "n", "k"]].copy()
    traj = traj.astype({"id": int, "res_dim": int, "n": int, "k": int}).reset_index(drop=True)
    good = traj[traj["density"] >= settings.threshold]
    if len(good):  # the most coverage, then the most density
        chosen = int(good.sort_values(["coverage", "density"], ascending=False,
                                      kind="stable").index[0])
    else:
        chosen = int(traj["density"].idxmax())
    limits = box.box_lims[chosen]
    init = alg.box_init
    rules = []
    for col in limits.columns:
        lo, hi = limits[col].iloc[0], limits[col].iloc[1]
        lo0, hi0 = init[col].iloc[0], init[col].iloc[1]
        if isinstance(lo, (set, frozenset)):
            if set(lo) != set(lo0):
                rules.append({"input": col, "kind": "levels", "low": np.nan, "high": np.nan,
                              "levels": ", ".join(sorted(map(str, lo)))})
        elif float(lo) > float(lo0) or float(hi) < float(hi0):
            rules.append({"input": col, "kind": "range",
                          "low": float(lo) if float(lo) > float(lo0) else np.nan,
                          "high": float(hi) if float(hi) < float(hi0) else np.nan,
                          "levels": ""})
    rules = pd.DataFrame(rules, columns=["input", "kind", "low", "high", "levels"])
    stats = {"box": chosen, **coverage_density(inside_box(x, limits), y)}
    text = (f"PRIM box {chosen} of {len(traj) - 1}: coverage {stats['coverage']:.2f}, "
            f"density {stats['density']:.2f}, mass {stats['mass']:.2f}\n"
            + "\n".join(f"  {describe(r)}" for _, r in rules.iterrows()))
    return Finding("prim", rules, stats, traj, text, {"chosen": chosen})


def describe(rule) -> str:
    """A rule as a readable condition: ``a >= 0.4``, ``0.1 <= b <= 0.3``, ``c in {x, y}``."""
    if rule["kind"] == "levels":
        return f"{rule['input']} in {{{rule['levels']}}}"
    lo, hi = rule["low"], rule["high"]
    if np.isfinite(lo) and np.isfinite(hi):
        return f"{lo:.3g} <= {rule['input']} <= {hi:.3g}"
    if np.isfinite(lo):
        return f"{rule['input']} >= {lo:.3g}"
    return f"{rule['input']} <= {hi:.3g}"
