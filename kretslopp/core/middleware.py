"""Request-wide concerns: the content security policy, Swedish by default, the audit actor,
one reading of each data version per page."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from kretslopp.core import audit, memo


class ContentSecurityPolicyMiddleware:
    """Send the CSP header: everything from our own origin, no inline script or style."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class DefaultLanguageMiddleware:
    """Swedish unless the user chose otherwise: ignore the browser's Accept-Language.

    Django's LocaleMiddleware would follow the browser; a municipality's staff expect the
    Swedish interface, with English one click away (the language cookie).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class AuditActorMiddleware:
    """Attribute every audited write made while serving a request to its user, and file
    them under one batch for the request, so the audit log shows them as one save."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with (
            audit.acting_as(getattr(request, "user", None)),
            audit.batch(audit.new_batch("request")),
        ):
            return self.get_response(request)


class OneDataVersionReadingMiddleware:
    """Serve a read-only request (GET, HEAD) with one reading of each data version, however
    many panels ask for it (:func:`kretslopp.core.memo.one_reading_per_request`).

    Such a request may also be answered with the figures of just before a change while the
    new ones are computed elsewhere on the host (:func:`kretslopp.core.memo.earlier_answers`)
    — unless its reader has just written: a write's answer sets a short-lived cookie, and a
    reader carrying it always gets the current figures (one's own change shows at once).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = self.get_response(request)
            allowance = memo.stale_seconds()
            if allowance > 0 and response.status_code < 400:
                response.set_cookie(
                    WROTE_COOKIE,
                    "1",
                    max_age=int(allowance) + 1,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
            return response
        fresh_only = WROTE_COOKIE in request.COOKIES
        with memo.one_reading_per_request(), memo.earlier_answers(not fresh_only):
            return self.get_response(request)


#: Set on the answer to a write, for as long as an earlier figure may stand in for a new one.
WROTE_COOKIE = "kretslopp_wrote"
