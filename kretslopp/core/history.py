"""A record's audit trail as people read it: field names, not columns; names, not ids."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

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


def _display(
    field: models.Field, raw: str | None, access: Any = None, instance: models.Model | None = None
) -> str:
    if raw in (None, ""):
        return "–"
    if isinstance(field, models.ForeignKey):
        related = _current(field, raw, instance)
        if related is None:
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


def _current(field: models.ForeignKey, raw: str, instance: models.Model | None) -> Any:
    """The record ``raw`` names when it is the one ``instance`` already holds (read with it,
    say by ``select_related``): most recorded values are the current ones, and the page has
    them in hand; None when it is another or was not read with ``instance``."""
    if instance is None or not field.is_cached(instance):
        return None
    related = field.get_cached_value(instance)
    return related if related is not None and str(related.pk) == str(raw) else None


def _elsewhere(related: models.Model, access: Any) -> bool:
    """Whether ``related`` belongs to a department the reader (``access``) does not cover."""
    department_id = getattr(related, "department_id", None)
    return access is not None and department_id is not None and not access.covers(department_id)


def _plain(raw: object) -> str:
    return "–" if raw in (None, "") else str(raw)


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


#: What bulk writers, the demo loader, restores and clean-ups record under names that are
#: not fields of the record (counts, notes), as pages name them.
RECORDED_KEYS = {
    "demo": _("demo data"),
    "departments": _("departments"),
    "locations": _("locations"),
    "cost_centres": _("cost centres"),
    "people": _("people"),
    "manufacturers": _("manufacturers"),
    "product_models": _("product models"),
    "labels": _("labels"),
    "assets": _("assets"),
    "lifecycle_events": _("lifecycle events"),
    "takeback_2019": _("taken back in 2019"),
    "takeback_items": _("taken-back devices"),
    "takeback_manifests": _("manifests"),
    "items": _("taken-back devices"),
    "manifests": _("manifests"),
    "energy_readings": _("energy readings"),
    "print_volumes": _("print volumes"),
    "volumes": _("print volumes"),
    "targets": _("targets"),
    "restored_from_backup": _("restored from backup"),
    "stored_file": _("uploaded file"),
    "preview_rows": _("preview rows"),
    "problem_values": _("values shown with problems"),
}
#: Fields without a verbose name of their own (Django made one from the column name).
UNNAMED_FIELDS = {
    "digest": _("file fingerprint"),
    "summary": _("summary"),
    "key": _("key"),
    "public_slug": _("public address"),
    "decided_by": _("decided by"),
    "decided_at": _("decided"),
    "created_by": _("created by"),
    "sha256": _("file fingerprint"),
    "pue": _("PUE"),
}


def field_label(model: type[models.Model] | None, name: str) -> str:
    """How pages name a recorded field, in the reader's language: its verbose name; for a
    field Django named after its column, the related record's kind or our own label; for a
    name that is no field (a count or note a bulk write recorded, a field removed since),
    our label, else the stored name."""
    try:
        field = model._meta.get_field(name)  # type: ignore[union-attr]
    except Exception:
        return str(RECORDED_KEYS.get(name, name))
    verbose = getattr(field, "verbose_name", None)
    if isinstance(verbose, Promise):
        return str(verbose)
    if field.is_relation and field.related_model is not None:
        return str(field.related_model._meta.verbose_name)
    return str(UNNAMED_FIELDS.get(name, verbose or name))


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
            label = field_label(model, name)
            try:
                field = model._meta.get_field(name)
            except Exception:  # not a field (a count, a note) or removed since: values as stored
                changes.append(Change(label, _plain(old), _plain(new)))
                continue
            changes.append(
                Change(
                    label,
                    _display(field, old, access, instance),
                    _display(field, new, access, instance),
                )
            )
        history.append(HistoryEntry(entry, changes))
    return history
