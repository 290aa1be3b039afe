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
        keep = a != b
        lo, hi = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
        trust = np.asarray(trust, float)
        if trust.shape != a.shape:
            trust = np.broadcast_to(trust, a.shape)
        trust = trust[keep]
        # np.unique(..., return_index=True) without its Python overhead: a stable sort,
        # so each key's first occurrence
        key = lo * self.n + hi
        order = np.argsort(key, kind="stable")
        key = key[order]
        head = np.empty(len(key), bool)
        head[:1] = True
        np.not_equal(key[1:], key[:-1], out=head[1:])
        keys, first = key[head], order[head]
        new = np.fromiter((k not in self._keys for k in keys.tolist()), bool, len(keys))
        keys, first = keys[new], first[new]
        k = len(keys)
        if k == 0:
            return 0
        self._grow(k)
        s = slice(self.m, self.m + k)
        self.u[s], self.v[s] = keys // self.n, keys % self.n
        self.trust[s] = trust[first]
        self.between[s] = self._village[self.u[s]] != self._village[self.v[s]]
        self._keys.update(keys.tolist())
        self.m += k
        return k

    # -- views ----------------------------------------------------------------------
    def view(self, name: str) -> np.ndarray:
        return getattr(self, name)[: self.m]

    def partner_degree(self) -> np.ndarray:
        p = self.partner[: self.m]
        return (np.bincount(self.u[: self.m][p], minlength=self.n)
                + np.bincount(self.v[: self.m][p], minlength=self.n))

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
        m = self.m
        n = self.n
        u, v = self.u[:m], self.v[:m]
        p = self.partner[:m] & active[u] & active[v]
        e = p.nonzero()[0]
        # both ends of every active partnership: row 0 the u side, row 1 the v side,
        # so that each per-artisan quantity is gathered for both sides in one go
        # (``x[::-1]`` is then "the other side")
        ends = np.array((u[e], v[e]))
        pu, pv = ends[0], ends[1]
        deg = np.bincount(ends.ravel(), minlength=n)
        degf = np.maximum(deg, 1)[ends]
        prod = product[ends]
        same = prod[0] == prod[1]
        rec = reciprocity[ends]
        # four draws per partnership, in this order: u gives, v gives, v pays, u pays
        draw = rng.random((4, len(e)))
        # orders passed u->v (row 0) and v->u (row 1), split evenly over each side's
        # partners; an artisan passes orders only when it honours the norm this month
        give = draw[:2] < rec
        q = np.where(same & give, np.minimum(unmet[ends] / degf, (spare[ends] / degf)[::-1]), 0.0)
        val = q * unit_value[ends][::-1]
        # the receiver pays back a commission (half the margin) if it honours the norm:
        # row 0 v pays u, row 1 u pays v
        pay = draw[2:] < rec[::-1]
        mar = margin[ends]
        c = np.where(pay, commission * mar[::-1] * val, 0.0)
        gain = c + mar * val[::-1] - c[::-1]
        # shared production stages: partners of the same product in villages with
        # different stages both gain, unless one shirks this month
        st = stage[ends]
        stage_pair = same & (st[0] != st[1])
        shirk = stage_pair & ~(give[0] & give[1])
        traded = (val[0] + val[1] > 0) | stage_pair
        bal = self.balance[e] * memory + (gain[1] - gain[0])
        vol = self.volume[e] * memory + gain[0] + gain[1]
        one_sided = traded & ((np.abs(bal) > one_sided_ratio * np.maximum(vol, 1e-9)) & (vol > 0) | shirk)
        t = self.trust[e]
        t = np.where(one_sided, t - trust_loss * t,
                     np.where(traded, t + trust_gain * (1 - t), t - trust_neglect * (t - trust_floor)))
        self.trust[e] = np.minimum(np.maximum(t, 0.0), 1.0)
        self.balance[e] = bal
        self.volume[e] = vol
        streak = np.where(one_sided, self.one_sided[e] + 1, 0)
        self.one_sided[e] = streak
        gone = e[streak >= dissolve_after]
        if len(gone):
            self.dissolved_one_sided += len(gone)
            self.dissolved_reciprocity += float(np.minimum(reciprocity[u[gone]], reciprocity[v[gone]]).sum())
            self._dissolve(gone)

        received = np.bincount(pv, q[0], n) + np.bincount(pu, q[1], n)
        com_in = np.bincount(pu, c[0], n) + np.bincount(pv, c[1], n)
        com_out = np.bincount(pv, c[0], n) + np.bincount(pu, c[1], n)
        ok_stage = ends[:, stage_pair & ~shirk]
        stage_partners = np.bincount(ok_stage.ravel(), minlength=n)
        return received, com_in, com_out, stage_partners

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
        m = self.m
        e = (self.partner[:m] & ~(active[self.u[:m]] & active[self.v[:m]])).nonzero()[0]
        self._dissolve(e)

    def form(self, rng: np.random.Generator, *, complementarity: np.ndarray, active: np.ndarray,
             rate: float, trust_min: float, month: int) -> int:
        """New partnerships on existing ties; ``complementarity`` is per tie in [0, 1]."""
        m = self.m
        u, v = self.u[:m], self.v[:m]
        cand = ~self.partner[:m] & active[u] & active[v]
        t = self.trust[:m]
        # np.clip(x, 0, 1) as min(max(x, 0), 1): same values, a fraction of the call overhead
        prob = rate * np.minimum(np.maximum((t - trust_min) / max(1e-9, 1 - trust_min), 0.0), 1.0) * complementarity
        new = cand & (rng.random(m) < prob)
        self.partner[:m][new] = True
        self.since[:m][new] = month
        k = int(np.count_nonzero(new))
        self.formed += k
        return k

    def introduce(self, rng: np.random.Generator, rate: float, active: np.ndarray) -> int:
        """Partners introduce their partners (triadic closure): new ties, often between villages."""
        m = self.m
        e = self.partner[:m].nonzero()[0]
        if len(e) == 0 or rate <= 0:
            return 0
        k = rng.binomial(len(e), rate)
        if k == 0:
            return 0
        pick = e[rng.integers(0, len(e), k)]
        flip = rng.random(k) < 0.5
        a = np.where(flip, self.u[pick], self.v[pick])   # the one introduced
        b = np.where(flip, self.v[pick], self.u[pick])   # the introducer
        # a random partner of b, via a CSR of the partnership graph
        pu, pv, pt = self.u[e], self.v[e], self.trust[e]
        src = np.concatenate((pu, pv))
        dst = np.concatenate((pv, pu))
        tr = np.concatenate((pt, pt))
        order = np.argsort(src, kind="stable")
        src, dst, tr = src[order], dst[order], tr[order]
        ptr = np.searchsorted(src, np.arange(self.n + 1))
        cnt = ptr[b + 1] - ptr[b]
        j = ptr[b] + (rng.random(k) * cnt).astype(np.int64)
        c = dst[j]
        t_ab = self.trust[pick]
        ok = (c != a) & active[a] & active[c]
        # trust in a stranger vouched for by a partner: the product of the two trusts
        return self.add_ties(a[ok], c[ok], (t_ab * tr[j])[ok])

    # -- measures ---------------------------------------------------------------------
    def counts(self) -> tuple[int, int]:
        """Partnerships (within villages, between villages)."""
        m = self.m
        p = self.partner[:m]
        b = int(np.count_nonzero(p & self.between[:m]))
        return int(np.count_nonzero(p)) - b, b

    def partner_reciprocity(self, reciprocity: np.ndarray) -> tuple[float, float]:
        """Mean reciprocity trait of the weaker side of current partnerships, and of
        partnerships dissolved as one-sided so far (0 when there are none)."""
        m = self.m
        p = self.partner[:m]
        weaker = np.minimum(reciprocity[self.u[:m][p]], reciprocity[self.v[:m][p]])
        now = float(np.add.reduce(weaker)) / len(weaker) if len(weaker) else 0.0
        gone = (self.dissolved_reciprocity / self.dissolved_one_sided
                if self.dissolved_one_sided else 0.0)
        return now, gone

    def mean_age(self, month: int) -> float:
        """Mean months since current partnerships formed."""
        m = self.m
        s = self.since[:m][self.partner[:m]]
        # ndarray.mean's sum and division without its Python overhead (same value)
        return float(np.add.reduce(month - s, dtype=np.float64)) / len(s) if len(s) else 0.0

    def mean_trust(self) -> float:
        return float(np.add.reduce(self.trust[: self.m])) / self.m if self.m else 0.0

    def partner_structure(self, active: np.ndarray | None = None) -> tuple[float, int]:
        """Transitivity of the partnership graph and number of its components
        among artisans with at least one partner (partnerships of closed
        businesses have already ended, so ``active`` is not needed)."""
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
