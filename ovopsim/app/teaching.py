"""The model as the app builds it: a scenario, the page's settings and a seed.

On Reset the page re-creates the model as Mesa's SolaraViz does, by calling
its class with the page's parameters (the seed box) and the current values of
its scenario controls, so the class takes plain keyword arguments (see
:mod:`ovopsim.app.page`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ..config import load_scenario
from ..model import OVOPModel
from . import controls
from .layout import village_layout

# the scenario the page opens with (``ovopsim app --scenario`` sets it)
DEFAULT_SCENARIO = os.environ.get("OVOPSIM_APP_SCENARIO", "proppo_batik")


class TeachingModel(OVOPModel):
    """An :class:`ovopsim.model.OVOPModel` built from the app's controls.

    Args:
        seed: the seed as typed in the page (a string; see :func:`controls.parse_seed`).
        settings: the controls' values (:func:`controls.defaults` keys); its
            ``"scenario"`` entry names the shipped scenario to start from.

    Attributes:
        scenario_name: the shipped scenario this run starts from.
        settings: a copy of the settings it was built with.
        positions: (n, 2) drawing positions of the artisans, fixed for the run.
    """

    def __init__(self, seed: Any = None, settings: Mapping[str, Any] | None = None):
        settings = dict(settings or {})
        self.scenario_name = settings.get("scenario", DEFAULT_SCENARIO)
        base = load_scenario(self.scenario_name)
        spec = controls.apply(base, settings)
        self.settings = settings
        super().__init__(spec, rng=controls.parse_seed(seed, default=spec.scenario.seed))
        self.seed_used = controls.parse_seed(seed, default=spec.scenario.seed)
        self.positions = village_layout(self.artisans.village, len(self.village_names))
