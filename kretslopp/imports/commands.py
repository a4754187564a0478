"""The imports app's own ``kretslopp import`` subcommands: ``assets`` and ``snipeit``.

Registered in :meth:`kretslopp.imports.apps.ImportsConfig.ready`, like every other app's
subcommands; the command itself (``management/commands/import.py``) only reads the registry.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from kretslopp.imports import runs
from kretslopp.imports.cli import acting_user, saved_mapping
from kretslopp.imports.models import JobState
from kretslopp.imports.pipeline import ImportResult
from kretslopp.organisation.access import Action


def _common(parser: CommandParser) -> None:
    parser.add_argument(
        "--allow-new-models",
        action="store_true",
        help="create missing manufacturers, models and locations",
    )
    parser.add_argument("--user", help="import as this user, within their departments")
    parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")


def assets_arguments(parser: CommandParser) -> None:
    parser.add_argument("file", type=Path)
    parser.add_argument("--mapping", help="use the column mapping saved under this name")
    _common(parser)


def import_assets(options: dict[str, Any]) -> ImportResult:
    """A CSV or XLSX file of assets, through the one pipeline."""
    user, access = acting_user(options.get("user"), Action.EDIT_ASSETS, "import assets")
    path: Path = options["file"]
    return runs.import_assets(
        path,
        path.name,
        access=access,
        actor=user,
        dry_run=options["dry_run"],
        allow_new_models=options["allow_new_models"],
        saved=saved_mapping(options.get("mapping"), runs.TARGETS["assets"].name),
    )


def snipeit_arguments(parser: CommandParser) -> None:
    parser.add_argument("--url", required=True, help="the server, e.g. https://snipe.example")
    parser.add_argument(
        "--token-file", required=True, type=Path, help="a file holding the API token"
    )
    _common(parser)


def import_snipeit(options: dict[str, Any]) -> ImportResult:
    """The hardware of a Snipe-IT server, page by page, through the one pipeline."""
    from kretslopp.imports import valuemaps
    from kretslopp.imports.models import ImportJob
    from kretslopp.imports.snipeit import FIELDS, SnipeITError, SnipeITSource
    from kretslopp.tabular.mapping import ColumnMapping

    user, access = acting_user(options.get("user"), Action.EDIT_ASSETS, "import assets")
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
    mapping = ColumnMapping(headers=list(FIELDS), fields=dict(enumerate(FIELDS)), profile="snipeit")
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
