"""Parsing cell text: numbers, dates, yes/no, headers, HTML, formula injection."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kretslopp.tabular import (
    TabularError,
    ValueParseError,
    neutralise_cell,
    normalise_header,
    parse_bool,
    parse_date,
    parse_decimal,
    strip_html,
    undo_neutralise,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("  ", None),
        ("1 234,50", "1234.50"),
        ("1234.50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("12,5", "12.5"),
        ("\xa01 234,5", "1234.5"),
        ("1\u202f234,5", "1234.5"),
        ("1,234", "1.234"),  # a lone comma is a decimal comma
        ("1.234", "1.234"),  # and so is a lone point
        ("1,234,567", "1234567"),
        ("1 234 567", "1234567"),
        ("-12,5", "-12.5"),
        ("\u221212,5", "-12.5"),
        ("12 495 kr", "12495"),
        ("1 234:-", "1234"),
        ("SEK 1 234,00", "1234.00"),
        (",5", "0.5"),
        ("1.5E+3", "1.5E+3"),
        ("1'234.5", "1234.5"),
    ],
)
def test_parse_decimal(text: str, expected: str | None) -> None:
    result = parse_decimal(text)
    assert result == (Decimal(expected) if expected is not None else None)


@pytest.mark.parametrize(
    "text", ["abc", "1,2,3", "12 34", "1.2.3,4,5", "NaN", "Infinity", "--1", "1,,5"]
)
def test_parse_decimal_rejects_clearly(text: str) -> None:
    with pytest.raises(ValueError, match="not a number") as caught:
        parse_decimal(text)
    assert isinstance(caught.value, ValueParseError)
    assert caught.value.code == "not_a_number" and caught.value.params == {"value": text}


decimals = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False
)


@given(decimals)
def test_decimal_round_trips_english_format(value: Decimal) -> None:
    assert parse_decimal(f"{value:,.2f}") == value


@given(decimals)
def test_decimal_round_trips_swedish_format(value: Decimal) -> None:
    swedish = f"{value:,.2f}".replace(",", "\xa0").replace(".", ",")
    assert parse_decimal(swedish) == value


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4))
def test_decimal_round_trips_plain(value: Decimal) -> None:
    assert parse_decimal(format(value, "f")) == value
    assert parse_decimal(format(value, "f").replace(".", ",")) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-03-04", dt.date(2021, 3, 4)),
        ("2021-03-04T10:00:00Z", dt.date(2021, 3, 4)),
        ("2021-03-04T23:30:00+01:00", dt.date(2021, 3, 4)),
        ("2021-03-04 10:00", dt.date(2021, 3, 4)),
        ("2023-05-30 08:40:31.0000000", dt.date(2023, 5, 30)),
        ("20210304", dt.date(2021, 3, 4)),
        ("2021/03/04", dt.date(2021, 3, 4)),
        ("4/3/2021", dt.date(2021, 3, 4)),  # day first, as Swedish Excel
        ("04.03.2021", dt.date(2021, 3, 4)),
        ("4-3-2021", dt.date(2021, 3, 4)),
        ("13/1/2021 14:05", dt.date(2021, 1, 13)),
        ("2024-02-29", dt.date(2024, 2, 29)),
        ("", None),
    ],
)
def test_parse_date(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2021-02-30", "impossible_date"),
        ("2023-02-29", "impossible_date"),
        ("31/02/2021", "impossible_date"),
        ("12/31/2021", "impossible_date"),
        ("2021-13-01", "impossible_date"),
        ("4/3/21", "ambiguous_year"),
        ("44259", "not_a_date"),
        ("mars 2021", "not_a_date"),
    ],
)
def test_parse_date_rejects(text: str, code: str) -> None:
    with pytest.raises(ValueParseError) as caught:
        parse_date(text)
    assert caught.value.code == code


def test_parse_date_excel_serial_only_when_asked() -> None:
    assert parse_date("44259", excel_serial=True) == dt.date(2021, 3, 4)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ja", True), ("Nej", False), ("YES", True), ("no", False), ("true", True),
     ("FALSE", False), ("1", True), ("0", False), ("x", True), ("X", True), ("Sant", True),
     ("falskt", False), ("", None), (" ", None)],
)  # fmt: skip
def test_parse_bool(text: str, expected: bool | None) -> None:
    assert parse_bool(text) is expected


def test_parse_bool_rejects() -> None:
    with pytest.raises(ValueError, match="not yes or no: 'kanske'"):
        parse_bool("kanske")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=SUM(A1)", "'=SUM(A1)"), ("+46 40 34 10 00", "'+46 40 34 10 00"), ("-x", "'-x"),
     ("@cmd", "'@cmd"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("Latitude 5420", "Latitude 5420"),
     ("", ""), (-12, -12), (Decimal("-1.5"), Decimal("-1.5")), (None, None),
     # spreadsheets trim leading spaces before they read a formula
     ("  =HYPERLINK(\"http://x\")", "'  =HYPERLINK(\"http://x\")"), ("\u00a0+1", "'\u00a0+1"),
     ("\n=1", "'\n=1"), ("  Latitude", "  Latitude"), (" ", " ")],
)  # fmt: skip
def test_neutralise_cell(value: object, expected: object) -> None:
    assert neutralise_cell(value) == expected


@pytest.mark.parametrize(
    "text", ["=SUM(A1)", "  =1", "'quoted", "  plain", "", "\t@x", "-", "it's"]
)
def test_what_was_neutralised_reads_back_as_it_was(text: str) -> None:
    assert undo_neutralise(neutralise_cell(text)) == text


def test_a_csv_export_neutralises_a_formula_behind_spaces() -> None:
    import io

    from kretslopp.tabular.writing import write_csv

    stream = io.StringIO()
    write_csv(stream, ["Name"], [["  =cmd|' /C calc'!A0"], ["  plain"]])
    assert "\r\n'  =cmd" in stream.getvalue()
    assert "\r\n  plain\r\n" in stream.getvalue()


@pytest.mark.parametrize(
    ("name", "expected"),
    [(" Model No.: ", "model no"), ("Inköpspris (kr)", "inköpspris kr"),
     ("purchase_price_sek", "purchase price sek"), ("Purchase price (SEK)", "purchase price sek"),
     ("Asset   #Tag", "asset tag"), ("\ufeffSerial", "serial"), ("Operating system - Name",
     "operating system name")],
)  # fmt: skip
def test_normalise_header(name: str, expected: str) -> None:
    assert normalise_header(name) == expected


def test_strip_html() -> None:
    assert strip_html('<a href="https://snipe/hardware/1">Dell &amp; Co</a>') == "Dell & Co"
    assert strip_html("rad 1<br>rad 2") == "rad 1\nrad 2"
    assert strip_html("RAM < 8 GB & SSD") == "RAM < 8 GB & SSD"


def test_error_carries_code_and_params_for_translation() -> None:
    error = TabularError.from_code("too_many_cells", file="a.csv", row=3, count=4, expected=3)
    assert (error.code, error.params) == ("too_many_cells", {"count": 4, "expected": 3})
    assert str(error) == "a.csv, row 3: the row has 4 cells but there are only 3 column names"
