"""The one import pipeline: read → map columns → validate every row → (preview) → commit → report.

Every source (an uploaded CSV/XLSX, a Snipe-IT API pull, a partner's report, meter
readings, a print log, results posted to the API) is a :class:`RowSource`: headers plus
numbered rows of text. Every destination is an :class:`ImportTarget`: it opens its file,
names its fields, checks a column mapping, preloads what it needs to validate rows *without
a query per row*, validates rows one by one, and writes everything it accepted in
:meth:`ImportTarget.commit`. The owning app registers each target in the ``import_targets``
store of :mod:`kretslopp.core.registry`; :mod:`kretslopp.imports.runs` keeps a job for every
run, whichever front end (web, command line, API) started it.

The pipeline owns the rules that must hold for every target:

* all or nothing — validation and writing happen inside one transaction; a single rejected
  row means nothing is written, and a failure while writing rolls everything back;
* every problem is located (file, row, column, value) and worded for the person importing;
* a dry run (the preview) runs exactly the same validation, so what the preview accepts
  is what the import accepts.
"""

from __future__ import annotations

import itertools
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from kretslopp.core.uploads import read_limits
from kretslopp.imports.problems import Problem, from_tabular
from kretslopp.organisation.access import Access
from kretslopp.tabular import Row, TabularError, normalise_header, open_table
from kretslopp.tabular.limits import REFUSALS
from kretslopp.tabular.mapping import ColumnMapping

#: Problems kept for the report; beyond this only the count grows (a file with 100,000 bad
#: rows needs fixing at its source, not a 100,000-line report).
MAX_PROBLEMS = 10_000
PREVIEW_ROWS = 10
#: Unknown names kept for decisions; a file with more needs fixing at its source.
MAX_UNKNOWN_NAMES = 500
PROGRESS_EVERY = 2_000

#: ``progress(phase, done, total, errors=0)``: rows done of ``total`` (None: not known yet),
#: and the errors found so far, which a background job's page shows while it runs.
Progress = Callable[..., None]


def no_progress(phase: str, done: int, total: int | None, errors: int = 0) -> None:
    """The default progress callback: report nothing."""


class RowSource(Protocol):
    """Headers and rows of text; :class:`kretslopp.tabular.Table` is one."""

    file_name: str
    headers: list[str]

    def rows(self) -> Iterator[Row]: ...


@dataclass(frozen=True)
class FieldSpec:
    """A field a target accepts; ``label`` is shown in the mapping form."""

    name: str
    label: str


@dataclass
class Options:
    allow_new_models: bool = False
    dry_run: bool = False
    reference: str = ""  # how written records point back at this run ("import #12")


@dataclass
class Context:
    """Who imports, with which rights, and how."""

    access: Access
    actor: Any = None  # the user recorded in audit entries and lifecycle events
    options: Options = field(default_factory=Options)
    file_name: str = ""
    progress: Progress = no_progress
    total_rows: int | None = None


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    new_records: dict[str, int] = field(default_factory=dict)  # e.g. {"models": 2}


@dataclass
class UnknownName:
    """A name the file uses that Kretslopp does not know, gathered over every row.

    A migration from another system names hundreds of rows with a few dozen companies,
    locations and categories Kretslopp has not heard of: each needs one decision (what it
    means here, or create it), not one error per row.
    """

    kind: str  # "department", "location", "category" or "status"
    value: str  # as the file first spells it
    column: str | None
    first_row: int
    rows: int = 0
    # For a location: how many of its rows go to each department (where to create it).
    departments: dict[int, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "value": self.value,
            "column": self.column,
            "first_row": self.first_row,
            "rows": self.rows,
            "departments": {str(pk): count for pk, count in self.departments.items()},
        }


class InvalidOptions(ValueError):
    """A job's options do not name what the target needs (no such campaign); the message says."""


def open_file(source: str | Path | bytes, file_name: str) -> RowSource:
    """Open a CSV/XLSX file within the settings' limits (``KRETSLOPP_IMPORT_MAX_*``).

    Raises :class:`TabularError` when it cannot be read at all: damaged, a zip bomb, too
    large, too many rows or columns. Cells come as written: text that looks like HTML
    (``<b>``, ``a < b``) is stored as given and escaped wherever it is shown, so that our own
    export of it imports again unchanged. Only a source known to write its cells as HTML
    (Snipe-IT's export) is decoded, by its target (see
    :class:`kretslopp.imports.assets.target.AssetTarget`).
    """
    return open_table(source, file_name, strip_html=False, limits=read_limits())


