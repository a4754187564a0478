"""Large imports as background jobs, run by ``kretslopp worker`` (Django's Tasks API).

A file above ``IMPORT_JOB_BYTES`` (or a checked file above ``IMPORT_JOB_ROWS`` rows) is not
checked or imported inside the web request or API call that brought it: behind an HTTPS
proxy that cuts requests off after a minute, a 100,000-row file would never finish. The
request keeps the file, leaves its :class:`~kretslopp.imports.models.ImportJob` ``queued``
and enqueues :func:`work` on the configured task backend (the database by default, RQ on
Redis when configured; see ``TASKS`` in the settings). It answers at once; the job's page
(or ``GET /imports/jobs/{id}`` on the API) follows the progress the worker writes.

The worker does exactly what the request would have done (:mod:`kretslopp.imports.runs`),
so everything else stays as it is:

* all or nothing — the import is one transaction;
* a worker that dies is noticed: it holds the job's lock (:mod:`kretslopp.imports.liveness`)
  from claiming the job until its outcome is saved, and whoever looks next marks the job
  failed with its reason, while the database has rolled the unfinished transaction back;
* a job can be cancelled: a queued one is marked cancelled and never starts; a running one
  sees the request at its next progress report, raises, and its transaction rolls back.
  Either way the cancellation is audited, by whoever asked.

The command line still runs imports in the foreground (``kretslopp import``).
"""

from __future__ import annotations

import enum
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from kretslopp.core import audit
from kretslopp.imports import liveness, progress, runs
from kretslopp.imports.models import Failure, ImportJob, JobState, SavedMapping
from kretslopp.imports.pipeline import InvalidOptions
from kretslopp.organisation.access import access_for

logger = logging.getLogger(__name__)


#: A job in these states has no outcome yet: its page follows it and offers to cancel it.
WORKING_STATES = (JobState.QUEUED, *liveness.ACTIVE_STATES)


def status(job: ImportJob) -> dict[str, Any]:
    """Where the job is: its state, rows done of how many, rows per second, errors so far.

    What the job's page shows and polls, and what ``GET /imports/jobs/{id}`` answers.
    ``percent`` counts checking the rows as the first half of an import and writing them
    as the second (a check alone is that first half too: it stays a preview).
    """
    data = (progress.read(job.pk) or {}) if job.state in WORKING_STATES else {}
    done, total = int(data.get("done") or 0), data.get("total")
    share = min(100, round(100 * done / total)) if total else 0
    percent = 50 + share // 2 if data.get("phase") == "writing" else share // 2
    return {
        "state": job.state,
        "state_label": str(job.get_state_display()),
        "finished": job.state not in WORKING_STATES,
        "phase": data.get("phase", ""),
        "done": done,
        "total": total,
        "errors": int(data.get("errors") or 0) or job.problem_count,
        "rows_per_second": data.get("rows_per_second"),
        "percent": percent,
        "cancelling": job.state in WORKING_STATES and progress.cancel_requested(job.pk) is not None,
    }


class Step(enum.StrEnum):
    """What the worker does with a queued job."""

    CHECK = "check"  # a web upload: check the whole file, keep the preview
    IMPORT = "import"  # a checked web upload, confirmed: import it
    FILE = "file"  # an API upload: map automatically (or by a saved mapping), run, record


@task(queue_name=settings.TASKS_QUEUE)
def work(job_id: int, step: str, mapping: str = "", dry_run: bool = False) -> str:
    """The task the worker runs for a queued import job; returns the job's state."""
    return work_on(job_id, Step(step), mapping=mapping, dry_run=dry_run)


def enqueue(job: ImportJob, step: Step, *, mapping: str = "", dry_run: bool = False) -> None:
    """Hand the ``queued`` job to the task backend for ``step``."""
    result = work.enqueue(job.pk, str(step), mapping=mapping, dry_run=dry_run)
    logger.info("%s queued as task %s (%s)", job.reference, result.id, step)


def queue_for_import(job: ImportJob) -> bool:
    """Claim a checked job for a background import (False: it was claimed already)."""
    claimable = ImportJob.objects.filter(pk=job.pk, state=JobState.PREVIEWED).exclude(
        stored_file=""
    )
    if not claimable.update(state=JobState.QUEUED):
        return False
    job.state = JobState.QUEUED
    enqueue(job, Step.IMPORT)
    return True


