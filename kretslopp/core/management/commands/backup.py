"""``kretslopp backup [--output PATH]``: a consistent copy of the whole database.

Safe while the application runs. Written to ``var/backups/`` unless told otherwise, and
checked before it gets its final name, so a file with the backup's name is a whole backup.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kretslopp.core import backup


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup or pg_dump), checked before it is kept."
    # A domain command starts at once: the system checks are `kretslopp check`'s job.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="The backup file to write (default: var/backups/kretslopp-<time>.<engine>).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = options["output"] or backup.default_path(settings.VAR_DIR / "backups")
            made = backup.make(path)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up the {made.engine} database to {made.path} "
            f"({made.size_bytes / 1e6:,.1f} MB). Restore with: kretslopp restore {made.path}"
        )
