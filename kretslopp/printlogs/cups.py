"""CUPS page_log → print jobs, streamed.

A job appears as one line per page, a ``total`` line, or both. Lines of one printer's jobs
arrive in order (a printer prints one job at a time), so we keep at most one open job per
printer: a line with another job id on that printer closes the open one. A ``total`` line
closes its job at once and its count wins over the page lines before it (it is the
scheduler's final count of impressions; page lines come from filters and may stop early).

Counting: from page lines, ``pages`` is the sum of each line's copies (impressions) and
``copies`` the largest copies value; from a ``total`` line, ``pages`` is its impressions and
``copies`` is 1 because CUPS does not say. A page line with copies 0 (seen in CUPS's own
examples) counts once; a ``total`` of 0 (a cancelled job) is not a job. Duplex comes from
``sides`` where logged; colour only from ``print-color-mode`` (or ``output-mode``) in a custom
format — the default format does not record it, so it stays unknown.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from .pagelogformat import (
    CompiledFormat,
    LineError,
    PageLine,
    colour_from_mode,
    compile_page_log_format,
    duplex_from_sides,
    parse_clf_time,
)
from .records import ErrorLog, PrintJob, normalise_paper_size, sheets_for


class _OpenJob:
    """Page lines of one job seen so far."""

    __slots__ = ("first", "line_number", "time", "pages", "copies")

    def __init__(self, first: PageLine, line_number: int, time: datetime) -> None:
        self.first = first
        self.line_number = line_number
        self.time = time
        self.pages = 0
        self.copies = 1

    def job(self, pages: int | None = None, copies: int | None = None) -> PrintJob:
        first = self.first
        pages_n = self.pages if pages is None else pages
        copies_n = self.copies if copies is None else copies
        duplex = duplex_from_sides(first.sides)
        paper = normalise_paper_size(first.media)
        return PrintJob(
            time=self.time,
            user=first.user,
            printer=first.printer,
            job_id=first.job_id,
            pages=pages_n,
            copies=copies_n,
            sheets=sheets_for(pages_n, copies_n, duplex),
            duplex=duplex,
            colour=colour_from_mode(first.colour_mode),
            billing_code=first.billing,
            paper_size=paper,
            source_line=self.line_number,
        )


def iter_cups_jobs(
    lines: Iterable[str],
    errors: ErrorLog,
    *,
    page_log_format: str | CompiledFormat | None = None,
) -> Iterator[PrintJob]:
    """Yield the jobs of a page_log's lines; malformed lines go to ``errors`` and are skipped.

    Blank lines are ignored. Line numbers count from 1 like an editor shows them.
    """
    compiled = (
        page_log_format
        if isinstance(page_log_format, CompiledFormat)
        else compile_page_log_format(page_log_format)
    )
    parse = compiled.parser()
    open_jobs: dict[str, _OpenJob] = {}
    times: dict[str, datetime] = {}  # the same second recurs across a job's page lines
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        try:
            fields = parse(line)
            time = times.get(fields.time_text)
            if time is None:
                if len(times) > 4096:
                    times.clear()
                time = times[fields.time_text] = parse_clf_time(fields.time_text)
        except LineError as exc:
            errors.add(number, exc.code, str(exc))
            continue
        current = open_jobs.get(fields.printer)
        if current is not None and current.first.job_id != fields.job_id:
            del open_jobs[fields.printer]
            if current.pages:
                yield current.job()
            current = None
        if fields.page == "total":
            if current is None:
                current = _OpenJob(fields, number, time)
            else:
                del open_jobs[fields.printer]
            if fields.copies:  # a total of 0 impressions: cancelled, nothing printed
                yield current.job(pages=fields.copies, copies=1)
            continue
        if current is None:
            current = open_jobs[fields.printer] = _OpenJob(fields, number, time)
        copies = fields.copies or 1  # a logged page was printed at least once
        current.pages += copies
        if copies > current.copies:
            current.copies = copies
    for current in open_jobs.values():
        if current.pages:
            yield current.job()
