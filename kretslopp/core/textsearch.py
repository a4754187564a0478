"""Substring search over a text column, served by a real text index on both engines.

A register of a million assets is searched by product model name and by people's names:
``LIKE '%text%'`` cannot use an ordinary index, so every such search would read the whole
table. Each engine has an index made for it:

* SQLite: an FTS5 table with the ``trigram`` tokenizer, which answers substring queries
  (three characters or more) case-insensitively, kept in step with its table by triggers;
* PostgreSQL: the ``pg_trgm`` extension and a GIN index on ``UPPER(column)`` — exactly the
  expression Django's ``icontains`` compiles to, so the ordinary lookup uses the index.

Apps declare their indexes in ``AppConfig.ready()`` (``registry.text_indexes``); they are
(re)made after every ``migrate`` by :func:`ensure_text_indexes` rather than by migrations
alone, because SQLite rebuilds a table for many schema changes and drops its triggers with
it: a migration-made FTS table would silently stop following its table after the next
``AlterField``. Making them idempotently after each migrate keeps them true by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from kretslopp.core.registry import registry

#: The trigram tokenizer matches nothing shorter than one trigram.
MIN_INDEXED_LENGTH = 3


@dataclass(frozen=True)
class TextIndex:
    """A text column searched by substring: ``table``'s ``column`` (primary key ``id``)."""

    table: str
    column: str

    @property
    def fts_table(self) -> str:
        return f"{self.table}_{self.column}_fts"

    @property
    def pg_index(self) -> str:
        return f"{self.table}_{self.column}_trgm"[:63]


def contains(queryset: QuerySet, column: str, text: str) -> QuerySet:
    """The rows of ``queryset`` whose ``column`` contains ``text``, in any letter case.

    On SQLite a text of three characters or more is looked up in the FTS5 trigram table;
    shorter texts (and PostgreSQL, whose trigram index serves ``icontains`` directly) use the
    ordinary lookup.
    """
    connection = connections[queryset.db]
    if connection.vendor != "sqlite" or len(text) < MIN_INDEXED_LENGTH:
        return queryset.filter(**{f"{column}__icontains": text})
    index = TextIndex(queryset.model._meta.db_table, queryset.model._meta.get_field(column).column)
    phrase = '"' + text.replace('"', '""') + '"'  # one FTS5 phrase: no query syntax from users
    fts = index.fts_table  # a name of ours; the user's text is a bound parameter
    matching = RawSQL(f'SELECT rowid FROM "{fts}" WHERE "{fts}" MATCH %s', [phrase])
    return queryset.filter(pk__in=matching)


def ensure_text_indexes(using: str = "default", **_signal: Any) -> None:
    """Make every registered text index that does not exist yet (after ``migrate``)."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for index in registry.text_indexes:
            if index.table not in existing:
                continue  # migrating backwards, or the app's tables are not made yet
            if connection.vendor == "sqlite":
                _ensure_sqlite(cursor, index, existing)
            elif connection.vendor == "postgresql":
                _ensure_postgresql(cursor, index)


def _ensure_sqlite(cursor: Any, index: TextIndex, existing: set[str]) -> None:
    fts, table, column = index.fts_table, index.table, index.column
    if fts not in existing:
        cursor.execute(
            f'CREATE VIRTUAL TABLE "{fts}" USING fts5("{column}", content="{table}", '
            f"content_rowid=\"id\", tokenize='trigram')"
        )
    # Rebuilt every time: cheap (thousands of names) and it heals a table whose triggers a
    # table remake dropped while rows changed.
    cursor.execute(f'INSERT INTO "{fts}"("{fts}") VALUES (\'rebuild\')')
    triggers = {
        "insert": f'AFTER INSERT ON "{table}" BEGIN '
        f'INSERT INTO "{fts}"(rowid, "{column}") VALUES (new."id", new."{column}"); END',
        "delete": f'AFTER DELETE ON "{table}" BEGIN '
        f'INSERT INTO "{fts}"("{fts}", rowid, "{column}") '
        f'VALUES (\'delete\', old."id", old."{column}"); END',
        "update": f'AFTER UPDATE OF "{column}" ON "{table}" BEGIN '
        f'INSERT INTO "{fts}"("{fts}", rowid, "{column}") '
        f'VALUES (\'delete\', old."id", old."{column}"); '
        f'INSERT INTO "{fts}"(rowid, "{column}") VALUES (new."id", new."{column}"); END',
    }
    # One statement each: executescript would commit the migration's transaction.
    for event, body in triggers.items():
        cursor.execute(f'CREATE TRIGGER IF NOT EXISTS "{fts}_{event}" {body}')


def _ensure_postgresql(cursor: Any, index: TextIndex) -> None:
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    cursor.execute(
        f'CREATE INDEX IF NOT EXISTS "{index.pg_index}" ON "{index.table}" '
        f'USING gin (UPPER("{index.column}"::text) gin_trgm_ops)'
    )
