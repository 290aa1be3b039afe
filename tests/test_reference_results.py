"""The model's numbers are pinned: monthly tables, scorecards and per-artisan records of
five scenario-seed cases, identical to the last bit to the stored reference
(tests/data/make_reference.py regenerates it when a change is meant to change results)."""

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

HERE = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def fresh():
    spec = importlib.util.spec_from_file_location("make_reference", HERE / "make_reference.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return dict(zip(("monthly", "scorecard", "agents"), mod.results(), strict=True))


@pytest.mark.parametrize("label", ["monthly", "scorecard", "agents"])
def test_results_match_the_reference(fresh, label):
    stored = pd.read_parquet(HERE / f"reference_{label}.parquet")
    pd.testing.assert_frame_equal(fresh[label], stored, check_exact=True)
