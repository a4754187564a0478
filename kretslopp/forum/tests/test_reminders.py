"""Reminders list exactly the overdue and silent items, on the start page, the forum's page
and in the mail of ``kretslopp forum remind`` (responsible person, else the chair)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command

from kretslopp.forum import reminders, remindmail
from kretslopp.forum.tests.followup_world import ON, build

pytestmark = pytest.mark.django_db


def kinds(found) -> set[tuple[str, int, str]]:
    return {(r.kind, r.measure.number, r.task.title if r.task else "") for r in found}


def test_reminders_list_exactly_the_overdue_and_silent_items(town):
    world = build(town)
    assert kinds(reminders.due(on=ON)) == {
        ("overdue_measure", 1, ""),
        ("stale_measure", 2, ""),
        ("overdue_task", 3, "Inventera servrar"),
    }
    stale = next(r for r in reminders.due(on=ON) if r.kind == "stale_measure")
    assert (stale.since, stale.days) == (dt.date(2025, 12, 1), 90)
    # the day before #1's due date passes, only the silent measure and the task remain
    assert ("overdue_measure", 1, "") not in kinds(reminders.due(on=dt.date(2026, 1, 31)))
    assert kinds(reminders.for_forum(world.forum, on=ON)) == kinds(reminders.due(on=ON))


def test_a_status_update_silences_the_reminder(town):
    from kretslopp.forum.models import StatusUpdate

    world = build(town)
    StatusUpdate.objects.create(measure=world.measures[2], written_on=ON, text="Klart snart.")
    assert ("stale_measure", 2, "") not in kinds(reminders.due(on=ON))


def test_the_chain_runs_from_owner_to_responsible_to_chair(town):
    world = build(town)
    found = {r.measure.number: r for r in reminders.due(on=ON)}
    assert found[1].recipient() == world.kim
    assert found[2].recipient() == world.chair  # nobody responsible: the chair
    assert found[3].recipient() == world.sam  # the task's owner first
    world.kim.active = False
    world.kim.save()
    assert reminders.due(on=ON)[0].recipient() == world.chair


def test_each_person_sees_their_own_on_the_start_page(town):
    build(town)
    kim = reminders.for_user(town.users["coordinator"], on=ON)
    assert kinds(kim) == {("overdue_measure", 1, "")}
    lead = reminders.for_user(town.users["sustainability_lead"], on=ON)
    assert kinds(lead) == {("stale_measure", 2, "")}
    assert reminders.for_user(town.users["viewer"], on=ON) == []


def test_the_start_page_shows_the_panel_to_the_responsible_person(town, login, monkeypatch):
    build(town)
    monkeypatch.setattr(reminders, "today", lambda: ON)
    html = login(town.users["coordinator"]).get("/").content.decode()
    assert 'id="forum-reminders"' in html
    assert "Skrivarkonsolidering" in html
    assert "Servervirtualisering" not in html  # Sam's task, not Kim's
    assert 'id="forum-reminders"' not in login(town.users["viewer"]).get("/").text


def test_the_forum_page_lists_the_forums_reminders(town, login, monkeypatch):
    world = build(town)
    monkeypatch.setattr(reminders, "today", lambda: ON)
    html = login(town.users["sustainability_lead"]).get(world.forum.get_absolute_url()).text
    assert html.count('data-kind="') == 3
    assert "Inventera servrar" in html


def test_the_command_mails_each_person_their_own(town, settings):
    settings.EMAIL_HOST = "smtp.teststad.se"
    build(town)
    out = io.StringIO()
    call_command("forum", "remind", "--date", ON.isoformat(), stdout=out)
    sent = {message.to[0]: message for message in mail.outbox}
    assert set(sent) == {"kim@teststad.se", "lead@teststad.se", "sam@itpartner.se"}
    assert "Skrivarkonsolidering" in sent["kim@teststad.se"].body
    assert "Servervirtualisering" not in sent["kim@teststad.se"].body
    assert "Inventera servrar" in sent["sam@itpartner.se"].body
    assert "sedan" in sent["lead@teststad.se"].body  # Swedish, the site's language
    assert "3 mail(s) sent" in out.getvalue()


def test_without_a_mail_server_nothing_is_sent(town, settings):
    settings.EMAIL_HOST = ""
    build(town)
    out = io.StringIO()
    call_command("forum", "remind", "--date", ON.isoformat(), stdout=out)
    assert mail.outbox == []
    assert "nothing mailed" in out.getvalue()
    assert "Kim Koordinator <kim@teststad.se>:" in out.getvalue()


def test_a_person_without_an_address_passes_it_on_to_the_chair(town, settings):
    settings.EMAIL_HOST = "smtp.teststad.se"
    world = build(town)
    world.sam.email = ""
    world.sam.save()
    outcome = remindmail.run(on=ON)
    # Sam's task goes to the measure's responsible person, Kim
    assert outcome.mailed == {"kim@teststad.se": 2, "lead@teststad.se": 1}


def test_the_start_page_follows_a_status_update_at_once(town, login, monkeypatch):
    """The panel's HTML is remembered between visits, but never past a change."""
    from kretslopp.forum.models import StatusUpdate

    world = build(town)
    monkeypatch.setattr(reminders, "today", lambda: ON)
    lead = login(town.users["sustainability_lead"])
    assert 'id="forum-reminders"' in lead.get("/").text
    assert 'id="forum-reminders"' in lead.get("/").text  # the remembered page, same answer
    StatusUpdate.objects.create(measure=world.measures[2], written_on=ON, text="Klart snart.")
    assert 'id="forum-reminders"' not in lead.get("/").text
