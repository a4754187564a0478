"""A large PaperCut CSV summed in parts, in worker processes, when cutting cannot matter.

Like :mod:`.parallel` for CUPS: byte ranges cut at line starts, each summed in its own
process by the same loop as one process uses (:func:`~.papercut._tally_rows`, behind
:func:`open_table`), the partial totals added up here. A PaperCut row is one job, so no job
straddles a cut. What could differ is how :mod:`kretslopp.tabular` reads a part on its own,
so a part is only used when that is provably the same as within the whole file:

* no ``"`` in the file: no quoted field, so every line break ends a record;
* the part is valid UTF-8 (then the whole file is, and is read as UTF-8 either way);
* the part, read behind the file's header line, has the file's delimiter and headers;
* the header is a plain first line (no Excel ``sep=`` line before it) with all the columns
  the fast loop needs.

If any part fails a check, nothing is added and the caller reads the file in one process.
A structural error in a part ends the reading there, as it would in one pass.
"""

from __future__ import annotations

import io
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from kretslopp.tabular import TabularError, open_table

from .aggregate import MonthlyPrintStats
from .departments import DepartmentMap, MonthlyTally
from .papercut import _columns, _skip_metadata, _tally_rows
from .parallel import plan_parts
from .records import ErrorLog, PrintLogError
from .sources import MAX_LINE_BYTES


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where the data starts and how the whole file reads, to check each part against."""

    skipped: int  # lines before the header (PaperCut's metadata line)
    header: bytes  # the header line as written, line break included
    data_start: int  # byte offset of the first data line
    delimiter: str | None
    headers: list[str]


@dataclass(slots=True)
class PapercutPart:
    """One part's totals, errors and line count; ``usable`` False if a check failed."""

    usable: bool
    delimiter: str | None = None
    headers: list[str] | None = None
    stats: dict[tuple[str, str], MonthlyPrintStats] | None = None
    errors: list[PrintLogError] | None = None
    error_count: int = 0
    fatal: bool = False
    lines: int = 0


def _layout(path: Path, name: str) -> _Layout | None:
    """The file's layout, or ``None`` if it should be read in one piece."""
    with path.open("rb") as stream:
        skipped = _skip_metadata(stream)
        header_at = stream.tell()
        header = stream.readline(MAX_LINE_BYTES + 1)
        if len(header) > MAX_LINE_BYTES:
            return None  # one pass reports it
        data_start = stream.tell()
        stream.seek(header_at)
        try:
            table = open_table(stream, name)
        except TabularError:
            return None  # one pass reports it
    if b'"' in header or header.lstrip(b"\xef\xbb\xbf").lower().startswith(b"sep="):
        return None
    cols = _columns(table, skipped, ErrorLog(name))
    if cols is None or None in (cols.size, cols.duplex, cols.grey):
        return None
    return _Layout(skipped, header, data_start, table.delimiter, table.headers)


def read_papercut_part(
    path: str, start: int, end: int, header: bytes, mapping: DepartmentMap, name: str
) -> PapercutPart:
    """Sum one byte range of a PaperCut CSV behind its header line (in a worker process)."""
    with open(path, "rb") as handle:
        handle.seek(start)
        body = handle.read(end - start)
    if b'"' in body:
        return PapercutPart(False)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return PapercutPart(False)
    errors, tally = ErrorLog(name), MonthlyTally(mapping)
    try:
        table = open_table(io.BytesIO(header + body), name)
    except TabularError:
        return PapercutPart(False)
    cols = _columns(table, 0, errors)
    if cols is None or None in (cols.size, cols.duplex, cols.grey):
        return PapercutPart(False)
    _tally_rows(table, 0, cols, errors, tally)
    lines = body.count(b"\n") + (0 if body.endswith(b"\n") or not body else 1)
    return PapercutPart(
        True, table.delimiter, table.headers, tally.results(), errors.errors, errors.count,
        errors.fatal, lines,
    )  # fmt: skip


def summarise_papercut_in_parts(
    path: Path,
    mapping: DepartmentMap,
    errors: ErrorLog,
    tally: MonthlyTally,
    workers: int,
    parts: int | None = None,
) -> bool:
    """Sum a PaperCut CSV in ``workers`` processes (``parts`` parts, by default twice as
    many); False (nothing added) if it must be read in one piece instead."""
    layout = _layout(path, errors.file_name)
    if layout is None:
        return False
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    ranges = plan_parts(path, parts or workers * 2, begin=layout.data_start)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [
            pool.submit(
                read_papercut_part,
                os.fspath(path),
                start,
                end,
                layout.header,
                mapping,
                errors.file_name,
            )  # fmt: skip
            for start, end in ranges
        ]
        parts = [future.result() for future in futures]
    if not all(_same_reading(part, layout) for part in parts):
        return False
    _join(parts, layout, errors, tally)
    return True


def _same_reading(part: PapercutPart, layout: _Layout) -> bool:
    return part.usable and (part.delimiter, part.headers) == (layout.delimiter, layout.headers)


def _join(
    parts: list[PapercutPart], layout: _Layout, errors: ErrorLog, tally: MonthlyTally
) -> None:
    """Add the parts up in file order; a part's line 2 (after the header) is the file's
    ``first``; a structural error ends the file there, as in one pass."""
    first = layout.skipped + 2
    for part in parts:
        for error in part.errors or ():
            line = None if error.line is None else error.line - 2 + first
            errors.add(line, error.code, error.message, error.column)
        errors.count += part.error_count - len(part.errors or ())
        tally.merge((part.stats or {}).values())
        if part.fatal:
            errors.fatal = True
            return
        first += part.lines
