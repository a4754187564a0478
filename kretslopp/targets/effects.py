"""Expected effects of measures on a KPI's forecast, and their follow-up once done.

Plain Python, no Django. A measure says what it should do to a KPI: a signed amount per full
year (−120 000 kWh a year), in place from a date, with a low and a high estimate. This module
answers the question the forum asks of every target: *will it be met if everything decided is
done?* — and, afterwards, what the measured KPI did beside what was expected.

The method (docs/methodology.md, "Forecasts with measures"):

* an effect counts in a calendar year for the part of the year it is in place: the whole
  amount in every year after its start year, and ``amount × days in place / days in year`` in
  the start year (a measure in place from 1 July saves about half its yearly amount that year);
* the measured years already contain what a measure did up to the latest actual year, and so
  does the trend fitted to them; only the *increment* beyond that year is added to the
  forecast: ``forecast(Y) + Σ (effect(Y) − effect(latest year))``;
* "with decided measures" counts the measures decided, under way and done; "with proposed
  ones" counts the proposed ones as well;
* the low and high estimates give a range for the forecast with measures (the range of the
  estimates, not a statistical band); a KPI cannot fall below zero, so the result is floored
  there and says so.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from .model import Observations, Target

Stage = Literal["proposed", "decided", "done"]
STAGES: tuple[Stage, ...] = ("proposed", "decided", "done")
#: Stages each scenario counts: a decided measure is counted until it is cancelled or merged
#: (the provider leaves those out), a done one keeps its effect.
DECIDED: frozenset[Stage] = frozenset({"decided", "done"})
WITH_PROPOSED: frozenset[Stage] = frozenset({"proposed", "decided", "done"})

CAVEAT = (
    "The measured change has many causes besides this measure (more staff, other devices, a "
    "colder year, other measures); it shows whether the expected effect is plausible, not "
    "that the measure caused it."
)


@dataclass(frozen=True, slots=True)
class Effect:
    """What a measure is expected to do to one KPI.

    ``amount_per_year`` is the signed change of the KPI in each full year once the measure is
    in place, in the KPI's unit (−120 000 for "saves 120 000 kWh a year"; +0.05 for "five
    points more labelled purchases"). ``low`` and ``high`` bound the estimate (either order;
    missing means "no range given", i.e. the amount itself). ``start`` is the day it is in
    place. ``stage`` is where the measure is: proposed, decided (or under way) or done.
    ``label`` and ``reference`` name it for the reader; ``url`` links to it when the reader
    may open it.
    """

    amount_per_year: float
    start: date
    stage: Stage = "decided"
    low: float | None = None
    high: float | None = None
    label: str = ""
    reference: str = ""
    url: str = ""

    def __post_init__(self) -> None:
        if self.stage not in STAGES:
            raise ValueError(f"stage must be one of {STAGES}, not {self.stage!r}")
        for name in ("amount_per_year", "low", "high"):
            value = getattr(self, name)
            if value is not None and not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number")
        low, high = self.bounds
        if not low <= self.amount_per_year <= high:
            raise ValueError("the amount per year must lie between the low and high estimates")

    @property
    def bounds(self) -> tuple[float, float]:
        """(smaller, larger) of the low and high estimates, the amount where one is missing."""
        low = self.amount_per_year if self.low is None else self.low
        high = self.amount_per_year if self.high is None else self.high
        return (min(low, high), max(low, high))

    def in_year(self, year: int, amount: float | None = None) -> float:
        """The effect in calendar ``year`` (``amount``: another estimate than the central one)."""
        return (self.amount_per_year if amount is None else amount) * share_in_place(
            self.start, year
        )


def share_in_place(start: date, year: int) -> float:
    """The part of calendar ``year`` during which something in place from ``start`` acts.

    0 before the start year, 1 after it, and in the start year the days from ``start`` to
    31 December (both counted) over the days of the year.
    """
    if year < start.year:
        return 0.0
    if year > start.year:
        return 1.0
    days = 366 if calendar.isleap(year) else 365
    return ((date(year, 12, 31) - start).days + 1) / days


@dataclass(frozen=True, slots=True)
class Scenario:
    """Today's forecast with a set of measures' effects added, year by year.

    ``points``/``lower``/``upper`` cover the years of the base forecast from ``since_year``
    on; ``lower``/``upper`` come from the effects' low and high estimates. ``meets_target``
    is judged on the point for the target year; ``meets_target_cautious`` on the end of the
    range least favourable to the target. ``floored`` is True when a value would have fallen
    below zero and was held at zero.
    """

    stages: frozenset[Stage]
    since_year: int
    target_year: int
    points: dict[int, float]
    lower: dict[int, float]
    upper: dict[int, float]
    effects: tuple[Effect, ...]
    meets_target: bool | None
    meets_target_cautious: bool | None
    floored: bool = False

    @property
    def point(self) -> float | None:
        """The forecast with measures for the target year (None without a base forecast)."""
        return self.points.get(self.target_year)

    @property
    def added(self) -> float:
        """What the measures add to the target year's forecast (negative: a cut)."""
        return sum(increment(e, self.target_year, self.since_year) for e in self.effects)

    def as_dict(self) -> dict[str, object]:
        return {
            "stages": sorted(self.stages),
            "since_year": self.since_year,
            "target_year": self.target_year,
            "point": self.point,
            "points": self.points,
            "lower": self.lower,
            "upper": self.upper,
            "added": self.added,
            "effects": len(self.effects),
            "meets_target": self.meets_target,
            "meets_target_cautious": self.meets_target_cautious,
            "floored": self.floored,
        }


