"""Which department a print job belongs to: plain mappings, and totals cached per key.

The printing app knows the organisation; this package does not. It can say so two ways:

* a :class:`DepartmentMap` — three plain dicts (users, printers, billing codes → department)
  and a precedence. Plain data can be pickled (so a large log can be summed in worker
  processes) and looked up without building a job object. This is what the import uses.
* a ``department_of(job)`` callable, kept for tests and small files.

Either way :class:`MonthlyTally` asks once per distinct (user, printer, billing code) and
remembers the answer, because a city's two million jobs come from some tens of thousands of
such keys and the mapping is the expensive part when asked per job. So a callable must depend
only on the job's user, printer and billing code (all a department mapping needs); a mapping
that changes with the date (a reorganisation mid-year) is applied by summing the periods
separately, or with :func:`read_print_log` and :class:`PrintAggregator`, which ask per job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from .aggregate import UNMAPPED, DepartmentOf, MonthlyPrintStats
from .pagelogformat import duplex_from_sides
from .records import A4_EQUIVALENT, PrintJob, normalise_paper_size, sheets_for

#: The kinds of key a :class:`DepartmentMap` can look at, in its default precedence.
DEFAULT_PRECEDENCE = ("billing_code", "user", "printer")


def _folded(mapping: Mapping[str, str]) -> dict[str, str]:
    return {key.strip().casefold(): value for key, value in mapping.items()}


@dataclass(frozen=True)
class DepartmentMap:
    """Users, printers and billing codes → department, looked up in a documented order.

    Precedence (``precedence``, default :data:`DEFAULT_PRECEDENCE`): a job's **billing code**
    wins, because a code typed at print time names who pays; then the **user**'s department;
    then the **printer**'s, for shared machines and jobs from unknown users. The first key
    found decides; if none is found the job gets ``default`` (``None``: it is counted under
    :data:`UNMAPPED`). Keys are compared case-insensitively with surrounding spaces ignored
    (Windows and CUPS names are case-insensitive). A printer is looked up by its name as
    logged and then by the queue name after the last backslash, since PaperCut logs
    ``\\\\server\\queue`` while a mapping is usually written per queue.

    Plain data on purpose: it pickles, so summing a large log can use worker processes.
    """

    users: Mapping[str, str] = field(default_factory=dict)
    printers: Mapping[str, str] = field(default_factory=dict)
    billing_codes: Mapping[str, str] = field(default_factory=dict)
    precedence: tuple[str, ...] = DEFAULT_PRECEDENCE
    default: str | None = None
    _users: dict[str, str] = field(init=False, repr=False, compare=False)
    _printers: dict[str, str] = field(init=False, repr=False, compare=False)
    _billing: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        unknown = set(self.precedence) - set(DEFAULT_PRECEDENCE)
        if unknown:
            raise ValueError(f"unknown precedence key(s) {sorted(unknown)}")
        # frozen: the folded copies are set once here and never change
        object.__setattr__(self, "_users", _folded(self.users))
        object.__setattr__(self, "_printers", _folded(self.printers))
        object.__setattr__(self, "_billing", _folded(self.billing_codes))

    def department(self, user: str, printer: str, billing_code: str | None) -> str | None:
        """The department for these names, or ``default`` when none of them is mapped."""
        for kind in self.precedence:
            found = self._lookup(kind, user, printer, billing_code)
            if found is not None:
                return found
        return self.default

    def _lookup(self, kind: str, user: str, printer: str, billing_code: str | None) -> str | None:
        if kind == "billing_code":
            return self._billing.get(billing_code.strip().casefold()) if billing_code else None
        if kind == "user":
            return self._users.get(user.strip().casefold())
        name = printer.strip().casefold()
        found = self._printers.get(name)
        if found is None and "\\" in name:
            found = self._printers.get(name[name.rfind("\\") + 1 :])
        return found

    def __call__(self, job: PrintJob) -> str | None:
        """The map as a ``department_of(job)`` callable, for :class:`PrintAggregator`."""
        return self.department(job.user, job.printer, job.billing_code)


Departments = DepartmentOf | DepartmentMap
#: What the department mapping is asked about: (user, printer, billing code as logged).
NameKey = tuple[str, str, str | None]


class DepartmentMonths(dict[str, MonthlyPrintStats]):
    """One department's totals by ``"YYYY-MM"``, shared by every name key mapped to it.

    A dict whose missing month is created on first use (and registered with the tally), so
    a reader finds a job's totals with ``cells[names][month]``: two lookups, no branches.
    """

    def __init__(self, department: str, register: dict[tuple[str, str], MonthlyPrintStats]):
        super().__init__()
        self.department = department
        self._register = register

    def __missing__(self, month: str) -> MonthlyPrintStats:
        stats = self[month] = self._register[(self.department, month)] = MonthlyPrintStats(
            self.department, month
        )
        return stats


class MonthlyTally:
    """Per-(department, month) totals fed one finished job at a time, without job objects.

    Adds exactly what :meth:`MonthlyPrintStats.add` adds, in the same order, so its totals
    (the float ``a4_sheets`` included) are identical to :class:`PrintAggregator`'s over the
    same jobs. ``cells`` maps a :data:`NameKey` to its department's :class:`DepartmentMonths`,
    so a job of known names costs two dict lookups; readers look there first and call
    :meth:`new_names` only on a miss::

        months = cells.get(names) or tally.new_names(names, lambda: job)
        stats = months[month]
    """

    def __init__(self, departments: Departments) -> None:
        self._departments = departments
        self._stats: dict[tuple[str, str], MonthlyPrintStats] = {}
        self._by_department: dict[str, DepartmentMonths] = {}
        self.cells: dict[NameKey, DepartmentMonths] = {}
        self.papers: dict[str, tuple[bool | None, float]] = {}

    def new_names(self, names: NameKey, make_job: Callable[[], PrintJob]) -> DepartmentMonths:
        """Ask the mapping about new names; ``make_job`` is called only for a callable."""
        user, printer, billing = names
        departments = self._departments
        if isinstance(departments, DepartmentMap):
            department = departments.department(user, printer, _billing_code(billing))
        else:
            department = departments(make_job())
        department = department or UNMAPPED
        months = self._by_department.get(department)
        if months is None:
            months = self._by_department[department] = DepartmentMonths(department, self._stats)
        self.cells[names] = months
        return months

    def new_paper(self, paper_key: str) -> tuple[bool | None, float]:
        """Duplex and A4 factor of a CUPS "media sides" pair as logged (a log has a handful)."""
        media, sides = paper_key.split(" ")
        size = normalise_paper_size(media)
        factor = A4_EQUIVALENT.get(size, 1.0) if size else 1.0
        found = self.papers[paper_key] = (duplex_from_sides(sides), factor)
        return found

    def add(
        self,
        stats: MonthlyPrintStats,
        pages: int,
        copies: int,
        duplex: bool | None,
        a4_factor: float,
        colour: bool | None = None,
    ) -> None:
        """One job into ``stats``: the arithmetic of :meth:`MonthlyPrintStats.add`."""
        sheets = sheets_for(pages, copies, duplex) if duplex else pages
        stats.jobs += 1
        stats.pages += pages
        stats.sheets += sheets
        stats.a4_sheets += sheets * a4_factor
        if duplex is not None:
            stats.pages_duplex_known += pages
            if duplex:
                stats.pages_duplex += pages
        if colour is not None:
            stats.pages_colour_known += pages
            if colour:
                stats.pages_colour += pages

    def add_job(self, job: PrintJob) -> None:
        """A job built by a general reader (custom formats); same totals as the aggregator."""
        time = job.time
        names = (job.user, job.printer, job.billing_code)
        months = self.cells.get(names) or self.new_names(names, lambda: job)
        stats = months[f"{time.year:04d}-{time.month:02d}"]
        size = job.paper_size
        factor = A4_EQUIVALENT.get(size, 1.0) if size else 1.0
        stats.jobs += 1
        stats.pages += job.pages
        stats.sheets += job.sheets
        stats.a4_sheets += job.sheets * factor
        if job.duplex is not None:
            stats.pages_duplex_known += job.pages
            if job.duplex:
                stats.pages_duplex += job.pages
        if job.colour is not None:
            stats.pages_colour_known += job.pages
            if job.colour:
                stats.pages_colour += job.pages

    def merge(self, stats: Iterable[MonthlyPrintStats]) -> None:
        """Add totals summed elsewhere (another part of the same log) into these."""
        for item in stats:
            months = self._by_department.get(item.department)
            if months is None:
                months = self._by_department[item.department] = DepartmentMonths(
                    item.department, self._stats
                )
            months[item.month].merge(item)

    @property
    def jobs(self) -> int:
        """Jobs counted so far (kept in the totals, not counted apart: one addition less)."""
        return sum(stats.jobs for stats in self._stats.values())

    def results(self) -> dict[tuple[str, str], MonthlyPrintStats]:
        """Totals keyed by ``(department, "YYYY-MM")``, sorted like the aggregator's."""
        return {key: self._stats[key] for key in sorted(self._stats)}


def _billing_code(billing: str | None) -> str | None:
    """CUPS writes ``-`` for a job without a billing code."""
    return None if billing is None or billing == "" or billing == "-" else billing
