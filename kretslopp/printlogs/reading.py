"""The two calls the printing app makes: read a log into jobs, or straight into totals.

Both stream the file and apply the same rule: if any line is malformed, nothing from the file
is returned as good (``jobs`` empty, ``stats`` empty) and ``errors`` lists the lines, unless
the caller passes ``skip_malformed=True``. A fatal error (a file that is not a print log, a
CSV whose structure breaks) always returns nothing. So an import is all or nothing.

:func:`read_print_log` returns the jobs (for storing them); :func:`summarise_print_log` keeps
only per-(department, month) totals, so a year of logs for a whole city (millions of jobs)
is summed in constant memory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .aggregate import DepartmentOf, MonthlyPrintStats
from .cups import iter_cups_jobs
from .departments import DepartmentMap, MonthlyTally
from .fastcups import summarise_default_cups
from .pagelogformat import CompiledFormat, compile_page_log_format
from .papercut import METADATA_PREFIX, iter_papercut_jobs, summarise_papercut
from .papercut_parts import summarise_papercut_in_parts
from .parallel import PARALLEL_MIN_BYTES, default_workers, summarise_in_parts
from .records import ErrorLog, PrintJob, PrintLogError, PrintLogResult
from .sources import LogSource, iter_text_blocks, open_binary, open_text_lines, source_name

LogFormat = Literal["auto", "cups", "papercut"]


def detect_log_format(source: LogSource) -> Literal["cups", "papercut"]:
    """``papercut`` if the first line is PaperCut's metadata or a header with its columns."""
    with open_binary(source) as stream:
        first = stream.readline(4096)
    text = first.decode("utf-8", "replace").lstrip("\ufeff").strip().casefold()
    if text.startswith(METADATA_PREFIX):
        return "papercut"
    cells = {cell.strip().strip('"') for cell in text.replace(";", ",").split(",")}
    if {"time", "user", "pages", "printer"} <= cells:
        return "papercut"
    return "cups"


def _jobs(
    source: LogSource, log_format: str, errors: ErrorLog, compiled: CompiledFormat | None
) -> Iterator[PrintJob]:
    if log_format == "papercut":
        yield from iter_papercut_jobs(source, errors)
        return
    with open_text_lines(source) as lines:
        yield from iter_cups_jobs(lines, errors, page_log_format=compiled)


def _prepare(
    source: LogSource, log_format: LogFormat, page_log_format: str | None
) -> tuple[str, CompiledFormat | None]:
    if log_format == "auto":
        if not isinstance(source, (str, bytes, bytearray)) and not hasattr(source, "__fspath__"):
            position = source.tell()
            resolved = detect_log_format(source)
            source.seek(position)
        else:
            resolved = detect_log_format(source)
    else:
        resolved = log_format
    if resolved not in ("cups", "papercut"):
        raise ValueError(f"unknown print log format {log_format!r}")
    compiled = compile_page_log_format(page_log_format) if resolved == "cups" else None
    return resolved, compiled


def read_print_log(
    source: LogSource,
    *,
    file_name: str | None = None,
    log_format: LogFormat = "auto",
    page_log_format: str | None = None,
    skip_malformed: bool = False,
) -> PrintLogResult:
    """Read a CUPS page_log or PaperCut CSV into jobs (all or nothing, see module doc).

    ``page_log_format`` is the server's ``PageLogFormat`` when it is not CUPS's default;
    a format we cannot count with raises :class:`PageLogFormatError` before any reading.
    """
    resolved, compiled = _prepare(source, log_format, page_log_format)
    errors = ErrorLog(source_name(source, file_name))
    jobs = list(_jobs(source, resolved, errors, compiled))
    good = errors.count == 0 or (skip_malformed and not errors.fatal)
    return PrintLogResult(
        file_name=errors.file_name,
        log_format=resolved,
        jobs=jobs if good else [],
        errors=errors.errors,
        error_count=errors.count,
        skipped_malformed=skip_malformed and errors.count > 0 and good,
    )


@dataclass(frozen=True, slots=True)
class PrintSummaryResult:
    """Per-(department, month) totals of one log, or the reasons there are none."""

    file_name: str
    log_format: str
    stats: dict[tuple[str, str], MonthlyPrintStats]
    jobs_counted: int
    errors: list[PrintLogError]
    error_count: int
    skipped_malformed: bool

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def _parallel_path(
    source: LogSource, department_of: DepartmentOf | DepartmentMap, workers: int | None
) -> Path | None:
    """The file to read in parts, if it is worth it and possible (plain data, a real file)."""
    if (workers or default_workers()) < 2 or not isinstance(department_of, DepartmentMap):
        return None
    if not isinstance(source, (str, os.PathLike)):
        return None
    path = Path(source)
    if path.stat().st_size < PARALLEL_MIN_BYTES:
        return None
    with path.open("rb") as handle:
        if handle.read(2) == b"\x1f\x8b":  # gzip: cannot be cut at byte offsets
            return None
    return path


def summarise_print_log(
    source: LogSource,
    department_of: DepartmentOf | DepartmentMap,
    *,
    file_name: str | None = None,
    log_format: LogFormat = "auto",
    page_log_format: str | None = None,
    skip_malformed: bool = False,
    workers: int | None = None,
) -> PrintSummaryResult:
    """Stream a log straight into per-(department, month) totals (all or nothing).

    ``department_of`` is a :class:`DepartmentMap` (what the import passes: plain mappings
    with a documented precedence) or a ``department_of(job)`` callable. Either is asked once
    per distinct (user, printer, billing code) — see :mod:`.departments` — so a callable
    must not depend on anything else of the job. The totals equal those of
    :class:`PrintAggregator` over :func:`read_print_log`'s jobs; the work differs: a
    default-format CUPS log is read by :func:`summarise_default_cups` without building jobs.

    A log given as a path to an uncompressed file of at least :data:`PARALLEL_MIN_BYTES`,
    with a :class:`DepartmentMap`, is read in ``workers`` processes (default:
    :func:`default_workers`; ``workers=1`` keeps one process): a default-format CUPS log
    always (:mod:`.parallel` joins the jobs straddling the parts), a PaperCut CSV when
    cutting it cannot change how it reads (:mod:`.papercut_parts`). Custom formats: one.
    """
    resolved, compiled = _prepare(source, log_format, page_log_format)
    errors = ErrorLog(source_name(source, file_name))
    tally = MonthlyTally(department_of)
    default_cups = compiled is not None and compiled.is_default
    parallel = _parallel_path(source, department_of, workers)
    count = workers or default_workers()
    if default_cups and parallel is not None:
        summarise_in_parts(parallel, department_of, errors, tally, count)  # type: ignore[arg-type]
    elif default_cups:
        with open_binary(source) as binary:
            summarise_default_cups(iter_text_blocks(binary), errors, tally)
    elif resolved == "papercut":
        if parallel is None or not summarise_papercut_in_parts(
            parallel,
            department_of,
            errors,
            tally,
            count,  # type: ignore[arg-type]
        ):
            summarise_papercut(source, errors, tally)
    else:
        for job in _jobs(source, resolved, errors, compiled):
            tally.add_job(job)
    good = errors.count == 0 or (skip_malformed and not errors.fatal)
    return PrintSummaryResult(
        file_name=errors.file_name,
        log_format=resolved,
        stats=tally.results() if good else {},
        jobs_counted=tally.jobs if good else 0,
        errors=errors.errors,
        error_count=errors.count,
        skipped_malformed=skip_malformed and errors.count > 0 and good,
    )
