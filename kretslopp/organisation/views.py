"""Department pages: what a förvaltning holds, by category, status and age."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kretslopp.carbon import services as carbon
from kretslopp.core.history import history_for
from kretslopp.inventory import lifecycle
from kretslopp.inventory.models import Asset, ProductCategory, Status
from kretslopp.organisation.access import Action, access_for
from kretslopp.organisation.models import Department


@login_required
def department_list(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.VIEW)
    departments = access.departments().annotate(
        assets_in_custody=Count("assets", filter=Q(assets__status__in=lifecycle.IN_CUSTODY))
    )
    return render(request, "organisation/department_list.html", {"departments": departments})


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


@login_required
def department_detail(request: HttpRequest, code: str) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.VIEW)
    department = access.get(Department.objects.all(), department_field="pk", code=code)
    assets = Asset.objects.filter(department=department)
    in_custody = assets.filter(status__in=lifecycle.IN_CUSTODY)
    category_labels = dict(ProductCategory.choices)
    by_category = sorted(
        (
            (code_, category_labels.get(code_, code_), n)
            for code_, n in in_custody.values_list("model__category")
            .annotate(n=Count("pk"))
            .order_by()
        ),
        key=lambda row: -row[2],
    )
    by_status = dict(assets.values_list("status").annotate(n=Count("pk")).order_by())
    ages = age_distribution(in_custody, timezone.localdate())
    widest = max((n for _age, n in ages), default=1)
    context = {
        "department": department,
        "in_custody": sum(n for _c, _l, n in by_category),
        "by_category": by_category,
        "by_status": [
            (code_, Status(code_).label, by_status[code_])
            for code_ in lifecycle.STATUSES
            if by_status.get(code_)
        ],
        "ages": [(age, n, round(100 * n / widest)) for age, n in ages],
        "children": access.departments().filter(parent=department),
        "cost_centres": department.costcentre_set.annotate(
            in_custody=Count("assets", filter=Q(assets__status__in=lifecycle.IN_CUSTODY))
        ),
        "without_cost_centre": in_custody.filter(cost_centre__isnull=True).count(),
        "history": history_for(department) if access.can(Action.VIEW_AUDIT) else None,
        "by_year": carbon.department_by_year(carbon.fleet_for(access), department.pk)[-8:],
        "choice": carbon.Choice.current(),
    }
    return render(request, "organisation/department_detail.html", context)
