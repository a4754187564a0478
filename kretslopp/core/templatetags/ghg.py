"""The greenhouse-gas category of a CO2e figure, one way on every page and in the report.

``{% ghg_label "use" %}`` prints the short label (``Scope 2 · ISO 2``) in the page's language
inside a ``<span class="ghg">`` whose title gives the full GHG Protocol and ISO 14064-1
wording; the kinds are :data:`kretslopp.footprint.ghg.FIGURE_KINDS`.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from kretslopp.footprint import ghg

register = template.Library()


@register.simple_tag
def ghg_label(kind: str) -> SafeString:
    category = ghg.category_for(kind)
    language = get_language()
    return format_html(
        '<span class="ghg badge" title="{}">{}</span>',
        category.text("label", language),
        category.text("short", language),
    )


@register.simple_tag
def ghg_text(kind: str) -> str:
    """The full label as plain text (for a caption or an aria-label)."""
    return ghg.category_for(kind).text("label", get_language())
