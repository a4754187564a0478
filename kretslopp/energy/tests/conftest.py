"""Energy test data: ten years of metered data-centre energy and a −30 % target."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest


def add_years(values: dict[int, float], meter: str = "DC1", scope: str = "data_centre") -> None:
    """Metered facility kWh per year, spread evenly over twelve monthly readings."""
    from kretslopp.energy.models import EnergyReading

    for year, kwh in values.items():
        for month in range(1, 13):
            EnergyReading.objects.create(
                scope=scope,
                meter=meter,
                month=dt.date(year, month, 1),
                reading_kwh=Decimal(str(round(kwh / 12, 3))),
            )


#: Falls about 4 % a year from 1,000,000 kWh: on track for −30 % by 2026.
ON_TRACK = {2016 + i: 1_000_000 * 0.96**i for i in range(10)}
#: Flat around 1,000,000 kWh: off track.
OFF_TRACK = {2016 + i: 1_000_000 * (1.0 + 0.01 * ((-1) ** i)) for i in range(10)}


@pytest.fixture
def energy_target(town):
    from kretslopp.energy.models import Target

    return Target.objects.create(
        name="IT-energi −30 % (Green Digital Charter)",
        kpi="it_energy_kwh",
        baseline_year=2016,
        baseline_value=1_000_000,
        target_year=2026,
        target_value=700_000,
        commitment="Eurocities Green Digital Charter",
    )


@pytest.fixture(autouse=True)
def _fresh_ledger_memo():
    """Each test starts without ledgers remembered from another test's database."""
    from kretslopp.energy import ledger

    ledger.forget()
    yield
    ledger.forget()
