"""A record's audit trail as people read it: field names, not columns; names, not ids."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from kretslopp.core.models import AuditEntry


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    entry: AuditEntry
    changes: list[Change]


def _display(field: models.Field, raw: str | None, access: Any = None) -> str:
    if raw in (None, ""):
        return "–"
    if isinstance(field, models.ForeignKey):
        related = field.related_model._default_manager.filter(pk=raw).first()
        if related is None:
            return f"#{raw}"
        if _elsewhere(related, access):
            from django.utils.translation import gettext as _

            return _("(in another department)")
        return str(related)
    if field.choices:
        return str(dict(field.flatchoices).get(raw, raw))
    if isinstance(field, models.DateTimeField):
        return _local_time(raw)
    if isinstance(field, models.BooleanField):
        from django.utils.translation import gettext as _

        return _("yes") if raw in ("True", "true", "1") else _("no")
    return raw


def _elsewhere(related: models.Model, access: Any) -> bool:
    """Whether ``related`` belongs to a department the reader (``access``) does not cover."""
    department_id = getattr(related, "department_id", None)
    return access is not None and department_id is not None and not access.covers(department_id)


def _local_time(raw: str) -> str:
    """A stored ISO time stamp as the pages show times: local, to the minute."""
    import datetime as dt

    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    try:
        moment = parse_datetime(raw)
    except ValueError:
        moment = None
    if moment is None:
        return raw
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def entries_of(instance: models.Model) -> QuerySet[AuditEntry]:
    """The audit entries of one record (newest first, as AuditEntry orders them)."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
    )


def field_label(model: type[models.Model] | None, name: str) -> str:
    """How pages name a recorded field: its verbose name, else the stored name (a field
    removed since, or a key a bulk write recorded)."""
    try:
        return str(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
    except Exception:
        return name


def history_for(
    instance: models.Model, limit: int = 100, *, access: Any = None
) -> list[HistoryEntry]:
    """The newest ``limit`` audit entries of ``instance``, ready for a template.

    With the reader's ``access``, a value that was another department's person, location or
    cost centre (a record with a department the reader does not cover) is not named: a
    record's past must not show a department-bound reader what they cannot read today.
    """
    model = type(instance)
    entries = entries_of(instance).select_related("actor")[:limit]
    history = []
    for entry in entries:
        changes = []
        for name, (old, new) in entry.changes.items():
            try:
                field = model._meta.get_field(name)
            except Exception:  # a field removed since: show the stored name and values
                changes.append(Change(name, old or "–", new or "–"))
                continue
            changes.append(
                Change(
                    str(field.verbose_name),
                    _display(field, old, access),
                    _display(field, new, access),
                )
            )
        history.append(HistoryEntry(entry, changes))
    return history
