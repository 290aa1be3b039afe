"""The ``ovopsim`` command.

    ovopsim run SCENARIO [--seed N] [--months N] [--out DIR] [--agents] [--force]
    ovopsim scenarios
    ovopsim check SCENARIO...
    ovopsim params [--markdown]
    ovopsim compare | sweep | sensitivity | validate | app ...

User mistakes (a malformed scenario, an unknown key, a missing file, a value
out of range) print one line naming the file, the key, what was expected and
what was given, exit with status 2 and write nothing.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from pathlib import Path

from .errors import EXIT_USAGE, InputError

# subcommands that live with their subpackages: module -> registers parsers
EXTENSIONS = ("ovopsim.experiments.cli", "ovopsim.validation.cli", "ovopsim.app.cli")

SUMMARY_ROWS = (
    ("income_mean", "Mean income per business (Rp/month)", 1.0),
    ("income_median", "Median income per business (Rp/month)", 1.0),
    ("jobs", "Jobs (owners and workers)", 1.0),
    ("active_businesses", "Active businesses", 1.0),
    ("gini", "Income inequality (Gini)", 1.0),
    ("partnerships_within", "Partnerships within villages", 1.0),
    ("partnerships_between", "Partnerships between villages", 1.0),
    ("mean_trust", "Mean trust on ties", 1.0),
    ("share_province", "Share of sales in the province", 1.0),
    ("share_national", "Share of sales to other provinces", 1.0),
    ("share_export", "Share of sales exported", 1.0),
)


def whole_number(minimum: int):
    """An argparse type: a whole number >= ``minimum`` (shared by every subcommand)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(f"expected a whole number >= {minimum}, got {text!r}")
        return value
    return parse


_positive_int = whole_number(1)
_seed = whole_number(0)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ovopsim",
        description="Agent-based simulation of village economies under One Village One Product programmes.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("run", help="run one scenario and write its results")
    p.add_argument("scenario", help="a scenario file, or the name of a shipped scenario")
    p.add_argument("--seed", type=_seed, help="random seed (default: the scenario's)")
    p.add_argument("--months", type=_positive_int, help="months to simulate (default: the scenario's)")
    p.add_argument("--out", type=Path, help="output directory (default: results/<scenario name>)")
    p.add_argument("--agents", action="store_true", help="also write per-artisan monthly records")
    p.add_argument("--force", action="store_true", help="replace results already in --out")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("scenarios", help="list the shipped scenarios")
    p.set_defaults(func=cmd_scenarios)

    p = sub.add_parser("check", help="validate scenario files without running them")
    p.add_argument("scenario", nargs="+")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("params", help="list every model parameter with its default and source")
    p.add_argument("--markdown", action="store_true", help="as Markdown tables (for docs/ODD.md)")
    p.set_defaults(func=cmd_params)

    for name in EXTENSIONS:
        try:
            found = importlib.util.find_spec(name)
        except ModuleNotFoundError:
            found = None
        if found is None:
            continue
        mod = importlib.import_module(name)
        adder = getattr(mod, "add_parsers", None) or mod.add_parser
        known = set(sub.choices)
        adder(sub)
        for cmd in set(sub.choices) - known:
            if sub.choices[cmd].get_default("func") is None:
                sub.choices[cmd].set_defaults(func=mod.handle)
    return parser


def cmd_run(args) -> int:
    from . import output, plots
    from .config import load_scenario, resolve_scenario_path
    from .simulation import ensure_compiled, run_paired

    path = resolve_scenario_path(args.scenario)
    scenario = load_scenario(path)
    out = args.out or Path("results") / scenario.scenario.name
    output.check_destination(out, args.force)
    ensure_compiled(sys.stderr)
    res, none = run_paired(scenario, seed=args.seed, months=args.months, agents=args.agents,
                           progress=not args.no_progress and scenario.n_artisans * (args.months or 60) > 20_000,
                           keep_model=True)
    with output.staged(out, args.force) as tmp:
        files = []
        files += output.write_table(res.monthly, tmp / "monthly")
        files += output.write_table(res.scorecard, tmp / "scorecard")
        if res.agents is not None:
            files += output.write_table(res.agents, tmp / "agents")
        files.append(plots.key_outcomes(res.monthly, tmp / "key_outcomes.png",
                                        title=f"{scenario.scenario.name} (seed {res.seed})"))
        files.append(output.write_json(output.provenance(
            scenario_file=str(path), scenario_name=scenario.scenario.name,
            scenario_text=Path(path).read_text(), scenario_hash=scenario.content_hash(),
            seed=res.seed, months=res.months, artisans=scenario.n_artisans,
            warmup_months=res.model.warmup["months"], warmup_settled=res.model.warmup["settled"]),
            tmp / "provenance.json"))
    print(summary_table(res.monthly, scenario.scenario.name, res.seed,
                        none.monthly if none is not None else None))
    if not res.model.warmup["settled"]:
        print(f"note: the economy had not settled after {res.model.warmup['months']} warm-up months "
              "([world] warmup_max); growth against the warm-up year mixes in its settling")
    print(f"\nwrote {len(files)} files to {out}/: " + ", ".join(f.name for f in files))
    return 0


