"""Where one run of the throughput design goes: timers around the calls.

    python benchmarks/breakdown.py            # 400 runs of the 1,000-run design (about 5 s)
    python benchmarks/breakdown.py --runs 1000

Runs the design's rows in this process as a worker of the runner would
(``workloads.simulate_design``: the run's scenario derived and validated, the model
built and warmed up, 120 months, the outcomes), after 30 runs that load the compiled
kernels, and times each group of calls with ``time.perf_counter`` around it:

- the compiled months (the warm-up's, the quiet ones run a stretch to a call, and the
  compiled rest of every other month: ``ovopsim.months``);
- the programme rounds' compiled kernels (offers, attendance, training, fairs);
- the government's months in Python around them (fiscal years, budget, rounds);
- building the model (the world, its Mesa agents) outside its warm-up;
- the rest: the month loop's own Python and Mesa's step, deriving the scenario,
  the outcomes.

Timers add about a microsecond a call; the shares, not the milliseconds, are what to
compare between machines or days (the machine is shared).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import workloads as w  # noqa: E402

from ovopsim import interventions, model, months  # noqa: E402
from ovopsim.mechanisms import government, learning  # noqa: E402

#: (group, module, function name): the calls timed
TIMED = [
    *(("compiled months", months, n) for n in ("warm_months", "quiet_months", "after_government", "start_month")),
    *(("programme kernels", mod, n) for mod, n in (
        (interventions, "_offer"), (interventions, "_exhibit"), (interventions, "numpy_sum"),
        (learning, "take_part"), (learning, "train"), (learning, "peers_reached"),
        (government, "affordable"))),
    ("government (with its kernels)", model.OVOPModel, "_government"),
    ("model built (with its warm-up)", model.OVOPModel, "__init__"),
    ("of which warm-up months", model.OVOPModel, "_warm_up"),
]


def timed(totals: dict, group: str, owner, name: str) -> None:
    """Replace ``owner.name`` by the same call timed into ``totals[group]``."""
    f = getattr(owner, name)

    def call(*args, **kwargs):
        t = time.perf_counter()
        try:
            return f(*args, **kwargs)
        finally:
            totals[group] = totals.get(group, 0.0) + time.perf_counter() - t

    setattr(owner, name, call)
    if owner is model.OVOPModel and name in model._PLAIN_MONTH:  # still the plain month:
        model._PLAIN_MONTH[name] = call  # its quiet months still run a stretch to a call


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=400, help="runs timed (at most the design's 1,000 less 30)")
    args = ap.parse_args(argv)
    rows = w.design(1000).run_params()
    runs = max(1, min(args.runs, len(rows) - 30))
    w.warm()
    for _, seed, params in rows[:30]:
        w.simulate_design(params, seed)
    totals: dict[str, float] = {}
    for group, owner, name in TIMED:
        timed(totals, group, owner, name)
    t = time.perf_counter()
    for _, seed, params in rows[30:30 + runs]:
        w.simulate_design(params, seed)
    per_run = (time.perf_counter() - t) / runs
    ms = {k: v / runs * 1e3 for k, v in totals.items()}
    g = ms.get("government (with its kernels)", 0.0) - ms.get("programme kernels", 0.0)
    b = ms.get("model built (with its warm-up)", 0.0) - ms.get("of which warm-up months", 0.0)
    parts = [("compiled months (warm-up included)", ms.get("compiled months", 0.0)),
             ("programme rounds' compiled kernels", ms.get("programme kernels", 0.0)),
             ("government's Python around them", g),
             ("model built, outside its warm-up (world, Mesa agents)", b)]
    parts.append(("the rest (month loop, Mesa's step, scenario, outcomes)", per_run * 1e3 - sum(v for _, v in parts)))
    print(f"{runs} runs of the default scenario, 120 months: {per_run * 1e3:.2f} ms a run "
          f"({1 / per_run:.0f} runs / s in one process)")
    for label, v in parts:
        print(f"  {label:56s} {v:6.2f} ms  {v / (per_run * 1e3):4.0%}")
    print(f"  {'(the warm-up, within the above)':56s} {ms.get('of which warm-up months', 0.0):6.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
