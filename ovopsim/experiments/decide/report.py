"""``ovopsim report RESULTS --lang id|en``: a decision brief for a district head.

One self-contained HTML file (a jinja2 template; figures embedded as PNG data
URIs, no file or network access when opened) in Bahasa Indonesia or English:
the question, the recommended mixes with their intervals, what could break them
(the discovery box), cost per rupiah of extra income, assumptions and limits,
and provenance. With ``--pdf`` the same page is also printed to PDF through
weasyprint, when it is installed (``pip install weasyprint``).

RESULTS is the folder the decision commands write under (``results/<spec>``):
``robust/`` (required: ``summary``, ``robust.json``), and when present
``optimize/`` (the Pareto set's expected outcomes in the reference future) and
``robust/discovery/`` (``ovopsim discover``'s box). Every number on the page is
read from those tables; each cell carries the number it shows in ``data-value``
(the tests compare them with the tables).
"""

from __future__ import annotations

import base64
import json
import math
import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from ovopsim.errors import InputError
from ovopsim.numerals import localised, localised_numbers, whole_percents

from .common import same_candidates, same_search, spec_table
from .discover import CANDIDATE
from .texts import LANGS, PERCENT, TEXT, name, number, rupiah, with_budget

TEMPLATE = "report.html.j2"
#: recommended mixes shown (the top-ranked of the robustness summary)
SHOWN = 5


def pct(x: float) -> str:
    return "-" if x is None or not math.isfinite(x) else f"{100 * x:.0f}%"


def _folder(root: Path, sub: str, marker: str) -> Path | None:
    for cand in (root / sub, root):
        if (cand / marker).is_file():
            return cand
    return None


def locate(root: Path) -> dict[str, Path | None]:
    """The robust, optimize and discovery folders under a results folder."""
    robust = _folder(root, "robust", "robust.json")  # a sweep has a summary.parquet too
    if robust is None:
        raise InputError(None, "RESULTS", "a folder with the results of ovopsim robust "
                         "(robust/robust.json and its tables)", f"{root}")
    disc = None
    for cand in (robust / "discovery", root / "discovery"):
        if (cand / "discovery.json").is_file():
            disc = cand
            break
    return {"robust": robust, "optimize": _folder(root, "optimize", "pareto.parquet"),
            "discovery": disc}


def answer_text(summary: pd.DataFrame, futures: int, lang: str) -> str:
    """The answer in short: the first mix of the robustness summary (ranked by the share
    of futures meeting every target, then by regret), naming the mixes that meet the
    targets as often, which it leads on regret alone."""
    t = TEXT[lang]
    best = summary.iloc[0]
    if float(best["satisficing"]) <= 0:
        return t["answer_none"].format(label=best["label"])
    rest = summary.iloc[1:]
    tied = rest["label"][rest["satisficing"] == best["satisficing"]].tolist()
    others = (", ".join(tied[:-1]) + f" {t['and']} " + tied[-1]) if len(tied) > 1 else "".join(tied)
    return t["answer_tied" if tied else "answer_text"].format(
        label=best["label"], satisficing=pct(best["satisficing"]), met=round(float(best["satisficing"]) * futures),
        futures=futures, others=others)


#: a search is unsettled when its hypervolume grew by more than UNSETTLED_GROWTH over its
#: last UNSETTLED_GENERATIONS generations
UNSETTLED_GENERATIONS = 3
UNSETTLED_GROWTH = 0.01


def search_growth(convergence: pd.DataFrame) -> float | None:
    """search_settled: the relative growth of the search's hypervolume over its last
    :data:`UNSETTLED_GENERATIONS` generations when it exceeds :data:`UNSETTLED_GROWTH`
    (the brief then says a longer search may do better), else None."""
    hv = convergence.sort_values("generation")["hypervolume"].to_numpy(float)
    if len(hv) <= UNSETTLED_GENERATIONS or not hv[-1 - UNSETTLED_GENERATIONS] > 0:
        return None
    growth = hv[-1] / hv[-1 - UNSETTLED_GENERATIONS] - 1.0
    return float(growth) if growth > UNSETTLED_GROWTH else None


def spent_text(row, budget: float | None, months, lang: str) -> dict | None:
    """What a mix spent over the horizon in the reference future, in rupiah and as a share
    of what the budget made available (``budget`` a year for ``months``): what a programme
    cannot use lapses, so a mix seldom spends it all."""
    if "budget_spent" not in row or not budget or not months:
        return None
    spent = float(row["budget_spent"])
    return {"value": repr(spent), "text": f"{rupiah(spent, lang)} ({pct(spent / (budget * months / 12))})"}


