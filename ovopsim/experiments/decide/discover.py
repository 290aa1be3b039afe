"""``ovopsim discover RESULTS --target "income_gain < 0.2"``: scenario discovery.

The target and the methods' settings default to the ``[discover]`` section of the
decision spec the results were made from (``--target`` and ``--threshold`` override it).

Where, in the space of inputs, does the target hold? RESULTS is the output folder
of any of

* ``ovopsim robust`` (``futures.parquet``): one case per future, for one candidate
  (``--candidate LABEL``; default the top-ranked one); the inputs are the
  uncertainties. ``--candidate all`` takes every candidate's futures, with the
  candidate as an input;
* ``ovopsim sweep`` (``results.parquet``): one case per successful run; the inputs
  are the sweep's parameters;
* ``ovopsim optimize`` (``evaluations.parquet``): one case per candidate; the
  inputs are its shares and levers.

Each method of :mod:`.methods` (PRIM, CART) runs on the same cases. Files (in
``RESULTS/discovery`` or ``--out``): ``<method>_rules.csv/.parquet``,
``prim_trajectory.csv/.parquet`` (coverage, density, mass, restricted inputs at
each peeling step), ``cart_leaves.csv/.parquet``, ``cart_tree.txt``,
``discovery.json`` (the target, the cases, each method's statistics and rules in
words) and ``figures/prim_trajectory.png``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ovopsim.errors import InputError, load_model
from ovopsim.output import write_json, write_table

from .common import spec_table
from .conditions import all_hold, parse_condition
from .methods import METHODS, Finding
from .methods.prim import describe
from .spec import DiscoverSection

CANDIDATE = "candidate"
#: columns of the cases a target cannot name: a run's or future's bookkeeping
NOT_OUTCOMES = ("status", "error", "future", "n", "run_id", "point", "replicate", "seed")


@dataclass
class DiscoveryResult:
    target: str
    cases: pd.DataFrame
    inputs: list[str]
    findings: dict[str, Finding]
    out_dir: Path
    candidate: str | None = None
    files: list[Path] = field(default_factory=list)

    def sentences(self) -> list[str]:
        """The chosen PRIM box in words: ``target when a >= 1 and b <= 2``."""
        f = self.findings.get("prim")
        if f is None or f.rules.empty:
            return []
        return [describe(r) for _, r in f.rules.iterrows()]


def load_cases(results: Path, candidate: str | None = None
               ) -> tuple[pd.DataFrame, list[str], str | None]:
    """(cases, inputs, the candidate analysed) from a results folder (see the module
    docstring); the candidate is None for a sweep or a search."""
    results = Path(results)
    if (results / "futures.parquet").is_file():
        cases = pd.read_parquet(results / "futures.parquet")
        meta = json.loads((results / "robust.json").read_text())
        inputs = [u for u in meta["uncertainties"] if u in cases.columns]
        labels = list(dict.fromkeys(cases["label"]))
        if candidate == "all":
            cases = cases.rename(columns={"label": CANDIDATE})
            return cases, [*inputs, CANDIDATE], "all"
        if candidate is None:
            candidate = str(pd.read_parquet(results / "summary.parquet")["label"].iloc[0])
        if candidate not in labels:
            from ovopsim.errors import suggest

            raise InputError(None, "--candidate", f"a candidate of {results} ({', '.join(labels)}"
                             ", or all)", f'"{candidate}"{suggest(candidate, labels)}')
        return cases[cases["label"] == candidate].reset_index(drop=True), inputs, candidate
    if (results / "results.parquet").is_file():
        cases = pd.read_parquet(results / "results.parquet")
        cases = cases[cases["status"] == "ok"].reset_index(drop=True)
        meta = json.loads((results / "manifest.json").read_text())
        inputs = [p for p in meta["design"]["parameters"]
                  if p in cases.columns and cases[p].nunique() > 1]
        return cases, inputs, None
    if (results / "evaluations.parquet").is_file():
        cases = pd.read_parquet(results / "evaluations.parquet")
        inputs = [c for c in cases.columns if c.startswith(("share.", "lever."))]
        return cases, inputs, None
    raise InputError(None, "RESULTS", "the output folder of ovopsim robust, sweep or optimize "
                     "(with futures.parquet, results.parquet or evaluations.parquet)",
                     f"{results}")


def _record(results: str | Path) -> dict | None:
    """The record (robust.json or optimize.json) of the run that made ``results``, if any."""
    for record in ("robust.json", "optimize.json"):
        f = Path(results) / record
        if f.is_file():
            return json.loads(f.read_text())
    return None


def spec_settings(results: str | Path) -> DiscoverSection:
    """The ``[discover]`` section (target, PRIM and CART settings) of the decision spec a
    robustness or search run was made from (kept in its robust.json or optimize.json);
    the defaults for other results (a sweep's)."""
    meta = _record(results)
    if meta is None:
        return DiscoverSection()
    return load_model(DiscoverSection, spec_table(meta).get("discover", {}), meta.get("spec_file"))


def discover(results: str | Path, target: str | None = None, *, out_dir: str | Path | None = None,
             candidate: str | None = None, settings: DiscoverSection | None = None,
             seed: int = 0, plots: bool = True) -> DiscoveryResult:
    """Scenario discovery of ``target`` on a results folder (see the module docstring).
    ``target`` and ``settings`` default to the results' spec's ``[discover]`` section
    (:func:`spec_settings`)."""
    results = Path(results)
    cases, inputs, candidate = load_cases(results, candidate)
    settings = settings or spec_settings(results)
    # a target from the spec is the spec's mistake when it does not fit: say where it is
    file, key = (None, "--target") if target is not None else (
        (_record(results) or {}).get("spec_file"), "discover.target")
    target = target if target is not None else settings.target
    if target is None:
        raise InputError(None, "--target", 'a condition such as "income_gain < 0.2" (the results\' '
                         "spec has no [discover] target)", "none")
    if not inputs:
        raise InputError(None, "RESULTS", "results whose inputs vary (uncertainties or "
                         "parameters)", f"{results}, where none does")
    # what a target may name: the outcomes (and a future's regrets and whether it met the
    # targets), not the bookkeeping of the cases
    numeric = [c for c in cases.columns if c not in inputs and c not in NOT_OUTCOMES
               and pd.api.types.is_numeric_dtype(cases[c]) and not c.endswith(("_low", "_high"))]
    conditions = parse_condition(target, numeric, file, key)
    y = all_hold(conditions, cases)
    if y.all() or not y.any():
        raise InputError(file, key, "a condition that holds in some cases and not in "
                         "others", f'"{target}", which holds in {int(y.sum())} of {len(y)}')
    x = cases[inputs].reset_index(drop=True)
    findings = {name: m.analyze(x, y, seed, settings) for name, m in METHODS.items()}
    out = Path(out_dir) if out_dir is not None else results / "discovery"
    out.mkdir(parents=True, exist_ok=True)
    res = DiscoveryResult(target, cases.assign(target=y), inputs, findings, out, candidate)
    res.files = write_outputs(res, plots)
    return res


def write_outputs(res: DiscoveryResult, plots: bool) -> list[Path]:
    out = res.out_dir
    files = []
    for name, f in res.findings.items():
        files += write_table(f.rules, out / f"{name}_rules")
    prim, cart = res.findings["prim"], res.findings["cart"]
    files += write_table(prim.trajectory, out / "prim_trajectory")
    files += write_table(cart.trajectory, out / "cart_leaves")
    (out / "cart_tree.txt").write_text(cart.text)
    files.append(out / "cart_tree.txt")
    summary = {"target": res.target, "candidate": res.candidate, "cases": len(res.cases),
               "cases_of_interest": int(res.cases["target"].sum()), "inputs": res.inputs,
               "prim": {**prim.stats, "rules": res.sentences()},
               "cart": {**cart.stats, "rules": cart.rules["rule"].tolist()}}
    files.append(write_json(summary, out / "discovery.json"))
    if plots:
        from .. import plots as figures

        files += figures.prim_figure(prim.trajectory, prim.extra["chosen"],
                                     out / "figures" / "prim_trajectory.png")
    return files


def cases_in_box(cases: pd.DataFrame, rules: pd.DataFrame) -> np.ndarray:
    """Rows of ``cases`` that satisfy every rule of a PRIM box."""
    ok = np.ones(len(cases), bool)
    for _, r in rules.iterrows():
        if r["kind"] == "levels":
            ok &= cases[r["input"]].astype(str).isin(r["levels"].split(", ")).to_numpy()
            continue
        v = cases[r["input"]].to_numpy(float)
        if np.isfinite(r["low"]):
            ok &= v >= r["low"]
        if np.isfinite(r["high"]):
            ok &= v <= r["high"]
    return ok
