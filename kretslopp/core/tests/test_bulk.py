"""The one fast write path: what goes in comes back out as the ORM would have stored it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kretslopp.core import audit, bulk
from kretslopp.core.history import history_for
from kretslopp.core.models import AuditEntry
from kretslopp.inventory.models import Asset, LifecycleEvent


@pytest.mark.django_db
def test_inserted_rows_read_back_with_their_dates_and_times(town):
    at = timezone.now().replace(microsecond=0)
    rows = [(town.own_asset.pk, "in_use", "returned", at, None, f"note {n}", "") for n in range(5)]
    columns = ("asset_id", "from_status", "to_status", "at", "actor_id", "note", "reference")
    assert bulk.insert(LifecycleEvent, columns, rows) == 5
    stored = LifecycleEvent.objects.filter(note__startswith="note ").order_by("note")
    assert [event.at for event in stored] == [at] * 5
    assert [event.note for event in stored] == [f"note {n}" for n in range(5)]


@pytest.mark.django_db
def test_updates_by_key_store_prices_dates_and_empty_values(town):
    asset = town.own_asset
    rows = [(asset.pk, Decimal("12345.60"), dt.date(2021, 5, 4), None)]
    bulk.update_by_pk(Asset, ["purchase_price_sek", "purchase_date", "end_date"], rows)
    asset.refresh_from_db()
    assert asset.purchase_price_sek == Decimal("12345.60")
    assert asset.purchase_date == dt.date(2021, 5, 4)
    assert asset.end_date is None


def test_batches_are_never_larger_than_asked_and_lose_no_row():
    batches = list(bulk.batched(((n,) for n in range(2500)), size=1000))
    assert [len(batch) for batch in batches] == [1000, 1000, 500]
    assert [row for batch in batches for row in batch] == [(n,) for n in range(2500)]


@pytest.mark.django_db
def test_bulk_audit_entries_show_in_the_records_history_with_their_actor(town):
    coordinator = town.users["coordinator"]
    asset = town.own_asset
    entries = [(asset.pk, str(asset), "update", {"notes": ["", "Bytt batteri"]})]
    assert audit.record_many(Asset, entries, by=coordinator) == 1
    entry = history_for(asset)[0].entry
    assert (entry.actor, entry.action, entry.changes) == (
        coordinator,
        "update",
        {"notes": ["", "Bytt batteri"]},
    )


@pytest.mark.django_db
def test_bulk_audit_takes_the_acting_user_when_none_is_given(town):
    lead = town.users["sustainability_lead"]
    with audit.acting_as(lead):
        audit.record_many(Asset, [(town.own_asset.pk, "MS-0000001", "update", {})])
    assert AuditEntry.objects.latest("id").actor == lead


@pytest.mark.django_db
def test_bulk_audit_entries_keep_the_moment_they_happened_when_given_one(town):
    asset = town.own_asset
    ordered = dt.datetime(2016, 3, 4, 9, 30, tzinfo=dt.UTC)
    before = timezone.now()
    entries = [
        (asset.pk, str(asset), "update", {"notes": ["", "Inventerad"]}),
        (asset.pk, str(asset), "create", {"status": [None, "ordered"]}, ordered),
        (asset.pk, str(asset), "update", {"notes": ["Inventerad", "Märkt"]}, None),
    ]
    assert audit.record_many(Asset, entries) == 3
    history = [item.entry for item in history_for(asset)]
    # newest first: the two timed now lead; the 2016 one sits at its own moment, last,
    # behind the entry the asset's ordinary save wrote when the test town was made
    assert [entry.changes for entry in history[:2]] == [
        {"notes": ["Inventerad", "Märkt"]},
        {"notes": ["", "Inventerad"]},
    ]
    assert all(entry.at >= before for entry in history[:2])
    oldest = history[-1]
    assert (oldest.action, oldest.at, oldest.changes) == (
        "create",
        ordered,
        {"status": [None, "ordered"]},
    )


@pytest.mark.django_db
def test_every_kind_of_value_reads_back_as_the_orm_stores_it(town):
    """COPY on PostgreSQL and executemany on SQLite store the same: text with tabs, line
    breaks and backslashes, prices, empty dates, flags, time stamps in any zone, JSON."""
    stockholm = dt.timezone(dt.timedelta(hours=2))
    changed = dt.datetime(2024, 6, 30, 23, 30, 15, 123456, tzinfo=stockholm)
    awkward = 'tab\there\nnew line \\N back\\slash "quoted" åäö ☃'
    asset = Asset(
        asset_tag="MS-BULK-1",
        serial_number="",
        model=town.laptop,
        department=town.own,
        purchase_date=dt.date(2020, 2, 29),
        purchase_price_sek=Decimal("12345.67"),
        has_storage=False,
        status="in_use",
        status_changed_at=changed,
        notes=awkward,
    )
    [made] = bulk.create(Asset, [asset])
    stored = Asset.objects.get(asset_tag="MS-BULK-1")
    assert stored.pk == made.pk
    assert (stored.notes, stored.serial_number) == (awkward, "")
    assert stored.purchase_price_sek == Decimal("12345.67")
    assert (stored.purchase_date, stored.in_use_date, stored.end_date) == (
        dt.date(2020, 2, 29),
        None,
        None,
    )
    assert stored.has_storage is False
    assert stored.status_changed_at == changed
    assert stored.created_at is not None and stored.created_at == made.created_at

    changes = {"notes": [None, awkward], "price": [None, "12345.67"], "none": [None, None]}
    audit.record_many(Asset, [(made.pk, "MS-BULK-1", "create", changes)])
    assert AuditEntry.objects.latest("id").changes == changes


@pytest.mark.django_db
def test_reserved_ids_are_never_handed_out_again(town):
    reserved = list(bulk.reserve_ids(LifecycleEvent, 3))
    assert len(set(reserved)) == 3
    later = LifecycleEvent.objects.create(asset=town.own_asset, to_status="in_use")
    assert later.pk not in reserved
    assert list(bulk.reserve_ids(LifecycleEvent, 2))[0] > max(reserved)
    columns = ("id", "asset_id", "from_status", "to_status", "at", "actor_id", "note", "reference")
    at = timezone.now()
    rows = [
        (pk, town.own_asset.pk, "", "in_use", at, None, f"reserved {pk}", "") for pk in reserved
    ]
    assert bulk.insert(LifecycleEvent, columns, rows) == 3
    stored = dict(LifecycleEvent.objects.filter(pk__in=reserved).values_list("pk", "note"))
    assert stored == {pk: f"reserved {pk}" for pk in reserved}


@pytest.mark.django_db
def test_objects_created_in_bulk_have_their_ids_and_count_as_saved(town):
    from kretslopp.organisation.models import Location

    made = bulk.create(
        Location, [Location(name=f"Skola {n}", department=town.own) for n in range(5)]
    )
    assert all(location.pk is not None and not location._state.adding for location in made)
    stored = dict(Location.objects.filter(name__startswith="Skola ").values_list("pk", "name"))
    assert stored == {location.pk: location.name for location in made}
    made[0].name = "Skola noll"
    made[0].save()
    assert Location.objects.get(pk=made[0].pk).name == "Skola noll"


@pytest.mark.django_db
def test_updates_by_key_take_the_last_values_of_a_key_given_twice_and_empty_columns(town):
    asset = town.own_asset
    rows = [
        (asset.pk, "first", None, None),
        (town.other_asset.pk, "other", None, None),
        (asset.pk, "last", None, None),
    ]
    assert bulk.update_by_pk(Asset, ["notes", "purchase_date", "purchase_price_sek"], rows) == 3
    assert dict(Asset.objects.values_list("pk", "notes")) == {
        asset.pk: "last",
        town.other_asset.pk: "other",
    }
    assert set(Asset.objects.values_list("purchase_date", "purchase_price_sek")) == {(None, None)}


#: Every column of an asset without a default in the database.
ASSET_COLUMNS = (
    "asset_tag", "serial_number", "model_id", "department_id", "supplier", "order_number",
    "has_storage", "status", "status_changed_at", "notes", "created_at", "updated_at",
)  # fmt: skip


def _asset_row(tag: str, town, now: dt.datetime) -> tuple:
    return (tag, "", town.laptop.pk, town.own.pk, "", "", True, "in_use", now, "", now, now)


@pytest.mark.django_db(transaction=True)
def test_a_refused_bulk_write_raises_djangos_error_and_leaves_nothing(town):
    from django.db import IntegrityError, transaction

    now = timezone.now()
    rows = [_asset_row(f"MS-NEW-{n}", town, now) for n in range(3)]
    bulk.insert(Asset, ASSET_COLUMNS, rows[:1])  # a complete row goes in
    Asset.objects.filter(asset_tag="MS-NEW-0").delete()
    with pytest.raises(IntegrityError, match="asset_tag"), transaction.atomic():
        bulk.insert(Asset, ASSET_COLUMNS, rows)
        bulk.insert(Asset, ASSET_COLUMNS, rows[:1])  # the same tag again
    assert not Asset.objects.filter(asset_tag__startswith="MS-NEW-").exists()
    Asset.objects.filter(pk=town.own_asset.pk).update(notes="still usable")


@pytest.mark.django_db
def test_a_price_or_date_given_as_text_is_stored_as_a_save_stores_it(town):
    """Binary COPY takes each column's own type: text for a price or a date (as a form or
    a generator may give it) is read the way ``save()`` reads it first."""
    asset = Asset(
        asset_tag="MS-TEXT-1",
        model=town.laptop,
        department=town.own,
        status="in_use",
        purchase_price_sek="2499.50",
        purchase_date="2021-04-30",
        status_changed_at=dt.datetime(2021, 5, 1, 8, 0, tzinfo=dt.UTC),
    )
    bulk.create(Asset, [asset])
    stored = Asset.objects.get(asset_tag="MS-TEXT-1")
    assert (stored.purchase_price_sek, stored.purchase_date) == (
        Decimal("2499.50"),
        dt.date(2021, 4, 30),
    )


@pytest.mark.django_db
def test_ids_reserved_in_blocks_are_distinct_and_no_more_than_asked(town):
    reserved = bulk.ReservedIds(LifecycleEvent, 7, block=3)
    taken = [reserved.take(2), reserved.take(4), reserved.take(5)]
    assert [len(ids) for ids in taken] == [2, 4, 1]
    flat = [pk for ids in taken for pk in ids]
    assert len(set(flat)) == 7
    assert LifecycleEvent.objects.create(asset=town.own_asset, to_status="in_use").pk not in flat


def _schema(model) -> tuple[list, list]:
    """The table's indexes and constraints as PostgreSQL describes them."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = %s::regclass ORDER BY 1",
            [table],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass ORDER BY 1",
            [table],
        )
        return indexes, cursor.fetchall()


