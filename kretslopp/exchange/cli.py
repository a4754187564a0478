"""``kretslopp import kpi-exchange FILE --source …``: another municipality's KPI file from the
command line.

Registered in ``registry.import_commands`` by :class:`kretslopp.exchange.apps.ExchangeConfig`:
the same target, job and all-or-nothing pipeline as the import page and ``POST /imports/jobs``,
so a file received by mail or fetched from a peer's API by a nightly script lands on the job
list like an upload, its peer's values labelled with ``--source``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kretslopp.imports.pipeline import ImportResult


def add_arguments(parser: Any) -> None:
    parser.add_argument("file", type=Path, help="a KPI exchange file (JSON or CSV, format v1)")
    parser.add_argument(
        "--source",
        dest="peer_source",  # "source" is the import command's own: which subcommand
        required=True,
        help="where the values come from (shown beside them), e.g. 'Lunds kommun, mail 2026-11-30'",
    )
    parser.add_argument("--user", help="import as this user (needs the right to publish KPIs)")
    parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")


def run(options: dict[str, Any]) -> ImportResult:
    """Import the file as ``--user`` (or the system), as a job of the one pipeline."""
    from kretslopp.exchange.importing import TARGET_NAME
    from kretslopp.imports.cli import import_file_as
    from kretslopp.organisation.access import Action

    return import_file_as(
        TARGET_NAME,
        options,
        Action.MANAGE_METHODOLOGY,
        "import KPI exchange files",
        job_options={"source": options["peer_source"]},
    )
