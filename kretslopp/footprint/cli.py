"""``kretslopp footprint``: the footprint engine from the command line, without Django.

    kretslopp footprint fleet assets.csv --year 2024 [--factor-set ID] [--grid ID]
    kretslopp footprint takeback returns.xlsx [--factor-set ID] [--allocation shared]
    kretslopp footprint factor-sets

Files are read with :mod:`kretslopp.tabular` (CSV in any common encoding and delimiter, or
XLSX). A problem in a file is reported with file, row and column, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from kretslopp.tabular import (
    Row,
    Table,
    TabularError,
    normalise_header,
    open_table,
    parse_date,
    parse_decimal,
)

from .avoided import (
    ALLOCATIONS,
    DEFAULT_AVOIDED_SET,
    OUTCOMES,
    UnknownAvoidedSetError,
    avoided_emissions,
    avoided_set_ids,
    get_avoided_set,
)
from .engine import AssetFigures, fleet_footprint, mid_year, resolve_figures
from .factors import DEFAULT_FACTOR_SET, UnknownFactorSetError, factor_set_ids, get_factor_set
from .grid import DEFAULT_GRID, UnknownGridError, get_grid, grid_ids
from .taxonomy import CATEGORY_CODES, CATEGORY_INDEX

FORMATS = ("json", "csv", "table")


class UsageError(Exception):
    """A bad option (exit status 2), as opposed to a bad file (exit status 1)."""


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class Columns:
    """Positions of the columns a command reads (None = column absent)."""

    positions: dict[str, int | None]

    def __getitem__(self, name: str) -> int | None:
        return self.positions[name]


def _find_columns(table: Table, required: Sequence[str], optional: Sequence[str]) -> Columns:
    """Locate columns by normalised header ('In use date' = 'in_use_date'); first one wins."""
    found: dict[str, int] = {}
    for position, header in enumerate(table.headers):
        key = normalise_header(header).replace(" ", "_")
        found.setdefault(key, position)
    positions: dict[str, int | None] = {}
    for name in required:
        if name not in found:
            raise TabularError(
                f"missing required column {name!r}; the columns are: "
                + ", ".join(repr(h) for h in table.headers),
                file=table.file_name,
                row=1,
                column=name,
            )
        positions[name] = found[name]
    for name in optional:
        positions[name] = found.get(name)
    return Columns(positions)


def _cell(row: Row, position: int | None) -> str:
    if position is None or position >= len(row.values):
        return ""
    return row.values[position].strip()


def _error(table: Table, row: Row, position: int | None, message: str) -> TabularError:
    column = table.headers[position] if position is not None else None
    return TabularError(message, file=table.file_name, row=row.number, column=column)


def _category(table: Table, row: Row, position: int | None) -> str:
    text = _cell(row, position)
    code = text.lower()
    if code not in CATEGORY_INDEX:
        shown = repr(text) if text else "empty"
        raise _error(
            table,
            row,
            position,
            f"unknown category {shown}; expected one of: {', '.join(CATEGORY_CODES)}",
        )
    return code


def _quantity(table: Table, row: Row, position: int | None) -> int:
    if position is None or not _cell(row, position):
        return 1
    value = table.parse(row, position, parse_decimal)
    if value is None or value < 0 or value != value.to_integral_value():
        raise _error(
            table, row, position, f"bad quantity {_cell(row, position)!r}: give a whole number >= 0"
        )
    return int(value)


def _in_use(table: Table, row: Row, position: int | None) -> dt.date:
    text = _cell(row, position)
    if not text:
        raise _error(table, row, position, "in-use date is empty: give an ISO date or a year")
    if text.isdigit() and len(text) == 4:
        return mid_year(int(text))
    value = table.parse(row, position, parse_date)
    assert value is not None
    return value


def _optional_number(table: Table, row: Row, position: int | None) -> float | None:
    if position is None or not _cell(row, position):
        return None
    value: Decimal | None = table.parse(row, position, parse_decimal)
    if value is None:
        return None
    if value < 0:
        raise _error(table, row, position, f"negative figure {_cell(row, position)!r}")
    return float(value)


# --------------------------------------------------------------------------- output


def _round(value: float, digits: int = 3) -> float:
    return round(float(value), digits)


def _write(
    out: TextIO,
    fmt: str,
    payload: dict[str, object],
    table_rows: list[dict[str, object]],
    columns: Sequence[str],
    header_lines: Sequence[str] = (),
) -> None:
    if fmt == "json":
        json.dump(payload, out, indent=2, ensure_ascii=False, default=str)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(table_rows)
    else:
        for line in header_lines:
            out.write(line + "\n")
        cells = [[str(row.get(c, "")) for c in columns] for row in table_rows]
        widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
        out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)) + "\n")
        out.write("  ".join("-" * w for w in widths) + "\n")
        for r in cells:
            out.write(
                "  ".join(
                    v.rjust(w) if i else v.ljust(w)
                    for i, (v, w) in enumerate(zip(r, widths, strict=True))
                )
                + "\n"
            )


# --------------------------------------------------------------------------- fleet

_FLEET_FIELDS = (
    "assets",
    "embodied_kg_co2e_per_year",
    "embodied_kg_co2e_per_year_min",
    "embodied_kg_co2e_per_year_max",
    "use_kwh_per_year",
    "use_kwh_per_year_min",
    "use_kwh_per_year_max",
    "use_kg_co2e_per_year",
    "use_kg_co2e_per_year_min",
    "use_kg_co2e_per_year_max",
    "total_kg_co2e_per_year",
)


def _fleet_figures(agg: object) -> dict[str, object]:
    a = agg  # Aggregate
    return {
        "assets": _round(a.assets_in_service, 6),  # type: ignore[attr-defined]
        "embodied_kg_co2e_per_year": _round(a.embodied_kg_co2e),  # type: ignore[attr-defined]
        "embodied_kg_co2e_per_year_min": _round(a.embodied_kg_co2e_min),  # type: ignore[attr-defined]
        "embodied_kg_co2e_per_year_max": _round(a.embodied_kg_co2e_max),  # type: ignore[attr-defined]
        "use_kwh_per_year": _round(a.use_kwh),  # type: ignore[attr-defined]
        "use_kwh_per_year_min": _round(a.use_kwh_min),  # type: ignore[attr-defined]
        "use_kwh_per_year_max": _round(a.use_kwh_max),  # type: ignore[attr-defined]
        "use_kg_co2e_per_year": _round(a.use_kg_co2e),  # type: ignore[attr-defined]
        "use_kg_co2e_per_year_min": _round(a.use_kg_co2e_min),  # type: ignore[attr-defined]
        "use_kg_co2e_per_year_max": _round(a.use_kg_co2e_max),  # type: ignore[attr-defined]
        "total_kg_co2e_per_year": _round(a.total_kg_co2e),  # type: ignore[attr-defined]
        "data_quality_share": {k: _round(v, 4) for k, v in a.quality_share.items()},  # type: ignore[attr-defined]
    }


def run_fleet(
    path: str,
    year: int,
    factor_set: str,
    grid: str,
    decisions: dict[str, str | None] | None = None,
) -> dict[str, object]:
    """The ``fleet`` command's JSON document for one file (raises TabularError)."""
    table = open_table(path, file_name=Path(path).name)
    cols = _find_columns(
        table,
        required=("category", "in_use_date"),
        optional=("manufacturer", "model", "quantity", "embodied_kg_co2e", "kwh_per_year"),
    )
    cache: dict[tuple[object, ...], AssetFigures] = {}
    numbers: list[int] = []
    categories: list[str] = []
    in_use: list[dt.date] = []
    quantities: list[int] = []
    figures: list[AssetFigures] = []
    for row in table.rows():
        if not any(v.strip() for v in row.values):
            continue
        code = _category(table, row, cols["category"])
        qty = _quantity(table, row, cols["quantity"])
        start = _in_use(table, row, cols["in_use_date"])
        manual_emb = _optional_number(table, row, cols["embodied_kg_co2e"])
        manual_kwh = _optional_number(table, row, cols["kwh_per_year"])
        key = (
            code,
            _cell(row, cols["manufacturer"]),
            _cell(row, cols["model"]),
            manual_emb,
            manual_kwh,
        )
        if key not in cache:
            cache[key] = resolve_figures(
                code,
                key[1],  # type: ignore[arg-type]
                key[2],  # type: ignore[arg-type]
                factor_set=factor_set,
                decisions=decisions,
                embodied_kg_co2e=manual_emb,
                kwh_per_year=manual_kwh,
            )
        numbers.append(row.number)
        categories.append(code)
        in_use.append(start)
        quantities.append(qty)
        figures.append(cache[key])

    fleet = fleet_footprint(
        categories,
        in_use,
        years=[year],
        embodied_kg_co2e=[
            f.embodied_kg_co2e if f.data_quality != "category" else None for f in figures
        ],
        embodied_kg_co2e_min=[
            f.embodied_kg_co2e_min if f.data_quality != "category" else None for f in figures
        ],
        embodied_kg_co2e_max=[
            f.embodied_kg_co2e_max if f.data_quality != "category" else None for f in figures
        ],
        kwh_per_year=[f.kwh_per_year if f.energy_quality != "category" else None for f in figures],
        lifetime_years=[f.lifetime_years for f in figures],
        data_quality=[f.data_quality for f in figures],
        quantities=quantities,
        factor_set=factor_set,
        grid=grid,
        keep_assets=True,
    )
    assert fleet.per_asset is not None
    total = fleet.total()
    grid_factor = fleet.grid_factors[0]
    rows = []
    for i, number in enumerate(numbers):
        f = figures[i]
        resolution = f.resolution
        record = resolution.record if resolution else None
        rows.append(
            {
                "row": number,
                "category": categories[i],
                "quantity": quantities[i],
                "data_quality": f.data_quality,
                "energy_quality": f.energy_quality,
                "matched_model": (
                    {
                        "record_id": record.record_id,
                        "manufacturer": record.manufacturer,
                        "name": record.name,
                        "status": resolution.match.status
                        if resolution and resolution.match
                        else None,
                        "confidence": (
                            _round(resolution.match.confidence, 4)
                            if resolution and resolution.match
                            else None
                        ),
                        "decision": resolution.decision if resolution else None,
                        "source_url": record.source_url,
                    }
                    if record is not None
                    else None
                ),
                "match": resolution.as_dict() if resolution else None,
                "embodied_kg_co2e_per_unit": _round(f.embodied_kg_co2e),
                "embodied_kg_co2e_total": _round(f.embodied_kg_co2e * quantities[i]),
                "lifetime_years": f.lifetime_years,
                "embodied_kg_co2e_year": _round(
                    fleet.per_asset["embodied_kg_co2e"][i, 0] * quantities[i]
                ),
                "use_kwh_year": _round(fleet.per_asset["use_kwh"][i, 0] * quantities[i]),
                "use_kg_co2e_year": _round(fleet.per_asset["use_kg_co2e"][i, 0] * quantities[i]),
                "embodied_source": f.embodied_source,
                "energy_source": f.energy_source,
            }
        )
    notes = []
    if grid_factor.note:
        notes.append(f"grid {grid}: {grid_factor.note}")
    if fleet.categories_without_energy:
        notes.append(
            "energy not estimated (no source) for: " + ", ".join(fleet.categories_without_energy)
        )
    unused = [r for r in rows if r["match"] and r["match"]["status"] in ("weak", "ambiguous")]  # type: ignore[index]
    if unused:
        notes.append(
            f"{len(unused)} row(s) have weak or ambiguous model matches; the category default "
            "was used (confirm or reject them to use a model sheet)"
        )
    payload: dict[str, object] = {
        "factor_set": factor_set,
        "grid": grid,
        "grid_g_co2e_per_kwh": grid_factor.g_co2e_per_kwh,
        "grid_data_year": grid_factor.data_year,
        "year": year,
        "file": table.file_name,
        **_fleet_figures(total),
        "assets_in_file": sum(quantities),
        "by_category": {code: _fleet_figures(agg) for code, agg in fleet.by_category(year).items()},
        "rows": rows,
        "notes": notes,
    }
    return payload


