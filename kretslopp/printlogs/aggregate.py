"""Print volumes per department and month, added up one job at a time.

The caller supplies ``department_of(job) -> key | None``: Kretslopp's printing app knows
which user, printer or billing code belongs to which förvaltning, this package does not.
``None`` groups the job under :data:`UNMAPPED` so nothing silently disappears from the totals.

Shares are page-weighted and taken over the pages whose setting is known: the duplex share is
duplex pages / pages with a known duplex setting, the colour share likewise. When nothing is
known the share is ``None`` — "not recorded" is not the same as 0 %.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .records import A4_EQUIVALENT, PrintJob

UNMAPPED = "(unmapped)"
DepartmentOf = Callable[[PrintJob], str | None]


class MonthlyPrintStats:
    """Running totals for one (department, month)."""

    __slots__ = (
        "department", "month", "jobs", "pages", "sheets", "a4_sheets",
        "pages_duplex", "pages_duplex_known", "pages_colour", "pages_colour_known",
    )  # fmt: skip

    def __init__(self, department: str, month: str) -> None:
        self.department = department
        self.month = month
        self.jobs = 0
        self.pages = 0
        self.sheets = 0
        self.a4_sheets = 0.0
        self.pages_duplex = 0
        self.pages_duplex_known = 0
        self.pages_colour = 0
        self.pages_colour_known = 0

    def add(self, job: PrintJob) -> None:
        pages = job.pages
        self.jobs += 1
        self.pages += pages
        self.sheets += job.sheets
        size = job.paper_size
        self.a4_sheets += job.sheets * (A4_EQUIVALENT.get(size, 1.0) if size else 1.0)
        if job.duplex is not None:
            self.pages_duplex_known += pages
            if job.duplex:
                self.pages_duplex += pages
        if job.colour is not None:
            self.pages_colour_known += pages
            if job.colour:
                self.pages_colour += pages

    def merge(self, other: MonthlyPrintStats) -> None:
        for name in self.__slots__[2:]:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def duplex_share(self) -> float | None:
        """Share of pages printed duplex, of the pages whose setting is known."""
        return self.pages_duplex / self.pages_duplex_known if self.pages_duplex_known else None

    @property
    def colour_share(self) -> float | None:
        """Share of pages printed in colour, of the pages whose colour mode is known."""
        return self.pages_colour / self.pages_colour_known if self.pages_colour_known else None

    def as_dict(self) -> dict[str, object]:
        return {
            "department": self.department,
            "month": self.month,
            "jobs": self.jobs,
            "pages": self.pages,
            "sheets": self.sheets,
            "a4_sheets": self.a4_sheets,
            "pages_duplex": self.pages_duplex,
            "pages_duplex_known": self.pages_duplex_known,
            "pages_colour": self.pages_colour,
            "pages_colour_known": self.pages_colour_known,
            "duplex_share": self.duplex_share,
            "colour_share": self.colour_share,
        }

    def __repr__(self) -> str:
        return (
            f"<MonthlyPrintStats {self.department} {self.month}: {self.jobs} jobs, "
            f"{self.pages} pages, {self.sheets} sheets>"
        )


class PrintAggregator:
    """Adds jobs into per-(department, month) totals without keeping the jobs."""

    def __init__(self, department_of: DepartmentOf) -> None:
        self._department_of = department_of
        self._stats: dict[tuple[str, int, int], MonthlyPrintStats] = {}

    def add(self, job: PrintJob) -> None:
        department = self._department_of(job) or UNMAPPED
        time = job.time
        key = (department, time.year, time.month)
        stats = self._stats.get(key)
        if stats is None:
            stats = self._stats[key] = MonthlyPrintStats(
                department, f"{time.year:04d}-{time.month:02d}"
            )
        stats.add(job)

    def add_all(self, jobs: Iterable[PrintJob]) -> int:
        """Add every job; returns how many were added."""
        count = 0
        add = self.add
        for job in jobs:
            add(job)
            count += 1
        return count

    def results(self) -> dict[tuple[str, str], MonthlyPrintStats]:
        """Totals keyed by ``(department, "YYYY-MM")``, sorted by department then month."""
        return {
            (s.department, s.month): s
            for _, s in sorted(self._stats.items(), key=lambda item: item[0])
        }


@dataclass(frozen=True, slots=True)
class DepartmentChange:
    """How one department's monthly mean changed between two periods."""

    department: str
    measure: str
    before_per_month: float
    after_per_month: float

    @property
    def change(self) -> float:
        return self.after_per_month - self.before_per_month

    @property
    def change_fraction(self) -> float | None:
        """Relative change, e.g. −0.25; ``None`` when the department printed nothing before."""
        if self.before_per_month == 0:
            return None
        return self.after_per_month / self.before_per_month - 1.0


def _months(period: tuple[str, str]) -> list[str]:
    start, end = period
    year, month = int(start[:4]), int(start[5:7])
    last = (int(end[:4]), int(end[5:7]))
    if (year, month) > last:
        raise ValueError(f"the period {start}..{end} ends before it starts")
    months = []
    while (year, month) <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def biggest_changes(
    stats: Iterable[MonthlyPrintStats],
    before: tuple[str, str],
    after: tuple[str, str],
    *,
    measure: str = "pages",
    limit: int | None = 10,
) -> list[DepartmentChange]:
    """The departments whose ``measure`` changed most between two periods.

    Periods are inclusive month ranges (``("2025-01", "2025-12")``). Each side is the
    monthly mean over *all* months of its period (a month without printing counts as 0), so
    periods of different lengths compare fairly. Sorted by the size of the absolute change,
    largest first. ``measure`` is any count of :class:`MonthlyPrintStats` (``pages``,
    ``sheets``, ``a4_sheets``, ``jobs``).
    """
    if measure not in MonthlyPrintStats.__slots__[2:]:
        raise ValueError(f"unknown measure {measure!r}")
    before_months, after_months = set(_months(before)), set(_months(after))
    totals: dict[str, list[float]] = {}
    for item in stats:
        value = float(getattr(item, measure))
        if item.month in before_months:
            totals.setdefault(item.department, [0.0, 0.0])[0] += value
        if item.month in after_months:
            totals.setdefault(item.department, [0.0, 0.0])[1] += value
    changes = [
        DepartmentChange(dept, measure, b / len(before_months), a / len(after_months))
        for dept, (b, a) in totals.items()
    ]
    changes.sort(key=lambda c: (-abs(c.change), c.department))
    return changes if limit is None else changes[:limit]
