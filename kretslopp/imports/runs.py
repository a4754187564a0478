"""Running an import for the web, the command line and the API alike, and keeping its record.

Every front end does the same four things for every registered target (assets, a partner's
report, meter readings, a print log, …): open the source, decide the column mapping (the
automatic suggestion, a saved mapping, the user's corrections), run the pipeline, and keep
an :class:`~kretslopp.imports.models.ImportJob` with the outcome and the problems, so the
job list shows every import, whatever started it. The targets are read from the
``import_targets`` store of :mod:`kretslopp.core.registry`; this module imports no app
that registers one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import import_string

from kretslopp.core import audit
from kretslopp.core.registry import ImportTargetEntry, registry
from kretslopp.imports import liveness, pipeline, progress, retention
from kretslopp.imports.models import Failure, ImportJob, JobState, SavedMapping
from kretslopp.imports.pipeline import (
    Context,
    ImportResult,
    ImportTarget,
    InvalidOptions,
    Options,
    RowSource,
)
from kretslopp.imports.problems import from_tabular
from kretslopp.imports.progress import Cancelled
from kretslopp.organisation.access import Access
from kretslopp.organisation.models import Role
from kretslopp.tabular import TabularError, normalise_header
from kretslopp.tabular.mapping import ColumnMapping

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


def entry_of(name: str) -> ImportTargetEntry:
    """The registered target ``name``; ``KeyError`` names it when no app registered it."""
    return registry.import_targets[name]


def target_class(entry: ImportTargetEntry) -> type[ImportTarget]:
    """The entry's target class, imported on first use when it was registered by dotted path."""
    target = entry.target
    return import_string(target) if isinstance(target, str) else target


def label_of(name: str) -> str:
    """How the job list names a target (the bare name when its app is not installed)."""
    entry = registry.import_targets.get(name)
    return str(entry.label) if entry is not None else name


def allowed_targets(access: Access) -> list[str]:
    """The targets this reader may import into, in the registry's order."""
    return [name for name, entry in registry.import_targets.items() if entry.allowed(access)]


class _TargetClasses(Mapping[str, type[ImportTarget]]):
    """The registered target classes by name (``TARGETS["assets"].name``), read from the
    registry; to run one for a reader, use :func:`target_for`, which checks the reader."""

    def __getitem__(self, name: str) -> type[ImportTarget]:
        return target_class(entry_of(name))

    def __iter__(self) -> Iterator[str]:
        return iter(registry.import_targets.keys())

    def __len__(self) -> int:
        return len(registry.import_targets)


TARGETS: Mapping[str, type[ImportTarget]] = _TargetClasses()


def target_for(name: str, options: Mapping[str, Any], access: Access) -> ImportTarget:
    """The target ``name`` for these job options, if ``access`` may import into it.

    Raises ``PermissionDenied`` (may not) or :class:`InvalidOptions` (options name nothing
    usable), the same for the web, the command line and the API.
    """
    entry = entry_of(name)
    if not entry.allowed(access):
        raise PermissionDenied
    return target_class(entry).for_job(options, access)


def own_job(user: Any, pk: int, access: Access) -> ImportJob:
    """The user's own job ``pk``, if they may (still) import into its target with its options.

    The web's job pages and the API's job routes alike: another's job is a 404, as is one
    whose target or campaign is gone; one the user may no longer import into (a role or a
    partner's campaign changed) is refused (``PermissionDenied``).
    """
    job = ImportJob.objects.filter(pk=pk, user=user).first()
    if job is None:
        raise Http404
    try:
        target_for(job.target, job.options, access)
    except InvalidOptions:
        raise Http404 from None  # what it imported into is gone (a deleted campaign)
    except KeyError:
        raise Http404 from None  # its app is no longer installed
    return job


def open_file(source: str | Path | bytes, file_name: str) -> Any:
    """Open a CSV/XLSX file within the settings' limits (see :func:`pipeline.open_file`)."""
    return pipeline.open_file(source, file_name)


#: What an exchange format's JSON reader returns: a source of rows with extras of its own.
JsonSource = TypeVar("JsonSource")


def looks_like_json(content: bytes, file_name: str) -> bool:
    """A ``.json`` name, or content that starts with ``{`` after blank space and a BOM."""
    if file_name.lower().endswith(".json"):
        return True
    return content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def open_exchange_file(
    source: str | Path | bytes,
    file_name: str,
    read_json: Callable[[bytes, str], JsonSource],
    refusal: Callable[[Exception], str],
    errors: type[Exception] | tuple[type[Exception], ...],
) -> JsonSource | RowSource:
    """A file of one of the exchange formats, which come as JSON or as CSV (or XLSX).

    The formats municipalities send each other (KPI values, procurement criteria) are a
    JSON document or its CSV form; both targets open them the same way, so they do it here:
    JSON goes to the format's own ``read_json`` (which checks the document as a whole),
    anything else to :func:`open_file` within the import limits. A JSON document the reader
    cannot read at all (``errors``) makes the file unreadable, with the format's own
    ``refusal`` sentence naming the file, so the import stops before any row is read.
    """
    content = source if isinstance(source, bytes) else Path(source).read_bytes()
    if not looks_like_json(content, file_name):
        return open_file(content, file_name)
    try:
        return read_json(content, file_name)
    except errors as error:
        raise TabularError(refusal(error), file=file_name, code="not_exchange_file") from None


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


