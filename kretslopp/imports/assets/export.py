"""The asset list as CSV or XLSX: exactly the rows the list shows, in our own import format.

The columns are the ones :mod:`kretslopp.tabular.mapping` recognises as our own profile, so
an export imported again changes nothing. Rows are read with ``iterator()`` and written as
they come: CSV is streamed to the browser in chunks, XLSX is spooled to a temporary file
(a workbook is a ZIP, finished only at its end) and then streamed from there.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from django.db.models import QuerySet
from django.utils.translation import get_language, gettext

from kretslopp.core import bulk
from kretslopp.inventory import lifecycle
from kretslopp.inventory.models import ProductCategory
from kretslopp.tabular import write_csv, write_xlsx

CHUNK = 2_000
#: field → (English header, Swedish header); both are our own profile's aliases.
HEADERS: dict[str, tuple[str, str]] = {
    "asset_tag": ("Asset tag", "Inventarienummer"),
    "serial_number": ("Serial number", "Serienummer"),
    "manufacturer": ("Manufacturer", "Tillverkare"),
    "model_name": ("Model", "Modell"),
    "model_number": ("Model number", "Modellnummer"),
    "category": ("Category", "Kategori"),
    "department": ("Department", "Förvaltning"),
    "cost_centre": ("Cost centre", "Kostnadsställe"),
    "location": ("Location", "Plats"),
    "assignee": ("Assignee", "Användare"),
    "purchase_date": ("Purchase date", "Inköpsdatum"),
    "delivery_date": ("Delivery date", "Leveransdatum"),
    "in_use_date": ("In use since", "I bruk sedan"),
    "purchase_price_sek": ("Purchase price (SEK)", "Inköpspris (kr)"),
    "supplier": ("Supplier", "Leverantör"),
    "order_number": ("Order number", "Ordernummer"),
    "warranty_end": ("Warranty end", "Garanti till"),
    "planned_end_of_life": ("Planned end of life", "Planerat livsslut"),
    "has_storage": ("Has storage", "Har lagring"),
    "status": ("Status", "Status"),
    "notes": ("Notes", "Anteckningar"),
}
_COLUMNS = (
    "asset_tag", "serial_number", "model__manufacturer__name", "model__name",
    "model__model_number", "model__category", "department__name", "cost_centre__code",
    "location__name",
    "assignee__identifier", "purchase_date", "delivery_date", "in_use_date",
    "purchase_price_sek", "supplier", "order_number", "warranty_end", "planned_end_of_life",
    "has_storage", "status", "notes",
)  # fmt: skip
_CATEGORY = list(HEADERS).index("category")
_STATUS = list(HEADERS).index("status")


def headers(swedish: bool | None = None) -> list[str]:
    """The header row: Swedish when the interface is Swedish (or when asked)."""
    if swedish is None:
        swedish = (get_language() or "sv").startswith("sv")
    return [names[1] if swedish else names[0] for names in HEADERS.values()]


def rows(assets: QuerySet) -> Iterator[list[Any]]:
    """One list of cells per asset, labels in the active language, None for empty."""
    categories = {code: str(label) for code, label in ProductCategory.choices}
    statuses = {code: gettext(label) for code, label in lifecycle.STATUS_LABELS.items()}
    for values in assets.values_list(*_COLUMNS).iterator(chunk_size=CHUNK):
        cells = list(values)
        cells[_CATEGORY] = categories.get(cells[_CATEGORY], cells[_CATEGORY])
        cells[_STATUS] = statuses.get(cells[_STATUS], cells[_STATUS])
        yield cells


def csv_stream(
    header: Sequence[str], cells: Iterable[Sequence[Any]], dialect: str
) -> Iterator[bytes]:
    """CSV bytes in chunks: ``write_csv`` per chunk of rows, the header only once."""
    prefix = io.BytesIO()
    write_csv(prefix, header, [], dialect=dialect)  # type: ignore[arg-type]
    head = prefix.getvalue()
    yield head
    for batch in bulk.batched(cells, CHUNK):
        buffer = io.BytesIO()
        write_csv(buffer, header, batch, dialect=dialect)  # type: ignore[arg-type]
        yield buffer.getvalue()[len(head) :]


def xlsx_file(header: Sequence[str], cells: Iterable[Sequence[Any]]) -> IO[bytes]:
    """A temporary file holding the workbook, positioned at its start."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    write_xlsx(handle, header, cells, sheet_name="Assets")
    handle.seek(0)
    return handle
