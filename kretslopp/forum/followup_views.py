"""Pages for following a forum up: period snapshots, and the register's export and import.

Who may do what is :mod:`kretslopp.forum.access`'s decision: the snapshots and the register
hold every measure of a forum, so they are for those who read the forum whole (its members,
organisation-wide readers); taking a snapshot and importing are the forum's managers'.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kretslopp.core import downloads
from kretslopp.core.uploads import files_of
from kretslopp.forum import register, snapshots
from kretslopp.forum.access import ForumAccess, forum_access_for
from kretslopp.forum.followup_forms import RegisterUploadForm, SnapshotForm
from kretslopp.forum.models import Forum, PeriodSnapshot
from kretslopp.imports import runs
from kretslopp.imports.models import ImportJob
from kretslopp.organisation.access import Action


def _reader(request: HttpRequest) -> ForumAccess:
    forum_access = forum_access_for(request.user)
    if not forum_access.may_read_forums() and not forum_access.may_manage:
        forum_access.access.require(Action.VIEW)  # no role at all: the usual refusal
        raise PermissionDenied
    return forum_access


def _whole_forum(request: HttpRequest, pk: int) -> tuple[ForumAccess, Forum]:
    """A forum its reader sees whole (every measure), else 404."""
    forum_access = _reader(request)
    forum = Forum.objects.filter(pk=pk).first()
    if forum is None or not (forum_access.may_manage or forum_access.reads_whole(forum.pk)):
        raise Http404
    return forum_access, forum


def _manager(request: HttpRequest) -> ForumAccess:
    forum_access = forum_access_for(request.user)
    if not forum_access.may_manage:
        forum_access.access.require(Action.MANAGE_FORUM)
    return forum_access


# --- period snapshots ---------------------------------------------------------------------


@login_required
def snapshot_list(request: HttpRequest, pk: int) -> HttpResponse:
    """A forum's snapshots, and (for its managers) the form that takes a new one."""
    forum_access, forum = _whole_forum(request, pk)
    form = SnapshotForm(request.POST or None) if forum_access.may_manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            snapshot = snapshots.take(forum, by=request.user, **form.cleaned_data)
            messages.success(
                request,
                _("The snapshot of %(count)s measures was kept.") % {"count": len(snapshot.rows)},
            )
            return redirect(snapshot)
    return render(
        request,
        "forum/snapshot_list.html",
        {"forum": forum, "snapshots": forum.snapshots.select_related("taken_by"), "form": form},
    )


def _snapshot(request: HttpRequest, pk: int) -> PeriodSnapshot:
    forum_access = _reader(request)
    snapshot = PeriodSnapshot.objects.select_related("forum", "taken_by").filter(pk=pk).first()
    if snapshot is None or not (
        forum_access.may_manage or forum_access.reads_whole(snapshot.forum_id)
    ):
        raise Http404
    return snapshot


@login_required
def snapshot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The snapshot as kept, laid out to print (the menus drop out on paper)."""
    snapshot = _snapshot(request, pk)
    return render(
        request,
        "forum/snapshot_detail.html",
        {
            "snapshot": snapshot,
            "headers": snapshots.page_headers(snapshot),
            "rows": snapshots.page_table(snapshot),
            "formats": downloads.FORMATS,
        },
    )


@login_required
def snapshot_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    snapshot = _snapshot(request, pk)
    stem = f"{snapshot.forum.name}-{snapshot.label}"
    return downloads.table_download(
        fmt, stem, snapshots.headers(snapshot), snapshots.table(snapshot)
    )


# --- the register: export and import ------------------------------------------------------


@login_required
def register_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """The forum's register with exactly the columns the import reads back."""
    _forum_access, forum = _whole_forum(request, pk)
    measures = register.export_queryset(forum.measures.order_by("number"))
    return downloads.table_download(
        fmt, f"{forum.name}-register", register.headers(), list(register.rows_of(measures))
    )


@login_required
def register_import(request: HttpRequest) -> HttpResponse:
    """Upload a register: kept and checked in full as an import job, whose preview (with its
    columns to correct) is confirmed to write it all or nothing, as for every import."""
    forum_access = _manager(request)
    form = RegisterUploadForm(request.POST or None, files_of(request) or None)
    if request.method == "POST" and form.is_valid():
        job = runs.start_upload(
            form.cleaned_data["file"],
            access=forum_access.access,
            user=request.user,
            target_name=register.TARGET_NAME,
        )
        return redirect(job)
    jobs = ImportJob.objects.filter(user=request.user, target=register.TARGET_NAME)[:10]
    return render(
        request,
        "forum/register_import.html",
        {"form": form, "jobs": jobs, "columns": register.headers()},
    )


@login_required
def register_import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """Where a register's check was shown before every import had one job page: that page."""
    _manager(request)
    job = ImportJob.objects.filter(pk=pk, user=request.user, target=register.TARGET_NAME).first()
    if job is None:
        raise Http404
    return redirect(job)
