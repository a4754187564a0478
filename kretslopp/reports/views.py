"""The report archive: snapshots with their reports, a new snapshot, and each output."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kretslopp.organisation.access import access_for
from kretslopp.organisation.models import Department
from kretslopp.reports import access as rules
from kretslopp.reports import render as output
from kretslopp.reports import snapshot as snapshots
from kretslopp.reports.models import ReportSnapshot, SnapshotState


class SnapshotForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    department = forms.ModelChoiceField(
        Department.objects.all(),
        label=gettext_lazy("Department"),
        required=False,
        empty_label=gettext_lazy("The whole organisation"),
        to_field_name="code",
    )


def _readable(request: HttpRequest):
    access = access_for(request.user)
    if not rules.may_list(access):
        raise PermissionDenied
    snapshots_ = [
        s
        for s in ReportSnapshot.objects.select_related("department", "created_by")
        if rules.may_read(access, s.department_id)
    ]
    return access, snapshots_


@login_required
def archive(request: HttpRequest) -> HttpResponse:
    """Every snapshot the reader may read, newest first, with its reports."""
    access, readable = _readable(request)
    form = SnapshotForm(initial={"year": snapshots.default_year()})
    if not access.all_departments:
        form.fields["department"].queryset = access.scope(Department.objects.all(), "pk")
    return render(
        request,
        "reports/archive.html",
        {
            "snapshots": readable,
            "form": form,
            "may_create": rules.may_create_any(access),
            "may_read_failure_detail": rules.may_read_failure_detail(access),
            "report_languages": [("sv", _("Swedish")), ("en", _("English"))],
            "preparing": any(s.state == SnapshotState.QUEUED for s in readable),
        },
    )


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    """Take a snapshot (figures frozen now) for a year and, optionally, one department."""
    access = access_for(request.user)
    if not rules.may_create_any(access):
        raise PermissionDenied
    form = SnapshotForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("The snapshot was not taken: choose a year between 2000 and 2100.")
        )
        return redirect("reports:archive")
    department = form.cleaned_data["department"]
    if not rules.may_create(access, department.pk if department else None):
        raise PermissionDenied
    snapshots.queue(form.cleaned_data["year"], department, by=request.user)
    messages.success(
        request,
        _(
            "The snapshot is being prepared in the background: the report's figures are frozen "
            "when it is ready. You may leave this page; the archive shows it when it is done."
        ),
    )
    return redirect("reports:archive")


def _snapshot(request: HttpRequest, pk: int) -> ReportSnapshot:
    access = access_for(request.user)
    found = get_object_or_404(ReportSnapshot, pk=pk)
    if not rules.may_read(access, found.department_id) or not found.is_ready:
        raise Http404  # a snapshot still being prepared (or failed) has no report yet
    return found


def _language(language: str) -> str:
    if language not in snapshots.LANGUAGES:
        raise Http404
    return language


@login_required
def preview(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    """The report as HTML, exactly what the PDF is made from."""
    report = output.build_report(_snapshot(request, pk), _language(language), "html")
    return HttpResponse(report.data, content_type=report.content_type)


@login_required
def download(request: HttpRequest, pk: int, language: str, output_format: str) -> HttpResponse:
    """The report as a PDF (tagged, PDF/UA) or as an XLSX of its tables."""
    if output_format not in ("pdf", "xlsx"):
        raise Http404
    report = output.build_report(_snapshot(request, pk), _language(language), output_format)
    response = HttpResponse(report.data, content_type=report.content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    return response
