"""Regenerate the reference results that pin the model's numbers (tests/test_reference_results.py).

    .venv/bin/python tests/data/make_reference.py

Run it only when a change is meant to change the model's results, and say so in the
commit: every other change (speed, layout) must leave these files' numbers as they are.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
CASES = (("rasau_jaya", 1), ("rasau_jaya", 2), ("blitar_batik", 1), ("proppo_batik", 3),
         ("singkawang_ljmp", 2))
MONTHS = 36


def results():
    from ovopsim.simulation import run

    monthly, scorecards, agents = [], [], []
    for name, seed in CASES:
        res = run(name, seed=seed, months=MONTHS, agents=True)
        for frame, out in ((res.monthly, monthly), (res.scorecard, scorecards), (res.agents, agents)):
            out.append(frame.assign(case=f"{name}/{seed}"))
    return pd.concat(monthly, ignore_index=True), pd.concat(scorecards, ignore_index=True), \
        pd.concat(agents, ignore_index=True)


if __name__ == "__main__":
    for label, frame in zip(("monthly", "scorecard", "agents"), results(), strict=True):
        frame.to_parquet(HERE / f"reference_{label}.parquet", index=False)
        print(f"wrote {HERE / f'reference_{label}.parquet'} ({len(frame)} rows)")
