"""Properties that must hold for any offer, checked on generated inputs."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kretslopp.tendering import CriterionUse, annuity_factor, evaluate

from .helpers import line, parameters

prices = st.integers(min_value=100, max_value=5_000_000).map(lambda ore: Decimal(ore) / 100)
energies = st.decimals(min_value=0, max_value=500, places=2)
rates = st.decimals(min_value=0, max_value="0.2", places=3)
lifetimes = st.integers(min_value=1, max_value=12)

CRITERIA = [
    CriterionUse.from_library("upph-11169", max_points=15, deduction_sek=300),
    CriterionUse.from_library(
        "upph-11189", max_points=10, deduction_sek=400, parameters={"minimum_warranty_years": 3}
    ),
    CriterionUse.from_library("upph-11193", max_points=5, deduction_sek=250),
]


def _offer(line_id: str, bidder: str, price: Decimal, **extra):
    values = {
        "tec_kwh_per_year": "25",
        "etec_limit_kwh_per_year": "60",
        "warranty_years": 5,
        "battery_cycles": 900,
    }
    values.update(extra)
    return line(line_id, bidder=bidder, price_per_unit_sek=price, **values)


@settings(max_examples=60, deadline=None)
@given(
    cheaper=prices,
    step=st.integers(min_value=1, max_value=100_000),
    others=st.lists(prices, min_size=1, max_size=4),
    basis=st.sampled_from(["purchase_price", "lcc", "lcc_with_co2e"]),
)
def test_a_cheaper_price_never_ranks_worse_with_everything_else_equal(cheaper, step, others, basis):
    dearer = cheaper + Decimal(step) / 100
    rivals = [_offer(str(i), f"Rival {i}", price) for i, price in enumerate(others)]
    settings_ = parameters(price_basis=basis, shadow_price_sek_per_tonne="1500")
    low = evaluate(settings_, CRITERIA, [_offer("x", "Tested", cheaper), *rivals]).results[0]
    high = evaluate(settings_, CRITERIA, [_offer("x", "Tested", dearer), *rivals]).results[0]
    assert low.rank_value_deduction <= high.rank_value_deduction
    assert low.rank_weighted_points <= high.rank_weighted_points
    assert low.total_points >= high.total_points


@settings(max_examples=80, deadline=None)
@given(
    energy=energies,
    more=st.decimals(min_value="0.01", max_value=100, places=2),
    rate=rates,
    years=lifetimes,
)
def test_more_energy_never_lowers_the_lifecycle_cost_or_co2e(energy, more, rate, years):
    settings_ = parameters(discount_rate=rate, lifetime_years=years)
    low, high = evaluate(
        settings_,
        [],
        [line("low", tec_kwh_per_year=energy), line("high", tec_kwh_per_year=energy + more)],
    ).results
    assert high.lcc_ore_per_unit >= low.lcc_ore_per_unit
    assert high.co2e_g_per_unit >= low.co2e_g_per_unit


@settings(max_examples=60, deadline=None)
@given(rate=rates, years=lifetimes)
def test_the_annuity_factor_is_the_sum_of_the_discounted_years(rate, years):
    factor = annuity_factor(rate, years)
    assert Decimal(0) < factor <= Decimal(years)
    if rate == 0:
        assert factor == years
    else:
        closed_form = (1 - (1 + rate) ** -years) / rate
        assert abs(factor - closed_form) < Decimal("1e-20")  # 28-digit closed form


@settings(max_examples=60, deadline=None)
@given(price=prices, margin_etec=st.decimals(min_value=0, max_value=100, places=3))
def test_meeting_an_award_criterion_better_never_raises_the_comparison_price(price, margin_etec):
    better, worse = evaluate(
        parameters(),
        CRITERIA[:1],
        [
            _offer("better", "A", price, tec_kwh_per_year=margin_etec),
            _offer("worse", "B", price, tec_kwh_per_year=margin_etec + 1),
        ],
    ).results
    assert better.deductions_ore_per_unit >= worse.deductions_ore_per_unit
    assert better.criteria_points >= worse.criteria_points
