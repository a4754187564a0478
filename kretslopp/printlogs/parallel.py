"""A large default-format CUPS page_log summed in parts, in worker processes.

Worth it only for a big file (a city's year is some hundreds of megabytes): the parts are
byte ranges cut at line starts, each read by :class:`~.fastcups.DefaultCupsSummary` in
``part`` mode in its own process, and the partial totals added up here. The mapping must be
a :class:`~.departments.DepartmentMap` — plain data that pickles — not a closure.

A job's lines can straddle a cut, so a part does not count each printer's first job (it
may continue one open at the end of the part before) nor the jobs still open at its end;
it hands them back, and :func:`_join` applies the reader's own rules across the cut: the
same job id continues the job (page counts add up, a ``total`` line wins), another id ends
it. Line numbers in errors are made the file's by adding the lines of the parts before.

The totals equal the one-process reader's exactly, except that ``a4_sheets`` is a float
summed in another order: sizes whose factor is not a power of two (Letter) can differ in
the last bits.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .aggregate import MonthlyPrintStats
from .departments import DepartmentMap, MonthlyTally
from .fastcups import _COPIES, _JOB_ID, _PAGES, OPEN, OTHER, DefaultCupsSummary, Fragment, OpenJob
from .records import ErrorLog, PrintLogError
from .sources import iter_text_blocks

#: Below this size one process is as fast: starting workers and pickling the mapping cost
#: more than they save.
PARALLEL_MIN_BYTES = 50 << 20


def default_workers() -> int:
    """Two processes (the machines this runs on have two cores), fewer if there are fewer."""
    return min(2, os.cpu_count() or 1)


def plan_parts(path: Path, parts: int, begin: int = 0) -> list[tuple[int, int]]:
    """Byte ranges of about equal size from ``begin`` to the end, each starting a line."""
    size = path.stat().st_size
    starts = [begin]
    with path.open("rb") as handle:
        for index in range(1, parts):
            handle.seek(max(begin + (size - begin) * index // parts, starts[-1]))
            if handle.tell() > 0:
                handle.seek(handle.tell() - 1)
                handle.readline()  # to just after the next line break
            if starts[-1] < handle.tell() < size:
                starts.append(handle.tell())
    return list(zip(starts, [*starts[1:], size], strict=True))


class _Range:
    """Reads at most ``length`` bytes of a file from where it stands."""

    def __init__(self, handle: BinaryIO, length: int) -> None:
        self._handle = handle
        self._left = length

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        data = self._handle.read(self._left if size < 0 else min(size, self._left))
        self._left -= len(data)
        return data


@dataclass(slots=True)
class PartResult:
    """What one part hands back: its totals, its unfinished jobs, its lines and errors."""

    stats: dict[tuple[str, str], MonthlyPrintStats]
    heads: dict[str, Fragment]
    tails: dict[str, OpenJob]
    lines: int
    errors: list[PrintLogError]
    error_count: int


def read_part(path: str, start: int, end: int, mapping: DepartmentMap, name: str) -> PartResult:
    """Sum one byte range of a page_log (runs in a worker process)."""
    errors = ErrorLog(name)
    tally = MonthlyTally(mapping)
    summary = DefaultCupsSummary(errors, tally, part=True)
    with open(path, "rb") as handle:
        handle.seek(start)
        summary.read(iter_text_blocks(_Range(handle, end - start)))  # type: ignore[arg-type]
    return PartResult(
        tally.results(), summary.heads, summary.open_jobs, summary.lines, errors.errors,
        errors.count,
    )  # fmt: skip


def summarise_in_parts(
    path: Path,
    mapping: DepartmentMap,
    errors: ErrorLog,
    tally: MonthlyTally,
    workers: int,
    parts: int | None = None,
) -> None:
    """Sum a default-format page_log in ``workers`` processes into ``tally`` and ``errors``.

    By default twice as many parts as workers, so a worker slowed by a busy machine holds up
    less (tests ask for many parts, to cut jobs in every possible way).
    ``forkserver`` (``spawn`` where missing) rather than ``fork``: the caller may be a
    threaded web server, and forking one is unsafe.
    """
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    ranges = plan_parts(path, parts or workers * 2)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [
            pool.submit(read_part, os.fspath(path), start, end, mapping, errors.file_name)
            for start, end in ranges
        ]
        parts = [future.result() for future in futures]
    _join(parts, errors, tally)


def _join(parts: list[PartResult], errors: ErrorLog, tally: MonthlyTally) -> None:
    """Add the parts up in file order, finishing the jobs that straddle their cuts."""
    counter = DefaultCupsSummary(errors, tally)
    carried: dict[str, OpenJob] = {}  # printer → its job open at the end of the parts so far
    offset = 0
    for part in parts:
        for error in part.errors:
            errors.add(error.line and error.line + offset, error.code, error.message)
        errors.count += part.error_count - len(part.errors)
        tally.merge(part.stats.values())
        for printer, fragment in part.heads.items():
            _join_head(counter, carried, printer, fragment)
        carried.update(part.tails)
        offset += part.lines
    for printer, job in carried.items():
        counter.count(printer, job, job[_PAGES], job[_COPIES])


def _join_head(
    counter: DefaultCupsSummary, carried: dict[str, OpenJob], printer: str, fragment: Fragment
) -> None:
    """A part's first job on a printer, after whatever the parts before left open there."""
    job, how, total = fragment
    before = carried.pop(printer, None)
    if before is not None and before[_JOB_ID] == job[_JOB_ID]:  # the same job goes on
        if job[_PAGES]:
            before[_PAGES] += job[_PAGES]
            before[_COPIES] = max(before[_COPIES], job[_COPIES])
        job = before  # counted with its first line, in the part before
    elif before is not None:  # another job on that printer: the open one ended
        counter.count(printer, before, before[_PAGES], before[_COPIES])
    if how == OPEN:
        carried[printer] = job
    elif how == OTHER:
        counter.count(printer, job, job[_PAGES], job[_COPIES])
    elif total:  # its total line; a total of 0: cancelled, nothing counted
        counter.count(printer, job, total, 1)
