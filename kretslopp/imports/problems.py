"""Problems found in an import, located by file, row and column, in the user's language.

:mod:`kretslopp.tabular` reports with stable codes and parameters (its English text is a
reference); this module renders those codes through gettext so a coordinator reads Swedish
or English. Every message says what is wrong *and* what to do, because the reader is a
department coordinator, not a developer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kretslopp.tabular import TabularError


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one row (``row`` None: the whole file), as a user reads it."""

    row: int | None
    column: str | None
    value: str
    message: str
    code: str
    file: str = ""
    warning: bool = False  # a warning does not stop the import

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Problem:
        return cls(**{key: data.get(key) for key in cls.__dataclass_fields__})  # type: ignore[arg-type]

    @property
    def location(self) -> str:
        parts = [self.file] if self.file else []
        if self.row is not None:
            parts.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            parts.append(_("column “%(column)s”") % {"column": self.column})
        return ", ".join(parts)


# tabular's error codes → our wording; %(name)s placeholders are tabular's params.
TABULAR_MESSAGES = {
    "empty_file": gettext_lazy("The file is empty."),
    "only_whitespace": gettext_lazy("The file contains only blank space."),
    "missing_header": gettext_lazy("The first row is empty; it must hold the column names."),
    "binary_file": gettext_lazy(
        "This is not a CSV or Excel (.xlsx) file. Save the list from Excel as .xlsx or CSV."
    ),
    "unsupported_workbook": gettext_lazy(
        "This workbook format cannot be read (old .xls, password-protected or OpenDocument). "
        "Save it as .xlsx without a password, or as CSV."
    ),
    "corrupt_xlsx": gettext_lazy(
        "The Excel file is damaged or incomplete (was the upload cut off?). "
        "Open it in Excel and save it again."
    ),
    "not_xlsx": gettext_lazy("This is a ZIP archive, not an Excel workbook (.xlsx)."),
    "no_such_sheet": gettext_lazy("There is no sheet named %(sheet)s; the sheets are: %(sheets)s."),
    "empty_sheet": gettext_lazy("The sheet %(sheet)s is empty."),
    "unreadable": gettext_lazy("The file could not be read: %(detail)s"),
    "file_too_large": gettext_lazy(
        "The file is %(size_mb)s MB; at most %(limit_mb)s MB can be imported. "
        "Split it into smaller files."
    ),
    "too_many_rows": gettext_lazy(
        "The file has more than %(limit)s rows, the most one import reads. "
        "Split it into smaller files."
    ),
    "too_many_columns": gettext_lazy(
        "The file has %(count)s columns; at most %(limit)s can be read. "
        "Remove the columns that are not needed."
    ),
    "sheet_too_large": gettext_lazy(
        "The sheet's cells span %(rows)s rows and %(columns)s columns (%(cells)s cells); at "
        "most %(limit)s cells can be read. Delete the empty rows and columns beyond the data "
        "in Excel, or split the file."
    ),
    "cell_too_long": gettext_lazy(
        "A cell is longer than %(limit)s characters, the most a cell can hold."
    ),
    "xlsx_too_many_members": gettext_lazy(
        "The Excel file holds more than %(limit)s parts; a workbook has far fewer. "
        "Open it in Excel and save it again."
    ),
    "xlsx_too_large": gettext_lazy(
        "The Excel file unpacks to %(size_mb)s MB; at most %(limit_mb)s MB can be read. "
        "Split it into smaller files."
    ),
    "xlsx_compression": gettext_lazy(
        "The Excel file is packed %(ratio)s to 1 (at most %(limit)s to 1 is accepted); "
        "this looks like a zip bomb, not a workbook saved by Excel."
    ),
    "xlsx_size_mismatch": gettext_lazy(
        "The Excel file holds more data than it declares; this looks like a zip bomb, not "
        "a workbook saved by Excel."
    ),
    "xlsx_padding": gettext_lazy(
        "The Excel file holds more than %(limit_mb)s MB of blank space in one place; "
        "Excel never writes that. Open it in Excel and save it again."
    ),
    "xlsx_dtd": gettext_lazy(
        "The Excel file declares a document type (DTD), which Excel never writes; it is "
        "not read, for safety."
    ),
    "undecodable": gettext_lazy(
        "The text is not valid %(encoding)s (byte %(byte)s). Save the file as UTF-8, "
        "or in the same encoding throughout."
    ),
    "mixed_encodings": gettext_lazy(
        "This row is UTF-8 but the rows before it are Windows-1252: the file mixes two "
        "encodings. Save the whole file again as UTF-8."
    ),
    "binary_content": gettext_lazy(
        "This row contains a NUL byte, which looks like binary data rather than text."
    ),
    "line_too_long": gettext_lazy(
        "This row is longer than %(limit)s characters; is this really a CSV file?"
    ),
    "field_too_long": gettext_lazy(
        'A cell is longer than %(limit)s characters; perhaps a quote (") is never closed.'
    ),
    "unterminated_quote": gettext_lazy('A quote (") opened in this row is never closed.'),
    "bad_quote": gettext_lazy("A quoted cell is followed by more text; check the quotes."),
    "too_many_cells": gettext_lazy(
        "The row has %(count)s cells but there are only %(expected)s column names."
    ),
    "mixed_delimiters": gettext_lazy(
        "This row is separated with “%(found)s” but the file uses “%(expected)s”: "
        "use one separator throughout."
    ),
    "not_a_number": gettext_lazy("“%(value)s” is not a number."),
    "not_a_date": gettext_lazy(
        "“%(value)s” is not a date. Write dates as 2021-03-04 or 4/3/2021 (day first)."
    ),
    "impossible_date": gettext_lazy(
        "“%(value)s” is not a real date (dates are read day first: d/m/yyyy, or yyyy-mm-dd)."
    ),
    "ambiguous_year": gettext_lazy(
        "“%(value)s” has a two-digit year, which is ambiguous; write all four digits."
    ),
    "not_a_bool": gettext_lazy("“%(value)s” is not yes or no (ja/nej, yes/no, 1/0)."),
    "csv_error": gettext_lazy("The row could not be read as CSV: %(detail)s"),
}


def tabular_message(code: str | None, params: dict[str, Any], fallback: str) -> str:
    """Translate one of tabular's error codes; unknown codes keep tabular's English text."""
    template = TABULAR_MESSAGES.get(code or "")
    if template is None:
        return fallback
    values = {key: _printable(value) for key, value in params.items()}
    values.setdefault("detail", fallback)
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return fallback


def _printable(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return number_format(value, force_grouping=True)  # 32 767 in Swedish
    text = str(value)
    return {"\t": "tab", ";": ";", ",": ","}.get(text, text)


def from_tabular(error: TabularError) -> Problem:
    """A reading error as a problem of the file (no row) or of one row."""
    value = str(error.params.get("value", ""))
    return Problem(
        row=error.row,
        column=error.column,
        value=value,
        message=tabular_message(error.code, error.params, error.message),
        code=error.code or "tabular",
        file=error.file or "",
    )
