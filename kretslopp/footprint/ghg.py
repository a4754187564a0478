"""Greenhouse-gas reporting categories of each kind of figure, and the inventory view.

A CO2e figure is only comparable with a municipality's climate report when it says where
it belongs: the GHG Protocol scope and category, and the ISO 14064-1 category beside it.
Kretslopp states four kinds of CO2e figure, each with exactly one label here, so that every
page, export and report names the same category for the same figure (docs/methodology.md,
"Greenhouse-gas categories"):

- electricity used by IT: GHG Protocol scope 2; ISO 14064-1 category 2 (indirect emissions
  from imported energy);
- purchased hardware (embodied emissions): scope 3 category 2, capital goods, counted in
  full in the year of purchase in the *inventory view*; ISO 14064-1 category 4 (4.1);
- end-of-life of the organisation's own equipment: scope 3 category 5, waste generated in
  operations; ISO 14064-1 category 4 (4.2) — not estimated yet, and every list of the
  categories says so (``estimated``, ``note``);
- avoided emissions from reuse: a separate line, outside the inventory, never subtracted.

The *annualised view* spreads embodied emissions over each device's lifetime (what the
footprint pages have always shown, good for comparing years of a stable fleet); the
*inventory view* counts them in the year of purchase, as the GHG Protocol asks for capital
goods. :func:`purchases_by_year` gives the latter from the same per-asset figures.

Plain Python, no Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .figure import Figure
from .texts import Localised


@dataclass(frozen=True, slots=True)
class GhgCategory(Localised):
    """Where one kind of CO2e figure belongs in a greenhouse-gas report.

    ``scope`` is the GHG Protocol scope (None for a line outside the inventory),
    ``category`` its scope 3 category number (None for scope 2), ``iso_category`` the
    ISO 14064-1 category ("2", "4.1", …); ``in_inventory`` False means the figure is
    reported beside the inventory and never added to or subtracted from it. ``estimated``
    False marks a category that belongs in the inventory but that Kretslopp computes no
    figure for yet; ``note`` says so to the reader, so a missing figure is never read as
    zero.
    """

    code: str
    scope: int | None
    category: int | None
    iso_category: str
    in_inventory: bool
    label: str
    label_sv: str
    short: str
    short_sv: str
    estimated: bool = True
    note: str = ""
    note_sv: str = ""


#: Source of the categories (footprint/data/sources.csv).
SOURCE_IDS: tuple[str, ...] = ("ghg-protocol-scope3", "iso-14064-1")

ELECTRICITY = GhgCategory(
    "electricity",
    2,
    None,
    "2",
    True,
    "GHG Protocol scope 2 (purchased electricity); ISO 14064-1 category 2 "
    "(indirect emissions from imported energy)",
    "GHG-protokollet scope 2 (köpt el); ISO 14064-1 kategori 2 "
    "(indirekta utsläpp från importerad energi)",
    "Scope 2 · ISO 2",
    "Scope 2 · ISO 2",
)
CAPITAL_GOODS = GhgCategory(
    "capital_goods",
    3,
    2,
    "4.1",
    True,
    "GHG Protocol scope 3 category 2 (capital goods); ISO 14064-1 category 4 "
    "(products used by the organisation)",
    "GHG-protokollet scope 3 kategori 2 (kapitalvaror); ISO 14064-1 kategori 4 "
    "(produkter som organisationen använder)",
    "Scope 3.2 · ISO 4.1",
    "Scope 3.2 · ISO 4.1",
)
WASTE = GhgCategory(
    "waste",
    3,
    5,
    "4.2",
    True,
    "GHG Protocol scope 3 category 5 (waste generated in operations); ISO 14064-1 "
    "category 4 (products used by the organisation)",
    "GHG-protokollet scope 3 kategori 5 (avfall från verksamheten); ISO 14064-1 "
    "kategori 4 (produkter som organisationen använder)",
    "Scope 3.5 · ISO 4.2",
    "Scope 3.5 · ISO 4.2",
    estimated=False,
    note="Not estimated yet: the emissions of treating the organisation's discarded IT "
    "equipment are left out of the inventory, not counted as zero.",
    note_sv="Uppskattas inte ännu: utsläppen från omhändertagandet av organisationens "
    "kasserade IT-utrustning ingår inte i inventeringen och räknas inte som noll.",
)
AVOIDED = GhgCategory(
    "avoided",
    None,
    None,
    "",
    False,
    "Avoided emissions: reported separately, not part of the inventory and never "
    "subtracted from it",
    "Undvikna utsläpp: redovisas separat, ingår inte i inventeringen och dras aldrig av",
    "Undvikna, utanför inventeringen",
    "Undvikna, utanför inventeringen",
)

CATEGORIES: dict[str, GhgCategory] = {
    c.code: c for c in (ELECTRICITY, CAPITAL_GOODS, WASTE, AVOIDED)
}

#: Which category each kind of figure the engine and the apps produce belongs to.
FIGURE_KINDS: dict[str, str] = {
    "use": "electricity",
    "energy": "electricity",
    "electricity": "electricity",
    "embodied": "capital_goods",
    "purchases": "capital_goods",
    "end_of_life": "waste",
    "waste": "waste",
    "avoided": "avoided",
}

#: The two ways of dating embodied emissions (both named wherever yearly CO2e is shown).
ANNUALISED = "annualised"
INVENTORY = "inventory"


def category_for(kind: str) -> GhgCategory:
    """The category of a kind of figure (``"use"``, ``"embodied"``, ``"avoided"`` …)."""
    try:
        return CATEGORIES[FIGURE_KINDS.get(kind, kind)]
    except KeyError:
        raise KeyError(
            f"no greenhouse-gas category for {kind!r}; expected one of: "
            f"{', '.join(sorted(FIGURE_KINDS))}"
        ) from None


def _year(value: dt.date | None) -> int:
    return value.year if value is not None else -1


def purchases_by_year(
    purchased: Sequence[dt.date | None],
    embodied_kg_co2e: Sequence[float] | np.ndarray,
    embodied_kg_co2e_min: Sequence[float] | np.ndarray,
    embodied_kg_co2e_max: Sequence[float] | np.ndarray,
    years: Sequence[int],
) -> dict[int, Figure]:
    """Embodied kg CO2e of the devices purchased in each year (the inventory view).

    Scope 3 category 2 counts a capital good's cradle-to-gate emissions in full in the year
    it is acquired (GHG Protocol Scope 3 Standard, ch. 5, category 2). A device without a
    purchase date in ``years`` contributes to none of them.
    """
    year_index = {year: i for i, year in enumerate(years)}
    positions = np.fromiter(
        (year_index.get(_year(d), -1) for d in purchased), dtype=np.int64, count=len(purchased)
    )
    inside = positions >= 0
    sums = []
    for values in (embodied_kg_co2e, embodied_kg_co2e_min, embodied_kg_co2e_max):
        array = np.asarray(values, dtype=np.float64)
        sums.append(np.bincount(positions[inside], weights=array[inside], minlength=len(years)))
    return {
        year: Figure(
            float(sums[0][i]),
            "kg CO2e",
            float(sums[1][i]),
            float(sums[2][i]),
            basis="Embodied emissions of the devices purchased in the year, counted in full "
            "(inventory view, GHG Protocol scope 3 category 2).",
            basis_sv="Tillverkningsutsläpp för enheter köpta under året, räknade i sin helhet "
            "(inventeringsvy, GHG-protokollet scope 3 kategori 2).",
        )
        for year, i in year_index.items()
    }
