"""The forum's pages as the chair uses them: a meeting, its minutes, decisions, a measure."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from kretslopp.core.models import AuditEntry
from kretslopp.forum.models import Decision, Meeting, MeetingAttachment, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def chair_client(client, town):
    client.force_login(town.users["sustainability_lead"])
    return client


def test_a_meeting_with_attendees_minutes_an_attachment_and_numbered_decisions(
    chair_client, forum_world
):
    forum = forum_world.forum
    response = chair_client.post(
        reverse("forum:meeting_create", args=[forum.pk]),
        {
            "held_on": "2025-09-10",
            "agenda": "1. Mobiler",
            "attendees": [forum_world.chair.pk, forum_world.external.pk],
            "minutes": "Vi beslutade.",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(held_on="2025-09-10")
    assert set(meeting.attendees.all()) == {forum_world.chair, forum_world.external}
    upload = SimpleUploadedFile("protokoll.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    assert (
        chair_client.post(
            reverse("forum:attachment_add", args=[meeting.pk]), {"file": upload}
        ).status_code
        == 302
    )
    attachment = MeetingAttachment.objects.get()
    download = chair_client.get(reverse("forum:attachment", args=[attachment.pk]))
    assert download.content == b"%PDF-1.4 signed"
    assert download["Content-Disposition"].startswith("attachment;")
    for text in ("Första beslutet", "Andra beslutet"):
        chair_client.post(reverse("forum:decision_add", args=[meeting.pk]), {"text": text})
    assert list(Decision.objects.filter(meeting=meeting).values_list("reference", flat=True)) == [
        "2025:1",
        "2025:2",
    ]
    duplicate = chair_client.post(
        reverse("forum:decision_add", args=[meeting.pk]), {"text": "x", "reference": "2025:1"}
    )
    assert duplicate.status_code == 200 and Decision.objects.count() == 2
    page = chair_client.get(reverse("forum:meeting", args=[meeting.pk]))
    assert "protokoll.pdf" in page.content.decode() and "2025:2" in page.content.decode()


@override_settings(IMPORT_MAX_UPLOAD_MB=1)
def test_an_attachment_over_the_upload_limit_is_refused(chair_client, forum_world):
    upload = SimpleUploadedFile("stor.pdf", b"x" * (1024 * 1024 + 1))
    response = chair_client.post(
        reverse("forum:attachment_add", args=[forum_world.meeting.pk]), {"file": upload}
    )
    assert response.status_code == 200
    assert "stor.pdf" in " ".join(response.context["attachment_form"].errors["file"])
    assert not MeetingAttachment.objects.exists()


def test_a_refused_decision_shows_its_reason_and_every_change_shows_in_the_history(
    chair_client, forum_world
):
    measure = forum_world.own_measure
    edit = reverse("forum:measure_edit", args=[measure.pk])
    form = chair_client.get(edit).context["form"]
    data = {
        "title": measure.title,
        "capex_sek": "250000",
        "opex_sek_per_year": "0",
        "seen": form["seen"].value(),
        "responsible": forum_world.member.pk,
    }
    assert chair_client.post(edit, data).status_code == 302
    measure.refresh_from_db()
    assert measure.decision_level == "escalated"
    refused = chair_client.post(
        reverse("forum:measure_move", args=[measure.pk]), {"to": "decided", "on": "2025-05-02"}
    )
    assert "kan inte besluta" in " ".join(refused.context["move_form"].non_field_errors())
    chair_client.post(
        reverse("forum:measure_escalate", args=[measure.pk]),
        {"body": "Kommunstyrelsen", "escalated_on": "2025-05-03"},
    )
    escalation = measure.escalations.get()
    chair_client.post(
        reverse("forum:escalation_outcome", args=[escalation.pk]),
        {"outcome": "approved", "outcome_on": "2025-06-01"},
    )
    measure.refresh_from_db()
    assert measure.status == Status.DECIDED
    page = chair_client.get(reverse("forum:measure", args=[measure.pk]))
    assert page.status_code == 200
    history = page.context["history"]
    measure_fields = {change.field for part, item in history if not part for change in item.changes}
    assert len(measure_fields) >= 3  # the budget, the decision level, then the status
    escalation_entries = [item.entry.action for part, item in history if part]
    assert escalation_entries == ["update", "create"]  # the outcome, then the escalation
    assert any(part for part, _item in history)  # the escalation's own entries are there
    assert AuditEntry.objects.filter(object_repr__contains=measure.title, action="update").exists()


def test_the_stale_edit_guard_protects_a_measure(client, town, forum_world):
    from kretslopp.conftest import refusal_of, save_over_a_colleague

    url = reverse("forum:measure_edit", args=[forum_world.own_measure.pk])
    admin, lead = town.users["administrator"], town.users["sustainability_lead"]
    response, _sent = save_over_a_colleague(
        client,
        url,
        me=admin,
        colleague=lead,
        mine={"title": "Min titel"},
        theirs={"capex_sek": "5"},
    )
    assert "changed this record" in refusal_of(response) or "ändrade" in refusal_of(response)


def test_pages_have_an_empty_state_that_says_what_to_do(chair_client):
    page = chair_client.get(reverse("forum:forums"))
    assert page.status_code == 200
    assert "forum" in page.content.decode().lower()
    assert chair_client.get(reverse("forum:measures")).status_code == 200


@pytest.fixture
def energy_kpi():
    """A KPI in the registry's store, as the energy app registers its own."""
    from kretslopp.core.registry import KpiEntry, registry

    had = registry.kpis.get("it_energy_kwh")
    registry.kpis.register(
        "it_energy_kwh", KpiEntry("it_energy_kwh", "It-energi", "kWh", "decrease", lambda *a: None)
    )
    yield
    if had is None:
        registry.kpis.unregister("it_energy_kwh")
    else:
        registry.kpis.register("it_energy_kwh", had)


