"""Writing many rows quickly: PostgreSQL's ``COPY``, SQLite's prepared ``executemany``.

The one fast write path of the project: imports, take-back batches and the demo loader all
insert and update through this module, and audit their bulk writes with
:func:`kretslopp.core.audit.record_many`.

``QuerySet.bulk_create`` spends most of its time compiling SQL — several function calls
per value per row — which at 100,000 assets plus as many lifecycle events and audit
entries costs more than everything else an import does. This inserter builds the statement
once and adapts each value with the same adapter Django would use for that field (most
need none), then hands whole batches to the driver: on PostgreSQL as one ``COPY … FROM
STDIN`` per batch (psycopg's ``Copy.write_row``, inside the caller's transaction, so all or
nothing holds as before), on SQLite through one prepared ``INSERT`` and ``executemany``,
which SQLite runs in-process at the same speed. It does not run ``pre_save`` hooks:
callers set ``auto_now`` fields themselves (:func:`create` does it for model instances).

``COPY`` returns no ids. A caller that needs the new rows' ids takes them first with
:func:`reserve_ids` (the table's own sequence on PostgreSQL, SQLite's ``sqlite_sequence``)
and inserts them as the ``id`` column.

:meth:`BulkInserter.insert_columns` takes a batch column by column instead: each column is
adapted through a cache of its distinct values with ``map`` (no Python call for a value seen
before in the batch) and the rows are put together by ``zip``, so a 100,000-row import pays
for its distinct dates and prices, not for every cell.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.db import connection, models, transaction

BATCH = 2000
T = TypeVar("T")
M = TypeVar("M", bound=models.Model)

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
        return _remember_last(_typed(field, dt.datetime, ops.adapt_datetimefield_value))
    if isinstance(field, models.DateField):
        return _typed(field, dt.date, ops.adapt_datefield_value)
    if isinstance(field, models.DecimalField):
        digits, places = field.max_digits, field.decimal_places
        return _typed(
            field, Decimal, lambda value: ops.adapt_decimalfield_value(value, digits, places)
        )
    if isinstance(field, _AS_IS):
        return None
    return lambda value: field.get_db_prep_save(value, connection)


#: Column type (as Django creates it, without size) → the binary COPY format of its values.
_BINARY_FORMATS = {
    "bigint": "int8",
    "integer": "int4",
    "smallint": "int2",
    "boolean": "bool",
    "date": "date",
    "timestamp with time zone": "timestamptz",
    "varchar": "text",
    "text": "text",
    "numeric": "numeric",
    "double precision": "float8",
    "uuid": "uuid",
}


def _binary_types(fields: Sequence[models.Field]) -> list[str] | None:
    """Each column's binary COPY format, or None when one of them has none here."""
    formats = []
    for field in fields:
        db_type = (field.db_type(connection) or "").split("(")[0].strip().lower()
        found = _BINARY_FORMATS.get(db_type)
        if found is None:
            return None
        formats.append(found)
    return formats


