"""Export pages: an export too long for the request becomes a job with its own page.

:func:`respond` is how every long-capable export answers (the asset list, the audit log):
up to ``EXPORT_JOB_ROWS`` rows the file comes at once, as before; above it the request
starts an :class:`~kretslopp.imports.models.ExportJob` and sends its asker to the job's
page, which follows the worker's progress (``imports.js``, as an import's page does), can
be left, cancelled, and offers the download when the file is written. "My exports" lists
the asker's jobs. Every page here shows the asker's own jobs only: another person's job is
a 404, exactly like a missing one (see :mod:`kretslopp.imports.exports`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kretslopp.core import downloads
from kretslopp.core.paging import page_of
from kretslopp.imports import exports
from kretslopp.imports.models import ExportJob, ExportState
from kretslopp.organisation.access import Access, access_for

EXPORTS_PAGE_SIZE = 50


def respond(request: HttpRequest, source: str, fmt: str) -> HttpResponseBase:
    """The export of ``source`` as filtered by the query string: the file, or a job."""
    if fmt not in downloads.FORMATS:
        raise Http404
    spec = exports.SOURCES[source]
    access = access_for(request.user)
    if not spec.allowed(access):
        raise PermissionDenied
    records = spec.records(access, request.GET)
    count = records.count()
    if exports.is_large(count):
        # Asking for a job writes (a record, an audit entry, a worker's time), so a link —
        # which a page elsewhere may follow with the reader's cookies — only shows what
        # would start; the button posts, with its CSRF token, to this same address.
        if request.method != "POST":
            return render(
                request,
                "imports/export_confirm.html",
                {
                    "label": spec.label,
                    "format_label": _format_label(fmt),
                    "row_count": count,
                    "threshold": settings.EXPORT_JOB_ROWS,
                    "action": request.get_full_path(),
                },
            )
        job = exports.start(source, fmt, request.GET, request.user, access, count)
        return redirect(job)
    return exports.download_now(source, fmt, records)


def _format_label(fmt: str) -> str:
    """A download format as the export buttons name it."""
    return {"csv": "CSV", "csv-sv": _("CSV for Swedish Excel"), "xlsx": "XLSX"}.get(fmt, fmt)


@login_required
def audit_log_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The audit log as filtered on its page (organisation-wide readers only)."""
    return respond(request, "audit_log", fmt)


def _exporter(request: HttpRequest) -> Access:
    """Whoever may export at least one long list (a partner or a login without a role: 403)."""
    access = access_for(request.user)
    if not any(spec.allowed(access) for spec in exports.SOURCES.values()):
        raise PermissionDenied
    return access


def _own(request: HttpRequest, pk: int) -> ExportJob:
    """The asker's own job; another person's is a 404, as a missing one."""
    _exporter(request)
    job = get_object_or_404(ExportJob, pk=pk, user=request.user)
    exports.reap([job])  # a job whose worker died shows as failed, not as working
    return job


def _kept_until(job: ExportJob) -> dt.datetime | None:
    if job.state != ExportState.DONE or job.finished_at is None:
        return None
    return job.finished_at + dt.timedelta(days=settings.EXPORT_RETENTION_DAYS)


@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    """My exports: the asker's background exports, newest first, with their downloads."""
    _exporter(request)
    mine = ExportJob.objects.filter(user=request.user)
    exports.reap(mine.filter(state=ExportState.RUNNING))
    page, query = page_of(request, mine, EXPORTS_PAGE_SIZE)
    rows = [
        (job, exports.SOURCES[job.source].label if job.source in exports.SOURCES else job.source)
        for job in page.object_list
    ]
    return render(
        request,
        "imports/exports.html",
        {
            "rows": rows,
            "page": page,
            "query": query,
            "retention_days": settings.EXPORT_RETENTION_DAYS,
            "threshold": settings.EXPORT_JOB_ROWS,
        },
    )


@login_required
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own(request, pk)
    spec = exports.SOURCES.get(job.source)
    return render(
        request,
        "imports/export_job.html",
        {
            "job": job,
            "label": spec.label if spec else job.source,
            "kept_until": _kept_until(job),
            "may_download": job.state == ExportState.DONE
            and exports.may_download(job, request.user),
            **exports.status(job),
        },
    )


@login_required
def export_progress(request: HttpRequest, pk: int) -> JsonResponse:
    job = _own(request, pk)
    return JsonResponse({**exports.status(job), "url": job.get_absolute_url()})


@login_required
@require_POST
def export_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a queued or running export (audited; no file is kept)."""
    job = _own(request, pk)
    if exports.cancel(job, request.user):
        messages.info(request, _("The export is being cancelled; no file will be kept."))
    return redirect(job)


@login_required
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    """The written file, for its asker only, while their access covers what it holds."""
    job = _own(request, pk)
    if job.state != ExportState.DONE or not exports.may_download(job, request.user):
        raise Http404
    path = exports.stored_path(job)
    if path is None:
        raise Http404
    return FileResponse(
        open(path, "rb"),  # noqa: SIM115 - the response closes it
        as_attachment=True,
        filename=job.file_name,
        content_type=downloads.FORMATS[job.file_format][1],
    )
