"""CUPS page_log in the default layout → per-(department, month) totals, in one pass.

The summary an import needs never looks at a job as a whole object, so this reader builds
none. A block of a few megabytes is matched at once by one precompiled pattern
(``findall`` runs in C and returns each line's fields as a tuple), and a finished job goes
straight into the totals of its (user, printer, billing code) names and month (see
:class:`~kretslopp.printlogs.departments.MonthlyTally`). The month is the bracketed date's
year and month, read from the text once its day has been validated; the pattern itself
checks the time of day.

If a block holds any line of another shape — blank, a user name with a space, microseconds,
an older CUPS layout, a malformed line — that block is read line by line and those lines go
through the general parser (:func:`~kretslopp.printlogs.pagelogformat.parse_default_line`),
so errors, their line numbers and odd-but-valid lines come out exactly as in
:func:`~kretslopp.printlogs.cups.iter_cups_jobs`. Jobs are grouped by the same rules (one
open job per printer; a ``total`` line closes its job and wins) and finish in the same order,
so the totals equal those of ``PrintAggregator`` over ``iter_cups_jobs``; a test holds the
two together.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from operator import itemgetter

from .departments import MonthlyTally, NameKey
from .pagelogformat import LineError, parse_clf_time, parse_default_line
from .records import ErrorLog, PrintJob, sheets_for

#: The common shape of a default-format line. Fields are separated by single spaces, as
#: CUPS writes them; the job name (any text, spaces included, possibly empty) lies between
#: the host and the last two fields, media and sides, which are kept as one "media sides"
#: key. ``[0-9]`` rather than ``\d``: other scripts' digits go to the general parser.
_FIELDS = (
    r"([^ \n]+) ([^ \n]+) ([0-9]+) "  # printer, user, job id
    r"\[(([0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}):(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9] "
    r"([+-][0-9]{4}))\] "  # time text, its day, its UTC offset
    r"(total|[0-9]+) ([0-9]+) "  # page, copies
    r"([^ \n]+) [^ \n]+ (.*)"  # billing, host, then "job name media sides"
)
_BLOCK = re.compile(f"^{_FIELDS}$", re.MULTILINE)
_FIRST = itemgetter(0)
#: Each line's first field (a printer, if the line is one), for a block read line by line.
_PRINTERS = re.compile(r"^([^ \n]*) ", re.MULTILINE)
#: The same, also checking that media and sides end the tail: for one line at a time.
_LINE = re.compile(_FIELDS.replace("(.*)", "(.* [^ \n]+ [^ \n]+)"))

#: A line's fields as the loop takes them: printer, user, job id, time text, day key,
#: UTC offset, page, copies, billing, "job name media sides".
Row = tuple[str, str, str, str, str, str, str, "str | int", "str | None", str]

#: An open job: its first line's fields (what the job is counted with), then the running
#: page and copy counts. A list, not an object: one is made for every job logged by pages.
_JOB_ID, _USER, _BILLING, _TIME, _MONTH, _PAPER, _PAGES, _COPIES, _HEAD = range(9)
OpenJob = list  # [job id, user, billing, time text, month, "media sides", pages, copies, head]

#: In a part of a log (see :mod:`.parallel`), the stand-in open job of a printer not seen yet
#: in that part: its first job may continue one open at the end of the part before.
_UNSEEN: OpenJob = [object()]

#: How a printer's first job in a part ended: still open, closed by another job id, or by
#: its own ``total`` line (the impressions follow in the tuple).
OPEN, OTHER, TOTAL = "open", "other", "total"
Fragment = tuple[OpenJob, str, int]  # (the job as far as the part saw it, how it ended, total)


class _Months:
    """Day key ("21/Nov/2026") → "2026-11", for days and UTC offsets shown to be valid.

    A log covers a few hundred days and a couple of offsets, so each is checked once, by the
    general time parser (which also says what is wrong with a bad one).
    """

    def __init__(self) -> None:
        self.days: dict[str, str] = {}
        self.zones: set[str] = set()

    def check(self, time_text: str, day: str, zone: str) -> str:
        """The month of a line whose day or offset is new to us; raises :class:`LineError`."""
        month = self.days.get(day)
        if month is None or zone not in self.zones:
            value = parse_clf_time(time_text)
            if len(self.days) > 100_000:  # odd lines key by their whole time text
                self.days.clear()
            month = self.days[day] = f"{value.year:04d}-{value.month:02d}"
            self.zones.add(zone)
        return month


class DefaultCupsSummary:
    """The reader's state across blocks: open jobs per printer, validated days, line count."""

    def __init__(self, errors: ErrorLog, tally: MonthlyTally, *, part: bool = False) -> None:
        self.errors = errors
        self.tally = tally
        self.months = _Months()
        self.open_jobs: dict[str, OpenJob] = {}
        self.lines = 0
        #: Reading one part of a log: each printer's first job is not counted but kept in
        #: ``heads`` and the jobs open at the end in ``open_jobs``, for the parts to be
        #: joined in order (:mod:`.parallel`).
        self.part = part
        self.heads: dict[str, Fragment] = {}
        self._seen: set[str] = set()

    def read(self, blocks: Iterable[str]) -> None:
        """Add every job of the blocks' lines to the tally; then :meth:`finish`."""
        for text in blocks:
            count = text.count("\n")
            rows: list[Row | None] = _BLOCK.findall(text)
            if self.part:
                regular = len(rows) == count
                self._mark_unseen(set(map(_FIRST, rows) if regular else _PRINTERS.findall(text)))
            done = self._rows(rows, self.lines + 1) if len(rows) == count else 0
            if done < count:  # some line has another shape: take the rest one by one
                first = self.lines + 1 + done
                self._rows(self._line_by_line(text.split("\n")[done:count], first), first)
            self.lines += count
        self.finish()

    def _mark_unseen(self, printers: set[str]) -> None:
        """Give each printer new to this part the :data:`_UNSEEN` stand-in open job, so the
        loop meets its first line in its rare branch (a different job id) at no extra cost."""
        for printer in printers - self._seen:
            self.open_jobs[printer] = _UNSEEN
        self._seen |= printers

    def _line_by_line(self, lines: list[str], first: int) -> Iterator[Row | None]:
        """Each line's fields, by the strict pattern or else the general parser; ``None``
        for a line that counts nothing (blank, or malformed and recorded as an error).

        A generator, so a malformed line is recorded just after the line before it was
        counted, and errors keep the file's order.
        """
        match = _LINE.fullmatch
        for number, line in enumerate(lines, first):
            found = match(line)
            yield found.groups() if found else _odd_line(line, number, self.errors)  # type: ignore[misc]

    def _rows(self, rows: Iterable[Row | None], first: int) -> int:
        """The hot loop: one pass of plain lookups and additions per line.

        Returns how many rows it took: all, unless a row's tail lacks media or sides (the
        block pattern does not check that, as checking it there costs more than here).
        """
        months, errors, open_jobs, tally = self.months, self.errors, self.open_jobs, self.tally
        days, zone_seen = months.days, ""
        cells, papers = tally.cells, tally.papers
        number = first - 1
        for number, row in enumerate(rows, first):  # noqa: B007 - the count is returned
            if row is None:
                continue
            printer, user, job_id, time_text, day, zone, page, count, billing, tail = row
            # media and sides: the tail's last two fields, both present (else: malformed)
            last = tail.rfind(" ")
            cut = tail.rfind(" ", 0, last) + 1
            if not 0 < cut < last < len(tail) - 1:
                return number - first  # the general parser must judge it: stop here
            paper_key = tail[cut:]
            month = days.get(day)
            if month is None or zone != zone_seen:
                try:
                    month = months.check(time_text, day, zone)
                except LineError as exc:
                    errors.add(number, exc.code, str(exc))
                    continue
                zone_seen = zone
            copies = int(count)
            current = open_jobs.get(printer)
            if current is not None and current[_JOB_ID] != job_id:
                del open_jobs[printer]  # a printer prints one job at a time: that one ended
                if current is _UNSEEN:  # the printer's first line in this part
                    head = [job_id, user, billing, time_text, month, paper_key, 0, 1, True]
                    self._head(printer, head, page, copies)
                    continue
                self._close(printer, current, current[_PAGES], current[_COPIES])
                current = None
            if page == "total":
                if current is not None:  # its page lines came first: their first line counts
                    del open_jobs[printer]
                    if current[_HEAD]:
                        self.heads[printer] = (current, TOTAL, copies)
                    elif copies:
                        self._close(printer, current, copies, 1)
                elif copies:  # a total of 0 impressions: cancelled, nothing printed
                    names = (user, printer, billing)
                    stats = (
                        cells.get(names)
                        or tally.new_names(names, _maker(time_text, names, paper_key, copies, 1))
                    )[month]
                    duplex, factor = papers.get(paper_key) or tally.new_paper(paper_key)
                    sheets = -(-copies // 2) if duplex else copies  # sheets_for(copies, 1, …)
                    stats.jobs += 1
                    stats.pages += copies
                    stats.sheets += sheets
                    stats.a4_sheets += sheets * factor
                    if duplex is not None:
                        stats.pages_duplex_known += copies
                        if duplex:
                            stats.pages_duplex += copies
                continue
            copies = copies or 1  # a logged page was printed at least once
            if current is None:
                open_jobs[printer] = [
                    job_id, user, billing, time_text, month, paper_key, copies, copies, False,
                ]  # fmt: skip
            else:
                current[_PAGES] += copies
                if copies > current[_COPIES]:
                    current[_COPIES] = copies
        return number - first + 1

    def _head(self, printer: str, head: OpenJob, page: str, copies: int) -> None:
        """A printer's first line in a part: a ``total`` line is its whole job; a page line
        opens a job that is kept (not counted) when it ends."""
        if page == "total":
            self.heads[printer] = (head, TOTAL, copies)
        else:
            head[_PAGES] = head[_COPIES] = copies or 1
            self.open_jobs[printer] = head

    def _close(self, printer: str, job: OpenJob, pages: int, copies: int) -> None:
        """Count a job opened by page lines, with its first line's names, month and paper."""
        if job[_HEAD]:  # a part's first job on this printer: the parts' join decides
            self.heads[printer] = (job, OTHER, 0)
            return
        self.count(printer, job, pages, copies)

    def count(self, printer: str, job: OpenJob, pages: int, copies: int) -> None:
        """Add a job to the totals with its first line's names, month and paper."""
        tally = self.tally
        names = (job[_USER], printer, job[_BILLING])
        months = tally.cells.get(names) or tally.new_names(
            names, _maker(job[_TIME], names, job[_PAPER], pages, copies)
        )
        duplex, factor = tally.papers.get(job[_PAPER]) or tally.new_paper(job[_PAPER])
        tally.add(months[job[_MONTH]], pages, copies, duplex, factor)

    def finish(self) -> None:
        """Count the jobs still open at the end of the log (of a part: set them aside)."""
        if self.part:
            for printer, current in list(self.open_jobs.items()):
                if current is _UNSEEN:
                    del self.open_jobs[printer]
                elif current[_HEAD]:
                    self.heads[printer] = (current, OPEN, 0)
                    del self.open_jobs[printer]
            return
        for printer, current in self.open_jobs.items():
            self._close(printer, current, current[_PAGES], current[_COPIES])
        self.open_jobs.clear()


def summarise_default_cups(blocks: Iterable[str], errors: ErrorLog, tally: MonthlyTally) -> int:
    """Add every job of a default-format page_log to ``tally``; returns the lines read.

    ``blocks`` are whole lines ending in ``\\n`` (see
    :func:`~kretslopp.printlogs.sources.iter_text_blocks`). Malformed lines go to ``errors``
    with their line number (from 1, blank lines included) and are skipped.
    """
    summary = DefaultCupsSummary(errors, tally)
    summary.read(blocks)
    return summary.lines


def _odd_line(line: str, number: int, errors: ErrorLog) -> Row | None:
    """A line the pattern does not take, read by the general parser (``None``: blank, or
    malformed and recorded). Its whole time text is its day key, checked in the loop."""
    if not line or line.isspace():
        return None
    try:
        fields = parse_default_line(line)
    except LineError as exc:
        errors.add(number, exc.code, str(exc))
        return None
    tail = f"- {fields.media or '-'} {fields.sides or '-'}"  # the job name is not kept
    return (
        fields.printer, fields.user, fields.job_id, fields.time_text, fields.time_text, "",
        fields.page, fields.copies, fields.billing or "-", tail,
    )  # fmt: skip


def _maker(
    time_text: str, names: NameKey, paper_key: str, pages: int, copies: int
) -> Callable[[], PrintJob]:
    """Defers building the job a ``department_of`` callable is shown to a new names' miss."""
    return lambda: _job(time_text, names, paper_key, pages, copies)


def _job(time_text: str, names: NameKey, paper_key: str, pages: int, copies: int) -> PrintJob:
    from .cups import _duplex, _paper

    user, printer, billing = names
    media, sides = paper_key.split(" ")
    duplex = _duplex(sides)
    return PrintJob(
        parse_clf_time(time_text), user, printer, "", pages, copies,
        sheets_for(pages, copies, duplex), duplex, None,
        None if billing in (None, "", "-") else billing, _paper(media), 0,
    )  # fmt: skip
