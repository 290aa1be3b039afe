"""``ovopsim validate`` and ``ovopsim calibrate``: the pattern checks and the calibration."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from ..cli import whole_number
from ..config import MAX_MONTHS

DOCS = Path(__file__).resolve().parent.parent.parent / "docs"
QUICK_REPLICATES = 8  # as the reduced test; directions need ~8 paired replicates


def add_parsers(subparsers) -> None:
    p = subparsers.add_parser(
        "validate", help="reproduce the case-study patterns P1-P7 and write docs/VALIDATION.md",
        description="Run every pattern's replicated, seeded experiment (common random numbers "
                    "across arms), print the validation table and write it with figures to "
                    "OUT/VALIDATION.md. Exit status 1 when a check fails.")
    p.add_argument("--replicates", type=whole_number(1), default=20, help="replicates per arm (default 20)")
    p.add_argument("--months", type=whole_number(1, MAX_MONTHS), default=60,
                   help="horizon (default 60; the tolerances are stated for 60)")
    p.add_argument("--out", type=Path, default=DOCS, help="where VALIDATION.md and figures go (default docs/)")
    p.add_argument("--workers", type=whole_number(1), default=min(2, os.cpu_count() or 1),
                   help="worker processes (default 2)")
    p.add_argument("--quick", action="store_true",
                   help=f"{QUICK_REPLICATES} replicates, table only (no VALIDATION.md)")
    p.add_argument("--seed", type=int, default=20250101, help="root seed of the replicate seeds")
    p.set_defaults(func=handle)

    from .calibrate import SPEC
    p = subparsers.add_parser("calibrate", help="search the assumed parameters for sets that "
                              "reproduce all patterns (rejection ABC)")
    p.add_argument("--spec", type=Path, default=SPEC, help="calibration spec (TOML)")
    p.add_argument("--out", type=Path, default=DOCS, help="where CALIBRATION.md goes")
    p.add_argument("--workers", type=whole_number(1), default=2)
    p.add_argument("--quick", action="store_true", help="the spec's small [quick] budget")
    p.set_defaults(func=handle_calibrate)


def handle(args) -> int:
    from .core import validate
    from .report import markdown, text_table

    reps = QUICK_REPLICATES if args.quick else args.replicates
    t0 = time.perf_counter()
    v = validate(replicates=reps, months=args.months, workers=args.workers, root_seed=args.seed)
    runtime = time.perf_counter() - t0
    print(text_table(v))
    print(f"runtime {runtime:.0f} s with {args.workers} worker(s)")
    if not args.quick:
        cmd = "ovopsim validate" + ("" if reps == 20 else f" --replicates {reps}") + (
            "" if args.months == 60 else f" --months {args.months}")
        md = markdown(v, args.out, command=cmd, runtime=runtime)
        print(f"wrote {md}")
    return 0 if v.passed else 1


def handle_calibrate(args) -> int:
    from .calibrate import calibrate, central, load_spec, region, write_report

    spec = load_spec(args.spec)
    t0 = time.perf_counter()
    table = calibrate(spec, quick=args.quick, workers=args.workers)
    runtime = time.perf_counter() - t0
    md = write_report(spec, table, args.out, quick=args.quick, runtime=runtime)
    print(region(spec, table).to_string(index=False, float_format=lambda x: f"{x:.3g}"))
    print(f"accepted {int(table['accepted'].sum())}/{len(table)}; central: {central(spec, table)}")
    print(f"runtime {runtime:.0f} s; wrote {md}")
    return 0


def main(argv=None) -> int:
    """``python -m ovopsim.validation [options]``: ``ovopsim validate [options]``."""
    from ..cli import main as ovopsim_main

    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("validate", "calibrate"):
        argv = ["validate", *argv]
    return ovopsim_main(argv)
