"""Print logs as a target of the one import pipeline: read with kretslopp.printlogs, map to
departments, store totals.

All or nothing: :func:`kretslopp.printlogs.summarise_print_log` returns no totals when any
line is malformed, and then nothing is written (the report lists each line by number and
column). The totals are written in the pipeline's one transaction. The same file (by
SHA-256) is never counted twice. Like every target, a log becomes an import job with a
preview (the totals that would be stored) before anything is written, on the web, in
``kretslopp import prints`` and over the API.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kretslopp import printlogs
from kretslopp.core import audit, bulk
from kretslopp.imports import runs
from kretslopp.imports.pipeline import (
    Context,
    Counts,
    FieldSpec,
    ImportResult,
    ImportTarget,
    InvalidOptions,
)
from kretslopp.imports.problems import Problem
from kretslopp.organisation.access import Access
from kretslopp.organisation.models import Department, Person
from kretslopp.printing.models import (
    MAPPING_ORDER,
    MappingKind,
    PrintImport,
    PrintMapping,
    PrintVolume,
)
from kretslopp.printing.printermap import DepartmentPrinterMap, split_key
from kretslopp.printlogs.sources import open_binary, source_name
from kretslopp.tabular import Row, TabularError
from kretslopp.tabular.limits import MIB
from kretslopp.tabular.mapping import ColumnMapping

Source = str | os.PathLike[str] | bytes | BinaryIO


def department_map() -> DepartmentPrinterMap:
    """Users (the people register, then user rows of the mapping table), printers and billing
    codes → department id, in printlogs' documented precedence: billing code, user, printer.

    A user row in the mapping table overrides the register (someone printing under an
    account that is not in it). Keys are compared case-insensitively by the map itself.
    """
    users = {
        identifier: str(department_id)
        for identifier, department_id in Person.objects.values_list("identifier", "department_id")
    }
    kinds: dict[str, dict[str, str]] = {kind: {} for kind in MappingKind.values}
    for kind, key, department_id in PrintMapping.objects.values_list(
        "kind", "key", "department_id"
    ):
        kinds[kind][key] = str(department_id)
    users.update(kinds[MappingKind.USER])
    return DepartmentPrinterMap(
        users=users,
        printers=kinds[MappingKind.PRINTER],
        billing_codes=kinds[MappingKind.BILLING_CODE],
        precedence=tuple(str(kind) for kind in MAPPING_ORDER),  # plain: pickled to workers
    )


def sha256_of(source: Source) -> str:
    digest = hashlib.sha256()
    if isinstance(source, (bytes, bytearray)):
        digest.update(source)
        return digest.hexdigest()
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        return digest.hexdigest()
    position = source.tell()
    while chunk := source.read(1 << 20):
        digest.update(chunk)
    source.seek(position)
    return digest.hexdigest()


def _too_large(source: Source) -> str:
    """A message if the log is over ``KRETSLOPP_IMPORT_MAX_PRINT_LOG_MB``, else ``''``."""
    limit_bytes = settings.IMPORT_MAX_PRINT_LOG_MB * MIB
    if isinstance(source, (bytes, bytearray)):
        size = len(source)
    elif isinstance(source, (str, os.PathLike)):
        size = os.path.getsize(source)
    else:
        position = source.tell()
        size = source.seek(0, os.SEEK_END) - position
        source.seek(position)
    if size <= limit_bytes:
        return _unpacks_too_large(source, limit_bytes)
    return _(
        "The print log is %(size)s MB; at most %(limit)s MB can be imported at once. "
        "Split it, for example by month."
    ) % {
        "size": number_format(-(-size // MIB), force_grouping=True),
        "limit": number_format(settings.IMPORT_MAX_PRINT_LOG_MB, force_grouping=True),
    }


def _unpacks_too_large(source: Source, limit_bytes: int) -> str:
    """A message if a gzipped log unpacks to more than a log may be (a gzip bomb), else ''.

    Counted by unpacking once, a megabyte at a time, before anything is parsed.
    """
    if _head(source) != b"\x1f\x8b":
        return ""  # not gzipped: its size was the limit
    position = None if isinstance(source, (bytes, bytearray, str, os.PathLike)) else source.tell()
    try:
        with open_binary(source) as stream:
            while stream.read(MIB):
                if stream.tell() > limit_bytes:
                    return _log_too_large(printlogs.LogTooLarge("unpacked_too_large", limit_bytes))
    except (OSError, EOFError, printlogs.LogTooLarge):
        return ""  # a damaged file: the reading says so, with its own message
    finally:
        if position is not None:
            source.seek(position)  # type: ignore[union-attr]
    return ""


def _head(source: Source) -> bytes:
    if isinstance(source, (bytes, bytearray)):
        return bytes(source[:2])
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as handle:
            return handle.read(2)
    position = source.tell()
    head = source.read(2)
    source.seek(position)
    return head


def _log_too_large(exc: printlogs.LogTooLarge) -> str:
    if exc.code == "line_too_long":
        return _(
            "A line of the file is longer than %(limit)s characters; this is not a print log."
        ) % {"limit": number_format(exc.limit_bytes, force_grouping=True)}
    return _(
        "The compressed print log unpacks to more than %(limit)s MB, the most that is read. "
        "Split it, for example by month."
    ) % {"limit": number_format(exc.limit_bytes // MIB, force_grouping=True)}


TARGET_NAME = "print_log"
LOG_FORMATS = ("auto", "cups", "papercut")
#: The columns of the totals a log is summed into, which the preview shows (fixed: a log has
#: no columns to map; its users and printers are placed by the mapping table instead).
TOTAL_FIELDS = ("department", "month", "printer", "jobs", "pages", "sheets", "a4_sheets")
#: Codes of a log's errors that mean the file is not a print log at all.
FATAL_CODES = frozenset({"missing_columns", "unreadable", "binary_file"})


def _total_labels() -> dict[str, str]:
    return {
        "department": _("Department"),
        "month": _("Month"),
        "printer": _("Printer"),
        "jobs": _("Jobs"),
        "pages": _("Pages"),
        "sheets": _("Sheets"),
        "a4_sheets": _("A4 sheets"),
    }


class PrintTotals:
    """A summed print log as the pipeline's rows: one per department, month and printer.

    A print log is read whole (in parallel for a large one) before any row is checked, so
    its rows are the totals that would be stored, and its malformed lines are problems the
    target reports with their line and column.
    """

    def __init__(self, file_name: str, log_format: str, rows: list[Row]) -> None:
        self.file_name = file_name
        self.headers = list(TOTAL_FIELDS)
        self.format = log_format
        self._rows = rows

    def rows(self) -> Iterator[Row]:
        return iter(self._rows)


class PrintLogTarget(ImportTarget):
    """Stores a print log's totals per department, month and printer, with its import record.

    The same file (by SHA-256) is never counted twice; a log with one malformed line stores
    nothing (each line is reported by number).
    """

    name = TARGET_NAME
    maps_columns = False

    def __init__(
        self, log_format: str = "auto", page_log_format: str | None = None, is_demo: bool = False
    ) -> None:
        self.log_format = log_format
        self.page_log_format = page_log_format or None
        self.is_demo = is_demo
        self.summary: printlogs.PrintSummaryResult | None = None
        self.digest = ""
        self.file_name = ""
        self.context: Context | None = None

    @classmethod
    def for_job(cls, options: Mapping[str, Any], access: Access) -> PrintLogTarget:
        log_format = options.get("log_format") or "auto"
        if log_format not in LOG_FORMATS:
            raise InvalidOptions(
                _("Unknown log format “%(format)s”; use auto, cups or papercut.")
                % {"format": log_format}
            )
        return cls(
            log_format,
            str(options.get("page_log_format") or "") or None,
            bool(options.get("is_demo")),
        )

    def start_url(self) -> str | None:
        return reverse("printing:upload")

    def result_url(self) -> str | None:
        return reverse("printing:overview")

    # --- reading ----------------------------------------------------------------------

    def open(self, source: Source, file_name: str) -> PrintTotals:  # type: ignore[override]
        """Read and sum the whole log; raise ``TabularError`` when it is no print log at all."""
        self.file_name = file_name
        try:
            too_large = _too_large(source)
            if too_large:
                raise _unreadable(too_large, file_name)
            self.digest = sha256_of(source)
            summary = printlogs.summarise_print_log(
                source,
                department_map(),
                file_name=file_name,
                log_format=self.log_format,  # type: ignore[arg-type]
                page_log_format=self.page_log_format,
            )
        except printlogs.LogTooLarge as exc:
            raise _unreadable(_log_too_large(exc), file_name) from None
        except printlogs.PageLogFormatError as exc:
            message = _("The PageLogFormat cannot be used: %(detail)s") % {"detail": exc}
            raise _unreadable(message, file_name) from None
        except (OSError, UnicodeError, ValueError) as exc:
            message = _("The file could not be read: %(detail)s") % {"detail": exc}
            raise _unreadable(message, file_name) from None
        if summary.error_count and not summary.stats:
            fatal = [e for e in summary.errors if e.code in FATAL_CODES]
            if fatal:  # not a print log at all (PaperCut columns missing, broken CSV)
                first = fatal[0]
                raise TabularError(
                    first.message,
                    file=file_name,
                    row=first.line,
                    column=first.column,
                    code=f"print_{first.code}",
                )
        self.summary = summary
        return PrintTotals(file_name, summary.log_format, self._total_rows(summary))

    def _total_rows(self, summary: printlogs.PrintSummaryResult) -> list[Row]:
        codes = dict(Department.objects.values_list("pk", "code"))
        rows = []
        for number, ((key, month), stats) in enumerate(sorted(summary.stats.items()), start=1):
            department, printer = (None, "") if key == printlogs.UNMAPPED else split_key(key)
            code = codes.get(department, "") if department is not None else ""
            counts = (stats.jobs, stats.pages, stats.sheets)
            # Shown as the preview's rows: numbers in the reader's form (1,5 in Swedish).
            values = (
                code,
                month,
                printer,
                *(number_format(count, force_grouping=True) for count in counts),
                number_format(stats.a4_sheets, decimal_pos=1, force_grouping=True),
            )
            rows.append(Row(number, values))
        return rows

    # --- the pipeline's steps -----------------------------------------------------------

    def fields(self) -> Sequence[FieldSpec]:
        labels = _total_labels()
        return [FieldSpec(name, labels[name]) for name in TOTAL_FIELDS]

    def suggest_mapping(self, headers: list[str]) -> ColumnMapping:
        return ColumnMapping(
            headers=list(headers), fields=dict(enumerate(headers)), profile=TARGET_NAME
        )

    def check_mapping(self, mapping: ColumnMapping, file_name: str) -> list[Problem]:
        previous = PrintImport.objects.filter(sha256=self.digest).first() if self.digest else None
        if previous is None:
            return []
        message = _("This file was already imported on %(date)s; it is not counted twice.") % {
            "date": f"{previous.created_at:%Y-%m-%d}"
        }
        return [_problem(None, message, "already_imported", file_name)]

    def prepare(self, context: Context, mapping: ColumnMapping) -> None:
        self.context = context

    def validate(self, row: Row) -> list[Problem]:
        return []  # every line was checked while the log was read; see after_rows

    def after_rows(self) -> list[Problem]:
        if self.summary is None:
            return []
        return [
            Problem(
                row=error.line,
                column=error.column,
                value="",
                message=error.message,
                code=error.code,
                file=self.file_name,
            )
            for error in self.summary.errors
        ]

    def planned(self) -> Counts:
        return Counts(created=len(self.summary.stats) if self.summary else 0)

    def commit(self) -> Counts:
        assert self.summary is not None and self.context is not None
        written = _write(
            self.summary,
            self.file_name,
            self.digest,
            self.log_format,
            self.context.actor,
            self.is_demo,
        )
        return Counts(created=written)


def _unreadable(message: str, file_name: str) -> TabularError:
    return TabularError(message, file=file_name, code="print_log_unreadable")


def _problem(row: int | None, message: str, code: str, file_name: str) -> Problem:
    return Problem(row=row, column=None, value="", message=message, code=code, file=file_name)


def import_print_log(
    source: Source,
    *,
    access: Access,
    log_format: str = "auto",
    file_name: str | None = None,
    page_log_format: str | None = None,
    actor: Any = None,
    is_demo: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Import one print log as an import job; ``status`` is committed, rejected or unreadable."""
    options: dict[str, Any] = {"log_format": log_format}
    if page_log_format:
        options["page_log_format"] = page_log_format
    if is_demo:
        options["is_demo"] = True
    return runs.import_file(
        TARGET_NAME,
        source,  # type: ignore[arg-type]
        file_name or source_name(source),
        access=access,
        actor=actor,
        options=options,
        dry_run=dry_run,
    )


