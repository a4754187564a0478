"""The audit log page: every recorded write, for those who may read it (the records and
their filter live in :mod:`kretslopp.core.auditlog`; who may read them is decided here)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from kretslopp.core import auditlog
from kretslopp.core.models import AuditEntry
from kretslopp.core.paging import page_of
from kretslopp.organisation.access import access_for

LOG_PAGE_SIZE = 50


@login_required
def audit_log(request: HttpRequest) -> HttpResponseBase:
    """Every recorded write in the organisation, newest first, for organisation-wide readers.

    Grouped by batch (what one request, command or import wrote); ``?batch=`` lists the
    entries of one batch.
    """
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
        # The export's own route: a large one is written by the worker, not in this request.
        url = reverse("imports:audit_log_export", args=[fmt])
        return redirect(f"{url}?{_without(request, 'format', 'page')}")
    one_batch = form.cleaned_data.get("batch") if form.is_bound and form.is_valid() else ""
    context: dict = {"form": form}
    if one_batch:
        page, query = page_of(request, entries, LOG_PAGE_SIZE)
        label, url = auditlog.batch_label(one_batch)
        context |= {
            "lines": auditlog.lines(list(page.object_list)),
            "batch": {"key": one_batch, "label": label, "url": url},
            "all_batches": _without(request, "batch"),
        }
    else:
        page, query = page_of(request, auditlog.batches(entries), LOG_PAGE_SIZE)
        context["batches"] = auditlog.grouped(list(page.object_list), entries)
    context |= {"page": page, "query": query, "filtered": _without(request, "page")}
    return render(request, "core/audit_log.html", context)


def _without(request: HttpRequest, *names: str) -> str:
    """The request's query string without ``names`` (a link that keeps the other filters)."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
