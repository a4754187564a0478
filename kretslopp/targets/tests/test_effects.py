"""Measures' expected effects on a forecast: the worked example of docs/methodology.md."""

from __future__ import annotations

from datetime import date

import pytest

from kretslopp.targets import (
    Effect,
    Target,
    follow_up,
    forecast,
    outlook,
    share_in_place,
    with_effects,
)

# docs/methodology.md, "Forecasts with measures", worked example -----------------------------
TARGET = Target.from_change("it_energy_kwh", 2019, 4_200_000, years=11, change_fraction=-0.30)
OBSERVED = {
    2019: 4_200_000,
    2020: 4_120_000,
    2021: 4_000_000,
    2022: 3_960_000,
    2023: 3_870_000,
    2024: 3_800_000,
}
PRINTERS = Effect(-250_000, date(2025, 7, 1), "decided", low=-200_000, high=-300_000, label="A")
SCREENS = Effect(-100_000, date(2024, 7, 1), "done", label="B")
SERVERS = Effect(-200_000, date(2026, 1, 1), "proposed", low=-150_000, high=-250_000, label="C")
EFFECTS = [PRINTERS, SCREENS, SERVERS]


def base_forecast() -> dict[int, float | None]:
    return {year: forecast(OBSERVED, year).point for year in range(2024, 2031)}


def test_worked_example() -> None:
    base = base_forecast()
    assert TARGET.target_value == pytest.approx(2_940_000)
    assert base[2030] == pytest.approx(3_367_072, abs=1)  # today's forecast misses the target
    assert not TARGET.meets(base[2030])

    # the start year counts for the days in place: 1 July–31 December
    assert share_in_place(date(2025, 7, 1), 2025) == pytest.approx(184 / 365)
    assert share_in_place(date(2024, 7, 1), 2024) == pytest.approx(184 / 366)
    # B was in place half of 2024: the measured 2024 already holds that half
    assert SCREENS.in_year(2030) - SCREENS.in_year(2024) == pytest.approx(-49_727, abs=1)

    result = outlook(TARGET, base, EFFECTS, since_year=2024)
    decided = result.decided
    assert decided.points[2024] == pytest.approx(base[2024])  # nothing added to the last year
    assert decided.points[2025] == pytest.approx(base[2025] - 126_027 - 49_727, abs=1)
    assert decided.point == pytest.approx(3_067_345, abs=1)
    assert decided.added == pytest.approx(-299_727, abs=1)
    assert decided.meets_target is False
    assert (decided.lower[2030], decided.upper[2030]) == (
        pytest.approx(3_017_345, abs=1),
        pytest.approx(3_117_345, abs=1),
    )

    proposed = result.with_proposed
    assert result.has_proposed
    assert proposed.point == pytest.approx(2_867_345, abs=1)
    assert proposed.meets_target is True
    # at the cautious end of the estimates (A −200 000, C −150 000) it still misses
    assert proposed.upper[2030] == pytest.approx(2_967_345, abs=1)
    assert proposed.meets_target_cautious is False


def test_only_the_stages_asked_for_count() -> None:
    base = base_forecast()
    decided = with_effects(TARGET, base, EFFECTS, since_year=2024)
    assert {e.label for e in decided.effects} == {"A", "B"}
    proposed_only = with_effects(
        TARGET, base, EFFECTS, since_year=2024, stages=frozenset({"proposed"})
    )
    assert proposed_only.point == pytest.approx(base[2030] - 200_000)


def test_an_effect_fully_in_the_measurements_adds_nothing() -> None:
    base = {2024: 100.0, 2030: 90.0}
    old = Effect(-30.0, date(2020, 1, 1), "done")
    assert with_effects(TARGET, base, [old], since_year=2024).points == {2024: 100.0, 2030: 90.0}


def test_increase_targets_use_the_low_end_as_cautious() -> None:
    share = Target("labelled_share", 2020, 0.40, 2030, 0.80, direction="increase")
    base = {2024: 0.5, 2030: 0.7}
    effect = Effect(0.12, date(2025, 1, 1), low=0.05, high=0.15)
    scenario = with_effects(share, base, [effect], since_year=2024)
    assert scenario.point == pytest.approx(0.82)
    assert scenario.meets_target is True
    assert scenario.lower[2030] == pytest.approx(0.75)
    assert scenario.meets_target_cautious is False


def test_never_below_zero() -> None:
    base = {2024: 100.0, 2030: 50.0}
    scenario = with_effects(TARGET, base, [Effect(-80.0, date(2025, 1, 1))], since_year=2024)
    assert scenario.points[2030] == 0.0
    assert scenario.floored


def test_no_base_forecast_means_no_verdict() -> None:
    scenario = with_effects(TARGET, {2024: None}, EFFECTS, since_year=2024)
    assert scenario.point is None and scenario.meets_target is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"amount_per_year": float("nan")},
        {"amount_per_year": -10.0, "low": -5.0, "high": -1.0},  # outside its own range
        {"amount_per_year": -10.0, "stage": "cancelled"},
    ],
)
def test_effects_refuse_nonsense(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        Effect(start=date(2025, 1, 1), **kwargs)


def test_follow_up_sets_measured_beside_expected() -> None:
    done = Effect(-100_000, date(2022, 1, 1), "done")
    result = follow_up(done, OBSERVED)
    assert (result.before_year, result.after_year) == (2021, 2024)
    assert result.expected_change == pytest.approx(-100_000)
    assert result.measured_change == pytest.approx(3_800_000 - 4_000_000)
    assert "other" in result.caveat


def test_follow_up_without_a_full_year_after_is_not_measurable() -> None:
    result = follow_up(Effect(-1.0, date(2024, 3, 1), "done"), OBSERVED)
    assert result.after_year is None and not result.measurable
