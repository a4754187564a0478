"""The error pages: in the site's layout and language, saying what happened and what to do.

400, 403, 404 and a refused form (CSRF) render through the normal layout, so a logged-in
user keeps the navigation and can carry on. The 500 page is rendered without the request's
context processors and without a single query: it must show even when the database is the
thing that failed.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

logger = logging.getLogger(__name__)


def _page(request: HttpRequest, template: str, status: int) -> HttpResponse:
    return render(request, template, {"status_code": status}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "404.html", 404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid security token: nothing was saved; say how to send it again."""
    return _page(request, "403_csrf.html", 403)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page from a plain context: no user, no navigation, no database."""
    try:
        html = loader.get_template("500.html").render({})
    except Exception:  # the page about a failure must not fail itself
        logger.exception("The 500 page could not be rendered")
        html = "<!doctype html><title>500</title><h1>Server error</h1>"
    return HttpResponseServerError(html)
