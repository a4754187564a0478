"""The KPI exchange format, version 1: one JSON Schema, a JSON form and a CSV form.

The JSON form is Kolada's data answer (``{"count", "values": [{"kpi", "municipality",
"period", "values": [{"gender", "count", "status", "value"}]}]}``) with a header naming the
format and the publisher, and on every entry what comparison needs: the KPI's catalogue
version, the method, the factor-set version and the data quality. The CSV form has one row
per entry with the same fields (:data:`CSV_FIELDS`). ``docs/kpi-exchange.md`` documents
both; the schema is :data:`SCHEMA_PATH`, served at ``/api/v1/exchange/schema/v1.json``.

This module knows no model: it writes documents from plain dicts and reads files into rows
of text for the import pipeline (:mod:`kretslopp.exchange.importing`), with every schema
problem located by entry and JSON pointer.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs

from kretslopp.tabular import Row
from kretslopp.tabular.values import FORMULA_PREFIXES, parse_decimal

FORMAT = "kretslopp-kpi-exchange"
VERSION = 1
SCHEMA_PATH = Path(__file__).parent / "schema" / "kpi-exchange-v1.schema.json"
#: The CSV form's columns, one row per entry (Kolada's fields first).
CSV_FIELDS = (
    "kpi",
    "kpi_version",
    "municipality",
    "municipality_name",
    "period",
    "gender",
    "value",
    "count",
    "status",
    "method",
    "factor_set",
    "data_quality",
)
REQUIRED_COLUMNS = tuple(name for name in CSV_FIELDS if name != "municipality_name")


class ExchangeFileError(ValueError):
    """The file as a whole is not an exchange file (not JSON at all)."""


@dataclass(frozen=True)
class SchemaProblem:
    """One place where a document breaks the schema.

    ``entry`` is the 1-based position in ``values`` (None: the document's header);
    ``pointer`` the JSON pointer (RFC 6901) of the offending value.
    """

    entry: int | None
    pointer: str
    message: str


@functools.cache
def schema() -> dict[str, Any]:
    """The JSON Schema of version 1, as shipped with the app."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@functools.cache
def _validator() -> Any:
    return jsonschema_rs.validator_for(schema())


@functools.cache
def _entry_validator() -> Any:
    whole = schema()
    return jsonschema_rs.validator_for({**whole["$defs"]["entry"], "$defs": whole["$defs"]})


def entry(values: Mapping[str, Any]) -> dict[str, Any]:
    """One exchange entry from a value's fields (Kolada's nesting of the total)."""
    value = values.get("value")
    out = {
        "kpi": values["kpi"],
        "kpi_version": int(values["kpi_version"]),
        "municipality": values["municipality"],
        "municipality_name": values.get("municipality_name", ""),
        "period": int(values["period"]),
        "values": [
            {
                "gender": "T",
                "value": value,
                "count": values.get("count"),
                "status": values.get("status") or ("missing" if value is None else ""),
            }
        ],
        "method": values["method"],
        "factor_set": values.get("factor_set") or "",
        "data_quality": values.get("data_quality") or "",
    }
    return out


def document(
    municipality: str, name: str, entries: Iterable[Mapping[str, Any]], exported_at: str = ""
) -> dict[str, Any]:
    """A whole exchange document (what the API answers and the JSON file holds)."""
    values = [entry(item) for item in entries]
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": exported_at,
        "publisher": {"municipality": municipality, "name": name},
        "count": len(values),
        "next_page": None,
        "values": values,
    }


def to_json(doc: Mapping[str, Any]) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def csv_rows(doc: Mapping[str, Any]) -> list[list[Any]]:
    """The CSV form's rows (cells typed: the download writer formats numbers per dialect)."""
    rows = []
    for item in doc["values"]:
        total = item["values"][0]
        rows.append(
            [
                item["kpi"],
                item["kpi_version"],
                item["municipality"],
                item.get("municipality_name", ""),
                item["period"],
                total["gender"],
                total["value"],
                total["count"],
                total["status"],
                item["method"],
                item["factor_set"],
                item["data_quality"],
            ]
        )
    return rows


