"""Money in öre and CO2e in grams, shown in SEK and kg in the page's number format."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

from kretslopp.procurement import explain

register = template.Library()


@register.filter
def sek(ore: object) -> str:
    """Whole öre as kronor with two decimals (9 593,15)."""
    if ore is None or ore == "":
        return "–"
    return floatformat(Decimal(int(ore)) / 100, "2g")


@register.filter
def kg(grams: object) -> str:
    """Whole grams as kilograms with up to three decimals (268,73)."""
    if grams is None or grams == "":
        return "–"
    return floatformat(Decimal(int(grams)) / 1000, "-3g")


@register.filter
def tonnes(grams: object) -> str:
    if grams is None or grams == "":
        return "–"
    return floatformat(Decimal(int(grams)) / 1_000_000, "2g")


@register.filter
def number(value: object, places: str = "-6") -> str:
    """A decimal string from the engine in the page's number format."""
    if value is None or value == "":
        return "–"
    return floatformat(Decimal(str(value)), f"{places}g")


@register.filter
def percent(fraction: object) -> str:
    if fraction is None or fraction == "":
        return "–"
    return floatformat(Decimal(str(fraction)) * 100, "-2g") + " %"


@register.filter
def reason(code: object) -> str:
    """An engine reason code in the page's language."""
    return explain.reason_text(code)


@register.filter
def evidence(values: object) -> str:
    """The evidence behind a judgement in words."""
    return explain.evidence_text(values)
