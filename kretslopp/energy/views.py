"""Pages: the energy dashboard, the ledger, targets, the Green Digital Charter view."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kretslopp.carbon import services
from kretslopp.core.editing import EditView
from kretslopp.core.registry import registry
from kretslopp.core.uploads import files_of
from kretslopp.energy import assessment, charts, ledger
from kretslopp.energy.charts import chart_context
from kretslopp.energy.forms import ManualReadingForm, ReadingUploadForm, TargetForm
from kretslopp.energy.fragments import fragment
from kretslopp.energy.meterimport import TARGET_NAME
from kretslopp.energy.models import EnergyReading, Kpi, Scope, Target
from kretslopp.energy.vega import chart_assets
from kretslopp.imports import runs
from kretslopp.imports.models import ImportJob
from kretslopp.organisation.access import Access, Action, access_for
from kretslopp.organisation.models import Department, Organisation


def choice_of(memo: dict) -> services.Choice:
    """The method the page's ledger was computed with (read once per request)."""
    return memo["versions"][1] if "versions" in memo else services.Choice.current()


def target_labels(view: assessment.TargetView) -> dict[str, str]:
    unit = view.definition.unit
    return {
        "title": view.target.name,
        "description": _("Trajectory, actual values and forecast with its band"),
        "trajectory": _("Trajectory"),
        "actual": _("Actual"),
        "forecast": _("Forecast"),
        "band": _("Forecast band"),
        "with_measures": _("Forecast with decided measures"),
        "year": _("Year"),
        "value": f"{view.definition.label} ({unit})",
    }


def target_chart_spec(view: assessment.TargetView) -> dict[str, Any]:
    return charts.target_chart(view, target_labels(view))


def scope_labels() -> dict[str, str]:
    return {code: str(label) for code, label in Scope.choices}


def ledger_rows(built: ledger.Ledger, since: int | None = None) -> list[dict[str, Any]]:
    labels = scope_labels()
    rows = []
    for year, data in built.years().items():
        if since is not None and year < since:
            continue
        rows.append(
            {
                "year": year,
                "complete": data.complete,
                "kwh": data.kwh,
                "kg_co2e": data.kg_co2e,
                "grid": data.grid,
                "scopes": [
                    {"code": code, "label": labels[code], "data": data.scopes[code]}
                    for code in ledger.SCOPES
                ],
            }
        )
    return rows


def years_chart(rows: list[dict[str, Any]], measure: str, title: str, unit: str) -> dict:
    labels = scope_labels()
    values = [
        {"year": row["year"], "scope": labels[s["code"]], "value": getattr(s["data"], measure)}
        for row in rows
        for s in row["scopes"]
        if getattr(s["data"], measure) > 0
    ]
    return charts.stacked_years_chart(
        values, labels, {"title": title, "year": _("Year"), "value": unit, "total": _("Total")}
    )


def _targets(access: Access):
    return assessment.visible_targets(access)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.VIEW)
    memo: dict = {}
    built = ledger.cached(access, memo=memo)
    # A department-bound reader's organisation targets rest on the organisation's ledger too.
    owners = (built,)
    if not access.all_departments:
        owners = (built, ledger.cached(access.for_organisation_totals(), memo=memo))
    targets = list(_targets(access))
    language = get_language()
    versions = tuple((t.pk, t.updated_at) for t in targets)
    computed: dict[str, list[assessment.TargetView]] = {}

    def target_views() -> list[assessment.TargetView]:
        if "views" not in computed:
            computed["views"] = [assessment.view_for(t, access, memo) for t in targets]
        return computed["views"]

    def main_context() -> dict[str, Any]:
        main = next((v for v in target_views() if v.target.kpi == Kpi.IT_ENERGY_KWH), None)
        return {
            "main": main,
            "main_chart": chart_context("target-chart", target_chart_spec(main)) if main else None,
            "can_manage": access.can(Action.MANAGE_METHODOLOGY),
        }

    def ledger_context() -> dict[str, Any]:
        rows = ledger_rows(built)
        return {
            "part_label": None
            if access.all_departments
            else assessment.departments_label(access, memo),
            "rows": rows,
            "choice": choice_of(memo),
            "link_years": True,
            "years_chart": chart_context(
                "years-chart", years_chart(rows, "kwh", _("IT energy per year by scope"), "kWh")
            ),
        }

    manage = access.can(Action.MANAGE_METHODOLOGY)
    context = {
        "main_html": fragment(
            owners, ("main", language, versions, manage), "energy/includes/main_target.html",
            main_context,
        ),
        "targets_html": fragment(
            owners, ("targets", language, versions), "energy/includes/target_table.html",
            lambda: {"views": target_views()},
        ) if len(targets) > 1 else "",
        "ledger_html": fragment(
            built, ("ledger", language), "energy/includes/ledger_section.html", ledger_context
        ),
        "can_manage": manage,
        "has_demo": EnergyReading.objects.filter(is_demo=True).exists(),
        "departments": access.departments(),
        **chart_assets(),
    }  # fmt: skip
    return render(request, "energy/dashboard.html", context)


