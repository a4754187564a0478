"""``kretslopp import <source> …``: assets from a file or a Snipe-IT server, print logs, and
a take-back partner's processing report.

Exit status: 0 when the import was written (or a dry run found nothing wrong), 1 when rows
were rejected (nothing was written), 2 when the file or server could not be read at all.
``--format json`` prints a summary with ``created``, ``updated``, ``unchanged`` and
``errors`` (each with ``row``, ``column``, ``value`` and ``message``) for scripts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from kretslopp.core.registry import registry
from kretslopp.imports import liveness, runs
from kretslopp.imports.models import JobState, SavedMapping
from kretslopp.imports.pipeline import ImportResult
from kretslopp.organisation.access import Access, Action, access_for
from kretslopp.printing import cli as printing_cli

# Each source's own modules (take-back reports, Snipe-IT, print logs) are imported where
# that source is handled, so that the command starts with only what its source needs.

EXIT_CODES = {"committed": 0, "dry_run": 0, "rejected": 1, "failed": 1, "unreadable": 2}


class Command(BaseCommand):
    help = (
        "Import assets from a CSV/XLSX file or a Snipe-IT server, print logs, or a take-back "
        "partner's report (all rows or none)."
    )
    # A domain command starts at once: the system checks are `kretslopp check`'s job.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sources = parser.add_subparsers(dest="source", required=True, metavar="SOURCE")
        assets = sources.add_parser(
            "assets", help="a CSV or XLSX file of assets (ours, Snipe-IT, GLPI, Intune, …)"
        )
        snipeit = sources.add_parser("snipeit", help="the hardware of a Snipe-IT server")
        snipeit.add_argument("--url", required=True, help="the server, e.g. https://snipe.example")
        snipeit.add_argument(
            "--token-file", required=True, type=Path, help="a file holding the API token"
        )
        printing_cli.add_parser(sources)  # prints: a CUPS page_log or PaperCut log
        report = sources.add_parser(
            "partner-report",
            help="a take-back partner's report: erasure certificates, grades, outcomes",
        )
        report.add_argument(
            "--campaign", required=True, metavar="REF", help="the campaign's number or name"
        )
        for sub in (assets, report):
            sub.add_argument("file", type=Path)
            sub.add_argument("--mapping", help="use the column mapping saved under this name")
        for sub in (assets, snipeit):
            sub.add_argument(
                "--allow-new-models",
                action="store_true",
                help="create missing manufacturers, models and locations",
            )
            sub.add_argument("--user", help="import as this user, within their departments")
        report.add_argument(
            "--user", help="report as this user (a partner only on its own campaigns)"
        )
        # Sources the owning app registered (meter readings: the energy app).
        registered = []
        for name, entry in registry.import_commands.items():
            registered.append(sources.add_parser(name, help=entry.help))
            entry.add_arguments(registered[-1])
        for sub in (assets, snipeit, report):
            sub.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        for sub in (assets, snipeit, report, *registered):
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
        if options["source"] in registry.import_commands:
            return registry.import_commands[options["source"]].handle(options)
        if options["source"] == "prints":
            user, access = _who(options.get("user"), Action.MANAGE_METHODOLOGY, "import print logs")
            return printing_cli.run(options, user, access)
        if options["source"] == "partner-report":
            return self._partner_report(options)
        user, access = _who(options.get("user"), Action.EDIT_ASSETS, "import assets")
        if options["source"] == "snipeit":
            return self._snipeit(options, user, access)
        path: Path = options["file"]
        return runs.import_assets(
            path,
            path.name,
            access=access,
            actor=user,
            dry_run=options["dry_run"],
            allow_new_models=options["allow_new_models"],
            saved=_saved_mapping(options.get("mapping"), "assets"),
        )

    def _partner_report(self, options: dict[str, Any]) -> ImportResult:
        """The same report target as the web upload and the API, with the web's access rules."""
        from kretslopp.circular.models import Campaign
        from kretslopp.circular.report import PartnerReportTarget

        user, access = _who(options.get("user"), Action.REPORT_TAKEBACK, "report take-back results")
        campaign = _campaign(options["campaign"])
        if not (
            access.scope_campaigns(Campaign.objects.filter(pk=campaign.pk)).exists()
            and access.may_report_for(campaign.partner_id)
        ):
            raise CommandError(
                f"{options['user']!r} may not report results for campaign #{campaign.pk} "
                f"{campaign.name!r}: a partner reports only on its own campaigns"
            )
        saved = _saved_mapping(options.get("mapping"), PartnerReportTarget.name)
        path: Path = options["file"]
        return runs.import_file(
            PartnerReportTarget.name,
            path,
            path.name,
            access=access,
            actor=user,
            options={"campaign": campaign.pk},
            dry_run=options["dry_run"],
            saved=saved,
        )

    def _snipeit(self, options: dict[str, Any], user: Any, access: Access) -> ImportResult:
        from kretslopp.imports import valuemaps
        from kretslopp.imports.models import ImportJob
        from kretslopp.imports.snipeit import FIELDS, SnipeITError, SnipeITSource
        from kretslopp.tabular.mapping import ColumnMapping

        token_file: Path = options["token_file"]
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise CommandError(f"cannot read the token file: {exc}", returncode=2) from None
        resolve = valuemaps.status_resolver()
        source = SnipeITSource(
            options["url"], token, status_known=lambda name: resolve(name) is not None
        )
        job = ImportJob.objects.create(
            source="snipeit",
            file_name=source.file_name[:255],
            user=user,
            allow_new_models=options["allow_new_models"],
            state=JobState.CHECKING if options["dry_run"] else JobState.RUNNING,
        )
        mapping = ColumnMapping(
            headers=list(FIELDS), fields=dict(enumerate(FIELDS)), profile="snipeit"
        )
        try:
            source.first_page()
            return runs.run(
                source,
                mapping,
                job=job,
                access=access,
                actor=user,
                dry_run=options["dry_run"],
                total_rows=source.total,
            )
        except SnipeITError as exc:
            job.delete()
            raise CommandError(str(exc), returncode=2) from None

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


def _who(username: str | None, action: Action, doing: str) -> tuple[Any, Access]:
    """The user an import acts as: nobody with an administrator's reach, or ``--user``."""
    if not username:
        return None, runs.SYSTEM_ACCESS
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"there is no active user {username!r}")
    access = access_for(user)
    if not access.can(action):
        raise CommandError(f"{username!r} may not {doing}")
    return user, access


def _saved_mapping(name: str | None, target: str) -> SavedMapping | None:
    try:
        return runs.saved_mapping(name, target)
    except runs.UnknownMapping as error:
        raise CommandError(str(error)) from None


def _campaign(reference: str) -> Any:
    """The take-back campaign with this number or name; exit 2 when there is not exactly one."""
    from kretslopp.circular.models import Campaign

    found = []
    if reference.isdigit() and len(reference) < 10:
        found = list(Campaign.objects.filter(pk=int(reference)))
    if not found:
        found = list(Campaign.objects.filter(name=reference))
    if not found:
        found = list(Campaign.objects.filter(name__iexact=reference.strip()))
    if not found:
        raise CommandError(
            f"there is no take-back campaign {reference!r} (give its number or its name)",
            returncode=2,
        )
    if len(found) > 1:
        which = ", ".join(f"#{campaign.pk}" for campaign in found)
        raise CommandError(
            f"{len(found)} take-back campaigns are named {reference!r} ({which}); "
            "give the campaign's number",
            returncode=2,
        )
    return found[0]


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
