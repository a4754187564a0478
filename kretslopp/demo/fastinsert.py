"""Inserting many plain rows without the ORM's per-object cost.

``bulk_create`` spends most of its time building model instances and preparing each field of
each one (about 75 µs a row here); the demo's assets and lifecycle events are hundreds of
thousands of rows whose values are already clean, so they go in with ``executemany`` instead.
Values are still adapted by the backend's own ``adapt_*`` operations and every column the
caller does not give gets the model field's default, so the SQL follows the model and works
on SQLite and PostgreSQL alike. Only for rows that need no signals, validation or ids back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

BATCH = 2000


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        digits, places = field.max_digits, field.decimal_places
        return lambda value: ops.adapt_decimalfield_value(value, digits, places)
    return None


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert ``rows`` (values in the order of ``columns``, by field attname); return count."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    given = [fields[name] for name in columns]
    constants: list[tuple[models.Field, Any]] = []
    now = timezone.now()
    for field in model._meta.concrete_fields:
        if field.attname in columns or field.primary_key:
            continue
        auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        value = now if auto else field.get_default()
        constants.append((field, field.get_db_prep_save(value, connection)))
    adapters = [_adapter(field) for field in given]
    table = connection.ops.quote_name(model._meta.db_table)
    names = [connection.ops.quote_name(f.column) for f in given + [f for f, _ in constants]]
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})"
    tail = tuple(value for _, value in constants)
    count = 0
    batch: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(
                tuple(
                    value if adapt is None or value is None else adapt(value)
                    for adapt, value in zip(adapters, row, strict=True)
                )
                + tail
            )
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
