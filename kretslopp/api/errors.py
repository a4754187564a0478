"""One error format for every failure the API can answer with.

``{"error": {"code": "...", "message": "...", "details": [{"field": ..., "message": ...}]}}``
for 400, 401, 403, 404, 409, 422 and 500 alike, so a client needs one parser. A server
error is logged with its traceback and answered without one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kretslopp.api.auth import ScopeMissing
from kretslopp.core.refusal import Refused
from kretslopp.core.uploads import too_large_message

logger = logging.getLogger(__name__)


class ErrorDetail(Schema):
    field: str | None = None
    message: str


class ErrorBody(Schema):
    code: str
    message: str
    details: list[ErrorDetail] = []


class ErrorResponse(Schema):
    error: ErrorBody


class ApiError(Exception):
    """A refusal a route raises on purpose, with its status, code and field details."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Sequence[tuple[str | None, str]] = (),
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = list(details)


def responses(*statuses: int) -> dict[int, type[ErrorResponse]]:
    """The error responses a route documents in OpenAPI, e.g. ``responses(401, 403, 404)``."""
    return dict.fromkeys(statuses, ErrorResponse)


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    details: Iterable[tuple[str | None, str]] = (),
) -> HttpResponse:
    body = {
        "error": {
            "code": code,
            "message": message,
            "details": [{"field": field, "message": text} for field, text in details],
        }
    }
    return api.create_response(request, body, status=status)


def _field_of(location: Sequence[Any]) -> str | None:
    """The field a pydantic location names: ``("body", "payload", "asset_tag")`` → ``asset_tag``."""
    parts = [str(part) for part in location[1:]]
    if location and location[0] == "body" and len(parts) > 1:
        parts = parts[1:]  # drop the body parameter's own name
    return ".".join(parts) or None


def _code_for(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


def install(api: NinjaAPI) -> None:
    """Register a handler for every exception a route or ninja itself can raise."""

    def handle(exc_class: type[Exception]) -> Callable:
        def register(handler: Callable) -> Callable:
            api.add_exception_handler(exc_class, handler)
            return handler

        return register

    @handle(ValidationError)
    def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        refused = getattr(request, "refused_uploads", None)  # see kretslopp.core.uploads
        if refused:
            details = [
                (field, too_large_message(upload.name, upload.limit_bytes))
                for field, upload in refused.items()
            ]
            return error_response(api, request, 413, "file_too_large", details[0][1], details)
        details = [(_field_of(error.get("loc", ())), error.get("msg", "")) for error in exc.errors]
        return error_response(api, request, 422, "invalid", _("The input is not valid."), details)

    @handle(ApiError)
    def refused(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(api, request, exc.status, exc.code, exc.message, exc.details)

    @handle(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = _("A valid API token (Authorization: Bearer …) or a login is needed.")
        response = error_response(api, request, 401, "unauthorized", message)
        response["WWW-Authenticate"] = 'Bearer realm="kretslopp"'
        return response

    @handle(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return error_response(api, request, exc.status_code, _code_for(exc.status_code), str(exc))

    @handle(RequestDataTooBig)
    def body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        message = _("The request is larger than this address accepts.")
        return error_response(api, request, 413, "too_large", message)

    @handle(ScopeMissing)
    def scope_missing(request: HttpRequest, exc: ScopeMissing) -> HttpResponse:
        message = _("This token lacks the '%(scope)s' scope.") % {"scope": exc.scope}
        return error_response(api, request, 403, "scope_missing", message)

    @handle(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = _("Your role does not allow this here.")
        return error_response(api, request, 403, "forbidden", message)

    @handle(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, 404, "not_found", _("No such record."))

    @handle(Refused)
    def rule_refused(request: HttpRequest, exc: Refused) -> HttpResponse:
        reason = exc.explain(_)
        details = [(exc.field, reason)] if exc.field else []
        return error_response(api, request, 409, exc.code, reason, details)

    @handle(DjangoValidationError)
    def model_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        details = (
            [
                (None if field == "__all__" else field, message)
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
            if hasattr(exc, "error_dict")
            else [(None, message) for message in exc.messages]
        )
        return error_response(api, request, 422, "invalid", _("The input is not valid."), details)

    @handle(IntegrityError)
    def conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        # A unique value taken by a concurrent write between validation and save.
        logger.warning("API write conflict: %s", exc)
        message = _("The change conflicts with another record; nothing was saved.")
        return error_response(api, request, 409, "conflict", message)

    @handle(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API server error on %s %s", request.method, request.path)
        message = _("Something went wrong on our side; the error has been logged.")
        return error_response(api, request, 500, "server_error", message)
