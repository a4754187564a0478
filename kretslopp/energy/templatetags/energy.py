"""Number filters for the energy and printing pages: signed percentages, MWh, quality labels."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from kretslopp.core.templatetags import units
from kretslopp.energy.models import DataQuality

register = template.Library()
for _name, _filter in (("share", units.percent), ("mwh", units.mwh), ("tonnes", units.tonnes)):
    register.filter(_name, _filter)


@register.filter
def signed_percent(value: float | None, digits: int = 1) -> str:
    """−0.3 → "−30,0 %" (locale decimal mark, a real minus sign)."""
    if value is None:
        return "–"
    number = floatformat(abs(value) * 100, digits)
    sign = "−" if value < 0 else "+" if value > 0 else ""
    return f"{sign}{number} %"


@register.filter
def signed_amount(value: float | None) -> str:
    """−250000 → "−250 000": a change in the KPI's unit, with a real minus or plus sign."""
    if value is None:
        return "–"
    sign = "−" if value < 0 else "+" if value > 0 else ""
    return f"{sign}{units.kg(abs(value))}"


@register.filter
def stage_label(code: str) -> str:
    """A measure's stage as the target page names it (proposed, decided, done)."""
    from kretslopp.energy.assessment import STAGE_LABELS

    return str(STAGE_LABELS.get(code, code))


@register.filter
def part_percent(value: float | None) -> str:
    """0.039 → "3,9 %": a department's part of a whole, with a decimal so small parts show."""
    if value is None:
        return "–"
    return f"{floatformat(value * 100, 1)} %"


@register.filter
def quality(code: str) -> str:
    labels = dict(DataQuality.choices)
    return str(labels.get(code, code or _("unknown")))


@register.filter
def origin_list(origins: set[str]) -> str:
    from kretslopp.energy.models import Origin

    labels = dict(Origin.choices)
    return ", ".join(str(labels.get(o, o)) for o in sorted(origins)) or "–"


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key)


@register.filter
def scope_label(code: str) -> str:
    from kretslopp.energy.models import Scope

    return str(dict(Scope.choices).get(code, code))


@register.filter
def origin_label(code: str) -> str:
    from kretslopp.energy.models import Origin

    return str(dict(Origin.choices).get(code, code))


@register.filter
def source_label(source: str) -> str:
    """A ledger entry's source (``meters:3``, ``entries:1``, ``fleet:<factor set>``) in words."""
    from django.utils.translation import ngettext

    kind, _sep, value = source.partition(":")
    if kind == "meters":
        count = int(value or 0)
        return ngettext("%(count)s meter", "%(count)s meters", count) % {"count": count}
    if kind == "entries":
        count = int(value or 0)
        return ngettext("%(count)s entry by hand", "%(count)s entries by hand", count) % {
            "count": count
        }
    if kind == "fleet":
        return _("footprint engine, device fleet (factor set %(set)s)") % {"set": value}
    return source


@register.simple_tag
def chart_table(spec: dict) -> dict | None:
    """The values behind a chart as a table and a short summary (see ``charts.table_of``)."""
    from kretslopp.energy.charts import table_of

    return table_of(spec)


@register.simple_tag
def chart_locale() -> dict:
    """The number and date formats of the page's language, for charts drawn in the browser."""
    from django.utils.translation import get_language

    from kretslopp.energy.charts import chart_locale as locale_of

    return locale_of(get_language() or "sv")


@register.filter
def quality_short(code: str) -> str:
    """A data-quality level in a few words, written out so it never rests on colour alone."""
    labels = {"high": _("high quality"), "medium": _("medium quality"), "low": _("low quality")}
    return str(labels.get(code, code or _("unknown")))