@login_required
def ledger_year(request: HttpRequest, year: int) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.VIEW)
    memo: dict = {}
    built = ledger.cached(access, memo=memo)
    months = built.months(year)
    entries = [e for e in built.entries if e.year == year]
    context = {
        "year": year,
        "months": months,
        "scopes": [(code, label) for code, label in Scope.choices],
        "entries": entries,
        "summary": built.years().get(year),
        "choice": choice_of(memo),
    }
    return render(request, "energy/ledger_year.html", context)


@login_required
def department(request: HttpRequest, code: str) -> HttpResponse:
    access = access_for(request.user)
    dept = access.get(Department.objects.all(), department_field="pk", code=code)
    memo: dict = {}
    built = ledger.cached(access, department_id=dept.pk, memo=memo)
    rows = ledger_rows(built)
    views = [assessment.view_for(t, access, memo) for t in _targets(access).filter(department=dept)]
    context = {
        "department": dept,
        "rows": rows,
        "views": views,
        "years_chart": chart_context(
            "years-chart",
            years_chart(
                rows, "kwh", _("Energy per year by scope: %(name)s") % {"name": dept}, "kWh"
            ),
        ),
        "choice": choice_of(memo),
        **chart_assets(),
    }
    return render(request, "energy/department.html", context)


@login_required
def target_list(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.VIEW)
    memo: dict = {}
    views = [assessment.view_for(t, access, memo) for t in _targets(access)]
    return render(
        request,
        "energy/target_list.html",
        {"views": views, "can_manage": access.can(Action.MANAGE_METHODOLOGY)},
    )


@login_required
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_for(request.user)
    target = _get_target(access, pk)
    view = assessment.with_measures(assessment.view_for(target, access), request.user)
    from kretslopp.core.history import history_for

    outlook = view.measures.outlook if view.measures else None

    context = {
        "view": view,
        "target": target,
        "chart": chart_context("target-chart", target_chart_spec(view)),
        "can_manage": access.can(Action.MANAGE_METHODOLOGY),
        "history": history_for(target) if access.can(Action.VIEW_AUDIT) else None,
        "years": [
            {
                "year": year,
                "trajectory": view.engine_target.trajectory_value(year),
                "actual": view.actuals.values.get(year),
                "forecast": view.forecasts.get(year),
                "decided": outlook.decided.points.get(year) if outlook else None,
                "proposed": (
                    outlook.with_proposed.points.get(year)
                    if outlook and outlook.has_proposed
                    else None
                ),
                "own": view.share.value(year) if view.share else None,
                "share": view.share.fraction(year) if view.share else None,
            }
            for year in range(target.baseline_year, target.target_year + 1)
        ],
        "outlook": outlook,
        "has_effect_providers": len(registry.target_effects) > 0,
        **chart_assets(),
    }
    return render(request, "energy/target_detail.html", context)


def _get_target(access: Access, pk: int) -> Target:
    access.require(Action.VIEW)
    found = _targets(access).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@login_required
def target_chart_svg(request: HttpRequest, pk: int) -> HttpResponse:
    """The target's chart rendered on the server (the same spec as on the page)."""
    access = access_for(request.user)
    view = assessment.view_for(_get_target(access, pk), access)
    view = assessment.with_measures(view, request.user)
    return HttpResponse(charts.render_svg(target_chart_spec(view)), content_type="image/svg+xml")


class TargetEdit(EditView):
    form_class = TargetForm
    template_name = "energy/target_form.html"
    action = Action.MANAGE_METHODOLOGY

    def get_object(self) -> Target | None:
        pk = self.kwargs.get("pk")
        return _get_target(self.access, pk) if pk is not None else None

    def success_message(self, saved: Target) -> str:
        return _("The target was saved.")

    def get_context(self, form: TargetForm) -> dict[str, Any]:
        return {"form": form, "target": self.object}


target_edit = TargetEdit.as_view()


@login_required
@require_POST
def target_delete(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.MANAGE_METHODOLOGY)
    _get_target(access, pk).delete()
    messages.success(request, _("The target was deleted."))
    return redirect("energy:targets")


def charter_rows(
    access: Access, since: int | None, memo: dict, employees: int | None
) -> list[dict[str, Any]]:
    """The Charter table's years from the target's base year: totals, change since that
    year (none without a target: the first year of data is no baseline) and per employee."""
    rows = ledger_rows(ledger.cached(access, memo=memo), since)
    # A scope nobody in view uses (a department has no data centre) needs no column.
    used = {s["code"] for row in rows for s in row["scopes"] if s["data"].kwh > 0}
    for row in rows:
        row["scopes"] = [s for s in row["scopes"] if s["code"] in used]
    baseline = rows[0] if rows and rows[0]["year"] == since else None
    for row in rows:
        row["kwh_per_employee"] = row["kwh"] / employees if employees else None
        row["kg_per_employee"] = row["kg_co2e"] / employees if employees else None
        row["kwh_change"] = _change(row["kwh"], baseline["kwh"] if baseline else None)
        row["kg_change"] = _change(row["kg_co2e"], baseline["kg_co2e"] if baseline else None)
    return rows


