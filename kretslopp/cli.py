"""The ``kretslopp`` command: Django's management commands plus our own.

``kretslopp footprint ...`` runs the footprint engine straight from a file, without
settings or a database, so it works on any laptop; everything else is a management
command of the project (``kretslopp migrate``, ``kretslopp demo``, ``kretslopp import``...).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] == "footprint":
        from kretslopp.footprint.cli import main as footprint_main

        return footprint_main(args[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kretslopp.settings")
    from django.core.management import execute_from_command_line

    from kretslopp.core import audit

    # Everything one command writes reads as one batch in the audit log.
    with audit.batch(audit.new_batch("command")):
        execute_from_command_line(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
