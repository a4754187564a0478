"""Meter-reading uploads refuse hostile and far too large files, and write nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kretslopp.energy.models import EnergyReading
from kretslopp.imports.models import ImportJob, JobState
from kretslopp.tabular.tests import hostile

pytestmark = pytest.mark.django_db


def test_a_zip_bomb_of_readings_is_refused_and_nothing_is_written(town, login):
    client = login(town.users["sustainability_lead"])
    upload = SimpleUploadedFile("matare.xlsx", hostile.blank_space_bomb())
    response = client.post("/energy/readings/", {"file": upload}, follow=True)
    assert response.status_code == 200
    job = ImportJob.objects.get()
    assert (job.target, job.state, [p["code"] for p in job.problems]) == (
        "meter_readings",
        JobState.UNREADABLE,
        ["xlsx_too_large"],
    )
    assert "Excelfilen packas upp till 4\xa0001 MB" in response.content.decode()
    assert not EnergyReading.objects.exists()


def test_readings_over_the_upload_limit_are_refused_in_the_form(town, login, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    client = login(town.users["sustainability_lead"])
    upload = SimpleUploadedFile("matare.csv", hostile.many_csv_rows(200_000))
    response = client.post("/energy/readings/", {"file": upload})
    assert response.status_code == 200
    assert response.context["upload"].errors["file"] == [
        "matare.csv är större än 1 MB, det största som kan laddas upp här. "
        "Dela upp den i mindre filer."
    ]
    assert not ImportJob.objects.exists()
    assert not EnergyReading.objects.exists()
