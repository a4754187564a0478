"""What the forum shows on other apps' pages, registered in ``registry`` (no import there)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from kretslopp.forum.access import forum_access_for
from kretslopp.forum.lifecycle import FINAL


def department_measures(request: HttpRequest, access: Any, *, department: Any) -> dict | None:
    """A department's page: the forum measures that concern it; nothing when there are none."""
    forum_access = forum_access_for(request.user)
    concerning = Q(department=department) | Q(parties__department=department)
    measures = (
        forum_access.measures()
        .filter(pk__in=forum_access.measures().filter(concerning).values("pk"))
        .exclude(status__in=FINAL)
        .select_related("forum", "responsible", "department")
        .prefetch_related("escalations")
        .order_by("due_date", "pk")
    )
    if not measures:
        return None
    return {
        "measures": measures,
        "today": timezone.localdate(),
        "final": FINAL,
        "show_forum": True,
    }
