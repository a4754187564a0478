"""Print job records, paper sizes, and the result objects the import side receives.

One :class:`PrintJob` per job whatever the log (CUPS page_log, PaperCut). Only what the
printing KPIs need is kept: no document names and no client host names (personal data stays
minimal); the user is kept because the caller maps users to departments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

#: How many errors a result keeps in full; the rest are only counted, so a wrong file of two
#: million lines does not fill memory with two million messages.
MAX_ERRORS_KEPT = 1000

# A-series sizes by area relative to A4 (each step halves or doubles); North American sizes
# by their area over A4's 210 × 297 mm = 62,370 mm².
A4_EQUIVALENT: dict[str, float] = {
    "A6": 0.25,
    "A5": 0.5,
    "A4": 1.0,
    "A3": 2.0,
    "A2": 4.0,
    "LETTER": 215.9 * 279.4 / 62_370,  # 0.967
    "LEGAL": 215.9 * 355.6 / 62_370,  # 1.231
    "TABLOID": 279.4 * 431.8 / 62_370,  # 1.934
}
_MEDIA_NAMES = {
    "letter": "LETTER",
    "legal": "LEGAL",
    "tabloid": "TABLOID",
    "ledger": "TABLOID",
    "11x17": "TABLOID",
}
_A_SERIES = re.compile(r"(?:^|[_\s-])a([2-6])(?:$|[_\s-])")


def normalise_paper_size(media: str | None) -> str | None:
    """``iso_a4_210x297mm``, ``A4``, ``na_letter_8.5x11in``, ``Letter`` → ``A4``/``LETTER``.

    Returns ``None`` for a missing value (``''`` or CUPS's ``-``) and the upper-cased text for
    a size we do not know, so it is shown rather than silently counted as A4.
    """
    if media is None:
        return None
    text = media.strip()
    if not text or text == "-":
        return None
    lower = text.casefold()
    match = _A_SERIES.search(lower)
    if match:
        return f"A{match.group(1)}"
    for name, size in _MEDIA_NAMES.items():
        if name in lower:
            return size
    return text.upper()


def a4_equivalent(paper_size: str | None) -> float:
    """Sheets of A4 that one sheet of ``paper_size`` counts as (by area); unknown counts as 1."""
    if paper_size is None:
        return 1.0
    return A4_EQUIVALENT.get(paper_size, 1.0)


def sheets_for(pages: int, copies: int, duplex: bool | None) -> int:
    """Sheets of paper for ``pages`` printed sides over ``copies`` copies.

    Duplex puts two pages on a sheet, per copy: ``copies × ceil(pages_per_copy / 2)`` (a
    5-page document twice duplex takes 6 sheets, not 5). When ``pages`` is not a multiple of
    ``copies`` the per-copy split is unknown and ``ceil(pages / 2)`` is used. An unknown
    duplex setting counts as one-sided: an upper bound on paper, stated in the method.
    """
    if not duplex or pages <= 0:
        return max(pages, 0)
    if copies > 1 and pages % copies == 0:
        return copies * -(-(pages // copies) // 2)
    return -(-pages // 2)


@dataclass(slots=True)
class PrintJob:
    """One print job (treat as read-only).

    Not a frozen dataclass on purpose: a frozen one costs several times more to create, and a
    year of a city's logs makes millions of these.

    ``pages`` counts printed sides (impressions) over all copies; ``sheets`` the paper used.
    ``duplex`` and ``colour`` are ``None`` when the log does not say — CUPS's default format
    never states colour, and we do not guess. ``source_line`` is the job's first line in the
    file, for tracing a figure back to the log.
    """

    time: datetime
    user: str
    printer: str
    job_id: str
    pages: int
    copies: int
    sheets: int
    duplex: bool | None
    colour: bool | None
    billing_code: str | None
    paper_size: str | None
    source_line: int

    @property
    def a4_sheets(self) -> float:
        """Sheets counted as A4 (an A3 sheet is two), the basis of the paper footprint."""
        return self.sheets * a4_equivalent(self.paper_size)

    @property
    def month(self) -> str:
        """``YYYY-MM`` of the job's time as written in the log (local time of the server)."""
        return f"{self.time.year:04d}-{self.time.month:02d}"


@dataclass(frozen=True, slots=True)
class PrintLogError:
    """A line that could not be read, located by file and line number."""

    file_name: str
    line: int | None
    code: str
    message: str
    column: str | None = None

    def __str__(self) -> str:
        where = [self.file_name]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"


@dataclass(slots=True)
class ErrorLog:
    """Collects errors while streaming: keeps the first :data:`MAX_ERRORS_KEPT`, counts all.

    ``fatal`` is set when the rest of the file could not be read at all (a broken CSV
    structure): then nothing is returned as good, even with ``skip_malformed``.
    """

    file_name: str
    errors: list[PrintLogError] = field(default_factory=list)
    count: int = 0
    fatal: bool = False

    def add(self, line: int | None, code: str, message: str, column: str | None = None) -> None:
        self.count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(PrintLogError(self.file_name, line, code, message, column))


@dataclass(frozen=True, slots=True)
class PrintLogResult:
    """What reading one log gives the import: the jobs, or the reasons there are none.

    ``jobs`` is empty whenever ``error_count`` > 0, unless the caller asked to
    ``skip_malformed`` (then it holds the good jobs and ``errors`` says what was left out).
    Nothing is half-imported by accident.
    """

    file_name: str
    log_format: str
    jobs: list[PrintJob]
    errors: list[PrintLogError]
    error_count: int
    skipped_malformed: bool

    @property
    def ok(self) -> bool:
        return self.error_count == 0
