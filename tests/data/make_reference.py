"""Regenerate the reference results pinned by ``tests/test_performance_equivalence.py``.

    PYTHONPATH=. python tests/data/make_reference.py

Regenerate only when the model's behaviour is MEANT to change (a new
mechanism, a recalibrated parameter), never to make a failing equivalence
test pass after a performance change: an optimisation must reproduce these
tables bit for bit, including the order of random draws.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ovopsim.config import load_scenario
from ovopsim.simulation import run

HERE = Path(__file__).resolve().parent
MONTHLY = HERE / "reference_monthly.parquet"
SCORECARD = HERE / "reference_scorecard.parquet"
AGENTS = HERE / "reference_agents.parquet"

# (scenario, world.scale): the default scenario, one with an LJMP (loans, mentors,
# access shock), one with forums, facilities and officer turnover, one with a budget
# cut and one scaled up (several copies of the villages, inter-copy bridges)
CASES = [("rasau_jaya", 1), ("singkawang_ljmp", 1), ("blitar_turnover", 1),
         ("blitar_budget_cut", 1), ("proppo_batik", 3)]
SEEDS = (1, 7)
MONTHS = 120


def scenario(name: str, scale: int):
    sc = load_scenario(name)
    return sc if scale == 1 else sc.with_overrides({"world.scale": scale})


def results() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The monthly tables and scorecards of every case, stacked, keyed by case and seed,
    and the per-artisan monthly records of the first case's first seed."""
    monthly, cards, agents = [], [], None
    for name, scale in CASES:
        sc = scenario(name, scale)
        for seed in SEEDS:
            first = agents is None
            r = run(sc, seed=seed, months=MONTHS, agents=first)
            if first:
                agents = r.agents
            for df, out in ((r.monthly, monthly), (r.scorecard, cards)):
                df = df.copy()
                df.insert(0, "case", f"{name}x{scale}")
                df.insert(1, "seed", seed)
                out.append(df)
    return pd.concat(monthly, ignore_index=True), pd.concat(cards, ignore_index=True), agents


def main() -> None:
    monthly, cards, agents = results()
    monthly.to_parquet(MONTHLY, index=False)
    cards.to_parquet(SCORECARD, index=False)
    agents.to_parquet(AGENTS, index=False)
    print(f"wrote {MONTHLY.name} {monthly.shape}, {SCORECARD.name} {cards.shape}, "
          f"{AGENTS.name} {agents.shape}")


if __name__ == "__main__":
    main()
