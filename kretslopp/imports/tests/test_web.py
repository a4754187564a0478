"""The import pages: upload, preview with located errors, remapping, confirming, the report."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kretslopp.imports.models import ImportJob, JobState, SavedMapping, ValueMap
from kretslopp.imports.tests.conftest import db_counts
from kretslopp.inventory.models import Asset
from kretslopp.tabular import open_table

HEADER = "Asset tag,Serial number,Manufacturer,Model,Department,Status,Notes\n"
GOOD = "MS-10,SN-10,Dell,P2422H,GRF,In stock,\n"
BAD = "MS-11,SN-11,Dell,P2422H,GRF,Bortblåst,=HYPERLINK(A1)\n"


def upload(client, content: str, name: str = "assets.csv", **extra):
    data = {"file": SimpleUploadedFile(name, content.encode()), **extra}
    return client.post(reverse("imports:upload"), data, follow=True)


@pytest.fixture
def coordinator(town, login):
    return login(town.users["coordinator"])


@pytest.mark.django_db
def test_the_preview_locates_every_problem_and_imports_nothing(coordinator):
    before = db_counts()
    response = upload(coordinator, HEADER + GOOD + BAD)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-row="3" data-column="Status"' in page
    assert 'data-row="3" data-column="Notes"' in page
    assert "Bortblåst" in page
    assert "import-confirm" not in page  # no import button while there are errors
    assert db_counts() == before
    job = ImportJob.objects.get()
    assert job.state == JobState.PREVIEWED and job.problem_count == 2


@pytest.mark.django_db
def test_a_clean_file_is_previewed_then_imported_on_confirmation(coordinator, town):
    response = upload(coordinator, HEADER + GOOD)
    assert "import-confirm" in response.content.decode()
    assert not Asset.objects.filter(asset_tag="MS-10").exists()
    job = ImportJob.objects.get()
    response = coordinator.post(reverse("imports:confirm", args=[job.pk]), follow=True)
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert job.stored_file == ""  # the upload is deleted once imported
    assert Asset.objects.get(asset_tag="MS-10").department == town.own
    assert reverse("inventory:assets") in response.content.decode()
    # A second confirmation (a double click) imports nothing more.
    coordinator.post(reverse("imports:confirm", args=[job.pk]))
    assert Asset.objects.filter(asset_tag="MS-10").count() == 1


@pytest.mark.django_db
def test_a_file_with_errors_cannot_be_confirmed(coordinator):
    upload(coordinator, HEADER + BAD)
    job = ImportJob.objects.get()
    coordinator.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == JobState.PREVIEWED
    assert not Asset.objects.filter(asset_tag="MS-11").exists()


@pytest.mark.django_db
def test_the_mapping_can_be_changed_and_saved_under_a_name(coordinator):
    upload(coordinator, "Nummer,Typ,Märke,Enhet\nMS-20,P2422H,Dell,GRF\n")
    job = ImportJob.objects.get()
    assert job.problem_count == 1  # no column is the asset tag
    fields = {"column_0": "asset_tag", "column_1": "model_name", "column_2": "manufacturer"}
    data = {**fields, "column_3": "department", "save_as": "Ekonomi"}
    coordinator.post(reverse("imports:remap", args=[job.pk]), data)
    job.refresh_from_db()
    assert job.problem_count == 0, job.problems
    assert SavedMapping.objects.get(name="Ekonomi").columns["Nummer"] == "asset_tag"
    coordinator.post(reverse("imports:confirm", args=[job.pk]))
    assert Asset.objects.filter(asset_tag="MS-20").exists()
    # Next time the saved mapping is chosen at upload.
    saved = SavedMapping.objects.get(name="Ekonomi")
    upload(coordinator, "Nummer,Typ,Märke,Enhet\nMS-21,P2422H,Dell,GRF\n", mapping=saved.pk)
    assert ImportJob.objects.latest("pk").problem_count == 0


@pytest.mark.django_db
def test_two_columns_cannot_feed_one_field(coordinator):
    upload(coordinator, HEADER + GOOD)
    job = ImportJob.objects.get()
    response = coordinator.post(
        reverse("imports:remap", args=[job.pk]), {"column_0": "asset_tag", "column_1": "asset_tag"}
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_the_error_report_is_a_neutralised_csv(coordinator):
    upload(coordinator, HEADER + BAD)
    job = ImportJob.objects.get()
    response = coordinator.get(reverse("imports:errors", args=[job.pk]))
    assert response["Content-Type"].startswith("text/csv")
    table = open_table(response.content, "report.csv")
    rows = [row.values for row in table.rows()]
    assert any(values[1] == "2" and values[2] == "Notes" for values in rows)
    assert all(not value.startswith("=") for values in rows for value in values)
    assert any(value == "'=HYPERLINK(A1)" for values in rows for value in values)


@pytest.mark.django_db
def test_an_unreadable_upload_says_why(coordinator):
    response = upload(coordinator, "%PDF-1.7 not a table", "report.csv")
    assert ImportJob.objects.get().state == JobState.UNREADABLE
    assert "CSV" in response.content.decode()
    response = upload(coordinator, "", "empty.csv")
    assert response.status_code == 200 and ImportJob.objects.count() == 1


@pytest.mark.django_db
def test_jobs_are_private_and_need_the_right_to_edit_assets(town, login, coordinator):
    upload(coordinator, HEADER + GOOD)
    job = ImportJob.objects.get()
    other = login(town.users["administrator"])
    assert other.get(reverse("imports:job", args=[job.pk])).status_code == 404
    assert other.get(reverse("imports:progress", args=[job.pk])).status_code == 404
    viewer = login(town.users["viewer"])
    assert viewer.get(reverse("imports:upload")).status_code == 403


@pytest.mark.django_db
def test_progress_is_reported_as_json(coordinator):
    upload(coordinator, HEADER + GOOD)
    job = ImportJob.objects.get()
    data = coordinator.get(reverse("imports:progress", args=[job.pk])).json()
    assert data["state"] == "previewed" and data["finished"] is True
    assert data["url"] == job.get_absolute_url()


@pytest.mark.django_db
def test_value_mappings_are_edited_on_their_page(town, login):
    administrator = login(town.users["administrator"])
    url = reverse("imports:value_maps")
    administrator.post(url, {"kind": "status", "source_name": "Arkiverad", "code": "returned"})
    assert ValueMap.objects.get().key == "arkiverad"
    response = administrator.post(url, {"kind": "category", "source_name": "Lådor", "code": "lost"})
    assert response.status_code == 200 and ValueMap.objects.count() == 1
    item = ValueMap.objects.get()
    administrator.post(reverse("imports:value_map_delete", args=[item.pk]))
    assert not ValueMap.objects.exists()


@pytest.mark.django_db
def test_the_navigation_offers_import_to_coordinators_only(town, login, coordinator):
    page = coordinator.get(reverse("inventory:assets")).content.decode()
    assert reverse("imports:upload") in page
    viewer = login(town.users["viewer"])
    assert reverse("imports:upload") not in viewer.get(reverse("inventory:assets")).content.decode()
