"""Print volumes from real print logs (CUPS page_log, PaperCut CSV) — plain Python, no Django.

The printing app calls :func:`read_print_log` (jobs, to store) or :func:`summarise_print_log`
(per-department, per-month totals, streamed) with a :class:`DepartmentMap` (users, printers
and billing codes → department; or a ``department_of(job)`` callback for small files), and
:func:`paper_footprint` for the paper CO2e. Both readers are all or nothing unless
``skip_malformed=True``. Method: docs/methodology.md, "Printing".
"""

from .aggregate import (
    UNMAPPED,
    DepartmentChange,
    DepartmentOf,
    MonthlyPrintStats,
    PrintAggregator,
    biggest_changes,
)
from .cups import iter_cups_jobs
from .departments import DEFAULT_PRECEDENCE, DepartmentMap, MonthlyTally
from .pagelogformat import (
    DEFAULT_PAGE_LOG_FORMAT,
    PageLogFormatError,
    compile_page_log_format,
)
from .paper import PaperFootprint, paper_factors, paper_footprint, paper_sources
from .papercut import iter_papercut_jobs
from .reading import PrintSummaryResult, detect_log_format, read_print_log, summarise_print_log
from .records import (
    A4_EQUIVALENT,
    ErrorLog,
    PrintJob,
    PrintLogError,
    PrintLogResult,
    a4_equivalent,
    normalise_paper_size,
    sheets_for,
)
from .sources import LogTooLarge

__all__ = [
    "A4_EQUIVALENT",
    "DEFAULT_PAGE_LOG_FORMAT",
    "DEFAULT_PRECEDENCE",
    "UNMAPPED",
    "DepartmentChange",
    "DepartmentMap",
    "DepartmentOf",
    "ErrorLog",
    "MonthlyPrintStats",
    "MonthlyTally",
    "PageLogFormatError",
    "PaperFootprint",
    "PrintAggregator",
    "PrintJob",
    "PrintLogError",
    "PrintLogResult",
    "PrintSummaryResult",
    "LogTooLarge",
    "a4_equivalent",
    "biggest_changes",
    "compile_page_log_format",
    "detect_log_format",
    "iter_cups_jobs",
    "iter_papercut_jobs",
    "normalise_paper_size",
    "paper_factors",
    "paper_footprint",
    "paper_sources",
    "read_print_log",
    "sheets_for",
    "summarise_print_log",
]
