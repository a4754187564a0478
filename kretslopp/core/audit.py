"""The audit trail: every create, update and delete of a business record, with who and when.

Models opt in with :func:`register`; the signal handlers below then record old → new values
for every save and delete, whatever code path made it (views, API, imports, shell). Bulk
writes that bypass signals (imports, take-back batches) call :func:`record_many` themselves.

Every entry carries a *batch*: the key of the request or job that made it (``request:…``,
``import:12``), set with :func:`batch` by whoever starts the work, so that the 100,000
entries of one import read as one import in the audit log, with a link to its job. The
kinds of batch and how the log names and links them are registered in
:data:`kretslopp.core.registry.registry` (``audit_batches``).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("kretslopp_audit_actor", default=None)
_batch: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "kretslopp_audit_batch", default=None
)
_registered: set[type[models.Model]] = set()
#: Longest batch key the audit trail stores.
BATCH_LENGTH = 40
#: The kind of batch for what the system does on its own while serving someone's request
#: (clearing out old uploads, marking a dead import failed).
SYSTEM_BATCH = "system"
IGNORED_FIELDS = {"updated_at", "created_at"}


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """Attribute every audited write inside the block to ``user`` (None: the system)."""
    token = _actor.set(user if user is None or user.is_authenticated else None)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> Any:
    return _actor.get()


def new_batch(kind: str) -> str:
    """A fresh batch key of ``kind`` (a request, a command-line run): ``kind:<random hex>``."""
    return f"{kind}:{uuid.uuid4().hex}"


@contextmanager
def batch(key: str) -> Iterator[str]:
    """Put every audit entry written inside the block into the batch ``key``.

    The innermost block wins: an import run while serving a request is filed under the
    import's job, not the request.
    """
    token = _batch.set(key[:BATCH_LENGTH])
    try:
        yield key
    finally:
        _batch.reset(token)


def current_batch() -> str:
    """The batch being written, or a fresh one for a write no request or job started
    (a shell, a test): such a write stands alone in the log."""
    return _batch.get() or new_batch("write")


def text(value: Any) -> str | None:
    """A value as the audit trail stores it: display-neutral text (dates ISO), None as None.

    What ``Field.value_to_string`` gives on a save; bulk writers record values the same way.
    """
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def actor_id(by: Any = None) -> int | None:
    """The user to record: the one given, else whoever the block acts as, else none."""
    user = by if getattr(by, "pk", None) else current_actor()
    return user.pk if getattr(user, "pk", None) else None


def _tracked_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name not in IGNORED_FIELDS
    ]


def snapshot(instance: models.Model) -> dict[str, str | None]:
    """The audited fields of ``instance`` as display-neutral strings."""
    values: dict[str, str | None] = {}
    for field in _tracked_fields(type(instance)):
        raw = getattr(instance, field.attname)
        values[field.name] = None if raw is None else field.value_to_string(instance)
    return values


def diff(old: dict[str, str | None], new: dict[str, str | None]) -> dict[str, list]:
    return {name: [old.get(name), value] for name, value in new.items() if old.get(name) != value}


def record(
    instance: models.Model,
    action: str,
    changes: dict[str, list],
    *,
    actor: Any = None,
) -> None:
    """Write one audit entry for ``instance``; used by the signals and by bulk writers."""
    from django.contrib.contenttypes.models import ContentType

    from kretslopp.core.models import AuditEntry

    user = actor if actor is not None else current_actor()
    AuditEntry.objects.create(
        actor=user if getattr(user, "pk", None) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=changes,
        batch=current_batch(),
    )


ENTRY_COLUMNS = (
    "at", "actor_id", "action", "content_type_id", "object_id", "object_repr", "changes",
    "batch",
)  # fmt: skip
#: ``(pk, repr, action, changes)``: one bulk-written audit entry, timed now.
Entry = tuple[object, str, str, dict[str, list]]
#: The same with the moment the write happened (None: now).
TimedEntry = tuple[object, str, str, dict[str, list], datetime | None]


def record_many(
    model: type[models.Model],
    entries: Iterable[Entry | TimedEntry],
    *,
    by: Any = None,
) -> int:
    """Audit rows written in bulk: one entry per ``(pk, repr, action, changes)``.

    Bulk writes send no signals, so whoever writes in bulk records here what the signals
    would have recorded, in the same shape, through one prepared insert. An entry may carry
    a fifth item, the moment the write happened (an aware datetime), for records whose
    history is older than the write (the demo's assets); without it, or with None, the
    entry is timed now. All of them go into the current :func:`batch` (one fresh batch
    for the whole call when none is set).
    """
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from kretslopp.core import bulk
    from kretslopp.core.models import AuditEntry

    content_type = ContentType.objects.get_for_model(model).pk
    who = actor_id(by)
    now = timezone.now()
    key = current_batch()

    def row(pk: object, text: str, action: str, changes: dict, at: datetime | None = None):
        return (at or now, who, action, content_type, str(pk), text[:200], changes, key)

    return bulk.insert(AuditEntry, ENTRY_COLUMNS, (row(*entry) for entry in entries))


def _before_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    old = None
    if instance.pk is not None and not instance._state.adding:
        previous = sender._default_manager.filter(pk=instance.pk).first()
        old = snapshot(previous) if previous is not None else None
    instance._audit_before = old


def _after_save(
    sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any
) -> None:
    if kwargs.get("raw"):
        return
    old = getattr(instance, "_audit_before", None)
    new = snapshot(instance)
    if created or old is None:
        record(instance, "create", {name: [None, value] for name, value in new.items() if value})
        return
    changes = diff(old, new)
    if changes:
        record(instance, "update", changes)


def _after_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    record(instance, "delete", {name: [value, None] for name, value in snapshot(instance).items()})


def register(model: type[models.Model]) -> type[models.Model]:
    """Class decorator: audit every save and delete of ``model``."""
    if model not in _registered:
        _registered.add(model)
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"audit-pre-{model.__name__}")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"audit-post-{model.__name__}")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"audit-del-{model.__name__}")
    return model


def is_audited(model: type[models.Model]) -> bool:
    return model in _registered


def registered() -> list[type[models.Model]]:
    """Every audited model (what the audit log can be filtered by)."""
    return sorted(_registered, key=lambda model: model._meta.label)
