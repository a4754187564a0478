"""Imports over the API: another system posts its export, as a person would upload it.

A nightly job can push Intune's or GLPI's device export, or a supplier's delivery file,
without anyone at a screen: the same pipeline as the web upload and ``kretslopp import
assets`` (automatic column mapping, or a saved one by name; all or nothing; idempotent), with
the token owner's rights and departments. A file with errors imports nothing and answers 422
with every problem located by row and column.

``POST /imports/jobs`` does the same for every registered target (meter readings, a print
log, a take-back partner's report, …), and ``GET /imports/jobs`` lists the caller's imports,
whatever started them: each run is an import job, as on the web and the command line.

A file larger than ``KRETSLOPP_IMPORT_JOB_BYTES`` is not imported inside the call: it is
kept, queued for ``kretslopp worker``, and the call answers 202 with the job's URL (in the
``Location`` header and the body). ``GET /imports/jobs/{id}`` follows it (rows done, rows
per second, errors so far, then the outcome); ``POST /imports/jobs/{id}/cancel`` stops it
with nothing imported (see :mod:`kretslopp.imports.jobs`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Status, UploadedFile

from kretslopp.api.auth import caller_of
from kretslopp.api.errors import ApiError, responses
from kretslopp.api.schema import ApiSchema
from kretslopp.core import downloads
from kretslopp.core.uploads import source_of
from kretslopp.imports import exports, jobs, liveness, runs
from kretslopp.imports.models import ExportJob, ExportState, ImportJob, JobState
from kretslopp.imports.pipeline import ImportResult, InvalidOptions
from kretslopp.imports.problems import Problem
from kretslopp.inventory.api import AssetFilters, asset_filter_query
from kretslopp.organisation.access import Action

router = Router(tags=["imports"])

WRITE_ERRORS = responses(400, 401, 403, 422)
READ_ERRORS = responses(401, 403, 422)
#: 413: the file is larger than ``KRETSLOPP_IMPORT_MAX_UPLOAD_MB``.
UPLOAD_ERRORS = responses(400, 401, 403, 413, 422)


class ImportOptions(ApiSchema):
    mapping: str = Field("", max_length=100, description="A column mapping saved by name.")
    dry_run: bool = Field(False, description="Check only: write nothing.")
    allow_new_models: bool = Field(
        False, description="Create missing manufacturers, models and locations."
    )


class QueuedOut(ApiSchema):
    job: int = Field(description="The import job, queued for a worker.")
    target: str
    state: str = Field(description="queued: follow it at url.")
    url: str = Field(description="GET it for the job's progress and outcome (also Location).")


#: 202: the file is larger than ``KRETSLOPP_IMPORT_JOB_BYTES``; a worker imports it.
QUEUED = {202: QueuedOut}


class WarningOut(ApiSchema):
    row: int | None
    column: str | None
    value: str
    message: str
    code: str


class ImportOut(ApiSchema):
    status: str = Field(description="committed, or dry_run when only checked.")
    file: str
    rows: int
    created: int = Field(description="Assets created (would be, in a dry run).")
    updated: int
    unchanged: int
    warnings: list[WarningOut]


@router.post("/imports/assets", response={200: ImportOut, **QUEUED, **UPLOAD_ERRORS})
def import_asset_file(
    request: HttpRequest,
    response: HttpResponse,
    file: File[UploadedFile],
    options: Form[ImportOptions],
) -> dict | tuple[int, dict]:
    """Import a CSV or XLSX file of assets (our export, Snipe-IT, GLPI, Intune, Swedish Excel).

    All or nothing: a file with any error imports nothing and answers 422, each problem's
    ``field`` saying where ("row 3, Status"). Importing the same file again changes nothing.
    A file larger than the installation's upload limit (100 MB unless configured) answers
    413 before it is stored; a zip bomb, a cell longer than 32,767 characters or too many
    rows or columns answer 422 naming the limit. A file larger than
    ``KRETSLOPP_IMPORT_JOB_BYTES`` answers 202: a worker imports it (see GET /imports/jobs/{id}).
    """
    caller = caller_of(request)
    access = caller.access
    access.require(Action.EDIT_ASSETS)
    try:
        saved = runs.saved_mapping(options.mapping, "assets")
    except runs.UnknownMapping as error:
        raise ApiError(422, "unknown_mapping", str(error), [("mapping", str(error))]) from None
    if runs.is_large(file):
        return _queue(
            response,
            file,
            caller.user,
            "assets",
            {},
            mapping=options.mapping,
            dry_run=options.dry_run,
            allow_new_models=options.allow_new_models,
        )
    name = file.name or "upload"
    source = source_of(file)
    result = runs.import_assets(
        source,
        name,
        access=access,
        actor=caller.user,
        dry_run=options.dry_run,
        allow_new_models=options.allow_new_models,
        saved=saved,
        origin="api",
    )
    if result.status not in ("committed", "dry_run"):
        raise _refusal(result)
    return result.summary()


def _refusal(result: ImportResult) -> ApiError:
    """Nothing was imported: every error, located, in the API's one error format."""
    errors = [problem for problem in result.problems if not problem.warning]
    details = [(_where(problem), problem.message) for problem in errors]
    if result.status == "unreadable":
        message = f"{result.file_name} could not be read; nothing was imported."
    else:
        message = f"{result.file_name}: {result.problem_count} problem(s), nothing was imported."
    if result.unknown_count:
        message += (
            f" {result.unknown_count} name(s) Kretslopp does not know are listed once each;"
            " say once what each means in the preview of an upload (Import), or have it"
            " mapped under Import → Value mappings, and every row with it imports."
        )
    return ApiError(422, result.status, message, details)


