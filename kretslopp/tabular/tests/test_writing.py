"""Exports: round trips through our own reader, and no formula ever survives as a formula."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from kretslopp.tabular import (
    open_table,
    parse_bool,
    parse_date,
    parse_decimal,
    write_csv,
    write_xlsx,
)

HEADERS = ["Inventarienummer", "Förvaltning", "Inköpspris (kr)", "Inköpsdatum", "Lagring"]
ROWS = [
    ["MLM-000412", "Miljöförvaltningen", Decimal("12495.50"), dt.date(2021, 3, 4), True],
    ["FRI-000077", "Fritidsförvaltningen", Decimal("-8490"), dt.date(2020, 11, 2), False],
    ["SBK-000901", "Stadsbyggnadskontoret; Södra", None, None, None],
]
INJECTIONS = ['=HYPERLINK("http://evil","x")', "+SUM(1)", "-2+3", "@SUM(1)", "\t=1", "\r=1"]


def test_swedish_csv_round_trip() -> None:
    buffer = io.BytesIO()
    assert write_csv(buffer, HEADERS, ROWS, dialect="swedish") == 3
    data = buffer.getvalue()
    assert data.startswith("Inventarienummer;Förvaltning".encode("cp1252"))
    assert b"12495,50" in data and b"\r\n" in data
    table = open_table(data, "export.csv")
    assert (table.encoding, table.delimiter, table.headers) == ("cp1252", ";", HEADERS)
    rows = list(table.rows())
    assert [parse_decimal(row.values[2]) for row in rows] == [r[2] for r in ROWS]
    assert [parse_date(row.values[3]) for row in rows] == [r[3] for r in ROWS]
    assert [parse_bool(row.values[4]) for row in rows] == [r[4] for r in ROWS]
    assert rows[2].values[1] == "Stadsbyggnadskontoret; Södra"


def test_comma_csv_is_utf8_with_bom_and_decimal_point() -> None:
    buffer = io.BytesIO()
    write_csv(buffer, HEADERS, ROWS, dialect="comma")
    data = buffer.getvalue()
    assert data.startswith(b"\xef\xbb\xbfInventarienummer,")
    assert b"12495.50,2021-03-04,true" in data
    table = open_table(data, "export.csv")
    assert table.headers == HEADERS
    assert [row.values[0] for row in table.rows()] == [r[0] for r in ROWS]


def test_swedish_csv_replaces_characters_outside_cp1252() -> None:
    buffer = io.BytesIO()
    write_csv(buffer, ["Namn"], [["Łódź ☃"]], dialect="swedish")
    assert [row.values for row in open_table(buffer.getvalue(), "x.csv").rows()] == [("?ód? ?",)]


def test_text_stream_gets_text_without_bom() -> None:
    buffer = io.StringIO()
    write_csv(buffer, ["A"], [["x"]], dialect="comma")
    assert buffer.getvalue() == "A\r\nx\r\n"


@pytest.mark.parametrize("dialect", ["comma", "swedish"])
def test_csv_formula_injection_is_neutralised(dialect: str) -> None:
    buffer = io.BytesIO()
    write_csv(buffer, ["=Header", "Value"], [[text, -5] for text in INJECTIONS], dialect=dialect)
    table = open_table(buffer.getvalue(), "export.csv")
    assert table.headers[0] == "'=Header"
    rows = list(table.rows())
    assert [row.values[0] for row in rows] == ["'" + text for text in INJECTIONS]
    assert {row.values[1] for row in rows} == {"-5"}  # numbers are untouched


def test_xlsx_round_trip_and_types(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    with path.open("wb") as handle:
        write_xlsx(handle, HEADERS, ROWS, sheet_name="Tillgångar")
    table = open_table(path)
    assert (table.format, table.sheet_name, table.headers) == ("xlsx", "Tillgångar", HEADERS)
    rows = list(table.rows())
    assert rows[0].values == ("MLM-000412", "Miljöförvaltningen", "12495.5", "2021-03-04", "TRUE")
    assert rows[1].values[2] == "-8490"
    sheet = openpyxl.load_workbook(path).active
    assert isinstance(sheet["C2"].value, float)
    assert isinstance(sheet["D2"].value, dt.datetime)  # a real date, not text


def test_xlsx_formula_injection_is_text_not_formula(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    with path.open("wb") as handle:
        write_xlsx(handle, ["Name"], [[text] for text in INJECTIONS])
    assert [row.values[0] for row in open_table(path).rows()] == ["'" + t for t in INJECTIONS]
    sheet = openpyxl.load_workbook(path).active
    assert all(cell.data_type == "s" for (cell,) in sheet.iter_rows(min_row=2))


def test_row_of_wrong_width_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="row 1 has 1 cells"):
        write_csv(io.BytesIO(), ["A", "B"], [["x"]])
