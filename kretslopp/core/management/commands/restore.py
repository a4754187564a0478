"""``kretslopp restore PATH [--yes]``: bring the database back to a backup, all or nothing.

Everything written since the backup is replaced. Stop the application first; the restore
asks for confirmation unless ``--yes`` is given, migrates the schema forward afterwards (a
backup from an earlier version), and records itself in the audit trail.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from kretslopp.core import audit, backup


class Command(BaseCommand):
    help = "Replace the database's content with a backup made by 'kretslopp backup'."
    # A domain command starts at once: the system checks are `kretslopp check`'s job.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file.")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask; replace the current data."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not options["yes"]:
            answer = input(
                f"Replace ALL current data with the backup {path}? Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was restored.")
        try:
            restored = backup.restore(path)
        except backup.BackupError as error:
            raise CommandError(f"{error} Nothing was restored.") from error
        call_command("migrate", interactive=False, verbosity=0)
        # Looked up by label: core sits below the organisation app and imports none of it.
        organisation_model = apps.get_model("organisation", "Organisation")
        organisation = organisation_model.objects.order_by("pk").first()
        if organisation is not None:
            audit.record(organisation, "update", {"restored_from_backup": [None, path.name]})
        self.stdout.write(f"Restored the {restored.engine} database from {restored.path}.")