class ImportTarget(ABC):
    """Where rows go. Subclass it for each kind of record an import can write."""

    name: ClassVar[str]
    #: False where the file's layout is fixed (a print log): the preview offers no mapping.
    maps_columns: ClassVar[bool] = True

    @classmethod
    def for_job(cls, options: Mapping[str, Any], access: Access) -> ImportTarget:
        """The target for a job with these ``options``, run with ``access``.

        Raises :class:`InvalidOptions` when the options name nothing usable and
        ``PermissionDenied`` when this importer may not import so (a partner reports only
        on its own campaigns): every front end asks here, so the rule is in one place.
        """
        return cls()

    def open(self, source: str | Path | bytes, file_name: str) -> RowSource:
        """The file's rows; a CSV or XLSX table unless the target reads another format.

        Raises :class:`TabularError` when the file cannot be read at all.
        """
        return open_file(source, file_name)

    def start_url(self) -> str | None:
        """Where a person starts another import of this kind (None: the import page)."""
        return None

    def result_url(self) -> str | None:
        """Where the written records show after a successful import (None: nowhere)."""
        return None

    @abstractmethod
    def fields(self) -> Sequence[FieldSpec]:
        """The fields a column may feed, in the order the mapping form lists them."""

    @abstractmethod
    def suggest_mapping(self, headers: list[str]) -> ColumnMapping:
        """The automatic mapping for these headers."""

    def check_mapping(self, mapping: ColumnMapping, file_name: str) -> list[Problem]:
        """Problems with the mapping as a whole (a required column missing)."""
        return []

    @abstractmethod
    def prepare(self, context: Context, mapping: ColumnMapping) -> None:
        """Preload every lookup validation needs, once; called inside the transaction."""

    @abstractmethod
    def validate(self, row: Row) -> list[Problem]:
        """Check one row and remember what to write for it; return its problems."""

    def unknown_names(self) -> list[UnknownName]:
        """The names the rows used that need a decision (see :class:`UnknownName`)."""
        return []

    def after_rows(self) -> list[Problem]:
        """Problems only known once every row was seen (one per unknown name)."""
        return []

    @abstractmethod
    def planned(self) -> Counts:
        """What :meth:`commit` would do, as counts (for the preview)."""

    @abstractmethod
    def commit(self) -> Counts:
        """Write every accepted row; only called when no row had an error."""


@dataclass
class ImportResult:
    """What a run did or would do; ``status`` decides the CLI's exit code."""

    status: str  # "committed", "dry_run", "rejected", "unreadable", "failed"
    file_name: str
    mapping: ColumnMapping | None = None
    rows: int = 0
    counts: Counts = field(default_factory=Counts)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    warning_count: int = 0
    preview: list[list[str]] = field(default_factory=list)
    unknown: list[UnknownName] = field(default_factory=list)
    unknown_count: int = 0  # beyond the ones kept in ``unknown``
    job_id: int | None = None  # the import job that keeps this run (set by imports.runs)

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if not problem.warning]

    @property
    def ok(self) -> bool:
        return self.status in {"committed", "dry_run"}

    def summary(self) -> dict[str, Any]:
        """The machine-readable summary the CLI prints and the job record keeps.

        ``unknown`` (each name that needs a decision, once) and ``unknown_count`` appear
        only when the file uses such names.
        """
        summary = {
            "status": self.status,
            "file": self.file_name,
            "rows": self.rows,
            "created": self.counts.created,
            "updated": self.counts.updated,
            "unchanged": self.counts.unchanged,
            "new": dict(self.counts.new_records),
            "error_count": self.problem_count,
            "warning_count": self.warning_count,
            "errors": [_problem_json(problem) for problem in self.problems if not problem.warning],
            "warnings": [_problem_json(problem) for problem in self.problems if problem.warning],
        }
        if self.unknown_count:
            summary["unknown"] = [name.as_dict() for name in self.unknown]
            summary["unknown_count"] = self.unknown_count
        return summary


def _problem_json(problem: Problem) -> dict[str, Any]:
    return {
        "row": problem.row,
        "column": problem.column,
        "value": problem.value,
        "message": problem.message,
        "code": problem.code,
    }


class _Rejected(Exception):
    """Raised inside the transaction to roll it back when rows were rejected."""


