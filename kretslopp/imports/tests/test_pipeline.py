"""The pipeline's promises: idempotent, history on change, lifecycle, scoping, all or nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from kretslopp.core.history import history_for
from kretslopp.core.models import AuditEntry
from kretslopp.imports import runs
from kretslopp.imports.models import ImportJob, JobState, SavedMapping, ValueKind, ValueMap
from kretslopp.imports.tests.conftest import db_counts, import_file
from kretslopp.inventory.models import Asset, LifecycleEvent, Manufacturer, ProductModel

HEADER = "Asset tag,Serial number,Manufacturer,Model,Department,Status,Purchase date,Supplier\n"
ROWS = (
    "MS-1,SN-1,Dell,Latitude 5420,GRF,In use,2021-03-04,Atea\n"
    "MS-2,SN-2,Dell,P2422H,GRF,In stock,2021-03-04,Atea\n"
)


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing(town):
    first = import_file(HEADER + ROWS)
    assert (first.status, first.counts.created) == ("committed", 2)
    before = db_counts()
    again = import_file(HEADER + ROWS)
    assert again.status == "committed"
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 2)
    assert db_counts() == before


@pytest.mark.django_db
def test_a_changed_row_updates_its_asset_and_shows_in_its_history(town):
    coordinator = town.users["coordinator"]
    import_file(HEADER + ROWS)
    changed = ROWS.replace(
        "MS-1,SN-1,Dell,Latitude 5420,GRF,In use,2021-03-04,Atea",
        "MS-1,SN-1,Dell,Latitude 5420,GRF,In use,2021-03-05,Dustin",
    )
    result = import_file(HEADER + changed, user=coordinator)
    assert (result.counts.updated, result.counts.unchanged) == (1, 1)
    asset = Asset.objects.get(asset_tag="MS-1")
    assert asset.supplier == "Dustin" and str(asset.purchase_date) == "2021-03-05"
    entry = history_for(asset)[0]
    assert entry.entry.actor == coordinator
    assert entry.entry.action == "update"
    assert {(c.old, c.new) for c in entry.changes} == {
        ("Atea", "Dustin"),
        ("2021-03-04", "2021-03-05"),
    }


@pytest.mark.django_db
def test_an_asset_is_matched_by_manufacturer_and_serial_when_the_tag_is_missing(town):
    result = import_file("Serial number,Manufacturer,Supplier\nSN-MS-0000001,Dell Inc.,Atea\n")
    assert result.status == "committed", result.summary()
    assert result.counts.updated == 1
    town.own_asset.refresh_from_db()
    assert town.own_asset.supplier == "Atea"


@pytest.mark.django_db
def test_an_empty_cell_never_erases_a_value(town):
    Asset.objects.filter(pk=town.own_asset.pk).update(supplier="Atea")
    result = import_file("Asset tag,Supplier,Notes\nMS-0000001,,\n")
    assert result.counts.unchanged == 1
    town.own_asset.refresh_from_db()
    assert town.own_asset.supplier == "Atea"


@pytest.mark.django_db
def test_a_status_change_is_a_lifecycle_event_referring_to_the_import(town):
    admin = town.users["administrator"]
    result = import_file("Asset tag,Status\nMS-0000001,Returned\n", user=admin)
    assert result.status == "committed", result.summary()
    asset = Asset.objects.get(pk=town.own_asset.pk)
    assert asset.status == "returned"
    event = LifecycleEvent.objects.filter(asset=asset).first()
    job = ImportJob.objects.latest("pk")
    assert (event.from_status, event.to_status, event.actor) == ("in_use", "returned", admin)
    assert event.reference == job.reference


@pytest.mark.django_db
def test_an_illegal_status_move_rejects_the_file_with_the_lifecycle_reason(town):
    before = db_counts()
    result = import_file("Asset tag,Status\nMS-0000001,Resold\n")
    assert result.status == "rejected"
    (problem,) = result.errors
    assert (problem.row, problem.column, problem.code) == (2, "Status", "illegal_move")
    assert "såld" in problem.message or "resold" in problem.message
    assert db_counts() == before


@pytest.mark.django_db
def test_a_coordinator_imports_into_own_departments_only(town):
    coordinator = town.users["coordinator"]
    before = db_counts()
    result = import_file(HEADER + ROWS + "MS-3,SN-3,Dell,P2422H,MF,In stock,,\n", user=coordinator)
    assert result.status == "rejected"
    (problem,) = result.errors
    assert (problem.row, problem.column, problem.code) == (4, "Department", "not_your_department")
    assert db_counts() == before
    assert import_file(HEADER + ROWS, user=coordinator).status == "committed"


@pytest.mark.django_db
def test_an_asset_in_another_department_is_not_revealed(town):
    result = import_file("Asset tag,Supplier\nMS-0000002,Atea\n", user=town.users["coordinator"])
    (problem,) = result.errors
    assert problem.code == "not_yours"
    assert "Miljö" not in problem.message and "MF" not in problem.message


@pytest.mark.django_db
def test_a_viewer_cannot_import_anything(town):
    # The one place that decides who may import into what refuses before any job is kept.
    with pytest.raises(PermissionDenied):
        import_file(HEADER + ROWS, user=town.users["viewer"])
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_new_models_need_permission_and_the_checkbox(town):
    row = "MS-9,SN-9,Lenovo,ThinkPad X1,Laptop,GRF\n"
    header = "Asset tag,Serial number,Manufacturer,Model,Category,Department\n"
    refused = import_file(header + row)
    assert [p.code for p in refused.errors] == ["unknown_model"]
    coordinator = import_file(header + row, user=town.users["coordinator"], allow_new_models=True)
    assert [p.code for p in coordinator.errors] == ["unknown_model"]
    assert "procurement" in coordinator.errors[0].message or "upphandling" in (
        coordinator.errors[0].message
    )
    allowed = import_file(header + row, allow_new_models=True)
    assert allowed.status == "committed"
    assert allowed.counts.new_records == {"manufacturers": 1, "models": 1}
    model = ProductModel.objects.get(name="ThinkPad X1")
    assert model.category == "laptop" and model.manufacturer.name == "Lenovo"


@pytest.mark.django_db
def test_a_dry_run_reports_what_would_happen_and_writes_nothing(town):
    before = db_counts()
    result = import_file(HEADER + ROWS, dry_run=True)
    assert result.status == "dry_run"
    assert result.counts.created == 2
    assert db_counts() == before


@pytest.mark.django_db
def test_one_bad_row_among_many_writes_nothing(town):
    rows = "".join(f"MS-{n},SN-{n},Dell,P2422H,GRF,In stock,2021-01-01,Atea\n" for n in range(3000))
    before = db_counts()
    result = import_file(HEADER + rows + "MS-X,SN-X,Dell,P2422H,GRF,In stock,2021-02-30,Atea\n")
    assert result.status == "rejected"
    assert [(p.row, p.column) for p in result.errors] == [(3002, "Purchase date")]
    assert result.counts.created == 0  # nothing was written, so nothing is reported
    assert db_counts() == before


@pytest.mark.django_db
def test_audit_entries_of_new_assets_name_the_importing_user(town):
    admin = town.users["administrator"]
    import_file(HEADER + ROWS, user=admin)
    asset = Asset.objects.get(asset_tag="MS-1")
    (entry,) = history_for(asset)
    assert (entry.entry.action, entry.entry.actor) == ("create", admin)
    assert AuditEntry.objects.filter(actor=admin, action="create").count() == 2


@pytest.mark.django_db
def test_a_saved_mapping_is_applied_by_column_name(town):
    SavedMapping.objects.create(
        name="Ekonomisystemet",
        columns={"Nummer": "asset_tag", "Tillverkarnamn": "manufacturer", "Typ": "model_name",
                 "Enhet": "department", "Ignoreras": ""},
    )  # fmt: skip
    table = runs.open_file(
        b"Typ,Nummer,Tillverkarnamn,Enhet,Ignoreras\nP2422H,MS-7,Dell,GRF,x\n", "e.csv"
    )
    saved = SavedMapping.objects.get(name="Ekonomisystemet")
    mapping = runs.decide_mapping(runs.TARGETS["assets"](), table.headers, saved)
    assert mapping.fields == {0: "model_name", 1: "asset_tag", 2: "manufacturer", 3: "department"}
    job = ImportJob.objects.create(file_name="e.csv")
    result = runs.run(table, mapping, job=job, access=runs.SYSTEM_ACCESS)
    assert result.status == "committed", result.summary()
    assert Asset.objects.get(asset_tag="MS-7").model == town.monitor


@pytest.mark.django_db
def test_an_edited_value_map_overrides_the_defaults(town):
    header = "Asset tag,Status\n"
    refused = import_file(header + "MS-0000001,Arkiverad\n")
    assert [p.code for p in refused.errors] == ["unknown_status"]
    ValueMap.objects.create(kind=ValueKind.STATUS, source_name="Arkiverad", code="returned")
    assert import_file(header + "MS-0000001,Arkiverad\n").status == "committed"
    town.own_asset.refresh_from_db()
    assert town.own_asset.status == "returned"


@pytest.mark.django_db
def test_the_job_keeps_its_outcome(town):
    import_file(HEADER + ROWS)
    job = ImportJob.objects.latest("pk")
    assert job.state == JobState.DONE
    assert job.summary["created"] == 2
    import_file("Asset tag,Status\nMS-1,Bortblåst\n")
    job = ImportJob.objects.latest("pk")
    assert job.state == JobState.REJECTED and job.problem_count == 1
    assert job.problems[0]["row"] == 2


@pytest.mark.django_db
def test_manufacturer_spellings_meet(town):
    assert Manufacturer.objects.count() == 1
    result = import_file(
        "Asset tag,Manufacturer,Model,Department\nMS-8,DELL INC.,latitude  5420,GRF\n"
    )
    assert result.status == "committed", result.summary()
    assert Asset.objects.get(asset_tag="MS-8").model == town.laptop


@pytest.mark.django_db
def test_an_asset_saved_by_someone_else_meanwhile_rolls_the_import_back(town, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    from kretslopp.imports.assets.lookups import Lookups

    load = Lookups.load

    def load_then_someone_saves():
        lookups = load()
        later = timezone.now() + dt.timedelta(seconds=5)
        Asset.objects.filter(pk=town.own_asset.pk).update(updated_at=later)
        return lookups

    monkeypatch.setattr(Lookups, "load", load_then_someone_saves)
    before = db_counts()
    result = import_file(HEADER + ROWS + "MS-0000001,,,,,,,Dustin\n")
    assert result.status == "failed"
    assert [p.code for p in result.errors] == ["changed_meanwhile"]
    assert db_counts() == before
    assert Asset.objects.get(pk=town.own_asset.pk).supplier == ""
