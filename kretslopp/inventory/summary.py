"""The estate in numbers — assets by department, category, status and year in use — for the
dashboards, the department pages and the department list.

Why remembered aggregates rather than a summary table kept on write
-------------------------------------------------------------------
Every figure these pages show is a sum of a few cells of one grouping of the fleet: assets
per (department, category, status, year in use) and, in custody, per (department, cost
centre). :func:`fleet_holdings` reads both groupings in two ``GROUP BY`` queries and keeps
the result in memory under :func:`assets_version`; a page then sums cells in Python, so what
it costs depends on the number of departments and categories, not on the number of assets.

A summary table updated in the writers' transactions would also be current, but it would
have to be kept right by *every* write path (form saves, lifecycle moves, imports through
the bulk writer, partner reports, restores, deletes, a catalogue model changing category)
and under concurrent writers each would update the same few hot rows — one department's
counter row serialises all writers of that department, or, without row locks, two
read-modify-write updates lose one. The remembered grouping cannot drift: it is recomputed
from the rows themselves whenever the version changes. The version is read *before* the
grouping, so what is stored under a version is never older than that version; a write
committed between the two only makes the next request recompute.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Func, IntegerField, QuerySet

from kretslopp.core.memo import Memo, Probe, data_version
from kretslopp.core.models import AuditEntry
from kretslopp.inventory import lifecycle
from kretslopp.inventory.models import Asset, ProductModel

_memo = Memo(size=8, name="inventory.summary")


#: What changes whenever the assets do, in index look-ups only (no count of the fleet,
#: which at a million rows costs tens of milliseconds on every request): the highest id
#: (a new asset), the latest ``updated_at`` (every write path stamps it: saves, lifecycle
#: moves, imports, bulk moves) and the latest audit entry (deleting an asset is audited,
#: and so is every other write).
ASSETS_VERSION: tuple[Probe, ...] = (
    (Asset, "MAX", "id"),
    (Asset, "MAX", "updated_at"),
    (AuditEntry, "MAX", "id"),
)


def assets_version() -> tuple[Any, ...]:
    return data_version(*ASSETS_VERSION)


def holdings_version() -> tuple[Any, ...]:
    """The assets' version and the catalogue's: a model changing category moves its assets
    from one category's count to another's."""
    return data_version(*ASSETS_VERSION, (ProductModel, "MAX", "updated_at"))


class YearOf(Func):
    """The year of a date column as an integer, computed by the engine itself.

    Django's ``ExtractYear`` calls a Python function once per row on SQLite; a date is
    stored there as ISO text (``YYYY-MM-DD``), so its first four characters are the year.
    """

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="CAST(EXTRACT(YEAR FROM %(expressions)s) AS integer)"
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="CAST(substr(%(expressions)s, 1, 4) AS integer)"
        )


@dataclass
class DepartmentHoldings:
    """One department's assets, counted every way its page and the lists show them."""

    by_status: Counter = field(default_factory=Counter)
    by_category: Counter = field(default_factory=Counter)  # in custody only
    #: In custody, by the year they came into use (those never in use are not counted).
    by_year_in_use: Counter = field(default_factory=Counter)
    #: In custody, by cost centre id (None: no cost centre given).
    by_cost_centre: Counter = field(default_factory=Counter)

    @property
    def in_custody(self) -> int:
        return sum(self.by_category.values())


def fleet_holdings() -> dict[int, DepartmentHoldings]:
    """Every department's holdings, computed once per :func:`holdings_version`."""
    # No transaction around the two: on SQLite it would take the write lock (the project's
    # transactions are IMMEDIATE), and reading the version first is what keeps it correct.
    return _memo.get(("holdings", holdings_version()), _group_fleet)


def forget() -> None:
    """Drop the remembered holdings (tests that load another database's fleet)."""
    _memo.clear()


def department_holdings(department_id: int) -> DepartmentHoldings:
    return fleet_holdings().get(department_id) or DepartmentHoldings()


def _group_fleet() -> dict[int, DepartmentHoldings]:
    found: dict[int, DepartmentHoldings] = {}
    rows = (
        Asset.objects.order_by()
        .values_list("department_id", "model__category", "status")
        .annotate(year=YearOf(F("in_use_date")), n=Count("pk"))
    )
    for department_id, category, status, year, n in rows:
        holdings = found.setdefault(department_id, DepartmentHoldings())
        holdings.by_status[status] += n
        if status in lifecycle.IN_CUSTODY:
            holdings.by_category[category] += n
            if year is not None:
                holdings.by_year_in_use[year] += n
    centres = (
        in_custody(Asset.objects.order_by())
        .values_list("department_id", "cost_centre_id")
        .annotate(n=Count("pk"))
    )
    for department_id, cost_centre_id, n in centres:
        found.setdefault(department_id, DepartmentHoldings()).by_cost_centre[cost_centre_id] += n
    return found


@dataclass(frozen=True)
class EstateCounts:
    """Asset counts of one scope."""

    by_status: dict[str, int]
    by_category: dict[str, int]  # in custody only
    in_custody_by_department: dict[int, int]

    @property
    def in_custody(self) -> int:
        return sum(self.by_status.get(status, 0) for status in lifecycle.IN_CUSTODY)


def in_custody(assets: QuerySet) -> QuerySet:
    """The assets the organisation holds (or its partner holds for it): the one definition
    behind every "in custody" count, on the overview and on the department pages alike."""
    return assets.filter(status__in=lifecycle.IN_CUSTODY)


def estate_counts(access) -> EstateCounts:
    """The counts of the assets ``access`` may see: sums of the remembered holdings of the
    departments it covers (nothing for a login that may not read the register)."""
    if not access.scope(Asset.objects.all()).query.is_empty():
        holdings = fleet_holdings()
        wanted = [
            (pk, found)
            for pk, found in holdings.items()
            if access.department_ids is None or pk in access.department_ids
        ]
    else:
        wanted = []
    by_status: Counter = Counter()
    by_category: Counter = Counter()
    for _pk, found in wanted:
        by_status.update(found.by_status)
        by_category.update(found.by_category)
    return EstateCounts(
        by_status=dict(by_status),
        by_category=dict(by_category),
        in_custody_by_department={pk: found.in_custody for pk, found in wanted if found.in_custody},
    )
