"""Routines between campaigns: devices that should have come back, and lost or stolen ones.

"Not returned": someone got a newer device of the same category more than N days ago and the
old one is still registered as in use with them. That is the device a coordinator chases,
because it is where reuse value (and often personal data) is quietly lost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from kretslopp.inventory import due, lifecycle
from kretslopp.inventory.models import Asset
from kretslopp.organisation.access import Access

DEFAULT_DAYS = 30
MAX_DAYS = 3650


def parse_days(text: str | None, default: int) -> int:
    """N from a query parameter, within 1..3650; anything else means the default."""
    try:
        days = int(text or "")
    except ValueError:
        return default
    return days if 1 <= days <= MAX_DAYS else default


def not_returned(access: Access, days: int, today: dt.date | None = None) -> QuerySet:
    """Old devices still in use whose assignee got a replacement more than ``days`` ago.

    Annotated with ``replaced_on`` (the replacement's in-use date) and ``replacement_tag``.
    The replacement is looked for in the whole organisation (someone who moved on still has
    to hand the old device back), but its tag only where the user may read it: for a
    replacement booked on another department, ``replacement_tag`` is None.
    """
    cutoff = (today or timezone.localdate()) - dt.timedelta(days=days)
    # The same definition as the asset list's "not returned after replacement" filter.
    newer = due.replacement_of(cutoff).order_by("in_use_date", "pk")
    readable = access.scope(Asset.objects.filter(pk=OuterRef("replacement_id")))
    return (
        access.scope(Asset.objects.filter(status=lifecycle.IN_USE, assignee__isnull=False))
        .filter(in_use_date__isnull=False)
        .annotate(
            replaced_on=Subquery(newer.values("in_use_date")[:1]),
            replacement_id=Subquery(newer.values("pk")[:1]),
        )
        .filter(replaced_on__isnull=False)
        .annotate(replacement_tag=Subquery(readable.values("asset_tag")[:1]))
        .select_related("model__manufacturer", "department", "assignee")
        .order_by("department__name", "replaced_on", "asset_tag")
    )


@dataclass(frozen=True)
class DepartmentCount:
    name: str
    count: int


def per_department(assets: QuerySet) -> list[DepartmentCount]:
    counts: dict[str, int] = {}
    for name in assets.values_list("department__name", flat=True):
        counts[name] = counts.get(name, 0) + 1
    return [DepartmentCount(name, n) for name, n in sorted(counts.items(), key=lambda p: -p[1])]


def lost_and_stolen(access: Access) -> QuerySet:
    """The register of devices reported lost or stolen, newest first."""
    return (
        access.scope(Asset.objects.filter(status__in=lifecycle.MISSING))
        .select_related("model__manufacturer", "department")
        .order_by("-status_changed_at", "asset_tag")
    )
