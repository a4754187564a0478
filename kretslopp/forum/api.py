"""API routes of the forum: forums, meetings, the measures register and expected effects.

Read-only, scoped exactly as the pages are (:mod:`kretslopp.forum.access`): a member reads
their forum, an organisation-wide reader every forum, a department reader the measures that
concern their departments. ``GET /forum/measures`` is the register with each measure's
status, escalation and expected effects.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router

from kretslopp.api.auth import caller_of
from kretslopp.api.errors import responses
from kretslopp.api.pagination import Ordering, Page, PageQuery, paginate
from kretslopp.api.schema import ApiSchema
from kretslopp.forum.access import ForumAccess, forum_access_for
from kretslopp.forum.lifecycle import FINAL
from kretslopp.forum.models import Escalation, ExpectedEffect, Forum, Measure, Meeting

router = Router(tags=["forum"])
READ_ERRORS = responses(400, 401, 403, 422)
ONE_ERRORS = responses(401, 403, 404, 422)
RecordId = Path(..., ge=1, le=2**63 - 1)


def _forum_access(request: HttpRequest) -> ForumAccess:
    forum_access = forum_access_for(caller_of(request).user)
    if not forum_access.may_read_forums():
        raise PermissionDenied
    return forum_access


class ForumOut(ApiSchema):
    id: int
    name: str
    mandate: str
    budget_limit_sek: int = Field(
        description="Investment plus a year's running cost it may decide."
    )
    excluded_topics: list[str] = Field(description="Topics the forum may not decide alone.")
    stale_update_days: int

    @staticmethod
    def resolve_excluded_topics(forum: Forum) -> list[str]:
        return [topic.name for topic in forum.excluded_topics.all()]


class ForumPage(ApiSchema):
    items: list[ForumOut]
    next: str | None


class DecisionOut(ApiSchema):
    reference: str
    text: str
    measure_id: int | None


class AttachmentOut(ApiSchema):
    id: int
    file_name: str
    size_bytes: int


class MeetingOut(ApiSchema):
    id: int
    forum_id: int
    held_on: dt.date
    agenda: str
    minutes: str
    attendees: list[str]
    decisions: list[DecisionOut]
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attendees(meeting: Meeting) -> list[str]:
        return [str(member) for member in meeting.attendees.all()]

    @staticmethod
    def resolve_decisions(meeting: Meeting) -> list:
        return list(meeting.decisions.all())

    @staticmethod
    def resolve_attachments(meeting: Meeting) -> list:
        return list(meeting.attachments.defer("content"))


class MeetingPage(ApiSchema):
    items: list[MeetingOut]
    next: str | None


class MeetingQuery(PageQuery):
    forum: int | None = Field(None, ge=1, le=2**63 - 1, description="Only this forum's.")


class EscalationOut(ApiSchema):
    body: str
    reference: str
    escalated_on: dt.date
    reason: str
    outcome: str = Field(description="approved, rejected, sent_back, or empty while pending.")
    outcome_on: dt.date | None


class EffectOut(ApiSchema):
    id: int
    measure_id: int
    kpi: str = Field(description="The KPI's key, e.g. it_energy_kwh or pages_printed.")
    change_per_year: float = Field(description="Signed, in the KPI's unit: negative is a cut.")
    change_low_per_year: float | None
    change_high_per_year: float | None
    unit: str
    effective_from: dt.date
    estimation_method: str


class EffectPage(ApiSchema):
    items: list[EffectOut]
    next: str | None


class EffectQuery(PageQuery):
    kpi: str = Field("", max_length=50, description="Only effects on this KPI.")


class MeasureOut(ApiSchema):
    id: int
    forum_id: int
    number: int
    title: str
    description: str
    status: str = Field(
        description="proposed, decided, in_progress, done, postponed, cancelled or merged."
    )
    responsible: str | None
    department: str | None = Field(description="The responsible department's code.")
    start_date: dt.date | None
    due_date: dt.date | None
    overdue: bool = Field(description="Past its due date and not done, cancelled or merged.")
    capex_sek: int
    opex_sek_per_year: int
    decision_level: str = Field(description="forum, or escalated (beyond the mandate).")
    decided_on: dt.date | None
    merged_into_id: int | None
    escalation: EscalationOut | None = Field(description="The latest escalation, if any.")
    expected_effects: list[EffectOut]

    @staticmethod
    def resolve_responsible(measure: Measure) -> str | None:
        return str(measure.responsible) if measure.responsible_id else None

    @staticmethod
    def resolve_department(measure: Measure) -> str | None:
        return measure.department.code if measure.department_id else None

    @staticmethod
    def resolve_overdue(measure: Measure) -> bool:
        due = measure.due_date
        return bool(due and due < timezone.localdate() and measure.status not in FINAL)

    @staticmethod
    def resolve_escalation(measure: Measure) -> Escalation | None:
        found = list(measure.escalations.all())
        return found[0] if found else None

    @staticmethod
    def resolve_expected_effects(measure: Measure) -> list:
        return list(measure.expected_effects.all())


class MeasurePage(ApiSchema):
    items: list[MeasureOut]
    next: str | None


class MeasureQuery(PageQuery):
    forum: int | None = Field(None, ge=1, le=2**63 - 1, description="Only this forum's.")
    status: str = Field("", max_length=20, description="Only measures with this status.")


BY_NAME = Ordering("name")
BY_DATE = Ordering("held_on", descending=True)
BY_NUMBER = Ordering("number")
BY_ID = Ordering("id")


def _forums(forum_access: ForumAccess) -> QuerySet:
    return forum_access.forums(Forum.objects.prefetch_related("excluded_topics"))


def _meetings(forum_access: ForumAccess) -> QuerySet:
    return forum_access.meetings(Meeting.objects.all()).prefetch_related(
        "attendees", "decisions", "attachments"
    )


def _measures(forum_access: ForumAccess) -> QuerySet:
    return forum_access.measures(
        Measure.objects.select_related("responsible", "department").prefetch_related(
            Prefetch("escalations", queryset=Escalation.objects.order_by("-escalated_on", "-pk")),
            "expected_effects",
        )
    )


@router.get("/forum/forums", response={200: ForumPage, **READ_ERRORS})
def list_forums(request: HttpRequest, page: Query[PageQuery]) -> Page:
    """The forums the caller may read, by name."""
    return paginate(request, _forums(_forum_access(request)), BY_NAME, page)


@router.get("/forum/forums/{forum_id}", response={200: ForumOut, **ONE_ERRORS})
def get_forum(request: HttpRequest, forum_id: int = RecordId) -> Forum:
    forum_access = _forum_access(request)
    return forum_access.get(_forums(forum_access), pk=forum_id)


@router.get("/forum/meetings", response={200: MeetingPage, **READ_ERRORS})
def list_meetings(request: HttpRequest, query: Query[MeetingQuery]) -> Page:
    """Meetings of the forums the caller reads whole (members, organisation-wide readers)."""
    meetings = _meetings(_forum_access(request))
    if query.forum is not None:
        meetings = meetings.filter(forum_id=query.forum)
    return paginate(request, meetings, BY_DATE, query)


@router.get("/forum/meetings/{meeting_id}", response={200: MeetingOut, **ONE_ERRORS})
def get_meeting(request: HttpRequest, meeting_id: int = RecordId) -> Meeting:
    forum_access = _forum_access(request)
    return forum_access.get(_meetings(forum_access), pk=meeting_id)


@router.get("/forum/measures", response={200: MeasurePage, **READ_ERRORS})
def list_measures(request: HttpRequest, query: Query[MeasureQuery]) -> Page:
    """The register: each measure with its status, latest escalation and expected effects."""
    measures = _measures(_forum_access(request))
    if query.forum is not None:
        measures = measures.filter(forum_id=query.forum)
    if query.status:
        measures = measures.filter(status=query.status)
    return paginate(request, measures, BY_ID, query)


@router.get("/forum/measures/{measure_id}", response={200: MeasureOut, **ONE_ERRORS})
def get_measure(request: HttpRequest, measure_id: int = RecordId) -> Measure:
    forum_access = _forum_access(request)
    return forum_access.get(_measures(forum_access), pk=measure_id)


@router.get("/forum/effects", response={200: EffectPage, **READ_ERRORS})
def list_effects(request: HttpRequest, query: Query[EffectQuery]) -> Page:
    """Expected effects of the measures the caller may read."""
    readable = _forum_access(request)
    effects = ExpectedEffect.objects.filter(measure__in=readable.measures().values("pk"))
    if query.kpi:
        effects = effects.filter(kpi=query.kpi)
    return paginate(request, effects, BY_ID, query)
