"""The demo city's IT energy: ten years of metered data centre and network, and the targets.

Invented but plausible for a city of 26,000 employees, and labelled as demo data
(``is_demo``) everywhere it shows. The story the numbers tell:

* 2016 (the baseline): the city hall's server hall (IT load about 2.4 GWh a year, PUE 1.7)
  and an old server room at Kronprinsen on a facility meter (about 0.95 GWh a year);
* 2019–2020: server consolidation — virtualisation moves Kronprinsen into the hall (closed
  June 2020) and the hall's cooling is rebuilt (PUE towards 1.45, then 1.35);
* after that a steady fall of the IT load of about 2 % a year, the city network's core
  about 2.5 % a year;
* end-user devices and printers are not invented here: the ledger estimates them from the
  demo fleet with the footprint engine, like for a real city.

The numbers are generated deterministically from the seed (monthly noise of a few per cent,
a summer peak in PUE from cooling). The IT-energy target (−30 % from 2016 to 2026, the
Green Digital Charter) takes its baseline from the ledger itself once the fleet is loaded.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from kretslopp.core import bulk
from kretslopp.energy.models import (
    DataQuality,
    EnergyReading,
    Origin,
    ReadingKind,
    Scope,
    Target,
    ledger_kwh,
)

FIRST_YEAR = 2016
LAST_MONTH = (2026, 10)  # the demo's "now": the last complete month of its data
SOURCE = "demodata"


@dataclass(frozen=True)
class Reading:
    scope: str
    meter: str
    month: dt.date
    reading_kwh: Decimal
    kind: str
    pue: Decimal | None


def _months() -> Iterator[dt.date]:
    year, month = FIRST_YEAR, 1
    while (year, month) <= LAST_MONTH:
        yield dt.date(year, month, 1)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _hall_it_kwh_per_year(year: float) -> float:
    """City hall IT load: flat-ish to 2019, Kronprinsen's load moves in, then a steady fall."""
    if year < 2019.5:
        return 2_400_000 * 0.99 ** (year - 2016)
    if year < 2020.5:  # consolidation: more virtual machines on fewer, newer hosts
        return 2_330_000 + 270_000 * (year - 2019.5)
    return 2_600_000 * 0.975 ** (year - 2020.5)


def _hall_pue(year: float, month: int) -> float:
    """PUE with a summer peak (cooling); the rebuilt cooling from 2020 lowers it."""
    if year < 2020:
        base = 1.72
    elif year < 2021:
        base = 1.50
    else:
        base = max(1.30, 1.45 - 0.03 * (year - 2021))
    return base + 0.08 * math.sin((month - 4) / 12 * 2 * math.pi)


def readings(seed: int = 1) -> list[Reading]:
    """Every demo reading, deterministic for ``seed``."""
    rng = random.Random(f"energy-{seed}")
    out: list[Reading] = []
    for month in _months():
        t = month.year + (month.month - 1) / 12
        noise = 1 + rng.uniform(-0.03, 0.03)
        it = _hall_it_kwh_per_year(t) / 12 * noise
        pue = round(_hall_pue(t, month.month), 2)
        out.append(
            Reading(
                Scope.DATA_CENTRE,
                "Stadshuset serverhall, PDU (it-last)",
                month,
                Decimal(f"{it:.1f}"),
                ReadingKind.IT_LOAD,
                Decimal(f"{pue:.2f}"),
            )  # fmt: skip
        )
        if month < dt.date(2020, 7, 1):  # the old server room, closed after the move
            old = 950_000 / 12 * (1 + rng.uniform(-0.04, 0.04))
            if month >= dt.date(2019, 7, 1):
                old *= 1 - (month.year * 12 + month.month - 2019 * 12 - 7) / 12
            out.append(
                Reading(
                    Scope.DATA_CENTRE,
                    "Serverrum Kronprinsen (anläggning)",
                    month,
                    Decimal(f"{max(old, 0):.1f}"),
                    ReadingKind.FACILITY,
                    None,
                )  # fmt: skip
            )
        network = 600_000 * 0.975 ** (t - 2016) / 12 * (1 + rng.uniform(-0.02, 0.02))
        out.append(
            Reading(
                Scope.NETWORK,
                "Stadsnätet, kärnnoder (anläggning)",
                month,
                Decimal(f"{network:.1f}"),
                ReadingKind.FACILITY,
                None,
            )  # fmt: skip
        )
    return out


def write_readings(seed: int = 1) -> int:
    rows = [
        EnergyReading(
            scope=r.scope,
            meter=r.meter,
            month=r.month,
            reading_kwh=r.reading_kwh,
            reading_kind=r.kind,
            pue=r.pue,
            kwh=ledger_kwh(r.reading_kwh, r.kind, r.pue),
            origin=Origin.METERED,
            data_quality=DataQuality.HIGH,
            source=SOURCE,
            is_demo=True,
        )  # fmt: skip
        for r in readings(seed)
    ]
    bulk.create(EnergyReading, rows)
    return len(rows)


def write_targets() -> int:
    """The −30 % IT-energy target and its CO2e twin, with baselines from the ledger."""
    from kretslopp.energy import ledger
    from kretslopp.imports.runs import SYSTEM_ACCESS

    built = ledger.build(SYSTEM_ACCESS, today=dt.date(LAST_MONTH[0], LAST_MONTH[1], 28))
    kwh = built.annual_kwh().get(FIRST_YEAR)
    kg = built.annual_kg_co2e().get(FIRST_YEAR)
    made = 0
    if kwh:
        Target.objects.create(
            name="It-energi −30 % till 2026 (Green Digital Charter)",
            kpi="it_energy_kwh",
            baseline_year=FIRST_YEAR,
            baseline_value=round(kwh),
            target_year=FIRST_YEAR + 10,
            target_value=round(kwh * 0.70),
            trajectory="linear",
            commitment="Eurocities Green Digital Charter: −30 % på tio år",
            is_demo=True,
        )
        made += 1
    if kg:
        Target.objects.create(
            name="It-energins CO2e −30 % till 2026",
            kpi="it_kg_co2e",
            baseline_year=FIRST_YEAR,
            baseline_value=round(kg),
            target_year=FIRST_YEAR + 10,
            target_value=round(kg * 0.70),
            trajectory="linear",
            commitment="Eurocities Green Digital Charter",
            is_demo=True,
        )
        made += 1
    return made


def load(seed: int = 1) -> dict[str, int]:
    """Write the demo's energy ledger, print volumes and targets; returns the counts."""
    from kretslopp.demo import printing as printing_demo

    counts = {"energy_readings": write_readings(seed)}
    counts.update(printing_demo.load(seed))
    counts["targets"] = write_targets() + counts.pop("print_targets", 0)
    return counts


def delete() -> None:
    """Remove the demo's energy and print rows (before the demo's departments go)."""
    from kretslopp.demo import printing as printing_demo

    printing_demo.delete()
    Target.objects.filter(is_demo=True).delete()
    EnergyReading.objects.filter(is_demo=True).delete()
