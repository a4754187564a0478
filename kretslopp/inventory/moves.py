"""Many lifecycle moves at once, for hand-overs and partner reports of thousands of devices.

``Asset.move`` locks, checks, writes an event and saves one asset at a time (about eight
queries); a 7,500-row partner report with three moves per device would take minutes that
way. This module makes the *same* decisions — every step goes through
``lifecycle.check_move`` against the locked current status, and the dates that change with
the status come from ``lifecycle.dates_after_move`` — and then writes events, statuses and
audit entries in bulk. Anything the lifecycle refuses stops the whole batch before a single
row is written, so the caller's transaction never half-applies.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from kretslopp.core import audit, bulk
from kretslopp.inventory import lifecycle
from kretslopp.inventory.models import Asset, LifecycleEvent

BATCH = 1000
EVENT_COLUMNS = ("asset_id", "from_status", "to_status", "at", "actor_id", "note", "reference")


@dataclass(frozen=True)
class Planned:
    """The moves one asset is to make, starting from the status the caller expects."""

    asset_id: int
    expected: str
    steps: Sequence[lifecycle.Step]


class BulkMoveRefused(Exception):
    """One asset could not move; carries the asset id and the lifecycle's reason."""

    def __init__(self, asset_id: int, error: lifecycle.IllegalMove) -> None:
        super().__init__(str(error))
        self.asset_id = asset_id
        self.error = error


@dataclass
class _Locked:
    """What the moves of one asset are decided on, read under the row lock."""

    status: str
    has_storage: bool
    tag: str
    in_use_date: dt.date | None
    end_date: dt.date | None
    status_changed_at: dt.datetime | None


def move_many(plans: Iterable[Planned], *, by: Any = None, at: dt.datetime | None = None) -> int:
    """Apply every plan or none (raises :class:`BulkMoveRefused`); returns the moves made."""
    plans = list(plans)
    if not plans:
        return 0
    when = at or timezone.now()
    on = timezone.localdate(when)
    actor = by if getattr(by, "pk", None) else None
    with transaction.atomic():
        current = _locked_states(plan.asset_id for plan in plans)
        events: list[tuple] = []
        # (final status, the dates it changes) → the assets that end up so.
        finals: dict[tuple[str, tuple], list[int]] = defaultdict(list)
        audits: list[tuple] = []
        who = audit.actor_id(actor)
        for plan in plans:
            asset = current[plan.asset_id]
            status = asset.status
            for step in plan.steps:
                try:
                    lifecycle.check_move(
                        status, step.target, has_storage=asset.has_storage, reference=step.reference
                    )
                except lifecycle.IllegalMove as error:
                    raise BulkMoveRefused(plan.asset_id, error) from None
                events.append(
                    (plan.asset_id, status, step.target, when, who, step.note, step.reference)
                )
                status = step.target
            dates = lifecycle.dates_after_move(
                status, on, in_use_date=asset.in_use_date, end_date=asset.end_date
            )
            finals[(status, tuple(sorted(dates.items())))].append(plan.asset_id)
            audits.append(
                (plan.asset_id, asset.tag, "update", _audited(asset, status, when, dates))
            )
        bulk.insert(LifecycleEvent, EVENT_COLUMNS, events)
        _write_statuses(finals, when)
        audit.record_many(Asset, audits, by=actor)
    return len(events)


def _audited(
    asset: _Locked, status: str, when: dt.datetime, dates: dict[str, Any]
) -> dict[str, list]:
    """The audit entry's changes: status, its time stamp and dates, as a save would record."""
    changes: dict[str, list] = {"status": [asset.status, status]}
    for name, value in {"status_changed_at": when, **dates}.items():
        old = getattr(asset, name)
        changes[name] = [audit.text(old), audit.text(value)]
    return changes


def _locked_states(asset_ids: Iterable[int]) -> dict[int, _Locked]:
    ids = list(asset_ids)
    found: dict[int, _Locked] = {}
    columns = (
        "pk", "status", "has_storage", "asset_tag", "in_use_date", "end_date", "status_changed_at",
    )  # fmt: skip
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = Asset.objects.select_for_update().filter(pk__in=chunk).values_list(*columns)
        found.update({pk: _Locked(*rest) for pk, *rest in rows})
    return found


def _write_statuses(finals: dict[tuple[str, tuple], list[int]], when: dt.datetime) -> None:
    for (status, dates), ids in finals.items():
        values: dict[str, Any] = {"status": status, "status_changed_at": when, "updated_at": when}
        values.update(dates)
        for start in range(0, len(ids), BATCH):
            Asset.objects.filter(pk__in=ids[start : start + BATCH]).update(**values)
