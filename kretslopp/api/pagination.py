"""Cursor pagination: stable pages over lists that change while a client walks them.

An offset page shifts when a row is added or removed ahead of it; a cursor remembers the
last row's (sort key, pk) instead, so a walk sees every row that existed throughout exactly
once. The cursor is opaque to clients (base64 of JSON) and tied to the sort it was made for.

NULL sort keys come last in ascending order and first in descending order on every
database (PostgreSQL's own default), so SQLite and PostgreSQL page identically.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field

from kretslopp.api.errors import ApiError
from kretslopp.api.schema import ApiSchema

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


class PageQuery(ApiSchema):
    cursor: str | None = Field(None, max_length=500, description="The `next` of the last page.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")


@dataclass(frozen=True)
class Ordering:
    """A list's order: one sort field, its direction, then ascending pk to break ties."""

    field: str
    descending: bool = False

    @property
    def signature(self) -> str:
        return f"-{self.field}" if self.descending else self.field

    def order(self, queryset: QuerySet) -> QuerySet:
        key = F(self.field)
        key = key.desc(nulls_first=True) if self.descending else key.asc(nulls_last=True)
        return queryset.annotate(_sort_key=F(self.field)).order_by(key, "pk")

    def after(self, value: Any, pk: int) -> Q:
        """Rows strictly after the row with sort key ``value`` and ``pk`` in this ordering."""
        field = self.field
        same_then_pk = Q(**{field: value, "pk__gt": pk})
        if value is None:
            tail = Q(**{f"{field}__isnull": True, "pk__gt": pk})
            return tail | Q(**{f"{field}__isnull": False}) if self.descending else tail
        if self.descending:
            return Q(**{f"{field}__lt": value}) | same_then_pk
        return Q(**{f"{field}__gt": value}) | same_then_pk | Q(**{f"{field}__isnull": True})


@dataclass
class Page:
    items: list
    next: str | None


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def encode_cursor(ordering: Ordering, value: Any, pk: int) -> str:
    raw = json.dumps([ordering.signature, _plain(value), pk], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(ordering: Ordering, cursor: str) -> tuple[Any, int]:
    """The (sort key, pk) a cursor points after; a foreign or damaged cursor is a 400."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        signature, value, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        valid = (
            signature == ordering.signature
            and type(pk) is int
            and 0 < pk < 2**63
            and (value is None or isinstance(value, int | float | str))
            and "\x00" not in str(value)
        )
    except (ValueError, TypeError, binascii.Error):
        valid = False
    if not valid:
        raise _bad_cursor()
    return value, pk


def _bad_cursor() -> ApiError:
    message = _("The cursor is not valid for this list and sort; start again without it.")
    return ApiError(400, "bad_cursor", message, [("cursor", message)])


def paginate(request: HttpRequest, queryset: QuerySet, ordering: Ordering, page: PageQuery) -> Page:
    """One page of ``queryset`` in ``ordering`` after ``page.cursor``, with the next link."""
    rows = ordering.order(queryset)
    if page.cursor:
        value, pk = decode_cursor(ordering, page.cursor)
        try:
            rows = rows.filter(ordering.after(value, pk))
        except (DjangoValidationError, ValueError, TypeError) as damaged:  # "abc" for a date
            raise _bad_cursor() from damaged
    items = list(rows[: page.limit + 1])
    if len(items) <= page.limit:
        return Page(items=items, next=None)
    items = items[: page.limit]
    last = items[-1]
    query = request.GET.copy()
    query["cursor"] = encode_cursor(ordering, last._sort_key, last.pk)
    return Page(items=items, next=request.build_absolute_uri(f"{request.path}?{query.urlencode()}"))