def increment(effect: Effect, year: int, since_year: int, amount: float | None = None) -> float:
    """What ``effect`` adds in ``year`` beyond what it already did in ``since_year``."""
    if year <= since_year:
        return 0.0
    return effect.in_year(year, amount) - effect.in_year(since_year, amount)


def with_effects(
    target: Target,
    base: Mapping[int, float | None],
    effects: Iterable[Effect],
    *,
    since_year: int,
    stages: frozenset[Stage] = DECIDED,
) -> Scenario:
    """Add the increments of the ``effects`` in ``stages`` to the ``base`` forecast.

    ``base`` maps years to today's point forecast (None where there is none); ``since_year``
    is the latest actual year, whose measurements already hold what the measures did so far.
    """
    counted = tuple(e for e in effects if e.stage in stages)
    points: dict[int, float] = {}
    lower: dict[int, float] = {}
    upper: dict[int, float] = {}
    floored = False
    for year in sorted(base):
        value = base[year]
        if value is None or year < since_year:
            continue
        central = value + sum(increment(e, year, since_year) for e in counted)
        ends = [
            value + sum(increment(e, year, since_year, e.bounds[i]) for e in counted)
            for i in (0, 1)
        ]
        floored = floored or min(central, *ends) < 0
        points[year] = max(central, 0.0)
        lower[year] = max(min(ends), 0.0)
        upper[year] = max(max(ends), 0.0)
    point = points.get(target.target_year)
    meets = cautious = None
    if point is not None:
        meets = target.meets(point)
        worst = upper if target.direction == "decrease" else lower
        cautious = target.meets(worst[target.target_year])
    return Scenario(
        stages=stages,
        since_year=since_year,
        target_year=target.target_year,
        points=points,
        lower=lower,
        upper=upper,
        effects=counted,
        meets_target=meets,
        meets_target_cautious=cautious,
        floored=floored,
    )


@dataclass(frozen=True, slots=True)
class Outlook:
    """The two forecasts with measures a target page shows beside today's forecast."""

    decided: Scenario
    with_proposed: Scenario

    @property
    def has_proposed(self) -> bool:
        return any(e.stage == "proposed" for e in self.with_proposed.effects)


def outlook(
    target: Target,
    base: Mapping[int, float | None],
    effects: Iterable[Effect],
    *,
    since_year: int,
) -> Outlook:
    """Today's forecast with the decided measures, and with the proposed ones as well."""
    effects = tuple(effects)
    return Outlook(
        decided=with_effects(target, base, effects, since_year=since_year, stages=DECIDED),
        with_proposed=with_effects(
            target, base, effects, since_year=since_year, stages=WITH_PROPOSED
        ),
    )


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A done measure's expected effect beside the measured change of its KPI.

    The comparison runs from ``before_year`` (the last full year before the start) to
    ``after_year`` (the latest actual year after the start year, so a full year in place);
    ``expected_change`` is what the effect alone would have changed between those years.
    Without an actual on either side the measured change is None ("not measurable yet").
    """

    effect: Effect
    before_year: int
    after_year: int | None
    before_value: float | None
    after_value: float | None
    expected_change: float | None
    measured_change: float | None
    caveat: str = field(default=CAVEAT)

    @property
    def measurable(self) -> bool:
        return self.measured_change is not None


def follow_up(effect: Effect, observations: Observations) -> FollowUp:
    """Set the measured KPI beside the expected effect of a (done) measure."""
    before_year = effect.start.year - 1
    after_years = [y for y in observations if y > effect.start.year]
    after_year = max(after_years) if after_years else None
    before = observations.get(before_year)
    after = observations.get(after_year) if after_year is not None else None
    expected = None
    if after_year is not None:
        expected = effect.in_year(after_year) - effect.in_year(before_year)
    measured = None
    if before is not None and after is not None:
        measured = float(after) - float(before)
    return FollowUp(
        effect=effect,
        before_year=before_year,
        after_year=after_year,
        before_value=None if before is None else float(before),
        after_value=None if after is None else float(after),
        expected_change=expected,
        measured_change=measured,
    )
