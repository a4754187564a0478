"""Status of a KPI against its target: on track, at risk or off track — with the rule shown.

The rule is data (:class:`StatusRule`), not a buried ``if``: the page prints
:meth:`StatusRule.describe` beside the status, so the forum can see exactly why a KPI is
amber, and a municipality that wants a stricter rule changes a value, not code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .forecast import DEFAULT_LEVEL, Forecast, forecast
from .model import Observations, Target, required_annual_change


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"


@dataclass(frozen=True, slots=True)
class StatusRule:
    """How the two checks and the band combine into a status.

    The checks: (1) the latest actual is at or better than the trajectory for its year;
    (2) the forecast's point value for the target year meets the target. Both → on track,
    unless ``band_must_clear_target`` and the prediction band (at ``level``) reaches past the
    target, or there is no band yet to show that it does not (two years of data), which
    makes it at risk. One of them → at risk. Neither → off track. With no forecast point at
    all (a single observation) the status is at most at risk.
    """

    level: float = DEFAULT_LEVEL
    band_must_clear_target: bool = True

    def describe(self, direction: str = "decrease") -> dict[str, str]:
        """The rule as sentences, one per status, in the KPI's own direction."""
        side = "at or below" if direction == "decrease" else "at or above"
        band = (
            f", and the whole {self.level:.0%} forecast band meets it"
            if self.band_must_clear_target
            else ""
        )
        straddle = (
            f", or both hold but the {self.level:.0%} forecast band reaches past the target"
            " or there is no band yet"
            if self.band_must_clear_target
            else ""
        )
        return {
            Status.ON_TRACK: (
                f"On track: the latest value is {side} the trajectory for its year, and the "
                f"forecast for the target year meets the target{band}."
            ),
            Status.AT_RISK: (
                "At risk: only one of these holds (latest value on the trajectory; forecast "
                f"meets the target){straddle}."
            ),
            Status.OFF_TRACK: "Off track: neither holds.",
            Status.NO_DATA: "No data: there is no observation yet.",
        }


DEFAULT_RULE = StatusRule()


@dataclass(frozen=True, slots=True)
class Assessment:
    """Everything the target page shows for one KPI, and why its status is what it is."""

    target: Target
    status: Status
    rule: StatusRule
    latest_year: int | None
    latest_value: float | None
    trajectory_value_latest: float | None
    latest_on_trajectory: bool | None
    forecast: Forecast
    forecast_meets_target: bool | None
    band_straddles_target: bool | None
    required_annual_change: float | None
    reasons: tuple[str, ...] = field(default=())

    @property
    def rule_text(self) -> dict[str, str]:
        return self.rule.describe(self.target.direction)

    def as_dict(self) -> dict[str, object]:
        return {
            "kpi": self.target.kpi,
            "status": str(self.status),
            "latest_year": self.latest_year,
            "latest_value": self.latest_value,
            "trajectory_value_latest": self.trajectory_value_latest,
            "latest_on_trajectory": self.latest_on_trajectory,
            "forecast": self.forecast.as_dict(),
            "forecast_meets_target": self.forecast_meets_target,
            "band_straddles_target": self.band_straddles_target,
            "required_annual_change": self.required_annual_change,
            "reasons": list(self.reasons),
            "rule": {str(k): v for k, v in self.rule_text.items()},
        }


def assess(
    target: Target, observations: Observations, *, rule: StatusRule = DEFAULT_RULE
) -> Assessment:
    """Assess ``observations`` ({year: value}) against ``target`` under ``rule``."""
    fc = forecast(observations, target.target_year, level=rule.level)
    if not observations:
        return Assessment(
            target, Status.NO_DATA, rule, None, None, None, None, fc, None, None, None,
            ("There is no observation yet.",),
        )  # fmt: skip
    latest_year = max(observations)
    latest_value = float(observations[latest_year])
    planned = target.trajectory_value(latest_year)
    on_line = target.is_at_or_better(latest_value, planned)
    reasons = [
        f"Latest value {latest_value:,.4g} ({latest_year}) is "
        f"{'on or better than' if on_line else 'worse than'} the trajectory ({planned:,.4g})."
    ]
    meets: bool | None = None
    straddles: bool | None = None
    if fc.point is not None and fc.points_used >= 2:
        meets = target.meets(fc.point)
        reasons.append(
            f"Forecast for {target.target_year}: {fc.point:,.4g}, which "
            f"{'meets' if meets else 'misses'} the target ({target.target_value:,.4g})."
        )
        if fc.has_band:
            assert fc.lower is not None and fc.upper is not None
            straddles = fc.lower < target.target_value < fc.upper
            if straddles:
                reasons.append(
                    f"The {rule.level:.0%} band ({fc.lower:,.4g}–{fc.upper:,.4g}) contains "
                    "the target value."
                )
        else:
            reasons.append("No forecast band (fewer than three years of data).")
    else:
        reasons.append("Too few years for a trend: no forecast, so at most at risk.")
    status = _combine(on_line, meets, straddles, rule)
    return Assessment(
        target=target,
        status=status,
        rule=rule,
        latest_year=latest_year,
        latest_value=latest_value,
        trajectory_value_latest=planned,
        latest_on_trajectory=on_line,
        forecast=fc,
        forecast_meets_target=meets,
        band_straddles_target=straddles,
        required_annual_change=required_annual_change(target, latest_year, latest_value),
        reasons=tuple(reasons),
    )


def _combine(on_line: bool, meets: bool | None, straddles: bool | None, rule: StatusRule) -> Status:
    if meets is None:  # no trend: the latest value alone cannot make a KPI on track
        return Status.AT_RISK if on_line else Status.OFF_TRACK
    if on_line and meets:
        # The rule asks the whole band to meet the target: no band (yet) cannot show that.
        if rule.band_must_clear_target and straddles is not False:
            return Status.AT_RISK
        return Status.ON_TRACK
    if on_line or meets:
        return Status.AT_RISK
    return Status.OFF_TRACK
