"""``kretslopp worker``: run background jobs (large imports, periodic work) until stopped.

With the database backend (the default, ``KRETSLOPP_TASKS_BACKEND=database``) this is
django-tasks' ``db_worker`` on the ``default`` queue; with ``KRETSLOPP_TASKS_BACKEND=rq`` it
is django-rq's ``rqworker`` on Redis (``KRETSLOPP_REDIS_URL``), so workers may run on other
hosts. ``--with-schedule`` also enqueues the registered periodic jobs when they are due
(:mod:`kretslopp.core.schedule`). It lowers its own CPU priority by
``KRETSLOPP_WORKER_NICENESS`` (default 10), so pages come before jobs on a shared host.
SIGTERM or Ctrl+C stops it after the current job; a worker killed outright leaves its import
job failed with nothing written (the job's lock dies with the process).

    kretslopp worker                    # run jobs as they come
    kretslopp worker --with-schedule    # and the cleanup, label warnings, reminders
    kretslopp worker --batch            # run what is queued, then exit
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from kretslopp.core import schedule

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run background jobs (large imports, and with --with-schedule the periodic ones)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--with-schedule",
            action="store_true",
            help="also enqueue the periodic jobs (upload cleanup, label warnings, reminders)",
        )
        parser.add_argument(
            "--batch", action="store_true", help="run the jobs queued now, then exit"
        )
        parser.add_argument("--max-tasks", type=int, default=None, help="exit after this many jobs")
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="seconds between looks at an empty queue (database backend; default 1)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        backend = settings.TASKS_BACKEND
        if backend == "immediate":
            raise CommandError(
                "KRETSLOPP_TASKS_BACKEND=immediate runs every job inside the request that "
                "starts it: there is nothing for a worker to do."
            )
        if options["with_schedule"]:
            schedule.enqueue_due()
            if not options["batch"]:
                threading.Thread(target=_schedule_loop, name="schedule", daemon=True).start()
        queue = settings.TASKS_QUEUE
        # Interactive requests first: on a host shared with the app, a 100,000-row import
        # would otherwise take a core from the pages for as long as it runs.
        niceness = os.nice(settings.WORKER_NICENESS) if settings.WORKER_NICENESS else os.nice(0)
        self.stdout.write(
            f"Kretslopp worker: {backend} backend, queue {queue!r}, niceness {niceness}"
        )
        if backend == "rq":
            call_command(
                "rqworker",
                queue,
                job_class="django_tasks_rq.Job",  # runs django-tasks' Task objects
                burst=options["batch"],
                max_jobs=options["max_tasks"],
                verbosity=options["verbosity"],
            )
            return
        call_command(
            "db_worker",
            queue_name=queue,
            interval=options["interval"],
            batch=options["batch"],
            max_tasks=options["max_tasks"],
            reload=False,
            startup_delay=False,
            verbosity=options["verbosity"],
        )


def _schedule_loop() -> None:
    """Look for due periodic jobs every minute, for as long as the worker runs."""
    while True:
        time.sleep(schedule.TICK_SECONDS)
        try:
            close_old_connections()
            schedule.enqueue_due()
        except Exception:  # the next tick tries again; the worker itself goes on
            logger.exception("enqueueing the periodic jobs failed")
