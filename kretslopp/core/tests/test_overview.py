"""The overview: the estate in numbers, scoped to the user, and never behind the data."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kretslopp.conftest import make_asset
from kretslopp.core.memo import Memo
from kretslopp.inventory import lifecycle
from kretslopp.inventory.lifecycle import Step
from kretslopp.inventory.models import Asset
from kretslopp.inventory.moves import Planned, move_many


def _overview(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.context


@pytest.mark.django_db
def test_the_overview_counts_what_the_user_may_see(town, login):
    make_asset("MS-O1", town.monitor, town.own, status=lifecycle.IN_STOCK)
    everything = _overview(login(town.users["sustainability_lead"]))
    assert (everything["in_custody"], everything["in_use"]) == (3, 2)
    own = _overview(login(town.users["coordinator"]))
    assert (own["in_custody"], own["in_use"]) == (2, 1)
    assert [department.code for department in own["departments"]] == ["GRF"]
    assert own["departments"][0].assets_in_custody == 2
    assert dict((code, n) for code, _label, n in own["categories"]) == {"laptop": 1, "monitor": 1}


@pytest.mark.django_db
def test_a_move_shows_on_the_overview_at_once(town, login):
    client = login(town.users["coordinator"])
    assert _overview(client)["in_use"] == 1
    town.own_asset.move(lifecycle.RETURNED)
    after = _overview(client)
    assert after["in_use"] == 0
    assert dict((code, n) for code, _label, n in after["statuses"])["returned"] == 1


@pytest.mark.django_db
def test_bulk_moves_new_assets_and_deletions_show_at_once(town, login):
    client = login(town.users["sustainability_lead"])
    assert _overview(client)["in_custody"] == 2
    monitor = make_asset("MS-O2", town.monitor, town.own, status=lifecycle.RETURNED)
    assert _overview(client)["in_custody"] == 3
    move_many([Planned(monitor.pk, lifecycle.RETURNED, [Step(lifecycle.RECYCLED)])])
    assert _overview(client)["in_custody"] == 2
    Asset.objects.filter(pk=town.other_asset.pk).delete()
    assert _overview(client)["in_custody"] == 1


def test_remembered_results_are_computed_once_and_the_oldest_goes_first():
    memo = Memo(size=2)
    calls: list[str] = []

    def compute(key: str):
        return lambda: calls.append(key) or key.upper()

    assert memo.get("a", compute("a")) == "A"
    assert memo.get("a", compute("a")) == "A"
    memo.get("b", compute("b"))
    memo.get("a", compute("a"))  # a is now the most recently used
    memo.get("c", compute("c"))  # so b goes
    memo.get("a", compute("a"))
    memo.get("b", compute("b"))
    assert calls == ["a", "b", "c", "b"]


@pytest.mark.django_db
def test_the_categories_count_what_is_in_custody_as_the_department_page_does(town, login):
    make_asset("MS-O3", town.monitor, town.own, status=lifecycle.RECYCLED)
    make_asset("MS-O4", town.monitor, town.own, status=lifecycle.ORDERED)
    client = login(town.users["coordinator"])
    overview = _overview(client)
    by_category = {code: n for code, _label, n in overview["categories"]}
    assert by_category == {"laptop": 1}  # the recycled and the ordered monitor are not held
    assert sum(by_category.values()) == overview["in_custody"]
    department = client.get(reverse("organisation:department", args=[town.own.code]))
    assert [(c, n) for c, _label, n in department.context["by_category"]] == [("laptop", 1)]


def _tiles(client) -> list[tuple[str, str]]:
    """The overview's figure tiles as (figure, label), as a reader sees them."""
    html = client.get(reverse("home")).content.decode()
    found = re.findall(r'kpi-value">([^<]*)</span><span class="kpi-label">([^<]*)<', html)
    return [(value.replace("\xa0", " "), label) for value, label in found]


@pytest.mark.django_db
def test_a_department_users_tile_shows_their_departments_employees(town, login):
    tiles = _tiles(login(town.users["coordinator"]))
    assert ("600", "medarbetare i Grundskoleförvaltningen") in tiles
    assert not [tile for tile in tiles if tile[0] == "1 000"]  # not the whole city's
    assert ("1 000", "medarbetare") in _tiles(login(town.users["sustainability_lead"]))
