"""A measure's status: the one state machine, and escalation to a body above the forum.

proposed → decided → in progress → done is the usual way; a measure may also be postponed
(and taken up again), cancelled, or merged into another measure of the same forum. Done,
cancelled and merged are final. Every move goes through :func:`move`, which refuses an
illegal one with :class:`Refused` and a reason people can act on; the audit trail records
each change (the models are audited), so the measure's page shows its whole history.

The forum decides a measure only within its mandate (:mod:`kretslopp.forum.mandate`):
beyond it, :func:`escalate` sends it to a named body and :func:`record_outcome` records that
body's answer — approved (the measure is decided), rejected (cancelled) or sent back (it
stays proposed, for the forum to rework).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kretslopp.core import audit
from kretslopp.forum import mandate
from kretslopp.forum.access import ForumAccess
from kretslopp.forum.models import (
    Decision,
    Escalation,
    Measure,
    Meeting,
    Outcome,
    Status,
)

FINAL: frozenset[str] = frozenset({Status.DONE, Status.CANCELLED, Status.MERGED})

#: Every legal move; anything else is refused.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PROPOSED: frozenset({Status.DECIDED, Status.POSTPONED, Status.CANCELLED, Status.MERGED}),
    Status.DECIDED: frozenset(
        {Status.IN_PROGRESS, Status.DONE, Status.POSTPONED, Status.CANCELLED, Status.MERGED}
    ),
    Status.IN_PROGRESS: frozenset({Status.DONE, Status.POSTPONED, Status.CANCELLED, Status.MERGED}),
    Status.POSTPONED: frozenset(
        {Status.PROPOSED, Status.DECIDED, Status.IN_PROGRESS, Status.CANCELLED, Status.MERGED}
    ),
    Status.DONE: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.MERGED: frozenset(),
}
#: Moves that need the measure to have been decided (by the forum or a body above it).
NEEDS_DECISION: frozenset[str] = frozenset({Status.DECIDED, Status.IN_PROGRESS, Status.DONE})


class Refused(Exception):
    """A move or escalation that may not happen; ``str()`` says why, in the reader's language."""


def _label(status: str) -> str:
    return str(Status(status).label)


def pending_escalation(measure: Measure) -> Escalation | None:
    return measure.escalations.filter(outcome="").order_by("-escalated_on", "-pk").first()


def refusal(
    measure: Measure,
    to: str,
    forum_access: ForumAccess,
    *,
    merged_into: Measure | None = None,
) -> str | None:
    """Why ``measure`` may not move to ``to`` now; None when it may."""
    if to not in Status.values:
        return _("There is no such status.")
    if not forum_access.may_move(measure, to):
        if forum_access.is_responsible(measure):
            return _(
                "As the person responsible you can start a decided measure and mark it done; "
                "the forum's chair makes the other changes."
            )
        return _("Only the forum's chair changes the status of this measure.")
    current = measure.status
    if to == current:
        return _("The measure is already %(status)s.") % {"status": _label(current)}
    if current in FINAL:
        return _("The measure is %(status)s: that is final, its status no longer changes.") % {
            "status": _label(current)
        }
    if to not in TRANSITIONS[current]:
        return _("A measure that is %(from)s cannot become %(to)s.") % {
            "from": _label(current),
            "to": _label(to),
        }
    if to == Status.MERGED:
        return _merge_refusal(measure, merged_into)
    if to in NEEDS_DECISION and measure.decided_on is None:
        if to != Status.DECIDED:
            return _("The measure has not been decided yet: decide it first.")
        return _decision_refusal(measure)
    return None


def _decision_refusal(measure: Measure) -> str | None:
    waiting = pending_escalation(measure)
    if waiting is not None:
        return _(
            "The measure is with %(body)s (escalated %(date)s): record that body's outcome."
        ) % {"body": waiting.body, "date": waiting.escalated_on.isoformat()}
    reasons = mandate.reasons_for(measure)
    if reasons:
        return _(
            "The forum cannot decide this measure: %(reasons)s. Escalate it to the body that "
            "may decide it and record the outcome."
        ) % {"reasons": "; ".join(reasons)}
    return None


def _merge_refusal(measure: Measure, merged_into: Measure | None) -> str | None:
    if merged_into is None:
        return _("Choose the measure this one is merged into.")
    if merged_into.pk == measure.pk:
        return _("A measure cannot be merged into itself.")
    if merged_into.forum_id != measure.forum_id:
        return _("A measure can only be merged into a measure of the same forum.")
    if merged_into.status in {Status.CANCELLED, Status.MERGED}:
        return _("%(measure)s is %(status)s: merge into a measure that goes on.") % {
            "measure": merged_into.reference,
            "status": _label(merged_into.status),
        }
    return None


