"""The criteria exchange file: a procurement's requirements, shared between municipalities.

One municipality exports the criteria a procurement used; another imports them into its own
library (the Cirkulära Skåne use). The file carries requirements only — never prices, never
bidders, never evaluation results — in two forms with the same fields (documented in
``docs/criteria-exchange.md``):

* JSON: ``{"format": FORMAT, "version": 1, "exported_at", "publisher", "product_group",
  "criteria": [{field: value, ...}, ...]}`` where ``product_groups`` and ``accepted_proof``
  are lists;
* CSV: a header of :data:`FIELDS` and one row per criterion, lists ``;``-separated.

The columns are those of the shipped library's ``criteria.csv`` (plus the buyer's
interpretation and evidence note), so a received row is checked by the very function that
checks our own library (:func:`kretslopp.tendering.library.criterion_from_row`). This module
knows no Django model: the app's import target (:mod:`kretslopp.procurement.exchange_import`)
reads the rows through the one import pipeline and writes them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kretslopp.tabular import Row
from kretslopp.tabular.jsonsize import separators
from kretslopp.tabular.values import neutralise_cell, undo_neutralise

FORMAT = "kretslopp-criteria-exchange"
VERSION = 1
#: The fields of one criterion, in file order: ``criteria.csv``'s columns, then the buyer's.
CRITERION_FIELDS = (
    "criterion_id",
    "source",
    "source_id",
    "source_ref",
    "level",
    "type",
    "product_groups",
    "title_en",
    "title_sv",
    "summary_en",
    "summary_sv",
    "accepted_proof",
    "follow_up_en",
    "follow_up_sv",
    "version_date",
    "last_reviewed",
    "url",
    "check_kind",
    "check_field",
    "check_operator",
    "check_value",
    "scoring_rule",
    "note_en",
    "note_sv",
)
BUYER_FIELDS = ("interpretation", "evidence_note")
FIELDS = CRITERION_FIELDS + BUYER_FIELDS
#: Fields that hold lists: arrays in JSON, ``;``-separated in CSV.
LIST_FIELDS = ("product_groups", "accepted_proof")


class ExchangeFileError(ValueError):
    """The file as a whole cannot be read (not JSON, wrong format or version)."""


@dataclass(frozen=True)
class Header:
    """What the JSON file says about itself (the CSV carries rows only)."""

    publisher: str = ""
    product_group: str = ""
    exported_at: str = ""


def _integer(text: str) -> int | str:
    return int(text) if len(text) <= 20 else text


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ";".join(str(part).strip() for part in value if str(part).strip())
    return str(value)


def record(values: Mapping[str, Any]) -> dict[str, str]:
    """One criterion's exchange fields from ``values`` (lists joined, the rest left out)."""
    return {name: _text(values.get(name, "")) for name in FIELDS}


def to_json(records: Iterable[Mapping[str, Any]], header: Header) -> bytes:
    """The JSON form: a header and the criteria, lists as arrays, UTF-8, stable key order."""
    criteria = []
    for values in records:
        entry: dict[str, Any] = dict(record(values))
        for name in LIST_FIELDS:
            entry[name] = [part for part in entry[name].split(";") if part]
        criteria.append(entry)
    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": header.exported_at,
        "publisher": header.publisher,
        "product_group": header.product_group,
        "criteria": criteria,
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def to_csv(records: Iterable[Mapping[str, Any]]) -> bytes:
    """The CSV form: UTF-8 with a byte-order mark (Excel reads å, ä, ö), comma-separated.

    Text a spreadsheet could run as a formula is prefixed with an apostrophe; the import
    removes that prefix again (:func:`undo_neutralise`), so the round trip is exact.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for values in records:
        row = record(values)
        writer.writerow([neutralise_cell(row[name]) for name in FIELDS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


class JsonTable:
    """A JSON exchange file as headers and numbered rows, a source for the import pipeline.

    Criterion *n* of the file (counted from 1) is row *n*, so a problem reads
    "criteria.json, row 3, column type". Fields the file lacks are empty; fields we do not
    know are listed in ``unknown_fields`` for the import to refuse.
    """

    def __init__(self, content: bytes, file_name: str, max_values: int | None = None) -> None:
        """``max_values``: refuse, before parsing, a file holding more values than that."""
        self.file_name = file_name
        self.headers = list(FIELDS)
        if max_values is not None and separators(content, max_values) > max_values:
            raise ExchangeFileError(f"it holds more than {max_values} values")
        try:
            # A number too long for Python to turn into text stays the text it is.
            document = json.loads(content.decode("utf-8-sig"), parse_int=_integer)
        except RecursionError:
            raise ExchangeFileError("nested deeper than the format ever is") from None
        except (UnicodeDecodeError, ValueError) as error:
            raise ExchangeFileError(f"not a JSON document: {error}") from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise ExchangeFileError(f"the field 'format' must be {FORMAT!r}")
        if document.get("version") != VERSION:
            raise ExchangeFileError(f"version {document.get('version')!r} is not {VERSION}")
        criteria = document.get("criteria")
        if not isinstance(criteria, list):
            raise ExchangeFileError("the field 'criteria' must be a list")
        self.header = Header(
            publisher=_text(document.get("publisher")),
            product_group=_text(document.get("product_group")),
            exported_at=_text(document.get("exported_at")),
        )
        self._criteria = criteria
        #: (row, field) of every entry that is not an object or has a field we do not know:
        #: refused before any row is read, so a misspelt field is never silently dropped.
        self.unknown_fields: list[tuple[int, str]] = []
        for number, entry in enumerate(criteria, start=1):
            if not isinstance(entry, dict):
                self.unknown_fields.append((number, ""))
                continue
            self.unknown_fields.extend((number, str(key)) for key in entry if key not in FIELDS)

    def rows(self) -> Iterator[Row]:
        for number, entry in enumerate(self._criteria, start=1):
            entry = entry if isinstance(entry, dict) else {}
            yield Row(number, tuple(_text(entry.get(name)) for name in FIELDS))


def library_row(values: Mapping[str, str]) -> dict[str, str]:
    """The row :func:`~kretslopp.tendering.library.criterion_from_row` checks: every column."""
    return {name: undo_neutralise(values.get(name, "").strip()) for name in CRITERION_FIELDS}