def summary_table(monthly, name: str, seed: int, none=None) -> str:
    """The run's first year and last year (monthly means), and, with ``none`` (the paired
    no-programme run's table), its last year and the programme's difference; income and
    jobs also against the warm-up year before month 1."""
    first = monthly.iloc[:12].mean(numeric_only=True)
    last = monthly.iloc[-12:].mean(numeric_only=True)
    other = none.iloc[-12:].mean(numeric_only=True) if none is not None else None
    head = f"{'indicator':<36}{'first year':>15}{'last year':>15}{'change':>9}"
    if other is not None:
        head += f"{'no programme':>15}{'difference':>12}"
    lines = [f"{name}, seed {seed}, {len(monthly)} months (monthly means)", head]
    for col, label, _ in SUMMARY_ROWS:
        a, b = float(first[col]), float(last[col])
        change = f"{(b / a - 1) * 100:+.0f}%" if abs(a) > 1e-9 else "n/a"
        fmt = "{:>15,.0f}" if abs(a) >= 10 or abs(b) >= 10 else "{:>15.3f}"
        row = f"{label:<36}" + fmt.format(a) + fmt.format(b) + f"{change:>9}"
        if other is not None:
            c = float(other[col])
            diff = f"{(b / c - 1) * 100:+.0f}%" if abs(c) > 1e-9 else "n/a"
            row += fmt.format(c) + f"{diff:>12}"
        lines.append(row)
    spent = float(monthly["budget_spent_total"].iloc[-1])
    lines.append(f"{'Programme spending, total (Rp)':<36}{'':>15}{spent:>15,.0f}")
    pre_i, pre_j = float(monthly["income_pre"].iloc[0]), float(monthly["jobs_pre"].iloc[0])
    lines.append(f"Against the warm-up year before month 1: income {(last['income_mean'] / pre_i - 1) * 100:+.0f}%"
                 f" (from {pre_i:,.0f}), jobs {(last['jobs'] / pre_j - 1) * 100:+.0f}% (from {pre_j:,.0f})")
    if other is not None:
        lines.append("No programme: the same world and seed without the programmes (paired run).")
    return "\n".join(lines)


def cmd_scenarios(args) -> int:
    from .config import load_scenario, shipped_scenarios

    for p in shipped_scenarios():
        s = load_scenario(p)
        print(f"{p.stem:<24} {s.n_artisans:>5} artisans  {s.scenario.description}")
    return 0


def cmd_check(args) -> int:
    from .config import load_scenario

    for f in args.scenario:
        s = load_scenario(f)
        print(f"{f}: ok ({s.n_artisans} artisans, {len(s.interventions)} interventions, "
              f"{s.scenario.months} months)")
    return 0


def cmd_params(args) -> int:
    from .config import parameter_table

    df = parameter_table()
    if args.markdown:
        for section, g in df.groupby("section", sort=False):
            print(f"\n**[{section}]**\n")
            print(markdown_table(g.drop(columns="section")))
    else:
        print(df.to_string(index=False))
    return 0


def markdown_table(df) -> str:
    cols = list(df.columns)
    rows = [" | ".join(cols), " | ".join("---" for _ in cols)]
    rows += [" | ".join(str(v) for v in r) for r in df.itertuples(index=False)]
    return "\n".join(f"| {r} |" for r in rows)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except InputError as err:
        print(f"ovopsim: error: {err.message}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("ovopsim: interrupted; nothing partial was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
