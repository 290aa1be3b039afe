"""ovopsim: agent-based simulation of village economies under One Village One Product programmes.

Quick use::

    from ovopsim import load_scenario, run
    result = run(load_scenario("blitar_batik"), seed=1)
    result.monthly      # one row per month of indicators
    result.scorecard    # OVOP assessment per village
"""

from .config import Scenario, load_scenario
from .model import OVOPModel
from .simulation import RunResult, run

__all__ = ["Scenario", "load_scenario", "OVOPModel", "RunResult", "run"]
__version__ = "0.1.0"
