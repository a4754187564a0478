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
from django.utils.translation import get_language

from kretslopp.core.memo import Memo
from kretslopp.core.registry import Panel

#: Rendered HTML of the panels that name their version (see :class:`Panel`), by panel,
#: language and version: a few readers' reaches times a few languages (times the
#: departments, for department panels).
_rendered = Memo(size=256, name="core.panels")


def rendered_panels(
    panels: Iterable[Panel], request: HttpRequest, access: Any, **subject: Any
) -> list[SafeString]:
    """Each panel's HTML in order; a panel whose context is None has nothing for this reader
    and is left out rather than shown empty. The page's subject (``asset=…``) is in every
    panel's template context beside what the panel returned."""
    html: list[SafeString] = []
    for panel in panels:
        if panel.version is None:
            text = _render(panel, request, access, subject)
        else:
            # The panel's context function too: two panels may share a template (the home
            # page's footprint table and a department's).
            key = (
                panel.template,
                panel.context,
                get_language(),
                panel.version(request, access, **subject),
            )
            text = _rendered.get(key, lambda p=panel: _render(p, request, access, subject))
        if text is not None:
            html.append(text)
    return html


def _render(
    panel: Panel, request: HttpRequest, access: Any, subject: dict[str, Any]
) -> SafeString | None:
    """The panel's HTML, or None when it has nothing for this reader."""
    context = panel.context(request, access, **subject)
    if context is None:
        return None
    # Django's own template output, autoescaped: safe to place as it is.
    return mark_safe(render_to_string(panel.template, {**subject, **context}, request))  # noqa: S308
