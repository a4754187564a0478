"""The re-import fast path: a row that last wrote its asset, unchanged since, is not parsed.

Each test counts how many rows took the normal way (a full :class:`_RowCheck`), so that a
fast path that silently stopped working — or one that skipped a row it must check — shows.
"""

from __future__ import annotations

import pytest

from kretslopp.conftest import make_user
from kretslopp.imports.assets import target as asset_target
from kretslopp.imports.models import ImportFingerprint
from kretslopp.imports.tests.conftest import db_counts, import_file
from kretslopp.inventory.models import Asset
from kretslopp.organisation.models import Location, Role

HEADER = "Asset tag,Serial number,Manufacturer,Model,Department,Status,Purchase date,Supplier\n"
ROWS = (
    "MS-1,SN-1,Dell,Latitude 5420,GRF,In use,2021-03-04,Atea\n"
    "MS-2,SN-2,Dell,P2422H,GRF,In stock,2021-03-04,Atea\n"
)


@pytest.fixture
def checked(monkeypatch) -> list[int]:
    """Row numbers that went through the full check, appended as they do."""
    numbers: list[int] = []
    original = asset_target._RowCheck.run

    def run(check: asset_target._RowCheck) -> None:
        numbers.append(check.row.number)
        original(check)

    monkeypatch.setattr(asset_target._RowCheck, "run", run)
    return numbers


def counts(result) -> tuple[int, int, int]:
    return result.counts.created, result.counts.updated, result.counts.unchanged


@pytest.mark.django_db
def test_an_unchanged_reimport_parses_no_row_and_writes_nothing(town, checked):
    assert import_file(HEADER + ROWS).status == "committed"
    assert ImportFingerprint.objects.count() == 2
    before = db_counts()
    checked.clear()
    again = import_file(HEADER + ROWS)
    assert again.status == "committed"
    assert counts(again) == (0, 0, 2)
    assert checked == []
    assert db_counts() == before


@pytest.mark.django_db
def test_an_asset_edited_since_is_checked_the_normal_way(town, checked):
    import_file(HEADER + ROWS)
    asset = Asset.objects.get(asset_tag="MS-1")
    asset.supplier = "Dustin"
    asset.save()
    checked.clear()
    again = import_file(HEADER + ROWS)
    assert counts(again) == (0, 1, 1)
    assert checked == [2]
    asset.refresh_from_db()
    assert asset.supplier == "Atea"


@pytest.mark.django_db
def test_a_changed_cell_updates_its_row_and_is_skipped_the_time_after(town, checked):
    import_file(HEADER + ROWS)
    changed = ROWS.replace("2021-03-04,Atea\n", "2021-03-04,Dustin\n", 1)
    checked.clear()
    result = import_file(HEADER + changed)
    assert counts(result) == (0, 1, 1)
    assert checked == [2]
    assert Asset.objects.get(asset_tag="MS-1").supplier == "Dustin"
    checked.clear()
    assert counts(import_file(HEADER + changed)) == (0, 0, 2)
    assert checked == []


@pytest.mark.django_db
def test_a_different_mapping_takes_the_normal_way(town, checked):
    import_file(HEADER + ROWS)
    checked.clear()
    # The same cells, but the supplier column is not mapped this time.
    result = import_file(HEADER + ROWS, columns={"Supplier": ""})
    assert counts(result) == (0, 0, 2), result.summary()
    assert checked == [2, 3]


@pytest.mark.django_db
def test_changed_reference_data_takes_the_normal_way(town, checked):
    header = "Asset tag,Serial number,Manufacturer,Model,Department,Location\n"
    rows = "MS-1,SN-1,Dell,Latitude 5420,GRF,Stadshuset\n"
    import_file(header + rows)
    Location.objects.filter(name="Stadshuset").update(name="Rådhuset")
    checked.clear()
    result = import_file(header + rows)
    assert result.status == "rejected"
    assert [problem.code for problem in result.errors] == ["unknown_location"]
    assert checked == [2]


