"""Avoided CO2e from take-back outcomes, both factor sets and both allocations."""

from __future__ import annotations

import pytest

from kretslopp.footprint.avoided import (
    UnknownOutcomeError,
    avoided_emissions,
    get_avoided_set,
)
from kretslopp.footprint.scenarios import lifetime_extension

#: The demo city's 2019 take-back (data/examples/malmo-2019-takeback.csv).
MALMO_2019 = [
    ("laptop", 2900, "resold"),
    ("laptop", 500, "recycled"),
    ("desktop", 900, "resold"),
    ("desktop", 200, "recycled"),
    ("monitor", 1500, "resold"),
    ("monitor", 400, "recycled"),
    ("smartphone", 600, "resold"),
    ("smartphone", 200, "recycled"),
    ("tablet", 250, "resold"),
    ("tablet", 50, "recycled"),
]


def test_ivl_factor_per_reused_laptop_follows_the_method():
    laptop = get_avoided_set("ivl-inrego-2020").factors["laptop"]
    # 280 new production + 1.2 transport + 1.6 waste handling + 0.1 transport to waste
    # handling - 0 refurbishment - 2 x 0.1 extra transport
    assert laptop.avoided_kg_co2e_per_unit == pytest.approx(282.7)
    assert laptop.terms["new_production_kg_co2e"] == 280
    assert laptop.terms["refurbishment_kg_co2e"] == 0
    assert laptop.avoided_kg_co2e_per_unit_min == pytest.approx(252.5)  # screen below 14"
    assert laptop.avoided_kg_co2e_per_unit_max == pytest.approx(303.0)  # screen 14"+


@pytest.mark.parametrize(
    ("factor_set", "allocation", "kg", "kg_min", "kg_max"),
    [
        ("ivl-inrego-2020", "full", 2_094_017.5, 1_714_635.0, 2_549_750.0),
        ("ivl-inrego-2020", "shared", 1_047_008.75, 857_317.5, 1_274_875.0),
        ("inrego-legacy", "full", 375_900.0, 375_900.0, 375_900.0),
        ("inrego-legacy", "shared", 187_950.0, 187_950.0, 187_950.0),
    ],
)
def test_malmo_2019_takeback(factor_set, allocation, kg, kg_min, kg_max):
    result = avoided_emissions(MALMO_2019, factor_set=factor_set, allocation=allocation)
    assert result.products == 7500
    assert result.avoided_kg_co2e == pytest.approx(kg)
    assert result.avoided_kg_co2e_min == pytest.approx(kg_min)
    assert result.avoided_kg_co2e_max == pytest.approx(kg_max)


def test_legacy_set_reports_tablets_it_has_no_figure_for():
    result = avoided_emissions(MALMO_2019, factor_set="inrego-legacy")
    assert result.missing == {"tablet": 250}
    assert result.by_category["tablet"].uncredited_units == 300
    assert any("no figure for: tablet" in note for note in result.notes)
    assert any("no range in the source" in note for note in result.notes)


def test_shared_allocation_is_half_of_full():
    full = avoided_emissions([("desktop", 10, "donated")], allocation="full")
    shared = avoided_emissions([("desktop", 10, "donated")], allocation="shared")
    assert shared.avoided_kg_co2e == pytest.approx(full.avoided_kg_co2e / 2)


def test_every_reuse_outcome_earns_the_factor_and_destruction_earns_nothing():
    per_unit = get_avoided_set("ivl-inrego-2020").factors["monitor"].avoided_kg_co2e_per_unit
    for outcome in ("reused_internally", "resold", "donated", "refurbished"):
        result = avoided_emissions([("monitor", 2, outcome)])
        assert result.avoided_kg_co2e == pytest.approx(2 * per_unit)
    assert avoided_emissions([("monitor", 2, "destroyed")]).avoided_kg_co2e == 0


def test_recycling_earns_no_credit_unless_a_sourced_one_is_given_and_it_says_so():
    plain = avoided_emissions([("laptop", 100, "recycled")])
    assert plain.avoided_kg_co2e == 0
    assert any("recycled: no credit" in note for note in plain.notes)
    credited = avoided_emissions(
        [("laptop", 100, "recycled")], recycling_credit_kg_co2e_per_unit={"laptop": 2.0}
    )
    assert credited.avoided_kg_co2e == pytest.approx(200.0)


def test_categories_without_an_ivl_figure_are_reported_not_zeroed_silently():
    result = avoided_emissions([("thin_client", 5, "resold"), ("laptop", 1, "resold")])
    assert result.missing == {"thin_client": 5}


def test_unknown_outcome_and_allocation_are_refused():
    with pytest.raises(UnknownOutcomeError):
        avoided_emissions([("laptop", 1, "sold")])
    with pytest.raises(ValueError, match="allocation"):
        avoided_emissions([("laptop", 1, "resold")], allocation="half")


def test_lifetime_extension_of_laptops_from_four_to_six_years():
    scenario = lifetime_extension("laptop", 10_000, 2, factor_set="pcf-median-2023")
    assert scenario.lifetime_years_before == 4
    assert scenario.purchases_per_year_before == pytest.approx(2500)
    assert scenario.purchases_per_year_after == pytest.approx(10_000 / 6)
    assert scenario.embodied_kg_co2e_per_year_after == pytest.approx(
        scenario.embodied_kg_co2e_per_year_before * 4 / 6
    )
    assert scenario.use_kg_co2e_per_year > 0
    assert -0.34 < scenario.total_change_share < -0.25


def test_methodology_quotes_the_four_malmo_results_the_code_computes():
    from pathlib import Path

    doc = Path(__file__).resolve().parents[3] / "docs" / "methodology.md"
    text = doc.read_text(encoding="utf-8")
    for factor_set in ("ivl-inrego-2020", "inrego-legacy"):
        for allocation in ("full", "shared"):
            result = avoided_emissions(MALMO_2019, factor_set=factor_set, allocation=allocation)
            cells = [
                f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.1f}"
                for value in (
                    result.avoided_kg_co2e,
                    result.avoided_kg_co2e_min,
                    result.avoided_kg_co2e_max,
                )
            ]
            row = f"| {factor_set} | {allocation} | " + " | ".join(cells) + " |"
            assert row in text, row