def _typed(field: models.Field, kind: type, adapt: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``adapt``, after reading a value of another type (a price given as text, a date as a
    time stamp) as a save would: binary ``COPY`` takes each column's own type only."""
    to_python = field.to_python
    return lambda value: adapt(value if type(value) is kind else to_python(value))


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
        table = quote(model._meta.db_table)
        columns = ", ".join(quote(field.column) for field in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
        # Binary COPY spares client and server the text round trip of every value; it
        # needs each column's exact type, so a column of another type (or JSON the caller
        # encoded itself) keeps the whole copy in text.
        self.copy_types = None if encoded else _binary_types(fields)
        copy_format = " (FORMAT BINARY)" if self.copy_types else ""
        self.copy_sql = f"COPY {table} ({columns}) FROM STDIN{copy_format}"
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
        return self._write(self.prepare(rows))

    def insert_columns(self, columns: Sequence[Iterable[Any]]) -> int:
        """Insert the rows whose values ``columns`` hold, one iterable per attname.

        A column may be endless (``itertools.repeat(value)`` for a value every row shares);
        the rows end with the shortest column. Returns how many rows were inserted.
        """
        return self._write(self.prepare_columns(columns))

    def prepare(self, rows: Iterable[Sequence[Any]]) -> list[Sequence[Any]]:
        """``rows`` with their values adapted for the driver, ready to be written."""
        return [self._adapt(row) for row in rows]

    def prepare_columns(self, columns: Sequence[Iterable[Any]]) -> list[tuple[Any, ...]]:
        """The rows ``columns`` hold (see :meth:`insert_columns`), adapted, ready to be written."""
        adapted = list(columns)
        for position, adapt in self.adapters:
            distinct = self.by_value.get(position)
            if distinct is not None:
                if len(distinct) > _DistinctValues.LIMIT:
                    distinct.clear()
                adapted[position] = map(distinct.__getitem__, adapted[position])
            else:
                adapted[position] = map(_unless_none(adapt), adapted[position])
        return list(zip(*adapted, strict=False))

    def _write(self, prepared: list[Sequence[Any]]) -> int:
        """One batch to the database: ``COPY`` on PostgreSQL, ``executemany`` elsewhere."""
        if prepared:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    _copy(cursor, self.copy_sql, prepared, self.copy_types)
                else:
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


def _copy(cursor: Any, sql: str, rows: Iterable[Sequence[Any]], types: list[str] | None) -> None:
    """Stream ``rows`` through ``COPY … FROM STDIN`` on the driver's own cursor.

    psycopg formats each row in C: in PostgreSQL's binary format when ``types`` names
    every column's type, else as text, which the server parses with each column's own
    input function (JSON text, time stamps with their zone, NULLs, booleans). The copy
    runs inside the connection's current transaction: rolled back with it. The driver's
    errors become Django's (``IntegrityError``…), as through Django's own cursor.
    """
    with connection.wrap_database_errors:
        _copy_rows(cursor.cursor, sql, rows, types)


def _copy_rows(
    cursor: Any, sql: str, rows: Iterable[Sequence[Any]], types: list[str] | None
) -> None:
    """:func:`_copy` on the psycopg cursor itself."""
    with cursor.copy(sql) as copy:
        if types:
            copy.set_types(types)
        write_row = copy.write_row
        for row in rows:
            write_row(row)


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
    PostgreSQL gets each batch as one statement instead, its columns as arrays
    (``UPDATE … FROM unnest(…)``), so the server plans once per batch, not once per row.
    Returns how many rows were given.
    """
    fields = {field.attname: field for field in model._meta.concrete_fields}
    adapters = [
        _unless_none(adapt) if (adapt := _adapter(fields[name])) else None for name in attnames
    ]
    if connection.vendor == "postgresql":
        write = _array_update(model, [fields[name] for name in attnames])
    else:
        write = _row_update(model, [fields[name] for name in attnames])
    count = 0
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
        write(prepared)
        count += len(prepared)
    return count


def _row_update(
    model: type[models.Model], fields: Sequence[models.Field]
) -> Callable[[list[list[Any]]], None]:
    """One prepared ``UPDATE … WHERE pk = ?`` per row (SQLite runs it in-process)."""
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    pk_column = quote(model._meta.pk.column)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {pk_column} = %s"

    def write(prepared: list[list[Any]]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(sql, prepared)

    return write


def _array_update(
    model: type[models.Model], fields: Sequence[models.Field]
) -> Callable[[list[list[Any]]], None]:
    """One ``UPDATE … FROM unnest(%s::type[], …)`` per batch (PostgreSQL).

    A key given twice in a batch keeps its last values, as row-by-row updates would.
    """
    quote = connection.ops.quote_name
    pk = model._meta.pk
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in (*fields, pk))
    names = ", ".join(f"v{position}" for position in range(len(fields)))
    assignments = ", ".join(
        f"{quote(field.column)} = given.v{position}" for position, field in enumerate(fields)
    )
    table = quote(model._meta.db_table)
    sql = (
        f"UPDATE {table} SET {assignments} FROM unnest({arrays}) AS given({names}, pk) "  # noqa: S608
        f"WHERE {table}.{quote(pk.column)} = given.pk"
    )

    def write(prepared: list[list[Any]]) -> None:
        last = {row[-1]: row for row in prepared}
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(column) for column in zip(*last.values(), strict=True)])

    return write


#: PostgreSQL sequence behind each table's primary key, looked up once per process.
_SEQUENCES: dict[str, str] = {}


def reserve_ids(model: type[models.Model], count: int) -> Sequence[int]:
    """``count`` new primary keys of ``model``, taken as the database would take them.

    For rows written by ``COPY`` (which returns no ids) when the caller needs their ids:
    PostgreSQL hands them out of the table's own sequence (``nextval``, safe beside other
    writers, not necessarily consecutive; as always with sequences, a rollback leaves a gap
    rather than handing them out again); on SQLite they are counted on from the table's
    ``AUTOINCREMENT`` counter, which is moved past them at once, so a later insert in this
    or any other transaction never takes one of them (a rollback moves it back).
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sequence = _SEQUENCES.get(table)
            if sequence is None:
                cursor.execute(
                    "SELECT pg_get_serial_sequence(%s, %s)",
                    [connection.ops.quote_name(table), model._meta.pk.column],
                )
                sequence = _SEQUENCES[table] = cursor.fetchone()[0]
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
            )
            return [row[0] for row in cursor.fetchall()]
        return _reserve_sqlite(cursor, model, count)


