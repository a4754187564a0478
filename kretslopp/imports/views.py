"""Import pages: upload → preview (mapping editable, every error located) → import → result.

A small import runs inside the request that confirms it, in one transaction, so a failure
can never leave half an import behind. A large one (``IMPORT_JOB_BYTES``/``_ROWS``) is
checked and imported by ``kretslopp worker`` instead (:mod:`kretslopp.imports.jobs`): the
request answers at once with the job's page, which follows the work, can be left and
come back to, and has a button to cancel it. While it
runs, the preview page's script (``imports.js``; the CSP forbids inline scripts) posts the
confirmation in the background and polls :func:`progress_json`, which reads the progress
file the import writes (see :mod:`kretslopp.imports.progress`). Without JavaScript the
form posts normally and the result page appears when the import is done.

Jobs are private to the user who uploaded them; another user's job is a 404.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kretslopp.core import downloads
from kretslopp.core.uploads import files_of
from kretslopp.imports import decisions, export_views, jobs, liveness, progress, retention, runs
from kretslopp.imports.assets.target import UNKNOWN_KINDS
from kretslopp.imports.decisions import Name, NamesForm
from kretslopp.imports.forms import MappingForm, UploadForm, ValueMapForm
from kretslopp.imports.models import ImportJob, JobState, SavedMapping, ValueMap
from kretslopp.imports.pipeline import InvalidOptions
from kretslopp.imports.problems import Problem
from kretslopp.organisation.access import Access, Action, access_for
from kretslopp.tabular.mapping import ColumnMapping

PROBLEMS_SHOWN = 200
UNKNOWN_CODES = frozenset(f"unknown_{kind}" for kind in UNKNOWN_KINDS)


def _importer(request: HttpRequest) -> Access:
    """Whoever may import into at least one registered target (assets, take-back, …)."""
    access = access_for(request.user)
    if not runs.allowed_targets(access):
        raise PermissionDenied
    return access


def _own_job(request: HttpRequest, pk: int, access: Access) -> ImportJob:
    """The user's own job, if they may (still) import into its target with its options."""
    return runs.own_job(request.user, pk, access)


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """The asset upload, and the reader's recent imports into every target."""
    access = _importer(request)
    may_import_assets = access.can(Action.EDIT_ASSETS)
    form = UploadForm(request.POST or None, files_of(request) or None)
    if request.method == "POST":
        if not may_import_assets:
            raise PermissionDenied
        if form.is_valid():
            job = runs.start_upload(
                form.cleaned_data["file"],
                access=access,
                user=request.user,
                target_name="assets",
                allow_new_models=form.cleaned_data["allow_new_models"],
                saved=form.cleaned_data["mapping"],
            )
            return redirect(job)
    jobs = list(ImportJob.objects.filter(user=request.user)[:20])
    liveness.reap(jobs)  # a job whose process died shows as failed, not as still working
    context = {
        "form": form if may_import_assets else None,
        "jobs": jobs,
        "targets": _other_targets(access),
    }
    return render(request, "imports/upload.html", context)


def _other_targets(access: Access) -> list[tuple[str, str | None]]:
    """The other kinds of import this reader may start, with the page that starts each."""
    found = []
    for name in runs.allowed_targets(access):
        if name == "assets":
            continue
        try:
            url = runs.TARGETS[name].for_job({}, access).start_url()
        except (InvalidOptions, PermissionDenied):
            url = None  # started from a page of its own (a campaign's report)
        found.append((runs.label_of(name), url))
    return found


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = _importer(request)
    job = _own_job(request, pk, access)
    liveness.reap([job])
    if job.state in jobs.WORKING_STATES:
        return render(request, "imports/running.html", {"job": job, **jobs.status(job)})
    context = _job_context(job, access)
    if job.state == JobState.PREVIEWED:
        if context["expired_days"] is None:  # no mapping to change without the file
            context["mapping_form"] = _mapping_form(job, access)
        return render(request, "imports/preview.html", context)
    return render(request, "imports/result.html", context)


def _job_context(job: ImportJob, access: Access, names_form: NamesForm | None = None) -> dict:
    problems = [Problem.from_dict(data) for data in job.problems[:PROBLEMS_SHOWN]]
    mapping = ColumnMapping.from_dict(job.mapping) if job.mapping else None
    headers = mapping.headers if mapping else []
    target = runs.target_for(job.target, job.options, access)
    if not target.maps_columns:  # a fixed layout (a print log's totals): name its fields
        labels = {spec.name: str(spec.label) for spec in target.fields()}
        headers = [labels.get(header, header) for header in headers]
    errors = [p for p in problems if not p.warning]
    error_count = job.problem_count
    names = _unknown_names(job)
    if names and names_form is None:
        names_form = NamesForm(names=names, access=access)
    if names_form is not None:
        # Each unknown name is listed once, with its decision, rather than as a problem.
        errors = [p for p in errors if p.code not in UNKNOWN_CODES]
        error_count -= job.summary.get("unknown_count", len(names))
    return {
        "job": job,
        "start_url": target.start_url() or reverse("imports:upload"),
        "result_url": target.result_url(),
        "summary": job.summary,
        "errors": errors,
        "error_count": error_count,
        "warnings": [p for p in problems if p.warning],
        "hidden_problems": max(0, len(job.problems) - PROBLEMS_SHOWN),
        "more_than_kept": job.problem_count
        > len([p for p in job.problems if not p.get("warning")]),
        "headers": headers,
        "preview_rows": job.preview_rows,
        "expired_days": retention.expired_days(job),
        "values_removed_days": retention.values_removed_days(job),
        "can_import": job.state == JobState.PREVIEWED
        and job.problem_count == 0
        and bool(job.stored_file),
        "names_form": names_form,
        "more_names": max(0, job.summary.get("unknown_count", 0) - len(names)),
    }


