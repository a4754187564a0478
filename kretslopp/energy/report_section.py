"""The annual report's section on IT energy against the Green Digital Charter target.

Registered in ``report_sections`` (apps.py); the reports app freezes what it returns. The
chart is the same Vega-Lite specification as the target's page.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kretslopp.energy import assessment
from kretslopp.energy.models import Kpi, Target
from kretslopp.energy.views import charter_rows, target_chart_spec
from kretslopp.footprint import ghg
from kretslopp.organisation.models import Department, Organisation


def _employees(department_id: int | None) -> int | None:
    if department_id is None:
        organisation = Organisation.current()
        return (organisation.employees if organisation else 0) or None
    department = Department.objects.filter(pk=department_id).first()
    return (department.employees if department else 0) or None


def charter_section(access: Any, year: int, department_id: int | None) -> dict[str, Any] | None:
    """IT energy and its scope 2 CO2e per year up to ``year``, against the −30 % target."""
    memo: dict = {}
    target = Target.objects.filter(kpi=Kpi.IT_ENERGY_KWH, department_id=department_id).first()
    since = target.baseline_year if target else None
    rows = [
        r for r in charter_rows(access, since, memo, _employees(department_id)) if r["year"] <= year
    ]
    if not rows:
        return None
    scope2 = ghg.category_for("use").text("short", get_language())
    table_rows = [
        [
            str(row["year"]),
            {"value": row["kwh"] / 1000.0, "digits": 0},
            {"value": row["kwh_change"] * 100, "digits": 1}
            if row["kwh_change"] is not None
            else "–",
            {"value": row["kg_co2e"] / 1000.0, "digits": 1},
        ]
        for row in rows
    ]
    latest = rows[-1]
    figures = [
        {
            "label": _("IT energy %(year)s, MWh") % {"year": latest["year"]},
            "value": latest["kwh"] / 1000.0,
            "digits": 0,
            "unit": "MWh",
            "ghg": "",
            "headline": True,
        },
    ]
    if latest["kwh_change"] is not None:
        figures.append(
            {
                "label": _("Change since the base year %(year)s, per cent") % {"year": since},
                "value": latest["kwh_change"] * 100,
                "digits": 1,
                "unit": "%",
                "ghg": "",
                "headline": True,
            }
        )
    section: dict[str, Any] = {
        "title": _("IT energy and the Green Digital Charter"),
        "paragraphs": [
            _(
                "The Green Digital Charter asks its signatories to cut ICT's direct footprint "
                "by 30 per cent in ten years; it is followed here as IT energy against one "
                "base year."
            ),
            _(
                "The figures cover the whole IT energy ledger: metered or estimated end-user "
                "devices, data centres, network and printing; CO2e is its electricity with "
                "the chosen grid factor (scope 2)."
            ),
        ],
        "figures": figures,
        "charts": [],
        "tables": [
            {
                "caption": _("IT energy by year"),
                "headers": [
                    _("Year"),
                    _("MWh"),
                    _("Change since base year, per cent"),
                    _("t CO2e"),
                ],
                "rows": table_rows,
                "ghg": scope2,
            }
        ],
        "sources": ["owid-grid"],
    }
    if target is not None:
        view = assessment.view_for(target, access, memo)
        section["paragraphs"].append(
            _("Target: %(name)s. Status: %(status)s.")
            % {"name": target.name, "status": view.status_label}
        )
        section["charts"].append(
            {
                "spec": target_chart_spec(view),
                "alt": _(
                    "Line chart of %(name)s: trajectory from the base year to the target, "
                    "actual values and the forecast with its band."
                )
                % {"name": target.name},
            }
        )
    return section
