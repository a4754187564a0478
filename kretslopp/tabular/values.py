"""Parsing cell text into values, and the small text helpers the import and export share.

The rules are written for Swedish municipal files first and international exports second:

* **Numbers** (:func:`parse_decimal`): spaces (also no-break and thin spaces) and
  apostrophes group thousands. When both ``,`` and ``.`` occur, the last one is the decimal
  separator and the other groups thousands (``1,234.50`` and ``1.234,50``). A separator that
  occurs more than once groups thousands (``1,234,567``). A *single* ``,`` or ``.`` is always
  the decimal separator — so ``1,234`` is 1.234, as a Swedish reader means it, never 1234.
  A trailing ``kr``, ``SEK`` or ``:-`` is ignored.
* **Dates** (:func:`parse_date`): ISO 8601 is always accepted (``2021-03-04``,
  ``2021-03-04T10:00:00Z``, ``2021-03-04 10:00``), and so is ``20210304``. Dates with the
  year last are read **day first** (``4/3/2021`` is 4 March), as Swedish and European Excel
  write them; we never guess month-first, so ``12/31/2021`` is an error rather than a silent
  swap. Only the calendar date is returned: a time or UTC offset is dropped without
  converting time zones, so the date is the one written in the file.
* **Yes/no** (:func:`parse_bool`): ja/nej, yes/no, true/false, sant/falskt, 1/0, y/n, and
  ``x`` (a ticked box) for yes.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from kretslopp.tabular.errors import ValueParseError

# --- numbers ----------------------------------------------------------------------------

_SPACES = str.maketrans({"\xa0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\t": " "})
_CURRENCY = re.compile(r"\s*(?:kr\.?|sek|:-)\s*$|^\s*sek\s*", re.IGNORECASE)
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED = {
    sep: re.compile(rf"\d{{1,3}}(?:{re.escape(sep)}\d{{3}})+") for sep in (" ", ",", ".", "'")
}


def parse_decimal(text: str) -> Decimal | None:
    """Parse a number written the Swedish or the English way; ``''`` gives ``None``.

    Raises :class:`ValueParseError` (a ``ValueError``) with code ``not_a_number``.
    See the module docstring for the separator rules.
    """
    stripped = text.translate(_SPACES).strip()
    if not stripped:
        return None
    if _PLAIN_NUMBER.fullmatch(stripped):  # the common machine-written case, fast
        return Decimal(stripped)
    cleaned = _CURRENCY.sub("", stripped).replace("\u2212", "-")
    sign = ""
    if cleaned[:1] in "+-" and cleaned:
        sign, cleaned = cleaned[0], cleaned[1:].lstrip()
    number = _normalise_separators(cleaned)
    if number is None:
        raise ValueParseError("not_a_number", value=text)
    try:
        return Decimal(sign + number)
    except InvalidOperation:
        raise ValueParseError("not_a_number", value=text) from None


def _normalise_separators(text: str) -> str | None:
    """Rewrite ``text`` (no sign) as ``1234.5``, or ``None`` if the grouping is invalid."""
    if not text:
        return None
    last_comma, last_dot = text.rfind(","), text.rfind(".")
    decimal_sep: str | None = None
    if last_comma >= 0 and last_dot >= 0:
        decimal_sep = "," if last_comma > last_dot else "."
    elif last_comma >= 0 and text.count(",") == 1:
        decimal_sep = ","
    elif last_dot >= 0 and text.count(".") == 1:
        decimal_sep = "."
    if decimal_sep is not None:
        integer, _, fraction = text.rpartition(decimal_sep)
        if not fraction.isdigit() or not fraction.isascii():
            return None
    else:
        integer, fraction = text, ""
    integer = _ungroup(integer)
    if integer is None:
        return None
    if not integer and not fraction:
        return None
    return f"{integer or '0'}.{fraction}" if fraction else integer


def _ungroup(integer: str) -> str | None:
    """Remove thousands separators from an integer part, checking groups of three digits."""
    if not integer or (integer.isdigit() and integer.isascii()):
        return integer
    separators = {char for char in integer if not char.isdigit()}
    if len(separators) != 1:
        return None
    (sep,) = separators
    pattern = _GROUPED.get(sep)
    if pattern is None or not pattern.fullmatch(integer):
        return None
    return integer.replace(sep, "")


# --- dates ------------------------------------------------------------------------------

_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*[AaPp][Mm])?)?\s*(?:Z|[+-]\d{2}:?\d{2})?"
_ISO_DATE = re.compile(rf"(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_TIME}")
_YEAR_FIRST = re.compile(rf"(\d{{4}})[/.](\d{{1,2}})[/.](\d{{1,2}}){_TIME}")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DAY_FIRST = re.compile(rf"(\d{{1,2}})([/.-])(\d{{1,2}})\2(\d{{4}}|\d{{2}}){_TIME}")
_SERIAL = re.compile(r"\d{1,7}(?:\.\d+)?")
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 after Excel's 1900 leap-year bug


def parse_date(text: str, *, excel_serial: bool = False) -> date | None:
    """Parse a calendar date; ``''`` gives ``None``.

    ISO and ``yyyymmdd`` always; ``d/m/yyyy``, ``d.m.yyyy`` and ``d-m-yyyy`` day first.
    With ``excel_serial=True`` a bare number such as ``44259`` is read as an Excel date
    serial — off by default, because the reader already turns date cells of XLSX files into
    ISO strings and a bare number in a CSV is more often an error than a date.

    Raises :class:`ValueParseError` with code ``not_a_date``, ``impossible_date`` or
    ``ambiguous_year``.
    """
    stripped = text.strip()
    if not stripped:
        return None
    for pattern in (_ISO_DATE, _YEAR_FIRST, _COMPACT):
        match = pattern.fullmatch(stripped)
        if match:
            year, month, day = match.group(1, 2, 3)
            return _make_date(text, int(year), int(month), int(day))
    match = _DAY_FIRST.fullmatch(stripped)
    if match:
        day, _, month, year = match.group(1, 2, 3, 4)
        if len(year) == 2:
            raise ValueParseError("ambiguous_year", value=text)
        return _make_date(text, int(year), int(month), int(day))
    if excel_serial and _SERIAL.fullmatch(stripped):
        days = int(float(stripped))
        if 1 <= days <= 2958465:  # 1900-01-01 .. 9999-12-31
            return _EXCEL_EPOCH + timedelta(days=days)
    raise ValueParseError("not_a_date", value=text)


def _make_date(text: str, year: int, month: int, day: int) -> date:
    """Build a date, explaining why an impossible one is impossible."""
    if not 1 <= month <= 12:
        detail = f"there is no month {month}"
        if 1 <= day <= 12:
            detail += "; dates are read day first (d/m/yyyy)"
        raise ValueParseError("impossible_date", value=text, detail=detail)
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueParseError(
            "impossible_date", value=text, detail=f"there is no day {day} in {year}-{month:02d}"
        ) from None


# --- yes/no -----------------------------------------------------------------------------

_TRUE = frozenset({"ja", "j", "yes", "y", "true", "sant", "1", "x"})
_FALSE = frozenset({"nej", "n", "no", "false", "falskt", "0"})


def parse_bool(text: str) -> bool | None:
    """Parse yes/no in Swedish or English; ``''`` gives ``None``.

    Raises :class:`ValueParseError` with code ``not_a_bool``.
    """
    key = text.strip().casefold()
    if not key:
        return None
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueParseError("not_a_bool", value=text)


# --- formula injection ------------------------------------------------------------------

#: Text that a spreadsheet may run as a formula starts with one of these.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: A cell starting with any of these may be a formula: the prefixes, or white space that a
#: spreadsheet trims before it reads ``  =HYPERLINK(…)`` as one.
RISKY_FIRST = frozenset("=+-@\t\r\n \u00a0")
_TRIMMED = " \t\r\n\u00a0"
T = TypeVar("T")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet might run ``text`` as a formula: it begins with ``=``, ``+``,
    ``-``, ``@``, tab, carriage return or line feed, or with spaces before one of the first
    four (LibreOffice and Excel trim leading spaces when they read a CSV cell)."""
    if not text or text[0] not in RISKY_FIRST:
        return False
    return text[0] in "\t\r\n" or text.lstrip(_TRIMMED)[:1] in ("=", "+", "-", "@")


