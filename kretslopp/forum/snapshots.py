"""Period snapshots: every measure's state copied, so a year's account never shifts later.

A snapshot copies values — status code, dates as ISO text, figures, the names of people and
bodies (words in the language of whoever takes it) — into the rows of a
:class:`~kretslopp.forum.models.PeriodSnapshot`. Nothing in it points back at a measure, so
later changes to measures, tasks or members leave it as it was. It is taken *now* and
labelled with its period: take it when the period ends (the forum's last meeting of the
year), and it records the register as it stood then.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kretslopp.forum import register, reminders
from kretslopp.forum.models import DecisionLevel, Forum, Measure, Outcome, PeriodSnapshot, Status

#: What a snapshot keeps beyond the register's own columns, with the headers shown.
EXTRA_COLUMNS: dict[str, Any] = {
    "decision_level": gettext_lazy("Decision level"),
    "decided_on": gettext_lazy("Decided on"),
    "escalation": gettext_lazy("Escalation"),
    "tasks_done": gettext_lazy("Tasks done"),
    "tasks_total": gettext_lazy("Tasks"),
    "last_update_on": gettext_lazy("Last status update"),
    "last_update": gettext_lazy("Status update"),
    "expected_effects": gettext_lazy("Expected effects per year"),
    "overdue": gettext_lazy("Overdue at the end"),
}
COLUMNS: dict[str, Any] = {**register.COLUMNS, **EXTRA_COLUMNS}
#: What the page (and its print) shows of each measure: what a report needs, on one sheet
#: of paper; the export has every column.
PAGE_COLUMNS = (
    "number", "title", "status", "responsible", "due_date", "capex_sek", "opex_sek_per_year",
    "escalation", "tasks_done", "last_update_on", "overdue",
)  # fmt: skip
SEK_COLUMNS = frozenset({"capex_sek", "opex_sek_per_year"})
DATE_COLUMNS = frozenset({"start_date", "due_date", "decided_on", "last_update_on"})


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def row_for(measure: Measure, period_end: dt.date) -> dict[str, Any]:
    """One measure's state as plain values (what the snapshot keeps)."""
    escalation = measure.escalations.order_by("-escalated_on", "-pk").first()
    update = measure.status_updates.order_by("-written_on", "-pk").first()
    effects = [
        f"{e.kpi}: {e.change_per_year:+g} {e.unit} ({e.effective_from.isoformat()})"
        for e in measure.expected_effects.all()
    ]
    open_ = measure.status in reminders.OPEN
    return {
        "forum": measure.forum.name,
        "number": measure.number,
        "title": measure.title,
        "description": measure.description,
        "status": measure.status,
        "responsible": measure.responsible.name if measure.responsible else "",
        "department": measure.department.code if measure.department else "",
        "topics": "; ".join(t.name for t in measure.topics.all()),
        "start_date": _iso(measure.start_date),
        "due_date": _iso(measure.due_date),
        "capex_sek": measure.capex_sek,
        "opex_sek_per_year": measure.opex_sek_per_year,
        "decision_level": measure.decision_level,
        "decided_on": _iso(measure.decided_on),
        "escalation": (
            " ".join(
                part
                for part in (
                    escalation.body,
                    escalation.reference,
                    escalation.escalated_on.isoformat(),
                    str(Outcome(escalation.outcome).label)
                    if escalation.outcome
                    else _("no answer yet"),
                )
                if part
            )
            if escalation
            else ""
        ),
        "tasks_done": measure.tasks_done,
        "tasks_total": measure.tasks_total,
        "last_update_on": _iso(update.written_on) if update else None,
        "last_update": update.text if update else "",
        "expected_effects": "; ".join(effects),
        "overdue": bool(open_ and measure.due_date and measure.due_date < period_end),
    }


def take(
    forum: Forum, *, label: str, period_start: dt.date, period_end: dt.date, by: Any = None
) -> PeriodSnapshot:
    """Copy every measure of ``forum`` into a new snapshot for the period."""
    measures = (
        forum.measures.select_related("forum", "responsible", "department")
        .prefetch_related("topics", "expected_effects")
        .annotate(
            tasks_total=Count("tasks", distinct=True),
            tasks_done=Count("tasks", filter=Q(tasks__done=True), distinct=True),
        )
        .order_by("number")
    )
    return PeriodSnapshot.objects.create(
        forum=forum,
        label=label,
        period_start=period_start,
        period_end=period_end,
        taken_by=by if getattr(by, "pk", None) else None,
        columns=list(COLUMNS),
        rows=[row_for(measure, period_end) for measure in measures],
    )


def display(snapshot: PeriodSnapshot, key: str, value: Any) -> Any:
    """A kept value as the page and the export show it, in the reader's language."""
    if value is None or value == "":
        return ""
    if key == "status":
        return str(Status(value).label) if value in Status.values else value
    if key == "decision_level":
        return str(DecisionLevel(value).label) if value in DecisionLevel.values else value
    if key in DATE_COLUMNS:
        return dt.date.fromisoformat(value)
    if key == "overdue":
        return _("yes") if value else _("no")
    return value


def headers(snapshot: PeriodSnapshot) -> list[str]:
    return [str(COLUMNS.get(key, key)) for key in snapshot.columns]


def page_headers(snapshot: PeriodSnapshot) -> list[str]:
    return [str(COLUMNS[key]) for key in PAGE_COLUMNS if key in snapshot.columns]


def page_table(snapshot: PeriodSnapshot) -> list[list[Any]]:
    """The rows with :data:`PAGE_COLUMNS` only; tasks read "done of all" (e.g. 2/3)."""
    keys = [key for key in PAGE_COLUMNS if key in snapshot.columns]
    rows = []
    for row in snapshot.rows:
        cells = []
        for key in keys:
            if key == "tasks_done":
                cells.append(f"{row.get('tasks_done', 0)}/{row.get('tasks_total', 0)}")
            elif key in SEK_COLUMNS:
                cells.append(number_format(row.get(key) or 0, force_grouping=True))
            else:
                cells.append(display(snapshot, key, row.get(key)))
        rows.append(cells)
    return rows


def table(snapshot: PeriodSnapshot) -> list[list[Any]]:
    """The snapshot's rows in its own column order, ready to show or export."""
    return [
        [display(snapshot, key, row.get(key)) for key in snapshot.columns] for row in snapshot.rows
    ]
