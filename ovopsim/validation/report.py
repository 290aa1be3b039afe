"""The validation table as text and as ``docs/VALIDATION.md`` with figures.

Verification and validation are shown apart (brief, section 4); each validation
check with the alternative world where it should fail and whether it does, and
whether it is a calibration target (in-sample) or a prediction; then the
leave-one-case-out predictions, the producer populations in the assessment's
bands, and what the headline results depend on.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..indicators import INCOME_BANDS, PRODUCER_BANDS
from .core import Validation
from .notes import ALTERNATIVE_HOLDS, LOCO_MISSES, MISSES
from .patterns import PATTERNS, VALIDATION, VERIFICATION, Pattern

FIG_DIR = "figures/validation"
SMOOTHED = ("income_mean",)  # festive peaks hide the trend: drawn as a 12-month moving mean
LABELS = {"income_mean": "mean income (Rp/month)", "jobs": "jobs", "reached_share": "share ever reached",
          "partnerships_between": "partnerships between villages",
          "share_national": "share of sales to other provinces", "output_units": "output (units)",
          "price_received": "price received (Rp/unit)"}
#: the arm whose producers stand for each case study in the bands table
CASE_ARMS = {"Blitar": "P1.blitar", "Bangka Tengah": "P3.under", "Proppo": "P4.proppo",
             "Singkawang": "P5.ljmp", "Rasau Jaya": "P6.rasau"}


def _fmt(x) -> str:
    if x is None or not np.isfinite(x):
        return "nan"
    a = abs(x)
    if a >= 100:
        return f"{x:,.0f}"
    if a >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def _model(mean, lo, hi) -> str:
    return f"{_fmt(mean)} [{_fmt(lo)}, {_fmt(hi)}]"


def _result(passed: bool) -> str:
    return "pass" if passed else "FAIL"


def role(row) -> str:
    return "target (in-sample)" if row.calibration else "prediction"


def alt_result(row) -> str:
    if row.alternative is None:
        return ""
    return "fails there" if row.fails_there else "STILL PASSES"


def _explained(rows: pd.DataFrame, heading: str, notes: dict, shown) -> list[str]:
    """A heading and one line per row of ``rows``: the check, ``shown(row)`` and its note
    (:mod:`ovopsim.validation.notes`, or "not yet explained")."""
    if not len(rows):
        return []
    return ["", f"### {heading}", ""] + [
        f"- **{r.pattern}, {r.check}** ({shown(r)}): {notes.get((r.pattern, r.check), 'not yet explained')}"
        for r in rows.itertuples()]


def counts(v: Validation) -> dict[str, tuple[int, int]]:
    t = v.table
    ver, val = t[t["kind"] == VERIFICATION], t[t["kind"] == VALIDATION]
    tg, pr = val[val["calibration"]], val[~val["calibration"]]
    alt = val[val["alternative"].notna()]
    return {"verification": (int(ver["passed"].sum()), len(ver)),
            "targets": (int(tg["passed"].sum()), len(tg)), "predictions": (int(pr["passed"].sum()), len(pr)),
            "alternatives": (int(alt["fails_there"].astype(bool).sum()), len(alt))}


def _columns(df: pd.DataFrame, width: int = 58) -> list[str]:
    widths = {c: min(max(len(c), df[c].astype(str).str.len().max() if len(df) else 0), width) for c in df.columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in df.columns)]
    for r in df.itertuples(index=False):
        lines.append("  ".join(str(x)[:width].ljust(widths[c]) for x, c in zip(r, df.columns, strict=True)))
    return lines


def text_table(v: Validation, loco: pd.DataFrame | None = None) -> str:
    """Verification, validation (with alternatives) and leave-one-case-out, apart."""
    t = v.table
    ver = pd.DataFrame([{"pattern": r.pattern, "check": r.check, "model": _model(r.mean, r.ci_lo, r.ci_hi),
                         "tolerance": r.tolerance, "result": _result(r.passed)}
                        for r in t[t["kind"] == VERIFICATION].itertuples()])
    val = pd.DataFrame([{"pattern": r.pattern, "check": r.check, "role": role(r),
                         "model": _model(r.mean, r.ci_lo, r.ci_hi), "tolerance": r.tolerance,
                         "result": _result(r.passed),
                         "alternative": _model(r.alt_mean, r.alt_ci_lo, r.alt_ci_hi) if r.alternative else "",
                         "there": alt_result(r)}
                        for r in t[t["kind"] == VALIDATION].itertuples()])
    c = counts(v)
    how = (f"{v.replicates} replicates, {v.months} months, model value = mean [95% CI] over replicates; "
           + (f"each replicate draws its parameters from {Path(v.posterior).name}" if v.posterior
              else "defaults only (seeds alone)"))
    lines = ["VERIFICATION (true by construction or restating a parameter: tests of the code)", *_columns(ver),
             "", "VALIDATION (outcomes the mechanisms produce; each beside the alternative world where it "
             "should fail)", *_columns(val)]
    for r in t[t["kind"] == VALIDATION].itertuples():
        if r.alternative:
            lines.append(f"  alternative of {r.pattern} '{r.check[:40]}': {r.alternative}")
    lines += ["", f"verification {c['verification'][0]}/{c['verification'][1]} pass; validation: targets "
              f"{c['targets'][0]}/{c['targets'][1]} and predictions {c['predictions'][0]}/{c['predictions'][1]} "
              f"pass; {c['alternatives'][0]}/{c['alternatives'][1]} fail in their alternative ({how})"]
    if loco is not None:
        lo = pd.DataFrame([{"left out": r.case, "pattern": r.pattern, "check": r.check,
                            "predicted": _model(r.mean, r.ci_lo, r.ci_hi), "tolerance": r.tolerance,
                            "result": _result(r.passed)} for r in loco.itertuples()])
        lines += ["", "LEAVE ONE CASE OUT (each case predicted by a posterior that never saw its targets)",
                  *_columns(lo), f"\n{int(loco['passed'].sum())}/{len(loco)} predictions pass"]
    return "\n".join(lines)


def figure(v: Validation, p: Pattern, path: Path) -> Path:
    """Mean monthly series (and 95% band over replicates) of the pattern's arms."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    arms, column = p.figure
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    for name in arms:
        point = v.arm_point[f"{p.id}.{name}"]
        s = v.series[v.series["point"] == point].pivot(index="t", columns="replicate", values=column)
        if column in SMOOTHED:
            s = s.rolling(12, min_periods=1).mean()
        m = s.mean(axis=1)
        h = 1.96 * s.std(axis=1, ddof=1) / np.sqrt(s.shape[1]) if s.shape[1] > 1 else 0 * m
        ax.plot(m.index, m.to_numpy(), label=name, lw=1.4)
        ax.fill_between(m.index, (m - h).to_numpy(), (m + h).to_numpy(), alpha=0.2)
    ax.set_xlabel("month")
    ax.set_ylabel(LABELS.get(column, column) + (", 12-month mean" if column in SMOOTHED else ""),
                  fontsize=8)
    ax.set_title(f"{p.id} ({p.source})", fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def bands(v: Validation) -> pd.DataFrame:
    """Per case study and band: the mean share of its producers at month 1 and at the
    end, and (income) each producer's change."""
    rows = []
    for case, arm in CASE_ARMS.items():
        if arm not in v.arm_point:
            continue
        r = v.runs[v.runs["point"] == v.arm_point[arm]]
        for dim, names in PRODUCER_BANDS.items():
            for b in names:
                rows.append({"case": case, "dimension": dim, "band": b, "month 1": r[f"{dim}_{b}_first"].mean(),
                             "end": r[f"{dim}_{b}_last"].mean()})
        for b in INCOME_BANDS:
            rows.append({"case": case, "dimension": "income change", "band": b, "month 1": np.nan,
                         "end": r[f"income_{b}"].mean()})
    return pd.DataFrame(rows)


def _bands_md(df: pd.DataFrame) -> list[str]:
    cases = list(dict.fromkeys(df["case"]))
    lines = ["| dimension | band | " + " | ".join(cases) + " |", "|---|---|" + "---|" * len(cases)]
    for (dim, band), g in df.groupby(["dimension", "band"], sort=False):
        cells = []
        for c in cases:
            r = g[g["case"] == c].iloc[0]
            cells.append(f"{r['end']:.0%}" if not np.isfinite(r["month 1"]) else
                         f"{r['month 1']:.0%} -> {r['end']:.0%}")
        lines.append(f"| {dim} | {band.replace('_', ' ')} | " + " | ".join(cells) + " |")
    return lines


def markdown(v: Validation, out_dir: Path, patterns=PATTERNS, command: str = "ovopsim validate",
             runtime: float | None = None, loco: pd.DataFrame | None = None,
             depends: pd.DataFrame | None = None) -> Path:
    """Write ``out_dir/VALIDATION.md`` and its figures; returns the markdown path."""
    from .depends import BY_NAME

    out_dir = Path(out_dir)
    t = v.table
    c = counts(v)
    post = (f"Every replicate drew its calibrated parameters from the posterior "
            f"(`{Path(v.posterior).name}`, docs/CALIBRATION.md) with its seed, the same draw in every arm, "
            "so the intervals carry what is not known about the parameters as well as chance."
            if v.posterior else "Every replicate ran the shipped defaults: the intervals are chance alone.")
    lines = [
        "# Validation: the case-study patterns", "",
        f"<!-- generated by `{command}`; do not edit by hand -->", "",
        "Pattern-oriented validation (domain brief, section 4) of the seven patterns P1-P7. Every arm "
        f"ran **{v.replicates} replicates** of **{v.months} months** after the warm-up; replicate *i* of every "
        f"arm used the same seed (common random numbers), so differences between arms are paired. {post} "
        "Model values are the replicate mean and its 95% t-interval. A directional check passes when the "
        "whole interval has the claimed sign, a level check when the mean is inside the tolerance. "
        "Definitions of every statistic: `ovopsim/validation/patterns.py`; the mechanisms: docs/ODD.md.", "",
        "Checks are of two kinds. **Verification** checks restate what the model is built to do (a "
        "parameter set to a field value, a world built so): they test the code and could not fail in a "
        "correct implementation. **Validation** checks are outcomes the mechanisms produce that no "
        "parameter sets directly. A few validation checks are the calibration's **targets** "
        "(docs/CALIBRATION.md): the posterior was fitted to them, so they are in-sample; the others are "
        "**predictions**. Each validation check names a plausible **alternative** world (a mechanism "
        "switched off, a parameter at the other end of its range) and is run there too, with the same "
        "seeds and draws: a check that still passed there would show nothing.", "",
        f"**Verification: {c['verification'][0]} of {c['verification'][1]} pass. Validation: "
        f"{c['targets'][0]} of {c['targets'][1]} targets and {c['predictions'][0]} of {c['predictions'][1]} "
        f"predictions pass; {c['alternatives'][0]} of {c['alternatives'][1]} validation checks fail in their "
        "alternative world.**" + (f" This report took {runtime / 60:.1f} min (runs already in the work "
                                   "folder are read back, not run again)." if runtime is not None else ""), "",
        "## Validation", "",
        "| pattern | check | observed in the field | role | model: mean [95% CI] | tolerance | result | "
        "alternative world | there | |",
        "|---|---|---|---|---|---|---|---|---|---|"]
    for r in t[t["kind"] == VALIDATION].itertuples():
        lines.append(f"| {r.pattern} | {r.check} | {r.observed} | {role(r)} | {_model(r.mean, r.ci_lo, r.ci_hi)} | "
                     f"{r.tolerance} | {_result(r.passed)} | {r.alternative} | "
                     f"{_model(r.alt_mean, r.alt_ci_lo, r.alt_ci_hi)} | {alt_result(r)} |")
    failing = t[(t["kind"] == VALIDATION) & ~t["passed"]]
    lines += _explained(failing, "Why the failing checks fail", MISSES,
                        lambda r: f"{_model(r.mean, r.ci_lo, r.ci_hi)} against {r.tolerance}")
    holding = t[(t["kind"] == VALIDATION) & t["alternative"].notna() & ~t["fails_there"].astype(bool)]
    lines += _explained(holding, "Why a check still holds in its alternative world", ALTERNATIVE_HOLDS,
                        lambda r: f"there: {_model(r.alt_mean, r.alt_ci_lo, r.alt_ci_hi)}")
    lines += ["", "## Verification", "", "| pattern | check | what it restates | model: mean [95% CI] | tolerance "
              "| result |", "|---|---|---|---|---|---|"]
    for r in t[t["kind"] == VERIFICATION].itertuples():
        lines.append(f"| {r.pattern} | {r.check} | {r.why} | {_model(r.mean, r.ci_lo, r.ci_hi)} | {r.tolerance} | "
                     f"{_result(r.passed)} |")
    if loco is not None:
        lines += ["", "## Leave one case out", "",
                  "Each case study's validation checks predicted by a posterior calibrated **without that "
                  "case's targets** (`ovopsim calibrate --loco`; a case without targets is predicted by the "
                  "main posterior, which never saw it). Same replicates and seeds as above.", "",
                  "| left out | pattern | check | posterior | predicted: mean [95% CI] | tolerance | result | "
                  "a target of the main calibration |", "|---|---|---|---|---|---|---|---|"]
        for r in loco.itertuples():
            lines.append(f"| {r.case} | {r.pattern} | {r.check} | {r.posterior} | {_model(r.mean, r.ci_lo, r.ci_hi)} | "
                         f"{r.tolerance} | {_result(r.passed)} | {'yes' if r.calibration else 'no'} |")
        lines += ["", f"**{int(loco['passed'].sum())} of {len(loco)} left-out predictions pass.**"]
        missed = loco[~loco["passed"].astype(bool)]
        if len(missed):
            lines += ["", "### Why the failing predictions fail", ""]
            for r in missed.itertuples():
                note = LOCO_MISSES.get((r.case, r.pattern, r.check), "not yet explained")
                lines.append(f"- **{r.case} left out: {r.pattern}, {r.check}** ({_model(r.mean, r.ci_lo, r.ci_hi)} "
                             f"against {r.tolerance}): {note}")
    b = bands(v)
    if len(b):
        lines += ["", "## Producers in the assessment's bands", "",
                  "Four dimensions of the Ministry's OVOP assessment per producer, in the categories of the "
                  "Rasau Jaya survey (brief 2): the mean share of active producers in each band at month 1 "
                  "-> at the end, over replicates; and each producer's income change from the pre-programme "
                  "year to the last 12 months (closed: no longer active; fell: below -10%; flat: within 10%; "
                  "rose: +10 to +50%; rose half: +50% or more). The Rasau Jaya survey's shares are inputs "
                  "(a verification check above); what the model makes of them is output.", "",
                  *_bands_md(b)]
    if depends is not None and len(depends):
        lines += ["", "## What the headline results depend on", "",
                  "Sobol' indices over the posterior (`ovopsim/validation/depends.py`): every calibrated "
                  "parameter drawn from its posterior marginal (the marginals taken as independent), the "
                  "others at their defaults; Saltelli sampling through the runner. S1: the share of the "
                  "result's variance a parameter explains alone; ST: with its interactions (95% "
                  "half-widths in brackets). What no S1 explains is interactions and chance.", ""]
        for name, g in depends.groupby("headline", sort=False):
            h = BY_NAME[name]
            lines += [f"### {h.question}", "",
                      f"Over the posterior: mean {_fmt(g['mean'].iloc[0])}, standard deviation "
                      f"{_fmt(g['sd'].iloc[0])}; sum of S1 {g['S1'].clip(lower=0).sum():.2f}.", "",
                      "| parameter | S1 | ST |", "|---|---|---|"]
            for r in g.itertuples():
                lines.append(f"| {r.parameter} | {r.S1:.2f} [{r.S1_conf:.2f}] | {r.ST:.2f} [{r.ST_conf:.2f}] |")
            lines.append("")
    lines += ["", "## Figures", ""]
    for p in patterns:
        if p.figure is None or p.id not in set(t["pattern"]):
            continue
        path = figure(v, p, out_dir / FIG_DIR / f"{p.id}.png")
        lines += [f"### {p.id} ({p.source}): {p.title}", "",
                  f"![{p.id}]({path.relative_to(out_dir).as_posix()})", ""]
    md = out_dir / "VALIDATION.md"
    md.write_text("\n".join(lines) + "\n")
    return md