def neutralise_cell(value: T) -> T:
    """Guard against spreadsheet formula injection (CSV injection).

    A text cell that :func:`looks_like_formula` could be run as a formula by Excel or
    LibreOffice when someone opens our export; prefixing an apostrophe makes it inert text.
    Numbers, dates and other non-text values pass unchanged, so a negative *number* stays a
    number.
    """
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value  # type: ignore[return-value]
    return value


def undo_neutralise(value: str) -> str:
    """Our own export read back: the apostrophe :func:`neutralise_cell` put before text that
    looked like a formula is removed (any other apostrophe is the text's own)."""
    if value.startswith("'") and looks_like_formula(value[1:]):
        return value[1:]
    return value


# --- headers ----------------------------------------------------------------------------

_SEPARATOR_CHARS = str.maketrans({"_": " ", "-": " ", "/": " ", "\\": " ", "\xa0": " "})


def normalise_header(name: str) -> str:
    """Reduce a column name to a key for matching: ``' Model No.: '`` → ``'model no'``.

    Case-folded, ``_ - /`` read as spaces, punctuation (``. : # ( )`` …) dropped and spaces
    collapsed, so ``purchase_price_sek`` and ``Purchase price (SEK)`` meet. Letters such as
    å, ä and ö are kept: they tell Swedish words apart.
    """
    folded = name.casefold().translate(_SEPARATOR_CHARS)
    kept = "".join(char for char in folded if char.isalnum() or char.isspace())
    return " ".join(kept.split())


# --- HTML -------------------------------------------------------------------------------

_TAG = re.compile(r"<(?:/?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?|!--.*?--)>", re.DOTALL)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")


def looks_like_markup(text: str) -> bool:
    """True if ``text`` holds an HTML tag or a character entity (``&amp;``)."""
    return ("<" in text and _TAG.search(text) is not None) or (
        "&" in text and _ENTITY.search(text) is not None
    )


def strip_html(text: str) -> str:
    """Remove HTML tags and decode entities: ``<a href="…">Dell &amp; Co</a>`` → ``Dell & Co``.

    Only real tags (``<`` directly followed by a tag name) and complete entities (ending in
    ``;``) are touched, so ``RAM < 8 GB & SSD`` stays as written. ``<br>`` becomes a newline.
    """
    if "<" in text:
        text = _BREAK.sub("\n", text)
        text = _TAG.sub("", text)
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
    return text.strip()