def _cmd_fleet(args: argparse.Namespace, out: TextIO) -> int:
    decisions = _load_decisions(args.decisions)
    payload = run_fleet(args.file, args.year, args.factor_set, args.grid, decisions)
    by_cat = payload["by_category"]
    assert isinstance(by_cat, dict)
    table_rows = [{"category": code, **figs} for code, figs in by_cat.items()]
    table_rows.append({"category": "TOTAL", **{k: payload[k] for k in _FLEET_FIELDS}})
    header = [
        f"fleet footprint {payload['year']}: factor set {payload['factor_set']}, grid "
        f"{payload['grid']} ({payload['grid_g_co2e_per_kwh']:.3f} g CO2e/kWh)",
        *[f"note: {n}" for n in payload["notes"]],  # type: ignore[attr-defined]
    ]
    _write(out, args.format, payload, table_rows, ("category", *_FLEET_FIELDS), header)
    return 0


# --------------------------------------------------------------------------- takeback

_TAKEBACK_FIELDS = (
    "products",
    "credited_units",
    "uncredited_units",
    "avoided_kg_co2e",
    "avoided_kg_co2e_min",
    "avoided_kg_co2e_max",
)


def run_takeback(path: str, factor_set: str, allocation: str) -> dict[str, object]:
    """The ``takeback`` command's JSON document for one file (raises TabularError)."""
    table = open_table(path, file_name=Path(path).name)
    cols = _find_columns(
        table,
        required=("category", "quantity", "outcome"),
        optional=("manufacturer", "model"),
    )
    items: list[tuple[str, float, str]] = []
    for row in table.rows():
        if not any(v.strip() for v in row.values):
            continue
        code = _category(table, row, cols["category"])
        qty = _quantity(table, row, cols["quantity"])
        outcome_text = _cell(row, cols["outcome"])
        outcome = outcome_text.lower()
        if outcome not in OUTCOMES:
            shown = repr(outcome_text) if outcome_text else "empty"
            raise _error(
                table,
                row,
                cols["outcome"],
                f"unknown outcome {shown}; expected one of: {', '.join(OUTCOMES)}",
            )
        items.append((code, qty, outcome))
    result = avoided_emissions(items, factor_set=factor_set, allocation=allocation)
    by_category = {}
    for code, line in result.by_category.items():
        by_category[code] = {
            "products": line.products,
            "credited_units": line.credited_units,
            "uncredited_units": line.uncredited_units,
            "avoided_kg_co2e": _round(line.avoided_kg_co2e),
            "avoided_kg_co2e_min": _round(line.avoided_kg_co2e_min),
            "avoided_kg_co2e_max": _round(line.avoided_kg_co2e_max),
            "outcomes": line.outcomes,
            "avoided_kg_co2e_per_reused_unit": (
                line.factor.avoided_kg_co2e_per_unit if line.factor else None
            ),
            "has_range": line.factor.has_range if line.factor else False,
            "factor_note": line.factor.note if line.factor else "no figure in this set",
        }
    return {
        "factor_set": factor_set,
        "allocation": allocation,
        "file": table.file_name,
        "products": result.products,
        "avoided_kg_co2e": _round(result.avoided_kg_co2e),
        "avoided_kg_co2e_min": _round(result.avoided_kg_co2e_min),
        "avoided_kg_co2e_max": _round(result.avoided_kg_co2e_max),
        "avoided_t_co2e": _round(result.avoided_t_co2e),
        "by_category": by_category,
        "by_outcome": {
            k: {"products": v.products, "avoided_kg_co2e": _round(v.avoided_kg_co2e)}
            for k, v in result.by_outcome.items()
        },
        "missing": result.missing,
        "categories_without_range": list(result.categories_without_range),
        "notes": list(result.notes),
    }


