"""Many lifecycle moves at once, for hand-overs and partner reports of thousands of devices.

``Asset.move`` locks, checks, writes an event and saves one asset at a time (about eight
queries); a 7,500-row partner report with three moves per device would take minutes that
way. This module makes the *same* decision — every step goes through
``lifecycle.check_move`` against the locked current status — and then writes events, statuses
and audit entries in bulk. Anything the lifecycle refuses stops the whole batch before a
single row is written, so the caller's transaction never half-applies.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from kretslopp.circular import fastwrite
from kretslopp.circular.outcomes import Step
from kretslopp.inventory import lifecycle
from kretslopp.inventory.models import Asset, LifecycleEvent

BATCH = 1000
EVENT_COLUMNS = ("asset_id", "from_status", "to_status", "at", "actor_id", "note", "reference")


@dataclass(frozen=True)
class Planned:
    """The moves one asset is to make, starting from the status the caller expects."""

    asset_id: int
    expected: str
    steps: Sequence[Step]


class BulkMoveRefused(Exception):
    """One asset could not move; carries the asset id and the lifecycle's reason."""

    def __init__(self, asset_id: int, error: lifecycle.IllegalMove) -> None:
        super().__init__(str(error))
        self.asset_id = asset_id
        self.error = error


def move_many(plans: Iterable[Planned], *, by: Any = None, at: dt.datetime | None = None) -> int:
    """Apply every plan or none (raises :class:`BulkMoveRefused`); returns the moves made."""
    plans = list(plans)
    if not plans:
        return 0
    when = at or timezone.now()
    actor = by if getattr(by, "pk", None) else None
    with transaction.atomic():
        current = _locked_states(p.asset_id for p in plans)
        events: list[tuple] = []
        finals: dict[tuple[str, bool], list[int]] = defaultdict(list)
        audits: list[tuple] = []
        who = fastwrite.actor_id(actor)
        for plan in plans:
            status, has_storage, tag = current[plan.asset_id]
            for step in plan.steps:
                try:
                    lifecycle.check_move(
                        status, step.target, has_storage=has_storage, reference=step.reference
                    )
                except lifecycle.IllegalMove as error:
                    raise BulkMoveRefused(plan.asset_id, error) from None
                events.append(
                    (plan.asset_id, status, step.target, when, who, step.note, step.reference)
                )
                status = step.target
            first = current[plan.asset_id][0]
            finals[(status, _ends_custody(status))].append(plan.asset_id)
            audits.append((plan.asset_id, tag, "update", {"status": [first, status]}))
        fastwrite.insert(LifecycleEvent, EVENT_COLUMNS, events)
        _write_statuses(finals, when)
        fastwrite.audit_rows(Asset, audits, by=actor)
    return len(events)


def _locked_states(asset_ids: Iterable[int]) -> dict[int, tuple[str, bool, str]]:
    ids = list(asset_ids)
    found: dict[int, tuple[str, bool, str]] = {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = (
            Asset.objects.select_for_update()
            .filter(pk__in=chunk)
            .values_list("pk", "status", "has_storage", "asset_tag")
        )
        found.update({pk: (status, storage, tag) for pk, status, storage, tag in rows})
    return found


def _ends_custody(status: str) -> bool:
    return status in lifecycle.LEFT_CUSTODY or status in lifecycle.MISSING


def _write_statuses(finals: dict[tuple[str, bool], list[int]], when: dt.datetime) -> None:
    today = timezone.localdate(when)
    for (status, ends), ids in finals.items():
        values: dict[str, Any] = {"status": status, "status_changed_at": when, "updated_at": when}
        if ends:
            values["end_date"] = today
        elif status == lifecycle.IN_STOCK:
            values["end_date"] = None
        for start in range(0, len(ids), BATCH):
            Asset.objects.filter(pk__in=ids[start : start + BATCH]).update(**values)
