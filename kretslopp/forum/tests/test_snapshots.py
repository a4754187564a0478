"""A period snapshot keeps every measure as it stood, and does not change when they do."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from kretslopp.conftest import downloaded
from kretslopp.forum import snapshots
from kretslopp.forum.models import MeasureTask, PeriodSnapshot, SnapshotFrozen, Status
from kretslopp.forum.tests.followup_world import build

pytestmark = pytest.mark.django_db

YEAR = {"label": "2025", "period_start": dt.date(2025, 1, 1), "period_end": dt.date(2025, 12, 31)}


def test_a_snapshot_does_not_change_when_measures_change_later(town):
    world = build(town)
    snapshot = snapshots.take(world.forum, **YEAR)
    kept = snapshots.table(snapshot)
    first = snapshot.rows[0]
    assert (first["number"], first["title"], first["status"]) == (
        1,
        "Skrivarkonsolidering",
        "decided",
    )
    assert (first["tasks_done"], first["tasks_total"]) == (1, 1)
    assert first["responsible"] == "Kim Koordinator"
    assert "it_energy_kwh: -50000 kWh (2025-07-01)" in first["expected_effects"]

    measure = world.measures[1]
    measure.title, measure.status = "Nytt namn", Status.DONE
    measure.save()
    MeasureTask.objects.create(measure=measure, title="Ny uppgift")
    world.kim.name = "Kim Omdöpt"
    world.kim.save()
    measure.expected_effects.all().delete()

    again = PeriodSnapshot.objects.get(pk=snapshot.pk)
    assert snapshots.table(again) == kept
    assert again.rows[0]["title"] == "Skrivarkonsolidering"


def test_a_kept_snapshot_cannot_be_saved_again(town):
    snapshot = snapshots.take(build(town).forum, **YEAR)
    snapshot.label = "2024"
    with pytest.raises(SnapshotFrozen):
        snapshot.save()
    assert PeriodSnapshot.objects.get(pk=snapshot.pk).label == "2025"


def test_the_lead_takes_a_snapshot_and_members_read_it(town, login):
    world = build(town)
    lead = login(town.users["sustainability_lead"])
    url = reverse("forum:snapshots", args=[world.forum.pk])
    response = lead.post(url, {"label": "2025", "period_start": "2025-01-01",
                               "period_end": "2025-12-31"})  # fmt: skip
    snapshot = PeriodSnapshot.objects.get()
    assert response.status_code == 302 and response["Location"] == snapshot.get_absolute_url()
    assert snapshot.taken_by == town.users["sustainability_lead"]
    page = lead.get(snapshot.get_absolute_url()).text
    assert "Skrivarkonsolidering" in page and "beslutad" in page
    # Kim is a member: reads it, may not take one
    kim = login(town.users["coordinator"])
    assert kim.get(snapshot.get_absolute_url()).status_code == 200
    assert kim.post(url, {"label": "x", "period_start": "2025-01-01",
                          "period_end": "2025-12-31"}).status_code == 403  # fmt: skip


def test_a_period_must_not_end_before_it_starts(town, login):
    world = build(town)
    lead = login(town.users["sustainability_lead"])
    url = reverse("forum:snapshots", args=[world.forum.pk])
    response = lead.post(url, {"label": "x", "period_start": "2025-12-31",
                               "period_end": "2025-01-01"})  # fmt: skip
    assert response.status_code == 200
    assert "Perioden måste sluta" in response.text
    assert not PeriodSnapshot.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_neutralises_formulas(town, login, fmt):
    world = build(town)
    measure = world.measures[1]
    measure.title = '=HYPERLINK("http://evil")'
    measure.save()
    snapshot = snapshots.take(world.forum, **YEAR)
    response = login(town.users["sustainability_lead"]).get(
        reverse("forum:snapshot_export", args=[snapshot.pk, fmt])
    )
    assert response.status_code == 200
    body = downloaded(response)
    if fmt == "csv":
        text = body.decode("utf-8-sig")
        assert "Skrivarkonsolidering" not in text
        assert "'=HYPERLINK" in text
        assert text.splitlines()[0].startswith("Forum,Nummer,Titel")
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(body)).active
        titles = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert all(not str(t).startswith("=") for t in titles)
