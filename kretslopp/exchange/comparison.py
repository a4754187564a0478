"""The organisation among its peers, per KPI and year: ranks and comparability warnings.

Only exchanged figures are compared: our *published* values and the values peers sent.
Two values of a year are comparable as they stand only when they rest on the same KPI
version, method and factor set; wherever they differ the year carries a warning naming
who differs, and the ranks stay shown but flagged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kretslopp.exchange.models import CatalogueKpi, PeerValue, Publication, Publisher


@dataclass(frozen=True)
class Cell:
    """One municipality's value of one year, with what it rests on."""

    municipality: str
    name: str
    own: bool
    value: float | None
    basis: tuple[int, str, str]  # (KPI version, method, factor set)
    data_quality: str
    source: str
    is_demo: bool = False


@dataclass
class Year:
    period: int
    cells: list[Cell]
    ranks: dict[str, int] = field(default_factory=dict)
    differing: list[str] = field(default_factory=list)  # names whose basis differs

    @property
    def comparable(self) -> bool:
        return not self.differing

    @property
    def own_rank(self) -> int | None:
        return next((self.ranks.get(c.municipality) for c in self.cells if c.own), None)


@dataclass
class KpiComparison:
    kpi: CatalogueKpi
    years: list[Year]
    municipalities: list[tuple[str, str, bool]]  # (code, name, own)

    def cell(self, year: Year, code: str) -> Cell | None:
        return next((c for c in year.cells if c.municipality == code), None)

    def rows(self) -> list[dict[str, Any]]:
        """One row per municipality: its cells per year, with rank (for the table)."""
        out = []
        for code, name, own in self.municipalities:
            cells = []
            for year in self.years:
                cell = self.cell(year, code)
                cells.append(
                    {
                        "cell": cell,
                        "rank": year.ranks.get(code),
                        "of": len(year.ranks),
                        "comparable": year.comparable,
                    }
                )
            out.append({"code": code, "name": name, "own": own, "cells": cells})
        return out


def compare() -> list[KpiComparison]:
    """Every catalogue KPI with at least one exchanged value, in catalogue order."""
    publisher = Publisher.current()
    own_code = publisher.municipality_code if publisher else ""
    own_name = publisher.name if publisher else ""
    cells: dict[str, dict[int, list[Cell]]] = {}
    for p in Publication.objects.all():
        cells.setdefault(p.kpi_id, {}).setdefault(p.period, []).append(
            Cell(
                own_code,
                own_name,
                True,
                p.value,
                (p.kpi_version, p.method, p.factor_set),
                p.data_quality,
                "",
            )  # fmt: skip
        )
    for v in PeerValue.objects.select_related("peer"):
        cells.setdefault(v.kpi_id, {}).setdefault(v.period, []).append(
            Cell(
                v.peer.municipality_code,
                v.peer.name,
                False,
                v.value,
                (v.kpi_version, v.method, v.factor_set),
                v.data_quality,
                v.peer.source,
                v.peer.is_demo,
            )  # fmt: skip
        )
    out = []
    for kpi in CatalogueKpi.objects.all():
        if kpi.kpi not in cells:
            continue
        years = [_year(kpi, period, found) for period, found in sorted(cells[kpi.kpi].items())]
        names: dict[str, tuple[str, bool]] = {}
        for year in years:
            for cell in year.cells:
                names.setdefault(cell.municipality, (cell.name, cell.own))
        municipalities = sorted(
            ((code, name, own) for code, (name, own) in names.items()),
            key=lambda m: (not m[2], m[0]),
        )
        out.append(KpiComparison(kpi, years, municipalities))
    return out


def _year(kpi: CatalogueKpi, period: int, cells: list[Cell]) -> Year:
    """Ranks (1 = best, by the KPI's direction; ties share a rank) and the warning."""
    year = Year(period, sorted(cells, key=lambda c: (not c.own, c.municipality)))
    valued = [c for c in cells if c.value is not None]
    ordered = sorted(valued, key=lambda c: c.value if kpi.lower_is_better else -c.value)
    for position, cell in enumerate(ordered):
        tied = position > 0 and ordered[position - 1].value == cell.value
        year.ranks[cell.municipality] = (
            year.ranks[ordered[position - 1].municipality] if tied else position + 1
        )
    own = next((c for c in valued if c.own), None)
    reference = own.basis if own else _most_common([c.basis for c in valued])
    year.differing = sorted(c.name for c in valued if c.basis != reference)
    return year


def _most_common(bases: list[tuple]) -> tuple | None:
    if not bases:
        return None
    return max(set(bases), key=lambda b: (bases.count(b), b))


def chart_spec(comparison: KpiComparison, labels: dict[str, str]) -> dict[str, Any]:
    """A line per municipality over the years (the energy app's Vega-Lite conventions)."""
    from kretslopp.energy.charts import DASHES, NUMBER, _base, _finite, _tip

    rows = [
        {"year": str(year.period), "municipality": cell.name, "value": cell.value}
        for year in comparison.years
        for cell in year.cells
        if cell.value is not None
    ]
    names = [name for _code, name, _own in comparison.municipalities]
    spec = _base(labels["title"], labels.get("description", ""))
    spec["data"] = {"values": rows}
    spec["mark"] = {"type": "line", "point": True, "strokeWidth": 2}
    spec["encoding"] = {
        "x": {"field": "year", "type": "ordinal", "title": labels["year"]},
        "y": {
            "field": "value",
            "type": "quantitative",
            "title": labels["value"],
            "axis": {"format": NUMBER},
        },
        "color": {
            "field": "municipality",
            "type": "nominal",
            "title": None,
            "scale": {"domain": names},
        },  # fmt: skip
        "strokeDash": {
            "field": "municipality",
            "type": "nominal",
            "title": None,
            "scale": {
                "domain": names,
                "range": [DASHES[i % len(DASHES)] for i in range(len(names))],
            },
        },
        "tooltip": [
            _tip("municipality", labels["municipality"], "nominal"),
            _tip("year", labels["year"], "ordinal"),
            _tip("value", labels["value"], fmt=",.2~f"),
        ],
    }
    years = [str(year.period) for year in comparison.years]
    by_cell = {(r["year"], r["municipality"]): r["value"] for r in rows}
    spec["usermeta"] = {
        "table": {
            "key": labels["year"],
            "unit": labels["value"],
            "columns": names,
            "rows": [[year, *[by_cell.get((year, name)) for name in names]] for year in years],
        }
    }
    return _finite(spec)
