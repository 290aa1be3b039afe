"""The social-capital network: ties, trust, reciprocity and partnerships (Proppo).

Ties are kept as edge arrays (one element per undirected tie ``u < v``) so
that trust and reciprocity updates are single NumPy operations over all
edges; :meth:`SocialNetwork.to_networkx` gives the same graph as a networkx
``Graph`` with the edge attributes, for analysis and drawing.

Mechanism (domain brief, Proppo; sections 4 P4 and 5):

* A **partnership** is a tie along which business flows: shared orders and
  subcontracting (an artisan short of capacity passes orders to a partner
  with spare capacity, who pays back a commission under the reciprocity
  norm) and shared production stages (partners in villages specialised in
  different stages raise each other's productivity).
* The **reciprocity balance** on a tie records the benefit one side received
  minus what the other received, with memory. A partner who keeps the whole
  margin of passed orders (does not pay the commission) or shirks a shared
  stage makes the month one-sided.
* **Trust** rises after reciprocated months and falls after one-sided ones;
  idle partnerships fade towards a floor (neglect). A partnership one-sided
  for ``dissolve_after`` months in a row dissolves (a relationship with no
  mutual benefit is not continued).
* Partnerships **form** on existing ties with a monthly probability rising in
  trust and in complementarity (one short of capacity where the other has
  spare, or different production stages of the same product).
* New ties between villages come from partners of partners (triadic closure),
  coordination forums and exhibitions (:meth:`add_ties`).
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from .kernels import measures
from .kernels import month as _k


class SocialNetwork:
    """Undirected ties between artisans with trust, reciprocity balance and partnership state.

    Attributes:
        n: number of artisans (nodes).
        u, v: endpoints of each tie (``u < v``).
        trust: trust on the tie in [0, 1].
        balance: reciprocity balance, Rp: benefit ``v`` received from the
            tie minus benefit ``u`` received, with memory.
        volume: smoothed total benefit exchanged on the tie, Rp.
        partner: the tie is a partnership.
        one_sided: months in a row the partnership has been one-sided.
        since: month the partnership formed (-1 when not a partnership).
        between: the tie links two villages.
    """

    _ARRAYS = ("u", "v", "trust", "balance", "volume", "partner", "one_sided", "since", "between")

    def __init__(self, n: int, u: np.ndarray, v: np.ndarray, trust: np.ndarray, village: np.ndarray):
        self.n = n
        self._village = village
        lo, hi = np.minimum(u, v), np.maximum(u, v)
        m = len(lo)
        self.m = m
        cap = max(16, int(m * 1.25))
        self.u = np.zeros(cap, np.int64)
        self.v = np.zeros(cap, np.int64)
        self.trust = np.zeros(cap)
        self.balance = np.zeros(cap)
        self.volume = np.zeros(cap)
        self.partner = np.zeros(cap, bool)
        self.one_sided = np.zeros(cap, np.int32)
        self.since = np.full(cap, -1, np.int32)
        self.between = np.zeros(cap, bool)
        self.u[:m], self.v[:m], self.trust[:m] = lo, hi, trust
        self.between[:m] = village[lo] != village[hi]
        self._keys = set((lo * n + hi).tolist())
        self.formed = self.dissolved = 0
        # one-sided dissolutions and the weaker partner's reciprocity trait summed over
        # them: does the norm decide which ties end? (P4)
        self.dissolved_one_sided = 0
        self.dissolved_reciprocity = 0.0

    # -- construction ---------------------------------------------------------------
    @classmethod
    def build(cls, rng: np.random.Generator, village: np.ndarray, *, within_degree: int,
              rewire: float, bridges_per_artisan: float, bridge_reach: int,
              trust_within: float, trust_between: float) -> SocialNetwork:
        """Ring lattices rewired within each village (small worlds) plus sparse bridges
        between nearby villages. Linear in the number of artisans: no pairwise step.

        ``village`` must be sorted (artisans of a village are contiguous)."""
        n = len(village)
        starts = np.flatnonzero(np.r_[True, village[1:] != village[:-1]])
        sizes = np.diff(np.r_[starts, n])
        first = np.repeat(starts, sizes)
        size = np.repeat(sizes, sizes)
        pos = np.arange(n) - first
        us, vs = [], []
        for d in range(1, within_degree // 2 + 1):
            ok = size > d
            i = ok.nonzero()[0]
            j = first[i] + (pos[i] + d) % size[i]
            flip = rng.random(len(i)) < rewire
            j[flip] = first[i[flip]] + rng.integers(0, size[i[flip]])
            us.append(i)
            vs.append(j)
        n_villages = len(starts)
        n_b = int(round(bridges_per_artisan * n)) if n_villages > 1 else 0
        if n_b:
            i = rng.integers(0, n, n_b)
            off = rng.integers(1, bridge_reach + 1, n_b) * rng.choice([-1, 1], n_b)
            w = (village[i] + off) % n_villages
            j = starts[w] + rng.integers(0, sizes[w])
            us.append(i)
            vs.append(j)
        u = np.concatenate(us) if us else np.zeros(0, np.int64)
        v = np.concatenate(vs) if vs else np.zeros(0, np.int64)
        keep = u != v
        lo, hi = np.minimum(u[keep], v[keep]), np.maximum(u[keep], v[keep])
        key = np.unique(lo * n + hi)
        lo, hi = key // n, key % n
        trust = np.where(village[lo] == village[hi], trust_within, trust_between)
        # a little heterogeneity so that ties are not all alike
        trust = np.clip(trust + rng.normal(0, 0.05, len(trust)), 0, 1)
        return cls(n, lo, hi, trust, village)

    def _grow(self, extra: int) -> None:
        cap = len(self.u)
        need = self.m + extra
        if need <= cap:
            return
        new = max(need, int(cap * 1.5))
        for name in self._ARRAYS:
            old = getattr(self, name)
            arr = np.full(new, -1, old.dtype) if name == "since" else np.zeros(new, old.dtype)
            arr[: self.m] = old[: self.m]
            setattr(self, name, arr)

    def add_ties(self, a: np.ndarray, b: np.ndarray, trust: np.ndarray | float) -> int:
        """Add ties a-b that do not exist yet; returns how many were added."""
        a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
        trust = np.asarray(trust, float)
        if trust.shape != a.shape:
            trust = np.full(a.shape, float(trust))
        keys, first = _k.unique_ties(a, b, trust, self.n)
        listed = keys.tolist()
        new = np.array([x not in self._keys for x in listed], bool)
        k = int(np.count_nonzero(new))
        if k == 0:
            return 0
        self._grow(k)
        _k.append_ties(self.u, self.v, self.trust, self.between, self._village, self.m, self.n, keys,
                       first, new)
        self._keys.update(x for x, fresh in zip(listed, new.tolist(), strict=True) if fresh)
        self.m += k
        return k

    # -- views ----------------------------------------------------------------------
    def view(self, name: str) -> np.ndarray:
        return getattr(self, name)[: self.m]

    def partners_of(self, i: int) -> list[int]:
        m = self.m
        p = self.partner[:m]
        return sorted(self.v[:m][p & (self.u[:m] == i)].tolist() + self.u[:m][p & (self.v[:m] == i)].tolist())

    # -- monthly mechanism ------------------------------------------------------------
    def exchange(self, rng: np.random.Generator, *, unmet: np.ndarray, spare: np.ndarray,
                 unit_value: np.ndarray, margin: np.ndarray, product: np.ndarray,
                 stage: np.ndarray, reciprocity: np.ndarray, active: np.ndarray,
                 commission: float, memory: float, one_sided_ratio: float,
                 trust_gain: float, trust_loss: float, trust_neglect: float,
                 trust_floor: float, dissolve_after: int, month: int):
        """One month of business along partnerships.

        Returns (received_units, commission_in, commission_out, stage_partners)
        per artisan: orders received from partners (units, to be produced
        and sold by the receiver), commissions received and paid (Rp), and
        the number of active stage partners (for the productivity bonus)."""
        m, n = self.m, self.n
        u, v = self.u[:m], self.v[:m]
        k = int(np.count_nonzero(self.partner[:m] & active[u] & active[v]))
        # four draws per partnership, in this order: u gives, v gives, v pays, u pays
        draw = rng.random((4, k))
        received, com_in, com_out = np.empty(n), np.empty(n), np.empty(n)
        stage_partners = np.empty(n, np.int64)
        gone, recip = _k.exchange(
            self.u, self.v, self.trust, self.balance, self.volume, self.partner, self.one_sided,
            self.since, m, np.asarray(unmet, float), np.asarray(spare, float),
            np.asarray(unit_value, float), np.asarray(margin, float), product, stage, reciprocity,
            active, draw, commission, memory, one_sided_ratio, trust_gain, trust_loss,
            trust_neglect, trust_floor, dissolve_after, received, com_in, com_out, stage_partners)
        self.count_dissolved(gone, recip)
        return received, com_in, com_out, stage_partners

    def count_dissolved(self, one_sided: int, reciprocity: float, closed: int = 0) -> None:
        """Book partnerships ended this month: ``one_sided`` of them for being one-sided
        (``reciprocity``: their weaker sides' traits summed), ``closed`` because a
        business closed."""
        self.dissolved += one_sided + closed
        if one_sided:
            self.dissolved_one_sided += one_sided
            self.dissolved_reciprocity += reciprocity

    def _dissolve(self, edges: np.ndarray) -> None:
        if len(edges) == 0:
            return
        self.partner[edges] = False
        self.since[edges] = -1
        self.one_sided[edges] = 0
        self.balance[edges] = 0.0
        self.volume[edges] = 0.0
        self.dissolved += len(edges)

    def drop_inactive(self, active: np.ndarray) -> None:
        """Partnerships of businesses that closed end."""
        self.dissolved += _k.drop_inactive(self.u, self.v, self.partner, self.since, self.one_sided,
                                           self.balance, self.volume, self.m, active)

    def form(self, rng: np.random.Generator, *, complementarity: np.ndarray, active: np.ndarray,
             rate: float, trust_min: float, month: int) -> int:
        """New partnerships on existing ties; ``complementarity`` is per tie in [0, 1]."""
        k = _k.form(self.u, self.v, self.trust, self.partner, self.since, self.m,
                    np.asarray(complementarity, float), active, rng.random(self.m), rate, trust_min,
                    month)
        self.formed += k
        return k

    def introduce(self, rng: np.random.Generator, rate: float, active: np.ndarray,
                  partnerships: int | None = None) -> int:
        """Partners introduce their partners (triadic closure): new ties, often between villages.

        ``partnerships``: how many there are now, when the caller knows."""
        m = self.m
        if partnerships is None:
            partnerships = int(np.count_nonzero(self.partner[:m]))
        if partnerships == 0 or rate <= 0:
            return 0
        k = rng.binomial(partnerships, rate)
        if k == 0:
            return 0
        pick = rng.integers(0, partnerships, k)
        flip = rng.random(k)
        a, c, trust = _k.introductions(self.u, self.v, self.trust, self.partner, m, self.n, active, pick,
                                       flip, rng.random(k))
        # trust in a stranger vouched for by a partner: the product of the two trusts
        return self.add_ties(a, c, trust)

    # -- measures ---------------------------------------------------------------------
    def counts(self) -> tuple[int, int]:
        """Partnerships (within villages, between villages)."""
        m = self.m
        p = self.partner[:m]
        b = int(np.count_nonzero(p & self.between[:m]))
        return int(np.count_nonzero(p)) - b, b

    def mean_trust(self) -> float:
        return float(np.add.reduce(self.trust[: self.m])) / self.m if self.m else 0.0

    def partner_structure(self) -> tuple[float, int]:
        """Transitivity of the partnership graph and number of its components
        among artisans with at least one partner (the monthly indicators
        ``partner_transitivity`` and ``partner_components``)."""
        trans, comps = measures.partner_structure(self.u, self.v, self.partner, self.m, self.n)
        return trans, int(comps)

    def to_networkx(self, **node_attrs: np.ndarray) -> nx.Graph:
        """The network as a networkx Graph, edge attributes ``trust``, ``balance``,
        ``partner``, ``between``; node attributes from the keyword arrays."""
        g = nx.Graph()
        g.add_nodes_from(range(self.n))
        for name, arr in node_attrs.items():
            nx.set_node_attributes(g, dict(enumerate(np.asarray(arr).tolist())), name)
        m = self.m
        g.add_edges_from(
            (int(a), int(b), {"trust": float(t), "balance": float(bl), "partner": bool(p), "between": bool(bw)})
            for a, b, t, bl, p, bw in zip(self.u[:m], self.v[:m], self.trust[:m], self.balance[:m],
                                          self.partner[:m], self.between[:m], strict=True))
        return g
