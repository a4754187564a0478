"""Long lists a page at a time, with the filters kept in the pager's links."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def page_of(request: HttpRequest, items: Any, size: int) -> tuple[Page, str]:
    """The page the request asks for, and the query string without ``page`` for the pager.

    The pager (``includes/pager.html``) appends ``page=N`` to that query string, so a
    filtered list stays filtered from page to page.
    """
    page = Paginator(items, size).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