def _cmd_takeback(args: argparse.Namespace, out: TextIO) -> int:
    payload = run_takeback(args.file, args.factor_set, args.allocation)
    by_cat = payload["by_category"]
    assert isinstance(by_cat, dict)
    table_rows = [{"category": code, **figs} for code, figs in by_cat.items()]
    table_rows.append(
        {
            "category": "TOTAL",
            "products": payload["products"],
            "avoided_kg_co2e": payload["avoided_kg_co2e"],
            "avoided_kg_co2e_min": payload["avoided_kg_co2e_min"],
            "avoided_kg_co2e_max": payload["avoided_kg_co2e_max"],
        }
    )
    header = [
        f"avoided CO2e: factor set {payload['factor_set']}, allocation {payload['allocation']}",
        *[f"note: {n}" for n in payload["notes"]],  # type: ignore[attr-defined]
    ]
    _write(out, args.format, payload, table_rows, ("category", *_TAKEBACK_FIELDS), header)
    return 0


# --------------------------------------------------------------------------- factor-sets


def describe_all() -> dict[str, list[dict[str, object]]]:
    """Every selectable footprint set, grid choice and avoided set, with its sources."""
    return {
        "footprint_sets": [get_factor_set(i).describe() for i in factor_set_ids()],
        "grids": [get_grid(i).describe() for i in grid_ids()],
        "avoided_sets": [get_avoided_set(i).describe() for i in avoided_set_ids()],
    }


