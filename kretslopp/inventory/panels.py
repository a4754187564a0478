"""What the inventory shows on composed pages: the estate in numbers on the home page, a
department's holdings on its page, and the asset columns of the department list.

Registered in :meth:`kretslopp.inventory.apps.InventoryConfig.ready`; the overview and the
organisation's pages read them from the registry without knowing this app.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kretslopp.inventory import lifecycle, summary
from kretslopp.inventory.models import Asset, ProductCategory, Status
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


def department_holdings(
    request: HttpRequest, access: Access, *, department: Department
) -> dict[str, Any]:
    """A department's assets beside its head count: in custody, by category and status, per
    cost centre, by age."""
    assets = Asset.objects.filter(department=department)
    in_custody = summary.in_custody(assets)
    category_labels = dict(ProductCategory.choices)
    by_category = sorted(
        (
            (code, category_labels.get(code, code), n)
            for code, n in summary.categories_in_custody(assets).items()
        ),
        key=lambda row: -row[2],
    )
    by_status = dict(assets.values_list("status").annotate(n=Count("pk")).order_by())
    ages = age_distribution(in_custody, timezone.localdate())
    widest = max((n for _age, n in ages), default=1)
    return {
        "in_custody": sum(n for _c, _l, n in by_category),
        "by_category": by_category,
        "by_status": [
            (code, Status(code).label, by_status[code])
            for code in lifecycle.STATUSES
            if by_status.get(code)
        ],
        "ages": [(age, n, round(100 * n / widest)) for age, n in ages],
        "cost_centres": department.costcentre_set.annotate(
            in_custody=Count("assets", filter=Q(assets__status__in=lifecycle.IN_CUSTODY))
        ),
        "without_cost_centre": in_custody.filter(cost_centre__isnull=True).count(),
    }


def age_distribution(assets, today) -> list[tuple[int, int]]:
    """Assets in custody per whole year of age since they came into use, oldest last."""
    counts: dict[int, int] = {}
    for year, n in (
        assets.filter(in_use_date__isnull=False)
        .values_list("in_use_date__year")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        age = max(0, today.year - year)
        counts[age] = counts.get(age, 0) + n
    return sorted(counts.items())


def _custody_by_department(departments: list[Department]) -> dict[int, int]:
    return dict(
        summary.in_custody(Asset.objects.filter(department__in=departments))
        .values_list("department_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


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
