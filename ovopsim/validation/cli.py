"""``ovopsim validate`` and ``ovopsim calibrate``: the pattern checks and the calibration."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from ..cli import whole_number
from ..config import MAX_MONTHS

DOCS = Path(__file__).resolve().parent.parent.parent / "docs"
WORK = Path("results") / "validation"
QUICK_REPLICATES = 8  # as the reduced test; directions need ~8 paired replicates


def add_parsers(subparsers) -> None:
    from ..cli import posterior_argument

    p = subparsers.add_parser(
        "validate", help="reproduce the case-study patterns P1-P7 and write docs/VALIDATION.md",
        description="Run every pattern's replicated, seeded experiment (common random numbers "
                    "across arms; each replicate's parameters drawn from the posterior), and each "
                    "validation check's alternative world; print verification and validation apart "
                    "and the leave-one-case-out predictions; write them with figures, the producers' "
                    "bands and what the headline results depend on to OUT/VALIDATION.md. Exit status "
                    "1 when a check fails.")
    p.add_argument("--replicates", type=whole_number(2), default=20, help="replicates per arm (default 20)")
    p.add_argument("--months", type=whole_number(1, MAX_MONTHS), default=60,
                   help="horizon (default 60; the tolerances are stated for 60)")
    p.add_argument("--out", type=Path, default=DOCS, help="where VALIDATION.md and figures go (default docs/)")
    p.add_argument("--work", type=Path, default=WORK,
                   help="where the runs go (an interrupted validation resumes, a repeated one reads "
                        "them back; default results/validation)")
    p.add_argument("--workers", type=whole_number(1), default=min(2, os.cpu_count() or 1),
                   help="worker processes (default 2)")
    p.add_argument("--quick", action="store_true",
                   help=f"{QUICK_REPLICATES} replicates, tables only (no VALIDATION.md, no Sobol' indices)")
    p.add_argument("--no-loco", action="store_true", help="skip the leave-one-case-out predictions")
    p.add_argument("--no-depends", action="store_true",
                   help="skip what the headline results depend on (Sobol' indices over the posterior)")
    p.add_argument("--seed", type=int, default=20250101, help="root seed of the replicate seeds")
    posterior_argument(p, "arm")
    p.set_defaults(func=handle)

    from .calibrate import SPEC
    from .patterns import CASES
    p = subparsers.add_parser(
        "calibrate", help="fit the assumed parameters to the calibration targets (Morris screen, then "
        "ABC-SMC through the runner; resumable)",
        description="Screen every assumed parameter (Morris) on the calibration targets, then fit the "
                    "screened ones by ABC-SMC (pyabc) with every simulation through the project's runner; "
                    "rerunning resumes after the last whole generation. Writes the posterior "
                    "(ovopsim/data/posterior.csv) and docs/CALIBRATION.md.")
    p.add_argument("--spec", type=Path, default=SPEC, help="calibration spec (TOML)")
    p.add_argument("--work", type=Path, default=None,
                   help="where the runs and the ABC history go (default results/calibration); "
                        "rerunning with the same DIR resumes")
    p.add_argument("--out", type=Path, default=None,
                   help="where the posterior and CALIBRATION.md go (default: the shipped places; "
                        "with --quick, the work folder)")
    p.add_argument("--quick", action="store_true", help="the spec's [quick] version: no screen, its "
                   "parameters, tiny generations, a short horizon (for tests)")
    p.add_argument("--without", choices=list(CASES), metavar="CASE", default=None,
                   help=f"leave out this case study's targets ({', '.join(CASES)})")
    p.add_argument("--loco", action="store_true",
                   help="after the main calibration, one without each case study that has targets")
    p.add_argument("--stability", action="store_true",
                   help="after the main calibration, the same with another seed (the report compares them)")
    p.add_argument("--executor", choices=("serial", "process", "dask"), default="process")
    p.add_argument("--workers", type=whole_number(1), default=min(2, os.cpu_count() or 1))
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT", default=None,
                   help="an existing Dask scheduler (with --executor dask)")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=handle_calibrate,
                   interrupted="interrupted; rerun the same command to resume (finished generations "
                               "and runs are kept)")


def handle(args) -> int:
    from .calibrate import leave_one_case_out
    from .core import validate
    from .report import markdown, text_table

    reps = QUICK_REPLICATES if args.quick else args.replicates
    post = str(args.posterior) if args.posterior is not None else None
    if post is not None:
        from ..posterior import load_posterior

        load_posterior(post)
    t0 = time.perf_counter()
    v = validate(replicates=reps, months=args.months, workers=args.workers, root_seed=args.seed,
                 posterior=post, work=args.work)
    loco = None if args.no_loco else leave_one_case_out(v, replicates=reps, months=args.months,
                                                         workers=args.workers, root_seed=args.seed,
                                                         work=args.work)
    deps = None
    if not (args.quick or args.no_depends):
        from ..posterior import load_posterior
        from .core import digest
        from .depends import REPLICATES, SAMPLES, depends

        name = f"depends-{digest([{'n': SAMPLES, 'months': args.months}], REPLICATES, 0, post)}"
        deps = depends(load_posterior(post), work=args.work / name, months=args.months, workers=args.workers,
                       progress=True) if post else None
    runtime = time.perf_counter() - t0
    print(text_table(v, loco))
    print(f"runtime {runtime:.0f} s with {args.workers} worker(s)")
    if not args.quick:
        cmd = "ovopsim validate" + ("" if reps == 20 else f" --replicates {reps}") + (
            "" if args.months == 60 else f" --months {args.months}")
        md = markdown(v, args.out, command=cmd, runtime=runtime, loco=loco, depends=deps)
        print(f"wrote {md}")
    return 0 if v.passed else 1


def handle_calibrate(args) -> int:
    from ..posterior import SHIPPED
    from .calibrate import (
        WORK,
        calibrate,
        load_spec,
        loco_cases,
        loco_path,
        marginals,
        report,
        slug,
        write_posterior,
    )

    spec = load_spec(args.spec)
    work = args.work or (WORK / "quick" if args.quick else WORK)
    run = {"executor": args.executor, "workers": args.workers, "scheduler": args.scheduler,
           "progress": not args.no_progress}
    t0 = time.perf_counter()
    cal = calibrate(spec, work=work, quick=args.quick, without=args.without, **run)
    out = args.out or (work if args.quick else None)
    if args.without:
        path = write_posterior(cal, (out / f"posterior-without-{slug(args.without)}.csv") if out
                               else loco_path(args.without))
        print(cal.abc.generations.to_string(index=False))
        print(f"wrote {path}")
        return 0
    post = write_posterior(cal, (out / "posterior.csv") if out else SHIPPED)
    loco = {}
    if args.loco:
        for case in loco_cases():
            lc = calibrate(spec, work=work, without=case, **run)
            write_posterior(lc, (out / f"posterior-without-{slug(case)}.csv") if out else loco_path(case))
            loco[case] = lc
    again = calibrate(spec, work=work, quick=args.quick, reseed=1, **run) if args.stability else None
    runtime = time.perf_counter() - t0
    cmd, spec_text = calibrate_command(args)
    md = report(cal, out or DOCS, command=cmd, runtime=runtime, loco=loco or None, again=again,
                spec=spec_text, posterior=str(post) if out else None)
    print(cal.abc.generations.to_string(index=False))
    print(marginals(cal).to_string(index=False, float_format=lambda x: f"{x:.3g}"))
    print(f"runtime {runtime:.0f} s; wrote {post} and {md}")
    return 0


def main(argv=None) -> int:
    """``python -m ovopsim.validation [options]``: ``ovopsim validate [options]``."""
    from ..cli import main as ovopsim_main

    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("validate", "calibrate"):
        argv = ["validate", *argv]
    return ovopsim_main(argv)


def calibrate_command(args) -> tuple[str, str]:
    """How CALIBRATION.md names the command that wrote it and the spec it ran: the
    shipped spec (``--spec``'s default, an absolute path) as ``experiments/calibrate.toml``
    and without ``--spec``, so that the report does not depend on where the repository is."""
    from .calibrate import SPEC

    shipped = args.spec is None or Path(args.spec).resolve() == SPEC.resolve()
    cmd = ("ovopsim calibrate" + ("" if shipped else f" --spec {args.spec}") + (" --quick" if args.quick else "")
           + (" --loco" if args.loco else "") + (" --stability" if args.stability else ""))
    return cmd, "experiments/calibrate.toml" if shipped else str(args.spec)
