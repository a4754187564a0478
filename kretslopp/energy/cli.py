"""``kretslopp import meter-readings FILE``: meter, PDU and facility readings from the command line.

Registered in ``registry.import_commands`` by :class:`kretslopp.energy.apps.EnergyConfig`: the
same target, job and all-or-nothing pipeline as the readings page and ``POST /imports/jobs``,
so a nightly export from the facility system lands on the job list like an upload.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kretslopp.imports.pipeline import ImportResult


def add_arguments(parser: Any) -> None:
    parser.add_argument("file", type=Path)
    parser.add_argument("--mapping", help="use the column mapping saved under this name")
    parser.add_argument("--user", help="import as this user (needs the right to manage targets)")
    parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")


def run(options: dict[str, Any]) -> ImportResult:
    """Import the file as ``--user`` (or the system), as a job of the one pipeline."""
    from kretslopp.energy.meterimport import TARGET_NAME
    from kretslopp.imports import runs
    from kretslopp.imports.cli import acting_user, saved_mapping
    from kretslopp.organisation.access import Action

    user, access = acting_user(
        options.get("user"), Action.MANAGE_METHODOLOGY, "import meter readings"
    )
    path: Path = options["file"]
    return runs.import_file(
        TARGET_NAME,
        path,
        path.name,
        access=access,
        actor=user,
        dry_run=options.get("dry_run", False),
        saved=saved_mapping(options.get("mapping"), TARGET_NAME),
    )
