"""Real exports import correctly: Snipe-IT (English, Swedish), GLPI, Intune, Swedish Excel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kretslopp.imports.tests.conftest import FIXTURES, TABULAR_FIXTURES, import_file
from kretslopp.inventory.models import Asset, LifecycleEvent, ProductModel
from kretslopp.organisation.models import Department, Person


@pytest.fixture
def city(town):
    """The test town plus the departments the fixture exports name."""
    Department.objects.create(code="FRI", name="Fritidsförvaltningen")
    Department.objects.create(code="SBK", name="Stadsbyggnadskontoret")
    return town


def read(name: str) -> bytes:
    folder = FIXTURES if (FIXTURES / name).exists() else TABULAR_FIXTURES
    return (folder / name).read_bytes()


@pytest.mark.django_db
def test_snipeit_english_export(city):
    result = import_file(read("snipeit_en.csv"), "snipeit_en.csv", allow_new_models=True)
    assert result.status == "committed", result.summary()
    assert (result.counts.created, result.counts.updated) == (5, 0)
    laptop = Asset.objects.select_related("model__manufacturer", "department").get(
        asset_tag="MLM-000412"
    )
    assert laptop.model == city.laptop  # "Latitude 5420" inside a link, by Dell
    assert laptop.department == city.other  # Company "Miljöförvaltningen"
    assert laptop.purchase_price_sek == Decimal("12495.00")
    assert laptop.status == "in_use"  # Deployed
    statuses = dict(Asset.objects.values_list("asset_tag", "status"))
    assert statuses["MLM-000413"] == "in_stock"  # Ready to Deploy
    assert statuses["FRI-000150"] == "in_stock"  # Pending
    assert statuses["SBK-000901"] == "returned"  # Broken
    spare = Asset.objects.get(asset_tag="MLM-000413")
    assert spare.notes == 'Spare for "hot desk" pool'
    assert ProductModel.objects.get(name="iPhone 12").category == "smartphone"
    # Every new asset starts its lifecycle with one event pointing at the import.
    event = LifecycleEvent.objects.get(asset=laptop)
    assert (event.from_status, event.to_status) == ("", "in_use")
    assert event.reference.startswith("import #")


@pytest.mark.django_db
def test_snipeit_swedish_excel_export(city):
    result = import_file(read("snipeit_sv.csv"), "snipeit_sv.csv", allow_new_models=True)
    assert result.status == "committed", result.summary()
    assert result.counts.created == 4
    spare = Asset.objects.get(asset_tag="MLM-000413")
    assert spare.purchase_date == dt.date(2021, 5, 17)  # 17/5/2021, day first
    assert spare.purchase_price_sek == Decimal("13990.00")  # "13 990,00"
    assert spare.warranty_end == dt.date(2024, 5, 17)  # 36 months of warranty
    assert spare.status == "in_stock"  # "Redo att distribueras"
    assert Asset.objects.get(asset_tag="SBK-000033").status == "returned"  # "Trasig"
    assert Asset.objects.get(asset_tag="FRI-000077").notes == "Skärm bytt; ny glasfilm"


@pytest.mark.django_db
def test_glpi_export_takes_the_last_part_of_the_entity(city):
    result = import_file(read("glpi_computers.csv"), "glpi.csv", allow_new_models=True)
    assert result.status == "committed", result.summary()
    assert result.counts.created == 4
    asset = Asset.objects.select_related("department", "location").get(asset_tag="MLM-000412")
    assert asset.department == city.other  # "Malmö stad > Miljöförvaltningen"
    assert asset.model == city.laptop  # "Dell Inc." is Dell
    assert asset.location.name == "Stadshuset > Plan 3"
    assert ProductModel.objects.get(name="t640 Thin Client").category == "thin_client"


@pytest.mark.django_db
def test_intune_export_updates_devices_found_by_serial_number(city):
    Person.objects.create(
        identifier="atestsson", email="anna.testsson@example.malmo.se", department=city.other
    )
    assert import_file(read("snipeit_en.csv"), "s.csv", allow_new_models=True).ok
    result = import_file(read("intune_devices.csv"), "intune.csv")
    assert result.status == "committed", result.summary()
    # Dell Inc./Apple/LENOVO "20W0" (a model number) find the assets Snipe-IT brought in.
    assert (result.counts.created, result.counts.updated) == (0, 3)
    laptop = Asset.objects.select_related("assignee").get(asset_tag="MLM-000412")
    assert laptop.in_use_date == dt.date(2021, 3, 11)  # enrollment date
    assert laptop.assignee.identifier == "atestsson"  # by e-mail
    lenovo = Asset.objects.get(asset_tag="SBK-000901")
    assert lenovo.model.name == "ThinkPad T14 Gen 2"
    assert [w.code for w in result.problems if w.warning].count("unknown_person") == 2


@pytest.mark.django_db
def test_our_own_swedish_excel_csv(town):
    result = import_file(read("kretslopp_sv_excel.csv"), "inventering.csv", allow_new_models=True)
    assert result.status == "committed", result.summary()
    assert result.counts.created == 3
    first = Asset.objects.select_related("assignee", "location").get(asset_tag="GRF-000101")
    assert first.purchase_price_sek == Decimal("11490.50")
    assert first.assignee.identifier == "anv000001"
    assert first.location.name == "Stadshuset"
    assert first.notes == "Lärarens dator, rum 2.14"
    monitor = Asset.objects.get(asset_tag="GRF-000103")
    assert monitor.model == town.monitor and monitor.has_storage is False
    assert monitor.notes == "Skärm; flyttad från rum 1"
    assert Asset.objects.get(asset_tag="GRF-000102").status == "in_stock"


@pytest.mark.django_db
def test_an_xlsx_file_imports_like_a_csv(town, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Asset tag", "Serial number", "Manufacturer", "Model", "Department", "Status"])
    sheet.append(["MS-X1", "SN-X1", "Dell", "P2422H", "GRF", "In stock"])
    sheet.append(["MS-X2", "SN-X2", "Dell", "Latitude 5420", "Grundskoleförvaltningen", "I bruk"])
    path = tmp_path / "assets.xlsx"
    book.save(path)
    result = import_file(path.read_bytes(), "assets.xlsx")
    assert result.status == "committed", result.summary()
    assert dict(
        Asset.objects.filter(asset_tag__startswith="MS-X").values_list("asset_tag", "status")
    ) == {
        "MS-X1": "in_stock",
        "MS-X2": "in_use",
    }
