"""A forum with measures in every state, for the follow-up tests (reminders, snapshots …).

On 1 March 2026 (:data:`ON`):

* #1 decided, due 31 January: overdue (responsible: Kim, the coordinator's login);
* #2 in progress, no responsible person, last status update 1 December 2025: silent for
  90 days, over the forum's 30 (falls to the chair, the sustainability lead);
* #3 proposed, due 1 April, with a task of Sam's (external) due 15 February: the task is
  overdue, the measure is not;
* #4 done, due long ago: nothing (done);
* #5 cancelled, due long ago, with an overdue task: nothing (cancelled);
* #6 decided with a status update ten days ago and no due date: nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

ON = dt.date(2026, 3, 1)


@dataclass
class ForumWorld:
    forum: object
    chair: object
    kim: object
    sam: object
    measures: dict[int, object]


def build(town) -> ForumWorld:
    from kretslopp.forum.models import (
        ExpectedEffect,
        Forum,
        ForumMember,
        Measure,
        MeasureTask,
        Status,
        StatusUpdate,
    )

    lead, coordinator = town.users["sustainability_lead"], town.users["coordinator"]
    lead.email, coordinator.email = "lead@teststad.se", "kim@teststad.se"
    lead.save()
    coordinator.save()
    forum = Forum.objects.create(
        name="IT-hållbarhetsforum", budget_limit_sek=500_000, stale_update_days=30
    )
    chair = ForumMember.objects.create(forum=forum, user=lead, name="Lea Lead", is_chair=True)
    kim = ForumMember.objects.create(forum=forum, user=coordinator, name="Kim Koordinator")
    sam = ForumMember.objects.create(
        forum=forum,
        name="Sam Leverantör",
        email="sam@itpartner.se",
        external=True,
        organisation="IT-partner AB",
    )

    def measure(number: int, title: str, status: str, **fields) -> Measure:
        return Measure.objects.create(
            forum=forum, number=number, title=title, status=status, **fields
        )

    measures = {
        1: measure(
            1,
            "Skrivarkonsolidering",
            Status.DECIDED,
            responsible=kim,
            department=town.own,
            due_date=dt.date(2026, 1, 31),
            decided_on=dt.date(2025, 6, 1),
            capex_sek=200_000,
        ),
        2: measure(2, "Dubbelsidig utskrift som standard", Status.IN_PROGRESS),
        3: measure(
            3,
            "Servervirtualisering",
            Status.PROPOSED,
            responsible=kim,
            due_date=dt.date(2026, 4, 1),
            capex_sek=900_000,
        ),
        4: measure(4, "Märkta mobiler", Status.DONE, due_date=dt.date(2024, 1, 1)),
        5: measure(5, "Nattsläckning", Status.CANCELLED, due_date=dt.date(2024, 1, 1)),
        6: measure(6, "Längre livslängd för datorer", Status.DECIDED, responsible=kim),
    }
    StatusUpdate.objects.create(
        measure=measures[2], written_on=dt.date(2025, 12, 1), text="Startat i två förvaltningar."
    )
    StatusUpdate.objects.create(
        measure=measures[6], written_on=ON - dt.timedelta(days=10), text="Enligt plan."
    )
    MeasureTask.objects.create(
        measure=measures[3], title="Inventera servrar", owner=sam, due_date=dt.date(2026, 2, 15)
    )
    MeasureTask.objects.create(
        measure=measures[5], title="Avbruten uppgift", owner=sam, due_date=dt.date(2025, 1, 1)
    )
    MeasureTask.objects.create(
        measure=measures[1], title="Klar uppgift", due_date=dt.date(2025, 1, 1), done=True
    )
    ExpectedEffect.objects.create(
        measure=measures[1],
        kpi="it_energy_kwh",
        change_per_year=-50_000,
        change_low_per_year=-40_000,
        change_high_per_year=-60_000,
        unit="kWh",
        effective_from=dt.date(2025, 7, 1),
        estimation_method="40 skrivare färre × 1 250 kWh per år",
    )
    # The measures were created today, not when their story began: date them back so the
    # "silent since" fallback (decided or created) does not see them as brand new.
    Measure.objects.filter(pk__in=[m.pk for m in measures.values()]).update(
        created_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )
    return ForumWorld(forum, chair, kim, sam, measures)
