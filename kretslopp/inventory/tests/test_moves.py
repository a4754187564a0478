"""Moving one asset and moving thousands: the same rules, the same dates, the same record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kretslopp.conftest import make_asset
from kretslopp.core.history import history_for
from kretslopp.inventory import lifecycle
from kretslopp.inventory.lifecycle import Step, dates_after_move
from kretslopp.inventory.models import Asset, LifecycleEvent
from kretslopp.inventory.moves import BulkMoveRefused, Planned, move_many

DAY = dt.date(2026, 11, 28)
EARLIER = dt.date(2024, 1, 1)


def test_leaving_custody_or_going_missing_ends_the_assets_time():
    for target in (lifecycle.RECYCLED, lifecycle.DESTROYED, lifecycle.LOST, lifecycle.STOLEN):
        assert dates_after_move(target, DAY, in_use_date=EARLIER, end_date=None) == {
            "end_date": DAY
        }


def test_coming_back_into_stock_reopens_it_and_first_use_starts_service():
    assert dates_after_move(lifecycle.IN_STOCK, DAY, in_use_date=EARLIER, end_date=EARLIER) == {
        "end_date": None
    }
    assert dates_after_move(lifecycle.IN_USE, DAY, in_use_date=None, end_date=None) == {
        "in_use_date": DAY
    }


def test_moves_that_change_no_date_say_so():
    assert dates_after_move(lifecycle.IN_USE, DAY, in_use_date=EARLIER, end_date=None) == {}
    assert dates_after_move(lifecycle.IN_STOCK, DAY, in_use_date=None, end_date=None) == {}
    assert dates_after_move(lifecycle.RETURNED, DAY, in_use_date=EARLIER, end_date=None) == {}


def _state(asset: Asset) -> tuple:
    asset.refresh_from_db()
    return asset.status, asset.end_date, asset.in_use_date, asset.status_changed_at


@pytest.mark.django_db
def test_a_bulk_move_leaves_the_asset_as_a_single_move_does(town):
    coordinator = town.users["coordinator"]
    at = timezone.now()
    one = make_asset("MS-A1", town.monitor, town.own, status=lifecycle.RETURNED)
    many = make_asset("MS-A2", town.monitor, town.own, status=lifecycle.RETURNED)
    one.move(lifecycle.RECYCLED, by=coordinator, at=at)
    moved = move_many(
        [Planned(many.pk, lifecycle.RETURNED, [Step(lifecycle.RECYCLED)])], by=coordinator, at=at
    )
    assert moved == 1
    assert _state(one) == _state(many)
    assert many.end_date == timezone.localdate(at)
    event = LifecycleEvent.objects.get(asset=many, to_status=lifecycle.RECYCLED)
    assert (event.from_status, event.to_status, event.actor) == (
        "returned",
        "recycled",
        coordinator,
    )


@pytest.mark.django_db
def test_a_bulk_move_shows_in_the_history_with_status_and_end_date(town):
    coordinator = town.users["coordinator"]
    asset = make_asset("MS-A3", town.monitor, town.own, status=lifecycle.RETURNED)
    move_many([Planned(asset.pk, lifecycle.RETURNED, [Step(lifecycle.RECYCLED)])], by=coordinator)
    entry = history_for(asset)[0]
    assert entry.entry.actor == coordinator
    assert entry.entry.changes["status"] == ["returned", "recycled"]
    assert entry.entry.changes["end_date"][0] is None
    assert entry.entry.changes["end_date"][1] == timezone.localdate().isoformat()


@pytest.mark.django_db
def test_one_refused_step_moves_no_asset_at_all(town):
    fine = make_asset("MS-A4", town.monitor, town.own, status=lifecycle.RETURNED)
    laptop = town.own_asset  # in use, with storage: cannot be recycled now
    with pytest.raises(BulkMoveRefused) as refused:
        move_many(
            [
                Planned(fine.pk, lifecycle.RETURNED, [Step(lifecycle.RECYCLED)]),
                Planned(laptop.pk, lifecycle.IN_USE, [Step(lifecycle.RECYCLED)]),
            ]
        )
    assert refused.value.asset_id == laptop.pk
    assert _state(fine)[0] == lifecycle.RETURNED
    assert not LifecycleEvent.objects.filter(asset=fine, to_status=lifecycle.RECYCLED).exists()
