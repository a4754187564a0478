"""Removing uploaded import files, and the jobs' copies of their content, once not needed.

A web upload is kept under ``MEDIA_ROOT/imports/`` only so that its user can correct the
column mapping and confirm the preview. The file may hold personal data (assignees' user
names and e-mail addresses), so it must not outlive that purpose. :func:`clean_uploads`
removes

* the file of every finished job (imported, rejected, unreadable, failed) at once: the
  outcome and its problems are recorded on the job, and such a job cannot be confirmed;
* the file of a preview nobody confirmed within ``IMPORT_UPLOAD_RETENTION_DAYS`` of the
  upload, and of a run that died as long ago (still "importing", no progress any more);
* files in the folder no job points at (an upload whose job was never created, a progress
  file left by a killed process) once they are that old, and at least an hour old.

The job keeps copies of the file's content too, and they go the same way:

* its preview rows (the first rows of the file, as read) together with the file: only the
  preview page shows them, and only so that the mapping can be checked before confirming;
* the cell value of each of its problems (and that value where the problem's message
  quotes it, replaced by "…"), which may be an assignee's user name or e-mail address.
  These are what the error report is for: finding and correcting the cells of one's own
  file before uploading it again. That is worth doing as long as an unconfirmed preview
  is kept, so the values are kept as long, counted from the job's end: for a finished job
  from when it finished (from its start if it recorded no end, as a run that broke off with
  an error does not), for an expired preview or a dead run at once, as its period has
  passed with its upload.
  After that the row and column still locate every problem in the user's own copy of the
  file, and the pages and the error report say that the values were removed, and when.

The jobs themselves stay: they are the record of what was imported, by whom, when, with
which outcome and which problems (row, column, code and message). A cleanup that removes
anything of a job writes one entry in its audit trail, attributed to the system, naming
what went: the file by its stored name, the preview rows and cell values by their number,
never their content. Nothing outside the upload folder is ever touched: a stored name that is not a
plain file name in that folder is forgotten, never followed.

``kretslopp cleanup_imports`` runs it (from cron), and so does a web upload at most once an
hour (:func:`clean_uploads_hourly`), so an installation without cron cleans up too.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kretslopp.core import audit
from kretslopp.imports import liveness, progress
from kretslopp.imports.models import ImportJob, JobState

logger = logging.getLogger(__name__)

#: The outcome is recorded on the job; nothing can be done with its file any more.
FINISHED_STATES = (
    JobState.DONE,
    JobState.REJECTED,
    JobState.UNREADABLE,
    JobState.FAILED,
    JobState.CANCELLED,
)
#: Waiting for their user (a preview) or for their run to finish.
WAITING_STATES = (JobState.PREVIEWED, JobState.CHECKING, JobState.RUNNING)
#: A file no job points at is younger than this while its upload is still being stored.
ORPHAN_MIN_AGE = timedelta(hours=1)
#: A web upload runs the cleanup at most this often (across all processes, via the cache).
WEB_INTERVAL_SECONDS = 60 * 60
WEB_CACHE_KEY = "kretslopp:imports:upload-cleanup"
#: Kept in ``ImportJob.file_info`` when a waiting job's file is removed, for the preview page.
REMOVED_AFTER_DAYS = "removed_after_days"
#: Kept in ``ImportJob.file_info`` once the problems' cell values are removed, for the pages.
VALUES_REMOVED_AFTER_DAYS = "values_removed_after_days"
#: Stands where a problem's message quoted the cell value that was removed.
REMOVED_VALUE = "…"
#: Jobs loaded at a time (their problems can be long).
BATCH = 100


@dataclass
class Cleanup:
    """What one cleanup removed (or, in a dry run, would remove).

    ``jobs`` are the jobs whose file went, ``orphans`` the files no job pointed at (together
    :attr:`count`, the files); ``contents`` the jobs whose copies of their file's content
    (preview rows, problems' cell values) went, with or without their file.
    """

    days: int
    dry_run: bool
    jobs: list[ImportJob] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    contents: list[ImportJob] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.jobs) + len(self.orphans)


@dataclass
class _Removal:
    """What one job keeps that it needs no more."""

    file: bool
    preview_rows: int
    values_due: bool  # the problems' cell values have outlived their period
    problems: list[dict[str, Any]]  # the problems without their values, if due
    values: int  # how many cell values that removes

    @property
    def changes_content(self) -> bool:
        return bool(self.preview_rows or self.values)

    @property
    def anything(self) -> bool:
        return self.file or self.changes_content or self.values_due


def clean_uploads(days: int | None = None, *, dry_run: bool = False) -> Cleanup:
    """Remove what no job needs any more (see the module); ``days`` overrides the setting."""
    days = settings.IMPORT_UPLOAD_RETENTION_DAYS if days is None else days
    if days < 0:
        raise ValueError("the retention period cannot be negative")
    now = timezone.now()
    cutoff = now - timedelta(days=days)
    folder = progress.folder()
    result = Cleanup(days=days, dry_run=dry_run)
    if not dry_run:
        liveness.reap_all()  # a job whose process died is finished: its file may go
    # The system removes them, not whoever's upload triggered it: a batch of its own.
    with audit.acting_as(None), audit.batch(audit.new_batch(audit.SYSTEM_BATCH)):
        for job in _jobs_keeping_too_much(cutoff):
            removal = _removal(job, cutoff)
            if not removal.anything:
                continue
            if not dry_run and not _remove(job, removal, folder, days):
                continue
            if removal.file:
                result.jobs.append(job)
            if removal.changes_content:
                result.contents.append(job)
    result.orphans = _orphans(folder, min(cutoff, now - ORPHAN_MIN_AGE))
    if not dry_run:
        for name in result.orphans:
            remove_file(folder / name)
        if result.count:
            logger.info(
                "removed %d uploaded import files (%d of jobs, %d orphans; retention %d days)",
                result.count,
                len(result.jobs),
                len(result.orphans),
                days,
            )
        if result.contents:
            logger.info(
                "removed the preview rows or problems' cell values of %d import jobs "
                "(retention %d days)",
                len(result.contents),
                days,
            )
    return result


def clean_uploads_hourly() -> None:
    """Clean up after a web upload, at most once an hour, never failing the upload."""
    try:
        if cache.add(WEB_CACHE_KEY, True, WEB_INTERVAL_SECONDS):
            clean_uploads()
    except Exception:  # the upload itself succeeded; the cleanup is tried again in an hour
        logger.exception("cleaning up old import uploads failed")


def expired_days(job: ImportJob) -> int | None:
    """After how many days a waiting job's file was removed; None if it was not."""
    if job.stored_file:
        return None
    return job.file_info.get(REMOVED_AFTER_DAYS)


def values_removed_days(job: ImportJob) -> int | None:
    """After how many days the cell values of the job's problems were removed; None: not."""
    return job.file_info.get(VALUES_REMOVED_AFTER_DAYS)


def _jobs_keeping_too_much(cutoff: datetime) -> list[ImportJob]:
    """Jobs done with their file that may still keep it, or copies of its content."""
    finished = Q(state__in=FINISHED_STATES)
    waiting = Q(state__in=WAITING_STATES, created_at__lt=cutoff)
    ended_long_ago = Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff)
    values_due = (
        (waiting | (finished & ended_long_ago))
        & ~Q(problems=[])
        & ~Q(file_info__has_key=VALUES_REMOVED_AFTER_DAYS)
    )
    keeping = ~Q(stored_file="") | ~Q(preview_rows=[]) | values_due
    pks = list(
        ImportJob.objects.filter(finished | waiting)
        .filter(keeping)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    fields = (
        "pk", "file_name", "stored_file", "state", "created_at", "finished_at", "file_info",
        "preview_rows", "problems", "worker",
    )  # fmt: skip
    jobs = []
    for start in range(0, len(pks), BATCH):
        batch = ImportJob.objects.filter(pk__in=pks[start : start + BATCH]).only(*fields)
        # A job still being worked on keeps its file, however long ago it was uploaded.
        jobs.extend(
            job
            for job in batch.order_by("pk")
            if job.state not in liveness.ACTIVE_STATES or not liveness.is_alive(job)
        )
    return jobs


def _removal(job: ImportJob, cutoff: datetime) -> _Removal:
    """What of ``job`` goes now (it is done with its file: see the query above)."""
    # An expired preview or a dead run has outlived its period with its upload.
    ended = job.created_at
    if job.state in FINISHED_STATES and job.finished_at:
        ended = job.finished_at
    values_due = (
        bool(job.problems) and VALUES_REMOVED_AFTER_DAYS not in job.file_info and ended < cutoff
    )
    problems, values = _without_values(job.problems) if values_due else (job.problems, 0)
    return _Removal(
        file=bool(job.stored_file),
        preview_rows=len(job.preview_rows),
        values_due=values_due,
        problems=problems,
        values=values,
    )


def _without_values(problems: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """The problems with their cell values blanked, and how many values that blanked."""
    kept, removed = [], 0
    for problem in problems:
        value = str(problem.get("value") or "")
        if value:
            removed += 1
            message = _unquoted(str(problem.get("message") or ""), value)
            problem = {**problem, "value": "", "message": message}
        kept.append(problem)
    return kept, removed


def _unquoted(message: str, value: str) -> str:
    """``message`` with ``value`` (where it stands on its own, as quoted) replaced by "…"."""
    if not re.search(r"\w", value):  # punctuation alone: it could stand for the wording's own
        return message
    return re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", REMOVED_VALUE, message)


def _remove(job: ImportJob, removal: _Removal, folder: Path, days: int) -> bool:
    """Forget what the job needs no more and delete its file; False if it changed meanwhile."""
    info = dict(job.file_info)
    fields: dict[str, Any] = {}
    changes: dict[str, list] = {}
    if removal.file:
        if job.state not in FINISHED_STATES:
            info[REMOVED_AFTER_DAYS] = days
        fields["stored_file"] = ""
        changes["stored_file"] = [job.stored_file, ""]
    if removal.preview_rows:
        fields["preview_rows"] = []
        changes["preview_rows"] = [str(removal.preview_rows), "0"]
    if removal.values_due:
        # Noted even where no problem had a value, so that the job is not looked at again.
        info[VALUES_REMOVED_AFTER_DAYS] = days
        fields["problems"] = removal.problems
        if removal.values:
            changes["problem_values"] = [str(removal.values), "0"]
    with transaction.atomic():
        # Only if still in the state seen: a preview confirmed meanwhile keeps its file.
        forgotten = ImportJob.objects.filter(
            pk=job.pk, state=job.state, stored_file=job.stored_file
        ).update(file_info=info, **fields)
        if not forgotten:
            return False
        if changes:  # nothing of the file's content was there: nothing to account for
            audit.record(job, "update", changes)
    if removal.file:
        path = _inside(folder, job.stored_file)
        if path is None:
            logger.warning(
                "%s pointed outside the upload folder (%r): forgotten, left alone",
                job.reference,
                job.stored_file,
            )
        else:
            remove_file(path)  # if this fails, the orphan sweep removes it later
    return True


def _inside(folder: Path, name: str) -> Path | None:
    """``folder/name`` if ``name`` is a plain file name, else None."""
    if not name or name in {".", ".."} or Path(name).name != name or os.sep in name:
        return None
    return folder / name


def _orphans(folder: Path, older_than: datetime) -> list[str]:
    """Regular files directly in ``folder`` that no job points at, not touched since then."""
    referenced = set(
        ImportJob.objects.exclude(stored_file="").values_list("stored_file", flat=True)
    )
    # The lock of a process still working on a job, however long it has been working.
    workers = ImportJob.objects.filter(state__in=liveness.ACTIVE_STATES).exclude(worker="")
    referenced |= liveness.lock_names(workers.values_list("worker", flat=True))
    limit = older_than.timestamp()
    names = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name in referenced or not entry.is_file(follow_symlinks=False):
                continue
            if entry.stat(follow_symlinks=False).st_mtime < limit:
                names.append(entry.name)
    return sorted(names)


def remove_file(path: Path, kind: str = "upload") -> None:
    """Delete ``path`` if it is a regular file (a symbolic link is not ours to follow); a
    file already gone is fine, one that cannot be removed is logged as ``kind``."""
    try:
        if stat.S_ISREG(path.lstat().st_mode):
            path.unlink()
    except FileNotFoundError:
        pass
    except OSError as error:
        logger.warning("could not remove the %s %s: %s", kind, path, error)


def scheduled_cleanup() -> str:
    """The periodic job (``kretslopp worker --with-schedule``): what ``cleanup_imports`` does."""
    result = clean_uploads()
    return (
        f"{result.count} uploaded files removed ({len(result.orphans)} orphans), "
        f"content removed from {len(result.contents)} jobs"
    )
