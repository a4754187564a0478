"""Properties that must hold for any fleet (Hypothesis)."""

from __future__ import annotations

import datetime as dt

import numpy as np
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


def _chunked(rows, chunk_assets, *, keep_assets=False, quantities=None, qualities=None):
    return fleet_footprint(
        [r[0] for r in rows],
        [r[2] for r in rows],
        [None if r[3] is None else r[2] + dt.timedelta(days=r[3]) for r in rows],
        years=YEARS,
        departments=[r[1] for r in rows],
        embodied_kg_co2e=[r[4] for r in rows],
        kwh_per_year=[r[5] for r in rows],
        lifetime_years=[r[6] for r in rows],
        quantities=quantities,
        data_quality=qualities,
        keep_assets=keep_assets,
        chunk_assets=chunk_assets,
    )


@settings(max_examples=80, deadline=None)
@given(
    assets,
    st.integers(1, 45),
    st.lists(st.sampled_from([None, "model", "category", "manual"]), min_size=40, max_size=40),
    st.lists(st.floats(0, 50, allow_nan=False), min_size=40, max_size=40),
)
def test_a_fleet_in_chunks_of_any_size_has_the_same_totals_as_in_one(
    rows, size, qualities, quantities
):
    """The engine streams the fleet in chunks; how it is cut changes no figure."""
    options = {"qualities": qualities[: len(rows)], "quantities": quantities[: len(rows)]}
    whole = _chunked(rows, len(rows), keep_assets=True, **options)
    chunked = _chunked(rows, size, keep_assets=True, **options)
    assert chunked.departments == whole.departments
    np.testing.assert_allclose(chunked.cube, whole.cube, rtol=1e-12, atol=1e-9)
    assert chunked.assets_without_in_use_date == whole.assets_without_in_use_date
    assert chunked.categories_without_energy == whole.categories_without_energy
    assert chunked.per_asset is not None and whole.per_asset is not None
    for name, values in whole.per_asset.items():
        assert (chunked.per_asset[name] == values).all(), name


@settings(max_examples=60, deadline=None)
@given(
    assets,
    st.integers(1, 45),
    st.lists(st.floats(0, 50, allow_nan=False), min_size=40, max_size=40),
)
def test_the_cube_is_the_sum_of_each_assets_own_figures(rows, size, quantities):
    """Summed per group from each asset's own per-year figures (times its quantity), as a
    plain loop would: use-phase CO2e too, which the engine sums as kWh times the grid."""
    quantities = quantities[: len(rows)]
    fleet = _chunked(rows, size, keep_assets=True, quantities=quantities)
    per_asset = fleet.per_asset
    assert per_asset is not None
    departments = sorted({r[1] for r in rows})
    for measure in MEASURES[:-2]:
        for year_index, year in enumerate(YEARS):
            for department in departments:
                expected = sum(
                    per_asset[measure][position, year_index] * quantity
                    for position, (row, quantity) in enumerate(zip(rows, quantities, strict=True))
                    if row[1] == department
                )
                got = getattr(fleet.total(year=year, department=department), measure)
                assert got == pytest.approx(expected, rel=1e-12, abs=1e-9), (measure, year)
