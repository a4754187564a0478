"""Periodic work as background jobs: the upload cleanup, label warnings, reminders.

Apps register :class:`~kretslopp.core.registry.PeriodicJob` entries in their ``ready()``.
``kretslopp worker --with-schedule`` (one such worker is enough; more do no harm) calls
:func:`enqueue_due` every minute: each job whose last start is older than its interval is
claimed in the database (:class:`~kretslopp.core.models.ScheduledRun`, a conditional
update, so two schedulers never both enqueue it) and enqueued as :func:`run_periodic` on
the task backend, where any worker runs it. The outcome is kept on the same row, which
``kretslopp schedule`` lists. Without a scheduling worker, the same work can still be run
from cron with the apps' own commands (``cleanup_imports``, ``forum remind``…).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from kretslopp.core.models import ScheduledRun
from kretslopp.core.registry import registry

logger = logging.getLogger(__name__)

#: How often a scheduling worker looks for due jobs.
TICK_SECONDS = 60


def enqueue_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every registered periodic job that is due; returns their names."""
    now = now or timezone.now()
    enqueued = []
    for name, job in registry.periodic_jobs.items():
        if _claim(name, now, dt.timedelta(seconds=job.every_seconds)):
            run_periodic.enqueue(name)
            enqueued.append(name)
    return enqueued


def _claim(name: str, now: dt.datetime, every: dt.timedelta) -> bool:
    """Move the job's last start to ``now`` if it is due; False if it is not (or another
    scheduler just did)."""
    row = ScheduledRun.objects.filter(name=name).first()
    if row is None:
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(name=name, started_at=now)
            return True
        except IntegrityError:
            return False  # another scheduler created it first
    if row.started_at is not None and now - row.started_at < every:
        return False
    moved = ScheduledRun.objects.filter(pk=row.pk, started_at=row.started_at).update(started_at=now)
    return bool(moved)


@task(queue_name=settings.TASKS_QUEUE)
def run_periodic(name: str) -> str:
    """Run the periodic job ``name`` and keep its outcome (a failure is kept, then raised)."""
    job = registry.periodic_jobs[name]
    try:
        outcome = job.run()
    except Exception as error:
        _finish(name, succeeded=False, outcome=f"{type(error).__name__}: {error}")
        raise
    _finish(name, succeeded=True, outcome=outcome)
    return outcome


def _finish(name: str, *, succeeded: bool, outcome: str) -> None:
    ScheduledRun.objects.update_or_create(
        name=name,
        defaults={"finished_at": timezone.now(), "succeeded": succeeded, "outcome": outcome},
    )
    log = logger.info if succeeded else logger.error
    log("periodic job %s: %s", name, outcome)