class _Collector:
    """Keeps the first :data:`MAX_PROBLEMS` problems and counts errors and warnings."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.kept: list[Problem] = []
        self.errors = 0
        self.warnings = 0

    def add(self, problems: list[Problem]) -> None:
        for problem in problems:
            if problem.warning:
                self.warnings += 1
            else:
                self.errors += 1
            if len(self.kept) < MAX_PROBLEMS:
                if not problem.file:
                    problem = _with_file(problem, self.file_name)
                self.kept.append(problem)


def _with_file(problem: Problem, file_name: str) -> Problem:
    data = problem.as_dict()
    data["file"] = file_name
    return Problem.from_dict(data)


def duplicate_headers(mapping: ColumnMapping, file_name: str) -> list[Problem]:
    """Two columns with the same name where one of them feeds a field: which one is meant?"""
    seen: dict[str, int] = {}
    problems = []
    for position, header in enumerate(mapping.headers):
        key = normalise_header(header)
        if key in seen and (position in mapping.fields or seen[key] in mapping.fields):
            problems.append(
                Problem(
                    row=1,
                    column=header,
                    value=header,
                    code="duplicate_header",
                    file=file_name,
                    message=_(
                        "The column name “%(name)s” occurs twice (columns %(first)s and "
                        "%(second)s). Rename or remove one of them."
                    )
                    % {"name": header, "first": seen[key] + 1, "second": position + 1},
                )
            )
        seen.setdefault(key, position)
    return problems


def run(
    source: RowSource,
    target: ImportTarget,
    mapping: ColumnMapping,
    context: Context,
) -> ImportResult:
    """Validate every row of ``source`` and, unless it is a dry run, write them all or none."""
    result = ImportResult(status="rejected", file_name=source.file_name, mapping=mapping)
    collector = _Collector(source.file_name)
    collector.add(duplicate_headers(mapping, source.file_name))
    collector.add(target.check_mapping(mapping, source.file_name))
    if collector.errors:
        return _finish(result, collector)
    try:
        if context.options.dry_run:
            _validate(source, target, mapping, context, result, collector)
            if collector.errors:
                result.status = "rejected"
            else:
                result.counts = target.planned()
                result.status = "dry_run"
            return _finish(result, collector)
        with transaction.atomic():
            _validate(source, target, mapping, context, result, collector)
            if collector.errors:
                raise _Rejected
            result.counts = target.commit()
            result.status = "committed"
    except _Rejected:
        # Nothing was written: a rejected run reports no counts, not what it would have done.
        result.status = "rejected"
    except _Refused as refused:
        collector.add([refused.problem])
        result.status = "unreadable"
    except CommitConflict as conflict:
        collector.add([conflict.problem])
        result.status = "failed"
    except DatabaseError as exc:
        collector.add(
            [
                Problem(
                    row=None,
                    column=None,
                    value="",
                    code="database",
                    message=_(
                        "The database refused the import, so nothing was imported: %(detail)s"
                    )
                    % {"detail": exc},
                )
            ]
        )
        result.status = "failed"
    return _finish(result, collector)


class _Refused(Exception):
    """The reader met one of tabular's limits: the whole file is unreadable."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class CommitConflict(Exception):
    """A record changed between validation and writing; the import is rolled back."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _validate(
    source: RowSource,
    target: ImportTarget,
    mapping: ColumnMapping,
    context: Context,
    result: ImportResult,
    collector: _Collector,
) -> None:
    target.prepare(context, mapping)
    progress = context.progress
    total = context.total_rows
    progress("validating", 0, total)
    rows = source.rows()
    try:
        for row in itertools.islice(rows, PREVIEW_ROWS):
            result.preview.append([row.number, *row.values])
            _check(target, row, collector, result)
        for row in rows:
            _check(target, row, collector, result)
            if result.rows % PROGRESS_EVERY == 0:
                progress("validating", result.rows, total, errors=collector.errors)
    except TabularError as error:
        if error.code in REFUSALS:  # a hostile or far too large file: refused as a whole
            raise _Refused(from_tabular(error)) from None
        # The reader stops at a row it cannot read; the rows before it were checked.
        collector.add([from_tabular(error)])
    collector.add(target.after_rows())
    result.unknown = target.unknown_names()
    result.unknown_count = len(result.unknown)
    result.unknown = result.unknown[:MAX_UNKNOWN_NAMES]
    progress("validating", result.rows, result.rows, errors=collector.errors)


def _check(target: ImportTarget, row: Row, collector: _Collector, result: ImportResult) -> None:
    result.rows += 1
    problems = target.validate(row)
    if problems:
        collector.add(problems)


def _finish(result: ImportResult, collector: _Collector) -> ImportResult:
    result.problems = collector.kept
    result.problem_count = collector.errors
    result.warning_count = collector.warnings
    return result
