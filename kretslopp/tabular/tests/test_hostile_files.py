"""Hostile files end in a clear refusal, in bounded memory, before python-calamine sees them.

The corpus (zip bombs of each kind, huge cells, far too many rows, columns or archive
members) is built in memory by :mod:`kretslopp.tabular.tests.hostile`. Before the archive
check, the bombs made calamine allocate gigabytes and abort the process; the subprocess test
below reads every one of them under a 600 MB address-space ceiling.
"""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from kretslopp.tabular import TabularError, open_table
from kretslopp.tabular.archive import _Scanner
from kretslopp.tabular.limits import DEFAULT_LIMITS, ReadLimits
from kretslopp.tabular.tests import hostile

ROOT = Path(__file__).resolve().parents[3]

# name → (builder, limits or None for the defaults, expected code)
XLSX_CORPUS = {
    "blank space bomb (4 GB)": (hostile.blank_space_bomb, None, "xlsx_too_large"),
    "blank space bomb (200 MB)": (lambda: hostile.blank_space_bomb(200), None, "xlsx_compression"),
    "lying header": (hostile.lying_header_bomb, None, "xlsx_size_mismatch"),
    "huge inline cell (2 GB)": (hostile.huge_inline_cell, None, "xlsx_too_large"),
    "huge inline cell (50 MB)": (lambda: hostile.huge_inline_cell(50), None, "xlsx_compression"),
    "huge shared string (2 GB)": (hostile.huge_shared_string, None, "xlsx_too_large"),
    "two cells far apart": (hostile.far_apart_cells, None, "sheet_too_large"),
    "16 million cells": (lambda: hostile.far_apart_cells("P1000000"), None, "sheet_too_large"),
    "many columns": (lambda: hostile.many_columns(2_000), None, "too_many_columns"),
    "many rows": (lambda: hostile.many_rows(1_500), ReadLimits(max_rows=1_000), "too_many_rows"),
    "many members": (hostile.many_members, None, "xlsx_too_many_members"),
    "entity expansion": (hostile.entity_expansion, None, "xlsx_dtd"),
}
CSV_CORPUS = {
    "huge CSV cell": (hostile.huge_csv_cell, None, "cell_too_long"),
    "huge UTF-16 CSV cell": (
        lambda: hostile.huge_csv_cell(encoding="utf-16"),
        None,
        "cell_too_long",
    ),
    "huge cp1252 CSV cell": (
        lambda: hostile.huge_csv_cell(encoding="cp1252"),
        None,
        "cell_too_long",
    ),
    "endless CSV line": (hostile.endless_csv_line, None, "line_too_long"),
    "endless UTF-16 CSV line": (
        lambda: hostile.endless_csv_line(encoding="utf-16"),
        None,
        "line_too_long",
    ),
    "many CSV rows": (
        lambda: hostile.many_csv_rows(1_500),
        ReadLimits(max_rows=1_000),
        "too_many_rows",
    ),
    "many CSV columns": (lambda: hostile.many_csv_columns(5_000), None, "too_many_columns"),
    "huge upload": (
        lambda: hostile.many_csv_rows(100_000),
        ReadLimits(max_file_bytes=100_000),
        "file_too_large",
    ),
}
CORPUS = {**XLSX_CORPUS, **CSV_CORPUS}


def read_all(source, name: str, limits: ReadLimits | None = None) -> int:
    return sum(1 for _ in open_table(source, name, limits=limits).rows())


def file_name(case: str) -> str:
    return "assets.xlsx" if case in XLSX_CORPUS else "assets.csv"


@pytest.mark.parametrize("case", list(CORPUS))
def test_hostile_file_is_refused_with_a_code_naming_the_file(case: str) -> None:
    build, limits, code = CORPUS[case]
    with pytest.raises(TabularError) as caught:
        read_all(build(), file_name(case), limits)
    assert caught.value.code == code
    assert str(caught.value).startswith(file_name(case))


def test_every_bomb_is_refused_under_a_600_mb_memory_ceiling(tmp_path: Path) -> None:
    """In a child process limited to 600 MB of address space: a refusal, never a crash."""
    files = {}
    for number, (case, (build, limits, code)) in enumerate(CORPUS.items()):
        path = tmp_path / f"{number}-{file_name(case)}"
        path.write_bytes(build())
        files[case] = (str(path), limits.max_rows if limits else None, code)
    files["huge upload"] = (files["huge upload"][0], None, "file_too_large")
    script = textwrap.dedent(
        """
        import json, resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (600 << 20, 600 << 20))
        from kretslopp.tabular import TabularError, open_table
        from kretslopp.tabular.limits import ReadLimits
        for case, (path, max_rows, _code) in json.loads(sys.argv[1]).items():
            limits = ReadLimits(max_rows=max_rows, max_file_bytes=100_000 if "upload" in case
                                else None)
            try:
                count = sum(1 for _ in open_table(path, limits=limits).rows())
                outcome = f"read {count} rows"
            except TabularError as error:
                outcome = error.code
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            print(json.dumps([case, outcome, peak]), flush=True)
        """
    )
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(files)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    outcomes = {
        case: outcome for case, outcome, _peak in map(json.loads, done.stdout.split("\n")[:-1])
    }
    assert outcomes == {case: code for case, (_path, _rows, code) in files.items()}


