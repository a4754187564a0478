"""Who reads and writes what of the forums (kretslopp/forum/access.py), page by page."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _get(client, user, name, *args):
    client.force_login(user)
    return client.get(reverse(name, args=args))


def _listed(client, user) -> set[str]:
    page = _get(client, user, "forum:measures")
    assert page.status_code == 200
    return {measure.title for measure in page.context["measures"]}


def test_an_external_member_sees_their_forum_and_nothing_else(client, forum_world):
    user = forum_world.external_user
    assert _get(client, user, "forum:forum", forum_world.forum.pk).status_code == 200
    assert _get(client, user, "forum:meeting", forum_world.meeting.pk).status_code == 200
    assert _get(client, user, "forum:forum", forum_world.other_forum.pk).status_code == 404
    assert _get(client, user, "forum:meeting", forum_world.other_meeting.pk).status_code == 404
    assert _get(client, user, "forum:measure", forum_world.elsewhere_own.pk).status_code == 404
    assert _listed(client, user) == {"Märkta mobiler", "Duplex som standard"}
    forums = _get(client, user, "forum:forums").context["forums"]
    assert [forum.name for forum in forums] == ["IT-hållbarhetsforum"]
    # Nothing of the municipality's own records: the login has no role.
    assert _get(client, user, "inventory:assets").status_code == 403
    assert _get(client, user, "forum:measure_create", forum_world.forum.pk).status_code == 403


def test_a_member_reads_everything_of_their_forum_whatever_their_departments(
    client, town, forum_world
):
    viewer = town.users["viewer"]  # a viewer of town.own, and a member of the forum
    assert _listed(client, viewer) == {"Märkta mobiler", "Duplex som standard", "Belysning"}
    assert _get(client, viewer, "forum:measure", forum_world.other_measure.pk).status_code == 200
    assert _get(client, viewer, "forum:meeting", forum_world.meeting.pk).status_code == 200
    assert _get(client, viewer, "forum:meeting", forum_world.other_meeting.pk).status_code == 404


def test_a_coordinator_sees_the_measures_that_concern_their_department(client, town, forum_world):
    from kretslopp.forum.models import MeasureParty

    coordinator = town.users["coordinator"]
    assert _listed(client, coordinator) == {"Märkta mobiler", "Belysning"}
    assert (
        _get(client, coordinator, "forum:measure", forum_world.other_measure.pk).status_code == 404
    )
    # not a member: the forum's page shows its measures for them, not its meetings
    page = _get(client, coordinator, "forum:forum", forum_world.forum.pk)
    assert page.status_code == 200 and not page.context["whole"]
    assert _get(client, coordinator, "forum:meeting", forum_world.meeting.pk).status_code == 404
    # a party of their department makes a measure theirs to see too
    MeasureParty.objects.create(
        measure=forum_world.other_measure, department=town.own, role="Pilot"
    )
    assert "Duplex som standard" in _listed(client, coordinator)


def test_organisation_wide_readers_read_every_forum_and_write_nothing(client, town, forum_world):
    viewer_all = town.users["viewer_all"]
    assert len(_listed(client, viewer_all)) == 4
    assert (
        _get(client, viewer_all, "forum:meeting", forum_world.other_meeting.pk).status_code == 200
    )
    assert _get(client, viewer_all, "forum:forum_create").status_code == 403
    response = client.post(
        reverse("forum:update_add", args=[forum_world.own_measure.pk]), {"text": "x"}
    )
    assert response.status_code == 403


def test_the_sustainability_lead_chairs_and_writes(client, town, forum_world):
    lead = town.users["sustainability_lead"]
    client.force_login(lead)
    response = client.post(
        reverse("forum:measure_create", args=[forum_world.forum.pk]),
        {
            "title": "Längre livslängd för datorer",
            "capex_sek": "0",
            "opex_sek_per_year": "0",
            "new_topics": "Datorer",
        },
    )
    assert response.status_code == 302
    from kretslopp.forum.models import Measure

    created = Measure.objects.get(title="Längre livslängd för datorer")
    assert created.number == 3
    assert [topic.name for topic in created.topics.all()] == ["Datorer"]


def test_the_responsible_member_updates_their_measure_and_no_other(client, town, forum_world):
    viewer = town.users["viewer"]
    client.force_login(viewer)
    own = forum_world.own_measure
    assert (
        client.post(
            reverse("forum:update_add", args=[own.pk]),
            {"written_on": "2025-05-02", "text": "Upphandlat."},
        ).status_code
        == 302
    )
    assert own.status_updates.get().author == viewer
    assert (
        client.post(
            reverse("forum:task_add", args=[own.pk]),
            {"title": "Inventera", "due_date": "2025-06-01"},
        ).status_code
        == 302
    )
    other = forum_world.other_measure
    assert (
        client.post(
            reverse("forum:update_add", args=[other.pk]), {"written_on": "2025-05-02", "text": "x"}
        ).status_code
        == 403
    )
    assert (
        client.post(reverse("forum:task_add", args=[other.pk]), {"title": "x"}).status_code == 403
    )
    # a decision is not theirs to make
    response = client.post(
        reverse("forum:measure_move", args=[own.pk]), {"to": "decided", "on": "2025-05-02"}
    )
    assert response.status_code == 200
    assert "ordförande" in " ".join(response.context["move_form"].non_field_errors())


def test_a_task_owner_marks_their_own_task_done(client, town, forum_world):
    from kretslopp.forum.models import MeasureTask

    task = MeasureTask.objects.create(
        measure=forum_world.other_measure, title="Byt drivrutin", owner=forum_world.external
    )
    client.force_login(town.users["viewer"])  # a member, but neither responsible nor owner
    assert client.post(reverse("forum:task_done", args=[task.pk])).status_code == 403
    client.force_login(forum_world.external_user)
    assert client.post(reverse("forum:task_done", args=[task.pk])).status_code == 302
    task.refresh_from_db()
    assert task.done and task.done_on is not None


def test_an_external_members_login_lands_on_their_forum(client, forum_world):
    client.force_login(forum_world.external_user)
    home = client.get(reverse("home"), follow=True)
    assert home.redirect_chain[-1][0] == reverse("forum:forum", args=[forum_world.forum.pk])
    forum_world.external.active = False
    forum_world.external.save()
    client.force_login(forum_world.external_user)
    assert client.get(reverse("organisation:no_role")).status_code == 200


def test_a_department_page_panel_lists_the_open_measures_that_concern_it(rf, town, forum_world):
    from kretslopp.core.registry import registry
    from kretslopp.organisation.access import access_for

    panel = registry.department_panels["forum:measures"]
    request = rf.get("/")
    request.user = town.users["coordinator"]
    context = panel.context(request, access_for(request.user), department=town.own)
    assert {m.title for m in context["measures"]} == {"Märkta mobiler", "Belysning"}
    request.user = town.users["coordinator"]
    assert panel.context(request, access_for(request.user), department=town.other) is None
