"""Versioned category-default factor sets (embodied CO2e, energy, lifetime per category).

A factor set is data, not code: ``data/factor-sets.csv`` holds one row per (set, category),
derived reproducibly by :mod:`kretslopp.footprint.derive` from the shipped source files.
Each figure carries the basis it rests on and the ids of its sources, so a report can always
say what stands behind a number. Bases and descriptions are English, with a Swedish twin
(``text("embodied_basis", "sv")``, see :mod:`kretslopp.footprint.texts`); the descriptions
of all sets live in ``data/set-descriptions.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from .derive import FACTOR_SETS_FILE
from .figure import Figure
from .sources import read_csv, source
from .taxonomy import CATEGORY_CODES, CATEGORY_INDEX, check_category
from .texts import Localised

if TYPE_CHECKING:  # numpy is imported where the arrays are made: listing the factor sets
    import numpy as np  # (the web's choices, every command's start) does not need it

DEFAULT_FACTOR_SET = "pcf-median-2023"
SET_DESCRIPTIONS_FILE = "set-descriptions.csv"


@cache
def set_descriptions() -> dict[str, tuple[str, str]]:
    """Every factor set's description (footprint and avoided sets): (English, Swedish)."""
    return {
        row["set_id"]: (row["description"], row["description_sv"])
        for row in read_csv(SET_DESCRIPTIONS_FILE)
    }


@dataclass(frozen=True, slots=True)
class CategoryFactors(Localised):
    """Default figures for one category in one factor set.

    ``kwh_per_year`` is 0 with ``energy_estimated`` False where no source gives a figure: the
    engine reports such categories instead of pretending their energy is known. The
    ``*_basis`` texts are English; their Swedish twins are the ``*_basis_sv`` fields.
    """

    factor_set: str
    category: str
    embodied_kg_co2e: float
    embodied_kg_co2e_min: float
    embodied_kg_co2e_max: float
    embodied_basis: str
    embodied_source_ids: tuple[str, ...]
    kwh_per_year: float
    kwh_per_year_min: float
    kwh_per_year_max: float
    energy_basis: str
    energy_source_ids: tuple[str, ...]
    lifetime_years: float
    lifetime_basis: str
    lifetime_source_ids: tuple[str, ...]
    embodied_basis_sv: str = ""
    energy_basis_sv: str = ""
    lifetime_basis_sv: str = ""

    @property
    def energy_estimated(self) -> bool:
        return not self.energy_basis.startswith("none")

    @property
    def embodied(self) -> Figure:
        """The category's embodied default as one figure (range, sources, basis)."""
        return Figure(
            self.embodied_kg_co2e, "kg CO2e", self.embodied_kg_co2e_min,
            self.embodied_kg_co2e_max, "category", self.embodied_source_ids,
            self.embodied_basis, self.embodied_basis_sv,
        )  # fmt: skip

    @property
    def energy(self) -> Figure:
        """The category's yearly energy default as one figure (range, sources, basis)."""
        return Figure(
            self.kwh_per_year, "kWh/year", self.kwh_per_year_min, self.kwh_per_year_max,
            "category", self.energy_source_ids, self.energy_basis, self.energy_basis_sv,
        )  # fmt: skip

    @property
    def lifetime(self) -> Figure:
        """The category's expected lifetime as one figure (no range: sources give one)."""
        return Figure(
            self.lifetime_years, "years", data_quality="category",
            source_ids=self.lifetime_source_ids, basis=self.lifetime_basis,
            basis_sv=self.lifetime_basis_sv,
        )  # fmt: skip

    def as_dict(self) -> dict[str, object]:
        return {
            "factor_set": self.factor_set,
            "category": self.category,
            "embodied_kg_co2e": self.embodied_kg_co2e,
            "embodied_kg_co2e_min": self.embodied_kg_co2e_min,
            "embodied_kg_co2e_max": self.embodied_kg_co2e_max,
            "embodied_basis": self.embodied_basis,
            "embodied_source_ids": list(self.embodied_source_ids),
            "kwh_per_year": self.kwh_per_year,
            "kwh_per_year_min": self.kwh_per_year_min,
            "kwh_per_year_max": self.kwh_per_year_max,
            "energy_basis": self.energy_basis,
            "energy_source_ids": list(self.energy_source_ids),
            "energy_estimated": self.energy_estimated,
            "lifetime_years": self.lifetime_years,
            "lifetime_basis": self.lifetime_basis,
            "lifetime_source_ids": list(self.lifetime_source_ids),
        }


