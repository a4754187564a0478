"""The Vega/Vega-Lite/Vega-Embed bundle that vl-convert ships, served from our own origin.

Nothing is fetched from a CDN (a municipality may run Kretslopp on a closed network). The
bundle takes seconds to build, so it is built once into ``var/vega/`` and then served as a
file; its URL carries the vl-convert and Vega-Lite versions, so browsers may cache it for a
year and still pick up an upgrade.
"""

from __future__ import annotations

import threading
from pathlib import Path

import vl_convert
from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.views.decorators.http import require_GET

from kretslopp.energy.charts import VL_VERSION

_lock = threading.Lock()


def bundle_version() -> str:
    return f"{getattr(vl_convert, '__version__', '0')}-vl{VL_VERSION}"


def bundle_path() -> Path:
    """The bundle on disk, built on first use (under a lock: concurrent first requests)."""
    path = Path(settings.VAR_DIR) / "vega" / f"vega-bundle-{bundle_version()}.js"
    if path.exists():
        return path
    with _lock:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".part")
            partial.write_text(vl_convert.javascript_bundle(vl_version=VL_VERSION), "utf-8")
            partial.replace(path)
    return path


@require_GET
def bundle(request: HttpRequest, version: str) -> FileResponse:
    if version != bundle_version():
        raise Http404
    response = FileResponse(bundle_path().open("rb"), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def chart_assets() -> dict[str, str]:
    """What a page with charts needs: the URL of the Vega bundle, versioned for caching."""
    return {"vega_bundle_url": reverse("energy:vega", args=[bundle_version()])}
