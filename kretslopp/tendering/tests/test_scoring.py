"""Banded award criteria at every band edge, as the source states them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kretslopp.tendering import Band, BandedRule, CriterionUse, InputError, evaluate

from .helpers import line, parameters


def _award(use: CriterionUse, **offer):
    result = evaluate(parameters(), [use], [line(**offer)]).results[0]
    return result.awards[0]


# 11169: ETEC margin below the regulation's limit. Limit 100 kWh/year, so ETEC = 100 − margin.
@pytest.mark.parametrize(
    ("etec", "fraction", "band"),
    [
        ("19.999", "1", "(80, ∞)"),  # 80.001 % below: more than 80 %
        ("20", "0.8", "[60, 80]"),  # exactly 80 % is not "more than 80 %"
        ("20.001", "0.8", "[60, 80]"),  # 79.999 %: between the source's 79 and 80
        ("40", "0.8", "[60, 80]"),  # exactly 60 %
        ("40.001", "0.6", "[40, 60)"),  # 59.999 %
        ("60", "0.6", "[40, 60)"),  # exactly 40 %
        ("60.001", "0.4", "[20, 40)"),
        ("80", "0.4", "[20, 40)"),  # exactly 20 %
        ("80.001", "0.2", "[10, 20)"),
        ("90", "0.2", "[10, 20)"),  # exactly 10 %
        ("90.001", "0", None),  # 9.999 %: no points
        ("120", "0", None),  # above the limit
    ],
)
def test_energy_efficient_computers_11169_at_each_band_edge(etec, fraction, band):
    use = CriterionUse.from_library("upph-11169", max_points=10, deduction_sek=500)
    award = _award(use, tec_kwh_per_year=etec, etec_limit_kwh_per_year="100")
    assert award.fraction == Decimal(fraction)
    assert award.evidence.get("band") == band
    assert award.points == Decimal(fraction) * 10
    assert award.deduction_ore_per_unit == int(Decimal(fraction) * 500 * 100)


def test_11169_without_a_stated_limit_earns_nothing_and_says_which_column_is_missing():
    use = CriterionUse.from_library("upph-11169", max_points=10)
    award = _award(use, tec_kwh_per_year="20")
    assert (award.fraction, award.reason) == (0, "missing_value")
    assert award.evidence["missing"] == ["etec_limit_kwh_per_year"]


@pytest.mark.parametrize(
    ("cycles", "fraction"),
    [(1200, "1"), (1000, "1"), (999, "0.6"), (800, "0.6"), (799, "0.3"), (501, "0.3"),
     (500, "0"), (300, "0")],
)  # fmt: skip
def test_battery_service_life_11193_at_each_band_edge(cycles, fraction):
    use = CriterionUse.from_library("upph-11193", max_points=10)
    assert _award(use, battery_cycles=cycles).fraction == Decimal(fraction)


@pytest.mark.parametrize(
    ("warranty_years", "fraction"),
    [(8, "1"), (7, "1"), (6, "0.75"), (5, "0.5"), (4, "0.25"), (3, "0"), (1, "0")],
)
def test_longer_warranty_11189_counts_whole_years_beyond_the_minimum(warranty_years, fraction):
    use = CriterionUse.from_library(
        "upph-11189", max_points=8, parameters={"minimum_warranty_years": 3}
    )
    award = _award(use, warranty_years=warranty_years)
    assert award.fraction == Decimal(fraction)
    assert award.points == Decimal(fraction) * 8


def test_11189_cannot_be_used_without_the_minimum_it_counts_from():
    with pytest.raises(InputError, match="minimum_warranty_years"):
        CriterionUse.from_library("upph-11189", max_points=8)


def test_overlapping_or_empty_bands_are_refused():
    with pytest.raises(ValueError, match="overlap"):
        BandedRule(
            "r",
            "battery_cycles",
            (
                Band(Decimal(0), True, Decimal(10), True, Decimal(1)),
                Band(Decimal(10), True, None, False, Decimal("0.5")),
            ),
        )
    with pytest.raises(ValueError, match="holds no value"):
        Band(Decimal(5), True, Decimal(5), False, Decimal(1))
    # Touching edges where only one side includes the value are fine.
    rule = BandedRule(
        "r",
        "battery_cycles",
        (
            Band(Decimal(0), True, Decimal(10), False, Decimal(1)),
            Band(Decimal(10), True, None, False, Decimal("0.5")),
        ),
    )
    assert rule.band_for(Decimal(10)).fraction == Decimal("0.5")