class ReservedIds:
    """New primary keys of ``model`` for ``total`` rows, reserved ``block`` at a time.

    One query per block rather than one per batch. On SQLite the ids come as a range, so
    they are all reserved at once, at no cost in memory.
    """

    def __init__(self, model: type[models.Model], total: int, block: int = 100_000) -> None:
        self.model, self.left = model, total
        self.block = block if connection.vendor == "postgresql" else max(total, 1)
        self.current: Sequence[int] = ()
        self.position = 0

    def take(self, count: int) -> list[int]:
        """The next ``count`` ids (never more in all than ``total``)."""
        taken: list[int] = []
        while len(taken) < count:
            if self.position >= len(self.current):
                if self.left <= 0:
                    break
                more = min(self.block, self.left)
                self.current, self.position = reserve_ids(self.model, more), 0
                self.left -= more
            part = self.current[self.position : self.position + count - len(taken)]
            taken.extend(part)
            self.position += len(part)
        return taken


def _reserve_sqlite(cursor: Any, model: type[models.Model], count: int) -> range:
    quote = connection.ops.quote_name
    table = model._meta.db_table
    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
    counted = cursor.fetchone()
    cursor.execute(
        f"SELECT MAX({quote(model._meta.pk.column)}) FROM {quote(table)}"  # noqa: S608
    )
    highest = max(counted[0] if counted else 0, cursor.fetchone()[0] or 0)
    if counted:
        cursor.execute(
            "UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [highest + count, table]
        )
    else:
        cursor.execute(
            "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, highest + count]
        )
    return range(highest + 1, highest + count + 1)


