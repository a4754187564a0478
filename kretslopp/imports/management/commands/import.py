"""``kretslopp import <source> …``: every source an app registered in
``registry.import_commands`` (assets from a file or a Snipe-IT server here; print logs and
take-back partners' reports from their own apps).

Exit status: 0 when the import was written (or a dry run found nothing wrong), 1 when rows
were rejected (nothing was written), 2 when the file or server could not be read at all.
``--format json`` prints a summary with ``created``, ``updated``, ``unchanged`` and
``errors`` (each with ``row``, ``column``, ``value`` and ``message``) for scripts.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from kretslopp.core.registry import registry
from kretslopp.imports import liveness
from kretslopp.imports.pipeline import ImportResult

# Each source's own modules are imported where that source is handled (the registry holds
# lazy references), so that the command starts with only what its source needs.

EXIT_CODES = {"committed": 0, "dry_run": 0, "rejected": 1, "failed": 1, "unreadable": 2}


class Command(BaseCommand):
    help = (
        "Import records from a file or a server into Kretslopp, all rows or none; "
        "'kretslopp import SOURCE --help' tells what each source needs."
    )
    # A domain command starts at once: the system checks are `kretslopp check`'s job.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sources = parser.add_subparsers(dest="source", required=True, metavar="SOURCE")
        for name, entry in registry.import_commands.items():
            sub = sources.add_parser(name, help=entry.help)
            entry.add_arguments(sub)
            sub.add_argument("--format", choices=["text", "json"], default="text")
            sub.add_argument(
                "--language",
                choices=[code for code, _name in settings.LANGUAGES],
                default=settings.LANGUAGE_CODE,
                help="the language of the messages",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        liveness.reap_all()  # imports whose process died are failed, not running for ever
        with translation.override(options["language"]):
            result = self._run(options)
            self._report(result, options["format"])
            code = EXIT_CODES[result.status]
            if code:
                raise CommandError(_headline(result), returncode=code)

    def _run(self, options: dict[str, Any]) -> ImportResult:
        return registry.import_commands[options["source"]].handle(options)

    def _report(self, result: ImportResult, output: str) -> None:
        if output == "json":
            self.stdout.write(json.dumps(result.summary(), ensure_ascii=False, indent=2))
            return
        summary = result.summary()
        self.stdout.write(_headline(result))
        if result.status == "committed":
            counts = translation.gettext(
                "created %(created)s, updated %(updated)s, unchanged %(unchanged)s"
            )
            self.stdout.write(counts % summary)
        elif result.status == "dry_run":
            counts = translation.gettext(
                "would create %(created)s, update %(updated)s, leave %(unchanged)s unchanged"
            )
            self.stdout.write(counts % summary)
        named = {f"unknown_{name.kind}" for name in result.unknown}
        for problem in result.problems:
            if problem.code in named:
                continue  # listed once below, grouped
            prefix = translation.gettext("warning") if problem.warning else ""
            line = f"{problem.location}: {problem.message}"
            if problem.value:
                line += f" [{problem.value}]"
            self.stdout.write(f"{prefix}: {line}" if prefix else line)
        self._unknown_names(result)
        hidden = result.problem_count + result.warning_count - len(result.problems)
        if hidden > 0:
            more = translation.ngettext(
                "… and %(count)s more problem", "… and %(count)s more problems", hidden
            )
            self.stdout.write(more % {"count": hidden})

    def _unknown_names(self, result: ImportResult) -> None:
        """Each name nobody has explained, once, by kind, and what to do about them."""
        if not result.unknown:
            return
        gettext = translation.gettext
        headings = {
            "department": gettext("Departments Kretslopp does not know:"),
            "location": gettext("Locations Kretslopp does not know:"),
            "category": gettext("Categories Kretslopp does not know:"),
            "status": gettext("Statuses Kretslopp does not know:"),
        }
        kind = None
        for name in result.unknown:
            if name.kind != kind:
                kind = name.kind
                self.stdout.write(headings[kind])
            line = translation.ngettext(
                "  “%(name)s”: %(count)s row, the first is row %(row)s, column “%(column)s”",
                "  “%(name)s”: %(count)s rows, the first is row %(row)s, column “%(column)s”",
                name.rows,
            )
            self.stdout.write(
                line
                % {
                    "name": name.value,
                    "count": name.rows,
                    "row": name.first_row,
                    "column": name.column or "",
                }
            )
        more = result.unknown_count - len(result.unknown)
        if more > 0:
            self.stdout.write(
                translation.ngettext(
                    "… and %(count)s more name", "… and %(count)s more names", more
                )
                % {"count": more}
            )
        self.stdout.write(
            gettext(
                "Say once what each name means, or create it, in the preview of an upload "
                "(Import), or have it mapped under Import → Value mappings; then every row "
                "with it is imported, in later files too."
            )
        )


def _headline(result: ImportResult) -> str:
    gettext = translation.gettext
    return {
        "committed": gettext("Imported %(rows)s rows from %(file)s."),
        "dry_run": gettext("Checked %(rows)s rows of %(file)s: ready to import."),
        "rejected": translation.ngettext(
            "%(file)s: %(errors)s problem, nothing was imported.",
            "%(file)s: %(errors)s problems, nothing was imported.",
            result.problem_count,
        ),
        "failed": gettext("%(file)s: the import failed, nothing was imported."),
        "unreadable": gettext("%(file)s could not be read; nothing was imported."),
    }[result.status] % {
        "rows": result.rows,
        "file": result.file_name,
        "errors": result.problem_count,
    }
