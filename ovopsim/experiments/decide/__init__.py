"""Decisions for planners: what a fixed budget should buy, and where a programme breaks.

A decision spec (:mod:`.spec`) declares apart the planner's **levers** (the shares
of a fixed yearly budget per programme, and others such as a start month or a
medium-term plan), the **uncertainties** she does not control (budget cuts,
officer turnover, demand, behavioural parameters) and the **outcomes** with a
direction. On it:

* :func:`optimize` (:mod:`.optimize`): a many-objective search over budget mixes
  (pymoo's NSGA-II, or a genetic algorithm for one objective with constraints),
  each candidate run over replicates with common random numbers through the
  experiment runner; the Pareto set with intervals and a convergence record;
  resumes after any interruption.
* :func:`robust` (:mod:`.robust`): candidate mixes across an ensemble of futures
  drawn from the uncertainties: satisficing share, regret, percentiles.
* :func:`discover` (:mod:`.discover`): scenario discovery on any sweep's or
  robustness run's results, one module per method in :mod:`.methods` (PRIM, CART).
* :func:`report` (:mod:`.report`): a self-contained HTML brief in Bahasa
  Indonesia or English.
"""

from .discover import DiscoveryResult, discover
from .optimize import OptimizeResult, optimize
from .report import report
from .robust import RobustResult, robust
from .spec import DecisionSpec, load_decision

__all__ = ["DecisionSpec", "DiscoveryResult", "OptimizeResult", "RobustResult", "discover",
           "load_decision", "optimize", "report", "robust"]
