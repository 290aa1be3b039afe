"""ovopsim: agent-based simulation of village economies under One Village One Product programmes.

Quick use::

    from ovopsim import load_scenario, run
    result = run(load_scenario("blitar_batik"), seed=1)
    result.monthly      # one row per month of indicators
    result.scorecard    # OVOP assessment per village

The names below are imported when first used, so that importing a light part of the
package (the ``ovopsim`` command's own module, :mod:`ovopsim.cli`) does not load the
model and its libraries first: the command handles Ctrl-C and SIGTERM from its start.
"""

import importlib

from . import mechanisms  # noqa: F401 - first: drops a stale kernel cache before any kernel loads

__all__ = ["Scenario", "load_scenario", "OVOPModel", "RunResult", "run"]
__version__ = "0.1.0"

# each public name: the module it lives in
_HOME = {"Scenario": "config", "load_scenario": "config", "OVOPModel": "model", "RunResult": "simulation",
         "run": "simulation"}


def __getattr__(name: str):
    if name in _HOME:
        value = getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *_HOME})
