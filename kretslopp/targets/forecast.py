"""Forecast a KPI to its target year from the observed trend, with a prediction band.

Method (see docs/methodology.md, "Targets, trajectories and forecasts"): ordinary least
squares of ``ln(value)`` on the year, i.e. the series is assumed to change by a constant
percentage a year with multiplicative (lognormal) noise — how energy use and print volumes
actually move, and the same shape as a constant-rate target. The band is the classical
prediction interval for one new observation at the forecast year::

    ln ŷ ± t(level, n − 2) · s · sqrt(1 + 1/n + (year − mean year)² / Sxx)

taken back with ``exp``. So the point is the fitted *median* (no lognormal mean correction:
half the outcomes fall below it), and the band says where the value of that year will lie
with the stated probability if the trend and its scatter continue. It does not cover a
change of trend (a new data centre, a pandemic year); the page says so.

Fewer than three usable points give no band (the scatter cannot be estimated): two points
give the trend through them, one point gives that value as a flat forecast, and the
forecast says which in ``note``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .model import Observations
from .tdist import t_two_sided_quantile

DEFAULT_LEVEL = 0.80
METHOD = "log-linear least squares (ln value on year) with a t prediction interval"


@dataclass(frozen=True, slots=True)
class Forecast:
    """A forecast for one year.

    ``point`` is ``None`` only without any usable observation. ``lower``/``upper`` are
    ``None`` when there is no band (fewer than three usable points). ``annual_rate`` is the
    fitted constant annual change as a fraction (``exp(slope) − 1``, e.g. −0.041), ``None``
    with fewer than two points. ``points_used`` counts the observations that went into the fit
    and ``points_skipped`` those left out because a logarithm needs a positive value.
    """

    year: int
    point: float | None
    lower: float | None
    upper: float | None
    level: float
    annual_rate: float | None
    points_used: int
    points_skipped: int
    residual_sd_log: float | None
    method: str
    note: str

    @property
    def has_band(self) -> bool:
        return self.lower is not None and self.upper is not None

    def as_dict(self) -> dict[str, object]:
        return {
            "year": self.year,
            "point": self.point,
            "lower": self.lower,
            "upper": self.upper,
            "level": self.level,
            "annual_rate": self.annual_rate,
            "points_used": self.points_used,
            "points_skipped": self.points_skipped,
            "residual_sd_log": self.residual_sd_log,
            "method": self.method,
            "note": self.note,
            "has_band": self.has_band,
        }


def forecast(observations: Observations, year: int, *, level: float = DEFAULT_LEVEL) -> Forecast:
    """Forecast the KPI for ``year`` from ``observations`` ({year: value}).

    Values that are not positive (zero, negative, NaN) cannot be log-transformed: they are
    left out, counted in ``points_skipped`` and named in ``note``.
    """
    if not 0.0 < level < 1.0:
        raise ValueError(f"the level must be between 0 and 1, not {level!r}")
    usable = sorted(
        (int(y), float(v)) for y, v in observations.items() if math.isfinite(v) and v > 0
    )
    skipped = len(observations) - len(usable)
    skipped_note = (
        f" {skipped} observation(s) that were not positive were left out." if skipped else ""
    )
    n = len(usable)

    def result(**fields: object) -> Forecast:
        base: dict[str, object] = {
            "year": year,
            "point": None,
            "lower": None,
            "upper": None,
            "level": level,
            "annual_rate": None,
            "points_used": n,
            "points_skipped": skipped,
            "residual_sd_log": None,
            "method": METHOD,
        }
        base.update(fields)
        base["note"] = str(base.get("note", "")) + skipped_note
        return Forecast(**base)  # type: ignore[arg-type]

    if n == 0:
        return result(note="No observations: no forecast.")
    if n == 1:
        ((only_year, only_value),) = usable
        return result(
            point=only_value,
            note=(
                f"One observation ({only_year}): no trend can be fitted, so the forecast is "
                "that value unchanged, without a band (a band needs at least three years)."
            ),
        )
    xs = [float(y) for y, _ in usable]
    logs = [math.log(v) for _, v in usable]
    mean_x = sum(xs) / n
    mean_log = sum(logs) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:  # duplicate years cannot happen with a mapping, but guard anyway
        raise ValueError("the observations must cover at least two different years")
    slope = sum((x - mean_x) * (y - mean_log) for x, y in zip(xs, logs, strict=True)) / sxx
    intercept = mean_log - slope * mean_x
    centre_log = intercept + slope * year
    point = math.exp(centre_log)
    rate = math.expm1(slope)
    if n == 2:
        return result(
            point=point,
            annual_rate=rate,
            note=(
                "Two observations: the forecast follows the trend through them, without a "
                "band (a band needs at least three years to estimate the scatter)."
            ),
        )
    residuals = [y - (intercept + slope * x) for x, y in zip(xs, logs, strict=True)]
    df = n - 2
    sd_log = math.sqrt(sum(r * r for r in residuals) / df)
    t = t_two_sided_quantile(level, df)
    half_width = t * sd_log * math.sqrt(1.0 + 1.0 / n + (year - mean_x) ** 2 / sxx)
    return result(
        point=point,
        lower=math.exp(centre_log - half_width),
        upper=math.exp(centre_log + half_width),
        annual_rate=rate,
        residual_sd_log=sd_log,
        note=(
            f"Trend of {n} years ({usable[0][0]}–{usable[-1][0]}), {rate:+.1%} a year; "
            f"{level:.0%} prediction band (t with {df} degrees of freedom)."
        ),
    )