def test_a_bomb_carried_inside_a_workbook_is_never_unpacked() -> None:
    """An embedded ZIP (a legitimate embedded workbook, or a bomb) is just bytes to us."""
    assert read_all(hostile.nested_bomb(), "assets.xlsx") == 1


def test_the_huge_cells_are_found_even_where_compression_looks_ordinary() -> None:
    """Without the ratio limit, the stretch check still finds the huge text and names it."""
    relaxed = ReadLimits(max_compression_ratio=10**9)
    with pytest.raises(TabularError) as inline:
        read_all(hostile.huge_inline_cell(50), "assets.xlsx", relaxed)
    assert (inline.value.code, inline.value.row, inline.value.column) == ("cell_too_long", 2, "A")
    with pytest.raises(TabularError) as shared:
        read_all(hostile.huge_shared_string(50), "assets.xlsx", relaxed)
    assert shared.value.code == "cell_too_long"
    with pytest.raises(TabularError) as blank:
        read_all(hostile.blank_space_bomb(200), "assets.xlsx", relaxed)
    assert blank.value.code == "xlsx_padding"


def test_limits_admit_exactly_what_they_say() -> None:
    limits = ReadLimits(max_rows=1_000, max_columns=50, max_cell_chars=100)
    assert read_all(hostile.many_rows(1_000), "assets.xlsx", limits) == 1_000
    assert read_all(hostile.many_csv_rows(1_000), "assets.csv", limits) == 1_000
    assert read_all(hostile.many_columns(50), "assets.xlsx", limits) == 0
    assert read_all(hostile.many_csv_columns(50), "assets.csv", limits) == 1
    assert read_all(hostile.huge_csv_cell(100), "assets.csv", limits) == 2
    with pytest.raises(TabularError, match="row 2, column 'Notes'"):
        read_all(hostile.huge_csv_cell(101), "assets.csv", limits)


def test_a_long_xlsx_cell_is_located_by_row_and_column_name() -> None:
    rows = hostile.HEADER_ROW.replace(b"</row>", hostile.inline("B1", "Notes") + b"</row>")
    rows += b'<row r="2">' + hostile.inline("A2", "MS-1") + hostile.inline("B2", "x" * 40_000)
    rows += b"</row>"
    with pytest.raises(TabularError) as caught:
        read_all(hostile.workbook(hostile.sheet_of(rows)), "assets.xlsx")
    assert (caught.value.code, caught.value.row, caught.value.column) == (
        "cell_too_long",
        2,
        "Notes",
    )


@pytest.mark.parametrize("kind", ["path", "bytes", "stream"])
def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, kind) -> None:
    content = hostile.many_csv_rows(50_000)
    path = tmp_path / "assets.csv"
    path.write_bytes(content)
    source = {"path": path, "bytes": content, "stream": io.BytesIO(content)}[kind]
    with pytest.raises(TabularError) as caught:
        open_table(source, "assets.csv", limits=ReadLimits(max_file_bytes=len(content) - 1))
    assert caught.value.code == "file_too_large"
    assert caught.value.params == {"size_mb": 1, "limit_mb": 1}


def test_workbooks_from_common_writers_pass_the_check() -> None:
    """xlsxwriter (shared and inline strings) and openpyxl, with dates, numbers and gaps."""
    for options in ({}, {"constant_memory": True}):
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True, **options})
        sheet = book.add_worksheet("Tillgångar")
        sheet.write_row(0, 0, ["Asset tag", "Price", "Notes"])
        for number in range(1, 2_001):
            sheet.write_row(number, 0, [f"MS-{number:07d}", number * 1.5, "å" * (number % 7)])
        sheet.write(5_000, 2, "far below")
        book.close()
        assert read_all(buffer.getvalue(), "assets.xlsx") == 2_001
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Asset tag", "Price"])
    for number in range(1, 501):
        sheet.append([f"MS-{number}", number])
    buffer = io.BytesIO()
    book.save(buffer)
    assert read_all(buffer.getvalue(), "assets.xlsx") == 500


def test_stored_members_and_a_huge_declared_dimension_are_read() -> None:
    rows = hostile.HEADER_ROW + b'<row r="2">' + hostile.inline("A2", "MS-1") + b"</row>"
    xml = hostile.SHEET_START.replace(
        b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>'
    )
    buffer = io.BytesIO()
    original = io.BytesIO(hostile.workbook(hostile.sheet_of(rows)))
    with (
        zipfile.ZipFile(original) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as target,
    ):
        for member in source.infolist():
            content = source.read(member)
            if member.filename.endswith("sheet1.xml"):
                content = xml + rows + hostile.SHEET_END
            target.writestr(member.filename, content)
    assert read_all(buffer.getvalue(), "assets.xlsx") == 1


