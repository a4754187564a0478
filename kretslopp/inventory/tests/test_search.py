"""Searching the register: what a person types finds the devices it names, on both engines."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kretslopp.conftest import make_asset
from kretslopp.core.paging import CappedPaginator
from kretslopp.inventory.models import Asset, ProductModel
from kretslopp.organisation.models import Person

pytestmark = pytest.mark.django_db


def found(text: str) -> set[str]:
    return set(Asset.objects.search(text).values_list("asset_tag", flat=True))


def test_an_exact_tag_or_serial_finds_that_device_alone_in_any_letter_case(town):
    make_asset("MS-00000010", town.laptop, town.own, serial_number="ab12cd")
    assert found("MS-0000001") == {"MS-0000001"}  # not also MS-00000010, which it prefixes
    assert found("ms-0000001") == {"MS-0000001"}
    assert found("AB12CD") == {"MS-00000010"}
    assert found("  ab12cd ") == {"MS-00000010"}


def test_a_prefix_of_a_tag_or_serial_finds_every_device_it_begins(town):
    make_asset("LU-1", town.monitor, town.other, serial_number="CN0X-77")
    assert found("MS-000000") == {"MS-0000001", "MS-0000002"}
    assert found("cn0x") == {"LU-1"}
    assert found("SN-MS") == {"MS-0000001", "MS-0000002"}
    assert found("000001") == set()  # the middle of a code is not a prefix


def test_model_names_match_anywhere_in_the_name_in_any_letter_case(town):
    assert found("latitude") == {"MS-0000001", "MS-0000002"}
    assert found("itude 54") == {"MS-0000001", "MS-0000002"}
    assert found("p2422") == set()  # no monitor in the register yet
    make_asset("SKÄRM-1", town.monitor, town.own)
    assert found("P2422") == {"SKÄRM-1"}


def test_people_are_found_by_name_and_by_the_beginning_of_their_id(town):
    person = Person.objects.create(identifier="anv777", name="Åsa Öberg", department=town.own)
    town.own_asset.assignee = person
    town.own_asset.save()
    assert found("anv77") == {"MS-0000001"}
    assert found("Öberg") == {"MS-0000001"}
    assert found("sa Öb") == {"MS-0000001"}


def test_the_name_index_follows_renames_and_deletions(town):
    assert found("Latitude") == {"MS-0000001", "MS-0000002"}
    ProductModel.objects.filter(pk=town.laptop.pk).update(name="Precision 3570")
    assert found("Latitude") == set()
    assert found("precision") == {"MS-0000001", "MS-0000002"}
    gone = ProductModel.objects.create(manufacturer=town.laptop.manufacturer, name="Vostro 15")
    gone.delete()
    assert found("Vostro") == set()


def test_typed_quotes_and_query_syntax_are_searched_as_text(town):
    for text in ('"', 'Latitude" OR "x', "NEAR(a b)", "*", "a'b", "%", "_"):
        assert found(text) == set(), text


def test_a_search_reads_a_fixed_number_of_queries_whatever_it_matches(town):
    for number in range(30):
        make_asset(f"BULK-{number:03}", town.laptop, town.own)
    with CaptureQueriesContext(connection) as queries:
        assert len(found("BULK-01")) == 10
        assert len(found("Latitude")) == 32
    assert len(queries) <= 2 * 4


def test_a_broad_list_counts_only_up_to_the_cap_and_says_more_than(town, login):
    for number in range(7):
        make_asset(f"CAP-{number}", town.laptop, town.own)
    pager = CappedPaginator(Asset.objects.order_by("pk"), 2, cap=5)
    assert pager.count == 5 and pager.capped
    assert pager.num_pages == 3
    exact = CappedPaginator(Asset.objects.order_by("pk"), 2, cap=50)
    assert exact.count == 9 and not exact.capped


def test_the_list_says_more_than_when_the_count_stops(town, login, monkeypatch):
    from kretslopp.core import paging

    monkeypatch.setattr(paging, "COUNT_CAP", 1)
    monkeypatch.setattr(paging.CappedPaginator.__init__, "__defaults__", (1,))
    client = login(town.users["administrator"])
    page = client.get(reverse("inventory:assets")).content.decode()
    assert "Visar fler än 1 tillgångar" in page
    assert "fler än 1 totalt" in page
