"""What printing contributes to the energy app: the "pages printed" KPI, and the months
over which the printers' estimated energy is spread (by pages printed).

Registered in :meth:`kretslopp.printing.apps.PrintingConfig.ready`; the energy app reads
``registry.kpis`` and ``registry.ledger_sources`` and imports nothing of printing.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kretslopp.core.memo import Memo, data_version
from kretslopp.core.registry import KpiEntry, LedgerSource, lazy, registry
from kretslopp.energy.kpis import Actuals
from kretslopp.energy.models import Scope
from kretslopp.organisation.access import Access
from kretslopp.printing.models import PrintImport


def pages(access: Access, department_id: int | None, memo: dict) -> Actuals:
    versions = memo.get("versions")
    key = ("pages_by_year", access.department_ids, department_id, versions)
    if key not in memo:
        from kretslopp.printing import services

        def compute() -> dict[int, float]:
            return services.pages_by_year(access, department_id)

        # across requests too, while the stored data (its version is in the key) is unchanged
        memo[key] = compute() if versions is None else _PAGES.get(key, compute)
    return Actuals(
        memo[key],
        str(_("Print volumes imported from print logs (complete years only)")),
        "high",
    )


_PAGES = Memo(size=64, name="printing.energy")


def forget() -> None:
    """Drop the remembered page counts (the energy ledger's ``forget`` calls this)."""
    _PAGES.clear()


def version() -> tuple:
    """Changes whenever a stored print volume changes.

    Print volumes are only ever written and removed with their import record, so the import
    table (a handful of rows) stands for them.
    """
    return data_version((PrintImport, "COUNT", "*"), (PrintImport, "MAX", "id"))


def register() -> None:
    registry.kpis.register(
        "pages_printed",
        KpiEntry("pages_printed", _("Pages printed"), _("pages"), "decrease", pages, 30),
    )
    registry.ledger_sources.register(
        "printing",
        LedgerSource(
            scope=Scope.PRINTING,
            version=version,
            # the print-log parsers behind it load when a ledger is first built
            by_month=lazy("kretslopp.printing.services.pages_by_month"),
            forget=forget,
        ),
    )
