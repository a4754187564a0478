"""The asset list as a table: exactly the rows the list shows, in our own import format.

The columns are the ones :mod:`kretslopp.imports.assets.columns` recognises as our own profile, so
an export imported again changes nothing. Rows are read with ``iterator()`` as they are
written (:mod:`kretslopp.core.downloads` turns them into CSV or XLSX).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import get_language, gettext

from kretslopp.inventory import lifecycle
from kretslopp.inventory.models import ProductCategory

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
