"""Pulling assets from a Snipe-IT server's REST API into the same import pipeline as files.

``GET /api/v1/hardware?limit=500&offset=N`` with the API token as a Bearer token returns
``{"total": T, "rows": [...]}``; we page until ``offset`` reaches ``total``. Each hardware
record is flattened into the canonical asset fields (the same names a file's columns are
mapped to), so validation, scoping, idempotency and the report are exactly those of a file
import. The HTTP call is a plain function that tests replace with recorded responses.

Snipe-IT escapes text as HTML in its API (``&amp;``); values are unescaped. A status label
we cannot map by name falls back to its Snipe-IT *type* (``status_meta``), except
"archived", which says nothing about what happened to the device: that needs a value map.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

from kretslopp.tabular import Row, strip_html

Fetch = Callable[[str, dict[str, str]], bytes]
PAGE_SIZE = 500
TIMEOUT_SECONDS = 60

#: The columns a Snipe-IT record becomes; they are the asset import's own field names.
FIELDS: tuple[str, ...] = (
    "asset_tag", "serial_number", "manufacturer", "model_name", "model_number", "category",
    "department", "location", "assignee", "purchase_date", "purchase_price_sek", "supplier",
    "order_number", "status", "warranty_end", "planned_end_of_life", "notes",
)  # fmt: skip
STATUS_META = {
    "deployed": "in_use",
    "deployable": "in_stock",
    "pending": "in_stock",
    "undeployable": "returned",
}


class SnipeITError(Exception):
    """The server could not be reached, refused the token, or answered nonsense."""


def urllib_fetch(url: str, headers: dict[str, str]) -> bytes:
    """GET ``url`` with ``headers``; raises :class:`SnipeITError` with a readable reason."""
    if not url.lower().startswith(("https://", "http://")):
        raise SnipeITError(f"not an http(s) URL: {url}")
    request = urllib.request.Request(url, headers=headers, method="GET")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.read()
    except urllib.error.HTTPError as exc:
        raise SnipeITError(f"the server answered {exc.code} {exc.reason} for {url}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SnipeITError(f"could not reach {url}: {reason}") from None


def _name(record: dict[str, Any], key: str, attribute: str = "name") -> str:
    value = record.get(key)
    if isinstance(value, dict):
        value = value.get(attribute)
    return _text(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return strip_html(str(value))


def convert(record: dict[str, Any], status_known: Callable[[str], bool]) -> tuple[str, ...]:
    """One hardware record as cell texts in :data:`FIELDS` order."""
    assigned = record.get("assigned_to")
    assignee = ""
    if isinstance(assigned, dict) and assigned.get("type", "user") == "user":
        assignee = _text(assigned.get("username"))
    status = _name(record, "status_label")
    if status and not status_known(status):
        meta = (record.get("status_label") or {}).get("status_meta", "")
        status = STATUS_META.get(str(meta), status)
    values = {
        "asset_tag": _text(record.get("asset_tag")),
        "serial_number": _text(record.get("serial")),
        "manufacturer": _name(record, "manufacturer"),
        "model_name": _name(record, "model"),
        "model_number": _text(record.get("model_number")),
        "category": _name(record, "category"),
        "department": _name(record, "company"),
        "location": _name(record, "location"),
        "assignee": assignee,
        "purchase_date": _name(record, "purchase_date", "date"),
        "purchase_price_sek": _text(record.get("purchase_cost")),
        "supplier": _name(record, "supplier"),
        "order_number": _text(record.get("order_number")),
        "status": status,
        "warranty_end": _name(record, "warranty_expires", "date"),
        "planned_end_of_life": _name(record, "asset_eol_date", "date"),
        "notes": _text(record.get("notes")),
    }
    return tuple(values[name] for name in FIELDS)


class SnipeITSource:
    """A :class:`~kretslopp.imports.pipeline.RowSource` reading a Snipe-IT server page by page.

    Row numbers count records in the server's listing (the first asset is row 1), and the
    "file" in problems is the API address, so a problem still says where to look.
    """

    headers = list(FIELDS)

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        fetch: Fetch = urllib_fetch,
        page_size: int = PAGE_SIZE,
        status_known: Callable[[str], bool] = lambda name: False,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token.strip()
        self.fetch = fetch
        self.page_size = max(1, min(page_size, PAGE_SIZE))
        self.status_known = status_known
        self.file_name = f"{self.base_url}/api/v1/hardware"
        self.total: int | None = None

    def page(self, offset: int) -> dict[str, Any]:
        query = urlencode({"limit": self.page_size, "offset": offset, "sort": "id", "order": "asc"})
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/json",
            "Content-Type": "application/json",
        }
        body = self.fetch(f"{self.file_name}?{query}", headers)
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise SnipeITError(f"{self.file_name} did not answer with JSON") from None
        if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
            message = data.get("messages") if isinstance(data, dict) else None
            raise SnipeITError(f"{self.file_name} answered without asset rows: {message or data}")
        return data

    def first_page(self) -> dict[str, Any]:
        """Read the first page (to fail early on a bad URL or token, and learn the total)."""
        data = self.page(0)
        self.total = int(data.get("total") or 0)
        self._first = data
        return data

    def rows(self) -> Iterator[Row]:
        data = getattr(self, "_first", None) or self.first_page()
        offset = 0
        while True:
            records = data["rows"]
            for index, record in enumerate(records):
                yield Row(offset + index + 1, convert(record, self.status_known))
            offset += len(records)
            total = int(data.get("total") or 0)
            if not records or offset >= total:
                return
            data = self.page(offset)
