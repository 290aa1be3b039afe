"""Optimisations must not change results: the monthly tables and scorecards of
five scenarios x two seeds x 120 months (and one run's per-artisan records) equal, bit for bit, the reference made by
``tests/data/make_reference.py`` (regenerate it only when the model's behaviour is
meant to change)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).resolve().parent / "data"


def _reference_module():
    spec = importlib.util.spec_from_file_location("make_reference", DATA / "make_reference.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


ref = _reference_module()


@pytest.fixture(scope="module")
def current():
    return ref.results()


def test_monthly_tables_identical(current):
    pd.testing.assert_frame_equal(current[0], pd.read_parquet(ref.MONTHLY), check_exact=True)


def test_scorecards_identical(current):
    pd.testing.assert_frame_equal(current[1], pd.read_parquet(ref.SCORECARD), check_exact=True)


def test_agent_records_identical(current):
    pd.testing.assert_frame_equal(current[2], pd.read_parquet(ref.AGENTS), check_exact=True)
