import os

import pytest

import tests.models  # noqa: F401  (registers the analytic test models)
from ovopsim.config import load_scenario

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def baseline():
    return load_scenario("baseline")
