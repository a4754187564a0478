"""``kretslopp import partner-report FILE --campaign REF``: a take-back partner's processing
report (erasure certificates, grades, outcomes) from the command line.

Registered in ``registry.import_commands`` by :class:`kretslopp.circular.apps.CircularConfig`;
the same report target, job and pipeline as the web upload and the API, with the web's
access rules, so the report lands on the job list like an upload.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from kretslopp.imports.cli import acting_user, saved_mapping
from kretslopp.imports.pipeline import ImportResult
from kretslopp.organisation.access import Action


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--campaign", required=True, metavar="REF", help="the campaign's number or name"
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("--mapping", help="use the column mapping saved under this name")
    parser.add_argument("--user", help="report as this user (a partner only on its own campaigns)")
    parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")


def import_partner_report(options: dict[str, Any]) -> ImportResult:
    """The same report target as the web upload and the API, with the web's access rules."""
    # Imported here: `kretslopp import assets` builds this parser too, and starts at once.
    from kretslopp.circular.models import Campaign
    from kretslopp.circular.report import PartnerReportTarget
    from kretslopp.imports import runs

    user, access = acting_user(
        options.get("user"), Action.REPORT_TAKEBACK, "report take-back results"
    )
    campaign = _campaign(options["campaign"])
    if not (
        access.scope_campaigns(Campaign.objects.filter(pk=campaign.pk)).exists()
        and access.may_report_for(campaign.partner_id)
    ):
        raise CommandError(
            f"{options['user']!r} may not report results for campaign #{campaign.pk} "
            f"{campaign.name!r}: a partner reports only on its own campaigns"
        )
    saved = saved_mapping(options.get("mapping"), PartnerReportTarget.name)
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
