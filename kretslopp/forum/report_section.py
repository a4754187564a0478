"""The annual report's section on the sustainability forum's measures.

Registered in ``report_sections`` (apps.py). Only measures the forum has decided (decided,
in progress, done) are published; proposals and cancelled ones stay in the forum.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from kretslopp.forum.models import Measure, Status

PUBLISHED = (Status.DECIDED, Status.IN_PROGRESS, Status.DONE)


def measures_section(access: Any, year: int, department_id: int | None) -> dict[str, Any] | None:
    """The decided measures that were decided by the end of ``year`` and not done before it."""
    measures = (
        Measure.objects.filter(status__in=PUBLISHED, decided_on__year__lte=year)
        .filter(Q(due_date__isnull=True) | Q(due_date__year__gte=year) | ~Q(status=Status.DONE))
        .select_related("forum", "department")
        .order_by("forum__name", "number")
    )
    if department_id is not None:
        measures = measures.filter(department_id__in=access.department_ids or ())
    labels = dict(Status.choices)
    rows = [
        [
            f"{m.forum.name} #{m.number}",
            m.title,
            m.department.name if m.department_id else _("the whole organisation"),
            str(labels.get(m.status, m.status)),
            f"{m.decided_on:%Y-%m-%d}" if m.decided_on else "–",
            f"{m.due_date:%Y-%m-%d}" if m.due_date else "–",
        ]
        for m in measures
    ]
    if not rows:
        return None
    return {
        "title": _("The sustainability forum's measures"),
        "paragraphs": [
            _(
                "Measures the forum had decided by the end of the year, with their status "
                "when the snapshot was taken; their expected effects are in the target's "
                "forecast with measures."
            )
        ],
        "tables": [
            {
                "caption": _("Decided measures"),
                "headers": [
                    _("Measure"),
                    _("Title"),
                    _("Responsible department"),
                    _("Status"),
                    _("Decided"),
                    _("Due"),
                ],
                "rows": rows,
            }
        ],
    }