def test_an_expected_effect_names_a_registered_kpi_and_a_range_around_it(
    chair_client, forum_world, energy_kpi
):
    url = reverse("forum:effect_add", args=[forum_world.own_measure.pk])
    effect = {"kpi": "it_energy_kwh", "change_per_year": "-12000", "effective_from": "2026-01-01"}
    wrong = chair_client.post(url, effect | {"change_low_per_year": "-9000"})
    assert "change_low_per_year" in wrong.context["effect_form"].errors
    unknown = chair_client.post(url, effect | {"kpi": "made_up"})
    assert "kpi" in unknown.context["effect_form"].errors
    assert chair_client.post(url, effect | {"change_low_per_year": "-15000"}).status_code == 302
    saved = forum_world.own_measure.expected_effects.get()
    assert (saved.unit, saved.change_per_year, saved.kpi_label) == ("kWh", -12000, "It-energi")


def test_relations_are_on_the_trail_and_an_attachment_is_recorded_without_its_bytes(
    chair_client, forum_world
):
    forum = forum_world.forum
    edit = reverse("forum:forum_edit", args=[forum.pk])
    form = chair_client.get(edit).context["form"]
    data = {
        "name": forum.name,
        "budget_limit_sek": "100000",
        "stale_update_days": "60",
        "new_topics": "Avtal",
        "excluded_topics": [forum_world.staffing.pk],
        "seen": form["seen"].value(),
    }
    assert chair_client.post(edit, data).status_code == 302
    change = AuditEntry.objects.filter(changes__has_key="excluded_topics").get()
    assert change.changes["excluded_topics"] == ["Bemanning", "Avtal, Bemanning"]
    upload = SimpleUploadedFile("bilder.pdf", b"SECRET-BYTES")
    chair_client.post(
        reverse("forum:attachment_add", args=[forum_world.meeting.pk]), {"file": upload}
    )
    entry = AuditEntry.objects.filter(object_repr="bilder.pdf").get()
    assert entry.changes["size_bytes"] == [None, "12"]
    assert "SECRET" not in str(entry.changes)


def test_a_login_is_a_member_of_a_forum_once(chair_client, town, forum_world):
    url = reverse("forum:member_add", args=[forum_world.forum.pk])
    again = {"name": "Lea igen", "user": town.users["sustainability_lead"].pk, "active": "on"}
    response = chair_client.post(url, again)
    assert response.status_code == 200 and "user" in response.context["form"].errors
