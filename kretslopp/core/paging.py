"""Long lists a page at a time, with the filters kept in the pager's links."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.functional import cached_property

#: Rows counted at most for a pager: beyond this the page says "more than".
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A paginator that stops counting at :data:`COUNT_CAP` rows.

    Counting every match of a broad filter in a register of a million assets reads every
    one of them, on every page view, to print a number nobody pages through: 10,000 rows
    are 200 pages. ``capped`` says the count stopped, so the page can say "more than".
    """

    def __init__(self, object_list: Any, per_page: int, cap: int = COUNT_CAP) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap
        self.capped = False

    @cached_property
    def count(self) -> int:
        if not hasattr(self.object_list, "query"):  # a plain list: its length is free
            return len(self.object_list)
        # Unordered: any cap + 1 rows answer "more than", so the database may stop early.
        counted = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)


def page_of(
    request: HttpRequest, items: Any, size: int, known_count: int | None = None
) -> tuple[Page, str]:
    """The page the request asks for, and the query string without ``page`` for the pager.

    The pager (``includes/pager.html``) appends ``page=N`` to that query string, so a
    filtered list stays filtered from page to page. ``known_count``: how many ``items``
    there are, when the caller knows it without counting (a remembered aggregate); the pager
    then shows it as it would the counted number, capped the same way.
    """
    paginator = CappedPaginator(items, size)
    if known_count is not None:
        paginator.capped = known_count > paginator.cap
        paginator.count = min(known_count, paginator.cap)  # type: ignore[misc]
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
