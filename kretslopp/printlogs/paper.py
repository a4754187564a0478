"""Paper CO2e and trees from sheets, with the factors read from ``data/paper-factors.csv``.

The factors are data with a source (PaperCut's defaults, cited by id from the one sources
table, ``kretslopp/footprint/data/sources.csv``), so a report can name them and a
municipality can see what stands behind "x kg CO2e of paper". They cover paper production
only — not printer energy, toner or transport — and the result says so.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kretslopp.footprint.sources import Source, source

DATA_DIR = Path(__file__).resolve().parent / "data"
SCOPE = "paper production only (no printer energy, toner or transport)"


@dataclass(frozen=True, slots=True)
class PaperFactor:
    factor_id: str
    value: float
    unit: str
    source_id: str
    note: str


@cache
def paper_factors() -> dict[str, PaperFactor]:
    """The shipped factors by id."""
    with (DATA_DIR / "paper-factors.csv").open(encoding="utf-8", newline="") as handle:
        return {
            row["factor_id"]: PaperFactor(
                row["factor_id"], float(row["value"]), row["unit"], row["source_id"], row["note"]
            )
            for row in csv.DictReader(handle)
        }


def paper_sources() -> dict[str, Source]:
    """The sources the factors cite, by id, from the one sources table
    (``kretslopp/footprint/data/sources.csv``)."""
    cited = dict.fromkeys(factor.source_id for factor in paper_factors().values())
    return {source_id: source(source_id) for source_id in cited}


@dataclass(frozen=True, slots=True)
class PaperFootprint:
    """The paper behind a number of A4-equivalent sheets, and what it rests on."""

    a4_sheets: float
    kg_co2e: float
    trees: float
    kg_co2e_per_a4_sheet: float
    a4_sheets_per_tree: float
    source_ids: tuple[str, ...]
    scope: str = SCOPE


def paper_footprint(a4_sheets: float) -> PaperFootprint:
    """kg CO2e and trees for ``a4_sheets`` (A3 sheets already counted as two)."""
    if a4_sheets < 0:
        raise ValueError("a number of sheets cannot be negative")
    factors = paper_factors()
    per_sheet = factors["kg_co2e_per_a4_sheet"]
    per_tree = factors["a4_sheets_per_tree"]
    return PaperFootprint(
        a4_sheets=a4_sheets,
        kg_co2e=a4_sheets * per_sheet.value,
        trees=a4_sheets / per_tree.value,
        kg_co2e_per_a4_sheet=per_sheet.value,
        a4_sheets_per_tree=per_tree.value,
        source_ids=tuple(sorted({per_sheet.source_id, per_tree.source_id})),
    )
