"""Pages of the measures register: the list, a measure, and every change made to one.

Status moves and escalations go through :mod:`kretslopp.forum.lifecycle` (which refuses an
illegal move with a reason, shown to the person); who may do what is asked of
:mod:`kretslopp.forum.access`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kretslopp.core import audit
from kretslopp.forum import lifecycle, mandate, services
from kretslopp.forum.access import ForumAccess
from kretslopp.forum.forms import (
    EffectForm,
    EscalateForm,
    MeasureForm,
    MoveForm,
    OutcomeForm,
    PartyForm,
    StatusUpdateForm,
    TaskForm,
    kpi_choices,
)
from kretslopp.forum.models import (
    Escalation,
    ExpectedEffect,
    Forum,
    Measure,
    MeasureParty,
    MeasureTask,
    Status,
    StatusUpdate,
)
from kretslopp.forum.views import ForumEditView, managing_access, reading_access


def _register_rows(measures: Any) -> Any:
    return measures.select_related("forum", "responsible", "department").prefetch_related(
        Prefetch("escalations", queryset=Escalation.objects.order_by("-escalated_on", "-pk"))
    )


@login_required
def measures(request: HttpRequest) -> HttpResponse:
    """The register: every measure the reader may see, by forum and status."""
    forum_access = reading_access(request)
    found = forum_access.measures()
    forums = forum_access.forums(Forum.objects.all())
    chosen_forum = request.GET.get("forum", "")
    chosen_status = request.GET.get("status", "")
    if chosen_forum.isdigit():
        found = found.filter(forum_id=int(chosen_forum))
    if chosen_status in Status.values:
        found = found.filter(status=chosen_status)
    elif chosen_status == "overdue":
        found = found.filter(due_date__lt=timezone.localdate()).exclude(status__in=lifecycle.FINAL)
    context = {
        "measures": _register_rows(found),
        "forums": forums,
        "statuses": Status.choices,
        "chosen_forum": chosen_forum,
        "chosen_status": chosen_status,
        "today": timezone.localdate(),
        "final": lifecycle.FINAL,
    }
    return render(request, "forum/measures.html", context)


class _MeasureEdit(ForumEditView):
    """A measure proposed or changed: numbered and leveled in the same transaction."""

    form_class = MeasureForm

    def forum(self) -> Forum:
        raise NotImplementedError

    def form_kwargs(self) -> dict[str, Any]:
        return {"forum": self.forum()}

    def save(self, form: Any) -> Measure | None:
        with audit.acting_as(self.request.user), transaction.atomic():
            services.prepare_measure(form, forum=self.forum())
            return super().save(form)


class MeasureCreate(_MeasureEdit):
    def forum(self) -> Forum:
        if not hasattr(self, "_forum"):
            self._forum = get_object_or_404(Forum, pk=self.kwargs["pk"])
        return self._forum

    def get_object(self) -> Measure:
        return Measure(forum=self.forum())

    def title(self) -> str:
        return _("New measure for %(forum)s") % {"forum": self.forum().name}

    def back(self) -> str:
        return self.forum().get_absolute_url()

    def success_message(self, saved: Measure) -> str:
        return _("Measure %(measure)s proposed.") % {"measure": saved}


class MeasureEdit(_MeasureEdit):
    def get_object(self) -> Measure:
        return get_object_or_404(Measure.objects.select_related("forum"), pk=self.kwargs["pk"])

    def forum(self) -> Forum:
        return self.object.forum

    def title(self) -> str:
        return _("Edit measure %(measure)s") % {"measure": self.object.reference}

    def back(self) -> str:
        return self.object.get_absolute_url()

    def success_message(self, saved: Measure) -> str:
        return _("Changes to %(measure)s saved.") % {"measure": saved}


measure_create = MeasureCreate.as_view()
measure_edit = MeasureEdit.as_view()


def _readable(forum_access: ForumAccess, pk: int) -> Measure:
    queryset = forum_access.measures(Measure.objects.select_related("forum", "responsible"))
    return forum_access.get(queryset, pk=pk)


@login_required
def measure(request: HttpRequest, pk: int) -> HttpResponse:
    forum_access = reading_access(request)
    return _measure_page(request, forum_access, _readable(forum_access, pk))


def _measure_page(
    request: HttpRequest, forum_access: ForumAccess, found: Measure, **bound: Any
) -> HttpResponse:
    manage = forum_access.may_manage
    update = forum_access.may_update(found)
    escalations = list(found.escalations.all())
    pending = next((e for e in escalations if e.pending), None)
    escalable = found.status in {Status.PROPOSED, Status.POSTPONED}
    moves = [
        (status, label)
        for status, label in Status.choices
        if status in lifecycle.TRANSITIONS[found.status] and forum_access.may_move(found, status)
    ]
    context = {
        "measure": found,
        "forum": found.forum,
        "reads_whole": forum_access.reads_whole(found.forum_id),
        "may_manage": manage,
        "may_update": update,
        "beyond_mandate": mandate.reasons_for(found),
        "escalations": escalations,
        "pending": pending,
        "tasks": found.tasks.select_related("owner"),
        "updates": found.status_updates.select_related("author"),
        "effects": found.expected_effects.all(),
        "parties": found.parties.select_related("member", "department"),
        "decisions": found.decisions.select_related("meeting"),
        "merged": found.merged_measures.all(),
        # A reader of the whole forum reads every measure it names: nothing to hide there.
        "history": services.measure_history(
            found, None if forum_access.reads_whole(found.forum_id) else forum_access.access
        ),
        "today": timezone.localdate(),
        "final": found.status in lifecycle.FINAL,
        "move_form": bound.get("move_form") or (MoveForm(measure=found) if moves else None),
        "moves": moves,
        "escalate_form": bound.get("escalate_form")
        or (EscalateForm() if manage and pending is None and escalable else None),
        "outcome_form": bound.get("outcome_form")
        or (OutcomeForm() if manage and pending else None),
        "task_form": bound.get("task_form") or (TaskForm(measure=found) if update else None),
        "update_form": bound.get("update_form") or (StatusUpdateForm() if update else None),
        "effect_form": bound.get("effect_form")
        or (EffectForm() if update and kpi_choices() else None),
        "party_form": bound.get("party_form") or (PartyForm(measure=found) if manage else None),
    }
    return render(request, "forum/measure.html", context)


@login_required
@require_POST
def measure_move(request: HttpRequest, pk: int) -> HttpResponse:
    forum_access, found = _updating(request, pk)
    form = MoveForm(request.POST, measure=found)
    if not form.is_valid():
        return _measure_page(request, forum_access, found, move_form=form)
    data = form.cleaned_data
    try:
        lifecycle.move(
            found,
            data["to"],
            forum_access=forum_access,
            by=request.user,
            on=data["on"],
            merged_into=data["merged_into"],
            meeting=data["meeting"],
            decision_reference=data["decision_reference"].strip(),
        )
    except lifecycle.Refused as refused:
        form.add_error(None, str(refused))
        return _measure_page(request, forum_access, found, move_form=form)
    messages.success(
        request,
        _("%(measure)s is now %(status)s.")
        % {"measure": found.reference, "status": Status(data["to"]).label},
    )
    return redirect(found)


@login_required
@require_POST
def measure_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    forum_access = managing_access(request)
    found = _readable(forum_access, pk)
    form = EscalateForm(request.POST)
    if form.is_valid():
        try:
            escalation = lifecycle.escalate(
                found, forum_access=forum_access, by=request.user, **form.cleaned_data
            )
        except lifecycle.Refused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                _("%(measure)s escalated to %(body)s.")
                % {"measure": found.reference, "body": escalation.body},
            )
            return redirect(found)
    return _measure_page(request, forum_access, found, escalate_form=form)


@login_required
@require_POST
def escalation_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    forum_access = managing_access(request)
    escalation = get_object_or_404(Escalation.objects.select_related("measure"), pk=pk)
    found = _readable(forum_access, escalation.measure_id)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            lifecycle.record_outcome(
                escalation, forum_access=forum_access, by=request.user, **form.cleaned_data
            )
        except lifecycle.Refused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, _("The outcome of %(body)s is recorded.") % {"body": escalation.body}
            )
            return redirect(found)
    return _measure_page(request, forum_access, found, outcome_form=form)


def _updating(request: HttpRequest, pk: int) -> tuple[ForumAccess, Measure]:
    forum_access = reading_access(request)
    found = _readable(forum_access, pk)
    if not forum_access.may_update(found):
        raise PermissionDenied
    return forum_access, found


@login_required
@require_POST
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    forum_access, found = _updating(request, pk)
    form = TaskForm(request.POST, instance=MeasureTask(measure=found), measure=found)
    if not form.is_valid():
        return _measure_page(request, forum_access, found, task_form=form)
    with audit.acting_as(request.user):
        task = form.save()
    messages.success(request, _("Task %(task)s added.") % {"task": task.title})
    return redirect(found)


@login_required
@require_POST
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    forum_access = reading_access(request)
    task = get_object_or_404(MeasureTask.objects.select_related("owner"), pk=pk)
    found = _readable(forum_access, task.measure_id)
    if not forum_access.may_complete_task(found, task.owner):
        raise PermissionDenied
    if not task.done:
        with audit.acting_as(request.user):
            task.done = True
            task.done_on = timezone.localdate()
            task.save()
        messages.success(request, _("Task %(task)s is done.") % {"task": task.title})
    return redirect(found)


@login_required
@require_POST
def update_add(request: HttpRequest, pk: int) -> HttpResponse:
    forum_access, found = _updating(request, pk)
    form = StatusUpdateForm(request.POST, instance=StatusUpdate(measure=found))
    if not form.is_valid():
        return _measure_page(request, forum_access, found, update_form=form)
    with audit.acting_as(request.user):
        update = form.save(commit=False)
        update.author = request.user
        update.author_name = request.user.get_full_name() or request.user.get_username()
        update.save()
    messages.success(request, _("Status update added."))
    return redirect(found)


@login_required
@require_POST
def effect_add(request: HttpRequest, pk: int) -> HttpResponse:
    forum_access, found = _updating(request, pk)
    form = EffectForm(request.POST, instance=ExpectedEffect(measure=found))
    if not form.is_valid():
        return _measure_page(request, forum_access, found, effect_form=form)
    with audit.acting_as(request.user):
        form.save()
    messages.success(request, _("Expected effect added."))
    return redirect(found)


@login_required
@require_POST
def party_add(request: HttpRequest, pk: int) -> HttpResponse:
    forum_access = managing_access(request)
    found = _readable(forum_access, pk)
    form = PartyForm(request.POST, instance=MeasureParty(measure=found), measure=found)
    if not form.is_valid():
        return _measure_page(request, forum_access, found, party_form=form)
    with audit.acting_as(request.user):
        form.save()
    messages.success(request, _("Party added."))
    return redirect(found)
