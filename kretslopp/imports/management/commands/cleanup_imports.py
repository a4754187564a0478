"""``kretslopp cleanup_imports [--dry-run] [--days N]``: remove upload files nobody needs.

Meant for a daily cron job; see :mod:`kretslopp.imports.retention` for what is removed and
why. Web uploads run the same cleanup at most once an hour, so the command is optional.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kretslopp.imports import retention


class Command(BaseCommand):
    help = (
        "Remove uploaded import files that are no longer needed: those of finished imports, "
        "and previews not confirmed within the retention period. The imports' records stay."
    )
    # A domain command starts at once: the system checks are `kretslopp check`'s job.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be removed, remove nothing"
        )
        parser.add_argument(
            "--days",
            type=int,
            metavar="N",
            help="keep unconfirmed previews for N days (default: "
            f"KRETSLOPP_IMPORT_UPLOAD_RETENTION_DAYS, now {settings.IMPORT_UPLOAD_RETENTION_DAYS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is not None and days < 0:
            raise CommandError("--days cannot be negative")
        result = retention.clean_uploads(days, dry_run=options["dry_run"])
        verb = "Would remove" if result.dry_run else "Removed"
        self._files(result, verb)
        self._contents(result, verb)
        if result.dry_run:
            self.stdout.write("Dry run: nothing was removed.")

    def _files(self, result: retention.Cleanup, verb: str) -> None:
        if not result.count:
            self.stdout.write(
                f"No uploaded import files to remove (unconfirmed previews are kept "
                f"{result.days} days)."
            )
            return
        self.stdout.write(
            f"{verb} {result.count} uploaded import file{'s' if result.count != 1 else ''} "
            f"({len(result.jobs)} of imports, {len(result.orphans)} that no import points at; "
            f"unconfirmed previews are kept {result.days} days)."
        )
        for job in result.jobs:
            uploaded = timezone.localtime(job.created_at).strftime("%Y-%m-%d %H:%M")
            self.stdout.write(
                f"  {job.reference}: {job.file_name} ({job.state}, uploaded {uploaded})"
            )
        for name in result.orphans:
            self.stdout.write(f"  no import: {name}")

    def _contents(self, result: retention.Cleanup, verb: str) -> None:
        """The imports whose copies of their file's content (preview rows, cell values) go."""
        if not result.contents:
            return
        count = len(result.contents)
        self.stdout.write(
            f"{verb} the copied file content (preview rows, cell values in problems) of "
            f"{count} import{'s' if count != 1 else ''}:"
        )
        for job in result.contents:
            self.stdout.write(f"  {job.reference}: {job.file_name} ({job.state})")
