"""The worked example of docs/methodology.md ("Procurement: evaluating offers"), exactly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kretslopp.tendering import (
    CriterionUse,
    OfferLine,
    ProcurementParameters,
    annuity_factor,
    evaluate,
)


def _example():
    parameters = ProcurementParameters(
        units=3000,
        lifetime_years=4,
        discount_rate="0.03",
        electricity_price_sek_per_kwh="1.50",
        grid_kg_co2e_per_kwh="0.045",
        shadow_price_sek_per_tonne="1200",
        evaluation_date=dt.date(2025, 3, 1),
        price_basis="lcc",
        price_weight="60",
    )
    criteria = [
        CriterionUse.from_library("upph-11185"),
        CriterionUse.from_library("upph-11169", max_points=10, deduction_sek=300),
        CriterionUse.from_library(
            "upph-11189",
            max_points=10,
            deduction_sek=400,
            parameters={"minimum_warranty_years": 3},
        ),
        CriterionUse.from_library("upph-11193", max_points=10, deduction_sek=250),
    ]
    offer = OfferLine(
        bidder="Exempel AB",
        line_id="1",
        lot="laptop",
        category="laptop",
        manufacturer="Tillverkare",
        model="Bärbar 14",
        price_per_unit_sek="9490.00",
        tec_kwh_per_year="18.5",
        etec_limit_kwh_per_year="30.0",
        warranty_years=5,
        battery_cycles=1000,
        spare_part_years=5,
        pcf_kg_co2e="265.4",
        pcf_standard="ISO 14067",
    )
    return evaluate(parameters, criteria, [offer])


def test_the_annuity_factor_of_the_example():
    factor = annuity_factor(Decimal("0.03"), 4)
    assert str(factor).startswith("3.717098402810")


def test_the_worked_example_to_the_ore_and_the_gram():
    result = _example().results[0].as_dict()
    assert result["excluded"] is False
    assert result["requirements"][0]["reason"] == "met"
    lcc = result["lcc"]
    assert lcc["price_ore_per_unit"] == 949_000
    assert lcc["energy_cost_ore_per_year"] == "2775.000"
    assert lcc["energy_npv_ore_per_unit"] == 10_315
    assert lcc["lcc_ore_per_unit"] == 959_315
    assert lcc["lcc_ore_total"] == 2_877_945_000
    assert lcc["co2e_cost_ore_per_unit"] == 32_248
    assert lcc["lcc_with_co2e_ore_per_unit"] == 991_563
    co2e = result["co2e"]
    assert (co2e["embodied_g_per_unit"], co2e["embodied_basis"]) == (265_400, "bidder_pcf")
    assert co2e["use_g_per_unit"] == 3_330
    assert co2e["total_g_per_unit"] == 268_730
    assert co2e["total_g"] == 806_190_000
    awards = {award["criterion_id"]: award for award in result["awards"]}
    assert awards["upph-11169"]["evidence"]["band"] == "[20, 40)"
    assert awards["upph-11169"]["deduction_ore_per_unit"] == 12_000
    assert awards["upph-11189"]["evidence"]["band"] == "[2, 3)"
    assert awards["upph-11189"]["deduction_ore_per_unit"] == 20_000
    assert awards["upph-11193"]["evidence"]["band"] == "[1000, ∞)"
    assert awards["upph-11193"]["deduction_ore_per_unit"] == 25_000
    value_deduction = result["value_deduction"]
    assert value_deduction["deductions_ore_per_unit"] == 57_000
    assert value_deduction["comparison_ore_per_unit"] == 902_315
    assert value_deduction["comparison_ore_total"] == 2_706_945_000
    assert value_deduction["rank"] == 1
    points = result["weighted_points"]
    assert (points["price_points"], points["criteria_points"]) == ("60.000000", "19.000000")
    assert points["total_points"] == "79.000000"
