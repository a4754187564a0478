"""The KPIs a target can follow, each with its actuals: one mechanism for all of them.

Adding a KPI (say the share of labelled purchases) is one entry here and one choice in
:class:`~kretslopp.energy.models.Kpi`: the target pages, chart, status and API take it from
there. Actuals are per complete calendar year, because a year in progress would look like a
cut that has not happened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from kretslopp.core.memo import Memo
from kretslopp.organisation.access import Access
from kretslopp.targets import Direction


@dataclass(frozen=True)
class Actuals:
    """Yearly values of a KPI and what they rest on."""

    values: dict[int, float]
    source: str
    data_quality: str


@dataclass(frozen=True)
class KpiDefinition:
    code: str
    label: str
    unit: str
    direction: Direction
    actuals: Callable[[Access, int | None, dict], Actuals]


def _energy_kwh(access: Access, department_id: int | None, memo: dict) -> Actuals:
    from kretslopp.energy import ledger

    built = ledger.cached(access, department_id=department_id, memo=memo)
    return Actuals(
        built.annual_kwh(),
        str(_("IT energy ledger: metered readings, estimates from the device fleet")),
        _weakest(built),
    )


def _energy_kg_co2e(access: Access, department_id: int | None, memo: dict) -> Actuals:
    from kretslopp.energy import ledger

    built = ledger.cached(access, department_id=department_id, memo=memo)
    return Actuals(
        built.annual_kg_co2e(),
        str(_("IT energy ledger × grid factor %(grid)s") % {"grid": built.grid_id}),
        _weakest(built),
    )


def _pages(access: Access, department_id: int | None, memo: dict) -> Actuals:
    from kretslopp.printing import services

    versions = memo.get("versions")
    key = ("pages_by_year", access.department_ids, department_id, versions)
    if key not in memo:
        # across requests too, while the stored data (its version is in the key) is unchanged
        def compute() -> dict[int, float]:
            return services.pages_by_year(access, department_id)

        memo[key] = compute() if versions is None else _pages_memo.get(key, compute)
    return Actuals(
        memo[key],
        str(_("Print volumes imported from print logs (complete years only)")),
        "high",
    )


_pages_memo = Memo(size=64)


def forget() -> None:
    """Drop the remembered print volumes (with the ledgers: tests; after a restore)."""
    _pages_memo.clear()


def _weakest(built) -> str:
    qualities = {e.data_quality for e in built.entries}
    for quality in ("low", "medium", "high"):
        if quality in qualities:
            return quality
    return ""


KPIS: dict[str, KpiDefinition] = {
    "it_energy_kwh": KpiDefinition("it_energy_kwh", _("IT energy"), "kWh", "decrease", _energy_kwh),
    "it_kg_co2e": KpiDefinition(
        "it_kg_co2e", _("IT energy CO2e"), "kg CO2e", "decrease", _energy_kg_co2e
    ),
    "pages_printed": KpiDefinition(
        "pages_printed", _("Pages printed"), _("pages"), "decrease", _pages
    ),
}


def get(code: str) -> KpiDefinition:
    return KPIS[code]
