"""The register round trip: export → the same file imports back through the one pipeline;
bad rows get located errors and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kretslopp.conftest import downloaded
from kretslopp.forum import register
from kretslopp.forum.models import Forum, Measure, Status
from kretslopp.forum.tests.followup_world import build
from kretslopp.imports import pipeline, runs
from kretslopp.imports.models import ImportJob, JobState
from kretslopp.organisation.access import access_for
from kretslopp.tabular import open_table

pytestmark = pytest.mark.django_db


def _export(client, forum, fmt="xlsx") -> bytes:
    response = client.get(reverse("forum:register_export", args=[forum.pk, fmt]))
    assert response.status_code == 200
    return downloaded(response)


def _run(content: bytes, name: str, user, *, dry_run=False):
    table = open_table(content, name)
    target = register.MeasureRegisterTarget()
    mapping = runs.decide_mapping(target, table.headers)
    context = pipeline.Context(
        access=access_for(user), actor=user, options=pipeline.Options(dry_run=dry_run),
        file_name=name,
    )  # fmt: skip
    return pipeline.run(table, target, mapping, context)


def _state() -> list[tuple]:
    return list(
        Measure.objects.order_by("forum", "number").values_list(
            "forum__name", "number", "title", "status", "responsible__name", "department__code",
            "start_date", "due_date", "capex_sek", "opex_sek_per_year", "description",
        )
    )  # fmt: skip


@pytest.mark.parametrize("fmt, name", [("xlsx", "register.xlsx"), ("csv", "register.csv"),
                                       ("csv-sv", "register-excel-sv.csv")])  # fmt: skip
def test_the_export_imports_back_unchanged(town, login, fmt, name):
    world = build(town)
    lead = town.users["sustainability_lead"]
    content = _export(login(lead), world.forum, fmt)
    before = _state()
    result = _run(content, name, lead)
    assert result.status == "committed", [p.message for p in result.problems]
    assert (result.counts.created, result.counts.updated) == (0, 0)
    assert result.counts.unchanged == 6
    assert _state() == before


def test_an_edited_export_creates_and_updates(town, login):
    world = build(town)
    lead = town.users["sustainability_lead"]
    text = _export(login(lead), world.forum, "csv").decode("utf-8-sig")
    lines = text.splitlines()
    header = lines[0].split(",")
    assert header == register.headers()
    lines[1] = lines[1].replace("Skrivarkonsolidering", "Färre skrivare")
    lines.append("IT-hållbarhetsforum,,Videomöten som standard,,föreslagen,Kim Koordinator,GRF,,,"
                 "2026-12-31,0,12000")  # fmt: skip
    result = _run("\n".join(lines).encode(), "register.csv", lead)
    assert result.status == "committed", [p.message for p in result.problems]
    assert (result.counts.created, result.counts.updated) == (1, 1)
    new = Measure.objects.get(title="Videomöten som standard")
    assert (new.number, new.status, new.responsible, new.due_date) == (
        7, Status.PROPOSED, world.kim, dt.date(2026, 12, 31)
    )  # fmt: skip
    assert Measure.objects.get(number=1).title == "Färre skrivare"


MALFORMED = (
    "Forum,Nummer,Titel,Beskrivning,Status,Ansvarig person,Förvaltningskod,Områden,"
    "Startdatum,Klart senast,Investering (kr),Driftkostnad (kr per år)\n"
    "IT-hållbarhetsforum,,Ny bra åtgärd,,föreslagen,,,,,,0,0\n"
    "Okänt forum,,Något,,föreslagen,,,,,,0,0\n"
    "IT-hållbarhetsforum,,Stor investering,,beslutad,,,,,,900000,0\n"
    "IT-hållbarhetsforum,,,,påhittad,Ingen Alls,XX,,31/31/2026,,-5,abc\n"
    "IT-hållbarhetsforum,4,Märkta mobiler,,föreslagen,,,,,,0,0\n"
)


def test_a_malformed_register_gets_located_errors_and_writes_nothing(town):
    world = build(town)
    before = _state()
    result = _run(MALFORMED.encode(), "register.csv", town.users["sustainability_lead"])
    assert result.status == "rejected"
    located = {(p.row, p.column) for p in result.errors}
    assert (3, "Forum") in located  # unknown forum
    assert (4, "Status") in located  # over the mandate: not the forum's to decide
    assert next(p for p in result.errors if p.row == 4).value == "beslutad"  # as written
    for column in ("Titel", "Status", "Ansvarig person", "Förvaltningskod", "Startdatum",
                   "Investering (kr)", "Driftkostnad (kr per år)"):  # fmt: skip
        assert (5, column) in located, column
    assert (6, "Status") in located  # done → proposed is not a legal move
    assert all(p.row != 2 for p in result.errors)  # the good row is fine, but not written
    mandate = next(p for p in result.errors if p.row == 4)
    assert "900" in mandate.message and "500" in mandate.message
    assert _state() == before
    assert Forum.objects.get(pk=world.forum.pk).measures.count() == 6


def test_the_web_import_previews_then_writes_on_confirmation(town, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build(town)
    client = login(town.users["sustainability_lead"])
    content = _export(client, world.forum, "csv").decode("utf-8-sig")
    content += "IT-hållbarhetsforum,,Återbruk av skärmar,,föreslagen,,,,,,0,0\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("register.csv", content.encode(), content_type="text/csv")
    response = client.post(reverse("forum:register_import"), {"file": upload})
    job = ImportJob.objects.get(target=register.TARGET_NAME)
    # The one import flow: the job's preview, confirmed there, like every other import.
    assert response["Location"] == job.get_absolute_url()
    assert job.state == JobState.PREVIEWED
    assert not Measure.objects.filter(title="Återbruk av skärmar").exists()
    page = client.get(response["Location"]).text
    assert "Skulle skapa" in page or "Would create" in page
    client.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert Measure.objects.filter(title="Återbruk av skärmar").exists()


def test_the_web_import_shows_located_errors(town, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    build(town)
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(town.users["sustainability_lead"])
    upload = SimpleUploadedFile("register.csv", MALFORMED.encode(), content_type="text/csv")
    response = client.post(reverse("forum:register_import"), {"file": upload}, follow=True)
    assert 'id="problems"' in response.text  # the job preview of every import
    assert "Okänt forum" in response.text
    job = ImportJob.objects.get(target=register.TARGET_NAME)
    # The old address of the check leads to the job's page; confirming writes nothing.
    old = client.get(reverse("forum:register_import_job", args=[job.pk]))
    assert old["Location"] == job.get_absolute_url()
    client.post(reverse("imports:confirm", args=[job.pk]))
    assert Measure.objects.count() == 6


def test_only_the_chair_role_imports(town, login):
    build(town)
    assert login(town.users["coordinator"]).get(reverse("forum:register_import")).status_code == 403