def create(model: type[M], objects: Iterable[M]) -> list[M]:
    """Save new ``objects`` of ``model`` in bulk, every concrete field, ids given back.

    What ``QuerySet.bulk_create`` does for unsaved instances, through the fast path:
    ``auto_now``/``auto_now_add`` fields are stamped, objects without a primary key get one
    from :func:`reserve_ids`, and the objects are marked saved. Like ``bulk_create`` it
    sends no signals: audit the writes with :func:`kretslopp.core.audit.record_many`.
    """
    objects = list(objects)
    if not objects:
        return objects
    opts = model._meta
    fields = [field for field in opts.concrete_fields if not getattr(field, "generated", False)]
    stamped = [
        field
        for field in fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    for obj in objects:
        for field in stamped:
            field.pre_save(obj, add=True)
    if isinstance(opts.pk, models.AutoField):  # BigAutoField too (AutoField's metaclass)
        unsaved = [obj for obj in objects if obj.pk is None]
        for obj, pk in zip(unsaved, reserve_ids(model, len(unsaved)), strict=True):
            obj.pk = pk
    attnames = [field.attname for field in fields]
    inserter = BulkInserter(model, attnames)
    for batch in batched(objects):
        inserter.insert([[getattr(obj, name) for name in attnames] for obj in batch])
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objects


#: A bulk write of at least this many rows refreshes the planner's statistics afterwards.
STATISTICS_AFTER_ROWS = 10_000


def refresh_statistics(*written: type[models.Model], rows: int) -> None:
    """Let the database's query planner see what a large bulk write changed.

    SQLite keeps no statistics until ``ANALYZE`` runs; without them its planner takes an
    index on any filtered column for a selective one. The asset list (in custody, sorted by
    tag) then reads 90 % of the fleet through the status index and sorts it, where walking
    the tag index in order stops after the page's 50 rows. PostgreSQL's autovacuum analyses
    a table by itself, but only a while after a large write; a freshly loaded register is
    served at once. ``ANALYZE`` samples rows, so it costs a fraction of the write (about a
    second at 100,000 assets); writes under :data:`STATISTICS_AFTER_ROWS` rows do not change
    the table's shape enough to be worth it.

    Call it after the write has committed (see :func:`analyse_on_commit`): inside the
    transaction it would hold SQLite's write lock longer.
    """
    if rows < STATISTICS_AFTER_ROWS:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in written:
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")


def analyse_on_commit(*written: type[models.Model], rows: int) -> None:
    """:func:`refresh_statistics` once the current transaction commits (never if it rolls
    back: the statistics of a write that did not happen would mislead the planner)."""
    from django.db import transaction

    if rows >= STATISTICS_AFTER_ROWS:
        transaction.on_commit(lambda: refresh_statistics(*written, rows=rows))


def check_deferred_now() -> None:
    """Check the foreign keys of the rows written so far, now rather than at commit.

    Django makes PostgreSQL's foreign keys deferred: each row written queues its checks until
    the transaction commits. A 100,000-row import then spent three to five seconds in its
    COMMIT checking 300,000 rows' keys at once, and that burst of database work (which no
    nice level of the worker reaches) stalled every page of the host (``bench_load``).
    Called after each batch, the same checks are spread over the import; the keys stay
    deferred for what follows. Elsewhere (SQLite checks its keys as rows arrive) a no-op.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        _run_deferred_checks(cursor)


def _run_deferred_checks(cursor: Any) -> None:
    # Switching to immediate runs every check queued so far; back to deferred as Django
    # creates them.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextlib.contextmanager
def indexes_built_after(*models_: type[models.Model]) -> Iterator[None]:
    """Load ``models_``' tables without their secondary indexes and foreign keys, then build
    them once, all inside the caller's transaction (PostgreSQL; elsewhere it does nothing).

    Why: at a million assets, five million lifecycle events and a million audit entries,
    keeping 25 secondary indexes current row by row (serials and audit keys arrive in no
    order, so every row touches a different page of each) and checking each row's foreign
    keys one by one at commit costs PostgreSQL far more than the rows themselves. Building
    an index sorts the table once; adding a foreign key back checks every row with one join.

    Safe because it happens in one transaction: the primary keys, unique constraints and
    partial indexes stay (ids and asset tags are still refused twice as they arrive; a
    partial index's condition would be rebuilt from PostgreSQL's printed form, equivalent
    but not the text Django's migration wrote); an index or key that does
    not hold when it is built back (a serial given twice to one model, an event pointing
    nowhere) fails the whole transaction, so nothing half-checked is ever committed; and
    other sessions never see the tables without them (``ALTER TABLE`` locks the tables until
    commit, so only a load with the tables to itself, such as the demo's, should use it).
    Pending deferred checks are run first (a table with checks pending cannot be altered),
    and the session's constraints are deferred again afterwards, as Django creates them.
    Last, the tables are analysed, so that the planner's statistics describe what was
    loaded (PostgreSQL counts the transaction's own new rows) when it commits.
    """
    if connection.vendor != "postgresql" or not models_:
        yield
        return
    tables = [model._meta.db_table for model in models_]
    # A savepoint of its own: whatever goes wrong inside, the indexes and keys come back
    # with the rollback, even when the caller goes on with its transaction.
    with transaction.atomic():
        with connection.cursor() as cursor:
            _run_deferred_checks(cursor)
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) "
                "ORDER BY 1, 2",
                [tables],
            )
            foreign_keys = cursor.fetchall()
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid "
                "AND c.conrelid = i.indrelid "
                "WHERE i.indrelid = ANY(%s::regclass[]) AND c.oid IS NULL "
                "AND i.indpred IS NULL ORDER BY 1",
                [tables],
            )
            indexes = cursor.fetchall()
            for table, name, _definition in foreign_keys:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_quote(name)}")
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {name}")
        yield
        with connection.cursor() as cursor:
            # Each index is one sort of the table: in memory rather than in temporary files
            # (PostgreSQL's default is 64 MB), for this transaction only.
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for _name, definition in indexes:
                cursor.execute(definition)
            for table, name, definition in foreign_keys:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {_quote(name)} {definition}")
            # The rest of the transaction queries these tables (the demo reads its take-back
            # back from the events): without statistics the planner takes a freshly filled
            # table for empty and scans millions of rows per query.
            for table in tables:
                cursor.execute(f"ANALYZE {_quote(table)}")


def _quote(name: str) -> str:
    """A constraint's name as an SQL identifier (Django's are plain, but may need quotes)."""
    return connection.ops.quote_name(name)
