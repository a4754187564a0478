"""What needs chasing: overdue measures and tasks, and measures nobody has reported on.

One function decides what is overdue (:func:`due`), and the start page panel, the forum's
page and the ``kretslopp forum remind`` command all read it, so the three can never disagree.

* a measure is overdue when its due date has passed and it is still open (proposed, decided
  or in progress);
* a task is overdue when its due date has passed, it is not done and its measure is still
  open;
* a measure under way (decided or in progress) is *stale* when it has had no status update
  for the forum's ``stale_update_days`` (counted from its last update, or from when it was
  decided or created if it has none) — unless it is already listed as overdue.

Who is reminded follows a chain: a task's owner, else the measure's responsible person, else
the forum's chair; a measure's responsible person, else the chair. A person without an
e-mail address passes the reminder on to the next in the chain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, QuerySet
from django.utils import timezone

from kretslopp.forum.models import Forum, ForumMember, Measure, MeasureTask, Status

OPEN: tuple[str, ...] = (Status.PROPOSED, Status.DECIDED, Status.IN_PROGRESS)
UNDER_WAY: tuple[str, ...] = (Status.DECIDED, Status.IN_PROGRESS)

OVERDUE_MEASURE = "overdue_measure"
OVERDUE_TASK = "overdue_task"
STALE_MEASURE = "stale_measure"
KINDS = (OVERDUE_MEASURE, OVERDUE_TASK, STALE_MEASURE)


@dataclass(frozen=True)
class Reminder:
    """One thing to chase. ``since`` is the due date, or the date of the last update."""

    kind: str
    measure: Measure
    task: MeasureTask | None
    since: dt.date
    days: int  # overdue by, or without an update for

    @property
    def forum(self) -> Forum:
        return self.measure.forum

    @property
    def title(self) -> str:
        return self.task.title if self.task is not None else self.measure.title

    def chain(self) -> list[ForumMember]:
        """Who should act, first to last: task owner, responsible person, the forum's chair."""
        people: list[ForumMember | None] = []
        if self.task is not None:
            people.append(self.task.owner)
        people.append(self.measure.responsible)
        people.extend(chairs_of(self.measure.forum))
        seen: set[int] = set()
        chain = []
        for person in people:
            if person is not None and person.active and person.pk not in seen:
                seen.add(person.pk)
                chain.append(person)
        return chain

    def recipient(self) -> ForumMember | None:
        """The first in the chain with an e-mail address (None: nobody can be mailed)."""
        return next((person for person in self.chain() if person.contact_email), None)


def chairs_of(forum: Forum) -> list[ForumMember]:
    """The forum's active chairs (read once per forum object)."""
    cached = getattr(forum, "_active_chairs", None)
    if cached is None:
        cached = list(forum.members.filter(is_chair=True, active=True).select_related("user"))
        forum._active_chairs = cached
    return cached


def today() -> dt.date:
    return timezone.localdate()


def due(measures: QuerySet | None = None, *, on: dt.date | None = None) -> list[Reminder]:
    """Every reminder for ``measures`` (default: all) on the day ``on`` (default: today)."""
    on = on or today()
    measures = Measure.objects.all() if measures is None else measures
    related = ("forum", "responsible", "responsible__user")
    found: list[Reminder] = []
    overdue = measures.filter(status__in=OPEN, due_date__lt=on).select_related(*related)
    for measure in overdue:
        found.append(
            Reminder(OVERDUE_MEASURE, measure, None, measure.due_date, (on - measure.due_date).days)
        )
    tasks = (
        MeasureTask.objects.filter(
            measure__in=measures.filter(status__in=OPEN), done=False, due_date__lt=on
        )
        .select_related("owner", "owner__user", *(f"measure__{name}" for name in related))
        .order_by("due_date", "pk")
    )
    for task in tasks:
        found.append(
            Reminder(OVERDUE_TASK, task.measure, task, task.due_date, (on - task.due_date).days)
        )
    under_way = (
        measures.filter(status__in=UNDER_WAY)
        .annotate(last_update=Max("status_updates__written_on"))
        .select_related(*related)
    )
    overdue_ids = {r.measure.pk for r in found}
    for measure in under_way:
        if measure.pk in overdue_ids:  # already chased as overdue: one reminder is enough
            continue
        last = measure.last_update or measure.decided_on or timezone.localdate(measure.created_at)
        silent = (on - last).days
        if silent > measure.forum.stale_update_days:
            found.append(Reminder(STALE_MEASURE, measure, None, last, silent))
    found.sort(key=lambda r: (r.forum.name, KINDS.index(r.kind), -r.days, r.measure.number))
    _read_chairs_once(found)
    return found


def _read_chairs_once(reminders: list[Reminder]) -> None:
    """Every forum's chairs in one query, so a start page's reminders cost no query each."""
    forum_ids = {reminder.measure.forum_id for reminder in reminders}
    chairs: dict[int, list[ForumMember]] = {forum_id: [] for forum_id in forum_ids}
    members = ForumMember.objects.filter(forum_id__in=forum_ids, is_chair=True, active=True)
    for member in members.select_related("user"):
        chairs[member.forum_id].append(member)
    for reminder in reminders:
        reminder.measure.forum._active_chairs = chairs[reminder.measure.forum_id]


def for_forum(forum: Forum, *, on: dt.date | None = None) -> list[Reminder]:
    """The forum page's list: every reminder of the forum."""
    return due(forum.measures.all(), on=on)


def for_user(user: Any, *, on: dt.date | None = None) -> list[Reminder]:
    """A person's start page: what they must chase as task owner or responsible person.

    A measure with no active responsible person falls to the forum's chair, so the chair
    sees those too (the same chain as the mail).
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    mine = ForumMember.objects.filter(user=user, active=True)
    member_ids = set(mine.values_list("pk", flat=True))
    if not member_ids:
        return []
    relevant = Measure.objects.filter(forum_id__in=mine.values("forum_id"))
    return [
        reminder
        for reminder in due(relevant, on=on)
        if (chain := reminder.chain()) and chain[0].pk in member_ids
    ]


def by_recipient(
    reminders: Iterable[Reminder],
) -> tuple[dict[ForumMember, list[Reminder]], list[Reminder]]:
    """Reminders grouped by whom to mail, and those nobody in the chain can be mailed."""
    grouped: dict[ForumMember, list[Reminder]] = {}
    unreachable: list[Reminder] = []
    for reminder in reminders:
        person = reminder.recipient()
        if person is None:
            unreachable.append(reminder)
        else:
            grouped.setdefault(person, []).append(reminder)
    return grouped, unreachable
