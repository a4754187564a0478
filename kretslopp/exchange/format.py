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
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs

from kretslopp.tabular import Row
from kretslopp.tabular.jsonsize import separators
from kretslopp.tabular.values import parse_decimal, undo_neutralise

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
#: Commas and colons outside text in one entry, with room to spare: an entry has 25 (its
#: nine fields, its total's four, the comma before the next). A file with more than the
#: format's entries' worth (``maxItems``) is refused before it is parsed: a few MB of tiny
#: values (``[0,0,0,…]``) would otherwise become millions of Python objects.
SEPARATORS_PER_ENTRY = 32
#: Schema problems looked for before a file is refused; the import pipeline keeps as many
#: (``imports.pipeline.MAX_PROBLEMS``). Checking a file broken everywhere to its end built
#: every problem at once (100,000 broken entries: 2.5 GB, half a minute).
MAX_SCHEMA_PROBLEMS = 10_000
#: The largest whole number (a KPI version, a denominator) the database keeps.
MAX_INTEGER = 2_147_483_647
#: Characters of a schema message kept: the validator quotes the offending value, whatever
#: its length.
MAX_MESSAGE_CHARS = 300


class ExchangeFileError(ValueError):
    """The file as a whole is not an exchange file: not JSON at all (``code`` "not_json"),
    nested deeper than any JSON document of the format ("too_deep"), or holding more
    values than the format's entries could ("too_many_values")."""

    def __init__(
        self,
        reason: str,
        code: str = "not_json",
        *,
        line: int | None = None,
        column: int | None = None,
        byte: int | None = None,
    ) -> None:
        super().__init__(reason)
        self.code = code
        #: Where the file stops being JSON: a line and column, or (not UTF-8) a byte (from 1).
        self.line, self.column, self.byte = line, column, byte


def max_entries() -> int:
    """The entries one document may hold (the schema's ``maxItems``)."""
    return int(schema()["properties"]["values"]["maxItems"])


@dataclass(frozen=True)
class SchemaProblem:
    """One place where a document breaks the schema.

    ``entry`` is the 1-based position in ``values`` (None: the document's header);
    ``pointer`` the JSON pointer (RFC 6901) of the offending value. ``keyword`` is the
    schema keyword broken (``required``, ``type``, ``maxItems`` …) and ``expected`` what it
    asks for (the missing field, the types, the limit …), so the import can say it in the
    reader's language; ``message`` is the validator's own English, for logs.
    """

    entry: int | None
    pointer: str
    message: str
    keyword: str = ""
    expected: Any = None


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


def problems_of(doc: Any, limit: int | None = None) -> list[SchemaProblem]:
    """Where ``doc`` breaks the schema, in document order (empty: it is valid); the first
    ``limit`` (:data:`MAX_SCHEMA_PROBLEMS`) places only.

    The document without its entries is checked first, then each entry on its own, so that
    the search stops at the limit: the validator builds all of one call's problems at once.
    """
    limit = MAX_SCHEMA_PROBLEMS if limit is None else limit
    entries = doc.get("values") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        return _sorted(_located(_validator().iter_errors(doc), None, ""), limit)
    header = {**doc, "values": []}
    found = _located(_validator().iter_errors(header), None, "")
    if len(entries) > max_entries():
        found.append(
            SchemaProblem(
                None,
                "/values",
                f"{len(entries)} entries: the format holds at most {max_entries()} in one file",
                "maxItems",
                max_entries(),
            )
        )
        return _sorted(found, limit)
    validator = _entry_validator()
    for number, item in enumerate(entries, start=1):
        if len(found) >= limit:
            break
        if not validator.is_valid(item):
            found.extend(_located(validator.iter_errors(item), number, f"/values/{number - 1}"))
    return _sorted(found, limit)


def _located(errors: Iterable[Any], entry: int | None, prefix: str) -> list[SchemaProblem]:
    return [
        SchemaProblem(
            entry,
            prefix + _pointer(list(error.instance_path)),
            _short(error.message),
            error.kind.name,
            error.kind.value,
        )
        for error in errors
    ]


