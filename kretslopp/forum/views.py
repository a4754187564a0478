"""Pages of the forums: the list, a forum with its members and meetings, a meeting.

Who may see and do what is asked of :mod:`kretslopp.forum.access` only; the measures'
pages are in :mod:`kretslopp.forum.measure_views`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kretslopp.core import audit
from kretslopp.core.downloads import safe_stem
from kretslopp.core.editing import EditView
from kretslopp.core.uploads import files_of
from kretslopp.forum import lifecycle, reminders
from kretslopp.forum.access import ForumAccess, forum_access_for
from kretslopp.forum.forms import (
    AttachmentForm,
    DecisionForm,
    ForumForm,
    MeetingForm,
    MemberForm,
)
from kretslopp.forum.lifecycle import next_reference
from kretslopp.forum.models import (
    Decision,
    Forum,
    ForumMember,
    Meeting,
    MeetingAttachment,
)


def reading_access(request: HttpRequest) -> ForumAccess:
    """The reader's forum access; 403 for a login the forum pages are not for at all."""
    forum_access = forum_access_for(request.user)
    if not forum_access.may_read_forums():
        raise PermissionDenied
    return forum_access


def managing_access(request: HttpRequest) -> ForumAccess:
    forum_access = reading_access(request)
    if not forum_access.may_manage:
        raise PermissionDenied
    return forum_access


@login_required
def forums(request: HttpRequest) -> HttpResponse:
    forum_access = reading_access(request)
    readable = forum_access.measures().values("pk")
    found = forum_access.forums(Forum.objects.all()).annotate(
        measure_count=Count("measures", filter=Q(measures__in=readable), distinct=True),
        member_count=Count("members", filter=Q(members__active=True), distinct=True),
    )
    context = {"forums": found, "may_manage": forum_access.may_manage}
    return render(request, "forum/forums.html", context)


class ForumEditView(EditView):
    """A forum page that adds or changes a record: for the forum's managers only.

    Who may is asked of :mod:`kretslopp.forum.access` (through :func:`managing_access`) before
    anything is looked up; the page is the forum's own form page, titled, with its way back.
    """

    template_name = "forum/edit_form.html"
    forum_access: ForumAccess

    def check_access(self) -> None:
        self.forum_access = managing_access(self.request)

    def title(self) -> str:
        raise NotImplementedError

    def back(self) -> str:
        raise NotImplementedError

    def page_context(self) -> dict[str, Any]:
        return {"title": self.title(), "back": self.back()}

    def get_context(self, form: Any) -> dict[str, Any]:
        multipart = any(getattr(f.field.widget, "needs_multipart_form", False) for f in form)
        return {"form": form, "multipart": multipart}


class ForumCreate(ForumEditView):
    form_class = ForumForm

    def title(self) -> str:
        return _("New forum")

    def back(self) -> str:
        return reverse("forum:forums")

    def success_message(self, saved: Forum) -> str:
        return _("Forum %(name)s created.") % {"name": saved.name}


@login_required
def forum(request: HttpRequest, pk: int) -> HttpResponse:
    forum_access = reading_access(request)
    found = forum_access.get(forum_access.forums(Forum.objects.all()), pk=pk)
    whole = forum_access.reads_whole(found.pk)
    measures = (
        forum_access.measures(found.measures.all())
        .select_related("responsible", "department")
        .prefetch_related("escalations")
    )
    context = {
        "forum": found,
        "whole": whole,
        "members": found.members.select_related("user") if whole else [],
        "meetings": (
            found.meetings.annotate(decision_count=Count("decisions")).order_by("-held_on", "-pk")
            if whole
            else []
        ),
        "measures": measures,
        "open_count": sum(1 for m in measures if m.status not in lifecycle.FINAL),
        "excluded": found.excluded_topics.all(),
        "may_manage": forum_access.may_manage,
        "today": timezone.localdate(),
        "final": lifecycle.FINAL,
        # Follow-up (kretslopp/forum/reminders.py): what is overdue or silent, for whole readers.
        "forum_reminders": reminders.for_forum(found) if whole else [],
    }
    return render(request, "forum/forum.html", context)


class ForumEdit(ForumEditView):
    form_class = ForumForm

    def get_object(self) -> Forum:
        return get_object_or_404(Forum, pk=self.kwargs["pk"])

    def title(self) -> str:
        return _("Edit forum %(name)s") % {"name": self.object.name}

    def back(self) -> str:
        return self.object.get_absolute_url()

    def save(self, form: Any) -> Forum | None:
        saved = super().save(form)
        if saved is not None:
            _refresh_levels(saved)
        return saved

    def success_message(self, saved: Forum) -> str:
        return _("Changes to %(name)s saved.") % {"name": saved.name}


def _refresh_levels(found: Forum) -> None:
    """A new budget limit or excluded topic changes who decides the open measures."""
    from kretslopp.forum import mandate

    for measure in found.measures.exclude(status__in=lifecycle.FINAL).prefetch_related("topics"):
        mandate.refresh_level(measure)


class _InForum(ForumEditView):
    """A new record of the forum named in the URL."""

    def forum(self) -> Forum:
        if not hasattr(self, "_forum"):
            self._forum = get_object_or_404(Forum, pk=self.kwargs["pk"])
        return self._forum

    def back(self) -> str:
        return self.forum().get_absolute_url()


