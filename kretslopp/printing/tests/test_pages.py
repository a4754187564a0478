"""The printing pages: overview, a department's months, mappings, upload — and their scoping."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kretslopp.imports.models import ImportJob
from kretslopp.imports.runs import SYSTEM_ACCESS
from kretslopp.printing.importer import import_print_log
from kretslopp.printing.models import PrintImport, PrintMapping
from kretslopp.printing.tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(mapped):
    import_print_log(FIXTURES / "page_log", access=SYSTEM_ACCESS, log_format="cups")
    return mapped


def test_overview_and_department_pages(imported, login):
    client = login(imported.users["viewer_all"])
    overview = client.get("/printing/")
    assert overview.status_code == 200
    html = overview.content.decode()
    assert "Grundskoleförvaltningen" in html and "Miljöförvaltningen" in html
    department = client.get("/printing/departments/GRF/")
    assert department.status_code == 200
    assert "2025-11" in department.content.decode()


def test_a_coordinator_sees_only_their_department(imported, login):
    client = login(imported.users["coordinator"])
    html = client.get("/printing/").content.decode()
    assert "Grundskoleförvaltningen" in html and "Miljöförvaltningen" not in html
    assert client.get("/printing/departments/MF/").status_code == 404
    assert client.get("/printing/import/").status_code == 403


def test_upload_reports_each_bad_line_and_writes_nothing(mapped, login):
    client = login(mapped.users["sustainability_lead"])
    bad = (FIXTURES / "page_log_malformed").read_bytes()
    response = client.post(
        "/printing/import/",
        {"file": SimpleUploadedFile("page_log", bad), "log_format": "cups"},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-row="2"' in html and 'data-row="4"' in html  # each bad line, located
    job = ImportJob.objects.get()
    assert (job.target, job.problem_count) == ("print_log", 2)
    assert "import-confirm" not in html  # nothing to confirm
    assert PrintImport.objects.count() == 0


def test_upload_of_a_good_log(mapped, login):
    client = login(mapped.users["sustainability_lead"])
    good = (FIXTURES / "page_log").read_bytes()
    response = client.post(
        "/printing/import/",
        {"file": SimpleUploadedFile("page_log", good), "log_format": "auto"},
    )
    job = ImportJob.objects.get()
    assert response.url == job.get_absolute_url()  # the preview of the totals first
    assert (job.target, job.options, job.summary["created"]) == (
        "print_log",
        {"log_format": "auto"},
        3,
    )
    preview = client.get(response.url).content.decode()
    assert "Utskriftslogg" in preview and "GRF-Kansli-MFP" in preview
    assert not PrintImport.objects.exists()
    client.post(f"/imports/{job.pk}/import/")
    assert PrintImport.objects.get().jobs == 3
    job.refresh_from_db()
    assert job.state == "done"


def test_mapping_table_is_edited_by_the_sustainability_lead(town, login):
    data = {"kind": "printer", "key": "GRF-Plan2", "department": town.own.pk}
    assert login(town.users["coordinator"]).post("/printing/mappings/", data).status_code == 403
    response = login(town.users["sustainability_lead"]).post("/printing/mappings/", data)
    assert response.status_code == 302
    assert PrintMapping.objects.get().key == "GRF-Plan2"


def test_a_print_target_with_two_years_is_not_on_track_without_the_band_its_rule_needs(town, login):
    import datetime as dt

    from kretslopp.energy.models import Target
    from kretslopp.printing.models import PrintVolume

    source = PrintImport.objects.create(file_name="två år", sha256="0" * 64, jobs=24, pages=0)
    for year, pages in ((2024, 100_000), (2025, 85_000)):  # both on course for −25 % by 2027
        for month in range(1, 13):
            PrintVolume.objects.create(
                print_import=source, department=town.own, month=dt.date(year, month, 1),
                printer="p1", jobs=1, pages=pages // 12, sheets=pages // 12, a4_sheets=pages / 12,
            )  # fmt: skip
    Target.objects.create(
        name="Utskrivna sidor −25 % till 2027", kpi="pages_printed", baseline_year=2024,
        baseline_value=100_000 // 12 * 12, target_year=2027, target_value=75_000,
        trajectory="constant_rate",
    )  # fmt: skip
    html = login(town.users["viewer_all"]).get("/printing/").content.decode()
    assert 'data-status="at_risk"' in html and ">I fas<" not in html
    assert "inget intervall än: färre än tre års data" in html
