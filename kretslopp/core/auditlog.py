"""The organisation-wide audit log: every recorded write, newest first, filtered.

Per-record history (``core.history``) shows values; the log shows *that* something changed
— when, by whom, which record, which fields — and links to the record, where its history
shows the values. Filters: who, which kind of record, which action, and a date range.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kretslopp.core import audit
from kretslopp.core.history import field_label
from kretslopp.core.models import AuditEntry


def audited_kinds() -> list[tuple[str, str]]:
    """(content type id, the record kind's plural name) of every audited model, by name."""
    kinds = [
        (str(ContentType.objects.get_for_model(model).pk), str(model._meta.verbose_name_plural))
        for model in audit.registered()
    ]
    return sorted(kinds, key=lambda kind: kind[1].casefold())


class AuditLogFilter(forms.Form):
    who = forms.CharField(label=_("By (user name)"), required=False, max_length=150)
    kind = forms.ChoiceField(label=_("Kind of record"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All"))] + audited_kinds()
        self.fields["action"].choices = [("", _("All")), *AuditEntry.ACTIONS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        return cleaned

    def apply(self, entries: QuerySet) -> QuerySet:
        """``entries`` narrowed to the filter (call after ``is_valid``)."""
        data = self.cleaned_data
        if data.get("who"):
            users = get_user_model().objects.filter(username__iexact=data["who"].strip())
            entries = entries.filter(actor__in=users)
        if data.get("kind"):
            entries = entries.filter(content_type_id=int(data["kind"]))
        if data.get("action"):
            entries = entries.filter(action=data["action"])
        if data.get("since"):
            entries = entries.filter(at__gte=_start_of(data["since"]))
        if data.get("until"):
            entries = entries.filter(at__lt=_start_of(data["until"] + dt.timedelta(days=1)))
        return entries


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass
class LogLine:
    entry: AuditEntry
    kind: str
    fields: list[str]
    url: str | None  # the record's page, while it exists and has one


def lines(entries: list[AuditEntry]) -> list[LogLine]:
    """One line per entry with its record's kind, changed fields' names and page link.

    The records are looked up once per kind for the whole page, not once per line.
    """
    by_kind: dict[int, set[str]] = {}
    for entry in entries:
        by_kind.setdefault(entry.content_type_id, set()).add(entry.object_id)
    urls: dict[tuple[int, str], str] = {}
    for kind_id, ids in by_kind.items():
        model = ContentType.objects.get_for_id(kind_id).model_class()
        if model is None or not hasattr(model, "get_absolute_url"):
            continue
        numeric = [int(pk) for pk in ids if pk.isdigit()]
        for record in model._default_manager.filter(pk__in=numeric):
            urls[(kind_id, str(record.pk))] = record.get_absolute_url()
    result = []
    for entry in entries:
        model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
        result.append(
            LogLine(
                entry=entry,
                kind=_kind(model) or "–",
                fields=[field_label(model, name) for name in entry.changes],
                url=urls.get((entry.content_type_id, entry.object_id)),
            )
        )
    return result


def _kind(model: type | None) -> str:
    return str(model._meta.verbose_name) if model else ""


def export_header() -> list[str]:
    return [
        str(_("When")), str(_("By")), str(_("Action")), str(_("Kind of record")),
        str(_("Record")), str(_("Record id")), str(_("Fields")),
    ]  # fmt: skip


def export_rows(entries: QuerySet) -> Iterator[list[Any]]:
    """One row per entry, read as it is written: a year of writes stays out of memory."""
    actions = dict(AuditEntry.ACTIONS)
    for entry in entries.iterator(chunk_size=2_000):
        # ContentType's own cache answers get_for_id after the first entry of each kind.
        model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
        yield [
            timezone.localtime(entry.at).replace(tzinfo=None),
            entry.actor.get_username() if entry.actor else str(_("system")),
            str(actions.get(entry.action, entry.action)),
            _kind(model),
            entry.object_repr,
            entry.object_id,
            ", ".join(field_label(model, name) for name in entry.changes),
        ]
