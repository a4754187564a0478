"""``kretslopp import prints FILE --source cups|papercut``: the print-log side of the command.

Registered in ``registry.import_commands`` by :class:`kretslopp.printing.apps.PrintingConfig`;
the result is the pipeline's ``ImportResult``, so the ``import`` command reports and exits as
for every other import: 0 written, 1 rejected lines (nothing written), 2 unreadable file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kretslopp.imports.cli import acting_user
from kretslopp.imports.pipeline import ImportResult
from kretslopp.organisation.access import Action


def add_arguments(prints: Any) -> None:
    """The ``prints`` subcommand's own arguments (the command adds --format and --language)."""
    prints.add_argument("file", type=Path)
    prints.add_argument("--source", dest="log_source", choices=["cups", "papercut"], required=True)
    prints.add_argument(
        "--page-log-format", dest="page_log_format", help="the server's PageLogFormat"
    )
    prints.add_argument("--user", help="import as this user (needs the right to manage targets)")
    prints.add_argument("--dry-run", action="store_true", help="check only, write nothing")


def run(options: dict[str, Any]) -> ImportResult:
    """Import the print log as ``--user`` (or the system), who must be allowed to manage
    targets, as on the web."""
    user, access = acting_user(options.get("user"), Action.MANAGE_METHODOLOGY, "import print logs")
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
