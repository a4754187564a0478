"""Removing uploaded import files once nobody needs them: they may hold personal data.

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

The jobs themselves stay: they are the record of what was imported, by whom, with which
problems. Each file removed for a job is an entry in that job's audit trail, attributed to
the system. Nothing outside the upload folder is ever touched: a stored name that is not a
plain file name in that folder is forgotten, never followed.

``kretslopp cleanup_imports`` runs it (from cron), and so does a web upload at most once an
hour (:func:`clean_uploads_hourly`), so an installation without cron cleans up too.
"""

from __future__ import annotations

import logging
import os
import stat
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kretslopp.core import audit
from kretslopp.imports import progress
from kretslopp.imports.models import ImportJob, JobState

logger = logging.getLogger(__name__)

#: The outcome is recorded on the job; nothing can be done with its file any more.
FINISHED_STATES = (JobState.DONE, JobState.REJECTED, JobState.UNREADABLE, JobState.FAILED)
#: A file no job points at is younger than this while its upload is still being stored.
ORPHAN_MIN_AGE = timedelta(hours=1)
#: A web upload runs the cleanup at most this often (across all processes, via the cache).
WEB_INTERVAL_SECONDS = 60 * 60
WEB_CACHE_KEY = "kretslopp:imports:upload-cleanup"
#: Kept in ``ImportJob.file_info`` when a waiting job's file is removed, for the preview page.
REMOVED_AFTER_DAYS = "removed_after_days"


@dataclass
class Cleanup:
    """What one cleanup removed (or, in a dry run, would remove)."""

    days: int
    dry_run: bool
    jobs: list[ImportJob] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.jobs) + len(self.orphans)


def clean_uploads(days: int | None = None, *, dry_run: bool = False) -> Cleanup:
    """Remove the upload files no job needs any more; ``days`` overrides the setting."""
    days = settings.IMPORT_UPLOAD_RETENTION_DAYS if days is None else days
    if days < 0:
        raise ValueError("the retention period cannot be negative")
    now = timezone.now()
    cutoff = now - timedelta(days=days)
    folder = progress.folder()
    result = Cleanup(days=days, dry_run=dry_run)
    with audit.acting_as(None):  # the system removes them, not whoever's upload triggered it
        for job in _jobs_done_with_their_file(cutoff):
            if dry_run or _remove_job_file(job, folder, days):
                result.jobs.append(job)
    result.orphans = _orphans(folder, min(cutoff, now - ORPHAN_MIN_AGE))
    if not dry_run:
        for name in result.orphans:
            _unlink(folder / name)
        if result.count:
            logger.info(
                "removed %d uploaded import files (%d of jobs, %d orphans; retention %d days)",
                result.count,
                len(result.jobs),
                len(result.orphans),
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


def _jobs_done_with_their_file(cutoff: datetime) -> list[ImportJob]:
    waiting = Q(state__in=[JobState.PREVIEWED, JobState.RUNNING], created_at__lt=cutoff)
    jobs = (
        ImportJob.objects.exclude(stored_file="")
        .filter(Q(state__in=FINISHED_STATES) | waiting)
        .only("pk", "file_name", "stored_file", "state", "created_at", "file_info")
        .order_by("pk")
    )
    # A run still reporting progress keeps its file, however long ago it was uploaded.
    return [
        job
        for job in jobs
        if job.state != JobState.RUNNING or progress.is_stale(progress.read(job.pk))
    ]


def _remove_job_file(job: ImportJob, folder: Path, days: int) -> bool:
    """Forget the job's file and delete it; False if the job changed meanwhile."""
    info = job.file_info
    if job.state not in FINISHED_STATES:
        info = {**info, REMOVED_AFTER_DAYS: days}
    with transaction.atomic():
        # Only if still in the state seen: a preview confirmed meanwhile keeps its file.
        forgotten = ImportJob.objects.filter(
            pk=job.pk, state=job.state, stored_file=job.stored_file
        ).update(stored_file="", file_info=info)
        if not forgotten:
            return False
        audit.record(job, "update", {"stored_file": [job.stored_file, ""]})
    path = _inside(folder, job.stored_file)
    if path is None:
        logger.warning(
            "%s pointed outside the upload folder (%r): forgotten, left alone",
            job.reference,
            job.stored_file,
        )
    else:
        _unlink(path)  # if this fails, the orphan sweep removes it later
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
    limit = older_than.timestamp()
    names = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name in referenced or not entry.is_file(follow_symlinks=False):
                continue
            if entry.stat(follow_symlinks=False).st_mtime < limit:
                names.append(entry.name)
    return sorted(names)


def _unlink(path: Path) -> None:
    """Delete ``path`` if it is a regular file (a symbolic link is not ours to follow)."""
    try:
        if stat.S_ISREG(path.lstat().st_mode):
            path.unlink()
    except FileNotFoundError:
        pass
    except OSError as error:
        logger.warning("could not remove the upload %s: %s", path, error)