def reference_future(robust: Path, uncertainties, lang: str) -> str:
    """The ``uncertainties``' values in the reference future (future 0: the scenario as
    the spec writes it), as the brief names them."""
    fut = pd.read_parquet(robust / "futures.parquet")
    ref = fut[fut["future"] == 0].iloc[0]
    return ", ".join(f"{name(lang, k)} {localised_numbers(f'{float(ref[k]):g}', lang)}" for k in uncertainties)


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()


def context(root: Path, lang: str) -> dict:
    """Everything the template shows, from the result tables."""
    from .. import plots

    where = locate(root)
    t = TEXT[lang]
    robust_meta = json.loads((where["robust"] / "robust.json").read_text())
    summary = pd.read_parquet(where["robust"] / "summary.parquet")
    spec = spec_table(robust_meta)
    rep = spec.get("report", {})
    programmes = robust_meta["programmes"]
    directions = robust_meta["directions"]
    budget = robust_meta.get("budget_total")
    shown = summary.head(SHOWN)
    first = next(iter(directions))
    targets = robust_meta["targets"]
    outcomes = [o for o in directions if f"{o}_p50" in summary.columns]

    mixes = []
    for _, r in shown.iterrows():
        whole = whole_percents([float(r[f"share.{p}"]) for p in programmes])
        shares = [{"key": p, "value": repr(float(r[f"share.{p}"])),
                   "text": f"{w}%" if w or not r[f"share.{p}"] > 0 else "<1%",  # not 0% beside a sum
                   "rp": rupiah(float(r[f"share.{p}"]) * budget, lang) if budget else ""}
                  for p, w in zip(programmes, whole, strict=True)]
        levers = [{"key": c[6:], "text": _lever_text(r[c], t)} for c in shown.columns if c.startswith("lever.")]
        mixes.append({"rank": int(r["rank"]), "label": r["label"], "shares": shares,
                      "levers": levers,
                      "satisficing": {"value": repr(float(r["satisficing"])),
                                      "text": pct(r["satisficing"])},
                      "outcomes": [{"key": o, "value": repr(float(r[f"{o}_p50"])),
                                    "text": number(r[f"{o}_p50"], lang), "low": number(r[f"{o}_p5"], lang),
                                    "high": number(r[f"{o}_p95"], lang)} for o in outcomes]})
    best = summary.iloc[0]
    nfut = int(robust_meta["futures"])
    answer = answer_text(summary, nfut, lang)
    tgt = "; ".join(f"{name(lang, o)} {t['at_least'] if v['direction'] == 'max' else t['at_most']}"
                    f" {localised(format(v['target'], 'g'), lang)}" for o, v in targets.items())
    if tgt:
        answer += f" ({t['target_met']}: {tgt})"

    tmp = Path(tempfile.mkdtemp(prefix="ovopsim-report-"))
    names = {**{k: name(lang, k) for k in [*programmes, *outcomes, "max", "min"]},
             **TEXT_FIGURES(lang)}
    figures = {"recommended": [], "pareto": [], "discovery": []}
    if programmes:
        f = plots.mix_figure(shown, programmes, tmp / "mixes.png", names)[0]
        figures["recommended"].append({"src": _data_uri(f), "caption": t["figures_mixes"]})
    f = plots.robust_figure(shown, first, tmp / "robust.png", names,
                            target=targets.get(first, {}).get("target"))[0]
    figures["recommended"].append({"src": _data_uri(f), "caption": t["figures_robust"]})

    expected, expected_outcomes, costs, opt_meta = [], [], [], None
    reference = None  # each mix's outcomes in the reference future (with their intervals)
    if where["optimize"] is not None:
        opt_meta = json.loads((where["optimize"] / "optimize.json").read_text())
        same_search(robust_meta, opt_meta, where["optimize"] / "optimize.json")
        reference = pd.read_parquet(where["optimize"] / "pareto.parquet")
        same_candidates(pd.read_parquet(where["robust"] / "candidates.parquet"), reference,
                        where["robust"] / "candidates.parquet")
        evaluations = pd.read_parquet(where["optimize"] / "evaluations.parquet")
        f = plots.pareto_figure(evaluations, reference, opt_meta["objectives"],
                                opt_meta["directions"], tmp / "pareto.png", names)[0]
        figures["pareto"].append({"src": _data_uri(f), "caption": t["figures_pareto"]})
    elif spec.get("robust", {}).get("reference_future", True):  # mixes written by hand: the
        futures = pd.read_parquet(where["robust"] / "futures.parquet")  # robustness test's future 0
        reference = futures[futures["future"] == 0]
    if reference is not None:
        expected_outcomes = [{"key": o, "name": name(lang, o)} for o in directions
                             if o in reference.columns]
        keep = shown[["label"]].merge(reference, on="label")  # in the ranking's order
        months = spec.get("experiment", {}).get("months")
        for _, r in keep.iterrows():
            expected.append({"label": r["label"], "cells": [
                {"key": o["key"], "value": repr(float(r[o["key"]])), "text": number(r[o["key"]], lang),
                 "low": number(r[f"{o['key']}_low"], lang), "high": number(r[f"{o['key']}_high"], lang)}
                for o in expected_outcomes]})
            if "cost_per_income" in r:
                costs.append({"label": r["label"], "value": repr(float(r["cost_per_income"])),
                              "text": number(r["cost_per_income"], lang),
                              "low": number(r["cost_per_income_low"], lang),
                              "high": number(r["cost_per_income_high"], lang),
                              "spent": spent_text(r, budget, months, lang)})

    discovery = None
    if where["discovery"] is not None:
        d = json.loads((where["discovery"] / "discovery.json").read_text())
        traj = pd.read_parquet(where["discovery"] / "prim_trajectory.parquet")
        rules = f" {t['and']} ".join(_rule_text(r, lang) for r in d["prim"]["rules"]) or "-"
        label = d.get("candidate") or best["label"]
        every = "_all" if label == "all" else ""  # --candidate all: a case is a mix in a future
        discovery = {"intro": t["break_intro" + every].format(label=label, target=_rule_text(d["target"], lang)),
                     "box": t["prim_box" + every].format(rules=rules, cases=d["cases_of_interest"],
                                                         futures=d["cases"]),
                     "coverage": repr(float(d["prim"]["coverage"])),
                     "density": repr(float(d["prim"]["density"])),
                     "stats": t["prim_stats" + every].format(coverage=pct(d["prim"]["coverage"]),
                                                     density=pct(d["prim"]["density"]),
                                                     mass=pct(d["prim"]["mass"])),
                     "cart": [_rule_text(r, lang) for r in d["cart"]["rules"][:3]]}
        f = plots.prim_figure(traj, int(d["prim"]["box"]), tmp / "prim.png", names)[0]
        figures["discovery"].append({"src": _data_uri(f), "caption": "PRIM"})

    exp = spec.get("experiment", {})
    assumptions = [t["assume_model"].format(scenario=exp.get("scenario", "-"),
                                            months=exp.get("months", "-"),
                                            replicates=robust_meta["replicates"])]
    if any(o.endswith("_gain") for o in outcomes):
        assumptions.insert(0, t["assume_gain"])
    if opt_meta is not None:
        n_eval = len(pd.read_parquet(where["optimize"] / "evaluations.parquet"))
        assumptions.append(t["assume_search"].format(
            evaluations=n_eval, algorithm=opt_meta["algorithm"].upper(),
            generations=opt_meta["generations"], population=opt_meta["population"],
            candidates=robust_meta["candidates"], futures=nfut))
        growth = search_growth(pd.read_parquet(where["optimize"] / "convergence.parquet"))
        if growth is not None:
            assumptions.append(t["unsettled"].format(growth=pct(growth), generations=UNSETTLED_GENERATIONS))
    assumptions += [t["assume_budget"], t["assume_limits"]]
    uncertainties = [{"name": name(lang, k), "range": _range(u, lang, k)}
                     for k, u in robust_meta["uncertainties"].items()]
    versions = robust_meta.get("packages", {})
    provenance = {"spec_file": robust_meta.get("spec_file"),
                  "spec_sha256": robust_meta.get("spec_sha256"),
                  "candidates_file": robust_meta.get("candidates_file"),
                  "candidates_sha256": robust_meta.get("candidates_sha256"),
                  "created": robust_meta.get("created"),
                  "versions": ", ".join(f"{k} {v}" for k, v in
                                        [("python", robust_meta.get("python"))]
                                        + sorted(versions.items()))}
    return {"lang": lang, "t": t, "title": with_budget(rep.get(f"title_{lang}") or t["brief"], budget, lang),
            "question": with_budget(rep.get(f"question_{lang}", ""), budget, lang), "answer": answer,
            "recommended_intro": t["recommended_intro"].format(
                budget=rupiah(budget, lang) if budget else "-", first=name(lang, first),
                shown=(t["shown_all"] if len(summary) <= len(shown) else t["shown_some"]).format(
                    shown=len(shown), tested=len(summary))),
            "programmes": [{"key": p, "name": name(lang, p)} for p in programmes],
            "levers": [{"key": c[6:], "name": name(lang, c[6:])} for c in shown.columns
                       if c.startswith("lever.")],
            "outcomes": [{"key": o, "name": name(lang, o)} for o in outcomes],
            "mixes": mixes, "expected": expected, "expected_outcomes": expected_outcomes,
            "expected_title": t["expected"].format(
                reference=reference_future(where["robust"], robust_meta["uncertainties"], lang)),
            "costs": costs, "discovery": discovery, "figures": figures, "searched": opt_meta is not None,
            "assumptions": assumptions, "uncertainties": uncertainties,
            "provenance": provenance}


