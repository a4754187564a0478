"""Imports over the API: another system posts its export, as a person would upload it.

A nightly job can push Intune's or GLPI's device export, or a supplier's delivery file,
without anyone at a screen: the same pipeline as the web upload and ``kretslopp import
assets`` (automatic column mapping, or a saved one by name; all or nothing; idempotent), with
the token owner's rights and departments. A file with errors imports nothing and answers 422
with every problem located by row and column.

``POST /imports/jobs`` does the same for every registered target (meter readings, a print
log, a take-back partner's report, …), and ``GET /imports/jobs`` lists the caller's imports,
whatever started them: each run is an import job, as on the web and the command line.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, File, Form, Router, UploadedFile

from kretslopp.api.auth import caller_of
from kretslopp.api.errors import ApiError, responses
from kretslopp.api.schema import ApiSchema
from kretslopp.core.uploads import source_of
from kretslopp.imports import runs
from kretslopp.imports.models import ImportJob
from kretslopp.imports.pipeline import ImportResult, InvalidOptions
from kretslopp.imports.problems import Problem
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


@router.post("/imports/assets", response={200: ImportOut, **UPLOAD_ERRORS})
def import_asset_file(
    request: HttpRequest, file: File[UploadedFile], options: Form[ImportOptions]
) -> dict:
    """Import a CSV or XLSX file of assets (our export, Snipe-IT, GLPI, Intune, Swedish Excel).

    All or nothing: a file with any error imports nothing and answers 422, each problem's
    ``field`` saying where ("row 3, Status"). Importing the same file again changes nothing.
    A file larger than the installation's upload limit (100 MB unless configured) answers
    413 before it is stored; a zip bomb, a cell longer than 32,767 characters or too many
    rows or columns answer 422 naming the limit.
    """
    caller = caller_of(request)
    access = caller.access
    access.require(Action.EDIT_ASSETS)
    try:
        saved = runs.saved_mapping(options.mapping, "assets")
    except runs.UnknownMapping as error:
        raise ApiError(422, "unknown_mapping", str(error), [("mapping", str(error))]) from None
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


@router.post("/imports/jobs", response={200: JobOut, **UPLOAD_ERRORS})
def start_job(request: HttpRequest, file: File[UploadedFile], options: Form[JobOptions]) -> dict:
    """Import a file into any registered target, all rows or none, as a job of the caller's.

    The same pipeline as the web upload and ``kretslopp import``: a file with any error imports
    nothing and answers 422 with each problem located; a target the caller's role may not
    import into answers 403, a partner's report for another partner's campaign 404.
    """
    caller = caller_of(request)
    if options.target not in runs.TARGETS:
        message = f"there is no import target {options.target!r}"
        raise ApiError(422, "unknown_target", message, [("target", message)])
    job_options = _job_options(options)
    try:
        saved = runs.saved_mapping(options.mapping, options.target)
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
    return [
        {
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
        for job in ImportJob.objects.filter(user=caller.user)[:100]
    ]