def _write(
    summary: printlogs.PrintSummaryResult,
    name: str,
    digest: str,
    log_format: str,
    actor: Any,
    is_demo: bool,
) -> int:
    """Store the totals and the import record in one transaction; audit the import."""
    rows = []
    jobs = pages = unmapped = 0
    for (key, month), stats in summary.stats.items():
        department, printer = (None, "") if key == printlogs.UNMAPPED else split_key(key)
        rows.append((department, month, printer, stats))
        jobs += stats.jobs
        pages += stats.pages
        if department is None:
            unmapped += stats.jobs
    months = sorted({month for _d, month, _p, _s in rows})
    with transaction.atomic(), audit.acting_as(actor):  # inside the pipeline's transaction
        record = PrintImport.objects.create(
            file_name=name[:255],
            sha256=digest,
            source=summary.log_format if log_format == "auto" else log_format,
            jobs=jobs,
            pages=pages,
            unmapped_jobs=unmapped,
            first_month=_month(months[0]) if months else None,
            last_month=_month(months[-1]) if months else None,
            imported_by=actor if getattr(actor, "pk", None) else None,
            is_demo=is_demo,
        )
        bulk.create(
            PrintVolume,
            [
                PrintVolume(
                    print_import=record,
                    department_id=department,
                    month=_month(month),
                    printer=printer[:200],
                    jobs=s.jobs,
                    pages=s.pages,
                    sheets=s.sheets,
                    a4_sheets=s.a4_sheets,
                    pages_duplex=s.pages_duplex,
                    pages_duplex_known=s.pages_duplex_known,
                    pages_colour=s.pages_colour,
                    pages_colour_known=s.pages_colour_known,
                )  # fmt: skip
                for department, month, printer, s in rows
            ],
        )
    return len(rows)


def _month(text: str) -> dt.date:
    return dt.date(int(text[:4]), int(text[5:7]), 1)
