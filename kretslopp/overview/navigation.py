"""The main menu, built from what the apps registered and what the user may do.

An entry whose URL does not resolve is left out, so a capability appears in the menu the
day its app is installed and never as a placeholder page.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from kretslopp.core.registry import registry
from kretslopp.organisation.access import access_for


def navigation(request: HttpRequest) -> dict:
    """Template context processor: ``navigation`` (the menu) and ``access`` (the reader's).

    Built once per request: a composed page renders each of its panels with the request,
    and so runs the context processors again for every panel.
    """
    built = getattr(request, "_kretslopp_navigation", None)
    if built is None:
        built = request._kretslopp_navigation = _navigation(request)  # type: ignore[attr-defined]
    return built


def _navigation(request: HttpRequest) -> dict:
    access = access_for(getattr(request, "user", None))
    items = []
    for entry in registry.navigation:
        if not entry.allowed(access):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        items.append(
            {
                "url": url,
                "label": entry.label,
                "active": request.path.startswith(url) and (url != "/" or request.path == "/"),
            }
        )
    return {"navigation": items, "access": access}
