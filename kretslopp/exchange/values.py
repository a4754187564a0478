"""Our own KPI values per year, computed from the KPIs the domains register.

Each catalogue KPI names a KPI of ``registry.kpis`` (IT energy, its CO2e, pages printed, a
labelled share) and a normalisation: absolute, per employee (the organisation's recorded
head count) or per device in use during the year. The formulas are in
``docs/methodology.md`` ("KPI exchange").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from kretslopp.carbon.models import FootprintSettings
from kretslopp.core.registry import registry
from kretslopp.exchange.models import CatalogueKpi, Factors, Normalisation
from kretslopp.inventory.models import Asset
from kretslopp.organisation.access import Access
from kretslopp.organisation.models import Organisation


@dataclass(frozen=True)
class Computed:
    """One year's value of a catalogue KPI and what it rests on."""

    kpi: str
    period: int
    value: float | None
    count: int | None
    method: str
    factor_set: str
    data_quality: str
    note: str = ""  # why there is no value (no head count, no devices)


def devices_in_use(year: int) -> int:
    """Devices in use at some time during ``year``: in use by its end, not gone before it."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return (
        Asset.objects.filter(in_use_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .count()
    )


def factor_set_version(kpi: CatalogueKpi) -> str:
    """The factor choices the value rests on, as the exchange names them."""
    if kpi.factors == Factors.NONE:
        return ""
    settings = FootprintSettings.current()
    if kpi.factors == Factors.FACTOR_SET_GRID:
        return f"{settings.factor_set}+{settings.grid}"
    return settings.factor_set


def compute(kpi: CatalogueKpi, access: Access, memo: dict | None = None) -> list[Computed]:
    """The KPI's value for every complete year the source KPI has, oldest first.

    ``access`` must read the whole organisation (the publishing lead's): a department-bound
    reader's actuals would be a department's, not the municipality's.
    """
    entry = registry.kpis.get(kpi.source_kpi)
    if entry is None:
        return []
    actuals = entry.actuals(access, None, {} if memo is None else memo)
    organisation = Organisation.current()
    employees = organisation.employees if organisation else 0
    factor_set = factor_set_version(kpi)
    out = []
    for year, raw in sorted(actuals.values.items()):
        value: float | None = float(raw)
        count: int | None = None
        note = ""
        if kpi.normalisation == Normalisation.PER_EMPLOYEE:
            count = employees
        elif kpi.normalisation == Normalisation.PER_DEVICE:
            count = devices_in_use(year)
        if count is not None:
            if count > 0:
                value = value / count
            else:
                value, note = None, "no_denominator"
        out.append(
            Computed(
                kpi.kpi, year, value, count, kpi.method, factor_set, actuals.data_quality, note
            )
        )
    return out