@pytest.mark.django_db
def test_the_importing_user_must_still_be_allowed_to_edit_the_asset(town, checked):
    import_file(HEADER + ROWS)
    # A viewer may not start an asset import at all; a coordinator of another department
    # may, and the unchanged rows must still be checked against their reach.
    elsewhere = make_user("coord_mf", Role.COORDINATOR, [town.other])
    result = import_file(HEADER + ROWS, user=elsewhere)
    assert result.status == "rejected"
    assert "not_yours" in {problem.code for problem in result.errors}


@pytest.mark.django_db
def test_a_row_repeated_in_the_file_is_still_a_duplicate(town, checked):
    import_file(HEADER + ROWS)
    result = import_file(HEADER + ROWS + ROWS.splitlines(keepends=True)[0])
    assert result.status == "rejected"
    assert [problem.code for problem in result.errors] == ["duplicate_tag"]


@pytest.mark.django_db
def test_a_row_with_a_warning_shows_it_again(town, checked):
    header = "Asset tag,Serial number,Manufacturer,Model,Department,Assignee\n"
    rows = "MS-1,SN-1,Dell,Latitude 5420,GRF,nobody-here\n"
    first = import_file(header + rows)
    assert first.status == "committed" and first.warning_count == 1, first.summary()
    again = import_file(header + rows)
    assert again.warning_count == 1
    assert counts(again) == (0, 0, 1)


@pytest.mark.django_db
def test_a_dry_run_records_no_fingerprint(town):
    import_file(HEADER + ROWS, dry_run=True)
    assert ImportFingerprint.objects.count() == 0


@pytest.mark.django_db
def test_rows_found_unchanged_the_normal_way_leave_a_fingerprint(town, checked):
    import_file(HEADER + ROWS)
    ImportFingerprint.objects.all().delete()
    import_file(HEADER + ROWS)
    assert ImportFingerprint.objects.count() == 2
    checked.clear()
    assert counts(import_file(HEADER + ROWS)) == (0, 0, 2)
    assert checked == []


@pytest.mark.django_db
def test_a_file_too_large_to_keep_in_memory_imports_the_same(town, checked, monkeypatch):
    """Beyond KEEP_IN_MEMORY new assets the plan goes to disk in batches and comes back
    whole: every value, event, audit entry and fingerprint as from memory."""
    from kretslopp.core import spool
    from kretslopp.core.models import AuditEntry
    from kretslopp.inventory.models import LifecycleEvent

    monkeypatch.setattr(spool, "KEEP_IN_MEMORY", 5)
    monkeypatch.setattr(spool, "BATCH", 4)
    spilled: list[int] = []
    spill = spool.Spool._spill

    def counted_spill(self: spool.Spool) -> None:
        spilled.append(len(self.items))
        spill(self)

    monkeypatch.setattr(spool.Spool, "_spill", counted_spill)
    header = "Asset tag,Manufacturer,Model,Department,Purchase date,Purchase price (SEK)\n"
    expected = {
        f"IMP-{n:03d}": (f"2021-03-{1 + n % 28:02d}", f"{n + 1}99.5{n % 10}") for n in range(23)
    }
    rows = "".join(
        f"{tag},Dell,Latitude 5420,GRF,{day},{price}\n" for tag, (day, price) in expected.items()
    )
    result = import_file(header + rows)
    assert result.status == "committed" and counts(result) == (23, 0, 0)
    assert spilled  # the plan did go to disk
    imported = Asset.objects.filter(asset_tag__startswith="IMP-")
    stored = imported.values_list("asset_tag", "purchase_date", "purchase_price_sek")
    assert {tag: (str(day), str(price)) for tag, day, price in stored} == expected
    assert LifecycleEvent.objects.filter(asset__in=imported).count() == 23
    assert AuditEntry.objects.filter(action="create", object_repr__startswith="IMP-").count() == 23
    assert ImportFingerprint.objects.filter(asset__in=imported).count() == 23
    checked.clear()
    again = import_file(header + rows)
    assert counts(again) == (0, 0, 23) and checked == []
