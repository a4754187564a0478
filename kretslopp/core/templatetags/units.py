"""Figures with units as every page shows them: one place, so kg, t, MWh and % read alike.

Other tag libraries (carbon, energy) register these same functions under their own names;
``{% load units %}`` gives them to any template directly.
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def tonnes(kg: float | None) -> str:
    """kg CO2e shown as tonnes with one decimal (what a forum reads), grouped by locale."""
    if kg is None:
        return "–"
    return floatformat(kg / 1000.0, "1g")


@register.filter
def kg(value: float | None) -> str:
    """kg with no decimals from 100 up, one below: the precision the sources carry."""
    if value is None:
        return "–"
    return floatformat(value, "0g" if abs(value) >= 100 else "1g")


@register.filter
def mwh(kwh: float | None) -> str:
    if kwh is None:
        return "–"
    return floatformat(kwh / 1000, "0g")


@register.filter
def percent(share: float | None) -> str:
    """0.42 → "42 %"; None → "–" (not recorded is not zero)."""
    if share is None:
        return "–"
    return floatformat(100 * share, "0") + " %"
