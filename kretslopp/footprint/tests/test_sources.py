"""The engine reproduces its sources exactly, and every shipped figure names a source."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kretslopp.footprint import derive
from kretslopp.footprint.engine import asset_footprint
from kretslopp.footprint.factors import factor_set_ids, get_factor_set
from kretslopp.footprint.grid import get_grid, grid_factor, grid_ids
from kretslopp.footprint.matching import match_model, pcf_records
from kretslopp.footprint.sources import data_path, sources
from kretslopp.footprint.taxonomy import CATEGORY_CODES


def test_dell_latitude_5420_sheet_is_reproduced_exactly():
    match = match_model("Dell", "Latitude 5420")
    assert match is not None and match.status == "exact"
    sheet = match.record
    assert sheet.gwp_total_kg_co2e == 364.0
    assert sheet.gwp_manufacturing_ratio == 0.848
    assert sheet.embodied_kg_co2e == pytest.approx(364.0 * 0.848)  # 308.672 kg manufacturing
    assert sheet.kwh_per_year == 21.35
    assert sheet.lifetime_years == 4.0
    assert "latitude-5420-pcf-datasheet.pdf" in sheet.source_url


def test_an_asset_of_that_model_carries_the_sheets_embodied_figure_over_its_lifetime():
    asset = asset_footprint("laptop", "2021-01-01", manufacturer="Dell", model="Latitude 5420")
    assert asset.figures.data_quality == "model"
    assert asset.embodied_kg_co2e_total == pytest.approx(308.672)
    assert sum(y.embodied_kg_co2e for y in asset.years) == pytest.approx(308.672)
    assert "boavizta-pcf" in asset.figures.embodied_source


def test_ivl_notebook_new_production_is_280_kg():
    rows = derive.ivl_rows()
    notebook = rows["Notebook (average all sub categories)"]
    assert notebook.new_production_kg_co2e == 280.0
    assert get_factor_set("ivl-ademe-2020")["laptop"].embodied_kg_co2e == 280.0


def test_sweden_2024_grid_intensity_is_35_8_g_per_kwh_as_the_source_says():
    factor = grid_factor(2024, "owid-swe")
    assert round(factor.g_co2e_per_kwh, 1) == 35.8
    assert factor.g_co2e_per_kwh == 35.823833  # the file's own digits
    assert factor.data_year == 2024 and factor.note == ""
    assert grid_factor(2013, "owid-swe").g_co2e_per_kwh == 44.69712


def test_years_outside_the_series_use_the_nearest_year_and_say_so():
    later = grid_factor(2030, "owid-swe")
    assert later.g_co2e_per_kwh == 35.823833
    assert later.data_year == 2024
    assert "nearest year 2024" in later.note
    eu = grid_factor(2024, "owid-eu27")  # the EU-27 series ends in 2023
    assert eu.data_year == 2023 and "nearest year 2023" in eu.note


def test_named_alternative_grids():
    assert grid_factor(2022, "nordic-ivl").g_co2e_per_kwh == 59.0
    assert grid_factor(2022, "eu-boavizta-2019").g_co2e_per_kwh == pytest.approx(380.0)
    assert grid_factor(2020, "owid:NOR").g_co2e_per_kwh > 0
    assert set(grid_ids()) >= {"owid-swe", "owid-eu27", "nordic-ivl", "eu-boavizta-2019"}
    for grid_id in grid_ids():
        assert get_grid(grid_id).source_id in sources()


def test_the_pcf_file_has_all_1226_sheets():
    assert len(pcf_records()) == 1226


def test_shipped_factor_sets_equal_what_the_derivation_computes():
    shipped = data_path(derive.FACTOR_SETS_FILE).read_text(encoding="utf-8")
    computed = derive.to_csv_text(derive.derive_factor_sets(), derive.FACTOR_SET_COLUMNS)
    assert shipped == computed
    shipped = data_path(derive.AVOIDED_FILE).read_text(encoding="utf-8")
    computed = derive.to_csv_text(derive.derive_avoided_factors(), derive.AVOIDED_COLUMNS)
    assert shipped == computed


def test_pcf_median_laptop_default_is_the_median_of_the_laptop_sheets():
    values = []
    with data_path("pcf-boavizta-data-us.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["subcategory"] == "Laptop" and row["gwp_manufacturing_ratio"]:
                values.append(float(row["gwp_total"]) * float(row["gwp_manufacturing_ratio"]))
    values.sort()
    middle = len(values) // 2
    median = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
    laptop = get_factor_set("pcf-median-2023")["laptop"]
    assert laptop.embodied_kg_co2e == round(median, 3)
    assert laptop.embodied_kg_co2e_min == round(values[0], 3)
    assert laptop.embodied_kg_co2e_max == round(values[-1], 3)


@pytest.mark.parametrize("factor_set_id", ["pcf-median-2023", "ivl-ademe-2020"])
def test_every_category_has_defaults_with_a_known_source(factor_set_id):
    assert factor_set_id in factor_set_ids()
    fs = get_factor_set(factor_set_id)
    known = sources()
    for code in CATEGORY_CODES:
        f = fs[code]
        assert f.embodied_kg_co2e_min <= f.embodied_kg_co2e <= f.embodied_kg_co2e_max
        assert f.kwh_per_year_min <= f.kwh_per_year <= f.kwh_per_year_max
        assert f.lifetime_years > 0
        for ids in (f.embodied_source_ids, f.energy_source_ids, f.lifetime_source_ids):
            assert ids and set(ids) <= set(known)
        assert f.embodied_basis and f.energy_basis and f.lifetime_basis


def test_categories_without_a_source_say_so():
    fs = get_factor_set("pcf-median-2023")
    assert "proxy" in fs["storage"].embodied_basis
    assert fs["docking_station"].energy_estimated is False
    assert fs["docking_station"].energy_basis.startswith("none")
    assert "choice" in fs["projector"].lifetime_basis
    assert "IVL" in fs["network_switch"].embodied_basis


def test_every_source_has_a_licence_and_year():
    for src in sources().values():
        assert src.licence and src.year and src.title


#: Every package whose shipped figures cite the one sources table (the procurement criteria
#: library keeps its own, checked by its loader).
CITING_DATA_DIRS = [
    Path(__file__).resolve().parents[2] / package / "data"
    for package in ("footprint", "printlogs", "circular")
]


def _cited_ids() -> dict[str, set[str]]:
    """Source id -> the data files citing it: every column named ``source_id``, ``source_ids``
    or ``<something>_source_ids`` (ids separated by spaces)."""
    cited: dict[str, set[str]] = {}
    for folder in CITING_DATA_DIRS:
        for path in sorted(folder.rglob("*.csv")):
            if path.name == "sources.csv":
                continue
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                columns = [
                    c for c in reader.fieldnames or () if c.endswith(("source_id", "source_ids"))
                ]
                for row in reader:
                    for column in columns:
                        for source_id in (row[column] or "").split():
                            cited.setdefault(source_id, set()).add(path.name)
    return cited


def test_every_source_id_a_data_file_cites_is_in_the_one_sources_table():
    cited = _cited_ids()
    # the three kinds of data each cite through the table: footprint, print and take-back
    assert {"boavizta-pcf", "papercut-defaults", "eea-new-cars-2019"} <= set(cited)
    unknown = {source_id: files for source_id, files in cited.items() if source_id not in sources()}
    assert not unknown, f"source ids missing from footprint/data/sources.csv: {unknown}"
    assert not [p for folder in CITING_DATA_DIRS[1:] for p in folder.glob("sources.csv")]


def test_the_sources_table_has_each_id_once_with_every_column():
    with data_path("sources.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    ids = [row["source_id"] for row in rows]
    assert len(ids) == len(set(ids))
    for row in rows:
        assert row["title"] and row["publisher"] and row["year"] and row["licence"], row
