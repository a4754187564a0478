"""Figures of the KPI exchange as the pages write numbers (Swedish grouping, decimal comma)."""

from __future__ import annotations

import math

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def figure(value: float | None) -> str:
    """Whole numbers from 100 up, else three significant digits: enough to rank by, and a
    per-employee figure of a few grams never reads as 0."""
    if value is None:
        return "–"
    size = abs(value)
    if size >= 100 or size == 0:
        return floatformat(value, "0g")
    decimals = min(6, 2 - math.floor(math.log10(size)))
    return floatformat(value, f"{decimals}g")
