"""A figure travels with its range, unit, quality, sources and basis."""

from __future__ import annotations

import pytest

from kretslopp.footprint import Figure, get_factor_set, resolve_figures


def test_a_figure_without_a_range_is_its_own_low_and_high():
    figure = Figure(4.0, "years")
    assert (figure.low, figure.high, figure.has_range) == (4.0, 4.0, False)


def test_figures_of_one_unit_add_with_their_ranges_and_sources():
    a = Figure(10.0, "kg CO2e", 8.0, 12.0, "category", ("boavizta-pcf",))
    b = Figure(5.0, "kg CO2e", 5.0, 6.0, "model", ("boavizta-pcf", "owid-grid"))
    total = a.plus(b)
    assert (total.value, total.low, total.high) == (15.0, 13.0, 18.0)
    assert total.source_ids == ("boavizta-pcf", "owid-grid")
    assert total.data_quality == ""  # mixed: no single quality is claimed
    with pytest.raises(ValueError):
        a.plus(Figure(1.0, "kWh"))


def test_an_assets_figures_name_their_sources_and_quality_in_both_languages():
    by_category = resolve_figures("storage")
    embodied = by_category.embodied
    assert embodied.source_ids == get_factor_set("pcf-median-2023")["storage"].embodied_source_ids
    assert embodied.data_quality == "category" and embodied.unit == "kg CO2e"
    assert (embodied.value, embodied.low, embodied.high) == (
        by_category.embodied_kg_co2e,
        by_category.embodied_kg_co2e_min,
        by_category.embodied_kg_co2e_max,
    )
    assert embodied.text("basis", "sv").startswith("kategoristandard")
    sheet = resolve_figures("laptop", "Dell", "Latitude 5420")
    assert sheet.embodied.source_ids == ("boavizta-pcf",) and sheet.embodied.data_quality == "model"
    assert sheet.lifetime.data_quality == "model"
    by_hand = resolve_figures("laptop", embodied_kg_co2e=250, lifetime_years=6)
    assert by_hand.embodied.data_quality == "manual" and by_hand.embodied.source_ids == ()
    assert by_hand.lifetime.value == 6.0 and by_hand.lifetime.data_quality == "manual"
