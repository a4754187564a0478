"""What the energy app shows on the start page: the −30 % IT energy target with its chart,
and the CO2e of IT per year, embodied beside use phase, as a chart.

Registered in :meth:`kretslopp.energy.apps.EnergyConfig.ready`; the overview reads them from
the registry. Both charts are the same Vega-Lite specifications the energy pages draw, so a
figure on the start page and on its page cannot differ.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kretslopp.carbon import services
from kretslopp.energy import assessment, charts
from kretslopp.energy.charts import chart_context
from kretslopp.energy.models import Kpi
from kretslopp.energy.vega import chart_assets
from kretslopp.energy.views import target_chart_spec
from kretslopp.organisation.access import Access, Action

#: Years of CO2e shown: the last eight, enough for a trend, short enough to read.
YEARS_SHOWN = 8


def start(request: HttpRequest, access: Access) -> dict[str, Any] | None:
    """The energy target (status, measured vs trajectory vs forecast, with measures) and
    IT CO2e per year for the reader's scope."""
    if not access.can(Action.VIEW):
        return None
    return {
        **_target(request, access),
        **_co2e(access),
        "can_manage": access.can(Action.MANAGE_METHODOLOGY),
        **chart_assets(),
    }


def start_version(request: HttpRequest, access: Access) -> tuple:
    """Everything the panel's HTML depends on (see :class:`kretslopp.core.registry.Panel`).

    The reader (the forum's measures they may read, their departments' part, whether they may
    manage the method), the day, the method, the ledger's stored data and the fleet, and the
    targets. The forum's measures and every other audited write move the audit trail's
    latest entry, which stands for them.
    """
    from kretslopp.core.memo import data_version
    from kretslopp.core.models import AuditEntry
    from kretslopp.energy import ledger
    from kretslopp.energy.models import Target

    return (
        getattr(request.user, "pk", None),
        access.role,
        access.department_ids,
        timezone.localdate(),
        services.Choice.current(),
        ledger.stored_versions(),
        services.fleet_version(),
        data_version(
            (Target, "COUNT", "*"), (Target, "MAX", "updated_at"), (AuditEntry, "MAX", "id")
        ),
    )


def _target(request: HttpRequest, access: Access) -> dict[str, Any]:
    target = assessment.visible_targets(access).filter(kpi=Kpi.IT_ENERGY_KWH).order_by("pk").first()
    if target is None:
        return {"main": None, "main_chart": None}
    view = assessment.view_for(target, access)
    # The forum's "with measures" line, when a forum has decided measures for this target.
    view = assessment.with_measures(view, request.user)
    return {"main": view, "main_chart": chart_context("start-target", target_chart_spec(view))}


def _co2e(access: Access) -> dict[str, Any]:
    this_year = timezone.localdate().year
    by_year = [
        (year, figures)
        for year, figures in services.fleet_for(access).by_year().items()
        if year <= this_year
    ][-YEARS_SHOWN:]
    if not any(figures.assets_in_service for _year, figures in by_year):
        return {"co2e_chart": None, "co2e_now": None}
    parts = {"embodied": _("Embodied (annualised)"), "use": _("Use phase (electricity)")}
    rows = [
        {"year": year, "scope": parts[part], "value": round(getattr(figures, part).value / 1000, 1)}
        for year, figures in by_year
        for part in parts
    ]
    spec = charts.stacked_years_chart(
        rows,
        parts,
        {
            "title": _("CO2e of IT per year, t"),
            "description": _("Embodied emissions spread over each device's lifetime, and use"),
            "year": _("Year"),
            "value": _("t CO2e"),
            "total": _("Total"),
        },
    )
    return {
        "co2e_chart": chart_context("start-co2e", spec),
        "co2e_now": by_year[-1],
        "choice": services.Choice.current(),
    }
