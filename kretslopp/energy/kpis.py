"""The KPIs a target can follow, each with its actuals: one mechanism for all of them.

Adding a KPI (say the share of labelled purchases) is one entry in ``registry.kpis``, made
by the app that owns the data in its ``ready()`` (printing registers "pages printed"), and one
choice in :class:`~kretslopp.energy.models.Kpi`: the target pages, chart, status and API take
it from there. Actuals are per complete calendar year, because a year in progress would look like a
cut that has not happened.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from kretslopp.core.registry import KpiEntry, registry
from kretslopp.organisation.access import Access


@dataclass(frozen=True)
class Actuals:
    """Yearly values of a KPI and what they rest on."""

    values: dict[int, float]
    source: str
    data_quality: str


#: A KPI with its actuals: ``actuals(access, department_id, memo)`` returns :class:`Actuals`.
KpiDefinition = KpiEntry


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


def _weakest(built) -> str:
    qualities = {e.data_quality for e in built.entries}
    for quality in ("low", "medium", "high"):
        if quality in qualities:
            return quality
    return ""


def register() -> None:
    """Make the IT energy KPIs known (``EnergyConfig.ready``); other apps register theirs."""
    registry.kpis.register(
        "it_energy_kwh",
        KpiDefinition("it_energy_kwh", _("IT energy"), "kWh", "decrease", _energy_kwh, 10),
    )
    registry.kpis.register(
        "it_kg_co2e",
        KpiDefinition(
            "it_kg_co2e",
            _("IT energy CO2e"),
            "kg CO2e",
            "decrease",
            _energy_kg_co2e,
            20,
            ghg="use",
        ),
    )


def get(code: str) -> KpiDefinition:
    """The KPI ``code``, as the app that owns it registered it."""
    return registry.kpis[code]
