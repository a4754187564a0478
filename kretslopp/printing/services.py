"""Reading the stored print volumes back as printlogs' own statistics objects.

The shares, changes and paper CO2e are computed by :mod:`kretslopp.printlogs` (the same code
that aggregated the logs), so a figure on the page is the figure the method describes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Sum

from kretslopp import printlogs
from kretslopp.organisation.access import Access
from kretslopp.printing.models import PrintVolume

COUNTS = (
    "jobs", "pages", "sheets", "a4_sheets", "pages_duplex", "pages_duplex_known",
    "pages_colour", "pages_colour_known",
)  # fmt: skip


def volumes(access: Access, department_id: int | None = None):
    """The volumes ``access`` may read (one department's when ``department_id`` is given)."""
    rows = access.scope(PrintVolume.objects.all())
    if department_id is not None:
        rows = rows.filter(department_id=department_id)
    return rows


def pages_by_month(
    access: Access, department_id: int | None = None
) -> dict[tuple[int, int], float]:
    """(year, month) → pages printed."""
    totals = volumes(access, department_id).values("month").annotate(pages=Sum("pages")).order_by()
    return {(row["month"].year, row["month"].month): float(row["pages"]) for row in totals}


def pages_by_year(access: Access, department_id: int | None = None) -> dict[int, float]:
    """Pages per calendar year, for years with volumes in all twelve months.

    A year with months missing would look like a fall in printing that never happened, so
    it is left out of the target's actuals (the printing page still shows its months).
    """
    months: dict[int, int] = defaultdict(int)
    pages: dict[int, float] = defaultdict(float)
    for (year, _month), value in pages_by_month(access, department_id).items():
        months[year] += 1
        pages[year] += value
    return {year: pages[year] for year in sorted(pages) if months[year] == 12}


def monthly_stats(
    access: Access, department_id: int | None = None, *, by_department: bool = True
) -> list[printlogs.MonthlyPrintStats]:
    """Per (department code, month) totals over printers, as printlogs' statistics."""
    keys = ["department__code", "month"] if by_department else ["month"]
    rows = (
        volumes(access, department_id)
        .values(*keys)
        .annotate(**{name: Sum(name) for name in COUNTS})
        .order_by(*keys)
    )
    stats = []
    for row in rows:
        code = row.get("department__code") if by_department else ""
        item = printlogs.MonthlyPrintStats(
            code if code is not None else printlogs.UNMAPPED, f"{row['month']:%Y-%m}"
        )
        for name in COUNTS:
            setattr(item, name, row[name] or 0)
        stats.append(item)
    return stats


def total(stats: list[printlogs.MonthlyPrintStats], label: str = "") -> printlogs.MonthlyPrintStats:
    """The sum of several months or departments."""
    summed = printlogs.MonthlyPrintStats(label, "")
    for item in stats:
        summed.merge(item)
    return summed


def last_months(stats: list[printlogs.MonthlyPrintStats], count: int) -> list[str]:
    """The last ``count`` months that have volumes, oldest first."""
    months = sorted({item.month for item in stats})
    return months[-count:]


def comparison_periods(
    stats: list[printlogs.MonthlyPrintStats],
) -> tuple[tuple[str, str], tuple[str, str]] | None:
    """The latest twelve months against the twelve before them, when there are 24 months."""
    months = sorted({item.month for item in stats})
    if len(months) < 24:
        return None
    after = months[-12:]
    before = months[-24:-12]
    return (before[0], before[-1]), (after[0], after[-1])


def month_start(text: str) -> dt.date:
    return dt.date(int(text[:4]), int(text[5:7]), 1)
