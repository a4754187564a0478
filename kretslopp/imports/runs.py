"""Running an import for the web, the command line and the API alike, and keeping its record.

Every front end does the same four things: open the source, decide the column mapping (the
automatic suggestion, a saved mapping, the user's corrections), run the pipeline, and keep
an :class:`~kretslopp.imports.models.ImportJob` with the outcome and the problems.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.module_loading import import_string

from kretslopp.core import audit
from kretslopp.core.registry import registry
from kretslopp.core.uploads import read_limits
from kretslopp.imports import liveness, pipeline
from kretslopp.imports.models import ImportJob, JobState, SavedMapping
from kretslopp.imports.pipeline import Context, ImportResult, ImportTarget, Options, RowSource
from kretslopp.imports.problems import from_tabular
from kretslopp.organisation.access import Access
from kretslopp.organisation.models import Role
from kretslopp.tabular import Table, TabularError, normalise_header, open_table
from kretslopp.tabular.mapping import ColumnMapping


class _Targets(Mapping[str, type[ImportTarget]]):
    """Every target an import can write into, as the owning apps registered them in
    ``registry.import_targets`` (assets here, meter readings by energy, …)."""

    def __getitem__(self, name: str) -> type[ImportTarget]:
        target = registry.import_targets[name].target
        return import_string(target) if isinstance(target, str) else target

    def __iter__(self) -> Iterator[str]:
        return iter(registry.import_targets.keys())

    def __len__(self) -> int:
        return len(registry.import_targets)


TARGETS: Mapping[str, type[ImportTarget]] = _Targets()

#: Whoever runs the command line on the server already holds the data; without --user the
#: command imports with an administrator's reach and records no actor.
SYSTEM_ACCESS = Access(role=Role.ADMINISTRATOR, department_ids=None)

_STATES = {
    "committed": JobState.DONE,
    "dry_run": JobState.PREVIEWED,
    "rejected": JobState.REJECTED,
    "unreadable": JobState.UNREADABLE,
    "failed": JobState.FAILED,
}


def open_file(source: str | Path | bytes, file_name: str) -> Table:
    """Open a CSV/XLSX file within the settings' limits (``KRETSLOPP_IMPORT_MAX_*``).

    Raises :class:`TabularError` when it cannot be read at all: damaged, a zip bomb, too
    large, too many rows or columns. Cells come as written: text that looks like HTML
    (``<b>``, ``a < b``) is stored as given and escaped wherever it is shown, so that our own
    export of it imports again unchanged. Only a source known to write its cells as HTML
    (Snipe-IT's export) is decoded, by its target (see
    :class:`kretslopp.imports.assets.target.AssetTarget`).
    """
    return open_table(source, file_name, strip_html=False, limits=read_limits())


def apply_columns(mapping: ColumnMapping, columns: Mapping[str, str]) -> ColumnMapping:
    """Override ``mapping`` with ``columns`` (header → field, ``''`` = ignore), by header name.

    Headers the override does not name keep their automatic field unless the override gave
    that field to another column.
    """
    wanted = {normalise_header(header): field for header, field in columns.items()}
    fields: dict[int, str] = {}
    for position, header in enumerate(mapping.headers):
        key = normalise_header(header)
        if wanted.get(key):
            fields[position] = wanted[key]
    taken = set(fields.values())
    for position, field in mapping.fields.items():
        key = normalise_header(mapping.headers[position])
        if key not in wanted and field not in taken:
            fields[position] = field
            taken.add(field)
    return ColumnMapping(
        headers=mapping.headers,
        fields=dict(sorted(fields.items())),
        profile=mapping.profile,
        conflicts=[pos for pos in mapping.conflicts if pos not in fields],
        defaults=mapping.defaults,
    )


class UnknownMapping(LookupError):
    """No saved mapping of that name for that kind of import; the message says which."""


def saved_mapping(name: str | None, target: str) -> SavedMapping | None:
    """The column mapping saved under ``name`` for imports into ``target`` (None: no name)."""
    if not name:
        return None
    saved = SavedMapping.objects.filter(name=name).first()
    if saved is None:
        raise UnknownMapping(f"there is no saved mapping named {name!r}")
    if saved.target != target:
        raise UnknownMapping(f"the saved mapping {name!r} is for {saved.target}, not {target}")
    return saved


def import_assets(
    source: str | Path | bytes,
    file_name: str,
    *,
    access: Access,
    actor: Any = None,
    dry_run: bool = False,
    allow_new_models: bool = False,
    saved: SavedMapping | None = None,
    columns: Mapping[str, str] | None = None,
    origin: str = "file",
) -> ImportResult:
    """An asset file straight through: open, map automatically (or by ``saved``), run, record.

    What the command line and the API do; the web adds a preview in between.
    """
    with liveness.Worker() as worker:
        job = ImportJob.objects.create(
            source=origin,
            file_name=file_name[:255],
            user=actor,
            allow_new_models=allow_new_models,
            state=JobState.CHECKING if dry_run else JobState.RUNNING,
            worker=worker.token,
        )
        try:
            table = open_file(source, file_name)
        except TabularError as error:
            return unreadable(job, error)
        target = TARGETS["assets"]()
        mapping = decide_mapping(target, table.headers, saved, columns)
        job.file_info = {"format": table.format, "encoding": table.encoding}
        return run(table, mapping, job=job, access=access, actor=actor, dry_run=dry_run)


def decide_mapping(
    target: ImportTarget,
    headers: list[str],
    saved: SavedMapping | None = None,
    columns: Mapping[str, str] | None = None,
) -> ColumnMapping:
    """The automatic suggestion, then a saved mapping, then the user's own corrections."""
    mapping = target.suggest_mapping(headers)
    if saved is not None:
        mapping = apply_columns(mapping, saved.columns)
    if columns:
        mapping = apply_columns(mapping, columns)
    return mapping


