"""The (fused, cheap) monthly accounting check still catches books that do not close."""

from __future__ import annotations

import pytest

from ovopsim.accounting import AccountingError
from ovopsim.config import load_scenario
from ovopsim.model import OVOPModel


def _model_with_leak(leak):
    class Leaky(OVOPModel):
        def _economy(self, month):
            super()._economy(month)
            if self.steps == 3:
                leak(self)

    return Leaky(load_scenario("singkawang_ljmp"), rng=1, months=6)


@pytest.mark.parametrize("leak, what", [
    (lambda m: m.artisans.cash.__setitem__(5, m.artisans.cash[5] + 1.0), "artisan cash"),
    (lambda m: m.artisans.debt.__setitem__(0, m.artisans.debt[0] + 10.0), "artisan debt"),
    (lambda m: m.artisans.inventory.__setitem__(7, m.artisans.inventory[7] + 0.01), "inventory"),
    (lambda m: m.ljmp_fund.__setitem__(0, m.ljmp_fund[0] + 5.0), "LJMP funds"),
    (lambda m: setattr(m.government, "balance", m.government.balance + 5.0), "government budget"),
    (lambda m: m.flows.com_in.__setitem__(3, m.flows.com_in[3] + 2.0), "artisan cash"),
])
def test_leaks_are_caught(leak, what):
    model = _model_with_leak(leak)
    with pytest.raises(AccountingError, match=f"month 3: {what}"):
        for _ in range(6):
            model.step()


def test_rounding_is_not_a_leak():
    model = _model_with_leak(lambda m: m.artisans.cash.__setitem__(5, m.artisans.cash[5] * (1 + 1e-13)))
    for _ in range(6):
        model.step()