def move(
    measure: Measure,
    to: str,
    *,
    forum_access: ForumAccess,
    by: Any,
    on: dt.date | None = None,
    merged_into: Measure | None = None,
    meeting: Meeting | None = None,
    decision_reference: str = "",
) -> Measure:
    """Move ``measure`` to status ``to`` or raise :class:`Refused` (nothing written then).

    Deciding at a ``meeting`` records the decision there, with ``decision_reference`` or the
    next free reference of the forum's year.
    """
    on = on or timezone.localdate()
    with audit.acting_as(by), transaction.atomic():
        measure = Measure.objects.select_for_update().select_related("forum").get(pk=measure.pk)
        reason = refusal(measure, to, forum_access, merged_into=merged_into)
        if reason is not None:
            raise Refused(reason)
        if meeting is not None and meeting.forum_id != measure.forum_id:
            raise Refused(_("The meeting is another forum's."))
        fields = ["status", "updated_at"]
        if to == Status.DECIDED and measure.decided_on is None:
            measure.decided_on = meeting.held_on if meeting is not None else on
            fields.append("decided_on")
        if to == Status.IN_PROGRESS and measure.start_date is None:
            measure.start_date = on
            fields.append("start_date")
        if to == Status.MERGED:
            measure.merged_into = merged_into
            fields.append("merged_into")
        measure.status = to
        measure.save(update_fields=fields)
        if to == Status.DECIDED and meeting is not None:
            Decision.objects.create(
                meeting=meeting,
                reference=decision_reference or next_reference(meeting),
                text=_("The forum decides measure %(measure)s.") % {"measure": str(measure)},
                measure=measure,
            )
    return measure


def next_reference(meeting: Meeting) -> str:
    """The forum's next decision reference in the meeting's year: ``2025:4`` after ``2025:3``."""
    year = meeting.held_on.year
    taken = Decision.objects.filter(
        meeting__forum_id=meeting.forum_id, reference__startswith=f"{year}:"
    ).values_list("reference", flat=True)
    numbers = [int(ref.split(":", 1)[1]) for ref in taken if ref.split(":", 1)[1].isdigit()]
    return f"{year}:{max(numbers, default=0) + 1}"


def escalate(
    measure: Measure,
    *,
    forum_access: ForumAccess,
    by: Any,
    body: str,
    escalated_on: dt.date,
    reference: str = "",
    reason: str = "",
) -> Escalation:
    """Send ``measure`` to ``body`` for a decision, or raise :class:`Refused`."""
    if not forum_access.may_manage:
        raise Refused(_("Only the forum's chair escalates a measure."))
    with audit.acting_as(by), transaction.atomic():
        measure = Measure.objects.select_for_update().select_related("forum").get(pk=measure.pk)
        if measure.status not in {Status.PROPOSED, Status.POSTPONED}:
            raise Refused(
                _("Only a proposed or postponed measure is escalated; this one is %(status)s.")
                % {"status": _label(measure.status)}
            )
        waiting = pending_escalation(measure)
        if waiting is not None:
            raise Refused(
                _("The measure is already with %(body)s: record that body's outcome first.")
                % {"body": waiting.body}
            )
        if not body.strip():
            raise Refused(_("Name the body the measure is escalated to."))
        reasons = mandate.reasons_for(measure)
        return Escalation.objects.create(
            measure=measure,
            body=body.strip(),
            reference=reference.strip(),
            escalated_on=escalated_on,
            reason=reason.strip() or "; ".join(reasons),
        )


def record_outcome(
    escalation: Escalation,
    *,
    forum_access: ForumAccess,
    by: Any,
    outcome: str,
    outcome_on: dt.date,
    note: str = "",
) -> Escalation:
    """Record the body's answer and what it means for the measure, or raise :class:`Refused`."""
    if not forum_access.may_manage:
        raise Refused(_("Only the forum's chair records an outcome."))
    if outcome not in Outcome.values:
        raise Refused(_("Choose approved, rejected or sent back."))
    with audit.acting_as(by), transaction.atomic():
        escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
        if not escalation.pending:
            raise Refused(
                _("The outcome is already recorded: %(outcome)s on %(date)s.")
                % {
                    "outcome": escalation.get_outcome_display(),
                    "date": escalation.outcome_on.isoformat() if escalation.outcome_on else "–",
                }
            )
        if outcome_on < escalation.escalated_on:
            raise Refused(_("The outcome cannot be dated before the escalation."))
        escalation.outcome = outcome
        escalation.outcome_on = outcome_on
        escalation.outcome_note = note.strip()
        escalation.save()
        measure = Measure.objects.select_for_update().get(pk=escalation.measure_id)
        if measure.status not in {Status.PROPOSED, Status.POSTPONED}:
            return escalation  # closed meanwhile: the answer is kept, the measure stays
        if outcome == Outcome.APPROVED:
            measure.status = Status.DECIDED
            measure.decided_on = outcome_on
            measure.save(update_fields=["status", "decided_on", "updated_at"])
        elif outcome == Outcome.REJECTED:
            measure.status = Status.CANCELLED
            measure.save(update_fields=["status", "updated_at"])
    return escalation
