"""Greenhouse-gas categories, the inventory view, and the comparison with Boavizta/ADEME."""

from __future__ import annotations

import datetime as dt

import pytest

from kretslopp.footprint import ghg
from kretslopp.footprint.comparison import category_comparison, fleet_comparison
from kretslopp.footprint.sources import sources


def test_each_kind_of_figure_has_the_reference_category():
    # /work/shared/reference/procurement-reporting-signin.md, "Reporting".
    assert (ghg.category_for("use").scope, ghg.category_for("use").iso_category) == (2, "2")
    embodied = ghg.category_for("embodied")
    assert (embodied.scope, embodied.category, embodied.iso_category) == (3, 2, "4.1")
    waste = ghg.category_for("end_of_life")
    assert (waste.scope, waste.category, waste.iso_category) == (3, 5, "4.2")
    avoided = ghg.category_for("avoided")
    assert avoided.scope is None and not avoided.in_inventory
    assert all(c.in_inventory for c in (ghg.ELECTRICITY, ghg.CAPITAL_GOODS, ghg.WASTE))


def test_an_unknown_kind_is_refused_by_name():
    with pytest.raises(KeyError, match="transport"):
        ghg.category_for("transport")


def test_the_categories_name_sources_that_exist():
    known = sources()
    assert all(source_id in known for source_id in ghg.SOURCE_IDS)


def test_swedish_labels_are_given():
    assert "kapitalvaror" in ghg.CAPITAL_GOODS.text("label", "sv")
    assert "capital goods" in ghg.CAPITAL_GOODS.text("label", "en")


def test_inventory_view_counts_embodied_in_full_in_the_purchase_year():
    purchased = [dt.date(2022, 3, 1), dt.date(2022, 12, 31), dt.date(2023, 1, 1), None]
    by_year = ghg.purchases_by_year(
        purchased, [100.0, 50.0, 30.0, 999.0], [80.0, 40.0, 20.0, 1.0], [120, 60, 40, 1],
        [2021, 2022, 2023],
    )  # fmt: skip
    assert by_year[2021].value == 0
    assert (by_year[2022].value, by_year[2022].low, by_year[2022].high) == (150, 120, 180)
    assert by_year[2023].value == 30
    assert "scope 3 category 2" in by_year[2022].basis


def test_a_purchase_outside_the_years_is_in_none_of_them():
    by_year = ghg.purchases_by_year([dt.date(2010, 1, 1)], [5.0], [5.0], [5.0], [2022])
    assert by_year[2022].value == 0


def test_comparison_table_reproduces_the_issue_and_doc_figures():
    rows = {row.category: row for row in category_comparison()}
    # docs/methodology.md, "Our defaults against the Boavizta API and ADEME".
    assert rows["laptop"].embodied_kg_co2e == 235.873 and rows["laptop"].ademe_kg_co2e == 181
    assert rows["monitor"].embodied_kg_co2e == 333.3 and rows["monitor"].ademe_kg_co2e == 64.7
    assert rows["smartphone"].embodied_kg_co2e == 52.845
    assert rows["smartphone"].ademe_kg_co2e == 84
    assert rows["laptop"].boavizta_kwh_per_year == pytest.approx(197.1)
    assert rows["monitor"].boavizta_kwh_per_year == pytest.approx(144.54)
    assert round(rows["monitor"].embodied_ratio, 2) == 5.15
    assert round(rows["laptop"].energy_ratio, 1) == 10.5
    flagged = {name: row.flagged for name, row in rows.items() if row.flagged}
    assert flagged == {
        "laptop": ("energy",),
        "desktop": ("energy",),
        "smartphone": ("energy",),
        "monitor": ("embodied", "energy"),
        "server": ("embodied",),
    }


def test_fleet_comparison_weights_the_same_devices_both_ways():
    totals = fleet_comparison({"laptop": 10, "monitor": 10})
    assert totals["embodied_ours"] == pytest.approx(10 * 235.873 + 10 * 333.3)
    assert totals["embodied_ademe"] == pytest.approx(10 * 181 + 10 * 64.7)
    assert totals["kwh_boavizta"] == pytest.approx(10 * 197.1 + 10 * 144.54)


def test_only_the_waste_category_is_not_estimated_and_it_says_so_in_both_languages():
    assert [c.code for c in ghg.CATEGORIES.values() if not c.estimated] == ["waste"]
    assert "not counted as zero" in ghg.WASTE.text("note", "en")
    assert "räknas inte som noll" in ghg.WASTE.text("note", "sv")