def _change(value: float, base: float | None) -> float | None:
    return value / base - 1 if base else None


def _add_shares(rows: list[dict[str, Any]], organisation_rows: list[dict[str, Any]]) -> None:
    """Each of a department's years as a part of the organisation's figure of that year."""
    whole = {row["year"]: row["kwh"] for row in organisation_rows}
    for row in rows:
        row["share"] = row["kwh"] / whole[row["year"]] if whole.get(row["year"]) else None


def _departments_part(
    access: Access, since: int | None, memo: dict, organisation_rows: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], int, dict[str, Any]]:
    """A department-bound reader's Charter years (each with its share of the organisation's),
    their departments' head count, and how to name them."""
    departments = list(access.departments())
    employees = sum(d.employees for d in departments)
    rows = charter_rows(access, since, memo, employees or None)
    _add_shares(rows, organisation_rows)
    part = {"label": assessment.departments_label(access, memo), "several": len(departments) > 1}
    return rows, employees, part


@login_required
def charter(request: HttpRequest) -> HttpResponse:
    """The Green Digital Charter: ICT's direct footprint since the baseline, towards −30 %.

    The commitment is the organisation's: its figures head the page for every reader. A
    department-bound reader's table is their own departments' part of it, per their own
    head count, beside the organisation's figure; other departments are never listed.
    """
    access = access_for(request.user)
    access.require(Action.VIEW)
    memo: dict = {}
    target = _targets(access).filter(kpi=Kpi.IT_ENERGY_KWH, department__isnull=True).first()
    co2_target = _targets(access).filter(kpi=Kpi.IT_KG_CO2E, department__isnull=True).first()
    since = target.baseline_year if target else None
    organisation = Organisation.current()
    organisation_rows = charter_rows(
        access.for_organisation_totals(),
        since,
        memo,
        (organisation.employees if organisation else 0) or None,
    )
    if access.all_departments:
        rows, employees = organisation_rows, (organisation.employees if organisation else 0)
        part = None
    else:
        rows, employees, part = _departments_part(access, since, memo, organisation_rows)
    titles = (_("ICT energy by scope"), _("ICT CO2e by scope"))
    if part:
        titles = (
            _("ICT energy by scope: %(name)s") % {"name": part["label"]},
            _("ICT CO2e by scope: %(name)s") % {"name": part["label"]},
        )
    view = assessment.view_for(target, access, memo) if target else None
    co2_view = assessment.view_for(co2_target, access, memo) if co2_target else None
    complete = [row for row in organisation_rows if row["complete"]]
    context = {
        "rows": rows,
        "latest": complete[-1] if complete else None,
        "part": part,
        "baseline_year": since,
        "view": view,
        "co2_view": co2_view,
        "employees": employees or None,
        "choice": choice_of(memo),
        "energy_chart": chart_context("energy-chart", years_chart(rows, "kwh", titles[0], "kWh")),
        "co2_chart": chart_context("co2-chart", years_chart(rows, "kg_co2e", titles[1], "kg CO2e")),
        "target_chart": chart_context("target-chart", target_chart_spec(view)) if view else None,
        **chart_assets(),
    }
    return render(request, "energy/charter.html", context)


@login_required
def readings(request: HttpRequest) -> HttpResponse:
    """Upload meter readings (through the import pipeline) or enter one figure by hand."""
    access = access_for(request.user)
    access.require(Action.MANAGE_METHODOLOGY)
    upload = ReadingUploadForm()
    manual = ManualReadingForm()
    files = files_of(request)
    if request.method == "POST" and "file" in files:
        upload = ReadingUploadForm(request.POST, files)
        if upload.is_valid():
            # The one import pipeline: the file is kept, checked, and shown as a preview.
            job = runs.start_upload(
                upload.cleaned_data["file"],
                access=access,
                user=request.user,
                target_name=TARGET_NAME,
            )
            return redirect(job)
    elif request.method == "POST":
        manual = ManualReadingForm(request.POST)
        if manual.is_valid():
            manual.save()
            messages.success(request, _("The figure was added to the ledger."))
            return redirect("energy:readings")
    recent = EnergyReading.objects.select_related("department").order_by("-updated_at")[:20]
    return render(
        request,
        "energy/readings.html",
        {
            "upload": upload,
            "manual": manual,
            "recent": recent,
            "jobs": ImportJob.objects.filter(user=request.user, target=TARGET_NAME)[:5],
        },
    )
