"""Long exports as background jobs of ``kretslopp worker``, downloaded by the one who asked.

The asset list of a city (100,000 rows) as XLSX takes far longer to write than the minute an
HTTPS proxy waits for an answer; so does a year of the audit log. An export that matches
more than ``EXPORT_JOB_ROWS`` rows is therefore not written inside the request: the request
freezes what was asked for — the source, the list's filter, the format, the interface
language and the asker's access (role, departments, partner) — in an
:class:`~kretslopp.imports.models.ExportJob`, enqueues :func:`write_export` and answers at
once with the job's page (or 202 on the API). A smaller export stays an immediate download.

The worker writes the file with the same writers as every immediate download
(:mod:`kretslopp.core.downloads`, so cells a spreadsheet would run as a formula are
neutralised), to ``export-<id>.part`` under ``MEDIA_ROOT/exports/``, and renames it to its
final, unguessable name only when it is complete: a file that can be downloaded is always
whole. It reports rows written and rows per second as the imports do
(:mod:`kretslopp.imports.progress`), and stops at its next report when cancelled.

* A worker that dies holds no lock any more (:mod:`kretslopp.imports.liveness`): whoever
  looks at the job next marks it failed, with that reason, and removes the partial file.
* The file is for its asker only: another person's download is a 404, and the asker's own
  only while their access still covers the frozen one (a coordinator moved to another
  department no longer downloads the first one's list).
* :func:`clean_exports` (a periodic job, hourly) removes each file
  ``EXPORT_RETENTION_DAYS`` after it was written, and partial files nobody writes any more;
  the job's record stays, as the trace of who exported what.

Every change of a job's state is in the audit trail (the model is audited), attributed to
the asker, the person who cancelled, or the system.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from kretslopp.core import audit, downloads
from kretslopp.imports import liveness, progress, retention
from kretslopp.imports.models import ExportFailure, ExportJob, ExportState
from kretslopp.organisation.access import Access, Action, access_for
from kretslopp.tabular import write_xlsx

logger = logging.getLogger(__name__)

#: A job in these states has no outcome yet: its page follows it and offers to cancel it.
WORKING_STATES = (ExportState.QUEUED, ExportState.RUNNING)
#: Query keys that choose the page or the format, not the rows.
NOT_FILTERS = {"format", "page"}
PARTIAL_SUFFIX = ".part"


@dataclass(frozen=True)
class Source:
    """One exportable list: who may export it, its rows for an access and a filter."""

    label: Any
    allowed: Callable[[Access], bool]
    header: Callable[[str], list[str]]
    #: ``(access, query) -> queryset``: the records, already scoped and filtered.
    records: Callable[[Access, QueryDict], QuerySet]
    rows: Callable[[QuerySet], Iterator[Sequence[Any]]]
    file_stem: str
    sheet_name: str


def _asset_records(access: Access, query: QueryDict) -> QuerySet:
    from kretslopp.inventory.filters import AssetFilter

    return AssetFilter.from_query(query).apply(access)


def _asset_header(fmt: str) -> list[str]:
    from kretslopp.imports.assets import export as asset_export

    return asset_export.headers(swedish=True if fmt == "csv-sv" else None)


def _asset_rows(records: QuerySet) -> Iterator[Sequence[Any]]:
    from kretslopp.imports.assets import export as asset_export

    return asset_export.rows(records)


def _audit_records(access: Access, query: QueryDict) -> QuerySet:
    from kretslopp.core import auditlog
    from kretslopp.core.models import AuditEntry

    form = auditlog.AuditLogFilter(query or None)
    entries = AuditEntry.objects.select_related("actor").order_by("-at", "-id")
    if form.is_bound and form.is_valid():
        return form.apply(entries)
    return entries.none() if form.is_bound else entries


def _audit_header(fmt: str) -> list[str]:
    from kretslopp.core import auditlog

    return auditlog.export_header()


def _audit_rows(records: QuerySet) -> Iterator[Sequence[Any]]:
    from kretslopp.core import auditlog

    return auditlog.export_rows(records)


#: The exports that can be long (a list of the whole fleet, a year of writes). The others —
#: a manifest, a campaign's lost devices, the forum's register — stay in the request: they
#: hold hundreds or a few thousand rows at a city's size.
SOURCES: dict[str, Source] = {
    "assets": Source(
        _("Asset list"),
        lambda access: access.can(Action.VIEW),
        _asset_header,
        _asset_records,
        _asset_rows,
        "kretslopp-assets",
        "Assets",
    ),
    "audit_log": Source(
        _("Audit log"),
        lambda access: access.may_read_audit_log(),
        _audit_header,
        _audit_records,
        _audit_rows,
        "kretslopp-audit-log",
        "Audit log",
    ),
}


def folder() -> Path:
    """Where finished exports wait for their download (beside the uploads, not served)."""
    path = Path(settings.MEDIA_ROOT) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def frozen_query(query: QueryDict) -> dict[str, list[str]]:
    """The list's filter as the job keeps it (without the page or the format)."""
    return {key: values for key, values in query.lists() if key not in NOT_FILTERS}


