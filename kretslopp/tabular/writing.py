"""Writing exports as CSV or XLSX that open correctly in Excel, and cannot attack it.

Every text cell (headers included) goes through :func:`neutralise_cell`, so a value such as
``=HYPERLINK(...)`` typed into the app comes out as inert text. Rows are written as they
come, so an export of 100,000 assets never sits in memory whole.

CSV dialects:

* ``"comma"`` — UTF-8 **with** a BOM (without it Excel guesses the ANSI code page and
  shows å ä ö as mojibake), comma delimiter, decimal point. Machine-friendly too: the BOM is
  what ``utf-8-sig`` expects and :func:`open_table` handles it.
* ``"swedish"`` — what Swedish Excel writes and reads with a double click: semicolon,
  decimal comma, Windows-1252. Characters cp1252 cannot hold (emoji, most non-Latin
  scripts) are written as ``?``; use ``"comma"`` or XLSX when that matters.

Both use CRLF line ends and ISO dates (``2021-03-04``, ``2021-03-04 10:30:00``), which
Excel recognises in every locale. Booleans are ``true``/``false`` (comma) or ``ja``/``nej``
(swedish). When given a *text* stream, the caller's stream decides the encoding and no BOM
is written; anything else (a binary file, ``BytesIO``, a Django ``HttpResponse``) gets bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO, Any, BinaryIO, Literal

from kretslopp.tabular.values import RISKY_FIRST, looks_like_formula, neutralise_cell

Dialect = Literal["comma", "swedish"]
_FLUSH_ROWS = 1000
_DIALECTS: dict[str, tuple[str, str, str, tuple[str, str]]] = {
    # name: (delimiter, decimal separator, encoding, (true, false))
    "comma": (",", ".", "utf-8", ("true", "false")),
    "swedish": (";", ",", "cp1252", ("ja", "nej")),
}


def write_csv(
    stream: IO[str] | IO[bytes] | Any,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    dialect: Dialect = "comma",
) -> int:
    """Write ``headers`` and ``rows`` as CSV; returns the number of data rows written.

    Cells may be ``str``, ``int``, ``float``, ``Decimal``, ``date``, ``datetime``,
    ``bool`` or ``None`` (empty). A row longer or shorter than ``headers`` is a programming
    error and raises ``ValueError``.
    """
    if dialect not in _DIALECTS:
        raise ValueError(f"unknown CSV dialect {dialect!r}; use 'comma' or 'swedish'")
    delimiter, decimal_sep, encoding, booleans = _DIALECTS[dialect]
    text_stream = isinstance(stream, io.TextIOBase)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")

    def flush(first: bool = False) -> None:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if text_stream:
            if dialect == "swedish":
                text = text.encode(encoding, "replace").decode(encoding)
            stream.write(text)
        else:
            data = text.encode(encoding, "replace")
            if first and encoding == "utf-8":
                data = b"\xef\xbb\xbf" + data
            stream.write(data)

    width = len(headers)
    writer.writerow([neutralise_cell(str(h)) for h in headers])
    flush(first=True)
    count = 0
    for count, row in enumerate(rows, start=1):
        if len(row) != width:
            raise ValueError(f"row {count} has {len(row)} cells but there are {width} headers")
        writer.writerow(
            [
                (("'" + v) if v and v[0] in RISKY_FIRST and looks_like_formula(v) else v)
                if type(v) is str
                else _csv_cell(v, decimal_sep, booleans)
                for v in row
            ]
        )  # str cells inline: this loop runs for every cell of an export
        if count % _FLUSH_ROWS == 0:
            flush()
    flush()
    return count


def _csv_cell(value: object, decimal_sep: str, booleans: tuple[str, str]) -> str:
    """Render one value for CSV in the dialect's conventions."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise_cell(value)
    if isinstance(value, bool):
        return booleans[0] if value else booleans[1]
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (Decimal, float)):
        return _number_text(value, decimal_sep)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return neutralise_cell(str(value))


def _number_text(value: Decimal | float, decimal_sep: str) -> str:
    """Plain notation (never ``1E+3``), no thousands separators."""
    number = Decimal(repr(value)) if isinstance(value, float) else value
    if not number.is_finite():
        return ""
    text = format(number, "f")
    return text.replace(".", decimal_sep) if decimal_sep != "." else text


def write_xlsx(
    stream: BinaryIO | Any,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    sheet_name: str = "Data",
) -> int:
    """Write ``headers`` and ``rows`` as an XLSX workbook; returns the data row count.

    Uses xlsxwriter's ``constant_memory`` mode (rows are flushed to a temporary file as
    they are written). Text is always written as text — never as a formula, number or
    link — after :func:`neutralise_cell`; dates as real Excel dates, ``Decimal`` and
    ``float`` as numbers (Excel holds 15 significant digits), booleans as booleans.
    Time-zone-aware datetimes lose their zone: convert to local time first.
    """
    return write_xlsx_sheets(stream, [(sheet_name, headers, rows)])[0]


def write_xlsx_sheets(
    stream: BinaryIO | Any,
    sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[object]]]],
) -> list[int]:
    """Several tables, one sheet each (``(name, headers, rows)``), as :func:`write_xlsx`
    writes one; returns each sheet's data row count. Sheet names are cut to Excel's 31
    characters and cleared of the characters Excel refuses."""
    import xlsxwriter  # imported here: CSV-only callers never pay for it

    workbook = xlsxwriter.Workbook(
        stream,
        {"constant_memory": True, "remove_timezone": True, "nan_inf_to_errors": True},
    )
    counts = []
    try:
        formats = {
            "header": workbook.add_format({"bold": True}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
            "time": workbook.add_format({"num_format": "hh:mm:ss"}),
        }
        for sheet_name, headers, rows in sheets:
            clean = "".join(" " if c in "[]:*?/\\" else c for c in sheet_name).strip()
            sheet = workbook.add_worksheet(clean[:31] or None)
            counts.append(_write_sheet(sheet, headers, rows, formats))
    finally:
        workbook.close()
    return counts


def _write_sheet(
    sheet: Any, headers: Sequence[str], rows: Iterable[Sequence[object]], formats: dict
) -> int:
    width = len(headers)
    for col, header in enumerate(headers):
        sheet.write_string(0, col, neutralise_cell(str(header)), formats["header"])
        sheet.set_column(col, col, min(max(len(str(header)) + 2, 10), 50))
    sheet.freeze_panes(1, 0)
    count = 0
    for count, row in enumerate(rows, start=1):
        if len(row) != width:
            raise ValueError(f"row {count} has {len(row)} cells but there are {width} headers")
        for col, value in enumerate(row):
            _write_xlsx_cell(sheet, count, col, value, formats)
    if width:
        sheet.autofilter(0, 0, count, width - 1)
    return count


def _write_xlsx_cell(sheet: Any, row: int, col: int, value: object, formats: dict) -> None:
    if value is None or value == "":
        return
    if isinstance(value, str):
        sheet.write_string(row, col, neutralise_cell(value))
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, (int, float, Decimal)):
        sheet.write_number(row, col, float(value))
    elif isinstance(value, datetime):
        sheet.write_datetime(row, col, value, formats["datetime"])
    elif isinstance(value, date):
        sheet.write_datetime(row, col, value, formats["date"])
    elif isinstance(value, time):
        sheet.write_datetime(row, col, value, formats["time"])
    else:
        sheet.write_string(row, col, neutralise_cell(str(value)))
