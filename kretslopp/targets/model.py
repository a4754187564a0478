"""Targets and their trajectories: one mechanism for every KPI.

A :class:`Target` says where a KPI starts (baseline year and value), where it must be (target
year and value), how it is meant to get there (a straight line, or the same percentage every
year) and which way is good (energy and pages should *decrease*; the share of labelled
purchases should *increase*). Everything else — the forecast, the status, the cut still
needed — works the same for every KPI, so the forum sees one kind of page for all of them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Trajectory = Literal["linear", "constant_rate"]
Direction = Literal["decrease", "increase"]
TRAJECTORIES: tuple[Trajectory, ...] = ("linear", "constant_rate")
DIRECTIONS: tuple[Direction, ...] = ("decrease", "increase")

#: Observed values of a KPI per calendar year, e.g. ``{2019: 4.1e6, 2020: 3.9e6}`` (kWh).
Observations = Mapping[int, float]


@dataclass(frozen=True, slots=True)
class Target:
    """A KPI target: from ``baseline_value`` in ``baseline_year`` to ``target_value`` later.

    ``unit`` is for display only (``"kWh"``, ``"kg CO2e"``, ``"pages"``, ``"share"``). The
    values must lie the way ``direction`` says (a decrease target below its baseline), so a
    sign mistake in a form is refused here instead of showing a cheerful wrong status.
    """

    kpi: str
    baseline_year: int
    baseline_value: float
    target_year: int
    target_value: float
    trajectory: Trajectory = "linear"
    direction: Direction = "decrease"
    unit: str = ""

    def __post_init__(self) -> None:
        if self.trajectory not in TRAJECTORIES:
            raise ValueError(f"trajectory must be one of {TRAJECTORIES}, not {self.trajectory!r}")
        if self.direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}, not {self.direction!r}")
        if self.target_year <= self.baseline_year:
            raise ValueError(
                f"the target year ({self.target_year}) must come after the baseline year "
                f"({self.baseline_year})"
            )
        for name in ("baseline_value", "target_value"):
            if not math.isfinite(getattr(self, name)):
                raise ValueError(f"{name} must be a finite number")
        if self.direction == "decrease" and self.target_value > self.baseline_value:
            raise ValueError("a decrease target must be at or below its baseline value")
        if self.direction == "increase" and self.target_value < self.baseline_value:
            raise ValueError("an increase target must be at or above its baseline value")
        if self.trajectory == "constant_rate" and (
            self.baseline_value <= 0 or self.target_value <= 0
        ):
            raise ValueError("a constant-rate trajectory needs positive baseline and target")

    @classmethod
    def from_change(
        cls,
        kpi: str,
        baseline_year: int,
        baseline_value: float,
        *,
        years: int,
        change_fraction: float,
        trajectory: Trajectory = "linear",
        unit: str = "",
    ) -> Target:
        """A target written as a change, e.g. ``years=10, change_fraction=-0.30`` (−30 %).

        The direction follows from the sign of the change.
        """
        direction: Direction = "decrease" if change_fraction <= 0 else "increase"
        return cls(
            kpi=kpi,
            baseline_year=baseline_year,
            baseline_value=baseline_value,
            target_year=baseline_year + years,
            target_value=baseline_value * (1.0 + change_fraction),
            trajectory=trajectory,
            direction=direction,
            unit=unit,
        )

    @property
    def years(self) -> int:
        """Years from baseline to target."""
        return self.target_year - self.baseline_year

    @property
    def change_fraction(self) -> float:
        """The whole change asked for, e.g. −0.30."""
        return self.target_value / self.baseline_value - 1.0

    @property
    def annual_rate(self) -> float:
        """The constant annual rate that joins baseline and target, e.g. −0.035 for −30 %/10 y."""
        return (self.target_value / self.baseline_value) ** (1.0 / self.years) - 1.0

    def trajectory_value(self, year: float) -> float:
        """The value the trajectory asks for in ``year``.

        Linear: on the straight line between baseline and target. Constant rate:
        ``baseline × (1 + r)^(year − baseline_year)``. Before the baseline year the baseline
        holds, after the target year the target holds (a target is not a promise to keep
        falling).
        """
        if year <= self.baseline_year:
            return self.baseline_value
        if year >= self.target_year:
            return self.target_value
        elapsed = year - self.baseline_year
        if self.trajectory == "linear":
            step = (self.target_value - self.baseline_value) / self.years
            return self.baseline_value + step * elapsed
        return self.baseline_value * (1.0 + self.annual_rate) ** elapsed

    def trajectory_values(self) -> dict[int, float]:
        """The trajectory for every year from baseline to target (for a chart)."""
        return {
            year: self.trajectory_value(year)
            for year in range(self.baseline_year, self.target_year + 1)
        }

    def is_at_or_better(self, value: float, reference: float) -> bool:
        """True when ``value`` is on the good side of ``reference`` (or equal to it).

        "Good" is lower for a decrease target and higher for an increase target. A relative
        slack of 1e-9 absorbs floating-point noise, so a series exactly on its line counts.
        """
        slack = 1e-9 * max(abs(reference), 1e-12)
        if self.direction == "decrease":
            return value <= reference + slack
        return value >= reference - slack

    def meets(self, value: float) -> bool:
        """True when ``value`` reaches the target value."""
        return self.is_at_or_better(value, self.target_value)


def required_annual_change(target: Target, latest_year: int, latest_value: float) -> float | None:
    """The constant annual change from the latest actual to the target, as a fraction.

    ``(target_value / latest_value)^(1 / (target_year − latest_year)) − 1``, e.g. −0.043 means
    "cut 4.3 % every year from now on". ``None`` when no year remains (the latest actual is
    in or after the target year) or when the values are not positive (a rate has no meaning).
    """
    remaining = target.target_year - latest_year
    if remaining <= 0 or latest_value <= 0 or target.target_value <= 0:
        return None
    return (target.target_value / latest_value) ** (1.0 / remaining) - 1.0
