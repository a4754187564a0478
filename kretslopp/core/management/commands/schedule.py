"""``kretslopp schedule``: the periodic jobs, when each last ran and how it ended.

``--enqueue`` enqueues those that are due now (what ``kretslopp worker --with-schedule``
does every minute), for an installation that prefers cron to a scheduling worker.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kretslopp.core import schedule
from kretslopp.core.models import ScheduledRun
from kretslopp.core.registry import registry


class Command(BaseCommand):
    help = "List the periodic jobs and their last runs; --enqueue those that are due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="enqueue the due jobs now")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            for name in schedule.enqueue_due():
                self.stdout.write(f"enqueued {name}")
        runs = {row.name: row for row in ScheduledRun.objects.all()}
        for name, job in registry.periodic_jobs.items():
            row = runs.get(name)
            hours = job.every_seconds / 3600
            last = "never"
            if row is not None and row.started_at is not None:
                ended = {True: "ok", False: "FAILED", None: "running"}[row.succeeded]
                last = f"started {row.started_at:%Y-%m-%d %H:%M} UTC, {ended}: {row.outcome}"
            self.stdout.write(f"{name} (every {hours:g} h): {last}")
