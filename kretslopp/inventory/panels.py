"""What the inventory shows on composed pages: the estate in numbers on the home page, a
department's holdings on its page, and the asset columns of the department list.

Registered in :meth:`kretslopp.inventory.apps.InventoryConfig.ready`; the overview and the
organisation's pages read them from the registry without knowing this app.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kretslopp.core.memo import once_per_request
from kretslopp.inventory import lifecycle, summary
from kretslopp.inventory.models import ProductCategory, Status
from kretslopp.organisation.access import Access
from kretslopp.organisation.models import Department, Organisation


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
    readable = once_per_request(
        ("inventory.departments", access), lambda: list(access.departments())
    )
    found = sorted(
        readable,
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


def department_holdings_version(
    request: HttpRequest, access: Access, *, department: Department
) -> tuple:
    """What a department's holdings panel depends on: the department as shown (code, head
    count, last change), the day (ages are counted to today), the holdings' data version and
    the cost centres it lists, as they read (a handful of rows). Its HTML is then rendered
    once per change, not on every request."""
    return (
        department.pk,
        department.code,
        department.employees,
        department.updated_at,
        timezone.localdate(),
        summary.holdings_version(),
        tuple(department.costcentre_set.values_list("pk", "code", "name")),
    )


def department_holdings(
    request: HttpRequest, access: Access, *, department: Department
) -> dict[str, Any]:
    """A department's assets beside its head count: in custody, by category and status, per
    cost centre, by age — sums of the remembered holdings (:mod:`kretslopp.inventory.summary`),
    so the page costs the same for a department of ten assets as for one of 30,000."""
    holdings = summary.department_holdings(department.pk)
    category_labels = dict(ProductCategory.choices)
    by_category = sorted(
        (
            (code, category_labels.get(code, code), n)
            for code, n in holdings.by_category.items()
            if n
        ),
        key=lambda row: -row[2],
    )
    ages = age_distribution(holdings.by_year_in_use, timezone.localdate())
    widest = max((n for _age, n in ages), default=1)
    cost_centres = list(department.costcentre_set.all())
    for centre in cost_centres:
        centre.in_custody = holdings.by_cost_centre.get(centre.pk, 0)
    return {
        "in_custody": holdings.in_custody,
        "by_category": by_category,
        "by_status": [
            (code, Status(code).label, holdings.by_status[code])
            for code in lifecycle.STATUSES
            if holdings.by_status.get(code)
        ],
        "ages": [(age, n, round(100 * n / widest)) for age, n in ages],
        "cost_centres": cost_centres,
        "without_cost_centre": holdings.by_cost_centre.get(None, 0),
    }


def age_distribution(by_year_in_use: dict[int, int], today) -> list[tuple[int, int]]:
    """Assets in custody per whole year of age since they came into use, oldest last.

    ``by_year_in_use`` counts them by the calendar year they came into use; an asset's age
    is the years between that year and today's (one not yet begun counts as new)."""
    counts: dict[int, int] = {}
    for year, n in by_year_in_use.items():
        age = max(0, today.year - year)
        counts[age] = counts.get(age, 0) + n
    return sorted(counts.items())


def _custody_by_department(departments: list[Department]) -> dict[int, int]:
    holdings = summary.fleet_holdings()
    return {d.pk: holdings[d.pk].in_custody for d in departments if d.pk in holdings}


def custody_cells(access: Access, departments: list[Department]) -> dict[int, str]:
    """The department list's "Assets in custody" column."""
    counts = _custody_by_department(departments)
    return {d.pk: number_format(counts.get(d.pk, 0), force_grouping=True) for d in departments}


def per_employee_cells(access: Access, departments: list[Department]) -> dict[int, str]:
    """The department list's "Assets per employee" column, as assets per 100 employees."""
    counts = _custody_by_department(departments)
    cells = {}
    for department in departments:
        if department.employees:
            per_100 = round(counts.get(department.pk, 0) / department.employees * 100)
            cells[department.pk] = f"{number_format(per_100, force_grouping=True)} / 100"
    return cells
