"""Malformed files: each gives one clear TabularError naming the file (and row, column)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import xlsxwriter

from kretslopp.tabular import TabularError, open_table, parse_date, parse_decimal


def read_all(source: Path | bytes, name: str | None = None) -> list:
    """Open and read every row: errors may surface at opening or while streaming."""
    return list(open_table(source, name).rows())


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("Tillgångar")
    for number, row in enumerate(rows):
        for col, value in enumerate(row):
            if value is not None:
                sheet.write(number, col, value)
    workbook.close()
    return buffer.getvalue()


HEADER = b"Asset tag,Serial number,Purchase date\r\n"
GOOD_ROW = b"MLM-1,SN1,2021-03-04\r\n"

# name, file name, content, expected code, expected row (None: whole file)
CASES: list[tuple[str, str, bytes, str, int | None]] = [
    ("empty file", "assets.csv", b"", "empty_file", None),
    ("only spaces", "assets.csv", b"   \r\n\t \r\n", "only_whitespace", None),
    ("only newlines", "assets.csv", b"\n\n\n", "only_whitespace", None),
    ("empty first row", "assets.csv", b"\r\nAsset tag,Serial\r\nA,B\r\n", "missing_header", 1),
    ("header of delimiters", "assets.csv", b";;;\r\n1;2;3;4\r\n", "missing_header", 1),
    ("PNG image", "assets.csv", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "binary_file", None),
    ("PDF", "assets.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary_file", None),
    ("JPEG", "photo.csv", b"\xff\xd8\xff\xe0\0\x10JFIF\0", "binary_file", None),
    ("gzip", "assets.csv.gz", b"\x1f\x8b\x08\0\0\0\0\0", "binary_file", None),
    (
        "NUL bytes",
        "assets.csv",
        b"Asset tag,Serial\r\n\0\x01\x02\x03\0\0\xff\0",
        "binary_file",
        None,
    ),
    ("NUL later", "assets.csv", HEADER + GOOD_ROW * 3 + b"MLM\0-9,SN,x\r\n", "binary_content", 5),
    ("ZIP not XLSX", "assets.xlsx", b"", "not_xlsx", None),  # content built below
    ("truncated XLSX", "assets.xlsx", b"", "corrupt_xlsx", None),  # content built below
    (
        "XLS 97-2003",
        "assets.xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64,
        "unsupported_workbook",
        None,
    ),
    (
        "cp1252 undefined byte",
        "assets.csv",
        HEADER + b"MLM-\x81,SN,2021-03-04\r\n",
        "undecodable",
        2,
    ),
    (
        "UTF-8 then cp1252",
        "assets.csv",
        "Förvaltning,Serial\r\nMiljö,1\r\n".encode() + b"Milj\xf6,2\r\n",
        "undecodable",
        3,
    ),
    (
        "cp1252 then UTF-8",
        "assets.csv",
        "Förvaltning;Serial\r\nMiljö;1\r\n".encode("cp1252") + "Miljö;2\r\n".encode(),
        "mixed_encodings",
        3,
    ),
    (
        "UTF-16 odd byte",
        "assets.csv",
        "Name\tSerial\r\nA\tB\r\n".encode("utf-16") + b"\x00\xd8\x41\x00",
        "undecodable",
        3,
    ),
    (
        "too many cells",
        "assets.csv",
        HEADER + GOOD_ROW + b"MLM-2,SN2,2021-03-04,extra\r\n",
        "too_many_cells",
        3,
    ),
    (
        "too many cells semicolon",
        "assets.csv",
        b"Tag;Serial\r\nA;B\r\nA;B\r\nA;B;C;D\r\n",
        "too_many_cells",
        4,
    ),
    (
        "mixed delimiters",
        "assets.csv",
        b"Tag;Serial;Price\r\nA;B;12,5\r\nC,D,13\r\n",
        "mixed_delimiters",
        3,
    ),
    (
        "tab row in comma file",
        "assets.csv",
        HEADER + GOOD_ROW + b"MLM-3\tSN3\t2021-03-04\r\n",
        "mixed_delimiters",
        3,
    ),
    (
        "unterminated quote",
        "assets.csv",
        HEADER + GOOD_ROW + b'MLM-4,"SN4,2021-03-04\r\n',
        "unterminated_quote",
        3,
    ),
    (
        "text after closing quote",
        "assets.csv",
        HEADER + b'MLM-5,"SN"5,2021-03-04\r\n',
        "bad_quote",
        2,
    ),
    (
        "enormous line",
        "assets.csv",
        HEADER + GOOD_ROW + b"x," * 2_000_000 + b"\r\n",
        "line_too_long",
        3,
    ),
    ("enormous cell", "assets.csv", HEADER + b"x" * 200_000 + b"\r\n", "field_too_long", 2),
    ("enormous first line", "assets.csv", b"H" * (1024 * 1024 + 10), "line_too_long", 1),
    (
        "enormous quoted cell",
        "assets.csv",
        HEADER + b'MLM-6,"' + b"y\n" * 70_000 + b'",2021-03-04\r\n',
        "field_too_long",
        2,
    ),
    ("bare quotes in XLSX-named CSV", "assets.xlsx", b'"', "unterminated_quote", 1),
]


def _special_content(name: str) -> bytes:
    if name == "ZIP not XLSX":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("assets.csv", "Asset tag\r\nA\r\n")
        return buffer.getvalue()
    if name == "truncated XLSX":
        data = xlsx_bytes([["Asset tag", "Serial"], ["MLM-1", "SN1"]])
        return data[: len(data) // 2]
    raise AssertionError(name)


@pytest.mark.parametrize(
    ("name", "file_name", "content", "code", "row"), CASES, ids=[case[0] for case in CASES]
)
def test_malformed_file_gives_located_error(
    tmp_path: Path, name: str, file_name: str, content: bytes, code: str, row: int | None
) -> None:
    if not content and code != "empty_file":
        content = _special_content(name)
    path = tmp_path / file_name
    path.write_bytes(content)
    with pytest.raises(TabularError) as caught:
        read_all(path)
    error = caught.value
    assert error.code == code, str(error)
    assert error.file == file_name
    assert error.row == row
    assert str(error).startswith(file_name + (f", row {row}" if row else ":"))
    assert "Traceback" not in str(error) and error.message


def test_malformed_cases_are_many() -> None:
    assert len(CASES) + len(VALUE_CASES) + 4 >= 30


def test_bytes_source_is_named_by_file_name_argument() -> None:
    with pytest.raises(TabularError) as caught:
        open_table(b"", "upload-17.csv")
    assert str(caught.value) == "upload-17.csv: the file is empty"


# Cells that read fine but do not parse: named by file, row and column.
VALUE_CASES: list[tuple[str, str, Callable[[str], object], str]] = [
    ("31/02/2021", "Purchase Date", parse_date, "impossible_date"),
    ("2021-02-30", "Purchase Date", parse_date, "impossible_date"),
    ("12/31/2021", "Purchase Date", parse_date, "impossible_date"),
    ("4.3.21", "Purchase Date", parse_date, "ambiguous_year"),
    ("igår", "Purchase Date", parse_date, "not_a_date"),
    ("12 34,5", "Cost", parse_decimal, "not_a_number"),
    ("1,2,3", "Cost", parse_decimal, "not_a_number"),
    ("gratis", "Cost", parse_decimal, "not_a_number"),
]


@pytest.mark.parametrize(("value", "column", "parser", "code"), VALUE_CASES)
def test_bad_value_names_file_row_and_column(
    tmp_path: Path, value: str, column: str, parser: Callable[[str], object], code: str
) -> None:
    path = tmp_path / "assets.csv"
    path.write_text(
        f"Asset Tag;{column}\r\nMLM-1;\r\nMLM-2;\r\nMLM-3;{value}\r\n", encoding="utf-8"
    )
    table = open_table(path)
    position = table.headers.index(column)
    with pytest.raises(TabularError) as caught:
        for row in table.rows():
            table.parse(row, position, parser)
    error = caught.value
    assert (error.file, error.row, error.column, error.code) == ("assets.csv", 4, column, code)
    assert error.params["value"] == value
    assert str(error).startswith(f"assets.csv, row 4, column '{column}': ")


def test_message_example_from_the_brief(tmp_path: Path) -> None:
    path = tmp_path / "assets.csv"
    lines = ["Asset Tag,Purchase Date"] + [f"MLM-{n},2021-01-01" for n in range(2, 14)]
    path.write_text("\r\n".join([*lines, "MLM-14,31/02/2021", ""]), encoding="utf-8")
    table = open_table(path)
    with pytest.raises(TabularError) as caught:
        for row in table.rows():
            table.parse(row, 1, parse_date)
    assert str(caught.value) == (
        "assets.csv, row 14, column 'Purchase Date': impossible date: '31/02/2021' "
        "(there is no day 31 in 2021-02)"
    )


def test_error_after_good_rows_still_yields_the_good_ones(tmp_path: Path) -> None:
    path = tmp_path / "assets.csv"
    path.write_bytes(HEADER + GOOD_ROW * 3 + b"a,b,c,d\r\n")
    seen = []
    with pytest.raises(TabularError):
        for row in open_table(path).rows():
            seen.append(row.number)
    assert seen == [2, 3, 4]


def test_missing_sheet_lists_the_sheets() -> None:
    data = xlsx_bytes([["Asset tag"], ["A"]])
    with pytest.raises(TabularError) as caught:
        open_table(data, "assets.xlsx", sheet="Blad1")
    assert caught.value.code == "no_such_sheet"
    assert "Tillgångar" in str(caught.value)


def test_xlsx_with_empty_first_row_is_missing_header() -> None:
    data = xlsx_bytes([[None], ["Asset tag", "Serial"], ["A", "B"]])
    with pytest.raises(TabularError) as caught:
        open_table(data, "assets.xlsx")
    assert (caught.value.code, caught.value.row) == ("missing_header", 1)


def test_xlsx_row_with_too_many_cells() -> None:
    data = xlsx_bytes([["Asset tag", "Serial"], ["A", "B"], ["C", "D", "stray"]])
    with pytest.raises(TabularError) as caught:
        read_all(data, "assets.xlsx")
    assert (caught.value.code, caught.value.row) == ("too_many_cells", 3)


def test_empty_xlsx_sheet() -> None:
    with pytest.raises(TabularError) as caught:
        open_table(xlsx_bytes([]), "assets.xlsx")
    assert caught.value.code == "empty_sheet"
