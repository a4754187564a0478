"""Rendering the panels other apps registered for a composed page (``core.registry``).

A page that others may add to (the home page, an asset, a product model, a department)
renders its own content and then these, in order, without importing the apps they come from.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from kretslopp.core.registry import Panel


def rendered_panels(
    panels: Iterable[Panel], request: HttpRequest, access: Any, **subject: Any
) -> list[SafeString]:
    """Each panel's HTML in order; a panel whose context is None has nothing for this reader
    and is left out rather than shown empty. The page's subject (``asset=…``) is in every
    panel's template context beside what the panel returned."""
    html: list[SafeString] = []
    for panel in panels:
        context = panel.context(request, access, **subject)
        if context is not None:
            # Django's own template output, autoescaped: safe to place as it is.
            html.append(
                mark_safe(render_to_string(panel.template, {**subject, **context}, request))
            )  # noqa: S308
    return html
