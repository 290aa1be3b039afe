"""The ``ovopsim`` command.

    ovopsim run SCENARIO [--seed N] [--months N] [--out DIR] [--agents] [--force]
    ovopsim scenarios
    ovopsim check SCENARIO...
    ovopsim params [--markdown]
    ovopsim compare | sweep | sensitivity | validate | app ...

Every command's outcome is mapped here, in :func:`main`, to one line on stderr
and an exit status: user mistakes (a malformed scenario, an unknown key, a missing
or special file, a value out of range, a bad option) name the file, the key, what
was expected and what was given, exit with status 2 and write nothing; failures
while running (a full disk, an I/O error, failed runs, a lost worker) exit with
status 1; Ctrl-C exits with 130 and SIGTERM with 143, after the same clean-up.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import math
import signal
import sys
from pathlib import Path

from .errors import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    InputError,
    Interrupted,
    RunFailed,
    os_error_text,
)

# subcommands that live with their subpackages: module -> registers parsers
EXTENSIONS = ("ovopsim.experiments.cli", "ovopsim.experiments.decide.cli", "ovopsim.validation.cli", "ovopsim.app.cli")

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


def whole_number(minimum: int, maximum: int | None = None):
    """An argparse type: a whole number >= ``minimum`` (and <= ``maximum``), shared by
    every subcommand."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum or (maximum is not None and value > maximum):
            bound = f">= {minimum}" if maximum is None else f"from {minimum} to {maximum}"
            raise argparse.ArgumentTypeError(f"expected a whole number {bound}, got {text!r}")
        return value
    return parse


def seconds(text: str) -> float:
    """An argparse type: a finite number of seconds > 0."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a number of seconds > 0, got {text!r}")
    return value


def months_argument(p: argparse.ArgumentParser, help_text: str) -> None:
    """``--months N``, capped at :data:`ovopsim.config.MAX_MONTHS` like scenario files."""
    from .config import MAX_MONTHS

    p.add_argument("--months", type=whole_number(1, MAX_MONTHS), metavar="N", default=None,
                   help=f"{help_text}; at most {MAX_MONTHS}")


def posterior_argument(p: argparse.ArgumentParser, what: str) -> None:
    """``--posterior FILE|none``: the posterior each replicate draws its calibrated
    parameters from (default: the shipped one, :data:`ovopsim.posterior.SHIPPED`);
    ``none``: every replicate runs the defaults (chance alone)."""
    from .posterior import SHIPPED

    def value(text: str):
        return None if text.strip().lower() == "none" else Path(text)

    p.add_argument("--posterior", type=value, metavar="FILE", default=SHIPPED,
                   help=f"posterior of the calibrated parameters: replicate i draws its parameter set "
                        f"from it (the same draw in every {what}), so intervals include what is not "
                        "known about the parameters; 'none': defaults only, intervals from seeds "
                        "alone (default: the shipped posterior, ovopsim/data/posterior.csv)")


class OneLineParser(argparse.ArgumentParser):
    """A parser whose mistakes are one line (``PROG: error: ...``) and exit status 2,
    like every other input error; ``--help`` shows the usage."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