def _where(problem: Problem) -> str | None:
    if problem.row is None:
        return problem.column
    return f"row {problem.row}, {problem.column}" if problem.column else f"row {problem.row}"


class JobOptions(ApiSchema):
    target: str = Field(
        max_length=30,
        description="What the file is: a registered import target such as meter_readings, "
        "print_log, partner_report, forum_measures, offer_form or procurement_criteria "
        "(assets: see POST /imports/assets).",
    )
    mapping: str = Field("", max_length=100, description="A column mapping saved by name.")
    dry_run: bool = Field(False, description="Check only: write nothing.")
    campaign: int | None = Field(None, description="partner_report: the campaign's number.")
    log_format: str = Field(
        "", max_length=10, description="print_log: auto (default), cups or papercut."
    )
    page_log_format: str = Field(
        "", max_length=500, description="print_log: the CUPS server's PageLogFormat."
    )
    procurement: int | None = Field(None, description="offer_form: the procurement's number.")
    organisation_number: str = Field(
        "", max_length=30, description="offer_form: the bidder's organisation number."
    )
    imported_from: str = Field(
        "", max_length=200, description="procurement_criteria: who sent the criteria."
    )


class JobOut(ImportOut):
    job: int = Field(description="The import job, listed by GET /imports/jobs.")
    target: str


class JobListOut(ApiSchema):
    id: int
    target: str
    target_label: str
    file: str
    source: str
    state: str
    rows: int | None
    error_count: int
    created_at: dt.datetime
    finished_at: dt.datetime | None


