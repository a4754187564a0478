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
    from kretslopp.imports.cli import import_file_as
    from kretslopp.organisation.access import Action

    return import_file_as(TARGET_NAME, options, Action.MANAGE_METHODOLOGY, "import meter readings")
