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
    DefaultParts,
    LineError,
    PageLine,
    colour_from_mode,
    compile_page_log_format,
    duplex_from_sides,
    parse_clf_time,
    parse_default_parts,
)
from .records import ErrorLog, PrintJob, normalise_paper_size, sheets_for


class _OpenJob:
    """Page lines of one job seen so far.

    ``head`` (printer, user, job id) and ``tail`` (everything after page and copies) of the
    job's first line let the next line of the same job be recognised with two string
    comparisons: such a line differs only in its date, page and copies, so only those are
    parsed — the rest was already checked on the first line.
    """

    __slots__ = ("first", "line_number", "time", "pages", "copies", "head", "tail")

    def __init__(self, first: PageLine, line_number: int, time: datetime) -> None:
        self.first = first
        self.line_number = line_number
        self.time = time
        self.pages = 0
        self.copies = 1
        self.head = ""
        self.tail = ""

    def job(self) -> PrintJob:
        return _job(self.first, self.time, self.line_number, self.pages, self.copies)


def _job(first: PageLine, time: datetime, line_number: int, pages: int, copies: int) -> PrintJob:
    duplex = _duplex(first.sides)
    colour = None if first.colour_mode is None else colour_from_mode(first.colour_mode)
    return PrintJob(
        time, first.user, first.printer, first.job_id, pages, copies,
        sheets_for(pages, copies, duplex), duplex, colour,
        first.billing, _paper(first.media), line_number,
    )  # fmt: skip


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
    fast = compiled.is_default
    open_jobs: dict[str, _OpenJob] = {}
    times: dict[str, datetime] = {}  # validated time texts; a job's lines share seconds
    last: _OpenJob | None = None  # the open job of the previous line
    raw_tail = ""
    for number, raw in enumerate(lines, 1):
        parts: DefaultParts | None = None
        if fast:  # cut the line in place; a job's later lines stop here (see _OpenJob)
            open_at = raw.find(" [")
            close_at = raw.find("] ", open_at + 2) if open_at >= 0 else -1
            first = raw.find(" ", close_at + 2) if close_at >= 0 else -1
            second = raw.find(" ", first + 1) if first >= 0 else -1
            if second >= 0:
                raw_tail = raw[second + 1 :]
                page, copies = raw[close_at + 2 : first], raw[first + 1 : second]
                time_text = raw[open_at + 2 : close_at]
                if (
                    last is not None
                    and raw_tail == last.tail
                    and raw[:open_at] == last.head
                    and page.isdigit()
                    and copies.isdigit()
                    and _time_ok(time_text, times)
                ):
                    copies_n = int(copies) or 1  # a logged page was printed at least once
                    last.pages += copies_n
                    if copies_n > last.copies:
                        last.copies = copies_n
                    continue
                parts = (raw[:open_at], time_text, page, copies, raw_tail.rstrip("\r\n"))
        line = raw.rstrip("\r\n")
        if not line or line.isspace():
            continue
        try:
            # custom formats, and default-format lines too odd to cut, take the general parser
            fields = parse_default_parts(*parts) if parts is not None else parse(line)
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
            impressions = fields.copies
            if current is not None:  # the job's own page lines came first: their start counts
                del open_jobs[fields.printer]
                fields, time, number = current.first, current.time, current.line_number
            last = None
            if impressions:  # a total of 0 impressions: cancelled, nothing printed
                yield _job(fields, time, number, impressions, 1)
            continue
        if current is None:
            current = open_jobs[fields.printer] = _OpenJob(fields, number, time)
            if parts is not None:
                current.head, current.tail = parts[0], raw_tail
        last = current if current.head else None
        copies_n = fields.copies or 1  # a logged page was printed at least once
        current.pages += copies_n
        if copies_n > current.copies:
            current.copies = copies_n
    for current in open_jobs.values():
        if current.pages:
            yield current.job()


def _time_ok(text: str, times: dict[str, datetime]) -> bool:
    """True if ``text`` is a valid CUPS time (remembered, so a job's seconds parse once)."""
    if text in times:
        return True
    try:
        value = parse_clf_time(text)
    except LineError:
        return False
    if len(times) > 4096:
        times.clear()
    times[text] = value
    return True


_PAPER: dict[str | None, str | None] = {}
_DUPLEX: dict[str | None, bool | None] = {}


def _paper(media: str | None) -> str | None:
    """:func:`normalise_paper_size`, remembered: a log holds a handful of media names."""
    try:
        return _PAPER[media]
    except KeyError:
        value = _PAPER[media] = normalise_paper_size(media)
        return value


def _duplex(sides: str | None) -> bool | None:
    try:
        return _DUPLEX[sides]
    except KeyError:
        value = _DUPLEX[sides] = duplex_from_sides(sides)
        return value
