"""Figures of the KPI exchange as the pages write numbers (Swedish grouping, decimal comma)."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def figure(value: float | None) -> str:
    """Whole numbers from 100 up, one decimal from 10, two below: enough to rank by."""
    if value is None:
        return "–"
    size = abs(value)
    return floatformat(value, "0g" if size >= 100 else "1g" if size >= 10 else "2g")
