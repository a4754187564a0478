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

from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO

from kretslopp.tabular import Table, TabularError, normalise_header, open_table, parse_bool

from .records import ErrorLog, PrintJob, normalise_paper_size, sheets_for
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


def _jobs(table: Table, skipped: int, errors: ErrorLog) -> Iterator[PrintJob]:
    index = {normalise_header(h): i for i, h in enumerate(table.headers)}
    missing = [label for key, label in REQUIRED.items() if key not in index]
    if missing:
        errors.add(
            1 + skipped, "missing_columns",
            f"not a PaperCut print log: the column(s) {', '.join(missing)} are missing",
        )  # fmt: skip
        errors.fatal = True
        return
    i_time, i_user, i_pages, i_copies, i_printer = (index[k] for k in REQUIRED)
    i_size, i_duplex, i_grey = (index.get(k) for k in OPTIONAL)
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
        values = row.values
        line = row.number + skipped
        column = "Time"
        try:
            time = parse_papercut_time(values[i_time])
            column = "Pages"
            pages = _count(values[i_pages], column)
            column = "Copies"
            copies = _count(values[i_copies], column) or 1
            column = "Duplex"
            duplex = None if i_duplex is None else _flag(values[i_duplex], _DUPLEX, column)
            column = "Grayscale"
            grey = None if i_grey is None else _flag(values[i_grey], _GRAYSCALE, column)
        except ValueError as exc:
            errors.add(line, "bad_value", str(exc), table.headers[index[normalise_header(column)]])
            continue
        paper = normalise_paper_size(values[i_size]) if i_size is not None else None
        yield PrintJob(
            time=time,
            user=values[i_user].strip(),
            printer=values[i_printer].strip(),
            job_id="",
            pages=pages,
            copies=copies,
            sheets=sheets_for(pages, copies, duplex),
            duplex=duplex,
            colour=None if grey is None else not grey,
            billing_code=None,
            paper_size=paper,
            source_line=line,
        )