def _unknown_names(job: ImportJob) -> list[Name]:
    """The names a preview that can still be corrected needs decided, once each."""
    if job.state != JobState.PREVIEWED or not job.stored_file:
        return []
    return [Name.from_summary(data) for data in job.summary.get("unknown", [])]


@login_required
@require_POST
def decide_names(request: HttpRequest, pk: int) -> HttpResponse:
    """Keep what the user said the unknown names mean, then check the file again."""
    access = _importer(request)
    job = _own_job(request, pk, access)
    names = _unknown_names(job)
    if not names:
        return redirect(job)
    form = NamesForm(request.POST, names=names, access=access)
    if not form.is_valid():
        context = _job_context(job, access, names_form=form)
        if context["expired_days"] is None:
            context["mapping_form"] = _mapping_form(job, access)
        return render(request, "imports/preview.html", context, status=400)
    outcome = decisions.save(form, request.user)
    _said(request, outcome)
    mapping = ColumnMapping.from_dict(job.mapping)
    runs.preview(job, access, request.user, columns=runs.columns_of(mapping))
    return redirect(job)


def _said(request: HttpRequest, outcome: decisions.Outcome) -> None:
    if outcome.mapped:
        messages.success(
            request,
            ngettext(
                "%(count)s name was mapped; later files with it need no decision.",
                "%(count)s names were mapped; later files with them need no decision.",
                outcome.mapped,
            )
            % {"count": outcome.mapped},
        )
    if outcome.created:
        messages.success(
            request, _("Created: %(records)s.") % {"records": ", ".join(outcome.created)}
        )
    if outcome.already:
        messages.info(
            request,
            _("Someone decided these meanwhile, so their decision stands: %(names)s.")
            % {"names": ", ".join(outcome.already)},
        )


def _mapping_form(job: ImportJob, access: Access, data=None) -> MappingForm | None:
    """The column mapping to correct, unless the target reads a fixed layout (a print log)."""
    target = runs.target_for(job.target, job.options, access)
    if not target.maps_columns or not job.mapping:
        return None
    mapping = ColumnMapping.from_dict(job.mapping)
    return MappingForm(
        data, headers=mapping.headers, fields=target.fields(), current=mapping.fields
    )


@login_required
@require_POST
def remap(request: HttpRequest, pk: int) -> HttpResponse:
    access = _importer(request)
    job = _own_job(request, pk, access)
    if job.state != JobState.PREVIEWED or not job.stored_file:
        return redirect(job)
    form = _mapping_form(job, access, request.POST)
    if form is None:
        return redirect(job)
    if not form.is_valid():
        context = _job_context(job, access)
        context["mapping_form"] = form
        return render(request, "imports/preview.html", context, status=400)
    columns = form.columns()
    name = form.cleaned_data["save_as"].strip()
    if name:
        if not _save_mapping(request, access, form, name, columns, job.target):
            context = _job_context(job, access)
            context["mapping_form"] = form
            return render(request, "imports/preview.html", context, status=400)
        messages.success(request, _("The mapping was saved as “%(name)s”.") % {"name": name})
    runs.preview(job, access, request.user, columns=columns)
    return redirect(job)