def problems_of(doc: Any) -> list[SchemaProblem]:
    """Every place ``doc`` breaks the schema, in document order (empty: it is valid)."""
    found = []
    for error in _validator().iter_errors(doc):
        path = list(error.instance_path)
        number = path[1] + 1 if len(path) >= 2 and path[0] == "values" else None
        found.append(SchemaProblem(number, _pointer(path), error.message))
    return sorted(found, key=lambda p: (p.entry or 0, p.pointer))


def entry_problems(item: Any) -> list[tuple[str, str]]:
    """(JSON pointer inside the entry, message) for every schema problem of one entry."""
    return [
        (_pointer(list(error.instance_path)), error.message)
        for error in _entry_validator().iter_errors(item)
    ]


def _pointer(path: list[Any]) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


class JsonTable:
    """A JSON exchange file as CSV-form rows for the import pipeline.

    Entry *n* of ``values`` (from 1) is row *n*. The whole document is checked against the
    schema on opening; :attr:`problems` holds every break, located, for the import to refuse
    before any row is read.
    """

    def __init__(self, content: bytes, file_name: str) -> None:
        self.file_name = file_name
        self.headers = list(CSV_FIELDS)
        try:
            self.document = json.loads(content.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ExchangeFileError(str(error)) from None
        self.problems = problems_of(self.document)
        values = self.document.get("values") if isinstance(self.document, dict) else None
        self._entries = values if isinstance(values, list) else []
        publisher = self.document.get("publisher") if isinstance(self.document, dict) else None
        self.publisher_name = str(publisher.get("name", "")) if isinstance(publisher, dict) else ""

    def rows(self) -> Iterator[Row]:
        for number, item in enumerate(self._entries, start=1):
            yield Row(number, tuple(_cells(item, self.publisher_name)))


def _cells(item: Any, publisher_name: str) -> list[str]:
    if not isinstance(item, dict):
        return [""] * len(CSV_FIELDS)
    totals = item.get("values")
    total = totals[0] if isinstance(totals, list) and totals and isinstance(totals[0], dict) else {}
    flat = {
        **item,
        "municipality_name": item.get("municipality_name") or publisher_name,
        "gender": total.get("gender"),
        "value": total.get("value"),
        "count": total.get("count"),
        "status": total.get("status"),
    }
    return [_text(flat.get(name)) for name in CSV_FIELDS]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


#: CSV columns that hold whole numbers / a decimal number.
_INTEGERS = ("kpi_version", "period", "count")


def entry_from_cells(cells: Mapping[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """One CSV-form row as an exchange entry, and (column, reason) for cells not numbers.

    Numbers may use a decimal comma (Swedish Excel); text our CSV export protected with an
    apostrophe is read back as written.
    """
    bad: list[tuple[str, str]] = []
    typed: dict[str, Any] = {
        name: _undo_neutralise(cells.get(name, "").strip()) for name in CSV_FIELDS
    }
    for name in (*_INTEGERS, "value"):
        text = typed[name]
        if text == "":
            typed[name] = None
            continue
        try:
            number = parse_decimal(text)
        except ValueError:
            number = None
        if number is None or (name in _INTEGERS and number != number.to_integral_value()):
            bad.append((name, text))
            typed[name] = text
            continue
        typed[name] = int(number) if name in _INTEGERS else float(number)
    item = {
        "kpi": typed["kpi"],
        "kpi_version": typed["kpi_version"],
        "municipality": typed["municipality"],
        "municipality_name": typed["municipality_name"],
        "period": typed["period"],
        "values": [
            {
                "gender": typed["gender"],
                "value": typed["value"],
                "count": typed["count"],
                "status": typed["status"],
            }
        ],
        "method": typed["method"],
        "factor_set": typed["factor_set"],
        "data_quality": typed["data_quality"],
    }
    return item, bad


def _undo_neutralise(value: str) -> str:
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


#: JSON pointer inside an entry → the CSV column it is written in.
POINTER_COLUMNS = {
    "/values/0/gender": "gender",
    "/values/0/value": "value",
    "/values/0/count": "count",
    "/values/0/status": "status",
}


def column_of(pointer: str) -> str:
    """The CSV column a pointer inside an entry names (``/values/0/value`` → ``value``)."""
    if pointer in POINTER_COLUMNS:
        return POINTER_COLUMNS[pointer]
    return pointer.strip("/").split("/")[0] or ""
