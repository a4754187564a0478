"""The plain-price shortcut gives what the general number parser gives, or steps aside."""

from __future__ import annotations

import pytest

from kretslopp.imports.assets.target import plain_price
from kretslopp.tabular import parse_decimal


@pytest.mark.parametrize(
    "text", ["0", "7", "12345", "12345.67", "12345,67", "0012.50", "1.234", "1,5", "9999999999.99"]
)
def test_a_plain_price_is_read_as_the_general_parser_reads_it(text):
    value = plain_price(text)
    assert value is not None
    assert value == parse_decimal(text)
    assert str(value) == str(parse_decimal(text))


@pytest.mark.parametrize(
    "text",
    ["", "-5", "+5", ".5", "5.", "1 234,50", "1.234,50", "12.5.3", "1,234,567", "12 kr",
     "1e5", "²3", "١٢", "NaN", "12,5 SEK", " 12"],
)  # fmt: skip
def test_anything_else_goes_to_the_general_parser(text):
    assert plain_price(text) is None
