"""The overview page and small shared endpoints."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kretslopp.carbon import services as carbon
from kretslopp.core import auditlog, downloads, panels
from kretslopp.core.models import AuditEntry
from kretslopp.core.paging import page_of
from kretslopp.core.registry import registry
from kretslopp.inventory import lifecycle, summary
from kretslopp.inventory.models import ProductCategory, Status
from kretslopp.organisation.access import Action, access_for
from kretslopp.organisation.models import Organisation, Role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where each user starts: their estate in numbers, scoped to what they may see."""
    access = access_for(request.user)
    if access.role == Role.PARTNER:
        # A take-back partner works on its campaigns only; that is its start page.
        return redirect("circular:campaigns")
    if access.role is None:  # a login nobody has given a role: say whom to ask
        return redirect("organisation:no_role")
    access.require(Action.VIEW)
    counts = summary.estate_counts(access)
    departments = sorted(
        access.departments(),
        key=lambda department: -counts.in_custody_by_department.get(department.pk, 0),
    )
    for department in departments:
        department.assets_in_custody = counts.in_custody_by_department.get(department.pk, 0)
    organisation = Organisation.current()
    context = {
        "organisation": organisation,
        **_employees_tile(access, organisation, departments),
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
        "departments": departments,
        "by_year": list(carbon.fleet_for(access).by_year().items())[-8:],
        "choice": carbon.Choice.current(),
        "panels": panels.rendered(registry.dashboard_panels, request, access),
    }
    return render(request, "core/home.html", context)


def _employees_tile(access, organisation, departments: list) -> dict:
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


LOG_PAGE_SIZE = 50


@login_required
def audit_log(request: HttpRequest) -> HttpResponseBase:
    """Every recorded write in the organisation, newest first, for organisation-wide readers."""
    access = access_for(request.user)
    if not access.may_read_audit_log():
        raise PermissionDenied
    form = auditlog.AuditLogFilter(request.GET or None)
    entries = AuditEntry.objects.select_related("actor").order_by("-at", "-id")
    if form.is_bound and form.is_valid():
        entries = form.apply(entries)
    elif form.is_bound:
        entries = entries.none()
    fmt = request.GET.get("format")
    if fmt:
        return downloads.table_download(
            fmt,
            f"kretslopp-audit-log-{timezone.localdate():%Y-%m-%d}",
            auditlog.export_header(),
            auditlog.export_rows(entries),
            sheet_name="Audit log",
        )
    page, query = page_of(request, entries, LOG_PAGE_SIZE)
    context = {
        "form": form,
        "page": page,
        "lines": auditlog.lines(list(page.object_list)),
        "query": query,
    }
    return render(request, "core/audit_log.html", context)
