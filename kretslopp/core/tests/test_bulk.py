"""The one fast write path: what goes in comes back out as the ORM would have stored it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
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
