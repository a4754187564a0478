"""A figure as Kretslopp states it: a value with its range, unit, quality, sources and basis.

A number alone cannot be defended. Every figure the engine hands to the pages, the API and
the reports travels as one :class:`Figure`, so that its range (``low``–``high``), its unit,
how good it is (``data_quality``), the sources it rests on (ids in
``footprint/data/sources.csv``) and the words saying how it was reached (``basis``, with a
Swedish twin) cannot be separated from it, instead of living in parallel ``*_min``,
``*_max`` and ``*_source`` fields that each caller has to keep together.

Plain Python, no Django: the engine builds figures, the web layer only shows them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .texts import Localised


@dataclass(frozen=True, slots=True)
class Figure(Localised):
    """One stated figure. ``low`` and ``high`` default to ``value`` (no range known).

    ``basis`` is English; ``text("basis", "sv")`` gives the Swedish (``basis_sv``).
    """

    value: float
    unit: str
    low: float = None  # type: ignore[assignment]  # None: the value (no range known)
    high: float = None  # type: ignore[assignment]
    data_quality: str = ""
    source_ids: tuple[str, ...] = ()
    basis: str = ""
    basis_sv: str = ""

    def __post_init__(self) -> None:
        if self.low is None:
            object.__setattr__(self, "low", self.value)
        if self.high is None:
            object.__setattr__(self, "high", self.value)

    @property
    def has_range(self) -> bool:
        """Whether a range is known (a figure without one shows its value alone)."""
        return self.low != self.high

    def plus(self, other: Figure, *, basis: str = "", basis_sv: str = "") -> Figure:
        """The sum of two figures of one unit: ranges add, sources join, the weaker quality
        holds only if both agree (else none is claimed)."""
        if other.unit != self.unit:
            raise ValueError(f"cannot add {other.unit} to {self.unit}")
        return Figure(
            self.value + other.value,
            self.unit,
            self.low + other.low,
            self.high + other.high,
            self.data_quality if self.data_quality == other.data_quality else "",
            tuple(dict.fromkeys(self.source_ids + other.source_ids)),
            basis,
            basis_sv,
        )

    def as_dict(self) -> dict[str, object]:
        """The figure for JSON (the API and the command line): English basis."""
        return {
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "unit": self.unit,
            "data_quality": self.data_quality,
            "source_ids": list(self.source_ids),
            "basis": self.basis,
        }
