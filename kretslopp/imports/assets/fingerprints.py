"""Recognising re-imported rows that cannot change anything, before parsing a cell of them.

Most rows of a monthly re-import are exactly the rows of last month's file, onto assets
nobody has touched since. For such a row, full validation (cleaning, lookups, dates,
prices, the lifecycle) is certain to end in "unchanged"; it only costs time. So when an
import commits, every row it accepted without any problem leaves an
:class:`~kretslopp.imports.models.ImportFingerprint`: a digest of the row's mapped cells
and the asset's ``updated_at`` as the import left it.

The digest is a BLAKE2b hash *keyed* by what else decides how cells are read: the mapped
fields in column order, the mapping's defaults, whether new models may be created, and the
reference data the mapped cells are resolved through (departments, the catalogue,
locations, people, value maps). Change any of those and every old fingerprint stops
matching, so the rows take the normal way once more — correct, just not fast. Python's
``hash()`` would not do: it is salted per process.

What the fingerprint cannot know is checked per row on the fast path as well: the importing
user may edit the asset's department, the row's tag, asset and serial number occur once in
the file, and the serial number still belongs to this asset.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connection

from kretslopp.core.bulk import BulkInserter
from kretslopp.imports.assets.lookups import Lookups, _rows, _undeclared
from kretslopp.imports.models import CODE_KINDS, ImportFingerprint, ValueMap
from kretslopp.tabular.mapping import ColumnMapping

#: Bump when the way cells are parsed or resolved changes, so old fingerprints stop matching.
#: 2: text that looks like HTML is kept as written (Snipe-IT's exports alone are decoded).
VERSION = 2

# Which loaded reference data a mapped field is resolved through.
_REFERENCE: dict[str, tuple[str, ...]] = {
    "manufacturer": ("manufacturers", "models", "models_by_number", "model_category"),
    "model_name": ("manufacturers", "models", "models_by_number", "model_category"),
    "model_number": ("models_by_number",),
    "category": ("model_category",),
    "department": ("departments_by_code", "departments_by_name", "department_maps"),
    "cost_centre": ("cost_centres",),
    "location": ("locations", "location_maps"),
    "assignee": ("people",),
}


def run_key(names: Sequence[str], mapping: ColumnMapping, options: Any, lookups: Lookups) -> bytes:
    """The hash key of this run: equal only when every cell would be read the same way."""
    hasher = hashlib.blake2b(digest_size=32)
    hasher.update(repr((VERSION, tuple(names), sorted(mapping.defaults.items()))).encode())
    hasher.update(repr(mapping.profile == "snipeit").encode())  # its cells are decoded
    hasher.update(repr((bool(options.allow_new_models), settings.LANGUAGES)).encode())
    tables = sorted({table for name in names for table in _REFERENCE.get(name, ())})
    for table in tables:
        hasher.update(table.encode())
        hasher.update(repr(sorted(getattr(lookups, table).items())).encode())
    if "category" in names or "status" in names:
        maps = (
            ValueMap.objects.filter(kind__in=CODE_KINDS)
            .order_by("kind", "key")
            .values_list("kind", "key", "code")
        )
        hasher.update(repr(list(maps)).encode())
    return hasher.digest()


def digest(key: bytes, cells: tuple[str, ...]) -> str:
    """The row's fingerprint: ``repr`` of the cells is unambiguous (no separator to escape)."""
    data = repr(cells).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16, key=key).hexdigest()


def load() -> dict[int, tuple[str, Any]]:
    """asset id → (digest, the asset's ``updated_at`` when the digest was recorded)."""
    queryset, columns = _undeclared(
        ImportFingerprint.objects.order_by(), ("asset_id", "digest", "asset_updated_at")
    )
    return {asset_id: (found, at) for asset_id, found, at in _rows(queryset, columns)}


def store(rows: Sequence[tuple[int, str, Any]], replacing: Sequence[int]) -> None:
    """Record ``(asset id, digest, updated_at)`` rows, dropping the old ones of ``replacing``."""
    table = connection.ops.quote_name(ImportFingerprint._meta.db_table)
    step = min(connection.features.max_query_params or 900, 900)
    with connection.cursor() as cursor:
        for start in range(0, len(replacing), step):
            chunk = list(replacing[start : start + step])
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {table} WHERE asset_id IN ({marks})", chunk)  # noqa: S608
    add(rows)


def add(rows: Sequence[tuple[int, str, Any]]) -> None:
    """Record ``(asset id, digest, updated_at)`` rows of assets that have none yet.

    Inserted column by column (:meth:`BulkInserter.insert_columns`): the time stamp, the
    same for nearly every row, is then adapted once rather than once per row.
    """
    if rows:
        inserter().insert_columns(list(zip(*rows, strict=True)))


def inserter() -> BulkInserter:
    """The bulk inserter of fingerprint rows ``(asset id, digest, updated_at)``."""
    return BulkInserter(ImportFingerprint, ("asset_id", "digest", "asset_updated_at"))
