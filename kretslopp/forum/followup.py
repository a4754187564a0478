"""What the forum's follow-up contributes to the rest of the site, registered at start-up.

* the measures' expected effects, for the target pages' forecast with measures
  (``target_effects``);
* the reminders panel on the start page of whoever has something to chase
  (``dashboard_panels``);
* the register of measures as an import target of the one import pipeline
  (``import_targets``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def reminders_panel(request: HttpRequest, access: Any, **_subject: Any) -> dict[str, Any] | None:
    """The start page's list of what this person must chase; left out when there is none."""
    from kretslopp.forum import reminders

    found = reminders.for_user(request.user)
    if not found:
        return None
    return {"reminders": found}


def reminders_version(request: HttpRequest, access: Any, **_subject: Any) -> tuple:
    """What a person's reminders depend on: who they are, the day, and the forums' data.

    Every change to measures, tasks, status updates and memberships is audited, so the
    audit trail's latest entry moves with them; the time stamps are there as well for
    writes that bypass the trail (the demo, a data migration).
    """
    from kretslopp.core.memo import data_version
    from kretslopp.core.models import AuditEntry
    from kretslopp.forum.models import ForumMember, Measure, MeasureTask, StatusUpdate
    from kretslopp.forum.reminders import today

    version = data_version(
        (AuditEntry, "MAX", "id"),
        (Measure, "COUNT", "*"),
        (Measure, "MAX", "updated_at"),
        (MeasureTask, "COUNT", "*"),
        (MeasureTask, "MAX", "updated_at"),
        (StatusUpdate, "COUNT", "*"),
        (ForumMember, "COUNT", "*"),
        (ForumMember, "MAX", "updated_at"),
    )
    return (getattr(request.user, "pk", None), today(), version)


def register() -> None:
    from kretslopp.core.registry import Panel, TargetEffectsEntry, registry
    from kretslopp.forum import effects
    from kretslopp.forum.register import register_target

    registry.target_effects.register(
        "forum", TargetEffectsEntry(effects.effects_on, _("Measures of the forums"), order=50)
    )
    registry.dashboard_panels.register(
        "forum_reminders",
        Panel(
            "forum/includes/reminders_panel.html",
            reminders_panel,
            order=10,
            version=reminders_version,
        ),
    )
    register_target()