@router.post("/imports/jobs", response={200: JobOut, **QUEUED, **UPLOAD_ERRORS})
def start_job(
    request: HttpRequest,
    response: HttpResponse,
    file: File[UploadedFile],
    options: Form[JobOptions],
) -> dict | tuple[int, dict]:
    """Import a file into any registered target, all rows or none, as a job of the caller's.

    The same pipeline as the web upload and ``kretslopp import``: a file with any error imports
    nothing and answers 422 with each problem located; a target the caller's role may not
    import into answers 403, a partner's report for another partner's campaign 404. A file
    larger than ``KRETSLOPP_IMPORT_JOB_BYTES`` answers 202: a worker imports it.
    """
    caller = caller_of(request)
    if options.target not in runs.TARGETS:
        message = f"there is no import target {options.target!r}"
        raise ApiError(422, "unknown_target", message, [("target", message)])
    job_options = _job_options(options)
    try:
        saved = runs.saved_mapping(options.mapping, options.target)
        if runs.is_large(file):
            runs.target_for(options.target, job_options, caller.access)  # 403/404 first
            return _queue(
                response,
                file,
                caller.user,
                options.target,
                job_options,
                mapping=options.mapping,
                dry_run=options.dry_run,
            )
        result = runs.import_file(
            options.target,
            source_of(file),
            file.name or "upload",
            access=caller.access,
            actor=caller.user,
            options=job_options,
            dry_run=options.dry_run,
            saved=saved,
            origin="api",
        )
    except runs.UnknownMapping as error:
        raise ApiError(422, "unknown_mapping", str(error), [("mapping", str(error))]) from None
    except InvalidOptions as error:
        raise ApiError(404, "not_found", str(error)) from None
    if result.status not in ("committed", "dry_run"):
        raise _refusal(result)
    return {**result.summary(), "job": result.job_id, "target": options.target}


def _queue(
    response: HttpResponse,
    file: UploadedFile,
    user: object,
    target: str,
    job_options: dict,
    *,
    mapping: str,
    dry_run: bool,
    allow_new_models: bool = False,
) -> tuple[int, dict]:
    """Keep the file, queue it for a worker, and answer 202 with where to follow it."""
    job = runs.store_upload(
        file,
        user=user,
        target_name=target,
        worker="",
        options=job_options,
        allow_new_models=allow_new_models,
        state=JobState.QUEUED,
        origin="api",
    )
    jobs.enqueue(job, jobs.Step.FILE, mapping=mapping, dry_run=dry_run)
    url = reverse("api:import_job", args=[job.pk])
    response["Location"] = url
    return 202, {"job": job.pk, "target": target, "state": JobState.QUEUED, "url": url}


def _job_options(options: JobOptions) -> dict:
    """The target-specific fields that were given, as the job keeps them."""
    given = {
        "campaign": options.campaign,
        "log_format": options.log_format,
        "page_log_format": options.page_log_format,
        "procurement": options.procurement,
        "organisation_number": options.organisation_number,
        "imported_from": options.imported_from,
    }
    return {key: value for key, value in given.items() if value not in (None, "")}


@router.get("/imports/jobs", response={200: list[JobListOut], **READ_ERRORS})
def list_jobs(request: HttpRequest) -> list[dict]:
    """The caller's latest 100 imports into every target, newest first."""
    caller = caller_of(request)
    if not runs.allowed_targets(caller.access):
        raise PermissionDenied
    return [_listed(job) for job in ImportJob.objects.filter(user=caller.user)[:100]]


