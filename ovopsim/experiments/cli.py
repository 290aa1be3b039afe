"""The commands ``compare SCENARIO...``, ``sweep SPEC`` and ``sensitivity SPEC``.

The main ``ovopsim`` command (:mod:`ovopsim.cli`, where every exception becomes
one line and an exit status) calls :func:`add_parsers` with its subparsers and
:func:`handle` with the parsed arguments.

Exit codes: 0 done; 1 runs finished but some failed, a worker process died or the
analysis failed (finished runs kept; rerun to resume, with ``--retry-failed`` to
run the failed ones again); 2 a mistake in the input (one line on stderr, nothing
written); 130 interrupted (143 on SIGTERM; finished runs kept; rerun to resume).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from ovopsim.errors import RunFailed

from ..cli import months_argument, posterior_argument, seconds, whole_number
from .executors import DASK_HANDSHAKE, DASK_WAIT

COMPARE_HELP = ("run scenarios with the same replicate seeds and compare them with a baseline "
                "(paired differences, 95%% CIs, cost per rupiah of income; resumable)")
COMMANDS = {
    "sweep": "run a parameter sweep described by a TOML spec (resumable)",
    "sensitivity": "run a global sensitivity analysis described by a TOML spec (resumable)",
}
INTERRUPTED = "interrupted; rerun the same command to resume (finished runs are kept)"

_positive_int = whole_number(1)
_seed = whole_number(0)


def add_parsers(subparsers) -> None:
    """Register ``compare``, ``sweep`` and ``sensitivity`` on an argparse subparsers object."""
    help_text = COMPARE_HELP
    p = subparsers.add_parser("compare", help=help_text, description=help_text)
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                   help="scenario files or names of shipped scenarios (or one sweep spec "
                        "with method = \"points\": each point is a scenario)")
    p.add_argument("--replicates", type=_positive_int, default=None, metavar="N",
                   help="runs per scenario, with the same seeds in every scenario (default 10)")
    p.add_argument("--baseline", metavar="NAME", default=None,
                   help="the reference scenario (default: one named baseline, else the first)")
    months_argument(p, "months to simulate (default: each scenario's)")
    p.add_argument("--seed", type=_seed, metavar="N", default=None,
                   help="root seed of the replicate seeds (default 0)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", dest="overrides",
                   help="override a parameter in every scenario, e.g. trust.gain=0.1 "
                        "(repeatable)")
    posterior_argument(p, "scenario")
    _common_options(p, "results/compare_<a>_vs_<b>")
    p.set_defaults(experiment_command="compare")
    for name, help_text in COMMANDS.items():
        p = subparsers.add_parser(name, help=help_text, description=help_text)
        p.add_argument("spec", help="the experiment spec (TOML)")
        if name == "sweep":
            posterior_argument(p, "point (OVOP models)")
        _common_options(p, "results/<spec name>")
        p.set_defaults(experiment_command=name)


def _common_options(p, default_out: str) -> None:
    p.add_argument("--out", metavar="DIR", default=None,
                   help=f"output directory (default: {default_out}); "
                        "rerunning with the same DIR resumes")
    p.add_argument("--executor", choices=("serial", "process", "dask"), default=None,
                   help="where runs execute (default: process, or dask with "
                        "--scheduler/--dask-local)")
    p.add_argument("--workers", type=_positive_int, metavar="N", default=None,
                   help="worker processes for --executor process (default: all cores)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT", default=None,
                   help="address of an existing Dask scheduler (implies --executor dask)")
    p.add_argument("--dask-local", type=_positive_int, metavar="N", default=None,
                   help="start a local Dask cluster of N worker processes "
                        "(implies --executor dask)")
    p.add_argument("--dask-wait", type=seconds, metavar="SECONDS", default=DASK_WAIT,
                   help="how long to wait for a worker of a Dask scheduler to be there "
                        f"(default {DASK_WAIT:g}; the scheduler itself must answer within "
                        f"{DASK_HANDSHAKE:g} s, or this if shorter)")
    p.add_argument("--retry-failed", action="store_true",
                   help="when resuming, run again the runs that failed before")
    p.add_argument("--no-progress", action="store_true", help="no progress bar (a first compilation of the model is still announced)")
    p.set_defaults(interrupted=INTERRUPTED)


def run_options(args: argparse.Namespace) -> dict:
    """The runner's keyword arguments from the options of :func:`_common_options`
    (``--scheduler`` or ``--dask-local`` imply the Dask executor)."""
    from ovopsim.errors import InputError

    dask_options = bool(args.scheduler or args.dask_local)
    executor = args.executor or ("dask" if dask_options else "process")
    if dask_options and executor != "dask":
        raise InputError(None, "--executor", "dask with --scheduler/--dask-local", executor)
    return {"out_dir": args.out, "executor": executor, "workers": args.workers,
            "scheduler": args.scheduler, "dask_local": args.dask_local,
            "progress": not args.no_progress, "retry_failed": args.retry_failed,
            "dask_wait": args.dask_wait}


def _print_table(df: pd.DataFrame, limit: int = 20) -> None:
    with pd.option_context("display.width", 120, "display.max_columns", 12,
                           "display.precision", 4):
        print(df.head(limit).to_string(index=False))
    if len(df) > limit:
        print(f"... {len(df) - limit} more rows")


def failed_runs(runs: pd.DataFrame) -> None:
    """failed_runs_exit: after the tables are written, any failed run is one line
    and exit status 1 (RunFailed), with how to run them again."""
    failed = runs[runs["status"] == "failed"]
    if len(failed):
        raise RunFailed(f"{len(failed)} of {len(runs)} runs failed (first: "
                        f"{failed['error'].iloc[0]}); the tables hold the others. Rerun the "
                        "same command with --retry-failed to run them again")


def handle(args: argparse.Namespace) -> int:
    """Run the parsed command; returns the exit status (errors are raised, for
    :func:`ovopsim.cli.main` to report)."""
    from .api import sensitivity, sweep

    options = run_options(args)
    if args.experiment_command == "compare":
        from .compare import compare, parse_sets

        result = compare(args.scenarios, replicates=args.replicates,
                         baseline=args.baseline, months=args.months, seed=args.seed,
                         overrides=parse_sets(args.overrides), posterior=args.posterior, **options)
        print(result.table())
    elif args.experiment_command == "sweep":
        result = sweep(args.spec, posterior=args.posterior, **options)
        _print_table(result.summary)
        n_failed = int((result.runs["status"] == "failed").sum())
        print(f"{len(result.runs)} runs, {n_failed} failed")
    else:
        result = sensitivity(args.spec, **options)
        _print_table(result.wide().reset_index())
    print(f"written to {result.out_dir}:")
    for f in result.files:
        print(f"  {Path(f)}")
    failed_runs(result.runs)
    return 0
