"""Pages: print volumes per department and month, the mapping table, imports, print targets."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kretslopp import printlogs
from kretslopp.core.uploads import files_of, upload_limit
from kretslopp.energy import assessment, charts
from kretslopp.energy.charts import chart_context
from kretslopp.energy.models import Kpi
from kretslopp.energy.vega import chart_assets
from kretslopp.imports import runs
from kretslopp.imports.models import ImportJob
from kretslopp.organisation.access import Access, Action, access_for
from kretslopp.organisation.models import Department
from kretslopp.printing import importer, services
from kretslopp.printing.forms import PRINT_LOG_LIMIT, PrintLogForm, PrintMappingForm
from kretslopp.printing.models import PrintImport, PrintMapping, PrintVolume


def _department_rows(
    stats: list[printlogs.MonthlyPrintStats], months: list[str], names: dict[str, str]
) -> list[dict[str, Any]]:
    """One row per department over ``months``: totals, shares and the paper behind them."""
    chosen = set(months)
    grouped: dict[str, list[printlogs.MonthlyPrintStats]] = {}
    for item in stats:
        if item.month in chosen:
            grouped.setdefault(item.department, []).append(item)
    rows = []
    for code, items in grouped.items():
        summed = services.total(items, code)
        rows.append(
            {
                "code": code,
                "name": names.get(code, _("Not mapped to a department")),
                "stats": summed,
                "paper": printlogs.paper_footprint(summed.a4_sheets),
            }
        )
    rows.sort(key=lambda row: -row["stats"].pages)
    return rows


def _monthly_chart(stats: list[printlogs.MonthlyPrintStats], title: str) -> dict[str, Any]:
    per_month: dict[str, int] = {}
    for item in stats:
        per_month[item.month] = per_month.get(item.month, 0) + item.pages
    rows = [{"month": month, "value": pages} for month, pages in sorted(per_month.items())]
    return charts.monthly_bars(rows, {"title": title, "month": _("Month"), "value": _("Pages")})


def _print_targets(access: Access, department: Department | None = None):
    found = assessment.visible_targets(access).filter(kpi=Kpi.PAGES_PRINTED)
    if department is not None:
        found = found.filter(department=department)
    memo: dict = {}
    return [assessment.view_for(t, access, memo) for t in found.select_related("department")]


def _changes(stats: list[printlogs.MonthlyPrintStats], names: dict[str, str]):
    periods = services.comparison_periods(stats)
    if periods is None:
        return None, []
    before, after = periods
    changes = printlogs.biggest_changes(stats, before, after, measure="pages", limit=10)
    return periods, [{"change": c, "name": names.get(c.department, c.department)} for c in changes]


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.VIEW)
    stats = services.monthly_stats(access)
    months = services.last_months(stats, 12)
    names = dict(access.departments().values_list("code", "name"))
    rows = _department_rows(stats, months, names)
    overall = services.total([r["stats"] for r in rows], "")
    periods, changes = _changes(stats, names)
    context = {
        "rows": rows,
        "months": months,
        "overall": overall,
        "paper": printlogs.paper_footprint(overall.a4_sheets),
        "sources": printlogs.paper_sources(),
        "factors": printlogs.paper_factors(),
        "periods": periods,
        "changes": changes,
        "views": _print_targets(access),
        "chart": chart_context("print-chart", _monthly_chart(stats, _("Pages printed per month"))),
        "can_manage": access.can(Action.MANAGE_METHODOLOGY),
        "imports": PrintImport.objects.all()[:10] if access.all_departments else [],
        "has_demo": PrintImport.objects.filter(is_demo=True).exists(),
        **chart_assets(),
    }
    return render(request, "printing/overview.html", context)


@login_required
def department(request: HttpRequest, code: str) -> HttpResponse:
    access = access_for(request.user)
    dept = access.get(Department.objects.all(), department_field="pk", code=code)
    stats = services.monthly_stats(access, dept.pk)
    context = {
        "department": dept,
        "months": [
            {"stats": item, "paper": printlogs.paper_footprint(item.a4_sheets)}
            for item in reversed(stats)
        ],
        "overall": services.total(stats, dept.code),
        "views": _print_targets(access, dept),
        "chart": chart_context(
            "print-chart",
            _monthly_chart(stats, _("Pages printed per month: %(name)s") % {"name": dept.name}),
        ),
        **chart_assets(),
    }
    return render(request, "printing/department.html", context)


@upload_limit(PRINT_LOG_LIMIT)
@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """Upload a print log (CUPS or PaperCut): it is kept and summed, the preview shows the
    totals that would be stored, and confirming it stores all of them or none."""
    access = access_for(request.user)
    access.require(Action.MANAGE_METHODOLOGY)
    form = PrintLogForm(request.POST or None, files_of(request) or None)
    if request.method == "POST" and form.is_valid():
        options = {"log_format": form.cleaned_data["log_format"]}
        if form.cleaned_data["page_log_format"]:
            options["page_log_format"] = form.cleaned_data["page_log_format"]
        job = runs.start_upload(
            form.cleaned_data["file"],
            access=access,
            user=request.user,
            target_name=importer.TARGET_NAME,
            options=options,
        )
        return redirect(job)
    jobs = ImportJob.objects.filter(user=request.user, target=importer.TARGET_NAME)[:10]
    return render(request, "printing/upload.html", {"form": form, "jobs": list(jobs)})


@login_required
def mappings(request: HttpRequest) -> HttpResponse:
    """The table that places printers, billing codes (and unregistered users) in departments."""
    access = access_for(request.user)
    access.require(Action.VIEW)
    can_edit = access.can(Action.MANAGE_METHODOLOGY)
    initial = {"kind": request.GET.get("kind", "printer"), "key": request.GET.get("key", "")}
    form = PrintMappingForm(request.POST or None, initial=initial)
    if request.method == "POST":
        access.require(Action.MANAGE_METHODOLOGY)
        if form.is_valid():
            form.save()
            messages.success(request, _("The mapping was saved. It applies to later imports."))
            return redirect("printing:mappings")
    unmapped = (
        PrintVolume.objects.filter(department__isnull=True)
        .values("printer")
        .annotate(pages=Sum("pages"))
        .order_by("-pages")[:50]
        if access.all_departments
        else []
    )
    context = {
        "mappings": access.scope(PrintMapping.objects.select_related("department")),
        "form": form,
        "can_edit": can_edit,
        "unmapped": unmapped,
    }
    return render(request, "printing/mappings.html", context)


@login_required
@require_POST
def mapping_delete(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.MANAGE_METHODOLOGY)
    access.get(PrintMapping.objects.all(), pk=pk).delete()
    messages.success(request, _("The mapping was deleted."))
    return redirect("printing:mappings")