_positive_int = whole_number(1)
_seed = whole_number(0)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="ovopsim",
        description="Agent-based simulation of village economies under One Village One Product programmes.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("run", help="run one scenario and write its results")
    p.add_argument("scenario", help="a scenario file, or the name of a shipped scenario")
    p.add_argument("--seed", type=_seed, help="random seed (default: the scenario's)")
    months_argument(p, "months to simulate (default: the scenario's)")
    p.add_argument("--out", type=Path, help="output directory (default: results/<scenario name>)")
    p.add_argument("--agents", action="store_true", help="also write per-artisan monthly records")
    p.add_argument("--force", action="store_true", help="replace results already in --out")
    p.add_argument("--no-progress", action="store_true",
                   help="no progress bar (a first compilation of the model is still announced)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("scenarios", help="list the shipped scenarios")
    p.set_defaults(func=cmd_scenarios)

    p = sub.add_parser("check", help="validate scenario files (or experiment and decision specs) "
                                     "without running them")
    p.add_argument("scenario", nargs="+", metavar="FILE")
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
    output.check_writable(out)
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
    if pre_i > 0 and pre_j > 0:
        lines.append(f"Against the warm-up year before month 1: income "
                     f"{(last['income_mean'] / pre_i - 1) * 100:+.0f}% (from {pre_i:,.0f}), "
                     f"jobs {(last['jobs'] / pre_j - 1) * 100:+.0f}% (from {pre_j:,.0f})")
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
    """Each file validated as what it is: a scenario, or a spec (it has an
    ``[experiment]`` table) checked as the command that runs it would check it,
    its scenario and every parameter's dry run included."""
    from .config import load_scenario, spec_kind
    from .errors import read_toml

    for f in args.scenario:
        path = Path(f)
        kind = spec_kind(read_toml(path)) if path.suffix == ".toml" and path.is_file() else None
        if kind == "calibration":  # the calibration spec (ovopsim calibrate)
            from .validation.calibrate import load_spec as load_calibration

            c = load_calibration(path)
            print(f"{f}: ok (calibration spec: {len(c.ranges)} parameter ranges)")
        elif kind == "decision":
            from .experiments.decide.spec import load_decision

            d = load_decision(path)
            print(f"{f}: ok (decision spec: {len(d.programmes)} programmes, {len(d.uncertainty_params)} "
                  f"uncertainties, {len(d.outcomes)} outcomes)")
        elif kind is not None:
            from .experiments.spec import load_spec

            e = load_spec(path)
            points = e.design is not None and e.design.method == "points"
            varied = f"{len(e.design.points)} points" if points else f"{len(e.params)} parameter{'s' if len(e.params) != 1 else ''}"
            print(f"{f}: ok ({e.experiment.kind} spec, model {e.experiment.model}, {varied})")
        else:
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


@contextlib.contextmanager
def sigterm_as_interrupt():
    """sigterm_like_sigint: SIGTERM raises :class:`~ovopsim.errors.Interrupted` (a
    KeyboardInterrupt) in the main thread, so it cleans up exactly as Ctrl-C does."""
    def raise_interrupted(signum, frame):
        raise Interrupted(signum)

    try:
        previous = signal.signal(signal.SIGTERM, raise_interrupted)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    """Run a command; every outcome is an exit status and at most one line on stderr
    (see the module docstring)."""
    args = argparse.Namespace()
    with sigterm_as_interrupt():  # first: loading the subcommands takes a while
        try:
            try:
                args = build_parser().parse_args(argv)
                return int(args.func(args) or 0)
            except SystemError as exc:
                # a signal that arrives inside compiled code surfaces as a SystemError
                # caused by the interrupt: treat it as the interrupt
                if isinstance(exc.__cause__, KeyboardInterrupt):
                    raise exc.__cause__ from None
                raise
        except InputError as err:
            return _say(f"ovopsim: error: {err.message}", EXIT_USAGE)
        except KeyboardInterrupt as exc:
            status = 128 + exc.signum if isinstance(exc, Interrupted) else EXIT_INTERRUPTED
            return _say(getattr(args, "interrupted", "interrupted; nothing partial was written"),
                        status)
        except RunFailed as exc:
            return _say(f"ovopsim: error: {exc}", EXIT_FAILED)
        except OSError as exc:  # a full disk, an I/O error, a name too long, ...
            where = f"{exc.filename}: " if exc.filename else ""
            return _say(f"ovopsim: error: {where}{os_error_text(exc)}", EXIT_FAILED)


def _say(line: str, status: int) -> int:
    print(" ".join(line.split()), file=sys.stderr, flush=True)  # one line, whatever it holds
    return status


if __name__ == "__main__":
    sys.exit(main())