def TEXT_FIGURES(lang: str) -> dict:  # noqa: N802 - a table, read like a constant
    """The figure labels in ``lang`` (English ones map to themselves)."""
    from .texts import NAMES

    return dict(NAMES[lang])


def _rule_text(rule: str, lang: str) -> str:
    """A PRIM or CART rule (``a >= 0.4 and b < 2``), or a discovery target
    (``income_gain < 0.5``), with each input's and outcome's shown name and the
    language's "and"."""
    for key in PERCENT:  # a share as a percent: "cut >= 0.321" reads "cut >= 32.1%"
        rule = re.sub(rf"{re.escape(key)} (>=|<=|>|<) (-?\d+(?:\.\d+)?)",
                      lambda m, k=key: f"{k} {m.group(1)} {_value_text(k, float(m.group(2)))}", rule)
    for key in sorted(TEXT_FIGURES(lang), key=len, reverse=True):
        if "." in key and key in rule:
            rule = rule.replace(key, name(lang, key))
        elif "_" in key:  # an outcome (income_gain), as a whole word
            rule = re.sub(rf"\b{re.escape(key)}\b", name(lang, key), rule)
    rule = rule.replace(f"{CANDIDATE} in {{", f"{TEXT[lang]['mix_one_of']} {{")  # --candidate all
    return localised_numbers(rule, lang).replace(" and ", f" {TEXT[lang]['and']} ")


