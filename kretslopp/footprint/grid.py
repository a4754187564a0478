"""Grid carbon intensity: which g CO2e/kWh the use phase is multiplied by, per year.

The choice is a setting with its source shown, because Swedish organisations report with
different factors: the location-based Swedish series (OWID/Ember, 35.8 g/kWh in 2024), the
Nordic mix used in Swedish reporting (IVL, about 59 g/kWh), or a European average. Named
choices live in ``data/grids.csv``; any OWID entity is also available as ``owid:<ISO3 code or
entity name>``. Years outside a series use the nearest year, and the result says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from .sources import read_csv, source
from .texts import Localised

if TYPE_CHECKING:  # numpy is imported where an array is made (see factors.py)
    import numpy as np

OWID_FILE = "owid-carbon-intensity-electricity.csv"
BOAVIZTA_MIX_FILE = "boavizta-electrical-mix.csv"
GRIDS_FILE = "grids.csv"
DEFAULT_GRID = "owid-swe"


@dataclass(frozen=True, slots=True)
class GridFactor(Localised):
    """The grid factor used for one year, and how it was found (``text("note", "sv")``)."""

    grid_id: str
    year: int
    g_co2e_per_kwh: float
    data_year: int | None
    source_id: str
    note: str
    note_sv: str = ""

    @property
    def kg_co2e_per_kwh(self) -> float:
        return self.g_co2e_per_kwh / 1000.0

    def as_dict(self) -> dict[str, object]:
        return {
            "grid": self.grid_id,
            "year": self.year,
            "g_co2e_per_kwh": self.g_co2e_per_kwh,
            "data_year": self.data_year,
            "source_id": self.source_id,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Grid(Localised):
    """A grid choice: a per-year series or one constant figure.

    ``label`` and ``note`` are English; ``text("label", "sv")`` gives the Swedish twin.
    """

    grid_id: str
    label: str
    source_id: str
    note: str
    series: dict[int, float]
    constant_g_co2e_per_kwh: float | None
    label_sv: str = ""
    note_sv: str = ""

    def factor(self, year: int) -> GridFactor:
        """g CO2e/kWh for ``year``; outside the series, the nearest year (and a note)."""
        if self.constant_g_co2e_per_kwh is not None:
            return GridFactor(
                self.grid_id,
                year,
                self.constant_g_co2e_per_kwh,
                None,
                self.source_id,
                "one figure for every year",
                "samma värde för alla år",
            )
        years = sorted(self.series)
        if year in self.series:
            return GridFactor(self.grid_id, year, self.series[year], year, self.source_id, "", "")
        nearest = min(years, key=lambda y: (abs(y - year), -y))
        return GridFactor(
            self.grid_id,
            year,
            self.series[nearest],
            nearest,
            self.source_id,
            f"no figure for {year}; nearest year {nearest} used",
            f"inget värde för {year}; närmaste år, {nearest}, används",
        )

    def factors(self, years: list[int] | range) -> np.ndarray:
        """g CO2e/kWh for each year, as a float64 array."""
        import numpy as np

        return np.array([self.factor(y).g_co2e_per_kwh for y in years], dtype=np.float64)

    def describe(self) -> dict[str, object]:
        described: dict[str, object] = {
            "id": self.grid_id,
            "kind": "grid",
            "description": self.label,
            "note": self.note,
            "sources": [source(self.source_id).as_dict()],
        }
        if self.series:
            described["years"] = [min(self.series), max(self.series)]
        else:
            described["g_co2e_per_kwh"] = self.constant_g_co2e_per_kwh
        return described


class UnknownGridError(KeyError):
    """A grid id that is neither a named choice nor an OWID entity."""

    def __init__(self, grid_id: str) -> None:
        super().__init__(
            f"unknown grid {grid_id!r}; known: {', '.join(grid_ids())} or owid:<ISO3 code>"
        )

    def __str__(self) -> str:
        return str(self.args[0])


@cache
def _owid() -> tuple[dict[str, dict[int, float]], dict[str, str]]:
    """OWID series by entity name, and ISO3 code -> entity name."""
    series: dict[str, dict[int, float]] = {}
    codes: dict[str, str] = {}
    for row in read_csv(OWID_FILE):
        entity = row["Entity"]
        series.setdefault(entity, {})[int(row["Year"])] = float(
            row["Carbon intensity of electricity - gCO2/kWh"]
        )
        if row["Code"]:
            codes[row["Code"].upper()] = entity
    return series, codes


def boavizta_mix_kg_per_kwh(country_code: str) -> float:
    """Boavizta's 'Climate change' factor (Scarlat et al. 2022, 2019) for a column, kg/kWh."""
    for row in read_csv(BOAVIZTA_MIX_FILE):
        if row["english_name"] == "Climate change" and "sciencedirect" in row["source"]:
            return float(row[country_code])
    raise KeyError(country_code)


@cache
def _named() -> dict[str, Grid]:
    series, _ = _owid()
    grids: dict[str, Grid] = {}
    for row in read_csv(GRIDS_FILE):
        kind = row["kind"]
        if kind == "series":
            figures, constant = dict(series[row["entity"]]), None
        elif kind == "constant":
            figures, constant = {}, float(row["g_co2e_per_kwh"])
        elif kind == "boavizta-mix":
            figures, constant = {}, boavizta_mix_kg_per_kwh(row["entity"]) * 1000.0
        else:
            raise ValueError(f"grids.csv: unknown kind {kind!r}")
        grids[row["grid_id"]] = Grid(
            grid_id=row["grid_id"],
            label=row["label"],
            source_id=row["source_id"],
            note=row["note"],
            series=figures,
            constant_g_co2e_per_kwh=constant,
            label_sv=row["label_sv"],
            note_sv=row["note_sv"],
        )
    return grids


def grid_ids() -> list[str]:
    """Ids of the named grid choices, default first."""
    return list(_named())


@cache
def get_grid(grid_id: str = DEFAULT_GRID) -> Grid:
    """A named grid, or ``owid:<ISO3 or entity>`` for any series in the OWID file."""
    named = _named()
    if grid_id in named:
        return named[grid_id]
    if grid_id.lower().startswith("owid:"):
        key = grid_id[5:]
        series, codes = _owid()
        entity = codes.get(key.upper(), key)
        if entity in series:
            return Grid(
                grid_id,
                f"{entity}, location-based (OWID/Ember), per year",
                "owid-grid",
                "",
                dict(series[entity]),
                None,
                label_sv=f"{entity}, platsbaserad (OWID/Ember), per år",
            )
    raise UnknownGridError(grid_id)


def grid_factor(year: int, grid_id: str = DEFAULT_GRID) -> GridFactor:
    """g CO2e/kWh of ``grid_id`` in ``year`` (nearest year outside the data, with a note)."""
    return get_grid(grid_id).factor(year)
