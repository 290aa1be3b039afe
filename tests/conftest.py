import os

import pytest

from ovopsim.config import load_scenario

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def baseline():
    return load_scenario("baseline")
