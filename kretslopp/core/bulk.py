"""Writing many rows quickly: ``executemany`` with values adapted as Django adapts them.

The one fast write path of the project: imports, take-back batches and the demo loader all
insert and update through this module, and audit their bulk writes with
:func:`kretslopp.core.audit.record_many`.

``QuerySet.bulk_create`` spends most of its time compiling SQL — several function calls
per value per row — which at 100,000 assets plus as many lifecycle events and audit
entries costs more than everything else an import does. This inserter builds the statement
once and adapts each value with the same adapter Django would use for that field (most
need none), then hands whole batches to the driver. It does not run ``pre_save`` hooks:
callers set ``auto_now`` fields themselves. Works on SQLite and PostgreSQL alike.

:meth:`BulkInserter.insert_columns` takes a batch column by column instead: each column is
adapted through a cache of its distinct values with ``map`` (no Python call for a value seen
before in the batch) and the rows are put together by ``zip``, so a 100,000-row import pays
for its distinct dates and prices, not for every cell.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.db import connection, models

BATCH = 2000
T = TypeVar("T")

_AS_IS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BigIntegerField,
    models.ForeignKey,
    models.BooleanField,
)


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:
    """How to turn a Python value into a driver value for ``field``; None: as it is."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return _remember_last(ops.adapt_datetimefield_value)
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        digits, places = field.max_digits, field.decimal_places
        return lambda value: ops.adapt_decimalfield_value(value, digits, places)
    if isinstance(field, _AS_IS):
        return None
    return lambda value: field.get_db_prep_save(value, connection)


def _remember_last(adapt: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Imports stamp every row with the same moment: adapt it once, not once per row."""
    last: list[Any] = [object(), None]

    def adapt_once(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, adapt(value)
        return last[1]

    return adapt_once


class BulkInserter:
    """``INSERT INTO table (columns) VALUES (…)`` for many rows of values in ``attnames`` order."""

    def __init__(
        self, model: type[models.Model], attnames: Sequence[str], encoded: Sequence[str] = ()
    ) -> None:
        """``encoded`` names JSON columns whose values the caller passes as JSON text."""
        fields = [
            next(f for f in model._meta.concrete_fields if f.attname == name) for name in attnames
        ]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
        self.adapters = [
            (position, None if field.attname in encoded else _adapter(field))
            for position, field in enumerate(fields)
        ]
        self.adapters = [(position, adapt) for position, adapt in self.adapters if adapt]
        # Dates, time stamps and prices are hashable and repeat: adapt each distinct one once.
        self.by_value = {
            position: _DistinctValues(adapt)
            for position, adapt in self.adapters
            if isinstance(fields[position], models.DateField | models.DecimalField)
        }

    def insert(self, rows: Iterable[Sequence[Any]]) -> int:
        """Insert ``rows``; returns how many."""
        prepared = [self._adapt(row) for row in rows]
        if prepared:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, prepared)
        return len(prepared)

    def insert_columns(self, columns: Sequence[Iterable[Any]]) -> int:
        """Insert the rows whose values ``columns`` hold, one iterable per attname.

        A column may be endless (``itertools.repeat(value)`` for a value every row shares);
        the rows end with the shortest column. Returns how many rows were inserted.
        """
        adapted = list(columns)
        for position, adapt in self.adapters:
            distinct = self.by_value.get(position)
            if distinct is not None:
                if len(distinct) > _DistinctValues.LIMIT:
                    distinct.clear()
                adapted[position] = map(distinct.__getitem__, adapted[position])
            else:
                adapted[position] = map(_unless_none(adapt), adapted[position])
        prepared = list(zip(*adapted, strict=False))
        if prepared:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, prepared)
        return len(prepared)

    def _adapt(self, row: Sequence[Any]) -> Sequence[Any]:
        if not self.adapters:
            return row
        values = list(row)
        for position, adapt in self.adapters:
            value = values[position]
            if value is not None:
                values[position] = adapt(value)
        return values


class _DistinctValues(dict):
    """value → adapted value, filled on first sight: ``map(cache.__getitem__, …)`` runs in C.

    Kept for the inserter's life (dates repeat across batches), emptied when it grows large.
    """

    LIMIT = 50_000

    def __init__(self, adapt: Callable[[Any], Any]) -> None:
        super().__init__()
        self.adapt = adapt

    def __missing__(self, value: Any) -> Any:
        adapted = self[value] = None if value is None else self.adapt(value)
        return adapted


def _unless_none(adapt: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``adapt``, except that NULL stays NULL (as :meth:`BulkInserter._adapt` does)."""
    return lambda value: None if value is None else adapt(value)


def batched(items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    """``items`` in lists of at most ``size``: memory stays flat however many come."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def insert(
    model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert ``rows`` (values in ``attnames`` order) in batches; returns how many."""
    inserter = BulkInserter(model, attnames)
    return sum(inserter.insert(batch) for batch in batched(rows))


def update_by_pk(
    model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """``UPDATE`` each row ``(pk, *values)`` setting ``attnames``; values adapted per field.

    ``QuerySet.bulk_update`` compiles a CASE expression per value: 20 s for 3,000 partner
    results, where one prepared statement through ``executemany`` takes well under one.
    """
    fields = {field.attname: field for field in model._meta.concrete_fields}
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(fields[name].column)} = %s" for name in attnames)
    pk_column = quote(model._meta.pk.column)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {pk_column} = %s"
    adapters = [
        _unless_none(adapt) if (adapt := _adapter(fields[name])) else None for name in attnames
    ]
    count = 0
    with connection.cursor() as cursor:
        for batch in batched(rows):
            prepared = [
                [
                    *(
                        value if adapt is None else adapt(value)
                        for adapt, value in zip(adapters, values, strict=True)
                    ),
                    pk,
                ]
                for pk, *values in batch
            ]
            cursor.executemany(sql, prepared)
            count += len(prepared)
    return count
