"""Inserting the demo's hundreds of thousands of rows without the ORM's per-object cost.

The rows go in through :func:`kretslopp.core.bulk.insert` (``executemany`` with Django's own
value adapters), so there is one fast insert in the project. What the demo adds: every
column the caller does not give gets the model field's default (``auto_now`` fields the
load's moment), so the generators name only what they vary.
Only for rows that need no signals, validation or ids back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models
from django.utils import timezone

from kretslopp.core import bulk


def _defaults(model: type[models.Model], columns: Sequence[str]) -> list[tuple[str, Any]]:
    """(attname, value) for every column not given: the field's default, or now for auto."""
    now = timezone.now()
    defaults = []
    for field in model._meta.concrete_fields:
        if field.attname in columns or field.primary_key:
            continue
        auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        defaults.append((field.attname, now if auto else field.get_default()))
    return defaults


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert ``rows`` (values in the order of ``columns``, by field attname); return count."""
    defaults = _defaults(model, columns)
    tail = tuple(value for _name, value in defaults)
    names = [*columns, *(name for name, _value in defaults)]
    return bulk.insert(model, names, ((*row, *tail) for row in rows))
