"""The Mesa agents: artisans, the local government, the village associations and the LJMPs.

Artisans are many and mostly behave alike, so their state lives in one record
array (:data:`ovopsim.state.ARTISAN`) and their behaviour in the compiled
mechanisms (:mod:`ovopsim.mechanisms`). Each artisan is still a Mesa agent
(:class:`Artisan`), a light handle whose attributes read and write its record,
so that Mesa's AgentSet operations (``select``, ``agg``, ``groupby``) work.

The government (:class:`ovopsim.mechanisms.government.Government`), each
village association and each LJMP are Mesa agents too; the associations and
LJMPs are handles on their villages' and clusters' records.

Terms:
    sentra: a product centre, a village or group of villages making the same
        or linked products (here a *cluster*).
    LJMP: Lembaga Jasa Manajemen dan Pembiayaan, a cluster's
        management-services and financing institution (Singkawang).
"""

from __future__ import annotations

import mesa
import numpy as np

from .mechanisms.government import Government
from .state import ARTISAN, PRACTICES, TIER_NAMES

__all__ = ["Artisan", "Association", "Government", "LJMPAgent", "PRACTICES", "TIER_NAMES"]

_FIELDS = set(ARTISAN.names) | set(PRACTICES)


class Artisan(mesa.Agent):
    """A small producer: a handle on record ``idx`` of the model's artisans.

    Reading ``artisan.cash`` returns the current value; assigning to it writes the
    record, so code that treats artisans one by one (the teaching app, notebooks)
    and the compiled mechanisms see the same state. ``active`` is false for a
    household that has not opened a business (or closed it)."""

    def __init__(self, model: mesa.Model, idx: int):
        super().__init__(model)
        self.idx = idx

    @property
    def village_name(self) -> str:
        return self.model.village_names[self.model.artisans.village[self.idx]]

    @property
    def product_name(self) -> str:
        return self.model.product_names[self.model.artisans.product[self.idx]]

    @property
    def partners(self) -> list[int]:
        """Indices of current partners."""
        t = self.model.ties.used
        p = t["partner"]
        return sorted(t["v"][p & (t["u"] == self.idx)].tolist() + t["u"][p & (t["v"] == self.idx)].tolist())


def _record_field(name: str) -> property:
    """An artisan's field as an attribute: read from her record (a copy for an array
    field), written to it."""

    def read(self):
        value = getattr(self.model.artisans, name)[self.idx]
        return value.item() if np.ndim(value) == 0 else value.copy()

    def write(self, value):
        getattr(self.model.artisans, name)[self.idx] = value

    return property(read, write, doc=f"The artisan's ``{name}``, in her record.")


for _name in sorted(_FIELDS):
    setattr(Artisan, _name, _record_field(_name))


class Association(mesa.Agent):
    """A village's producers' group (kelompok usaha) with a board: a handle on its village record.

    Attributes:
        village: village index.
        knowledge: what the board knows about running the group and the
            programmes, 0-1 (Blitar: inconsistent officer turnover).
        awareness: the community's awareness of and initiative in the
            programme, 0-1; low when programmes are top-down, raised by dialogue.
        board: indices of the artisans on the board.
    """

    def __init__(self, model: mesa.Model, village: int):
        super().__init__(model)
        self.village = village

    @property
    def knowledge(self) -> float:
        return float(self.model.villages.knowledge[self.village])

    @property
    def awareness(self) -> float:
        return float(self.model.villages.awareness[self.village])

    @property
    def board(self) -> np.ndarray:
        a = self.model.artisans
        return np.flatnonzero(a.board & (a.village == self.village))


class LJMPAgent(mesa.Agent):
    """One cluster's LJMP (:mod:`ovopsim.mechanisms.ljmp`): a handle on its cluster record.

    Attributes:
        cluster: cluster index.
        fund: lending fund, Rp (never negative).
        loans_out: principal outstanding, Rp.
        members: member artisans.
        capture: share of the traders' margin it wins back for its members.
    """

    def __init__(self, model: mesa.Model, cluster: int):
        super().__init__(model)
        self.cluster = cluster

    @property
    def fund(self) -> float:
        return float(self.model.clusters.fund[self.cluster])

    @property
    def loans_out(self) -> float:
        return float(self.model.clusters.loans_out[self.cluster])

    @property
    def members(self) -> int:
        a = self.model.artisans
        return int((a.ljmp & a.active & (a.cluster == self.cluster)).sum())

    @property
    def capture(self) -> float:
        return float(self.model.clusters.capture[self.cluster])
