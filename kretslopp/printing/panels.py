"""What printing shows on the start page: the last twelve months of printing in the reader's
departments, and the change against the twelve before.

Registered in :meth:`kretslopp.printing.apps.PrintingConfig.ready`; one grouped query over
the stored monthly volumes (never the logs themselves).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kretslopp import printlogs
from kretslopp.core.memo import Memo
from kretslopp.organisation.access import Access, Action
from kretslopp.printing import energy, services

_memo = Memo(size=64, name="printing.panels")

MONTHS_SHOWN = 12


def headline(request: HttpRequest, access: Access) -> dict[str, Any] | None:
    """Pages, duplex share and paper CO2e of the last twelve months with volumes."""
    if not access.can(Action.VIEW):
        return None
    # The volumes only change with an import: remembered by the imports' version per scope.
    stats = _memo.get(
        ("months", access.department_ids, energy.version()),
        lambda: services.monthly_stats(access, by_department=False),
    )
    if not stats:
        return {"latest": None}
    months = services.last_months(stats, MONTHS_SHOWN)
    latest = services.total([s for s in stats if s.month in months])
    before_months = sorted({s.month for s in stats if s.month < months[0]})[-MONTHS_SHOWN:]
    change = None
    if len(before_months) == MONTHS_SHOWN:
        before = services.total([s for s in stats if s.month in before_months])
        if before.pages:
            change = latest.pages / before.pages - 1
    return {
        "latest": latest,
        "first_month": months[0],
        "last_month": months[-1],
        "paper": printlogs.paper_footprint(latest.a4_sheets),
        "change": change,
    }