def columns_of(mapping: ColumnMapping) -> dict[str, str]:
    """A mapping as header → field ('' for ignored columns), the way it is saved."""
    return {header: mapping.fields.get(pos, "") for pos, header in enumerate(mapping.headers)}


def run(
    source: RowSource,
    mapping: ColumnMapping,
    *,
    job: ImportJob,
    access: Access,
    actor: Any = None,
    dry_run: bool = False,
    progress: pipeline.Progress = pipeline.no_progress,
    total_rows: int | None = None,
) -> ImportResult:
    """Run the pipeline for ``job`` and record the outcome on it."""
    target = TARGETS[job.target]()
    context = Context(
        access=access,
        actor=actor,
        options=Options(
            allow_new_models=job.allow_new_models, dry_run=dry_run, reference=job.reference
        ),
        file_name=source.file_name,
        progress=progress,
        total_rows=total_rows,
    )
    with liveness.working_on(job), audit.batch(job.audit_batch):
        result = pipeline.run(source, target, mapping, context)
        record(job, result, dry_run=dry_run)
    return result


def unreadable(job: ImportJob, error: TabularError) -> ImportResult:
    """Record that the file could not be opened at all."""
    result = unreadable_result(job.file_name, error)
    record(job, result, dry_run=False)
    return result


def unreadable_result(file_name: str, error: TabularError) -> ImportResult:
    """The outcome of a file that could not be opened at all, for imports that keep no job."""
    result = ImportResult(status="unreadable", file_name=file_name)
    result.problems = [from_tabular(error)]
    result.problem_count = 1
    return result


def record(job: ImportJob, result: ImportResult, *, dry_run: bool) -> None:
    """Keep the outcome on the job; a dry run with errors is still just a preview."""
    state = _STATES[result.status]
    if dry_run and state == JobState.REJECTED:
        state = JobState.PREVIEWED
    job.state = state
    job.worker = ""  # an outcome: nobody works on the job any more
    if result.mapping is not None:
        job.mapping = result.mapping.to_dict()
    job.summary = {
        key: value
        for key, value in result.summary().items()
        if key not in {"errors", "warnings", "file"}
    }
    job.problems = [problem.as_dict() for problem in result.problems]
    job.problem_count = result.problem_count
    if result.preview:
        job.preview_rows = result.preview
    if not dry_run:
        job.finished_at = timezone.now()
    job.save()
