"""Malformed files: each gets a clear error naming its row and column, and nothing is written."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import pytest

from kretslopp.imports.tests.conftest import db_counts, import_file

HEADER = "Asset tag,Serial number,Manufacturer,Model,Department,Status,Purchase date,Purchase price (SEK),Has storage,Supplier,Notes"  # noqa: E501
GOOD = "MS-100,SN-100,Dell,Latitude 5420,GRF,In use,2021-03-04,12495.00,yes,Atea,"


def csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("utf-8")


def row(**changes: str) -> str:
    """The good row with some cells replaced."""
    names = HEADER.split(",")
    cells = dict(zip(names, GOOD.split(","), strict=True))
    assert set(changes) <= set(cells), changes
    cells.update(changes)
    return ",".join(cells[name] for name in names)


def xlsx_bytes() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(HEADER.split(","))
    for n in range(200):
        book.active.append(GOOD.replace("100", str(n)).split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return buffer.getvalue()


@dataclass
class Case:
    id: str
    content: bytes
    row: int | None
    column: str | None
    code: str
    name: str = "assets.csv"
    status: str = "rejected"
    user: str | None = None
    allow_new_models: bool = False


UNREADABLE = "unreadable"
CASES = [
    Case("empty file", b"", None, None, "empty_file", status=UNREADABLE),
    Case("only blank space", b"  \r\n\r\n  ", None, None, "only_whitespace", status=UNREADABLE),
    Case(
        "a PNG image",
        b"\x89PNG\r\n\x1a\n" + bytes(200),
        None,
        None,
        "binary_file",
        status=UNREADABLE,
    ),  # noqa: E501
    Case(
        "a PDF",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        None,
        None,
        "binary_file",
        status=UNREADABLE,
    ),  # noqa: E501
    Case("binary noise", bytes(range(256)) * 40, 1, None, "binary_content", status=UNREADABLE),
    Case("truncated XLSX", xlsx_bytes()[:3000], None, None, "corrupt_xlsx", "a.xlsx", UNREADABLE),
    Case("a ZIP that is no workbook", zip_bytes(), None, None, "not_xlsx", "a.xlsx", UNREADABLE),
    Case(
        "old Excel .xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
        None,
        None,
        "unsupported_workbook",
        "a.xls",
        UNREADABLE,
    ),  # noqa: E501
    Case("empty first row", b"\r\n" + csv(GOOD), 1, None, "missing_header", status=UNREADABLE),
    Case("no header row", csv(GOOD, header=GOOD.replace("100", "99")), 1, None, "no_identifier"),
    Case(
        "duplicate header",
        csv(GOOD + ",MS-1", header=HEADER + ",Asset tag"),
        1,
        "Asset tag",
        "duplicate_header",
    ),  # noqa: E501
    Case(
        "missing department column",
        csv(
            "MS-100,SN-100,Dell,Latitude 5420", header="Asset tag,Serial number,Manufacturer,Model"
        ),
        2,
        None,
        "missing_department",
    ),  # noqa: E501
    Case("empty department cell", csv(row(Department="")), 2, "Department", "missing_department"),
    Case(
        "duplicate asset tags",
        csv(GOOD, GOOD.replace("SN-100", "SN-101")),
        3,
        "Asset tag",
        "duplicate_tag",
    ),  # noqa: E501
    Case(
        "duplicate serials",
        csv(GOOD, GOOD.replace("MS-100", "MS-101")),
        3,
        "Serial number",
        "duplicate_serial",
    ),  # noqa: E501
    Case(
        "impossible date",
        csv(
            GOOD, row(**{"Asset tag": "MS-2", "Serial number": "S2", "Purchase date": "31/02/2021"})
        ),
        3,
        "Purchase date",
        "impossible_date",
    ),  # noqa: E501
    Case("not a date", csv(row(**{"Purchase date": "igår"})), 2, "Purchase date", "not_a_date"),
    Case(
        "two-digit year",
        csv(row(**{"Purchase date": "4/3/21"})),
        2,
        "Purchase date",
        "ambiguous_year",
    ),  # noqa: E501
    Case(
        "month first",
        csv(row(**{"Purchase date": "12/31/2021"})),
        2,
        "Purchase date",
        "impossible_date",
    ),  # noqa: E501
    Case(
        "not a number",
        csv(row(**{"Purchase price (SEK)": "tolv tusen"})),
        2,
        "Purchase price (SEK)",
        "not_a_number",
    ),  # noqa: E501
    Case(
        "negative price",
        csv(row(**{"Purchase price (SEK)": "-5"})),
        2,
        "Purchase price (SEK)",
        "price_out_of_range",
    ),  # noqa: E501
    Case("not yes or no", csv(row(**{"Has storage": "kanske"})), 2, "Has storage", "not_a_bool"),
    Case(
        "unknown department",
        csv(row(Department="Månförvaltningen")),
        2,
        "Department",
        "unknown_department",
    ),  # noqa: E501
    Case(
        "another department",
        csv(row(Department="MF")),
        2,
        "Department",
        "not_your_department",
        user="coordinator",
    ),  # noqa: E501
    Case(
        "asset of another department",
        csv(row(**{"Asset tag": "MS-0000002", "Serial number": ""})),
        2,
        "Asset tag",
        "not_yours",
        user="coordinator",
    ),  # noqa: E501
    Case("unknown status", csv(row(Status="Bortblåst")), 2, "Status", "unknown_status"),
    Case(
        "illegal status move",
        csv(row(**{"Asset tag": "MS-0000001", "Serial number": "", "Status": "Donated"})),
        2,
        "Status",
        "illegal_move",
    ),  # noqa: E501
    Case("unknown model", csv(row(Model="Latitude 9999")), 2, "Model", "unknown_model"),
    Case(
        "unknown category for a new model",
        csv(
            "MS-1,S1,Dell,X,Rymdskepp,GRF",
            header="Asset tag,Serial number,Manufacturer,Model,Category,Department",
        ),
        2,
        "Category",
        "unknown_category",
        allow_new_models=True,
    ),  # noqa: E501
    Case(
        "formula in notes",
        csv(row(Notes='"=HYPERLINK(""http://evil.example"";""klicka"")"')),
        2,
        "Notes",
        "formula",
    ),  # noqa: E501
    Case("formula with @", csv(row(Supplier="@SUM(A1:A9)")), 2, "Supplier", "formula"),
    Case("DDE payload", csv(row(Model="+cmd|' /C calc'!A0")), 2, "Model", "formula"),
    Case(
        "serial of another asset",
        csv(row(**{"Serial number": "SN-MS-0000001"})),
        2,
        "Serial number",
        "serial_taken",
    ),  # noqa: E501
    Case(
        "no tag for an unknown serial", csv(row(**{"Asset tag": ""})), 2, "Asset tag", "missing_tag"
    ),  # noqa: E501
    Case("asset tag too long", csv(row(**{"Asset tag": "X" * 60})), 2, "Asset tag", "too_long"),
    Case(
        "mixed delimiters",
        csv(GOOD, GOOD.replace("100", "101").replace(",", ";")),
        3,
        None,
        "mixed_delimiters",
    ),  # noqa: E501
    Case(
        "UTF-8 then a Windows-1252 row",
        csv(row(Notes="Skärm"), row(**{"Asset tag": "MS-2", "Serial number": "S2"}))
        + "MS-3,S3,Dell,P2422H,GRF,In stock,,,,,Sk\xe4rm\r\n".encode("cp1252"),
        4,
        None,
        "undecodable",
    ),  # noqa: E501
    Case(
        "Windows-1252 then a UTF-8 row",
        csv(row(Notes="x")).replace(b"x", "Skärm".encode("cp1252"))
        + "MS-3,S3,Dell,P2422H,GRF,In stock,,,,,Skärm\r\n".encode(),
        3,
        None,
        "mixed_encodings",
    ),  # noqa: E501
    Case(
        "an enormous line",
        csv(GOOD, ",".join(["y" * 100_000] * 20)),
        3,
        None,
        "line_too_long",
        status=UNREADABLE,
    ),
    Case(
        "an enormous cell",
        csv(GOOD, "MS-2,S2,Dell,P2422H,GRF,In stock,,,,," + "x" * 200_000),
        3,
        None,
        "field_too_long",
        status=UNREADABLE,
    ),
    Case(
        "an unterminated quote",
        csv(GOOD, 'MS-2,S2,Dell,P2422H,GRF,In stock,,,,,"never closed'),
        3,
        None,
        "unterminated_quote",
    ),  # noqa: E501
    Case("too many cells", csv(GOOD + ",extra,cells"), 2, None, "too_many_cells"),
    Case(
        "a NUL byte in a row",
        csv(GOOD, "MS-2,S2,Dell,P2422H,GRF,In stock,,,,,a\x00b"),
        3,
        None,
        "binary_content",
    ),  # noqa: E501
    Case(
        "ordered yet assigned",
        csv(
            "MS-1,S1,Dell,P2422H,GRF,Ordered,anv000001",
            header="Asset tag,Serial number,Manufacturer,Model,Department,Status,Assignee",
        ),
        2,
        "Assignee",
        "ordered_assigned",
    ),  # noqa: E501
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_malformed_file_is_refused_with_its_row_and_column(town, case):
    before = db_counts()
    user = town.users[case.user] if case.user else None
    result = import_file(case.content, case.name, user=user, allow_new_models=case.allow_new_models)
    assert result.status == case.status, result.summary()
    assert not result.ok
    found = [(p.row, p.column, p.code) for p in result.errors]
    assert (case.row, case.column, case.code) in found, found
    problem = next(p for p in result.errors if p.code == case.code)
    assert problem.message and problem.file == case.name
    assert db_counts() == before


def test_there_are_at_least_thirty_malformed_files():
    assert len(CASES) >= 30
