"""The estate in numbers — assets by status, category and department — for the dashboards.

Counting 100,000 assets three ways costs tens of milliseconds per request; the counts only
change when an asset does. They are remembered per scope (the departments a user sees)
under :func:`assets_version`, which changes on every create, save, bulk write and delete.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from kretslopp.core.memo import Memo, Probe, data_version
from kretslopp.inventory import lifecycle
from kretslopp.inventory.models import Asset

_memo = Memo(size=64)


#: How many assets there are and when the last one changed: two index look-ups. Every
#: write path stamps ``updated_at`` (saves, imports, bulk moves) and a delete lowers the
#: count, so any change to the assets changes this pair.
ASSETS_VERSION: tuple[Probe, ...] = ((Asset, "COUNT", "*"), (Asset, "MAX", "updated_at"))


def assets_version() -> tuple[Any, ...]:
    return data_version(*ASSETS_VERSION)


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


def categories_in_custody(assets: QuerySet) -> dict[str, int]:
    """How many of ``assets`` are in custody, per catalogue category."""
    return dict(
        in_custody(assets).order_by().values_list("model__category").annotate(n=Count("pk"))
    )


def estate_counts(access) -> EstateCounts:
    """The counts of the assets ``access`` may see, computed once per data version."""
    key = ("estate", access.department_ids, assets_version())
    return _memo.get(key, lambda: _count(access.scope(Asset.objects.all())))


def _count(assets) -> EstateCounts:
    plain = assets.order_by()
    return EstateCounts(
        by_status=dict(plain.values_list("status").annotate(n=Count("pk"))),
        by_category=categories_in_custody(plain),
        in_custody_by_department=dict(
            in_custody(plain).values_list("department_id").annotate(n=Count("pk"))
        ),
    )