def _lever_text(value, t: dict) -> str:
    """A lever's value as the brief shows it (yes or no for a plan)."""
    if isinstance(value, (bool, np.bool_)):
        return t["yes"] if value else t["no"]
    return str(value)


def _value_text(key: str, x: float) -> str:
    """An uncertainty's value as the brief writes it: a percent for those a reader takes as
    one (:data:`~.texts.PERCENT`), else the number."""
    return f"{100 * x:.3g}%" if key in PERCENT else f"{x:g}"


def _range(u: dict, lang: str, key: str = "") -> str:
    if u.get("bounds") is not None:
        lo, hi = u["bounds"]
        lo, hi = (localised(_value_text(key, x), lang) for x in (lo, hi))
        return f"{lo} {TEXT[lang]['to']} {hi}"
    return f"{TEXT[lang]['interval_sep']} ".join(localised(str(v), lang) for v in u.get("levels") or [])


def render(root: str | Path, lang: str) -> str:
    """The brief's HTML for a results folder."""
    import jinja2

    if lang not in LANGS:
        raise InputError(None, "--lang", f"one of {', '.join(LANGS)}", f'"{lang}"')
    env = jinja2.Environment(loader=jinja2.PackageLoader("ovopsim.experiments.decide", "templates"),
                             autoescape=jinja2.select_autoescape(["html", "j2"]))
    return env.get_template(TEMPLATE).render(**context(Path(root), lang))


def texts_changed(root: str | Path) -> Path | None:
    """The spec file a robustness test was made from (as its record names it), when it
    still exists and its [report] texts now differ from those the test kept: the brief
    uses the kept ones (its provenance names that spec), so the planner is told to rerun
    ``ovopsim robust`` (it resumes, only its record is rewritten). None otherwise."""
    import tomllib

    meta = json.loads((locate(Path(root))["robust"] / "robust.json").read_text())
    file = meta.get("spec_file")
    if not file or not Path(file).is_file():
        return None
    try:
        now = tomllib.loads(Path(file).read_text()).get("report", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return Path(file) if now != spec_table(meta).get("report", {}) else None


def report(root: str | Path, lang: str = "en", *, out: str | Path | None = None,
           pdf: bool = False) -> list[Path]:
    """Write the brief (``RESULTS/report_<lang>.html`` by default) and, with ``pdf``,
    the PDF beside it. Returns the files written."""
    root = Path(root)
    if pdf:  # before anything is written: a failed command leaves nothing behind
        try:
            import weasyprint
        except ImportError:
            raise InputError(None, "--pdf", "weasyprint installed (pip install weasyprint)",
                             "it is not") from None
    html = render(root, lang)
    path = Path(out) if out is not None else root / f"report_{lang}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    files = [path]
    if pdf:
        pdf_path = path.with_suffix(".pdf")
        weasyprint.HTML(string=html).write_pdf(pdf_path)
        files.append(pdf_path)
    return files
