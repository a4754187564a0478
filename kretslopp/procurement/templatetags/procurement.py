"""Money in öre and CO2e in grams, shown in SEK and kg in the page's number format."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import number_format

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
    """A decimal in the page's number format, without trailing zeros (1,5 not 1,5000)."""
    if value is None or value == "":
        return "–"
    digits = int(places.lstrip("-") or 0)
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    rounded = rounded.normalize() if rounded != rounded.to_integral() else rounded.quantize(1)
    return number_format(rounded, use_l10n=True, force_grouping=True)


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


@register.filter
def get(mapping: object, key: object) -> object:
    """``mapping[key]``, or the key itself where the mapping has none."""
    if isinstance(mapping, dict):
        return mapping.get(key, key)
    return key


@register.filter
def label_names(proofs: object) -> str:
    """Accepted labels (``scheme`` or ``scheme:tier``) by their names, or a dash."""
    if not proofs:
        return "–"
    return ", ".join(explain.label_name(proof) for proof in proofs)


@register.filter
def group_names(groups: object) -> str:
    """Product group codes by their names in the page's language."""
    from kretslopp.procurement.models import ProductGroup

    names = dict(ProductGroup.choices)
    return ", ".join(str(names.get(group, group)) for group in groups or ()) or "–"
