"""A process that dies in the middle of an asset import, for ``test_crash.py``.

``python -m kretslopp.imports.tests.crashing_import prepare`` migrates the database that
``KRETSLOPP_DATABASE_URL`` names and adds a department and a model;
``… crash FILE AFTER`` imports FILE and kills itself with SIGKILL — no exception handler,
no rollback, no atexit — once AFTER assets have been written inside the import's
transaction: what a power cut or the OOM killer does.
"""

from __future__ import annotations

import os
import signal
import sys


def prepare() -> None:
    from django.core.management import call_command

    from kretslopp.inventory.models import Manufacturer, ProductModel
    from kretslopp.organisation.models import Department

    call_command("migrate", interactive=False, verbosity=0)
    Department.objects.create(code="GRF", name="Grundskoleförvaltningen")
    dell = Manufacturer.objects.create(name="Dell")
    ProductModel.objects.create(manufacturer=dell, name="Latitude 5420", category="laptop")


def crash(path: str, after: int) -> None:
    from django.core.management import call_command

    from kretslopp.imports.assets import writer

    advance = writer._Writer._advance

    def advance_then_die(self, count: int) -> None:
        advance(self, count)
        if self.done >= after:
            os.kill(os.getpid(), signal.SIGKILL)

    writer._Writer._advance = advance_then_die  # type: ignore[method-assign]
    call_command("import", "assets", path)


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kretslopp.settings")
    django.setup()
    if sys.argv[1] == "prepare":
        prepare()
    else:
        crash(sys.argv[2], int(sys.argv[3]))
