"""Importing a print log: read with kretslopp.printlogs, map to departments, store totals.

All or nothing: :func:`kretslopp.printlogs.summarise_print_log` returns no totals when any
line is malformed, and then nothing is written (the report lists each line by number). The
totals are written in one transaction. The same file (by SHA-256) is never counted twice.

The result is the import pipeline's :class:`~kretslopp.imports.pipeline.ImportResult`, so
``kretslopp import prints`` reports and exits exactly like every other import.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kretslopp import printlogs
from kretslopp.core import audit, bulk
from kretslopp.imports.pipeline import Counts, ImportResult
from kretslopp.imports.problems import Problem
from kretslopp.organisation.access import Access
from kretslopp.organisation.models import Person
from kretslopp.printing.models import (
    MAPPING_ORDER,
    MappingKind,
    PrintImport,
    PrintMapping,
    PrintVolume,
)
from kretslopp.printing.printermap import DepartmentPrinterMap, split_key
from kretslopp.printlogs.sources import open_binary, source_name
from kretslopp.tabular.limits import MIB

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
) -> ImportResult:
    """Import one print log; the result's ``status`` is committed, rejected or unreadable."""
    name = file_name or source_name(source)
    result = ImportResult(status="rejected", file_name=name)
    try:
        too_large = _too_large(source)
        if too_large:
            return _unreadable(result, too_large)
        digest = sha256_of(source)
    except OSError as exc:
        return _unreadable(result, _("The file could not be read: %(detail)s") % {"detail": exc})
    previous = PrintImport.objects.filter(sha256=digest).first()
    if previous is not None:
        message = _("This file was already imported on %(date)s; it is not counted twice.") % {
            "date": f"{previous.created_at:%Y-%m-%d}"
        }
        result.problems = [_problem(None, message, "already_imported", name)]
        result.problem_count = 1
        return result
    try:
        summary = printlogs.summarise_print_log(
            source,
            department_map(),
            file_name=name,
            log_format=log_format,  # type: ignore[arg-type]
            page_log_format=page_log_format,
        )
    except printlogs.LogTooLarge as exc:
        return _unreadable(result, _log_too_large(exc))
    except printlogs.PageLogFormatError as exc:
        return _unreadable(
            result, _("The PageLogFormat cannot be used: %(detail)s") % {"detail": exc}
        )
    except (OSError, UnicodeError, ValueError) as exc:
        return _unreadable(result, _("The file could not be read: %(detail)s") % {"detail": exc})
    if summary.error_count:
        fatal = summary.error_count and not summary.stats and _is_fatal(summary)
        result.status = "unreadable" if fatal else "rejected"
        result.problems = [
            _problem(error.line, error.message, error.code, name) for error in summary.errors
        ]
        result.problem_count = summary.error_count
        return result
    result.rows = summary.jobs_counted
    written = _write(summary, name, digest, log_format, actor, is_demo)
    result.counts = Counts(created=written)
    result.status = "committed"
    return result


def _is_fatal(summary: printlogs.PrintSummaryResult) -> bool:
    """A file that is not a print log at all (PaperCut columns missing, broken CSV)."""
    return any(e.code in {"missing_columns", "unreadable", "binary_file"} for e in summary.errors)


def _unreadable(result: ImportResult, message: str) -> ImportResult:
    result.status = "unreadable"
    result.problems = [_problem(None, message, "unreadable", result.file_name)]
    result.problem_count = 1
    return result


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
    with transaction.atomic(), audit.acting_as(actor):
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
