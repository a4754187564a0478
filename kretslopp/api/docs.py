"""Interactive API docs that work on a closed network and under our CSP.

Ninja's default docs page falls back to Swagger UI from a CDN unless ``ninja`` is an
installed app. We render our own page instead: Swagger UI's files come from the copy that
ships inside the ninja package (served by :func:`swagger_asset`), the settings travel as a
JSON data block, and a small static script of ours starts it: no inline script or style.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

NINJA_STATIC = Path(ninja.__file__).resolve().parent / "static" / "ninja"
# The only files served from ninja's package: nothing else there is reachable.
SWAGGER_ASSETS = frozenset({"swagger-ui-bundle.js", "swagger-ui.css", "favicon.svg"})
ASSET_MAX_AGE_SECONDS = 24 * 60 * 60


class OfflineSwagger(DocsBase):
    """Swagger UI from the ninja package, started by ``api/docs.js``."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
            "persistAuthorization": False,
        }
        context = {"api": api, "swagger_settings": settings, "namespace": api.urls_namespace}
        return render(request, "api/docs.html", context)


@require_safe
def swagger_asset(request: HttpRequest, name: str) -> FileResponse:
    """One of Swagger UI's files from the installed ninja package, cached for a day."""
    if name not in SWAGGER_ASSETS:
        raise Http404
    content_type, _encoding = mimetypes.guess_type(name)
    response = FileResponse((NINJA_STATIC / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = f"public, max-age={ASSET_MAX_AGE_SECONDS}"
    return response
