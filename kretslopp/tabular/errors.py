"""Structured errors for reading tabular files and parsing cell values.

Every problem a user can cause with a file becomes a :class:`TabularError` that names the
file and, where it applies, the spreadsheet row and the column. Each error also carries a
stable ``code`` and its ``params`` so the Django side can translate the message without
parsing English text: look up ``code`` in its own catalogue and format it with ``params``.
The English templates below are the reference wording.
"""

from __future__ import annotations

from typing import Any

#: English message templates, keyed by error code. ``str.format`` placeholders are the
#: names in ``TabularError.params``.
MESSAGES: dict[str, str] = {
    # whole-file problems
    "empty_file": "the file is empty",
    "only_whitespace": "the file contains only blank space",
    "missing_header": "the first row is empty; it must hold the column names",
    "binary_file": "this is not a CSV or XLSX file (it looks like {kind})",
    "unsupported_workbook": (
        "this is {kind}, which cannot be read; save it as .xlsx (without a password) or as CSV"
    ),
    "corrupt_xlsx": "the XLSX file is damaged or incomplete (was the upload cut off?): {detail}",
    "not_xlsx": "this is a ZIP archive but not an Excel workbook (.xlsx)",
    "no_such_sheet": "there is no sheet named {sheet!r}; the sheets are: {sheets}",
    "empty_sheet": "the sheet {sheet!r} is empty",
    "unreadable": "the file could not be read: {detail}",
    # limits (kretslopp.tabular.limits): hostile or far too large files
    "file_too_large": "the file is {size_mb:,} MB; at most {limit_mb:,} MB can be read",
    "too_many_rows": "the file has more than {limit:,} rows; split it into smaller files",
    "too_many_columns": "the file has {count:,} columns; at most {limit:,} can be read",
    "sheet_too_large": (
        "the sheet's cells span {rows:,} rows and {columns:,} columns ({cells:,} cells); "
        "at most {limit:,} cells can be read"
    ),
    "cell_too_long": "a cell is longer than {limit:,} characters, the most a cell can hold",
    "xlsx_too_many_members": (
        "the XLSX archive holds more than {limit:,} files; a workbook has far fewer"
    ),
    "xlsx_too_large": (
        "the XLSX file unpacks to {size_mb:,} MB; at most {limit_mb:,} MB can be read"
    ),
    "xlsx_compression": (
        "the part {member} of the XLSX file is compressed {ratio:,} to 1; at most {limit:,} "
        "to 1 is accepted (this looks like a zip bomb)"
    ),
    "xlsx_size_mismatch": (
        "the part {member} of the XLSX file holds more than its header declares "
        "(this looks like a zip bomb)"
    ),
    "xlsx_padding": (
        "the part {member} of the XLSX file holds more than {limit_mb:,} MB of blank space "
        "in one place; Excel never writes that"
    ),
    "xlsx_dtd": (
        "the part {member} of the XLSX file declares a document type (DTD); Excel never writes that"
    ),
    # row-level problems
    "undecodable": (
        "the text is not valid {encoding} (byte {byte}); save the file as UTF-8 "
        "or as the same encoding throughout"
    ),
    "mixed_encodings": (
        "the row holds UTF-8 text but the rows before it are Windows-1252 (cp1252); "
        "save the whole file in one encoding"
    ),
    "binary_content": "the row contains a NUL byte; this looks like binary data, not text",
    "line_too_long": "the row is longer than {limit:,} characters; is this really a CSV file?",
    "field_too_long": (
        'a cell is longer than {limit:,} characters; perhaps a quote (") is never closed'
    ),
    "unterminated_quote": 'a quote (") opened in this row is never closed',
    "bad_quote": 'a quoted cell is followed by other text ("{detail}"); check the quotes',
    "too_many_cells": "the row has {count} cells but there are only {expected} column names",
    "mixed_delimiters": (
        "the row is separated with {found!r} but the file uses {expected!r} (mixed delimiters)"
    ),
    # value problems (raised by the parsers as ValueParseError, wrapped by the import)
    "not_a_number": "not a number: {value!r}",
    "not_a_date": "not a date: {value!r}",
    "impossible_date": "impossible date: {value!r} ({detail})",
    "ambiguous_year": "a two-digit year is ambiguous, write four digits: {value!r}",
    "not_a_bool": "not yes or no: {value!r}",
}


def format_message(code: str, params: dict[str, Any]) -> str:
    """Render the English template for ``code``; unknown codes fall back to the code."""
    template = MESSAGES.get(code, code)
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


class TabularError(Exception):
    """A problem with a file the user supplied, located as precisely as we can.

    ``str(error)`` reads like ``assets.csv, row 14, column 'Purchase Date': not a date:
    '31/02/2021'`` so it can be shown as is; ``file``, ``row``, ``column``, ``code`` and
    ``params`` let callers build their own (translated) text.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        code: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        self.code = code
        self.params = dict(params or {})

    @classmethod
    def from_code(
        cls,
        code: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        **params: Any,
    ) -> TabularError:
        """Build an error from a code in :data:`MESSAGES` and its parameters."""
        return cls(
            format_message(code, params),
            file=file,
            row=row,
            column=column,
            code=code,
            params=params,
        )

    def located(
        self, *, file: str | None = None, row: int | None = None, column: str | None = None
    ) -> TabularError:
        """Return a copy with missing location parts filled in (existing ones win)."""
        return TabularError(
            self.message,
            file=self.file if self.file is not None else file,
            row=self.row if self.row is not None else row,
            column=self.column if self.column is not None else column,
            code=self.code,
            params=self.params,
        )

    @property
    def location(self) -> str:
        """``'assets.csv, row 14, column 'Price''`` — the parts that are known."""
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        location = self.location
        return f"{location}: {self.message}" if location else self.message

    def __repr__(self) -> str:
        return (
            f"TabularError({self.message!r}, file={self.file!r}, row={self.row!r}, "
            f"column={self.column!r}, code={self.code!r})"
        )


class ValueParseError(ValueError):
    """A cell value that does not parse; a ``ValueError`` with a code for translation.

    The parsers raise this rather than :class:`TabularError` because they do not know the
    file, row or column; the import wraps it with :meth:`to_tabular_error`.
    """

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        self.message = format_message(code, params)
        super().__init__(self.message)

    def to_tabular_error(
        self, *, file: str | None = None, row: int | None = None, column: str | None = None
    ) -> TabularError:
        """Locate this value error in a file."""
        return TabularError(
            self.message, file=file, row=row, column=column, code=self.code, params=self.params
        )
