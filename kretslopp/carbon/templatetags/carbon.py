"""Formatting for figures with units, and links from a figure to where it comes from."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def tonnes(kg: float | None) -> str:
    """kg CO2e shown as tonnes with one decimal (what a forum reads), grouped by locale."""
    if kg is None:
        return "–"
    return floatformat(kg / 1000.0, "1g")


@register.filter
def kg(value: float | None) -> str:
    if value is None:
        return "–"
    return floatformat(value, "0g" if abs(value) >= 100 else "1g")


@register.filter
def percent(share: float | None) -> str:
    if share is None:
        return "–"
    return floatformat(100 * share, "0") + " %"


@register.filter
def quality_label(code: str) -> str:
    return {
        "model": _("model-specific"),
        "category": _("category default"),
        "manual": _("entered by hand"),
    }.get(code, code)


@register.filter
def quality_short(code: str) -> str:
    """A one-word data-quality label for table cells."""
    return {"model": _("model"), "category": _("category"), "manual": _("manual")}.get(code, code)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def figure_anchor(figures, which: str) -> str:
    """The methodology anchor a figure's number links to: its factor-set row or its sheet."""
    quality = figures.data_quality if which != "energy" else figures.energy_quality
    if quality == "model":
        return "source-boavizta-pcf"
    if quality == "manual":
        return "manual"
    return f"fs-{figures.factor_set}-{figures.category}"
