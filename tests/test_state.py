"""The state records and the parameter record (ovopsim/state.py)."""

import numpy as np

from ovopsim import state
from ovopsim.config import MECHANISM_SECTIONS, PARAMETER_SECTIONS, load_scenario


def test_the_parameter_record_holds_every_mechanism_parameter_by_name():
    sc = load_scenario("singkawang_ljmp").with_overrides({"trust.gain": 0.07, "ljmp.fee": 0.03})
    p = state.params(sc)[0]
    for section in MECHANISM_SECTIONS:
        for name in PARAMETER_SECTIONS[section].model_fields:
            want = getattr(getattr(sc, section), name)
            assert np.all(p[f"{section}_{name}"] == want), (section, name)
    assert p["trust_gain"] == 0.07 and p["ljmp_fee"] == 0.03


def test_table_fields_are_views_that_write_through():
    a = state.artisans(3)
    a.cash[1] = 5.0
    a.cash = 7.0
    assert (a.data["cash"] == 7.0).all()
    a.gmp[2] = 0.5  # an alias of practice[:, GMP]
    assert a.data["practice"][2, state.GMP] == 0.5
    assert (a.supplier == -1).all() and (a.opened == state.NEVER).all()


def test_ties_grow_and_keep_their_contents():
    t = state.Ties(2)
    t.data[0]["u"], t.data[0]["v"], t.m = 3, 4, 1
    before = len(t.data)
    t.reserve(before + 10)
    assert len(t.data) >= before + 11 and t.u[0] == 3 and t.v[0] == 4


def test_table_views_follow_records_that_grew():
    """A field read before the tie records grew reads the new records after it."""
    t = state.Ties(2)
    assert len(t.trust_uv) == len(t.data)
    t.reserve(100)
    t.trust_uv[:] = 0.5
    assert len(t.trust_uv) == len(t.data) >= 100 and (t.data["trust_uv"] == 0.5).all()
    assert not hasattr(t, "no_such_field")


def test_the_parameter_record_is_the_record_written_field_by_field():
    """The record is written whole (one tuple): its bytes, padding included, are those
    of a zeroed record written field by field."""
    sc = load_scenario("blitar_batik").with_overrides({"trust.gain": 0.07})
    want = np.zeros(1, state.PARAMS)
    for section in MECHANISM_SECTIONS:
        for name in PARAMETER_SECTIONS[section].model_fields:
            want[0][f"{section}_{name}"] = getattr(getattr(sc, section), name)
    assert state.params(sc).tobytes() == want.tobytes()
