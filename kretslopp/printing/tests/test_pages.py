"""The printing pages: overview, a department's months, mappings, upload — and their scoping."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

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
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "rad 2" in html and "rad 4" in html
    assert PrintImport.objects.count() == 0


def test_upload_of_a_good_log(mapped, login):
    client = login(mapped.users["sustainability_lead"])
    good = (FIXTURES / "page_log").read_bytes()
    response = client.post(
        "/printing/import/",
        {"file": SimpleUploadedFile("page_log", good), "log_format": "auto"},
    )
    assert response.status_code == 302
    assert PrintImport.objects.get().jobs == 3


def test_mapping_table_is_edited_by_the_sustainability_lead(town, login):
    data = {"kind": "printer", "key": "GRF-Plan2", "department": town.own.pk}
    assert login(town.users["coordinator"]).post("/printing/mappings/", data).status_code == 403
    response = login(town.users["sustainability_lead"]).post("/printing/mappings/", data)
    assert response.status_code == 302
    assert PrintMapping.objects.get().key == "GRF-Plan2"