def import_file(
    target_name: str,
    source: str | Path | bytes,
    file_name: str,
    *,
    access: Access,
    actor: Any = None,
    options: Mapping[str, Any] | None = None,
    dry_run: bool = False,
    allow_new_models: bool = False,
    saved: SavedMapping | None = None,
    columns: Mapping[str, str] | None = None,
    origin: str = "file",
) -> ImportResult:
    """A file straight through: open, map automatically (or by ``saved``), run, record.

    What the command line and the API do for every target; the web keeps the file and
    shows the preview in between (:func:`store_upload`, :func:`preview`). Raises what
    :func:`target_for` raises before any job is kept.
    """
    target = target_for(target_name, options or {}, access)
    with liveness.Worker() as worker:
        job = _new_job(
            target_name, file_name, actor, options, allow_new_models, origin, worker.token, dry_run
        )
        try:
            table = target.open(source, file_name)
        except TabularError as error:
            return unreadable(job, error)
        mapping = decide_mapping(target, table.headers, saved, columns)
        job.file_info = file_info(table)
        return run(
            table, mapping, job=job, access=access, actor=actor, dry_run=dry_run, target=target
        )


def import_rows(
    target_name: str,
    source: RowSource,
    *,
    access: Access,
    actor: Any = None,
    options: Mapping[str, Any] | None = None,
    dry_run: bool = False,
    saved: SavedMapping | None = None,
    origin: str = "api",
) -> ImportResult:
    """Rows that are not a file (results posted to the API) through the same job and pipeline."""
    target = target_for(target_name, options or {}, access)
    with liveness.Worker() as worker:
        job = _new_job(
            target_name, source.file_name, actor, options, False, origin, worker.token, dry_run
        )
        mapping = decide_mapping(target, source.headers, saved)
        return run(
            source, mapping, job=job, access=access, actor=actor, dry_run=dry_run, target=target
        )


def import_assets(source: str | Path | bytes, file_name: str, **kwargs: Any) -> ImportResult:
    """An asset file straight through (see :func:`import_file`)."""
    return import_file("assets", source, file_name, **kwargs)


def _new_job(
    target_name: str,
    file_name: str,
    actor: Any,
    options: Mapping[str, Any] | None,
    allow_new_models: bool,
    origin: str,
    worker: str,
    dry_run: bool,
) -> ImportJob:
    return ImportJob.objects.create(
        target=target_name,
        options=dict(options or {}),
        source=origin,
        file_name=file_name[:255],
        user=actor if getattr(actor, "pk", None) else None,
        allow_new_models=allow_new_models,
        state=JobState.CHECKING if dry_run else JobState.RUNNING,
        worker=worker,
    )


def file_info(table: Any) -> dict[str, Any]:
    """What the preview says about how the file was read (format, encoding, delimiter)."""
    delimiter = getattr(table, "delimiter", None)
    return {
        "format": getattr(table, "format", ""),
        "encoding": getattr(table, "encoding", ""),
        "delimiter": {"\t": "tab", None: ""}.get(delimiter, delimiter),
        "warnings": list(getattr(table, "warnings", [])),
    }


def stored_path(job: ImportJob) -> Path:
    """Where a job's uploaded file is kept until it is imported."""
    return progress.folder() / job.stored_file


def discard_file(job: ImportJob) -> None:
    """Remove the job's uploaded file (imported, unreadable or expired)."""
    if job.stored_file:
        stored_path(job).unlink(missing_ok=True)
        job.stored_file = ""
        job.save(update_fields=["stored_file"])