class MemberAdd(_InForum):
    form_class = MemberForm

    def get_object(self) -> ForumMember:
        return ForumMember(forum=self.forum())

    def title(self) -> str:
        return _("New member of %(forum)s") % {"forum": self.forum().name}

    def success_message(self, saved: ForumMember) -> str:
        return _("%(name)s added to the forum.") % {"name": saved.name}

    def success_url(self, saved: ForumMember) -> Any:
        return self.forum()


class MemberEdit(ForumEditView):
    form_class = MemberForm

    def get_object(self) -> ForumMember:
        return get_object_or_404(ForumMember.objects.select_related("forum"), pk=self.kwargs["pk"])

    def title(self) -> str:
        return _("Edit member %(name)s") % {"name": self.object.name}

    def back(self) -> str:
        return self.object.forum.get_absolute_url()

    def success_message(self, saved: ForumMember) -> str:
        return _("Changes to %(name)s saved.") % {"name": saved.name}

    def success_url(self, saved: ForumMember) -> Any:
        return saved.forum


class MeetingCreate(_InForum):
    form_class = MeetingForm

    def get_object(self) -> Meeting:
        return Meeting(forum=self.forum())

    def form_kwargs(self) -> dict[str, Any]:
        return {"forum": self.forum()}

    def title(self) -> str:
        return _("New meeting of %(forum)s") % {"forum": self.forum().name}

    def success_message(self, saved: Meeting) -> str:
        return _("Meeting of %(date)s added.") % {"date": saved.held_on}


class MeetingEdit(ForumEditView):
    form_class = MeetingForm

    def get_object(self) -> Meeting:
        return get_object_or_404(Meeting.objects.select_related("forum"), pk=self.kwargs["pk"])

    def form_kwargs(self) -> dict[str, Any]:
        return {"forum": self.object.forum}

    def title(self) -> str:
        return _("Edit the meeting of %(date)s") % {"date": self.object.held_on}

    def back(self) -> str:
        return self.object.get_absolute_url()

    def success_message(self, saved: Meeting) -> str:
        return _("Meeting of %(date)s saved.") % {"date": saved.held_on}


forum_create = ForumCreate.as_view()
forum_edit = ForumEdit.as_view()
member_add = MemberAdd.as_view()
member_edit = MemberEdit.as_view()
meeting_create = MeetingCreate.as_view()
meeting_edit = MeetingEdit.as_view()


def _readable_meeting(forum_access: ForumAccess, pk: int) -> Meeting:
    queryset = forum_access.meetings(Meeting.objects.select_related("forum"))
    return forum_access.get(queryset, pk=pk)


@login_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    forum_access = reading_access(request)
    found = _readable_meeting(forum_access, pk)
    return _meeting_page(request, forum_access, found)


def _meeting_page(
    request: HttpRequest, forum_access: ForumAccess, found: Meeting, **forms: Any
) -> HttpResponse:
    manage = forum_access.may_manage
    context = {
        "meeting": found,
        "forum": found.forum,
        "attendees": found.attendees.all(),
        "attachments": found.attachments.defer("content"),
        "decisions": found.decisions.select_related("measure"),
        "may_manage": manage,
        "attachment_form": forms.get("attachment_form") or (AttachmentForm() if manage else None),
        "decision_form": forms.get("decision_form")
        or (
            DecisionForm(meeting=found, initial={"reference": next_reference(found)})
            if manage
            else None
        ),
    }
    return render(request, "forum/meeting.html", context)


@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    forum_access = managing_access(request)
    found = _readable_meeting(forum_access, pk)
    form = AttachmentForm(request.POST, files_of(request))
    if not form.is_valid():
        return _meeting_page(request, forum_access, found, attachment_form=form)
    upload = form.cleaned_data["file"]
    with audit.acting_as(request.user):
        attached = MeetingAttachment.objects.create(
            meeting=found,
            file_name=upload.name[:255],
            content_type=(upload.content_type or "application/octet-stream")[:100],
            size_bytes=upload.size,
            content=upload.read(),
            uploaded_by=request.user,
        )
        audit.record(
            attached,
            "create",
            {
                "meeting": [None, str(found.pk)],
                "file_name": [None, attached.file_name],
                "size_bytes": [None, str(attached.size_bytes)],
            },
        )
    messages.success(request, _("%(file)s attached.") % {"file": upload.name})
    return redirect(found)


@login_required
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """The file, always as a download (never shown inline, whatever it claims to be)."""
    forum_access = reading_access(request)
    found = forum_access.get(MeetingAttachment.objects.select_related("meeting"), pk=pk)
    _readable_meeting(forum_access, found.meeting_id)
    response = HttpResponse(bytes(found.content), content_type="application/octet-stream")
    stem, dot, suffix = found.file_name.rpartition(".")
    name = f"{safe_stem(stem)}.{safe_stem(suffix)}" if dot else safe_stem(found.file_name)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    forum_access = managing_access(request)
    found = _readable_meeting(forum_access, pk)
    form = DecisionForm(request.POST, instance=Decision(meeting=found), meeting=found)
    if not form.is_valid():
        return _meeting_page(request, forum_access, found, decision_form=form)
    with audit.acting_as(request.user):
        decision = form.save(commit=False)
        decision.reference = decision.reference or next_reference(found)
        decision.save()
    messages.success(request, _("Decision %(ref)s recorded.") % {"ref": decision.reference})
    return redirect(found)
