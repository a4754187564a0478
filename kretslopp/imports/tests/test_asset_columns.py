"""Automatic column mapping for the asset import, and the default value maps.

The files are the generic reader's fixtures (exports of Snipe-IT, GLPI, Intune and our own).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kretslopp.imports.assets.columns import (
    ASSET_FIELDS,
    CATEGORY_CODES,
    CATEGORY_MAP,
    STATUS_CODES,
    STATUS_MAP,
    ColumnMapping,
    map_category,
    map_status,
    suggest_mapping,
)
from kretslopp.tabular import open_table

FIXTURES = Path(__file__).resolve().parents[2] / "tabular" / "tests" / "fixtures"


def mapped(name: str) -> tuple[ColumnMapping, dict[str, str]]:
    table = open_table(FIXTURES / name)
    mapping = suggest_mapping(table.headers)
    return mapping, {field: table.headers[pos] for pos, field in mapping.fields.items()}


def test_snipeit_english_export() -> None:
    mapping, by_field = mapped("snipeit_en.csv")
    assert mapping.profile == "snipeit"
    assert by_field["asset_tag"] == "Asset Tag"
    assert by_field["serial_number"] == "Serial"
    assert by_field["model_name"] == "Model"
    assert by_field["model_number"] == "Model No."
    assert by_field["department"] == "Company"
    assert by_field["purchase_price_sek"] == "Cost"
    assert by_field["purchase_date"] == "Purchased"
    assert by_field["planned_end_of_life"] == "EOL"
    assert by_field["assignee"] == "Checked Out To"
    assert by_field["warranty_months"] == "Warranty"
    assert by_field["warranty_end"] == "Warranty Expires"
    # "Username" also means the assignee: the better alias won, the other is listed
    assert [mapping.headers[pos] for pos in mapping.conflicts] == ["Username"]


def test_snipeit_swedish_export() -> None:
    mapping, by_field = mapped("snipeit_sv.csv")
    assert mapping.profile == "snipeit"
    assert by_field["asset_tag"] == "Tillgångstagg"
    assert by_field["department"] == "Företag"
    assert by_field["assignee"] == "Utcheckad till"
    assert by_field["model_number"] == "Modellnummer"
    assert by_field["purchase_price_sek"] == "Inköpspris"


def test_glpi_export() -> None:
    mapping, by_field = mapped("glpi_computers.csv")
    assert mapping.profile == "glpi"
    assert by_field["asset_tag"] == "Inventory number"
    assert by_field["category"] == "Type"
    assert by_field["department"] == "Entity"
    assert by_field["assignee"] == "User"
    assert by_field["device_name"] == "Name"


def test_intune_export() -> None:
    mapping, by_field = mapped("intune_devices.csv")
    assert mapping.profile == "intune"
    assert by_field["assignee"] == "Primary user UPN"
    assert by_field["in_use_date"] == "Enrollment date"
    assert by_field["serial_number"] == "Serial number"
    assert mapping.defaults == {"status": "in_use"}  # Intune has no status column


def test_our_own_export_field_names_and_labels() -> None:
    assert suggest_mapping(list(ASSET_FIELDS)).fields == dict(enumerate(ASSET_FIELDS))
    assert suggest_mapping(list(ASSET_FIELDS)).profile == "kretslopp"
    swedish = ["Inventarienummer", "Serienummer", "Modell", "Kategori", "Förvaltning",
               "Inköpsdatum", "Inköpspris (kr)", "Status"]  # fmt: skip
    mapping = suggest_mapping(swedish)
    assert mapping.profile == "kretslopp"
    assert list(mapping.fields.values()) == [
        "asset_tag", "serial_number", "model_name", "category", "department",
        "purchase_date", "purchase_price_sek", "status",
    ]  # fmt: skip


def test_duplicate_headers_first_wins_later_listed() -> None:
    mapping = suggest_mapping(["Serial number", "Model", "Serial number", "Something else"])
    assert mapping.fields == {0: "serial_number", 1: "model_name"}
    assert mapping.conflicts == [2]
    assert mapping.unmapped == [2, 3]
    assert mapping.profile == "unknown"


def test_mapping_saves_and_loads_through_json() -> None:
    mapping = suggest_mapping(open_table(FIXTURES / "intune_devices.csv").headers)
    again = ColumnMapping.from_dict(json.loads(json.dumps(mapping.to_dict())))
    assert again == mapping
    assert again.position_of("assignee") == mapping.position_of("assignee") is not None


@pytest.mark.parametrize(
    ("text", "code"),
    [("Laptops", "laptop"), ("Bärbar dator", "laptop"), ("notebook", "laptop"),
     ("Desktop", "desktop"), ("Stationär dator", "desktop"), ("Mobile Phones", "smartphone"),
     ("Mobiltelefon", "smartphone"), ("Smartphone", "smartphone"), ("Monitor", "monitor"),
     ("Bildskärm", "monitor"), ("All-in-one", "all_in_one"), ("Thin client", "thin_client"),
     ("Surfplatta", "tablet"), ("Dockningsstation", "docking_station"),
     ("Brandvägg", "router_firewall"), ("network_switch", "network_switch"), ("Övrigt", "other"),
     ("Kaffebryggare", None), ("", None)],
)  # fmt: skip
def test_map_category(text: str, code: str | None) -> None:
    assert map_category(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [("Ready to Deploy", "in_stock"), ("Redo att distribueras", "in_stock"),
     ("Ready to Deploy (Deployable)", "in_stock"), ("Deployed", "in_use"),
     ("Utcheckad", "in_use"), ("Pending", "in_stock"), ("Broken", "returned"),
     ("Trasig", "returned"), ("Lost/Stolen", "lost"), ("In use", "in_use"),
     ("In stock", "in_stock"), ("I bruk", "in_use"), ("erased", "erased"),
     ("Archived", None)],
)  # fmt: skip
def test_map_status(text: str, code: str | None) -> None:
    assert map_status(text) == code


def test_value_maps_only_use_known_codes_and_accept_overrides() -> None:
    assert set(CATEGORY_MAP.values()) == set(CATEGORY_CODES)
    assert set(STATUS_MAP.values()) <= set(STATUS_CODES)
    assert map_status("Archived", overrides={"archived": "recycled"}) == "recycled"
    assert map_category("Laptops", overrides={"LAPTOPS": "other"}) == "other"


def test_fixture_categories_and_statuses_all_map() -> None:
    for name, category, status in [
        ("snipeit_en.csv", "Category", "Status"),
        ("snipeit_sv.csv", "Kategori", "Status"),
        ("glpi_computers.csv", "Type", "Status"),
    ]:
        table = open_table(FIXTURES / name)
        c, s = table.headers.index(category), table.headers.index(status)
        for row in table.rows():
            assert map_category(row.values[c]) in CATEGORY_CODES, row
            assert map_status(row.values[s]) in STATUS_CODES, row
