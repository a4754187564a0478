"""``kretslopp procurement_labels``: certificates lapsing during active contracts.

For a scheduler (cron, a systemd timer): prints one line per warning, or JSON with
``--json``; with ``--fail-if-any`` it exits with status 1 when there is a warning, so the
scheduler's mail on failure is the alert. Judged with an administrator's reach.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kretslopp.organisation.access import Access
from kretslopp.organisation.models import Role
from kretslopp.procurement import labels


class Command(BaseCommand):
    help = "List models under active contracts whose label certificate lapses before the end."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--on", help="Judge as on this date (YYYY-MM-DD); default today.")
        parser.add_argument("--json", action="store_true", help="Print JSON.")
        parser.add_argument(
            "--fail-if-any", action="store_true", help="Exit with status 1 if there is a warning."
        )

    def handle(self, *args, **options) -> None:
        try:
            today = dt.date.fromisoformat(options["on"]) if options["on"] else None
        except ValueError:
            raise CommandError(f"--on {options['on']!r} is not a date YYYY-MM-DD") from None
        today = today or timezone.localdate()
        access = Access(role=Role.ADMINISTRATOR, department_ids=None)
        found = labels.warnings(access, today)
        if options["json"]:
            self.stdout.write(json.dumps([w.as_dict(today) for w in found], indent=2))
        else:
            for warning in found:
                row = warning.as_dict(today)
                state = "lapsed" if row["already_lapsed"] else "lapses"
                self.stdout.write(
                    f"{row['contract']}: {row['product_model']} {row['label']} "
                    f"{row['certificate_id'] or '-'} {state} {row['lapses_on']} "
                    f"(contract ends {row['contract_ends_on']}, "
                    f"{row['days_uncovered']} days uncovered)"
                )
            if not found:
                self.stdout.write("No label lapses during active contracts.")
        if found and options["fail_if_any"]:
            raise SystemExit(1)
