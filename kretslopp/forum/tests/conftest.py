"""Two forums around the shared ``town``: one the test logins sit in, one they do not.

``forum_world.forum`` has the sustainability lead as chair, an external member from the
supplier (a login without a role), and the town's viewer as a member responsible for a
measure; its budget limit is 100 000 SEK and it may not decide staffing. The other forum
has no members. Each forum has a measure of the town's own department and one of the other
department, so a department reader's view can be told from a member's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest


@dataclass
class ForumWorld:
    forum: object
    other_forum: object
    staffing: object
    chair: object
    external: object
    external_user: object
    member: object
    own_measure: object  # forum, town.own, the viewer responsible
    other_measure: object  # forum, town.other
    elsewhere_own: object  # other forum, town.own
    elsewhere_other: object  # other forum, town.other
    meeting: object
    other_meeting: object


def make_measure(forum, number: int, title: str, **fields):
    from kretslopp.forum import mandate
    from kretslopp.forum.models import Measure

    topics = fields.pop("topics", [])
    measure = Measure.objects.create(forum=forum, number=number, title=title, **fields)
    measure.topics.set(topics)
    mandate.refresh_level(measure)
    return measure


@pytest.fixture
def forum_world(town) -> ForumWorld:
    from kretslopp.conftest import make_user
    from kretslopp.forum.models import Forum, ForumMember, Meeting, Topic

    staffing = Topic.objects.create(name="Bemanning")
    forum = Forum.objects.create(
        name="IT-hållbarhetsforum", mandate="Beslutar om IT-åtgärder.", budget_limit_sek=100_000
    )
    forum.excluded_topics.set([staffing])
    other_forum = Forum.objects.create(name="Fastighetsforum", budget_limit_sek=50_000)
    chair = ForumMember.objects.create(
        forum=forum, user=town.users["sustainability_lead"], name="Lea Lead", is_chair=True
    )
    external_user = make_user("supplier-rep", None)
    external = ForumMember.objects.create(
        forum=forum,
        user=external_user,
        name="Sam Supplier",
        external=True,
        organisation="Leverantören AB",
    )
    member = ForumMember.objects.create(forum=forum, user=town.users["viewer"], name="Vera Viewer")
    return ForumWorld(
        forum=forum,
        other_forum=other_forum,
        staffing=staffing,
        chair=chair,
        external=external,
        external_user=external_user,
        member=member,
        own_measure=make_measure(
            forum, 1, "Märkta mobiler", department=town.own, responsible=member
        ),
        other_measure=make_measure(forum, 2, "Duplex som standard", department=town.other),
        elsewhere_own=make_measure(other_forum, 1, "Belysning", department=town.own),
        elsewhere_other=make_measure(other_forum, 2, "Ventilation", department=town.other),
        meeting=Meeting.objects.create(forum=forum, held_on=dt.date(2025, 3, 4), agenda="Mål"),
        other_meeting=Meeting.objects.create(forum=other_forum, held_on=dt.date(2025, 3, 5)),
    )
