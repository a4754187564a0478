"""Another system posts its asset export to the API: the same import as a person's upload."""

from __future__ import annotations

import pytest

from kretslopp.imports.models import ImportJob, SavedMapping
from kretslopp.imports.tests.conftest import db_counts
from kretslopp.inventory.models import Asset

URL = "/api/v1/imports/assets"
GOOD = (
    b"Asset tag,Serial number,Manufacturer,Model,Department,Status\n"
    b"MS-API1,SN-API1,Dell,Latitude 5420,GRF,In use\n"
    b"MS-API2,SN-API2,Dell,P2422H,GRF,In stock\n"
)
BAD = GOOD.replace(b"In stock", b"Borta")


@pytest.mark.django_db
def test_a_posted_file_is_imported_once_and_recorded_as_the_tokens_owner(town, api_as):
    coordinator = town.users["coordinator"]
    api = api_as(coordinator, "read", "write")
    response = api.upload(URL, "intune.csv", GOOD)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["file"], body["created"], body["unchanged"]) == (
        "committed", "intune.csv", 2, 0,
    )  # fmt: skip
    assert Asset.objects.get(asset_tag="MS-API1").department == town.own
    job = ImportJob.objects.get(file_name="intune.csv", state="done")
    assert (job.source, job.user) == ("api", coordinator)
    again = api.upload(URL, "intune.csv", GOOD).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)


@pytest.mark.django_db
def test_a_file_with_an_error_imports_nothing_and_says_where(town, api_as):
    api = api_as(town.users["coordinator"], "read", "write")
    before = db_counts()
    response = api.upload(URL, "a.csv", BAD)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "rejected"
    assert [detail["field"] for detail in error["details"]] == ["row 3, Status"]
    assert db_counts() == before


@pytest.mark.django_db
def test_a_dry_run_checks_and_writes_nothing(town, api_as):
    api = api_as(town.users["coordinator"], "read", "write")
    before = db_counts()
    response = api.upload(URL, "a.csv", GOOD, dry_run="true")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["created"]) == ("dry_run", 2)
    assert not Asset.objects.filter(asset_tag__startswith="MS-API").exists()
    assert db_counts() == before
    assert ImportJob.objects.get(file_name="a.csv").state == "previewed"  # the check is on record


@pytest.mark.django_db
def test_the_token_owners_departments_and_rights_apply(town, api_as):
    other = GOOD.replace(b",GRF,", b",MF,")
    refused = api_as(town.users["coordinator"], "read", "write").upload(URL, "a.csv", other)
    assert refused.status_code == 422
    assert {d["field"] for d in refused.json()["error"]["details"]} == {
        "row 2, Department", "row 3, Department",
    }  # fmt: skip
    assert api_as(town.users["viewer"], "read", "write").upload(URL, "a.csv", GOOD).status_code == (
        403
    )
    read_only = api_as(town.users["administrator"], "read")
    assert read_only.upload(URL, "a.csv", GOOD).status_code == 403
    assert not Asset.objects.filter(asset_tag__startswith="MS-API").exists()


@pytest.mark.django_db
def test_a_saved_mapping_by_name_and_an_unreadable_file(town, api_as):
    SavedMapping.objects.create(
        name="leverans", columns={"Nr": "asset_tag", "Typ": "model_name", "Märke": "manufacturer",
                                  "Förv": "department"},
    )  # fmt: skip
    api = api_as(town.users["coordinator"], "read", "write")
    delivery = "Nr;Märke;Typ;Förv\nMS-API9;Dell;Latitude 5420;GRF\n".encode("cp1252")
    assert api.upload(URL, "leverans.csv", delivery, mapping="leverans").status_code == 200
    assert Asset.objects.filter(asset_tag="MS-API9").exists()
    unknown = api.upload(URL, "leverans.csv", delivery, mapping="saknas")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (422, "unknown_mapping")
    unreadable = api.upload(URL, "trasig.xlsx", b"PK\x03\x04 not a workbook")
    assert (unreadable.status_code, unreadable.json()["error"]["code"]) == (422, "unreadable")
