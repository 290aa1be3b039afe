"""The commands ``optimize SPEC``, ``robust SPEC``, ``discover RESULTS`` and ``report
RESULTS`` (registered on the main ``ovopsim`` command, which turns every exception
into one line and an exit status: 2 for a mistake in the input, 1 for failed runs,
130/143 when interrupted, with finished runs kept for a rerun to resume)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..cli import _common_options, _print_table, run_options

COMMANDS = {
    "optimize": "search the budget mixes of a decision spec for the best trade-offs "
                "(NSGA-II or a genetic algorithm; resumable)",
    "robust": "test candidate mixes across futures drawn from the uncertainties "
              "(satisficing share, regret; resumable)",
    "discover": "find where a target holds in a sweep's or robustness run's results "
                "(PRIM box, CART tree)",
    "report": "write the decision brief (one HTML file, Bahasa Indonesia or English)",
}


def add_parsers(subparsers) -> None:
    for cmd in ("optimize", "robust"):
        p = subparsers.add_parser(cmd, help=COMMANDS[cmd], description=COMMANDS[cmd])
        p.add_argument("spec", help="the decision spec (TOML, kind = \"decision\")")
        _common_options(p, f"results/<spec name>/{cmd}")
        if cmd == "robust":
            p.add_argument("--candidates", metavar="PARETO", default=None,
                           help="take the candidates from this Pareto table (pareto.parquet or pareto.csv "
                                "of an optimize run) instead of the spec's")
        p.set_defaults(decide_command=cmd)
    p = subparsers.add_parser("discover", help=COMMANDS["discover"],
                              description=COMMANDS["discover"])
    p.add_argument("results", help="output folder of ovopsim robust, sweep or optimize")
    p.add_argument("--target", default=None, metavar="CONDITION",
                   help='the cases of interest, e.g. "income_gain < 0.2" (several joined '
                        "with and; default: the decision spec's [discover] target)")
    p.add_argument("--candidate", default=None, metavar="LABEL",
                   help="robustness results: the candidate whose futures are analysed "
                        "(default: the top-ranked; all: every candidate)")
    p.add_argument("--threshold", type=float, default=None,
                   help="PRIM: the least density of the chosen box (default: the decision "
                        "spec's [discover] threshold, else 0.8)")
    p.add_argument("--out", metavar="DIR", default=None,
                   help="output directory (default: RESULTS/discovery)")
    p.set_defaults(decide_command="discover")
    p = subparsers.add_parser("report", help=COMMANDS["report"], description=COMMANDS["report"])
    p.add_argument("results", help="the folder the decision commands wrote to "
                                   "(results/<spec name>)")
    p.add_argument("--lang", choices=("id", "en"), default="en",
                   help="the brief's language (default en)")
    p.add_argument("--out", metavar="FILE", default=None,
                   help="the HTML file (default: RESULTS/report_<lang>.html)")
    p.add_argument("--pdf", action="store_true", help="also a PDF (needs weasyprint)")
    p.set_defaults(decide_command="report")


def handle(args: argparse.Namespace) -> int:
    from ovopsim.errors import InputError

    cmd = args.decide_command
    if cmd == "report":
        from .report import report, texts_changed

        for f in report(args.results, args.lang, out=args.out, pdf=args.pdf):
            print(f"written: {f}")
        changed = texts_changed(args.results)
        if changed is not None:
            print(f"note: the [report] texts of {changed} changed after ovopsim robust ran; the brief uses "
                  f"those it ran with. Rerun ovopsim robust {changed} (it resumes in seconds) to use the "
                  "new ones.", file=sys.stderr)
        return 0
    if cmd == "discover":
        from .discover import discover, spec_settings

        settings = spec_settings(args.results)
        if args.threshold is not None:
            if not 0 < args.threshold <= 1:
                raise InputError(None, "--threshold", "a density in (0, 1]", args.threshold)
            settings = settings.model_copy(update={"threshold": args.threshold})
        res = discover(args.results, args.target, out_dir=args.out, candidate=args.candidate,
                       settings=settings)
        print(f"{int(res.cases['target'].sum())} of {len(res.cases)} cases meet "
              f"\"{res.target}\"" + (f" (candidate {res.candidate})" if res.candidate else ""))
        print(res.findings["prim"].text)
        cart = res.findings["cart"]
        print(f"CART: coverage {cart.stats['coverage']:.2f}, density {cart.stats['density']:.2f}")
        for rule in cart.rules["rule"].head(3):
            print(f"  {rule}")
        _written(res.out_dir, res.files)
        return 0
    options = run_options(args)
    if cmd == "optimize":
        from .optimize import optimize

        res = optimize(args.spec, **options)
        # the levers too: mixes that differ only in a lever (a plan) would look alike
        cols = ["label", *[c for c in res.pareto.columns if c.startswith(("share.", "lever."))]]
        cols += [c for c in res.pareto.columns if c in res.convergence.columns.str[5:].tolist()]
        _print_table(res.pareto[cols])
        last = res.convergence.iloc[-1]
        hv = f", hypervolume {last['hypervolume']:.4g}" if "hypervolume" in last else ""
        print(f"{int(last['evaluations'])} candidates in {int(last['generation']) + 1} "
              f"generations{hv}")
        _written(res.out_dir, res.files)
    else:
        from .robust import robust

        res = robust(args.spec, candidates=args.candidates, **options)
        keep = ["rank", "label", "satisficing",
                *[c for c in res.summary.columns if c.startswith("regret_") and c.endswith("_max")]]
        _print_table(res.summary[keep])
        _written(res.out_dir, res.files)
    return 0


def _written(out: Path, files: list[Path]) -> None:
    print(f"written to {out}:")
    for f in files:
        print(f"  {Path(f)}")



