"""``kretslopp import prints FILE --source cups|papercut``: the print-log side of the command.

Kept here so the shared ``import`` command only adds a sub-parser and a dispatch line; the
result is the pipeline's ``ImportResult``, so the command reports and exits as for every other
import: 0 written, 1 rejected lines (nothing written), 2 unreadable file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from kretslopp.imports.pipeline import ImportResult
from kretslopp.organisation.access import Access


def add_parser(sources: Any) -> None:
    prints = sources.add_parser("prints", help="a CUPS page_log or a PaperCut print log (CSV)")
    prints.add_argument("file", type=Path)
    prints.add_argument("--source", dest="log_source", choices=["cups", "papercut"], required=True)
    prints.add_argument(
        "--page-log-format", dest="page_log_format", help="the server's PageLogFormat"
    )
    prints.add_argument("--user", help="import as this user (needs the right to manage targets)")
    prints.add_argument("--dry-run", action="store_true", help="check only, write nothing")
    prints.add_argument("--format", choices=["text", "json"], default="text")
    prints.add_argument(
        "--language",
        choices=[code for code, _name in settings.LANGUAGES],
        default=settings.LANGUAGE_CODE,
        help="the language of the messages",
    )


def run(options: dict[str, Any], user: Any, access: Access) -> ImportResult:
    """Import the print log as ``user`` (the command decides who, as for every import)."""
    # Imported here: the log parsers are only needed by this kind of import, not by every
    # start of the ``import`` command.
    from kretslopp.printing.importer import import_print_log

    path: Path = options["file"]
    return import_print_log(
        path,
        access=access,
        log_format=options["log_source"],
        file_name=path.name,
        page_log_format=options.get("page_log_format"),
        actor=user,
        dry_run=options.get("dry_run", False),
    )
