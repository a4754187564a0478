"""What the inventory shows on composed pages: the estate in numbers on the home page.

Registered in :meth:`kretslopp.inventory.apps.InventoryConfig.ready`; the overview reads
them from ``registry.dashboard_panels`` without knowing this app.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from kretslopp.inventory import lifecycle, summary
from kretslopp.inventory.models import ProductCategory, Status
from kretslopp.organisation.access import Access
from kretslopp.organisation.models import Organisation


def estate(request: HttpRequest, access: Access) -> dict[str, Any]:
    """Assets in custody and in use, the head count beside them, by status and category."""
    counts = summary.estate_counts(access)
    return {
        **_employees_tile(access, Organisation.current(), _departments(access, counts)),
        "in_custody": counts.in_custody,
        "in_use": counts.by_status.get(lifecycle.IN_USE, 0),
        "statuses": [
            (code, Status(code).label, counts.by_status.get(code, 0)) for code in lifecycle.STATUSES
        ],
        "categories": sorted(
            (
                (code, label, counts.by_category.get(code, 0))
                for code, label in ProductCategory.choices
                if counts.by_category.get(code)
            ),
            key=lambda row: -row[2],
        ),
    }


def departments(request: HttpRequest, access: Access) -> dict[str, Any]:
    """The reader's departments, most assets in custody first."""
    return {"departments": _departments(access, summary.estate_counts(access))}


def _departments(access: Access, counts: summary.EstateCounts) -> list:
    found = sorted(
        access.departments(),
        key=lambda department: -counts.in_custody_by_department.get(department.pk, 0),
    )
    for department in found:
        department.assets_in_custody = counts.in_custody_by_department.get(department.pk, 0)
    return found


def _employees_tile(access: Access, organisation, departments: list) -> dict:
    """The head count beside the user's asset counts: the organisation's for those who see
    every department, else the sum of their own departments' (never the whole city's next
    to one department's devices)."""
    if access.all_departments:
        employees = organisation.employees if organisation else None
        return {"employees": employees, "employees_label": _("employees")}
    label = (
        _("employees in %(department)s") % {"department": departments[0].name}
        if len(departments) == 1
        else _("employees in your departments")
    )
    return {"employees": sum(d.employees for d in departments), "employees_label": label}