def test_a_password_protected_member_is_refused_as_such() -> None:
    archive = bytearray(hostile.small_good_workbook())
    at = archive.find(b"PK\x01\x02")
    while at >= 0:
        archive[at + 8] |= 1  # the "encrypted" flag, in the central directory
        at = archive.find(b"PK\x01\x02", at + 4)
    with pytest.raises(TabularError) as caught:
        read_all(bytes(archive), "assets.xlsx")
    assert caught.value.code == "unsupported_workbook"


def _scanned_area(xml: bytes, chunk: int) -> tuple[int, int, int, int]:
    scanner = _Scanner("xl/worksheets/sheet1.xml", "assets.xlsx", DEFAULT_LIMITS)
    for start in range(0, len(xml), chunk):
        scanner.feed(xml[start : start + chunk])
    scanner.finish()
    area = scanner.area
    return area.first_row, area.last_row, area.first_column, area.last_column


@pytest.mark.parametrize("style", ["reference first", "reference last", "prefixed"])
def test_the_used_area_is_measured_however_cells_are_written(style: str) -> None:
    """The vectorised scan and the tag-by-tag one agree, across chunk boundaries."""
    rng = random.Random(2026)
    for _ in range(20):
        cells = {
            (rng.randrange(1, 3_000), rng.randrange(1, 40)) for _ in range(rng.randrange(1, 400))
        }
        empty = {(rng.randrange(1, 5_000), rng.randrange(1, 60)) for _ in range(30)} - cells
        by_row: dict[int, list[tuple[int, bool]]] = {}
        for row, column in cells:
            by_row.setdefault(row, []).append((column, True))
        for row, column in empty:
            by_row.setdefault(row, []).append((column, False))
        prefix = "x:" if style == "prefixed" else ""
        parts = [f'<{prefix}worksheet xmlns:x="m"><{prefix}sheetData>']
        for row in sorted(by_row):
            parts.append(f'<{prefix}row r="{row}">')
            for column, holds in sorted(by_row[row]):
                ref = f"{hostile._column(column)}{row}"
                attributes = {
                    "reference first": f'r="{ref}" s="1"',
                    "reference last": f's="1" r="{ref}"',
                    "prefixed": f'r="{ref}"',
                }[style]
                body = f"><{prefix}v>{row}</{prefix}v></{prefix}c>" if holds else "/>"
                parts.append(f"<{prefix}c {attributes}{body}")
            parts.append(f"</{prefix}row>")
        parts.append(f"</{prefix}sheetData></{prefix}worksheet>")
        xml = "".join(parts).encode()
        expected = (
            min(r for r, _ in cells),
            max(r for r, _ in cells),
            min(c for _, c in cells),
            max(c for _, c in cells),
        )
        for chunk in (97, 4096, len(xml)):
            assert _scanned_area(xml, chunk) == expected


def test_cells_without_references_take_the_next_column() -> None:
    xml = (
        b'<worksheet><sheetData><row r="3"><c><v>1</v></c><c t="s"><v>0</v></c><c/>'
        b"<c><v>2</v></c></row><row><c><v>3</v></c></row></sheetData></worksheet>"
    )
    assert _scanned_area(xml, 13) == (3, 4, 1, 4)


def test_a_row_number_met_before_cells_without_references_is_kept() -> None:
    """A row far below, then a cell without a reference in it: calamine puts it there."""
    xml = (
        b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c><c r="ZZ1"><v>1</v></c>'
        b'</row><row r="1000000"><c><v>1</v></c></row></sheetData></worksheet>'
    )
    for chunk in (13, 50, 4096):
        with pytest.raises(TabularError) as caught:
            _scanned_area(xml, chunk)
        assert caught.value.code == "sheet_too_large"
        assert (caught.value.params["rows"], caught.value.params["columns"]) == (1_000_000, 702)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "cp1252"])
def test_a_quoted_cell_of_many_short_lines_is_measured_whole(encoding: str) -> None:
    """No line is long, but the cell is: the record spans lines, so its cells are measured."""
    cell = '"' + ("ä" * 99 + "\n") * 400 + '"'  # 40,000 characters in lines of 100
    text = f"Asset tag;Notes\r\nMS-1;ok\r\nMS-2;{cell}\r\nMS-3;ok\r\n"
    content = text.encode("utf-16") if encoding == "utf-16" else text.encode(encoding)
    with pytest.raises(TabularError) as caught:
        read_all(content, "assets.csv")
    assert (caught.value.code, caught.value.row, caught.value.column) == (
        "cell_too_long",
        3,
        "Notes",
    )
    short = text.replace(cell, '"' + ("ä" * 99 + "\n") * 300 + '"')  # 30,000: accepted
    assert read_all(short.encode("utf-8"), "assets.csv") == 3
