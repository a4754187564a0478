"""A print log is an import job like any other: stored, previewed (the totals), confirmed.

On the web, the command line and the API alike: a malformed log names file, line and column
and writes nothing, and the job list shows it under the target's label.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kretslopp.core.models import AuditEntry
from kretslopp.imports.models import ImportJob, JobState
from kretslopp.imports.tests.test_cli import kretslopp
from kretslopp.printing.models import PrintImport, PrintVolume
from kretslopp.printing.tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db
API = "/api/v1/imports/jobs"
MALFORMED = "papercut-malformed.csv"


def _written() -> tuple[int, int, int]:
    return PrintImport.objects.count(), PrintVolume.objects.count(), AuditEntry.objects.count()


def test_a_malformed_log_is_located_on_its_preview_and_writes_nothing(mapped, login):
    client = login(mapped.users["sustainability_lead"])
    before = _written()
    upload = SimpleUploadedFile(MALFORMED, (FIXTURES / MALFORMED).read_bytes())
    response = client.post(reverse("printing:upload"), {"file": upload, "log_format": "auto"})
    job = ImportJob.objects.get()
    assert response.url == job.get_absolute_url()
    assert [(p["file"], p["row"], p["column"]) for p in job.problems] == [
        (MALFORMED, 4, "Pages"),
        (MALFORMED, 5, "Time"),
    ]
    page = client.get(job.get_absolute_url())
    assert page.context["mapping_form"] is None  # a log's layout is fixed: nothing to map
    html = page.content.decode()
    assert 'data-row="4" data-column="Pages"' in html and "import-confirm" not in html
    client.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == JobState.PREVIEWED
    assert _written() == before


def test_the_preview_shows_the_totals_and_the_job_list_the_label(mapped, login):
    client = login(mapped.users["sustainability_lead"])
    upload = SimpleUploadedFile("page_log", (FIXTURES / "page_log").read_bytes())
    client.post(reverse("printing:upload"), {"file": upload, "log_format": "cups"})
    job = ImportJob.objects.get()
    preview = client.get(job.get_absolute_url())
    assert preview.context["headers"][:3] == ["Förvaltning", "Månad", "Skrivare"]
    assert job.preview_rows[0][:4] == [1, "GRF", "2025-11", "GRF-Kansli-MFP"]
    listed = client.get(reverse("imports:upload"))
    assert [j.target for j in listed.context["jobs"]] == ["print_log"]
    assert "Utskriftslogg" in listed.content.decode()


def test_the_command_line_keeps_a_job_of_the_log(mapped, capsys):
    code, out, _err = kretslopp(
        "import", "prints", str(FIXTURES / MALFORMED), "--source", "papercut", "--format",
        "json", capsys=capsys,
    )  # fmt: skip
    assert code == 1
    assert [(e["row"], e["column"]) for e in json.loads(out)["errors"]] == [
        (4, "Pages"),
        (5, "Time"),
    ]
    code, _out, _err = kretslopp(
        "import", "prints", str(FIXTURES / "page_log"), "--source", "cups", "--dry-run",
        capsys=capsys,
    )  # fmt: skip
    assert code == 0 and not PrintImport.objects.exists()
    code, out, _err = kretslopp(
        "import", "prints", str(FIXTURES / "page_log"), "--source", "cups", capsys=capsys
    )
    assert code == 0, out
    assert PrintImport.objects.get().jobs == 3
    assert [(j.target, j.state) for j in ImportJob.objects.order_by("pk")] == [
        ("print_log", JobState.REJECTED),
        ("print_log", JobState.PREVIEWED),
        ("print_log", JobState.DONE),
    ]


def test_the_api_starts_a_log_job(mapped, api_as):
    lead = api_as(mapped.users["sustainability_lead"], "read", "write")
    bad = lead.upload(API, MALFORMED, (FIXTURES / MALFORMED).read_bytes(), target="print_log")
    assert bad.status_code == 422
    fields = [detail["field"] for detail in bad.json()["error"]["details"]]
    assert fields == ["row 4, Pages", "row 5, Time"]
    good = lead.upload(
        API, "page_log", (FIXTURES / "page_log").read_bytes(), target="print_log", log_format="cups"
    )
    assert good.status_code == 200, good.content
    assert (good.json()["target"], good.json()["created"]) == ("print_log", 3)
    assert PrintImport.objects.get().jobs == 3
    wrong = lead.upload(API, "page_log", b"x", target="print_log", log_format="lpd")
    assert wrong.status_code == 404
