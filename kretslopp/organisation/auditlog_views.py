"""The audit log page: every recorded write, for those who may read it (the records and
their filter live in :mod:`kretslopp.core.auditlog`; who may read them is decided here)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from kretslopp.core import auditlog, downloads
from kretslopp.core.models import AuditEntry
from kretslopp.core.paging import page_of
from kretslopp.organisation.access import access_for

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