def store_upload(
    upload: Any,
    *,
    user: Any,
    target_name: str,
    worker: str,
    options: Mapping[str, Any] | None = None,
    allow_new_models: bool = False,
    state: str = JobState.CHECKING,
    origin: str = "file",
) -> ImportJob:
    """Keep an uploaded file under MEDIA_ROOT/imports/ until it is imported; its job."""
    name = Path(upload.name).name[:255] or "upload"
    stored = f"{uuid.uuid4().hex}{Path(name).suffix.lower()[:10]}"
    with open(progress.folder() / stored, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return ImportJob.objects.create(
        user=user,
        target=target_name,
        options=dict(options or {}),
        file_name=name,
        stored_file=stored,
        allow_new_models=allow_new_models,
        worker=worker,
        state=state,
        source=origin,
    )


def preview(
    job: ImportJob,
    access: Access,
    user: Any,
    *,
    saved: SavedMapping | None = None,
    columns: Mapping[str, str] | None = None,
    progress: pipeline.Progress = pipeline.no_progress,
) -> None:
    """Check the whole stored file without writing, and keep the outcome on the job."""
    target = target_for(job.target, job.options, access)
    try:
        table = target.open(stored_path(job), job.file_name)
    except TabularError as error:
        unreadable(job, error)
        discard_file(job)
        return
    mapping = decide_mapping(target, table.headers, saved, columns)
    job.file_info = file_info(table)
    run(
        table,
        mapping,
        job=job,
        access=access,
        actor=user,
        dry_run=True,
        target=target,
        progress=progress,
    )
    if job.state == JobState.UNREADABLE:  # a hostile or far too large file: not kept
        discard_file(job)


def start_upload(
    upload: Any,
    *,
    access: Access,
    user: Any,
    target_name: str,
    options: Mapping[str, Any] | None = None,
    allow_new_models: bool = False,
    saved: SavedMapping | None = None,
) -> ImportJob:
    """What every upload page does: check the reader may, keep the file, preview it.

    A file larger than ``IMPORT_JOB_BYTES`` is kept and queued for ``kretslopp worker`` to
    check (:mod:`kretslopp.imports.jobs`), so the request answers at once and the job's page
    follows the work.
    """
    target_for(target_name, options or {}, access)  # refuses before anything is kept
    if is_large(upload):
        from kretslopp.imports import jobs  # its tasks need this module: imported when used

        job = store_upload(
            upload,
            user=user,
            target_name=target_name,
            worker="",
            options=options,
            allow_new_models=allow_new_models,
            state=JobState.QUEUED,
        )
        jobs.enqueue(job, jobs.Step.CHECK, mapping=saved.name if saved else "")
        return job
    with liveness.Worker() as worker:
        job = store_upload(
            upload,
            user=user,
            target_name=target_name,
            worker=worker.token,
            options=options,
            allow_new_models=allow_new_models,
        )
        preview(job, access, user, saved=saved)
    retention.clean_uploads_hourly()  # so that an installation without cron cleans up too
    return job


def is_large(upload: Any) -> bool:
    """Whether an upload is large enough to be checked and imported by a background job."""
    return (getattr(upload, "size", 0) or 0) > settings.IMPORT_JOB_BYTES


def is_large_job(job: ImportJob) -> bool:
    """Whether a checked job's import runs as a background job: by its rows, or by the size
    of its stored file (as its check did)."""
    if (job.summary.get("rows") or 0) > settings.IMPORT_JOB_ROWS:
        return True
    try:
        return bool(job.stored_file) and stored_path(job).stat().st_size > settings.IMPORT_JOB_BYTES
    except OSError:
        return False


def import_stored(job: ImportJob, access: Access, user: Any, progress: pipeline.Progress) -> None:
    """Import a checked job's stored file (the job is already claimed: ``running``).

    The file must still have the headers that were checked; a file that changed is refused.
    Whatever breaks off the import leaves nothing written and the job failed.
    """
    target = target_for(job.target, job.options, access)
    try:
        table = target.open(stored_path(job), job.file_name)
    except TabularError as error:
        unreadable(job, error)
        return
    mapping = ColumnMapping.from_dict(job.mapping)
    if mapping.headers != table.headers:  # not the file that was previewed: refuse it
        mark_failed(job, Failure.FILE_CHANGED)
        return
    try:
        result = run(
            table,
            mapping,
            job=job,
            access=access,
            actor=user,
            progress=progress,
            total_rows=job.summary.get("rows"),
            target=target,
        )
    except Cancelled:
        raise
    except Exception:
        mark_failed(job, Failure.ERROR)
        raise
    if result.status == "committed":
        discard_file(job)


def run_stored_file(
    job: ImportJob,
    access: Access,
    *,
    dry_run: bool,
    saved: SavedMapping | None,
    progress: pipeline.Progress,
) -> ImportResult:
    """What :func:`import_file` does, for a file the API kept and queued (job claimed)."""
    target = target_for(job.target, job.options, access)
    try:
        table = target.open(stored_path(job), job.file_name)
    except TabularError as error:
        result = unreadable(job, error)
    else:
        mapping = decide_mapping(target, table.headers, saved)
        job.file_info = file_info(table)
        result = run(
            table,
            mapping,
            job=job,
            access=access,
            actor=job.user,
            dry_run=dry_run,
            target=target,
            progress=progress,
        )
    discard_file(job)
    return result


def mark_failed(job: ImportJob, failure: Failure) -> None:
    """The job failed for ``failure`` (nothing was imported); nobody works on it any more."""
    job.state, job.failure, job.worker = JobState.FAILED, failure, ""
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "failure", "worker", "finished_at"])


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
    target: ImportTarget | None = None,
) -> ImportResult:
    """Run the pipeline for ``job`` and record the outcome on it.

    ``target`` is the one that opened ``source`` (a print log's target keeps what it read);
    without it the job's target is built anew from its options.
    """
    if target is None:
        target = target_for(job.target, job.options, access)
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
    result.job_id = job.pk
    return result


def unreadable(job: ImportJob, error: TabularError) -> ImportResult:
    """Record that the file could not be opened at all."""
    result = unreadable_result(job.file_name, error)
    record(job, result, dry_run=False)
    result.job_id = job.pk
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
