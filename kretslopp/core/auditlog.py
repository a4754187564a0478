"""The organisation-wide audit log: every recorded write, newest first, filtered.

Per-record history (``core.history``) shows values; the log shows *that* something changed
— when, by whom, which record, which fields — and links to the record, where its history
shows the values. Filters: who, which kind of record, which action, and a date range.

The log lists *batches*, newest first: everything one request, command or import wrote
(:func:`kretslopp.core.audit.batch`). A small batch shows its entries; a large one (an
import of 100,000 rows) shows one line — how many of which kind were created, changed or
deleted, with a link to the import's job — and opens on its own page of entries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, Min, QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from kretslopp.core import audit
from kretslopp.core.history import field_label
from kretslopp.core.models import AuditEntry
from kretslopp.core.registry import registry

#: A batch with at most this many entries shows them in the log; a larger one, its summary.
SHOWN_ENTRIES = 10


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
    batch = forms.CharField(required=False, max_length=audit.BATCH_LENGTH, widget=forms.HiddenInput)

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
        if data.get("batch"):
            entries = entries.filter(batch=data["batch"])
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


@dataclass
class Part:
    """How many records of one kind one batch created, changed or deleted, in words."""

    text: str
    count: int


#: A batch's part in words: a verb first, so no word has to agree with the kind's gender.
PART_TEXTS = {
    "create": _("Created %(count)s %(kind)s"),
    "update": _("Changed %(count)s %(kind)s"),
    "delete": _("Deleted %(count)s %(kind)s"),
}


def _part(model: type | None, action: str, count: int) -> Part:
    if model is None:
        kind = "–"
    else:
        names = model._meta
        kind = str(names.verbose_name if count == 1 else names.verbose_name_plural)
    text = PART_TEXTS.get(action, "%(count)s %(kind)s") % {
        "count": number_format(count, force_grouping=True),
        "kind": kind,
    }
    return Part(text, count)


@dataclass
class Batch:
    """One request's, command's or import's entries in the log."""

    key: str
    label: str  # what made it ("Import #12"); empty for a write that stands alone
    url: str | None  # the page of what made it (the import's job)
    first: dt.datetime
    last: dt.datetime
    count: int
    actors: list[str]
    parts: list[Part]
    lines: list[LogLine]  # the entries, when there are few enough to show


def batches(entries: QuerySet) -> QuerySet:
    """``entries`` as one row per batch (key, first, last, count), the latest first.

    A queryset of dicts, so that a page of them is read with ``LIMIT`` like any list.
    """
    return (
        entries.order_by()
        .values("batch")
        .annotate(first=Min("at"), last=Max("at"), count=Count("id"))
        .order_by("-last", "-batch")
    )


def batch_label(key: str) -> tuple[str, str | None]:
    """What made batch ``key``, named and linked as its kind registered (see ``registry``)."""
    kind, _sep, rest = key.partition(":")
    entry = registry.audit_batches.get(kind)
    if entry is None:
        return "", None
    return str(entry.label(rest)), entry.url(rest)


def grouped(rows: list[dict[str, Any]], entries: QuerySet) -> list[Batch]:
    """The batches ``rows`` (a page of :func:`batches`) with their parts and short entries.

    Three queries for the whole page whatever the batches' sizes: the counts by kind and
    action, the people, and the entries of the batches small enough to show.
    """
    keys = [row["batch"] for row in rows]
    mine = entries.filter(batch__in=keys).order_by()
    parts: dict[str, list[Part]] = {key: [] for key in keys}
    for part in mine.values("batch", "content_type_id", "action").annotate(n=Count("id")):
        model = ContentType.objects.get_for_id(part["content_type_id"]).model_class()
        parts[part["batch"]].append(_part(model, part["action"], part["n"]))
    actors: dict[str, set[str]] = {key: set() for key in keys}
    for key, username in mine.values_list("batch", "actor__username").distinct():
        actors[key].add(username or str(_("system")))
    small = [row["batch"] for row in rows if row["count"] <= SHOWN_ENTRIES]
    shown: dict[str, list[LogLine]] = {key: [] for key in small}
    small_entries = list(entries.filter(batch__in=small).select_related("actor"))
    for line in lines(small_entries):
        shown[line.entry.batch].append(line)
    result = []
    for row in rows:
        key = row["batch"]
        label, url = batch_label(key)
        result.append(
            Batch(
                key=key,
                label=label,
                url=url,
                first=row["first"],
                last=row["last"],
                count=row["count"],
                actors=sorted(actors[key], key=str.casefold),
                parts=sorted(parts[key], key=lambda part: -part.count),
                lines=shown.get(key, []),
            )
        )
    return result


def _kind(model: type | None) -> str:
    return str(model._meta.verbose_name) if model else ""


def export_header() -> list[str]:
    return [
        str(_("When")), str(_("By")), str(_("Action")), str(_("Kind of record")),
        str(_("Record")), str(_("Record id")), str(_("Fields")), str(_("Batch")),
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
            entry.batch,
        ]
