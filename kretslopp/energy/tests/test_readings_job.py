"""Meter readings are an import job like any other: stored, previewed, mapped, confirmed.

On the web, the command line and the API alike: a malformed file names file, row and column
and writes nothing, and the job list shows it under the target's label.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kretslopp.energy.models import EnergyReading
from kretslopp.energy.tests.test_readings_and_admin import BAD, GOOD
from kretslopp.imports.models import ImportJob, JobState
from kretslopp.imports.tests.test_cli import kretslopp

pytestmark = pytest.mark.django_db
API = "/api/v1/imports/jobs"
#: Where BAD goes wrong: (row, column) of each problem.
BAD_CELLS = {(5, "Period"), (6, "Omfattning"), (6, "kWh"), (6, "PUE")}


def test_a_malformed_file_is_located_on_its_preview_and_writes_nothing(town, login):
    client = login(town.users["sustainability_lead"])
    upload = SimpleUploadedFile("matare.csv", BAD.encode())
    response = client.post(reverse("energy:readings"), {"file": upload})
    job = ImportJob.objects.get()
    assert response.url == job.get_absolute_url()
    assert {(p["file"], p["row"], p["column"]) for p in job.problems} == {
        ("matare.csv", row, column) for row, column in BAD_CELLS
    }
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'data-row="6" data-column="kWh"' in page and "import-confirm" not in page
    client.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == JobState.PREVIEWED
    assert not EnergyReading.objects.exists()


def test_the_job_list_shows_readings_with_their_targets_label(town, login):
    client = login(town.users["sustainability_lead"])
    client.post(reverse("energy:readings"), {"file": SimpleUploadedFile("m.csv", GOOD.encode())})
    response = client.get(reverse("imports:upload"))
    assert response.status_code == 200
    assert response.context["form"] is None  # the lead imports no assets
    [job] = response.context["jobs"]
    assert job.target == "meter_readings"
    assert "Mätaravläsningar" in response.content.decode()


def test_the_command_line_starts_a_readings_job(town, tmp_path, capsys):
    path = tmp_path / "matare.csv"
    path.write_text(BAD, encoding="utf-8")
    code, out, _err = kretslopp(
        "import", "meter-readings", str(path), "--format", "json", capsys=capsys
    )
    assert code == 1
    errors = json.loads(out)["errors"]
    assert {(e["row"], e["column"]) for e in errors} == BAD_CELLS
    assert not EnergyReading.objects.exists()
    path.write_text(GOOD, encoding="utf-8")
    code, out, _err = kretslopp("import", "meter-readings", str(path), "--dry-run", capsys=capsys)
    assert code == 0 and not EnergyReading.objects.exists()
    code, out, _err = kretslopp(
        "import", "meter-readings", str(path), "--user", "lead", capsys=capsys
    )
    assert code == 0, out
    assert EnergyReading.objects.count() == 3
    jobs = [(job.target, job.state) for job in ImportJob.objects.order_by("pk")]
    assert jobs == [
        ("meter_readings", JobState.REJECTED),
        ("meter_readings", JobState.PREVIEWED),
        ("meter_readings", JobState.DONE),
    ]
    code, _out, err = kretslopp(
        "import", "meter-readings", str(path), "--user", "coord", capsys=capsys
    )
    assert code == 1 and "may not import meter readings" in err


def test_the_api_starts_a_readings_job_for_whoever_may(town, api_as):
    lead = api_as(town.users["sustainability_lead"], "read", "write")
    bad = lead.upload(API, "matare.csv", BAD.encode(), target="meter_readings")
    assert bad.status_code == 422
    fields = {detail["field"] for detail in bad.json()["error"]["details"]}
    assert fields == {f"row {row}, {column}" for row, column in BAD_CELLS}
    good = lead.upload(API, "matare.csv", GOOD.encode(), target="meter_readings")
    assert good.status_code == 200, good.content
    assert (good.json()["target"], good.json()["created"]) == ("meter_readings", 3)
    assert ImportJob.objects.get(pk=good.json()["job"]).source == "api"
    coordinator = api_as(town.users["coordinator"], "read", "write")
    refused = coordinator.upload(API, "matare.csv", GOOD.encode(), target="meter_readings")
    assert refused.status_code == 403
    unknown = lead.upload(API, "matare.csv", GOOD.encode(), target="no_such_thing")
    assert unknown.status_code == 422
