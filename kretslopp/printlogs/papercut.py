"""PaperCut print logs (CSV) → print jobs, read through :func:`kretslopp.tabular.open_table`.

Two shapes are accepted, told apart by their first line:

* PaperCut Print Logger's daily file ``papercut-print-log-YYYY-MM-DD.csv`` (and its
  ``papercut-print-log-all.csv``): a first line of metadata (``PaperCut Print Logger :
  http://www.papercut.com/``), then the header.
* The same columns exported without that line (an admin's "print log" export).

Columns used: ``Time``, ``User``, ``Pages``, ``Copies``, ``Printer`` (required) and
``Paper Size``, ``Duplex`` (``DUPLEX``/``NOT DUPLEX``), ``Grayscale``
(``GRAYSCALE``/``NOT GRAYSCALE``) where present; ``Document Name``, ``Client``, ``Language``,
``Height``, ``Width`` and ``Size`` are read past and not kept. ``Pages`` is PaperCut's total of
printed pages over all copies. Line numbers in errors are the file's (the metadata line
counts), so they match what a text editor shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import BinaryIO

from kretslopp.tabular import Table, TabularError, normalise_header, open_table, parse_bool

from .departments import MonthlyTally
from .records import A4_EQUIVALENT, ErrorLog, PrintJob, normalise_paper_size, sheets_for
from .sources import LogSource, open_binary

METADATA_PREFIX = "papercut print logger"
REQUIRED = {
    "time": "Time",
    "user": "User",
    "pages": "Pages",
    "copies": "Copies",
    "printer": "Printer",
}
OPTIONAL = {"paper size": "Paper Size", "duplex": "Duplex", "grayscale": "Grayscale"}
_DUPLEX = {"duplex": True, "not duplex": False}
_GRAYSCALE = {"grayscale": True, "not grayscale": False, "greyscale": True, "not greyscale": False}


def _skip_metadata(stream: BinaryIO) -> int:
    """Step past PaperCut's metadata line if the file has one; return the lines skipped.

    The stream is left at the header line, which :func:`open_table` takes as the start of
    the file (it reads from the stream's position), so the data is still streamed.
    """
    first = stream.readline(4096)
    text = first.decode("utf-8", "replace").lstrip("\ufeff").strip().casefold()
    if text.startswith(METADATA_PREFIX):
        return 1
    stream.seek(0)
    return 0


def parse_papercut_time(text: str) -> datetime:
    """``2026-11-21 09:14:07`` (also with ``T``, seconds optional) → a naive local datetime."""
    stripped = text.strip()
    try:
        return datetime.fromisoformat(stripped)
    except ValueError:
        pass
    for pattern in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y/%m/%d %H:%M:%S"):
        try:
            return datetime.strptime(stripped, pattern)
        except ValueError:
            continue
    raise ValueError(f"not a date and time: {text!r}")


def _flag(text: str, words: dict[str, bool], column: str) -> bool | None:
    lower = text.strip().casefold()
    if not lower:
        return None
    if lower in words:
        return words[lower]
    value = parse_bool(text)  # ja/nej, yes/no, true/false, 1/0 from hand-made exports
    if value is None:
        raise ValueError(f"{column} should be one of {', '.join(w.upper() for w in words)}")
    return value


def _count(text: str, column: str) -> int:
    stripped = text.strip()
    if not stripped.isdigit():
        raise ValueError(f"{column} is not a whole number: {text!r}")
    return int(stripped)


def iter_papercut_jobs(source: LogSource, errors: ErrorLog) -> Iterator[PrintJob]:
    """Yield the jobs of a PaperCut print log; bad rows go to ``errors`` and are skipped.

    A problem with the file as a whole (not a CSV, a missing column, a broken quote that
    makes the rest unreadable) is recorded as fatal and ends the reading.
    """
    with open_binary(source) as stream:
        skipped = _skip_metadata(stream)
        try:
            table = open_table(stream, errors.file_name)
        except TabularError as exc:
            errors.add(None, exc.code or "unreadable", exc.message)
            errors.fatal = True
            return
        yield from _jobs(table, skipped, errors)


@dataclass(frozen=True, slots=True)
class _Columns:
    """Where the columns we use are in this file's rows (``None``: an optional one is absent)."""

    headers: list[str]
    time: int
    user: int
    pages: int
    copies: int
    printer: int
    size: int | None
    duplex: int | None
    grey: int | None


def _columns(table: Table, skipped: int, errors: ErrorLog) -> _Columns | None:
    """The column positions, or ``None`` (and a fatal error) if a required one is missing."""
    index = {normalise_header(h): i for i, h in enumerate(table.headers)}
    missing = [label for key, label in REQUIRED.items() if key not in index]
    if missing:
        errors.add(
            1 + skipped, "missing_columns",
            f"not a PaperCut print log: the column(s) {', '.join(missing)} are missing",
        )  # fmt: skip
        errors.fatal = True
        return None
    return _Columns(table.headers, *(index[k] for k in REQUIRED), *(index.get(k) for k in OPTIONAL))


def _rows(table: Table, skipped: int, errors: ErrorLog) -> Iterator[tuple[int, tuple[str, ...]]]:
    """(file line number, cells) per row, until the end or a structural (fatal) error."""
    rows = table.rows()
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except TabularError as exc:
            line = None if exc.row is None else exc.row + skipped
            errors.add(line, exc.code or "unreadable", exc.message)
            errors.fatal = True  # the reader cannot go on after a structural error
            return
        yield row.number + skipped, row.values


class _CellError(ValueError):
    """A cell we cannot read; ``column`` is its header as written in the file."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


_Cells = tuple[datetime, int, int, "bool | None", "bool | None"]


def _read_cells(values: tuple[str, ...], cols: _Columns) -> _Cells:
    """Time, pages, copies, duplex and grayscale of a row, checked in that order (the first
    bad cell is the one reported)."""
    column = cols.time
    try:
        time = parse_papercut_time(values[column])
        column = cols.pages
        pages = _count(values[column], "Pages")
        column = cols.copies
        copies = _count(values[column], "Copies") or 1
        duplex = grey = None
        if cols.duplex is not None:
            column = cols.duplex
            duplex = _flag(values[column], _DUPLEX, "Duplex")
        if cols.grey is not None:
            column = cols.grey
            grey = _flag(values[column], _GRAYSCALE, "Grayscale")
    except ValueError as exc:
        raise _CellError(cols.headers[column], str(exc)) from None
    return time, pages, copies, duplex, grey


def _jobs(table: Table, skipped: int, errors: ErrorLog) -> Iterator[PrintJob]:
    cols = _columns(table, skipped, errors)
    if cols is None:
        return
    for line, values in _rows(table, skipped, errors):
        try:
            cells = _read_cells(values, cols)
        except _CellError as exc:
            errors.add(line, "bad_value", str(exc), exc.column)
            continue
        yield _job(line, values, cols, cells)


def _job(line: int, values: tuple[str, ...], cols: _Columns, cells: _Cells) -> PrintJob:
    time, pages, copies, duplex, grey = cells
    return PrintJob(
        time=time,
        user=values[cols.user].strip(),
        printer=values[cols.printer].strip(),
        job_id="",
        pages=pages,
        copies=copies,
        sheets=sheets_for(pages, copies, duplex),
        duplex=duplex,
        colour=None if grey is None else not grey,
        billing_code=None,
        paper_size=normalise_paper_size(values[cols.size]) if cols.size is not None else None,
        source_line=line,
    )


#: The time stamps PaperCut writes; only texts of this shape are remembered by parts.
_STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}")


@cache
def _clocks() -> frozenset[str]:
    """Every valid "HH:MM:SS": known up front, a year's rows need not learn them one by one
    (in a part of a log each clock time is mostly new)."""
    return frozenset(
        f"{hour:02d}:{minute:02d}:{second:02d}"
        for hour in range(24)
        for minute in range(60)
        for second in range(60)
    )


class _Memo:
    """Cell texts already read once, so a repeated text costs one dict lookup.

    A year's rows repeat a few hundred days and a handful of page counts, flags and paper
    sizes; the 86,400 clock times are all known from the start. Only texts that read well
    are remembered, so a miss always goes back to :func:`_read_cells`, which reports a bad
    cell as it does for the general reader. A time is looked up as its day ("2026-11-21 ")
    and its clock ("09:14:07") apart, and a day is remembered only from a time of
    PaperCut's shape, so any known day with any valid clock is a valid time. Duplex,
    Grayscale and Paper Size are remembered together, as what the totals need of them:
    (duplex, colour, A4 factor).
    """

    def __init__(self) -> None:
        self.days: dict[str, str] = {}
        self.clocks = _clocks()
        self.pages: dict[str, int] = {}
        self.copies: dict[str, int] = {}
        self.settings: dict[tuple[str, str, str], tuple[bool | None, bool | None, float]] = {}

    def learn(
        self, values: tuple[str, ...], cols: _Columns
    ) -> tuple[str, int, int, tuple[bool | None, bool | None, float]]:
        """Read a row the lookups missed (raises :class:`_CellError`) and remember its texts.

        Returns the month, pages, copies and setting, as the lookups would have.
        """
        time, pages, copies, duplex, grey = _read_cells(values, cols)
        month = f"{time.year:04d}-{time.month:02d}"
        stamp = values[cols.time]
        if _STAMP.fullmatch(stamp):
            self.days[stamp[:11]] = month
        self.pages[values[cols.pages]] = pages
        self.copies[values[cols.copies]] = copies
        size_text = values[cols.size]  # type: ignore[index]
        size = normalise_paper_size(size_text)
        factor = A4_EQUIVALENT.get(size, 1.0) if size else 1.0
        setting = (duplex, None if grey is None else not grey, factor)
        self.settings[(values[cols.duplex], values[cols.grey], size_text)] = setting  # type: ignore[index]
        return month, pages, copies, setting


def summarise_papercut(source: LogSource, errors: ErrorLog, tally: MonthlyTally) -> None:
    """Add every job of a PaperCut print log to ``tally``, as the general reader's jobs would.

    Rows still come through :func:`open_table` (its encoding, delimiter and structure rules
    apply unchanged); what is saved is per-row work: cell texts seen before are looked up
    (:class:`_Memo`) and no job object is built. A file without the Paper Size, Duplex or
    Grayscale column (a hand-made export) takes the general reader.
    """
    with open_binary(source) as stream:
        skipped = _skip_metadata(stream)
        try:
            table = open_table(stream, errors.file_name)
        except TabularError as exc:
            errors.add(None, exc.code or "unreadable", exc.message)
            errors.fatal = True
            return
        cols = _columns(table, skipped, errors)
        if cols is None:
            return
        if None in (cols.size, cols.duplex, cols.grey):
            for job in _jobs(table, skipped, errors):
                tally.add_job(job)
            return
        _tally_rows(table, skipped, cols, errors, tally)


def _tally_rows(
    table: Table, skipped: int, cols: _Columns, errors: ErrorLog, tally: MonthlyTally
) -> None:
    """The per-row loop of :func:`summarise_papercut`: lookups, and the totals' additions
    written out (this runs two million times for a city's year)."""
    memo = _Memo()
    days, clocks, pages_of, copies_of = memo.days, memo.clocks, memo.pages, memo.copies
    settings = memo.settings
    i_time, i_user, i_printer, i_pages, i_copies = (
        cols.time, cols.user, cols.printer, cols.pages, cols.copies
    )  # fmt: skip
    i_size, i_duplex, i_grey = cols.size, cols.duplex, cols.grey
    cells = tally.cells
    try:
        for row in table.rows():
            values = row.values
            stamp = values[i_time]
            month = days.get(stamp[:11]) if stamp[11:] in clocks else None
            pages = pages_of.get(values[i_pages])
            copies = copies_of.get(values[i_copies])
            setting = settings.get((values[i_duplex], values[i_grey], values[i_size]))  # type: ignore[index]
            if month is None or pages is None or copies is None or setting is None:
                try:
                    month, pages, copies, setting = memo.learn(values, cols)
                except _CellError as exc:
                    errors.add(row.number + skipped, "bad_value", str(exc), exc.column)
                    continue
            names = (values[i_user], values[i_printer], None)
            stats = (
                cells.get(names)
                or tally.new_names(names, _maker(values, cols, row.number + skipped))
            )[month]
            duplex, colour, factor = setting
            sheets = sheets_for(pages, copies, duplex) if duplex else pages
            stats.jobs += 1
            stats.pages += pages
            stats.sheets += sheets
            stats.a4_sheets += sheets * factor
            if duplex is not None:
                stats.pages_duplex_known += pages
                if duplex:
                    stats.pages_duplex += pages
            if colour is not None:
                stats.pages_colour_known += pages
                if colour:
                    stats.pages_colour += pages
    except TabularError as exc:
        line = None if exc.row is None else exc.row + skipped
        errors.add(line, exc.code or "unreadable", exc.message)
        errors.fatal = True  # the reader cannot go on after a structural error


def _maker(values: tuple[str, ...], cols: _Columns, line: int) -> Callable[[], PrintJob]:
    """The job a ``department_of`` callable is shown, built only for new names."""
    return lambda: _job(line, values, cols, _read_cells(values, cols))