def _sorted(found: list[SchemaProblem], limit: int) -> list[SchemaProblem]:
    return sorted(found, key=lambda p: (p.entry or 0, p.pointer))[:limit]


def _short(message: str) -> str:
    if len(message) <= MAX_MESSAGE_CHARS:
        return message
    return message[: MAX_MESSAGE_CHARS - 1] + "…"


def entry_problems(item: Any) -> list[SchemaProblem]:
    """Every schema problem of one entry (pointers inside the entry, no entry number)."""
    return _located(_entry_validator().iter_errors(item), None, "")


def too_large(item: Mapping[str, Any]) -> list[str]:
    """JSON pointers inside a schema-valid entry of whole numbers beyond :data:`MAX_INTEGER`."""
    total = item["values"][0]
    found = []
    if item["kpi_version"] > MAX_INTEGER:
        found.append("/kpi_version")
    if total["count"] is not None and total["count"] > MAX_INTEGER:
        found.append("/values/0/count")
    return found


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
        limit = max_entries() * SEPARATORS_PER_ENTRY
        if separators(content, limit) > limit:
            raise ExchangeFileError(f"more than {max_entries()} entries", "too_many_values")
        try:
            # A number JSON allows but no value can be (NaN, 1e999, a 5,000-digit integer)
            # stays text, so the schema locates it as not a number.
            self.document = json.loads(
                content.decode("utf-8-sig"),
                parse_int=_integer,
                parse_float=_finite,
                parse_constant=str,
            )
        except RecursionError:
            raise ExchangeFileError("nested too deeply", "too_deep") from None
        except json.JSONDecodeError as error:
            raise ExchangeFileError(str(error), line=error.lineno, column=error.colno) from None
        except UnicodeDecodeError as error:
            raise ExchangeFileError(str(error), byte=error.start + 1) from None
        except ValueError as error:
            raise ExchangeFileError(str(error)) from None
        self.problems = problems_of(self.document)
        values = self.document.get("values") if isinstance(self.document, dict) else None
        self._entries = values if isinstance(values, list) else []
        publisher = self.document.get("publisher") if isinstance(self.document, dict) else None
        self.publisher_name = str(publisher.get("name", "")) if isinstance(publisher, dict) else ""

    def rows(self) -> Iterator[Row]:
        for number, item in enumerate(self._entries, start=1):
            yield Row(number, tuple(_cells(item, self.publisher_name)))


def _integer(text: str) -> int | str:
    return int(text) if len(text) <= 20 else text


def _finite(text: str) -> float | str:
    value = float(text)
    return value if math.isfinite(value) else text


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


def entry_from_cells(
    cells: Mapping[str, str],
) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """One CSV-form row as an exchange entry, and (column, text, reason) for cells that are
    not numbers ("number"), not whole ("whole") or beyond :data:`MAX_INTEGER` ("too_large").

    Numbers may use a decimal comma (Swedish Excel); text our CSV export protected with an
    apostrophe is read back as written.
    """
    bad: list[tuple[str, str, str]] = []
    typed: dict[str, Any] = {
        name: undo_neutralise(cells.get(name, "").strip()) for name in CSV_FIELDS
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
        reason = _unfit(name, number)
        if reason:
            bad.append((name, text, reason))
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


def _unfit(name: str, number: Any) -> str:
    """Why ``number`` cannot be column ``name``'s value ("" when it can).

    Checked before it is turned into an ``int``: "1e10000000" is a valid decimal whose
    ten-million-digit integer takes the server minutes to build.
    """
    if number is None or not number.is_finite():
        return "number"
    if name in _INTEGERS:
        if number.copy_abs() > MAX_INTEGER:
            return "too_large"
        if number != number.to_integral_value():
            return "whole"
    elif not math.isfinite(float(number)):
        return "number"
    return ""


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
