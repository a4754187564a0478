"""Lifecycle histories that only make legal moves, with dates that only move forward.

Every move goes through :func:`lifecycle.check_move` as it is generated, so the demo cannot
contain a history the application itself would refuse; a mistake in the generator fails the
load instead of producing a database that contradicts the state machine.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from kretslopp.inventory import lifecycle

STOCKHOLM = ZoneInfo("Europe/Stockholm")

#: Everything the demo generates happens before this date (not "today": a seed must give the
#: same database whenever it is loaded).
REFERENCE_DATE = dt.date(2026, 11, 1)


def workday(day: dt.date) -> dt.date:
    """The first weekday on or after ``day``: deliveries and returns happen on workdays."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


@dataclass(slots=True)
class Event:
    from_status: str
    to_status: str
    at: dt.datetime
    note: str = ""
    reference: str = ""


@dataclass(slots=True)
class History:
    """The moves of one asset so far; ``status`` is where the last move left it."""

    has_storage: bool
    rng: random.Random
    cutoff: dt.date = REFERENCE_DATE
    events: list[Event] = field(default_factory=list)
    status: str = ""

    @property
    def last_at(self) -> dt.datetime | None:
        return self.events[-1].at if self.events else None

    def can_happen(self, day: dt.date) -> bool:
        """Whether a move on ``day`` is in the past as seen from the reference date."""
        return workday(day) < self.cutoff

    def move(self, target: str, day: dt.date, *, note: str = "", reference: str = "") -> bool:
        """Record the move on ``day`` (moved to a workday) if it is before the cut-off.

        Returns False, and records nothing, when the day is not yet reached: the asset then
        stays in its current status, which is how "in process" and "in use" states arise.
        """
        day = workday(day)
        if day >= self.cutoff:
            return False
        if self.status:
            lifecycle.check_move(
                self.status, target, has_storage=self.has_storage, reference=reference
            )
        elif target not in lifecycle.STATUS_LABELS:
            raise lifecycle.IllegalMove(lifecycle.NOT_A_STATUS, source="", target=target)
        at = dt.datetime(
            day.year,
            day.month,
            day.day,
            self.rng.randint(8, 15),
            self.rng.randint(0, 59),
            tzinfo=STOCKHOLM,
        )
        previous = self.last_at
        if previous is not None and at <= previous:
            at = previous + dt.timedelta(minutes=self.rng.randint(5, 90))
        self.events.append(Event(self.status, target, at, note, reference))
        self.status = target
        return True

    def date_of_first(self, status: str) -> dt.date | None:
        for event in self.events:
            if event.to_status == status:
                return event.at.date()
        return None

    def end_date(self) -> dt.date | None:
        """The day the asset left custody or went missing, as ``Asset.move`` would set it."""
        if self.status in lifecycle.LEFT_CUSTODY or self.status in lifecycle.MISSING:
            return self.events[-1].at.date()
        return None


def replay(events: list[tuple[str, str, str]], *, has_storage: bool) -> str:
    """Check (from, to, reference) moves in order from ``''``; return the final status.

    Used by the tests on what the database holds: the first event must start from nothing,
    and each one must start where the previous one ended and be a legal move.
    """
    status = ""
    for source, target, reference in events:
        if source != status:
            raise lifecycle.IllegalMove(
                lifecycle.NOT_ALLOWED, source=status or "-", target=target, allowed=[]
            )
        if status:
            lifecycle.check_move(status, target, has_storage=has_storage, reference=reference)
        status = target
    return status
