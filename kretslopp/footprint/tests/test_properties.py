"""Properties that must hold for any fleet (Hypothesis)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kretslopp.footprint.engine import MEASURES, fleet_footprint
from kretslopp.footprint.scenarios import lifetime_extension
from kretslopp.footprint.taxonomy import CATEGORY_CODES

YEARS = range(2015, 2026)

assets = st.lists(
    st.tuples(
        st.sampled_from(CATEGORY_CODES),
        st.sampled_from(["A", "B", "C"]),
        st.dates(dt.date(2012, 1, 1), dt.date(2025, 12, 31)),
        st.one_of(st.none(), st.integers(0, 4000)),
        st.one_of(st.none(), st.floats(0, 5000, allow_nan=False)),
        st.one_of(st.none(), st.floats(0, 2000, allow_nan=False)),
        st.one_of(st.none(), st.floats(0.5, 12, allow_nan=False)),
    ),
    min_size=1,
    max_size=40,
)


def _fleet(rows, *, grid="owid-swe", factor_set="pcf-median-2023", lifetime_shift=0.0):
    return fleet_footprint(
        [r[0] for r in rows],
        [r[2] for r in rows],
        [None if r[3] is None else r[2] + dt.timedelta(days=r[3]) for r in rows],
        years=YEARS,
        departments=[r[1] for r in rows],
        embodied_kg_co2e=[r[4] for r in rows],
        kwh_per_year=[r[5] for r in rows],
        lifetime_years=[None if r[6] is None else r[6] + lifetime_shift for r in rows],
        factor_set=factor_set,
        grid=grid,
    )


@settings(max_examples=60, deadline=None)
@given(assets, st.sampled_from(["pcf-median-2023", "ivl-ademe-2020"]))
def test_every_figure_is_non_negative_and_ranges_are_ordered(rows, factor_set):
    fleet = _fleet(rows, factor_set=factor_set)
    assert (fleet.cube >= 0).all()
    for agg in fleet.by_year().values():
        assert agg.embodied_kg_co2e_min <= agg.embodied_kg_co2e + 1e-9
        assert agg.embodied_kg_co2e <= agg.embodied_kg_co2e_max + 1e-9
        assert agg.use_kwh_min <= agg.use_kwh + 1e-9 <= agg.use_kwh_max + 2e-9


@settings(max_examples=60, deadline=None)
@given(assets, assets)
def test_a_fleet_total_equals_the_sum_of_its_parts(left, right):
    whole = _fleet(left + right)
    parts = [_fleet(left), _fleet(right)]
    for year in YEARS:
        total = whole.total(year=year)
        for name in MEASURES:
            expected = sum(getattr(p.total(year=year), name) for p in parts)
            assert getattr(total, name) == pytest.approx(expected, rel=1e-9, abs=1e-6)
        by_department = sum(a.total_kg_co2e for a in whole.by_department(year).values())
        by_category = sum(a.total_kg_co2e for a in whole.by_category(year).values())
        assert by_department == pytest.approx(total.total_kg_co2e, rel=1e-9, abs=1e-6)
        assert by_category == pytest.approx(total.total_kg_co2e, rel=1e-9, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(CATEGORY_CODES),
    st.dates(dt.date(2012, 1, 1), dt.date(2020, 12, 31)),
    st.integers(1, 4000),
    st.integers(1, 3000),
)
def test_keeping_a_device_longer_never_raises_its_embodied_co2e_per_day_in_service(
    category, start, days, extra_days
):
    def per_day_in_service(kept_days: int) -> float:
        fleet = fleet_footprint(
            [category], [start], [start + dt.timedelta(days=kept_days)], years=range(2012, 2035)
        )
        return fleet.total().embodied_kg_co2e / kept_days

    assert per_day_in_service(days + extra_days) <= per_day_in_service(days) * (1 + 1e-9)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(CATEGORY_CODES),
    st.floats(0, 100_000, allow_nan=False),
    st.floats(0, 10, allow_nan=False),
    st.sampled_from(["pcf-median-2023", "ivl-ademe-2020"]),
)
def test_keeping_a_category_longer_never_raises_annual_embodied_co2e(
    category, installed, extra, factor_set
):
    scenario = lifetime_extension(category, installed, extra, factor_set=factor_set)
    assert scenario.embodied_kg_co2e_per_year_after <= scenario.embodied_kg_co2e_per_year_before
    assert scenario.purchases_per_year_after <= scenario.purchases_per_year_before
    assert scenario.embodied_kg_co2e_per_year_change <= 0


@settings(max_examples=60, deadline=None)
@given(assets, st.sampled_from(["nordic-ivl", "owid-eu27", "eu-boavizta-2019", "owid:DEU"]))
def test_changing_the_grid_changes_only_use_phase_co2e(rows, other_grid):
    base = _fleet(rows)
    other = _fleet(rows, grid=other_grid)
    for name in MEASURES:
        if name.startswith("use_kg_co2e"):
            continue
        assert (base.cube[MEASURES.index(name)] == other.cube[MEASURES.index(name)]).all()
