"""Writing the register: a measure's number, topics and decision level stay consistent."""

from __future__ import annotations

from typing import Any

from django.db.models import Max

from kretslopp.core.history import HistoryEntry, history_for
from kretslopp.forum import mandate
from kretslopp.forum.forms import MeasureForm
from kretslopp.forum.models import DecisionLevel, Forum, Measure


def next_number(forum: Forum) -> int:
    """The next free number in the forum's register (numbers are never reused)."""
    return (Measure.objects.filter(forum=forum).aggregate(top=Max("number"))["top"] or 0) + 1


def prepare_measure(form: MeasureForm, *, forum: Forum) -> None:
    """Ready ``form``'s measure for saving; call within the save's transaction and audit user.

    A new measure gets the next number of its forum (the forum row locked, so numbers come
    in turn), and every measure the decision level its mandate gives for the budget and
    topics it is saved with. The save itself is the edit page's (with the stale-edit guard).
    """
    if form.instance.pk is None:
        Forum.objects.select_for_update().get(pk=forum.pk)  # numbers in turn
        form.instance.forum = forum
        form.instance.number = next_number(forum)
    topics = form.topics_with_new(form.cleaned_data["topics"])
    form.instance.decision_level = (
        DecisionLevel.ESCALATED
        if mandate.beyond_mandate(forum, form.instance.budget_need_sek, topics)
        else DecisionLevel.FORUM
    )


#: What hangs off a measure and has its own audit trail, shown with the measure's history.
CHILDREN = ("tasks", "status_updates", "escalations", "expected_effects", "parties")


def measure_history(measure: Measure, access: Any) -> list[tuple[str, HistoryEntry]]:
    """Every recorded change of the measure and of what hangs off it, newest first."""
    found = [("", entry) for entry in history_for(measure, access=access)]
    for name in CHILDREN:
        for child in getattr(measure, name).all():
            kind = str(child._meta.verbose_name)
            found.extend((f"{kind}: {child}", entry) for entry in history_for(child, access=access))
    found.sort(key=lambda pair: (pair[1].entry.at, pair[1].entry.pk), reverse=True)
    return found