@dataclass(frozen=True, slots=True)
class FactorSet(Localised):
    """A named, versioned set of category defaults, with arrays for the vectorised engine."""

    factor_set_id: str
    description: str
    categories: dict[str, CategoryFactors]
    description_sv: str = ""

    def __getitem__(self, category: str) -> CategoryFactors:
        return self.categories[check_category(category)]

    def array(self, field: str) -> np.ndarray:
        """``field`` for every category code, in :data:`CATEGORY_CODES` order (float64)."""
        return _arrays(self.factor_set_id)[field]

    @property
    def source_ids(self) -> tuple[str, ...]:
        ids: list[str] = []
        for factors in self.categories.values():
            for sid in (
                factors.embodied_source_ids
                + factors.energy_source_ids
                + factors.lifetime_source_ids
            ):
                if sid not in ids:
                    ids.append(sid)
        return tuple(ids)

    def describe(self) -> dict[str, object]:
        return {
            "id": self.factor_set_id,
            "kind": "footprint",
            "description": self.description,
            "sources": [source(sid).as_dict() for sid in self.source_ids],
        }


class UnknownFactorSetError(KeyError):
    """A factor-set id that is not shipped."""

    def __init__(self, factor_set_id: str, known: list[str]) -> None:
        super().__init__(f"unknown factor set {factor_set_id!r}; known: {', '.join(known)}")
        self.factor_set_id = factor_set_id

    def __str__(self) -> str:
        return str(self.args[0])


def _ids(text: str) -> tuple[str, ...]:
    return tuple(text.split())


@cache
def _all_sets() -> dict[str, FactorSet]:
    grouped: dict[str, dict[str, CategoryFactors]] = {}
    for row in read_csv(FACTOR_SETS_FILE):
        factors = CategoryFactors(
            factor_set=row["factor_set"],
            category=row["category"],
            embodied_kg_co2e=float(row["embodied_kg_co2e"]),
            embodied_kg_co2e_min=float(row["embodied_kg_co2e_min"]),
            embodied_kg_co2e_max=float(row["embodied_kg_co2e_max"]),
            embodied_basis=row["embodied_basis"],
            embodied_source_ids=_ids(row["embodied_source_ids"]),
            kwh_per_year=float(row["kwh_per_year"]),
            kwh_per_year_min=float(row["kwh_per_year_min"]),
            kwh_per_year_max=float(row["kwh_per_year_max"]),
            energy_basis=row["energy_basis"],
            energy_source_ids=_ids(row["energy_source_ids"]),
            lifetime_years=float(row["lifetime_years"]),
            lifetime_basis=row["lifetime_basis"],
            lifetime_source_ids=_ids(row["lifetime_source_ids"]),
            embodied_basis_sv=row["embodied_basis_sv"],
            energy_basis_sv=row["energy_basis_sv"],
            lifetime_basis_sv=row["lifetime_basis_sv"],
        )
        grouped.setdefault(factors.factor_set, {})[factors.category] = factors
    result: dict[str, FactorSet] = {}
    for set_id, categories in grouped.items():
        missing = [code for code in CATEGORY_CODES if code not in categories]
        if missing:
            raise ValueError(f"factor set {set_id!r} lacks categories: {', '.join(missing)}")
        description, description_sv = set_descriptions().get(set_id, ("", ""))
        result[set_id] = FactorSet(set_id, description, categories, description_sv)
    return result


@cache
def _arrays(factor_set_id: str) -> dict[str, np.ndarray]:
    import numpy as np

    factor_set = _all_sets()[factor_set_id]
    fields = (
        "embodied_kg_co2e",
        "embodied_kg_co2e_min",
        "embodied_kg_co2e_max",
        "kwh_per_year",
        "kwh_per_year_min",
        "kwh_per_year_max",
        "lifetime_years",
    )
    arrays = {}
    for field in fields:
        values = np.empty(len(CATEGORY_CODES), dtype=np.float64)
        for code, i in CATEGORY_INDEX.items():
            values[i] = getattr(factor_set.categories[code], field)
        values.setflags(write=False)
        arrays[field] = values
    return arrays


def factor_set_ids() -> list[str]:
    """Ids of the shipped footprint factor sets, default first."""
    ids = sorted(_all_sets())
    ids.remove(DEFAULT_FACTOR_SET)
    return [DEFAULT_FACTOR_SET, *ids]


def get_factor_set(factor_set_id: str = DEFAULT_FACTOR_SET) -> FactorSet:
    """The factor set with this id; :class:`UnknownFactorSetError` lists the known ids."""
    try:
        return _all_sets()[factor_set_id]
    except KeyError:
        raise UnknownFactorSetError(factor_set_id, factor_set_ids()) from None


def category_factors(category: str, factor_set_id: str = DEFAULT_FACTOR_SET) -> CategoryFactors:
    """Default figures for ``category`` in ``factor_set_id``."""
    return get_factor_set(factor_set_id)[category]