def thawed_query(frozen: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in frozen.items():
        query.setlist(key, [str(value) for value in values])
    return query


def frozen_scope(access: Access) -> dict[str, Any]:
    """The asker's access as the job keeps it: what the file may hold, whatever comes."""
    ids = access.department_ids
    return {
        "role": access.role,
        "department_ids": None if ids is None else sorted(ids),
        "partner_id": access.partner_id,
    }


def thawed_scope(scope: dict[str, Any]) -> Access:
    ids = scope.get("department_ids")
    return Access(
        role=scope.get("role"),
        department_ids=None if ids is None else frozenset(int(pk) for pk in ids),
        partner_id=scope.get("partner_id"),
    )


def covers(now: Access, then: Access) -> bool:
    """Whether today's access reaches every record the frozen one did (for the download)."""
    if now.role is None or now.partner_id != then.partner_id:
        return False
    if now.department_ids is None:
        return True
    return then.department_ids is not None and then.department_ids <= now.department_ids


def is_large(count: int) -> bool:
    return count > settings.EXPORT_JOB_ROWS


def _dated_stem(spec: Any) -> str:
    """The file's name before its ending: what it holds and the day it was asked for."""
    return f"{spec.file_stem}-{timezone.localdate():%Y-%m-%d}"


def download_now(source: str, fmt: str, records: QuerySet) -> Any:
    """A small export's file, written in the request: the same writer and headings as the
    worker's, named as the web and the API name it."""
    spec = SOURCES[source]
    return downloads.table_download(
        fmt,
        _dated_stem(spec),
        spec.header(fmt),
        spec.rows(records),
        sheet_name=spec.sheet_name,
    )


def start(
    source: str, fmt: str, query: QueryDict, user: Any, access: Access, row_count: int
) -> ExportJob:
    """Freeze the export asked for by ``user`` and hand it to the worker (audited)."""
    spec = SOURCES[source]
    ending = downloads.FORMATS[fmt][2]
    stem = _dated_stem(spec)
    with audit.acting_as(user):
        job = ExportJob.objects.create(
            source=source,
            file_format=fmt,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            query=frozen_query(query),
            scope=frozen_scope(access),
            file_name=f"{downloads.safe_stem(stem)}{ending}",
            user=user,
            row_count=row_count,
        )
    # After the commit, so that a worker on another connection (RQ's) finds the job queued.
    transaction.on_commit(lambda: _enqueue(job))
    return job


def _enqueue(job: ExportJob) -> None:
    result = write_export.enqueue(job.pk)
    logger.info("%s queued as task %s", job.reference, result.id)


@task(queue_name=settings.TASKS_QUEUE)
def write_export(job_id: int) -> str:
    """The task the worker runs for a queued export; returns the job's state."""
    return work_on(job_id)


def work_on(job_id: int) -> str:
    """Claim the queued job under a lock held by this process, and write its file."""
    key = f"export-{job_id}"
    with liveness.Worker() as worker:
        if progress.cancel_requested(key) is not None:
            _cancel_queued(job_id, by=_asker(key))
            progress.clear_cancel(key)
            return ExportState.CANCELLED
        claimed = ExportJob.objects.filter(pk=job_id, state=ExportState.QUEUED)
        if not claimed.update(state=ExportState.RUNNING, worker=worker.token):
            return "not queued"  # cancelled before it started, or already worked on
        job = ExportJob.objects.select_related("user").get(pk=job_id)
        try:
            with audit.acting_as(None), translation.override(job.language):
                audit.record(job, "update", {"state": [ExportState.QUEUED, ExportState.RUNNING]})
                _write(job)
        finally:
            progress.clear(key)
            progress.clear_cancel(key)
        return job.state


def _write(job: ExportJob) -> None:
    user = job.user
    spec = SOURCES.get(job.source)
    access = thawed_scope(job.scope)
    if (
        spec is None
        or job.file_format not in downloads.FORMATS
        or user is None
        or not user.is_active
        or not spec.allowed(access)
    ):
        _fail(job, ExportFailure.NOT_ALLOWED)
        return
    partial = partial_path(job.pk)
    reporter = progress.Reporter(job.progress_key, cancellable=True)
    progress.write(job.progress_key, {"phase": "writing", "done": 0, "total": job.row_count})
    counter = _Counter(reporter, job.row_count)
    try:
        records = spec.records(access, thawed_query(job.query))
        header = spec.header(job.file_format)
        _write_file(partial, job.file_format, header, counter.count(spec.rows(records)), spec)
        final = f"{job.pk}-{uuid.uuid4().hex}{downloads.FORMATS[job.file_format][2]}"
        os.replace(partial, folder() / final)
    except progress.Cancelled:
        retention.remove_file(partial, "export")
        _finish(job, ExportState.CANCELLED, by=_asker(job.progress_key))
        logger.info("%s cancelled after %s rows; no file kept", job.reference, counter.done)
        return
    except Exception:
        retention.remove_file(partial, "export")
        _fail(job, ExportFailure.ERROR)
        raise
    job.stored_file = final
    job.row_count = counter.done
    job.size_bytes = (folder() / final).stat().st_size
    _finish(job, ExportState.DONE, by=None)
    logger.info("%s written: %s rows, %s bytes", job.reference, job.row_count, job.size_bytes)


class _Counter:
    """Counts the rows as the writer takes them, and reports them (which may cancel)."""

    def __init__(self, reporter: progress.Reporter, total: int) -> None:
        self.reporter = reporter
        self.total = total
        self.done = 0

    def count(self, rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
        for row in rows:
            yield row
            self.done += 1
            self.reporter("writing", self.done, max(self.total, self.done))


def _write_file(
    path: Path, fmt: str, header: list[str], rows: Iterable[Sequence[Any]], spec: Source
) -> None:
    """The file, written by the same writers as every download (formula cells neutralised)."""
    dialect = downloads.FORMATS[fmt][0]
    # Readable by the application's user only: the file may name the people who hold devices.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        if dialect is None:
            write_xlsx(handle, header, rows, sheet_name=spec.sheet_name)
        else:
            for chunk in downloads.csv_stream(header, rows, dialect):
                handle.write(chunk)
        handle.flush()
        os.fsync(handle.fileno())


def partial_path(job_id: int) -> Path:
    return folder() / f"export-{job_id}{PARTIAL_SUFFIX}"


def stored_path(job: ExportJob) -> Path | None:
    """The finished file, if the job has one (a stored name is never followed elsewhere)."""
    name = job.stored_file
    if not name or Path(name).name != name or name in {".", ".."}:
        return None
    path = folder() / name
    return path if path.is_file() else None


def _finish(job: ExportJob, state: str, *, by: Any) -> None:
    """Save the job's outcome (audited, attributed to ``by`` or the system)."""
    job.state = state
    job.finished_at = timezone.now()
    job.worker = ""
    with audit.acting_as(by):
        job.save()


def _fail(job: ExportJob, failure: str) -> None:
    job.failure = failure
    _finish(job, ExportState.FAILED, by=None)


def _asker(key: str) -> Any:
    """The person who asked to cancel the job (None: the system, or nobody known)."""
    asked = progress.cancel_requested(key) or {}
    user_id = asked.get("user")
    return get_user_model().objects.filter(pk=user_id).first() if user_id else None


def cancel(job: ExportJob, user: Any) -> bool:
    """Cancel ``job`` for ``user``: a queued one at once, a running one at its next report.

    Returns False when there is nothing to cancel (the job has its outcome already).
    """
    if job.state == ExportState.QUEUED:
        if _cancel_queued(job.pk, by=user):
            job.refresh_from_db()
            return True
        job.refresh_from_db()  # claimed by a worker meanwhile: ask it to stop
    if job.state == ExportState.RUNNING:
        progress.request_cancel(job.progress_key, getattr(user, "pk", None))
        return True
    return False


def _cancel_queued(job_id: int, *, by: Any) -> bool:
    """Mark a job no worker has claimed cancelled; False if one claimed it first."""
    changed = ExportJob.objects.filter(pk=job_id, state=ExportState.QUEUED).update(
        state=ExportState.CANCELLED, finished_at=timezone.now()
    )
    if changed:
        job = ExportJob.objects.get(pk=job_id)
        with audit.acting_as(by):
            audit.record(job, "update", {"state": [ExportState.QUEUED, ExportState.CANCELLED]})
    return bool(changed)


def status(job: ExportJob) -> dict[str, Any]:
    """Rows written of how many, rows per second: what the page polls and the API answers."""
    working = job.state in WORKING_STATES
    data = (progress.read(job.progress_key) or {}) if working else {}
    total = data.get("total") or job.row_count
    done = int(data.get("done") or 0) if working else job.row_count * (job.state == "done")
    return {
        "state": job.state,
        "state_label": str(job.get_state_display()),
        "finished": not working,
        "done": done,
        "total": total,
        "rows_per_second": data.get("rows_per_second"),
        "percent": min(100, round(100 * done / total)) if total else 0,
        "cancelling": working and progress.cancel_requested(job.progress_key) is not None,
    }


def reap(jobs: Iterable[ExportJob]) -> list[ExportJob]:
    """Mark failed every running job whose worker died, and remove its partial file."""
    dead = []
    for job in jobs:
        if job.state != ExportState.RUNNING or _is_alive(job):
            continue
        if ExportJob.objects.filter(pk=job.pk, state=ExportState.RUNNING).update(
            state=ExportState.FAILED,
            failure=ExportFailure.INTERRUPTED,
            finished_at=timezone.now(),
            worker="",
        ):
            job.refresh_from_db()
            with audit.acting_as(None):
                audit.record(job, "update", {"state": [ExportState.RUNNING, ExportState.FAILED]})
            retention.remove_file(partial_path(job.pk), "export")
            progress.clear(job.progress_key)
            progress.clear_cancel(job.progress_key)
            dead.append(job)
    return dead


def _is_alive(job: ExportJob) -> bool:
    verdict = liveness.lock_verdict(job.worker)
    if verdict is not None:
        return verdict
    data = progress.read(job.progress_key)
    last = max(float(data.get("at", 0)) if data else 0.0, job.created_at.timestamp())
    return time.time() - last <= progress.STALE_SECONDS


def may_download(job: ExportJob, user: Any) -> bool:
    """Only the asker, and only while their access still covers what the file holds."""
    if job.user_id is None or job.user_id != getattr(user, "pk", None):
        return False
    return covers(access_for(user), thawed_scope(job.scope))


def clean_exports(days: int | None = None, now: dt.datetime | None = None) -> tuple[int, int]:
    """Remove files older than the retention period, and partial files nobody writes.

    Returns (files of finished exports removed, partial files removed). The jobs stay,
    marked expired (audited, by the system).
    """
    days = settings.EXPORT_RETENTION_DAYS if days is None else days
    now = now or timezone.now()
    reap(ExportJob.objects.filter(state=ExportState.RUNNING))
    removed = 0
    old = ExportJob.objects.filter(
        state=ExportState.DONE, finished_at__lt=now - dt.timedelta(days=days)
    )
    for job in old:
        path = stored_path(job)
        if path is not None:
            retention.remove_file(path, "export")
        job.stored_file = ""
        job.state = ExportState.EXPIRED
        with audit.acting_as(None):
            job.save()
        removed += 1
    running = set(ExportJob.objects.filter(state=ExportState.RUNNING).values_list("pk", flat=True))
    partial = 0
    an_hour_ago = time.time() - 3600  # a file just created may belong to a job just claimed
    for path in folder().glob(f"export-*{PARTIAL_SUFFIX}"):
        number = path.name.removeprefix("export-").removesuffix(PARTIAL_SUFFIX)
        if number.isdigit() and int(number) in running:
            continue
        if path.lstat().st_mtime < an_hour_ago:
            retention.remove_file(path, "export")
            partial += 1
    return removed, partial


def scheduled_cleanup() -> str:
    """The periodic job (``kretslopp worker --with-schedule``)."""
    removed, partial = clean_exports()
    return f"{removed} export files removed, {partial} partial files"