def _cmd_factor_sets(args: argparse.Namespace, out: TextIO) -> int:
    payload = describe_all()
    rows = []
    for kind in ("footprint_sets", "grids", "avoided_sets"):
        for item in payload[kind]:
            sources = item["sources"]
            assert isinstance(sources, list)
            rows.append(
                {
                    "kind": item["kind"],
                    "id": item["id"],
                    "description": item["description"],
                    "sources": "; ".join(
                        f"{s['publisher']} {s['year']} ({s['licence']})" for s in sources
                    ),
                }
            )
    if args.format == "table":
        for row in rows:
            out.write(f"{row['kind']:<10} {row['id']:<18} {row['description']}\n")
            out.write(f"{'':<10} {'':<18} sources: {row['sources']}\n")
        out.write("any OWID country is also available as grid owid:<ISO3 code>, e.g. owid:NOR\n")
        return 0
    _write(out, args.format, payload, rows, ("kind", "id", "description", "sources"))
    return 0


# --------------------------------------------------------------------------- main


def _load_decisions(path: str | None) -> dict[str, str | None] | None:
    if not path:
        return None
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a JSON object of match key -> record id or null")
    return data


def _check_choice(
    value: str, check: Callable[[str], object], errors: tuple[type[Exception], ...]
) -> str:
    try:
        check(value)
    except errors as exc:
        raise UsageError(str(exc)) from None
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kretslopp footprint",
        description="Footprint engine: fleet CO2e, avoided CO2e from take-back, factor sets.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    fleet = sub.add_parser("fleet", help="embodied and use-phase CO2e of a fleet for one year")
    fleet.add_argument(
        "file", help="CSV or XLSX: category, manufacturer, model, quantity, in_use_date"
    )
    fleet.add_argument("--year", type=int, default=dt.date.today().year)
    fleet.add_argument("--factor-set", default=DEFAULT_FACTOR_SET, help=", ".join(factor_set_ids()))
    fleet.add_argument("--grid", default=DEFAULT_GRID, help=", ".join(grid_ids()) + ", owid:<ISO3>")
    fleet.add_argument("--decisions", help="JSON file: match key -> confirmed record id or null")
    fleet.add_argument("--format", choices=FORMATS, default="json")
    fleet.set_defaults(handler=_cmd_fleet)

    takeback = sub.add_parser("takeback", help="avoided CO2e of take-back outcomes")
    takeback.add_argument(
        "file", help="CSV or XLSX: category, manufacturer, model, quantity, outcome"
    )
    takeback.add_argument(
        "--factor-set", default=DEFAULT_AVOIDED_SET, help=", ".join(avoided_set_ids())
    )
    takeback.add_argument("--allocation", choices=tuple(ALLOCATIONS), default="full")
    takeback.add_argument("--format", choices=FORMATS, default="json")
    takeback.set_defaults(handler=_cmd_takeback)

    sets = sub.add_parser("factor-sets", help="list footprint sets, grids and avoided sets")
    sets.add_argument("--format", choices=FORMATS, default="table")
    sets.set_defaults(handler=_cmd_factor_sets)
    return parser


def main(
    argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run ``kretslopp footprint``; returns the exit status (0 ok, 1 bad file, 2 bad usage)."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        if args.command == "fleet":
            _check_choice(args.factor_set, get_factor_set, (UnknownFactorSetError,))
            _check_choice(args.grid, get_grid, (UnknownGridError,))
        elif args.command == "takeback":
            _check_choice(args.factor_set, get_avoided_set, (UnknownAvoidedSetError,))
        buffer = io.StringIO()
        status = args.handler(args, buffer)
        out.write(buffer.getvalue())
        return status
    except TabularError as exc:
        err.write(f"kretslopp footprint: error: {exc}\n")
        return 1
    except UsageError as exc:
        err.write(f"kretslopp footprint: error: {exc}\n")
        return 2
    except (OSError, json.JSONDecodeError) as exc:
        err.write(f"kretslopp footprint: error: {exc}\n")
        return 1
