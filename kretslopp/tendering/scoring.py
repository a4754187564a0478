"""Banded scoring rules: a measured value falls in one band, the band gives a share of the points.

The bands are data (``data/scoring-bands.csv``); only the *measures* — how a value is taken
from an offer line, such as the ETEC margin below the regulation's limit — are code, because
each is a formula rather than a table. Every edge says whether it is inclusive, so that a
value exactly on an edge has one documented band.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Band:
    """Values between ``lower`` and ``upper`` (``None`` = unbounded) earn ``fraction``."""

    lower: Decimal | None
    lower_inclusive: bool
    upper: Decimal | None
    upper_inclusive: bool
    fraction: Decimal
    note: str = ""

    def __post_init__(self) -> None:
        if (
            self.lower is not None
            and self.upper is not None
            and (
                self.lower > self.upper
                or (
                    self.lower == self.upper and not (self.lower_inclusive and self.upper_inclusive)
                )
            )
        ):
            raise ValueError(f"band {self.describe()} holds no value")

    def contains(self, value: Decimal) -> bool:
        if self.lower is not None and (
            value < self.lower or (value == self.lower and not self.lower_inclusive)
        ):
            return False
        return self.upper is None or not (
            value > self.upper or (value == self.upper and not self.upper_inclusive)
        )

    def describe(self) -> str:
        """The band in interval notation, e.g. ``[60, 80]`` or ``(80, ∞)``."""
        left = "[" if self.lower_inclusive and self.lower is not None else "("
        right = "]" if self.upper_inclusive and self.upper is not None else ")"
        low = "-∞" if self.lower is None else _plain(self.lower)
        high = "∞" if self.upper is None else _plain(self.upper)
        return f"{left}{low}, {high}{right}"

    def as_dict(self) -> dict[str, object]:
        return {
            "lower": None if self.lower is None else str(self.lower),
            "lower_inclusive": self.lower_inclusive,
            "upper": None if self.upper is None else str(self.upper),
            "upper_inclusive": self.upper_inclusive,
            "fraction": str(self.fraction),
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Band:
        return cls(
            lower=None if data["lower"] is None else Decimal(data["lower"]),
            lower_inclusive=bool(data["lower_inclusive"]),
            upper=None if data["upper"] is None else Decimal(data["upper"]),
            upper_inclusive=bool(data["upper_inclusive"]),
            fraction=Decimal(data["fraction"]),
            note=data.get("note", ""),
        )


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _overlap(a: Band, b: Band) -> bool:
    """Whether two bands share at least one value."""

    def below(upper: Decimal | None, upper_inc: bool, lower: Decimal | None, lower_inc: bool):
        # True if everything under ``upper`` lies below everything over ``lower``.
        if upper is None or lower is None:
            return False
        return upper < lower or (upper == lower and not (upper_inc and lower_inc))

    return not (
        below(a.upper, a.upper_inclusive, b.lower, b.lower_inclusive)
        or below(b.upper, b.upper_inclusive, a.lower, a.lower_inclusive)
    )


@dataclass(frozen=True, slots=True)
class BandedRule:
    """A scoring rule: the measure it reads and its bands. Values in no band earn nothing."""

    rule_id: str
    measure: str
    bands: tuple[Band, ...]
    _edges: tuple = field(init=False, repr=False, compare=False, default=())

    def __post_init__(self) -> None:
        edges = tuple(
            (band.lower, band.lower_inclusive, band.upper, band.upper_inclusive, band)
            for band in self.bands
        )
        object.__setattr__(self, "_edges", edges)
        if self.measure not in MEASURES:
            raise ValueError(f"rule {self.rule_id!r}: unknown measure {self.measure!r}")
        for i, first in enumerate(self.bands):
            for second in self.bands[i + 1 :]:
                if _overlap(first, second):
                    raise ValueError(
                        f"rule {self.rule_id!r}: bands {first.describe()} and "
                        f"{second.describe()} overlap"
                    )

    def band_for(self, value: Decimal) -> Band | None:
        """The band holding ``value``, or ``None`` (no points). Same test as ``Band.contains``."""
        for lower, lower_inclusive, upper, upper_inclusive, band in self._edges:
            if lower is not None and (value < lower if lower_inclusive else value <= lower):
                continue
            if upper is not None and (value > upper if upper_inclusive else value >= upper):
                continue
            return band
        return None

    def as_dict(self) -> dict[str, object]:
        return {
            "rule_id": self.rule_id,
            "measure": self.measure,
            "bands": [band.as_dict() for band in self.bands],
        }

    @classmethod
    def from_dict(cls, data: dict) -> BandedRule:
        return cls(
            rule_id=data["rule_id"],
            measure=data["measure"],
            bands=tuple(Band.from_dict(band) for band in data["bands"]),
        )


# --- measures ------------------------------------------------------------------------------
#
# A measure takes an offer line and the criterion use's parameters and returns the value the
# bands are read against, or ``None`` when the line lacks what the measure needs (then the
# line earns nothing for the criterion, and the result says which column was missing).

HUNDRED = Decimal(100)


def etec_margin_percent(line, parameters: dict[str, Decimal]) -> Decimal | None:
    """How far the line's ETEC lies below its limit, in percent of the limit.

    ``(limit − ETEC) / limit × 100``: Upphandlingsmyndigheten's 11169 awards points "in
    proportion to improved energy performance compared to the values in the regulation".
    Negative when the ETEC exceeds the limit.
    """
    if line.tec_kwh_per_year is None or line.etec_limit_kwh_per_year is None:
        return None
    limit = line.etec_limit_kwh_per_year
    return (limit - line.tec_kwh_per_year) / limit * HUNDRED


def battery_cycles(line, parameters: dict[str, Decimal]) -> Decimal | None:
    """Charge cycles the battery keeps 80 % of its capacity for (11193)."""
    return None if line.battery_cycles is None else Decimal(line.battery_cycles)


def extra_warranty_years(line, parameters: dict[str, Decimal]) -> Decimal | None:
    """Years of warranty beyond the minimum of the technical specification (11189)."""
    if line.warranty_years is None:
        return None
    return Decimal(line.warranty_years) - parameters["minimum_warranty_years"]


#: Measure name -> (function, the offer columns it reads, the parameters a use must give,
#: whether it takes few distinct values so that its results are worth caching per value).
MEASURES = {
    "etec_margin_percent": (
        etec_margin_percent,
        ("tec_kwh_per_year", "etec_limit_kwh_per_year"),
        (),
        False,
    ),
    "battery_cycles": (battery_cycles, ("battery_cycles",), (), True),
    "extra_warranty_years": (
        extra_warranty_years,
        ("warranty_years",),
        ("minimum_warranty_years",),
        True,
    ),
}
