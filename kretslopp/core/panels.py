"""Registered panels rendered into a composed page (see :class:`kretslopp.core.registry.Panel`).

The page that shows panels (the start page, a department page) knows nothing of the apps
that contribute them: it asks each panel of a store for its context and renders those that
have something to show for this reader.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from kretslopp.core.registry import Panel, Store


def rendered(
    store: Store[Panel], request: HttpRequest, access: Any, **subject: Any
) -> list[SafeString]:
    """The panels of ``store`` that have something for this reader, as HTML, in order."""
    parts: list[SafeString] = []
    for panel in store:
        context = panel.context(request, access, **subject)
        if context is not None:
            parts.append(render_to_string(panel.template, context, request))
    return parts
