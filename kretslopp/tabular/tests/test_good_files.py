"""Files real users bring, read right: encodings, delimiters, XLSX, other systems' exports."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from kretslopp.tabular import open_table, parse_date, parse_decimal

FIXTURES = Path(__file__).parent / "fixtures"


def values(source: Path | bytes, name: str | None = None, **options: object) -> list[tuple]:
    return [row.values for row in open_table(source, name, **options).rows()]


def test_swedish_excel_csv_semicolon_cp1252_decimal_comma(tmp_path: Path) -> None:
    path = tmp_path / "tillgångar.csv"
    text = "Inventarienummer;Förvaltning;Inköpspris (kr)\r\nMLM-1;Miljöförvaltningen;12 495,50\r\n"
    path.write_bytes(text.encode("cp1252"))
    table = open_table(path)
    assert (table.format, table.encoding, table.delimiter) == ("csv", "cp1252", ";")
    assert table.headers == ["Inventarienummer", "Förvaltning", "Inköpspris (kr)"]
    [row] = table.rows()
    assert row.number == 2
    assert row.values == ("MLM-1", "Miljöförvaltningen", "12 495,50")
    assert parse_decimal(row.values[2]) == parse_decimal("12495.50")


def test_semicolon_file_full_of_decimal_commas_is_not_read_as_comma(tmp_path: Path) -> None:
    path = tmp_path / "energi.csv"
    rows = ["Mätare;kWh;Andel"] + [f"M{n};{n},5;0,{n}" for n in range(1, 9)]
    path.write_text("\n".join(rows), encoding="utf-8")
    table = open_table(path)
    assert table.delimiter == ";"
    assert [row.values for row in table.rows()][0] == ("M1", "1,5", "0,1")


def test_quoted_cells_holding_other_delimiters_and_newlines(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text(
        'Tag,Notes,Price\r\nA,"Skärm; glas, nytt\r\nandra raden",1.5\r\nB,"tab\there",2\r\n',
        encoding="utf-8",
    )
    table = open_table(path)
    assert table.delimiter == ","
    rows = list(table.rows())
    # row numbers count records, like Excel, not physical lines
    assert [row.number for row in rows] == [2, 3]
    assert rows[0].values[1] == "Skärm; glas, nytt\r\nandra raden"


def test_utf16_tab_separated_unicode_text(tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes(
        "Modell\tFörvaltning\r\nThinkPad T14 Gen 2\tGrundskoleförvaltningen\r\n".encode("utf-16")
    )
    table = open_table(path)
    assert (table.encoding, table.delimiter) == ("utf-16-le", "\t")
    assert values(path) == [("ThinkPad T14 Gen 2", "Grundskoleförvaltningen")]


def test_utf16_big_endian(tmp_path: Path) -> None:
    path = tmp_path / "be.txt"
    path.write_bytes(b"\xfe\xff" + "Modell\tÅr\r\niPhone 12\t2020\r\n".encode("utf-16-be"))
    assert open_table(path).encoding == "utf-16-be"
    assert values(path) == [("iPhone 12", "2020")]


def test_utf8_with_bom_has_clean_first_header(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_text("Asset tag,Model\nMLM-1,Latitude 5420\n", encoding="utf-8-sig")
    table = open_table(path)
    assert table.encoding == "utf-8-sig"
    assert table.headers == ["Asset tag", "Model"]


def test_ascii_start_then_cp1252_switches_encoding(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    head = "Tag;Place\r\n" + "".join(f"T{n};Plan {n}\r\n" for n in range(20_000))
    path.write_bytes(head.encode() + "T-x;Malmö\r\n".encode("cp1252"))
    table = open_table(path)
    last = list(table.rows())[-1]
    assert last.values == ("T-x", "Malmö")
    assert table.encoding == "cp1252"


def test_header_only_file_has_zero_rows(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("Asset tag,Serial number\r\n", encoding="utf-8")
    table = open_table(path)
    assert table.headers == ["Asset tag", "Serial number"]
    assert list(table.rows()) == []


def test_duplicate_and_empty_headers_are_kept_by_position(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text(" Serial , ,Serial,Notes,,\r\nA,B,C,D,,\r\n", encoding="utf-8")
    table = open_table(path)
    assert table.headers == ["Serial", "column 2", "Serial", "Notes"]
    assert values(path) == [("A", "B", "C", "D")]


def test_short_rows_padded_blank_rows_skipped_numbers_kept(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("A;B;C\r\n1;2\r\n;;\r\n\r\n4;5;6\r\n", encoding="utf-8")
    rows = list(open_table(path).rows())
    assert [(row.number, row.values) for row in rows] == [(2, ("1", "2", "")), (5, ("4", "5", "6"))]


def test_single_column_file_with_decimal_commas(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("kWh\r\n12,5\r\n13,25\r\n", encoding="utf-8")
    assert values(path) == [("12,5",), ("13,25",)]


def test_old_mac_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(b"Tag,Model\rA,Latitude 5420\rB,iPhone 12\r")
    assert values(path) == [("A", "Latitude 5420"), ("B", "iPhone 12")]


def test_stream_and_bytes_sources_and_rereading(tmp_path: Path) -> None:
    data = b"Tag,Model\r\nA,iPhone 12\r\n"
    stream = io.BytesIO(data)
    table = open_table(stream, "upload.csv")
    assert list(table.rows()) == list(table.rows())  # seekable: may be read twice
    assert not stream.closed  # we never close the caller's stream
    assert values(data, "x.csv") == [("A", "iPhone 12")]


def test_content_wins_over_extension(tmp_path: Path) -> None:
    path = tmp_path / "really_csv.xlsx"
    path.write_text("Tag,Model\r\nA,B\r\n", encoding="utf-8")
    table = open_table(path)
    assert table.format == "csv"
    assert "read as CSV" in table.warnings[0]


def make_xlsx(path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Tillgångar"
    sheet.append(["Asset tag", "Purchase date", "Price", "Installed", "Storage", "Count"])
    sheet.append(["MLM-1", dt.date(2021, 3, 4), 12495.5, dt.datetime(2021, 4, 1, 10, 30), True, 3])
    sheet.append(["MLM-2", dt.datetime(2021, 5, 17), 1234.0, None, False, 1])
    other = workbook.create_sheet("Mätare")
    other.append(["Mätare", "kWh"])
    other.append(["M1", 1500.25])
    workbook.save(path)


def test_xlsx_dates_as_iso_whole_numbers_without_point(tmp_path: Path) -> None:
    path = tmp_path / "assets.csv"  # wrong extension on purpose: content decides
    make_xlsx(path)
    table = open_table(path)
    assert (table.format, table.sheet_name, table.encoding) == ("xlsx", "Tillgångar", None)
    rows = list(table.rows())
    assert [row.number for row in rows] == [2, 3]
    assert rows[0].values == ("MLM-1", "2021-03-04", "12495.5", "2021-04-01T10:30:00", "TRUE", "3")
    assert rows[1].values == ("MLM-2", "2021-05-17", "1234", "", "FALSE", "1")
    assert parse_date(rows[0].values[3]) == dt.date(2021, 4, 1)


def test_xlsx_named_sheet(tmp_path: Path) -> None:
    path = tmp_path / "assets.xlsx"
    make_xlsx(path)
    assert values(path, sheet="Mätare") == [("M1", "1500.25")]


def test_html_is_stripped_by_default_and_kept_on_request(tmp_path: Path) -> None:
    path = tmp_path / "html.csv"
    path.write_text(
        'Model,Notes\r\n<a href="https://x/models/1">Latitude 5420</a>,RAM < 8 GB & SSD\r\n'
        "Dell &amp; Co,<b>ok</b>\r\n",
        encoding="utf-8",
    )
    assert values(path) == [("Latitude 5420", "RAM < 8 GB & SSD"), ("Dell & Co", "ok")]
    raw = values(path, strip_html=False)
    assert raw[0][0].startswith("<a href=")


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter", "first"),
    [
        ("snipeit_en.csv", "utf-8", ",", ("Miljöförvaltningen", "MLM-LT-0412", "MLM-000412")),
        ("snipeit_sv.csv", "cp1252", ";", ("Miljöförvaltningen", "MLM-LT-0412", "MLM-000412")),
        (
            "glpi_computers.csv",
            "utf-8-sig",
            ";",
            ("MLM-LT-0412", "Malmö stad > Miljöförvaltningen"),
        ),
        ("intune_devices.csv", "utf-8-sig", ",", ("3f1c9a52-7d2e-4b8e-9c41-0a1b2c3d4e5f",)),
    ],
)
def test_fixture_exports_read(name: str, encoding: str, delimiter: str, first: tuple) -> None:
    table = open_table(FIXTURES / name)
    assert (table.encoding, table.delimiter) == (encoding, delimiter)
    rows = list(table.rows())
    assert rows[0].values[: len(first)] == first
    assert all(len(row.values) == len(table.headers) for row in rows)


def test_snipeit_export_links_and_entities_are_plain_text() -> None:
    table = open_table(FIXTURES / "snipeit_en.csv")
    rows = list(table.rows())
    model = table.headers.index("Model")
    assert rows[0].values[model] == "Latitude 5420"
    assert rows[0].values[table.headers.index("Checked Out To")] == "Anna Testsson"
    assert rows[1].values[table.headers.index("Notes")] == 'Spare for "hot desk" pool'
    assert parse_decimal(rows[0].values[table.headers.index("Cost")]) == parse_decimal("12495")


class _Pipe(io.RawIOBase):
    """A stream that cannot seek, like a socket or a pipe."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_non_seekable_stream() -> None:
    table = open_table(_Pipe("Tag;Plats\r\nA;Malmö\r\n".encode("cp1252")), "pipe.csv")
    assert [row.values for row in table.rows()] == [("A", "Malmö")]
    assert [row.values for row in table.rows()] == [("A", "Malmö")]


def test_large_file_is_streamed_not_loaded(tmp_path: Path) -> None:
    import tracemalloc

    path = tmp_path / "big.csv"
    line = "MLM-000001;SN123456789;Dell;Latitude 5420;Bärbar dator;Miljöförvaltningen;12 495,50\r\n"
    with path.open("w", encoding="cp1252", newline="") as handle:
        handle.write("Tag;Serial;Maker;Model;Category;Department;Price\r\n")
        handle.writelines(line for _ in range(150_000))
    size = path.stat().st_size
    tracemalloc.start()
    count = sum(1 for _ in open_table(path).rows())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 150_000
    assert size > 12_000_000 and peak < size / 4  # memory does not grow with the file


def test_excel_sep_hint_line(tmp_path: Path) -> None:
    path = tmp_path / "hint.csv"
    path.write_text("sep=;\r\nTag;Price\r\nA;1,5\r\n", encoding="utf-8")
    table = open_table(path)
    assert (table.delimiter, table.headers) == (";", ["Tag", "Price"])
    assert [(row.number, row.values) for row in table.rows()] == [(2, ("A", "1,5"))]