EVENT_COLUMNS = ("asset_id", "from_status", "to_status", "at", "actor_id", "note", "reference")


@pytest.mark.django_db
def test_rows_loaded_before_their_indexes_are_found_through_the_same_indexes_and_keys(town):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps its indexes during a load")
    before = {model: _schema(model) for model in (Asset, LifecycleEvent, AuditEntry)}
    at = timezone.now()
    with transaction.atomic(), bulk.indexes_built_after(Asset, LifecycleEvent, AuditEntry):
        indexes, constraints = _schema(LifecycleEvent)
        assert [name for name, _definition in indexes] == ["inventory_lifecycleevent_pkey"]
        assert all("FOREIGN KEY" not in definition for _name, definition in constraints)
        row = (town.own_asset.pk, "in_use", "returned", at, None, "loaded early", "")
        bulk.insert(LifecycleEvent, EVENT_COLUMNS, [row])
    assert {model: _schema(model) for model in before} == before
    assert LifecycleEvent.objects.filter(asset=town.own_asset, note="loaded early").exists()


@pytest.mark.django_db
def test_a_loaded_row_pointing_nowhere_refuses_the_whole_load_and_keeps_the_keys(town):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps its foreign keys during a load")
    before = _schema(LifecycleEvent)
    nowhere = Asset.objects.order_by("-pk").first().pk + 1000
    row = (nowhere, "in_use", "returned", timezone.now(), None, "points nowhere", "")
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        bulk.indexes_built_after(LifecycleEvent),
    ):
        bulk.insert(LifecycleEvent, EVENT_COLUMNS, [row])
    assert not LifecycleEvent.objects.filter(note="points nowhere").exists()
    assert _schema(LifecycleEvent) == before
