"""Avoided CO2e from take-back outcomes (reuse, resale, donation, refurbishment, recycling).

Two versioned avoided-emission factor sets ship:

``ivl-inrego-2020``
    IVL/Inrego 2020 method per reused unit: new production + transport from production +
    waste handling + transport to waste handling avoided, minus refurbishment and extra
    transport. Derived per category in ``data/avoided-factors.csv`` by
    :func:`kretslopp.footprint.derive.derive_avoided_factors`; ranges come from the table's
    sub-category rows.
``inrego-legacy``
    Inrego's older factors (TU Berlin 2005, EuP Lot 3 2007): laptop 69, desktop 109,
    monitor 41, phone 27 kg CO2e per reused unit; no range given.

Allocation ``full`` credits the whole figure to the organisation handing the device on;
``shared`` splits it 50/50 with the second user. Reuse outcomes (reused internally, resold,
donated, refurbished) earn the factor; ``recycled`` earns no credit by default (see
:data:`RECYCLING_NOTE`); ``destroyed`` earns none. Categories a set has no figure for are listed
in ``missing`` with their quantities, never counted silently as zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from .derive import AVOIDED_FILE
from .factors import set_descriptions
from .figure import Figure
from .sources import read_csv, source
from .taxonomy import CATEGORY_CODES, check_category
from .texts import Localised

OUTCOMES: tuple[str, ...] = (
    "reused_internally",
    "resold",
    "donated",
    "refurbished",
    "recycled",
    "destroyed",
)
REUSE_OUTCOMES: frozenset[str] = frozenset(
    {"reused_internally", "resold", "donated", "refurbished"}
)
ALLOCATIONS: dict[str, float] = {"full": 1.0, "shared": 0.5}
DEFAULT_AVOIDED_SET = "ivl-inrego-2020"

RECYCLING_NOTE = (
    "recycled: no credit. The reuse factors are measured against a baseline in which the old "
    "device is recycled and a new one bought, so recycling is the baseline itself; material "
    "recovery credits belong to whoever uses the recycled material (cut-off approach). Pass "
    "recycling_credit_kg_co2e_per_unit with a sourced figure to credit it."
)


class UnknownOutcomeError(ValueError):
    def __init__(self, outcome: str) -> None:
        super().__init__(f"unknown outcome {outcome!r}; expected one of: {', '.join(OUTCOMES)}")


def check_outcome(outcome: str) -> str:
    """``outcome`` normalised, or :class:`UnknownOutcomeError`."""
    normalised = outcome.strip().lower()
    if normalised not in OUTCOMES:
        raise UnknownOutcomeError(outcome)
    return normalised


@dataclass(frozen=True, slots=True)
class AvoidedFactor(Localised):
    """kg CO2e avoided per reused unit of a category, before allocation.

    ``note`` is English; ``text("note", "sv")`` gives its Swedish twin.
    """

    factor_set: str
    category: str
    avoided_kg_co2e_per_unit: float
    avoided_kg_co2e_per_unit_min: float
    avoided_kg_co2e_per_unit_max: float
    has_range: bool
    source_ids: tuple[str, ...]
    note: str
    terms: dict[str, float] = field(default_factory=dict)
    note_sv: str = ""

    @property
    def per_unit(self) -> Figure:
        """kg CO2e avoided per reused unit as one figure (range, sources, note as basis)."""
        return Figure(
            self.avoided_kg_co2e_per_unit, "kg CO2e per unit",
            self.avoided_kg_co2e_per_unit_min, self.avoided_kg_co2e_per_unit_max,
            "category", self.source_ids, self.note, self.note_sv,
        )  # fmt: skip

    def as_dict(self) -> dict[str, object]:
        return {
            "factor_set": self.factor_set,
            "category": self.category,
            "avoided_kg_co2e_per_unit": self.avoided_kg_co2e_per_unit,
            "avoided_kg_co2e_per_unit_min": self.avoided_kg_co2e_per_unit_min,
            "avoided_kg_co2e_per_unit_max": self.avoided_kg_co2e_per_unit_max,
            "has_range": self.has_range,
            "source_ids": list(self.source_ids),
            "note": self.note,
            "terms": dict(self.terms),
        }


@dataclass(frozen=True, slots=True)
class AvoidedFactorSet(Localised):
    factor_set_id: str
    description: str
    factors: dict[str, AvoidedFactor]
    description_sv: str = ""

    @property
    def missing_categories(self) -> tuple[str, ...]:
        return tuple(c for c in CATEGORY_CODES if c not in self.factors)

    def describe(self) -> dict[str, object]:
        ids: list[str] = []
        for factor in self.factors.values():
            ids.extend(i for i in factor.source_ids if i not in ids)
        return {
            "id": self.factor_set_id,
            "kind": "avoided",
            "description": self.description,
            "categories": list(self.factors),
            "categories_without_figure": list(self.missing_categories),
            "sources": [source(i).as_dict() for i in ids],
        }


_TERM_COLUMNS = (
    "new_production_kg_co2e",
    "transport_from_production_kg_co2e",
    "waste_handling_kg_co2e",
    "transport_to_waste_handling_kg_co2e",
    "refurbishment_kg_co2e",
    "extra_transport_kg_co2e",
)


@cache
def _sets() -> dict[str, AvoidedFactorSet]:
    ivl: dict[str, AvoidedFactor] = {}
    for row in read_csv(AVOIDED_FILE):
        typical = float(row["avoided_kg_co2e_per_unit"])
        low = float(row["avoided_kg_co2e_per_unit_min"])
        high = float(row["avoided_kg_co2e_per_unit_max"])
        ivl[row["category"]] = AvoidedFactor(
            factor_set=row["factor_set"],
            category=row["category"],
            avoided_kg_co2e_per_unit=typical,
            avoided_kg_co2e_per_unit_min=low,
            avoided_kg_co2e_per_unit_max=high,
            has_range=bool(row["range_rows"]),
            source_ids=tuple(row["source_ids"].split()),
            note=f"IVL row '{row['ivl_row']}'; {row['note']}",
            terms={name: float(row[name]) for name in _TERM_COLUMNS},
            note_sv=f"IVL-raden '{row['ivl_row']}'; {row['note_sv']}",
        )
    legacy: dict[str, AvoidedFactor] = {}
    for row in read_csv("inrego-legacy-factors.csv"):
        value = float(row["avoided_kg_co2e_per_unit"])
        legacy[row["category"]] = AvoidedFactor(
            factor_set="inrego-legacy",
            category=row["category"],
            avoided_kg_co2e_per_unit=value,
            avoided_kg_co2e_per_unit_min=value,
            avoided_kg_co2e_per_unit_max=value,
            has_range=False,
            source_ids=(row["source_id"],),
            note=row["note"] + "; no range in source",
            note_sv=row["note_sv"] + "; inget intervall i källan",
        )
    sets: dict[str, AvoidedFactorSet] = {}
    for set_id, factors in (("ivl-inrego-2020", ivl), ("inrego-legacy", legacy)):
        english, swedish = set_descriptions()[set_id]
        sets[set_id] = AvoidedFactorSet(set_id, english, factors, swedish)
    return sets


class UnknownAvoidedSetError(KeyError):
    def __init__(self, set_id: str) -> None:
        super().__init__(
            f"unknown avoided-emission set {set_id!r}; known: {', '.join(avoided_set_ids())}"
        )

    def __str__(self) -> str:
        return str(self.args[0])


def avoided_set_ids() -> list[str]:
    """Ids of the shipped avoided-emission factor sets, default first."""
    return list(_sets())


def get_avoided_set(set_id: str = DEFAULT_AVOIDED_SET) -> AvoidedFactorSet:
    try:
        return _sets()[set_id]
    except KeyError:
        raise UnknownAvoidedSetError(set_id) from None


@dataclass(frozen=True, slots=True)
class TakebackItem:
    """A number of products of one category that met one outcome."""

    category: str
    quantity: float
    outcome: str


@dataclass(slots=True)
class AvoidedLine:
    """Avoided CO2e for one category (or one outcome), after allocation."""

    products: float = 0.0
    credited_units: float = 0.0
    uncredited_units: float = 0.0
    avoided_kg_co2e: float = 0.0
    avoided_kg_co2e_min: float = 0.0
    avoided_kg_co2e_max: float = 0.0
    outcomes: dict[str, float] = field(default_factory=dict)
    factor: AvoidedFactor | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "products": self.products,
            "credited_units": self.credited_units,
            "uncredited_units": self.uncredited_units,
            "avoided_kg_co2e": self.avoided_kg_co2e,
            "avoided_kg_co2e_min": self.avoided_kg_co2e_min,
            "avoided_kg_co2e_max": self.avoided_kg_co2e_max,
            "outcomes": dict(self.outcomes),
            "factor": self.factor.as_dict() if self.factor else None,
        }


@dataclass(frozen=True, slots=True)
class AvoidedResult:
    """Avoided CO2e of a set of take-back outcomes, with the method behind it."""

    factor_set: str
    allocation: str
    allocation_share: float
    products: float
    avoided_kg_co2e: float
    avoided_kg_co2e_min: float
    avoided_kg_co2e_max: float
    by_category: dict[str, AvoidedLine]
    by_outcome: dict[str, AvoidedLine]
    missing: dict[str, float]
    categories_without_range: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def avoided_t_co2e(self) -> float:
        return self.avoided_kg_co2e / 1000.0

    @property
    def total(self) -> Figure:
        """The avoided kg CO2e with its range and the sources of every factor it used."""
        ids: dict[str, None] = {}
        for line in self.by_category.values():
            ids.update(dict.fromkeys(line.factor.source_ids if line.factor else ()))
        return Figure(
            self.avoided_kg_co2e, "kg CO2e", self.avoided_kg_co2e_min, self.avoided_kg_co2e_max,
            source_ids=tuple(ids),
        )  # fmt: skip

    def as_dict(self) -> dict[str, object]:
        return {
            "factor_set": self.factor_set,
            "allocation": self.allocation,
            "allocation_share": self.allocation_share,
            "products": self.products,
            "avoided_kg_co2e": self.avoided_kg_co2e,
            "avoided_kg_co2e_min": self.avoided_kg_co2e_min,
            "avoided_kg_co2e_max": self.avoided_kg_co2e_max,
            "avoided_t_co2e": self.avoided_t_co2e,
            "by_category": {k: v.as_dict() for k, v in self.by_category.items()},
            "by_outcome": {k: v.as_dict() for k, v in self.by_outcome.items()},
            "missing": dict(self.missing),
            "categories_without_range": list(self.categories_without_range),
            "notes": list(self.notes),
        }


def avoided_emissions(
    items: Iterable[TakebackItem | tuple[str, float, str]],
    factor_set: str = DEFAULT_AVOIDED_SET,
    allocation: str = "full",
    recycling_credit_kg_co2e_per_unit: Mapping[str, float] | None = None,
) -> AvoidedResult:
    """Avoided kg CO2e (typical, min, max) for take-back outcomes.

    ``items``: (category, quantity, outcome) triples or :class:`TakebackItem`.
    ``allocation``: ``full`` or ``shared`` (50/50 with the second user).
    ``recycling_credit_kg_co2e_per_unit``: per category, a sourced credit for recycled units
    (default none, see :data:`RECYCLING_NOTE`); allocation does not apply to it.
    """
    fs = get_avoided_set(factor_set)
    if allocation not in ALLOCATIONS:
        raise ValueError(f"unknown allocation {allocation!r}; expected full or shared")
    share = ALLOCATIONS[allocation]
    by_category: dict[str, AvoidedLine] = {}
    by_outcome: dict[str, AvoidedLine] = {}
    missing: dict[str, float] = {}
    products = 0.0
    total = [0.0, 0.0, 0.0]
    recycling = dict(recycling_credit_kg_co2e_per_unit or {})
    for item in items:
        if not isinstance(item, TakebackItem):
            item = TakebackItem(*item)
        code = check_category(item.category)
        outcome = check_outcome(item.outcome)
        qty = float(item.quantity)
        if qty < 0:
            raise ValueError(f"negative quantity {qty} for {code}")
        products += qty
        line = by_category.setdefault(code, AvoidedLine(factor=fs.factors.get(code)))
        out_line = by_outcome.setdefault(outcome, AvoidedLine())
        for target in (line, out_line):
            target.products += qty
            target.outcomes[outcome] = target.outcomes.get(outcome, 0.0) + qty
        per_unit = (0.0, 0.0, 0.0)
        if outcome in REUSE_OUTCOMES:
            factor = fs.factors.get(code)
            if factor is None:
                missing[code] = missing.get(code, 0.0) + qty
                for target in (line, out_line):
                    target.uncredited_units += qty
                continue
            per_unit = (
                factor.avoided_kg_co2e_per_unit * share,
                factor.avoided_kg_co2e_per_unit_min * share,
                factor.avoided_kg_co2e_per_unit_max * share,
            )
        elif outcome == "recycled" and code in recycling:
            credit = float(recycling[code])
            per_unit = (credit, credit, credit)
        else:
            for target in (line, out_line):
                target.uncredited_units += qty
            continue
        for target in (line, out_line):
            target.credited_units += qty
            target.avoided_kg_co2e += qty * per_unit[0]
            target.avoided_kg_co2e_min += qty * per_unit[1]
            target.avoided_kg_co2e_max += qty * per_unit[2]
        total[0] += qty * per_unit[0]
        total[1] += qty * per_unit[1]
        total[2] += qty * per_unit[2]
    without_range = tuple(
        code
        for code, line in by_category.items()
        if line.factor is not None and not line.factor.has_range and line.credited_units
    )
    notes = [f"allocation {allocation}: {share:g} of each reused unit's factor is credited"]
    if any("recycled" in line.outcomes for line in by_category.values()) and not recycling:
        notes.append(RECYCLING_NOTE)
    if missing:
        notes.append(
            f"{factor_set} has no figure for: "
            + ", ".join(
                f"{code} ({qty:g} reused units not credited)" for code, qty in missing.items()
            )
        )
    if without_range:
        notes.append(
            "no range in the source for: " + ", ".join(without_range) + " (min = max = typical)"
        )
    return AvoidedResult(
        factor_set=factor_set,
        allocation=allocation,
        allocation_share=share,
        products=products,
        avoided_kg_co2e=total[0],
        avoided_kg_co2e_min=total[1],
        avoided_kg_co2e_max=total[2],
        by_category=by_category,
        by_outcome=by_outcome,
        missing=missing,
        categories_without_range=without_range,
        notes=tuple(notes),
    )
