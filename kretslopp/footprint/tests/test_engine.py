"""Per-asset and fleet footprints: pro rata years, lifetimes, grids, departments, qualities."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from kretslopp.footprint.engine import asset_footprint, fleet_footprint
from kretslopp.footprint.factors import get_factor_set
from kretslopp.footprint.grid import grid_factor
from kretslopp.footprint.taxonomy import UnknownCategoryError

LAPTOP = get_factor_set("pcf-median-2023")["laptop"]


def test_first_year_is_pro_rata_from_the_in_use_date():
    asset = asset_footprint("laptop", "2021-07-01", years=[2021, 2022])
    first, second = asset.years
    assert first.service_fraction == pytest.approx(184 / 365)
    assert second.service_fraction == 1.0
    per_day = LAPTOP.embodied_kg_co2e / (LAPTOP.lifetime_years * 365.25)
    assert first.embodied_kg_co2e == pytest.approx(184 * per_day)
    assert second.embodied_kg_co2e == pytest.approx(365 * per_day)
    assert first.use_kwh == pytest.approx(LAPTOP.kwh_per_year * 184 / 365)


def test_last_year_is_pro_rata_to_the_end_date():
    asset = asset_footprint("laptop", "2020-01-01", "2022-04-01", years=[2022, 2023])
    in_2022, in_2023 = asset.years
    assert in_2022.service_fraction == pytest.approx(90 / 365)
    assert in_2023.service_fraction == 0.0
    assert in_2023.embodied_kg_co2e == 0.0 and in_2023.use_kwh == 0.0


def test_a_bare_year_means_the_first_of_july():
    by_year = asset_footprint("monitor", 2020, years=[2020])
    by_date = asset_footprint("monitor", "2020-07-01", years=[2020])
    assert by_year.years[0].as_dict() == by_date.years[0].as_dict()


def test_embodied_is_fully_charged_over_the_expected_lifetime_and_then_stops():
    asset = asset_footprint("laptop", "2016-01-01", years=range(2016, 2026))
    assert sum(y.embodied_kg_co2e for y in asset.years) == pytest.approx(LAPTOP.embodied_kg_co2e)
    # lifetime 4 years: from 2020 on, the laptop is still used but carries no embodied charge
    assert asset.year(2021).embodied_kg_co2e == 0.0
    assert asset.year(2021).use_kwh == pytest.approx(LAPTOP.kwh_per_year)
    assert asset.year(2021).embodied_kg_co2e_max == 0.0


def test_use_phase_uses_the_grid_of_each_year():
    asset = asset_footprint("desktop", "2015-01-01", years=[2019, 2024])
    kwh = get_factor_set("pcf-median-2023")["desktop"].kwh_per_year
    assert asset.year(2024).use_kg_co2e == pytest.approx(kwh * 35.823833 / 1000)
    assert asset.year(2019).use_kg_co2e == pytest.approx(
        kwh * grid_factor(2019).g_co2e_per_kwh / 1000
    )
    nordic = asset_footprint("desktop", "2015-01-01", years=[2024], grid="nordic-ivl")
    assert nordic.years[0].use_kg_co2e == pytest.approx(kwh * 59 / 1000)


def test_every_result_states_factor_set_grid_quality_and_sources():
    data = asset_footprint("laptop", "2022-01-01", factor_set="ivl-ademe-2020").as_dict()
    assert data["factor_set"] == "ivl-ademe-2020"
    assert data["grid"] == "owid-swe"
    assert data["data_quality"] == "category"
    figures = data["figures"]
    assert "ivl-inrego-2020" in figures["embodied_source"]
    assert figures["embodied_kg_co2e_min"] <= figures["embodied_kg_co2e"]
    assert figures["embodied_kg_co2e"] <= figures["embodied_kg_co2e_max"]
    assert data["years"][0]["grid"]["source_id"] == "owid-grid"


def test_manual_figures_are_marked_manual():
    asset = asset_footprint("server", "2022-01-01", embodied_kg_co2e=1500, kwh_per_year=900)
    assert asset.figures.data_quality == "manual"
    assert asset.figures.energy_quality == "manual"
    assert asset.embodied_kg_co2e_total == 1500


def test_fleet_totals_by_year_department_category_and_quality():
    fleet = fleet_footprint(
        ["laptop", "laptop", "monitor", "server"],
        [dt.date(2020, 1, 1), "2021-01-01", 2019, dt.date(2023, 1, 1)],
        [None, None, None, dt.date(2024, 1, 1)],
        years=range(2020, 2025),
        departments=["GRF", "MF", "GRF", "MF"],
        embodied_kg_co2e=[None, 400.0, None, None],
        headcount={"GRF": 600, "MF": 400},
    )
    one = asset_footprint("laptop", "2020-01-01", years=range(2020, 2025))
    grf_laptops = fleet.total(year=2021, department="GRF", category="laptop")
    assert grf_laptops.embodied_kg_co2e == pytest.approx(one.year(2021).embodied_kg_co2e)
    assert grf_laptops.quality_share == {"model": 0.0, "category": 1.0, "manual": 0.0}
    mf_2021 = fleet.total(year=2021, department="MF")
    assert mf_2021.quality_share["model"] == pytest.approx(1.0)  # only the 400 kg laptop in use
    assert mf_2021.embodied_kg_co2e == pytest.approx(400 / (LAPTOP.lifetime_years * 365.25) * 365)
    server_2023 = fleet.total(year=2023, category="server")
    assert server_2023.assets_in_service == 1
    assert fleet.total(year=2024, category="server").assets_in_service == 0
    total_2021 = fleet.total(year=2021)
    assert total_2021.headcount == 1000
    assert total_2021.kg_co2e_per_employee == pytest.approx(total_2021.total_kg_co2e / 1000)
    assert fleet.total(year=2021, department="GRF").headcount == 600
    shares = total_2021.quality_share
    assert sum(shares.values()) == pytest.approx(1.0)
    rows = fleet.rows()
    assert {(r["year"], r["department"], r["category"]) for r in rows} >= {
        (2021, "GRF", "laptop"),
        (2021, "MF", "laptop"),
    }


def test_assets_without_an_in_use_date_are_not_counted_but_reported():
    fleet = fleet_footprint(["laptop", "laptop"], ["2020-01-01", None], years=[2021])
    assert fleet.total().assets_in_service == 1
    assert fleet.assets_without_in_use_date == 1


def test_quantities_weight_rows():
    one = fleet_footprint(["tablet"], ["2021-01-01"], years=[2022])
    ten = fleet_footprint(["tablet"], ["2021-01-01"], years=[2022], quantities=[10])
    assert ten.total().total_kg_co2e == pytest.approx(10 * one.total().total_kg_co2e)


def test_fleet_accepts_numpy_dates_and_reports_categories_without_energy():
    fleet = fleet_footprint(
        np.array(["docking_station", "laptop"]),
        np.array(["2022-01-01", "2022-06-01"], dtype="datetime64[D]"),
        np.array(["NaT", "2023-06-01"], dtype="datetime64[D]"),
        years=[2022, 2023],
    )
    assert fleet.categories_without_energy == ("docking_station",)
    assert fleet.total(year=2023, category="laptop").use_kwh == pytest.approx(
        LAPTOP.kwh_per_year * 151 / 365
    )


def test_unknown_category_is_refused():
    with pytest.raises(UnknownCategoryError, match="unknown category 'phone'"):
        fleet_footprint(["phone"], ["2020-01-01"], years=[2020])
    with pytest.raises(ValueError, match="unknown data quality"):
        fleet_footprint(
            ["laptop"], ["2020-01-01"], years=[2020], embodied_kg_co2e=[1], data_quality=["guess"]
        )


def test_an_asset_and_a_fleet_of_one_agree():
    asset = asset_footprint(
        "laptop", "2021-03-01", "2024-09-30", manufacturer="Dell", model="Latitude 5420"
    )
    years = [y.year for y in asset.years]
    f = asset.figures
    fleet = fleet_footprint(
        ["laptop"],
        ["2021-03-01"],
        ["2024-09-30"],
        years=years,
        embodied_kg_co2e=[f.embodied_kg_co2e],
        kwh_per_year=[f.kwh_per_year],
        lifetime_years=[f.lifetime_years],
    )
    for y in asset.years:
        agg = fleet.total(year=y.year)
        assert agg.embodied_kg_co2e == pytest.approx(y.embodied_kg_co2e)
        assert agg.use_kg_co2e == pytest.approx(y.use_kg_co2e)
        assert agg.quality_share["model"] == 1.0
