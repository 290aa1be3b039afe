"""The model's state as named records: one NumPy structured array per kind of entity.

Every mechanism (``ovopsim/mechanisms/``) reads and writes these records by field
name, in compiled kernels (Numba compiles structured arrays natively: ``a[i].cash``)
and in array code (``a.cash[idx] += x``). A record array is one argument to a
kernel, whatever its number of fields, so a month's work is a few calls with a few
arguments each.

Records:

* :data:`ARTISAN`: one per artisan slot (a business, or a household that could
  open one: ``active`` says which);
* :data:`TIE`: one per undirected social tie ``u < v``, with the trust of each
  side in the other;
* :data:`VILLAGE`, :data:`CLUSTER` (a sentra and its LJMP), :data:`PRODUCT`
  (with its province market);
* :data:`FLOW`, :data:`CLUSTER_FLOW`: the month's money and goods flows
  (:mod:`ovopsim.accounting`);
* :data:`EVENTS`: the month's counts of what happened (partnerships formed and
  ended, favours returned, switches, entries ...);
* the parameters, one record built from the validated scenario (:func:`params`).

:class:`Table` wraps a record array so that each field is an attribute (a view
into the array).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .config import MECHANISM_SECTIONS, PARAMETER_SECTIONS, Scenario

# practices and knowledge, in the order of the ``practice`` and ``knowledge`` fields
PRACTICES = ("skill", "gmp", "design", "digital", "books")
SKILL, GMP, DESIGN, DIGITAL, BOOKS = range(5)
# market tiers
PROVINCE, NATIONAL, EXPORT = 0, 1, 2
TIER_NAMES = ("province", "national", "export")
#: bookkeeping practice from which a producer keeps simple books, and full books
#: (the bands of the assessment's bookkeeping dimension; the quality-management score
#: asks for simple books at least)
BOOKS_SIMPLE, BOOKS_FULL = 0.3, 0.7
NEVER = -(1 << 40)  # ``opened`` of a household that has not opened a business
# equipment tiers (Rasau Jaya: 75% manual, 23% semi-automatic, 2% modern)
MANUAL, SEMI, MODERN = 0, 1, 2


def _dtype(fields) -> np.dtype:
    return np.dtype(fields, align=True)


ARTISAN = _dtype([
    # who and where
    ("village", "i8"), ("cluster", "i8"), ("product", "i8"), ("stage", "i8"),
    ("opened", "i8"),          # month the business opened (NEVER: a household that has not)
    ("active", "?"), ("loss_months", "i8"),  # months in a row with a loss or negative cash
    # learning: what was trained (knowledge) and what is done (practice), by PRACTICES
    ("knowledge", "f8", (5,)), ("practice", "f8", (5,)),
    # capital
    ("tier", "i8"), ("workers", "i8"), ("cash", "f8"), ("inventory", "f8"),
    ("debt", "f8"), ("loan_term_left", "i8"), ("arrears", "i8"), ("barred", "?"),
    # market standing
    ("quality", "f8"), ("input_quality", "f8"), ("brand", "?"), ("reach", "i8"),
    ("exposure", "f8"), ("reputation", "f8"), ("attract", "f8"),
    # institutions
    ("member", "?"), ("board", "?"), ("ljmp", "?"), ("gov_trust", "f8"),
    ("norm", "f8"),            # strength of the reciprocity norm (a trait)
    ("reached", "?"), ("mentored", "?"),
    # expectations and this month's production
    ("expected", "f8"), ("festive_lift", "f8"), ("capacity", "f8"), ("plan", "f8"),
    ("output", "f8"), ("spare", "f8"),
    # inputs: the supplying artisan (-1: traders) and the tie to it
    ("supplier", "i8"), ("supplier_tie", "i8"), ("delivered", "f8"),
    # last month's results
    ("income", "f8"), ("revenue", "f8"), ("sales_units", "f8"), ("orders", "f8"), ("unmet", "f8"),
    ("income_ema", "f8"), ("unit_price", "f8", (3,)), ("orders_by_tier", "f8", (3,)),
    ("sold", "f8", (3,)),       # units sold by tier
    ("sales_by_tier", "f8", (3,)),  # value sold by tier, Rp
])

TIE = _dtype([
    ("u", "i8"), ("v", "i8"),
    ("trust_uv", "f8"),        # u's trust in v
    ("trust_vu", "f8"),        # v's trust in u
    ("partner", "?"), ("since", "i8"), ("between", "?"),
    ("kin", "?"),              # part of the village's social fabric (never forgotten)
    ("last_used", "i8"),       # last month business passed along the tie
    ("volume", "f8"),          # value exchanged along the tie, smoothed (Rp a month)
    # this month's dealings, by side (0: u toward v, 1: v toward u)
    ("owe_supply", "f8", (2,)),  # owed for inputs delivered
    ("owe_com", "f8", (2,)),     # owed as commission on orders passed (the favour to return)
    ("good", "i8", (2,)),        # good experiences of that side with the other
    ("bad", "i8", (2,)),         # bad experiences
])

VILLAGE = _dtype([
    ("households", "f8"), ("raw_material", "f8"), ("access", "f8"), ("stage", "i8"),
    ("product_history", "f8"), ("local_wisdom", "f8"), ("cluster", "i8"),
    ("knowledge", "f8"),       # the association board's knowledge of the programme
    ("awareness", "f8"),       # the community's awareness of and initiative in it
    ("facility", "?"), ("reach_bonus", "f8"),
    ("active", "i8"), ("workers", "i8"),
])

CLUSTER = _dtype([
    ("ljmp", "?"),             # an LJMP serves this cluster
    ("fund", "f8"), ("loans_out", "f8"), ("volume", "f8"), ("capture", "f8"),
    ("members", "i8"), ("mentors_paid", "i8"), ("defaults", "i8"), ("written_off", "f8"),
])

PRODUCT = _dtype([
    ("price", "f8"), ("output_per_worker", "f8"), ("material_share", "f8"), ("dried", "?"),
    ("spoilage", "f8"), ("needs_ipal", "?"),
    ("base", "f8", (3,)),      # demand by tier at the reference price and quality, units a month
    ("quality0", "f8"),        # the producers' initial mean quality (the reference of demand)
    ("price_index", "f8"),     # province price / reference price
    ("demand", "f8", (3,)), ("offered", "f8"), ("utilisation", "f8"),
])

FLOW = _dtype([
    ("revenue", "f8"), ("supply_in", "f8"), ("supply_out", "f8"), ("materials", "f8"), ("fee", "f8"),
    ("wages", "f8"), ("fixed", "f8"), ("interest", "f8"), ("principal", "f8"), ("loan_in", "f8"),
    ("grant", "f8"), ("draw", "f8"), ("invest", "f8"), ("com_in", "f8"), ("com_out", "f8"),
    ("owner_in", "f8"), ("closure_loss", "f8"), ("written_off", "f8"),
    ("produced", "f8"), ("sold", "f8"), ("spoiled", "f8"),
])

CLUSTER_FLOW = _dtype([
    ("fund_in", "f8"), ("fund_out", "f8"), ("injection", "f8"), ("costs", "f8"),
])

EVENTS = _dtype([
    ("formed", "i8"), ("ended_trust", "i8"), ("ended_idle", "i8"), ("ended_closed", "i8"),
    ("ended_reciprocity", "f8"),   # the weaker side's norm summed over those ended for distrust
    ("orders_passed", "f8"), ("favours_owed", "i8"), ("favours_returned", "i8"),
    ("supplies_due", "i8"), ("supplies_delivered", "i8"), ("payments_due", "i8"),
    ("payments_made", "i8"), ("gossip", "i8"), ("switches", "i8"), ("trials", "i8"),
    ("ties_added", "i8"), ("ties_added_between", "i8"),
    ("entries", "i8"), ("exits", "i8"), ("new_loans", "f8"), ("defaults", "i8"),
    ("repaid", "i8"), ("missed", "i8"),
])


class Table:
    """A record array with each field as an attribute: ``t.cash`` is a view of the
    ``cash`` field (assigning to it writes the array). Subarray fields listed in
    ``aliases`` get named columns (``a.skill`` is ``a.practice[:, 0]``)."""

    def __init__(self, data: np.ndarray, aliases: dict[str, tuple[str, int]] | None = None):
        object.__setattr__(self, "_aliases", dict(aliases or {}))
        object.__setattr__(self, "_views", [])
        self._bind(data)

    def _bind(self, data: np.ndarray) -> None:
        """Use ``data`` as the records: each field's view is made when first read
        (:meth:`__getattr__`) and kept until the records change."""
        for name in self._views:
            object.__delattr__(self, name)
        self._views.clear()
        object.__setattr__(self, "data", data)
        object.__setattr__(self, "_fields", frozenset(data.dtype.names))

    def __getattr__(self, name):
        # only for names not yet set: a field's (or alias's) view, kept for the next read
        if name.startswith("__") or name in ("_fields", "_aliases", "_views"):
            raise AttributeError(name)  # not bound yet (a copy being made)
        if name in self._fields:
            view = self.data[name]
        elif name in self._aliases:
            field, k = self._aliases[name]
            view = self.data[field][:, k]
        else:
            raise AttributeError(f"{type(self).__name__} has no field {name!r}")
        object.__setattr__(self, name, view)
        self._views.append(name)
        return view

    def __setattr__(self, name, value):
        if name in self._fields:
            self.data[name] = value
        elif name in self._aliases:
            field, k = self._aliases[name]
            self.data[field][:, k] = value
        else:
            object.__setattr__(self, name, value)

    def __len__(self) -> int:
        return len(self.data)

    @property
    def n(self) -> int:
        return len(self.data)

    def columns(self) -> list[str]:
        return [n for n in self.data.dtype.names if self.data.dtype[n].shape == ()] + list(self._aliases)


PRACTICE_ALIASES = {name: ("practice", k) for k, name in enumerate(PRACTICES)}


def artisans(n: int) -> Table:
    """``n`` artisan slots, zeroed, suppliers at -1 (traders)."""
    data = np.zeros(n, ARTISAN)
    data["supplier"] = -1
    data["supplier_tie"] = -1
    data["opened"] = NEVER
    return Table(data, PRACTICE_ALIASES)


class Ties(Table):
    """The social ties, with spare room to grow: ``m`` are in use (``data[:m]``)."""

    def __init__(self, capacity: int):
        super().__init__(np.zeros(max(int(capacity), 16), TIE))
        object.__setattr__(self, "m", 0)

    def reserve(self, extra: int) -> None:
        """Room for ``extra`` more ties (:func:`with_room`; rebinds the views when the
        records were reallocated)."""
        self.rebind(with_room(self.data, self.m, extra))

    def rebind(self, data: np.ndarray) -> None:
        """Use ``data`` as the tie records (the same, or grown by :func:`with_room` with
        the same ties in use)."""
        if data is not self.data:
            self._bind(data)

    def assign(self, used: np.ndarray) -> None:
        """Make ``used`` the ties in use (copied; the records grow if needed)."""
        self.m = 0
        self.reserve(len(used))
        self.data[:len(used)] = used
        self.m = len(used)

    @property
    def used(self) -> np.ndarray:
        return self.data[:self.m]


# ------------------------------------------------------------------------ parameters

def _params_dtype() -> np.dtype:
    fields = []
    for section in MECHANISM_SECTIONS:
        for name, f in PARAMETER_SECTIONS[section].model_fields.items():
            if f.annotation is bool:
                fields.append((f"{section}_{name}", "?"))
            elif f.annotation is int:
                fields.append((f"{section}_{name}", "i8"))
            elif f.annotation is float:
                fields.append((f"{section}_{name}", "f8"))
            else:  # fixed-length lists (config.ListOf)
                length = next(m.max_length for m in f.metadata if getattr(m, "max_length", None))
                fields.append((f"{section}_{name}", "f8", (length,)))
    return _dtype(fields)


#: the parameters as one record: field ``<section>_<name>`` for each parameter of the
#: mechanisms' sections (``trust_gain`` is ``[trust] gain``)
PARAMS = _params_dtype()


#: (section, parameter) in the order of :data:`PARAMS`' fields
_PARAM_ORDER = tuple((section, name) for section in MECHANISM_SECTIONS
                     for name in PARAMETER_SECTIONS[section].model_fields)


def params(scenario: Scenario) -> np.ndarray:
    """The parameter record (an array of one) of a validated scenario (written as one
    tuple of the values in field order: the same casts as field by field)."""
    sections = {section: getattr(scenario, section) for section in MECHANISM_SECTIONS}
    p = np.zeros(1, PARAMS)  # zeroed, padding too
    p[0] = tuple(getattr(sections[s], name) for s, name in _PARAM_ORDER)
    return p


@nb.njit(cache=True)
def with_room(ties, m, extra):
    """The tie records with room for ``extra`` more ties after the ``m`` in use: the same
    array when there is room, else a copy half as large again (or as large as needed)."""
    need = m + extra
    if need <= len(ties):
        return ties
    bigger = np.zeros(max(need, int(len(ties) * 1.5)), TIE)
    bigger[:m] = ties[:m]
    return bigger