def _listed(job: ImportJob) -> dict:
    return {
        "id": job.pk,
        "target": job.target,
        "target_label": job.target_label,
        "file": job.file_name,
        "source": job.source,
        "state": job.state,
        "rows": job.summary.get("rows"),
        "error_count": job.problem_count,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


class ProgressOut(ApiSchema):
    phase: str = Field(description="validating or writing while it runs.")
    done: int = Field(description="Rows done in this phase.")
    total: int | None = Field(description="Rows in the file, once known.")
    rows_per_second: int | None
    errors: int = Field(description="Errors found so far (the outcome's count once done).")
    percent: int = Field(description="Checking is the first half, writing the second.")


class JobDetailOut(JobListOut):
    finished: bool = Field(description="False while queued, being checked or importing.")
    progress: ProgressOut
    summary: dict = Field(description="Rows, created, updated, unchanged… once done.")
    failure: str = Field(description="Why a failed job failed, when no problem says it.")


def _caller_job(request: HttpRequest, job_id: int) -> tuple[object, ImportJob]:
    """The caller's own job (another's is a 404, as on the web)."""
    caller = caller_of(request)
    if not runs.allowed_targets(caller.access):
        raise PermissionDenied
    job = runs.own_job(caller.user, job_id, caller.access)
    liveness.reap([job])  # a job whose worker died shows as failed, not as working
    return caller, job


def _detail(job: ImportJob) -> dict:
    status = jobs.status(job)
    return {
        **_listed(job),
        "finished": status["finished"],
        "progress": status,
        "summary": job.summary if status["finished"] else {},
        "failure": job.failure,
    }


@router.get(
    "/imports/jobs/{job_id}",
    response={200: JobDetailOut, **responses(401, 403, 404, 422)},
    url_name="import_job",
)
def get_job(request: HttpRequest, job_id: int) -> dict:
    """One of the caller's imports: its state and progress while it runs, then its outcome."""
    _caller, job = _caller_job(request, job_id)
    return _detail(job)


@router.post(
    "/imports/jobs/{job_id}/cancel", response={200: JobDetailOut, **responses(401, 403, 404, 422)}
)
def cancel_job(request: HttpRequest, job_id: int) -> dict:
    """Cancel a queued or running import: nothing is imported (a running one stops at its
    next batch and rolls back; GET the job to see it cancelled). A job with its outcome
    already is answered as it is."""
    caller, job = _caller_job(request, job_id)
    jobs.cancel(job, caller.user)
    return _detail(job)


# Exports ------------------------------------------------------------------------------------
#
# ``GET /exports/assets`` is the asset list's export (the list's filters, ``format`` csv,
# csv-sv or xlsx): up to ``KRETSLOPP_EXPORT_JOB_ROWS`` rows the file itself, above that 202
# with the job's URL, as a large import answers. A GET, so a read-only token may export what
# it may read. The job and its file are the caller's alone (see kretslopp.imports.exports).

ExportFormat = Literal["csv", "csv-sv", "xlsx"]
#: What the file's 200 is, in the OpenAPI document (the body is the file itself).
FILE_200 = {
    "responses": {
        200: {
            "description": "The file (small exports, and a finished job's file).",
            "content": {
                downloads.FORMATS[fmt][1].split(";")[0]: {
                    "schema": {"type": "string", "format": "binary"}
                }
                for fmt in ("csv", "xlsx")
            },
        }
    }
}


class AssetExportQuery(AssetFilters):
    format: ExportFormat = Field("csv", description="csv, csv-sv (Swedish Excel) or xlsx.")


class ExportQueuedOut(ApiSchema):
    job: int = Field(description="The export job, queued for a worker.")
    source: str
    state: str = Field(description="queued: follow it at url.")
    url: str = Field(description="GET it for the job's progress and outcome (also Location).")


class ExportJobOut(ApiSchema):
    id: int
    source: str
    format: str
    file: str
    state: str
    state_label: str
    finished: bool = Field(description="False while queued or being written.")
    rows: int = Field(description="Rows matched when asked for; rows written once done.")
    done: int = Field(description="Rows written so far.")
    rows_per_second: int | None
    percent: int
    size_bytes: int
    failure: str = Field(description="Why a failed export failed.")
    created_at: dt.datetime
    finished_at: dt.datetime | None
    download_url: str | None = Field(description="The file, once written (the caller's only).")


@router.get(
    "/exports/assets",
    response={202: ExportQueuedOut, **READ_ERRORS},
    openapi_extra=FILE_200,
    tags=["exports"],
)
def export_assets(
    request: HttpRequest, response: HttpResponse, query: Query[AssetExportQuery]
) -> HttpResponseBase | Status:
    """The asset list with the list's filters as a file; a large one as a job (202).

    Up to ``KRETSLOPP_EXPORT_JOB_ROWS`` rows the answer is the file. Above that a worker
    writes it: the answer is 202 with the job's URL (body and ``Location``); GET that to
    follow it, then its ``download_url``. Cells a spreadsheet would run as a formula are
    neutralised, as in every export.
    """
    caller = caller_of(request)
    access = caller.access
    access.require(Action.VIEW)
    fmt = query.format
    params = asset_filter_query(query)
    spec = exports.SOURCES["assets"]
    records = spec.records(access, params)
    count = records.count()
    if not exports.is_large(count):
        return exports.download_now("assets", fmt, records)
    job = exports.start("assets", fmt, params, caller.user, access, count)
    url = reverse("api:export_job", args=[job.pk])
    response["Location"] = url
    return Status(202, {"job": job.pk, "source": job.source, "state": job.state, "url": url})


def _exporter_of(request: HttpRequest) -> Any:
    caller = caller_of(request)
    if not any(spec.allowed(caller.access) for spec in exports.SOURCES.values()):
        raise PermissionDenied
    return caller


def _export_out(job: ExportJob) -> dict:
    status = exports.status(job)
    done = job.state == ExportState.DONE and exports.stored_path(job) is not None
    return {
        "id": job.pk,
        "source": job.source,
        "format": job.file_format,
        "file": job.file_name,
        "state": job.state,
        "state_label": status["state_label"],
        "finished": status["finished"],
        "rows": job.row_count,
        "done": status["done"],
        "rows_per_second": status["rows_per_second"],
        "percent": status["percent"],
        "size_bytes": job.size_bytes,
        "failure": job.failure,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "download_url": reverse("api:export_file", args=[job.pk]) if done else None,
    }


def _caller_export(request: HttpRequest, export_id: int) -> tuple[Any, ExportJob]:
    """The caller's own export (another's is a 404, as on the web)."""
    caller = _exporter_of(request)
    job = get_object_or_404(ExportJob, pk=export_id, user=caller.user)
    exports.reap([job])
    return caller, job


@router.get("/exports/jobs", response={200: list[ExportJobOut], **READ_ERRORS}, tags=["exports"])
def list_exports(request: HttpRequest) -> list[dict]:
    """The caller's latest 100 background exports, newest first."""
    caller = _exporter_of(request)
    mine = ExportJob.objects.filter(user=caller.user)[:100]
    exports.reap([job for job in mine if job.state == ExportState.RUNNING])
    return [_export_out(job) for job in mine]


@router.get(
    "/exports/jobs/{export_id}",
    response={200: ExportJobOut, **responses(401, 403, 404, 422)},
    url_name="export_job",
    tags=["exports"],
)
def get_export(request: HttpRequest, export_id: int) -> dict:
    """One of the caller's exports: rows written and rows per second, then its file's URL."""
    _caller, job = _caller_export(request, export_id)
    return _export_out(job)


@router.get(
    "/exports/jobs/{export_id}/file",
    response=responses(401, 403, 404, 422),
    openapi_extra=FILE_200,
    url_name="export_file",
    tags=["exports"],
)
def get_export_file(request: HttpRequest, export_id: int) -> FileResponse:
    """The written file: for the caller who asked for it, while their access covers it."""
    caller, job = _caller_export(request, export_id)
    path = exports.stored_path(job) if job.state == ExportState.DONE else None
    if path is None or not exports.may_download(job, caller.user):
        raise Http404
    return FileResponse(
        open(path, "rb"),  # noqa: SIM115 - the response closes it
        as_attachment=True,
        filename=job.file_name,
        content_type=downloads.FORMATS[job.file_format][1],
    )


@router.post(
    "/exports/jobs/{export_id}/cancel",
    response={200: ExportJobOut, **responses(401, 403, 404, 422)},
    tags=["exports"],
)
def cancel_export(request: HttpRequest, export_id: int) -> dict:
    """Cancel a queued or running export: no file is kept (a running one stops at its next
    batch). An export with its outcome already is answered as it is."""
    caller, job = _caller_export(request, export_id)
    exports.cancel(job, caller.user)
    return _export_out(job)
