"""The one NinjaAPI instance, assembled from the routers each domain app contributes.

A domain app keeps its routes in ``kretslopp/<app>/api.py`` as ``router`` and is listed in
:data:`DOMAIN_ROUTERS`; the footprint summaries will join the same way. Everything common —
authentication, the error format, the offline docs — is set up here once.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path, re_path
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI

from kretslopp.api import errors
from kretslopp.api.auth import AUTH
from kretslopp.api.docs import OfflineSwagger, swagger_asset

# Mounted in this order at /api/v1/; each module exposes ``router`` (a ninja.Router).
DOMAIN_ROUTERS: list[str] = [
    "kretslopp.organisation.api.router",
    "kretslopp.inventory.api.router",
    "kretslopp.energy.api.router",
    "kretslopp.printing.api.router",
    "kretslopp.carbon.api.router",
    "kretslopp.circular.api.router",
    "kretslopp.imports.api.router",
    "kretslopp.procurement.api_follow_up.router",
    "kretslopp.procurement.api.router",
]

DESCRIPTION = """
Kretslopp's REST API: the organisation, the product catalogue and the assets with their
lifecycle.

**Authentication.** Send `Authorization: Bearer <token>` with a token made by
`kretslopp apitoken create USERNAME --name NAME --scope read [--scope write]`. A token acts
with exactly its owner's role and departments; the `read` scope allows GET, the `write`
scope POST and PATCH. A logged-in browser session works too (unsafe methods need the CSRF
token in `X-CSRFToken`).

**Errors** always look like
`{"error": {"code": "...", "message": "...", "details": [{"field": "...", "message": "..."}]}}`.
Records outside the caller's departments answer 404, like missing ones.

**Lists** are paged by cursor: follow `next` until it is null.
"""


class KretsloppAPI(NinjaAPI):
    """NinjaAPI plus Swagger UI's files and JSON 404s for unknown paths under /api/v1/."""

    def _get_urls(self) -> list[URLPattern | URLResolver]:
        urls = super()._get_urls()
        urls.insert(0, path("docs/assets/<str:name>", swagger_asset, name="docs-asset"))
        urls.append(re_path(r"^.+$", csrf_exempt(self._unknown_path), name="unknown"))
        return urls

    def _unknown_path(self, request: HttpRequest) -> HttpResponse:
        message = _("There is no such API path.")
        return errors.error_response(self, request, 404, "not_found", message)


def build_api() -> NinjaAPI:
    api = KretsloppAPI(
        title="Kretslopp API",
        version="1",
        description=DESCRIPTION,
        urls_namespace="api",
        auth=AUTH,
        docs=OfflineSwagger(),
    )
    errors.install(api)
    for dotted in DOMAIN_ROUTERS:
        api.add_router("", import_string(dotted))
    return api


api = build_api()
