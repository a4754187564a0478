"""Exports: exactly the filtered list, safe to open, and re-importable without a change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kretslopp.conftest import downloaded, make_asset
from kretslopp.imports.assets import export
from kretslopp.imports.assets.columns import ASSET_FIELDS, suggest_mapping
from kretslopp.imports.tests.conftest import db_counts, import_file
from kretslopp.inventory.models import Asset
from kretslopp.organisation.models import CostCentre, Location, Person
from kretslopp.tabular import open_table


@pytest.fixture
def fleet(town):
    """Assets with every kind of value, including text a spreadsheet would run."""
    asset = town.own_asset
    asset.assignee = Person.objects.get(identifier="anv000001")
    asset.location = Location.objects.get(name="Stadshuset")
    asset.cost_centre = CostCentre.objects.create(
        code="GRF-01", name="Grundskolor öster", department=town.own
    )
    asset.purchase_price_sek = Decimal("12495.50")
    asset.purchase_date = dt.date(2021, 3, 4)
    asset.warranty_end = dt.date(2024, 3, 4)
    asset.supplier = "Atea Sverige AB"
    asset.notes = '=HYPERLINK("http://evil.example")\nrad två; "citat"'
    asset.save()
    make_asset("MS-M1", town.monitor, town.own, status="in_stock", has_storage=False)
    make_asset("MS-M2", town.monitor, town.other, status="returned", has_storage=False)
    return town


def download(client, fmt: str, **query) -> bytes:
    return downloaded(client.get(reverse("imports:export", args=[fmt]), query))


@pytest.mark.parametrize("swedish", [False, True])
def test_the_export_headers_are_recognised_as_our_own_format(swedish):
    mapping = suggest_mapping(export.headers(swedish=swedish))
    assert mapping.profile == "kretslopp"
    assert sorted(mapping.fields.values()) == sorted(ASSET_FIELDS)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "csv-sv", "xlsx"])
def test_an_export_imports_again_without_any_change(fleet, login, fmt):
    client = login(fleet.users["administrator"])
    content = download(client, fmt)
    before = db_counts()
    result = import_file(content, f"export.{fmt.split('-')[0]}")
    assert result.status == "committed", result.summary()
    counts = (result.counts.created, result.counts.updated, result.counts.unchanged)
    assert counts == (0, 0, Asset.objects.count())
    assert db_counts() == before


@pytest.mark.django_db
def test_the_export_is_the_list_as_filtered_on_screen(fleet, login):
    client = login(fleet.users["administrator"])
    table = open_table(download(client, "csv", category="monitor", sort="-tag"), "a.csv")
    assert [row.values[0] for row in table.rows()] == ["MS-M2", "MS-M1"]


@pytest.mark.django_db
def test_a_coordinator_exports_own_departments_only(fleet, login):
    client = login(fleet.users["coordinator"])
    table = open_table(download(client, "xlsx"), "a.xlsx")
    assert sorted(row.values[0] for row in table.rows()) == ["MS-0000001", "MS-M1"]


@pytest.mark.django_db
def test_formulas_are_neutralised_and_swedish_excel_gets_its_format(fleet, login):
    client = login(fleet.users["administrator"])
    content = download(client, "csv-sv")
    text = content.decode("cp1252")
    assert "Inventarienummer;" in text.splitlines()[0]
    assert "12495,50" in text
    assert "'=HYPERLINK" in text and ";=HYPERLINK" not in text
    comma = download(client, "csv").decode("utf-8-sig")
    assert "12495.50" in comma and "'=HYPERLINK" in comma


@pytest.mark.django_db
def test_a_changed_export_row_updates_only_that_asset(fleet, login):
    client = login(fleet.users["administrator"])
    text = download(client, "csv").decode("utf-8-sig").replace("Atea Sverige AB", "Dustin AB")
    result = import_file(text, "export.csv", user=fleet.users["administrator"])
    assert (result.counts.updated, result.counts.unchanged) == (1, Asset.objects.count() - 1)
    assert Asset.objects.get(pk=fleet.own_asset.pk).supplier == "Dustin AB"


@pytest.mark.django_db
def test_the_two_csv_downloads_get_different_file_names(fleet, login):
    client = login(fleet.users["viewer_all"])
    names = {}
    for fmt in ("csv", "csv-sv", "xlsx"):
        response = client.get(reverse("imports:export", args=[fmt]))
        names[fmt] = response["Content-Disposition"].split("filename=")[1].strip('"')
    assert names["csv"].endswith(".csv") and not names["csv"].endswith("-excel-sv.csv")
    assert names["csv-sv"].endswith("-excel-sv.csv")
    assert names["xlsx"].endswith(".xlsx")
    assert len(set(names.values())) == 3