def work_on(job_id: int, step: Step, *, mapping: str = "", dry_run: bool = False) -> str:
    """Claim the queued job under a lock held by this process, and run ``step`` on it."""
    with liveness.Worker() as worker:
        if progress.cancel_requested(job_id) is not None:
            _cancel_queued(job_id, by=_asker(job_id))
            progress.clear_cancel(job_id)
            return JobState.CANCELLED
        checking = step is Step.CHECK or (step is Step.FILE and dry_run)
        state = JobState.CHECKING if checking else JobState.RUNNING
        queued = ImportJob.objects.filter(pk=job_id, state=JobState.QUEUED)
        if not queued.update(state=state, worker=worker.token):
            return "not queued"  # cancelled before it started, or already worked on
        job = ImportJob.objects.select_related("user").get(pk=job_id)
        try:
            _run_step(job, step, mapping=mapping, dry_run=dry_run)
        finally:
            progress.clear(job_id)
            progress.clear_cancel(job_id)
        return job.state


def _run_step(job: ImportJob, step: Step, *, mapping: str, dry_run: bool) -> None:
    user = job.user
    access = access_for(user)
    reporter = progress.Reporter(job.pk, cancellable=True)
    progress.write(job.pk, {"phase": "starting", "done": 0, "total": job.summary.get("rows")})
    saved = SavedMapping.objects.filter(name=mapping).first() if mapping else None
    try:
        with audit.acting_as(user):
            if step is Step.CHECK:
                runs.preview(job, access, user, saved=saved, progress=reporter)
            elif step is Step.IMPORT:
                runs.import_stored(job, access, user, reporter)
            else:
                runs.run_stored_file(job, access, dry_run=dry_run, saved=saved, progress=reporter)
    except progress.Cancelled:
        _cancel_running(job, by=_asker(job.pk))
    except (PermissionDenied, InvalidOptions, KeyError):
        # Its starter lost the right meanwhile, or what it imported into is gone.
        runs.mark_failed(job, Failure.NOT_ALLOWED)
        runs.discard_file(job)
    except Exception:
        job.refresh_from_db(fields=["state"])
        if job.state in liveness.ACTIVE_STATES:
            runs.mark_failed(job, Failure.ERROR)
        raise


def _asker(job_id: int) -> Any:
    """The person who asked to cancel the job (None: the system, or nobody known)."""
    asked = progress.cancel_requested(job_id) or {}
    user_id = asked.get("user")
    return get_user_model().objects.filter(pk=user_id).first() if user_id else None


def cancel(job: ImportJob, user: Any) -> bool:
    """Cancel ``job`` for ``user``: a queued job at once, a running one at its next batch.

    Returns False when there is nothing to cancel (the job already has its outcome, or is
    a preview waiting for its confirmation).
    """
    if job.state == JobState.QUEUED:
        if _cancel_queued(job.pk, by=user):
            job.refresh_from_db()
            return True
        job.refresh_from_db()  # claimed by a worker meanwhile: ask it to stop
    if job.state in liveness.ACTIVE_STATES:
        # A file, not a database write: on SQLite the running import holds the write lock.
        progress.request_cancel(job.pk, getattr(user, "pk", None))
        return True
    return False


def _cancel_queued(job_id: int, *, by: Any) -> bool:
    """Mark a job that no worker has claimed cancelled; False if one claimed it first."""
    with transaction.atomic(), audit.acting_as(by):
        changed = ImportJob.objects.filter(pk=job_id, state=JobState.QUEUED).update(
            state=JobState.CANCELLED, finished_at=timezone.now(), worker=""
        )
        job = ImportJob.objects.get(pk=job_id)
        if changed:
            audit.record(job, "update", {"state": [JobState.QUEUED, JobState.CANCELLED]})
    if changed:
        runs.discard_file(job)
    return bool(changed)


def _cancel_running(job: ImportJob, *, by: Any) -> None:
    """The worker stopped the job on request; its transaction has rolled back."""
    before = job.state
    with transaction.atomic(), audit.acting_as(by), audit.batch(job.audit_batch):
        ImportJob.objects.filter(pk=job.pk).update(
            state=JobState.CANCELLED, finished_at=timezone.now(), worker=""
        )
        audit.record(job, "update", {"state": [before, JobState.CANCELLED]})
    job.refresh_from_db()
    runs.discard_file(job)
    logger.info("%s cancelled while %s; nothing was imported", job.reference, before)
