"""``kretslopp forum remind``: mail the forum's reminders (schedule it daily, e.g. with cron).

    kretslopp forum remind                 # mail everyone their overdue and silent items
    kretslopp forum remind --dry-run       # list what would be mailed, send nothing
    kretslopp forum remind --forum 1 --date 2026-03-01

Without a configured mail server (``KRETSLOPP_EMAIL_HOST``) it lists and sends nothing.
Exit status 0 when it ran (whatever it found), 1 when a mail could not be sent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--date: not a date (YYYY-MM-DD): {text!r}") from error


class Command(BaseCommand):
    help = "Sustainability forum tasks: 'remind' mails overdue and silent measures and tasks."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        remind = sub.add_parser(
            "remind", help="mail each responsible person (else the chair) their reminders"
        )
        remind.add_argument("--date", type=_day, help="as on this day (default: today)")
        remind.add_argument("--forum", type=int, help="only this forum (its number)")
        remind.add_argument("--dry-run", action="store_true", help="list, send nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        from kretslopp.forum import remindmail

        on, forum_id = options.get("date"), options.get("forum")
        for text in remindmail.grouped_listing(on, forum_id):
            self.stdout.write(text)
        outcome = remindmail.run(on=on, forum_id=forum_id, send=not options["dry_run"])
        if options["dry_run"]:
            self.stdout.write(f"{outcome.reminders} reminder(s); dry run, nothing mailed.")
            return
        if not outcome.mail_configured:
            self.stdout.write(
                f"{outcome.reminders} reminder(s); no mail server configured "
                "(KRETSLOPP_EMAIL_HOST), nothing mailed."
            )
            return
        self.stdout.write(
            f"{outcome.reminders} reminder(s); {len(outcome.mailed)} mail(s) sent, "
            f"{len(outcome.unreachable)} without an address in the chain."
        )
        if outcome.failed:
            raise CommandError("not mailed to: " + ", ".join(outcome.failed), returncode=1)