def _save_mapping(
    request: HttpRequest,
    access: Access,
    form: MappingForm,
    name: str,
    columns: dict[str, str],
    target: str,
) -> bool:
    """Save ``columns`` under ``name``, unless that name is someone else's mapping.

    Replacing a mapping changes every later import that uses it, so only its owner (or
    whoever manages import settings) may; anyone else is asked for another name.
    """
    with transaction.atomic():
        existing = SavedMapping.objects.select_for_update().filter(name=name).first()
        if existing is None:
            SavedMapping.objects.create(
                name=name, columns=columns, target=target, owner=request.user
            )
            return True
        if not access.may_change_owned(existing.owner_id == request.user.pk):
            form.add_error(
                "save_as",
                _(
                    "“%(name)s” is a mapping someone else saved; only they or an administrator "
                    "may change it. Save yours under another name."
                )
                % {"name": name},
            )
            return False
        existing.columns = columns
        existing.target = target
        existing.save()
    return True


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    access = _importer(request)
    job = _own_job(request, pk, access)
    ready = job.problem_count == 0 and job.stored_file
    if ready and runs.is_large_job(job):  # a worker imports it; this page follows it
        jobs.queue_for_import(job)
        return redirect(job)
    # Claim the job atomically so a double click cannot import the file twice, nor a job
    # whose file the retention cleanup removed meanwhile (see kretslopp.imports.retention).
    claimable = ImportJob.objects.filter(pk=job.pk, state=JobState.PREVIEWED).exclude(
        stored_file=""
    )
    with liveness.Worker() as worker:
        if not ready or not claimable.update(state=JobState.RUNNING, worker=worker.token):
            return redirect(job)
        job.state, job.worker = JobState.RUNNING, worker.token
        progress.write(job.pk, {"phase": "starting", "done": 0, "total": job.summary.get("rows")})
        try:
            runs.import_stored(job, access, request.user, progress.Reporter(job.pk))
        finally:
            progress.clear(job.pk)
    return redirect(job)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a queued or running job (audited; a running one stops at its next batch)."""
    access = _importer(request)
    job = _own_job(request, pk, access)
    liveness.reap([job])
    if jobs.cancel(job, request.user):
        messages.info(request, _("The import is being cancelled; nothing will be imported."))
    return redirect(job)


@login_required
def progress_json(request: HttpRequest, pk: int) -> JsonResponse:
    access = _importer(request)
    job = _own_job(request, pk, access)
    liveness.reap([job])
    return JsonResponse({**jobs.status(job), "url": job.get_absolute_url()})


@login_required
def error_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Every kept problem as CSV (cells neutralised against formula injection).

    Once the retention cleanup has removed the cells' values, the value column is empty
    and its heading says so (see :mod:`kretslopp.imports.retention`).
    """
    access = _importer(request)
    job = _own_job(request, pk, access)
    value = _("Value")
    removed_after = retention.values_removed_days(job)
    if removed_after is not None:
        value = ngettext(
            "Value (removed after %(days)s day; may be personal data)",
            "Value (removed after %(days)s days; may be personal data)",
            removed_after,
        ) % {"days": removed_after}
    headers = [_("File"), _("Row"), _("Column"), value, _("Problem"), _("Kind")]
    rows = [
        [
            p.get("file") or job.file_name,
            p.get("row"),
            p.get("column") or "",
            p.get("value") or "",
            p.get("message"),
            _("warning") if p.get("warning") else _("error"),
        ]
        for p in job.problems
    ]
    stem = Path(job.file_name).stem or "import"
    return downloads.table_download("csv", f"{stem}-problems", headers, rows)


def _settings_reader(request: HttpRequest) -> Access:
    """The value mappings page: for importers (they see what their files will mean) and for
    whoever manages import settings."""
    access = access_for(request.user)
    if not (access.can(Action.EDIT_ASSETS) or access.can(Action.MANAGE_IMPORT_SETTINGS)):
        raise PermissionDenied
    return access


@login_required
def value_maps(request: HttpRequest) -> HttpResponse:
    access = _settings_reader(request)
    may_manage = access.can(Action.MANAGE_IMPORT_SETTINGS)
    if request.method == "POST" and not may_manage:
        raise PermissionDenied
    form = ValueMapForm(request.POST or None) if may_manage else None
    if form is not None and request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The value mapping was saved."))
        return redirect("imports:value_maps")
    items = ValueMap.objects.select_related("department", "location")
    saved = SavedMapping.objects.select_related("owner")
    return render(
        request,
        "imports/value_maps.html",
        {
            "form": form,
            "may_import": access.can(Action.EDIT_ASSETS),
            "value_maps": [(item, access.may_map_names(item.department_scope)) for item in items],
            "saved_mappings": [
                (mapping, access.may_change_owned(mapping.owner_id == request.user.pk))
                for mapping in saved
            ],
        },
    )


@login_required
@require_POST
def value_map_delete(request: HttpRequest, pk: int) -> HttpResponse:
    access = _settings_reader(request)
    item = get_object_or_404(ValueMap.objects.select_related("location"), pk=pk)
    if not access.may_map_names(item.department_scope):
        raise PermissionDenied
    item.delete()
    messages.success(request, _("The value mapping was removed."))
    return redirect("imports:value_maps")


@login_required
@require_POST
def saved_mapping_delete(request: HttpRequest, pk: int) -> HttpResponse:
    access = _settings_reader(request)
    mapping = get_object_or_404(SavedMapping, pk=pk)
    if not access.may_change_owned(mapping.owner_id == request.user.pk):
        raise PermissionDenied
    mapping.delete()
    messages.success(
        request, _("The column mapping “%(name)s” was removed.") % {"name": mapping.name}
    )
    return redirect("imports:value_maps")


@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The asset list exactly as filtered on screen, as CSV, Swedish CSV or XLSX; above
    ``EXPORT_JOB_ROWS`` rows written by the worker (:mod:`kretslopp.imports.export_views`)."""
    return export_views.respond(request, "assets", fmt)
