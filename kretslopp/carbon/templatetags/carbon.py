"""Formatting for figures with units, and links from a figure to where it comes from."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from kretslopp.carbon import services, texts
from kretslopp.core.templatetags import units

register = template.Library()


for _name, _filter in (("tonnes", units.tonnes), ("kg", units.kg), ("percent", units.percent)):
    register.filter(_name, _filter)


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
    quality = (figures.energy if which == "energy" else figures.embodied).data_quality
    if quality == "model":
        return "source-boavizta-pcf"
    if quality == "manual":
        return "manual"
    return f"fs-{figures.factor_set}-{figures.category}"


@register.filter
def data_text(item, field: str) -> str:
    """A footprint data text in the page's language: ``{{ grid|data_text:"label" }}``."""
    return texts.data_text(item, field)


@register.simple_tag
def grid_note(grid_id: str, year: int) -> str:
    """The note on ``grid_id``'s factor for ``year``, in the page's language."""
    return texts.grid_note(grid_id, year)


@register.filter
def match_reason(resolution) -> str:
    """Why a model's PCF sheet is used or not, in the page's language."""
    return texts.match_reason(resolution)


@register.filter
def match_status(status: str) -> str:
    """A match status named in the page's language."""
    return texts.match_status(status)


@register.simple_tag
def hand_entered(product_model):
    """``{% hand_entered model as entry %}``: the model's hand-entered figures, or None."""
    return services.hand_entered(product_model)


@register.inclusion_tag("carbon/hand_entered_source.html")
def hand_entered_source(entry, figure: str) -> dict:
    """The source note of a hand-entered figure, beside it; nothing when ``figure``
    (``embodied_kg_co2e``, ``kwh_per_year``, ``lifetime_years``) was not entered by hand."""
    entered = entry is not None and getattr(entry, figure, None) is not None
    return {"entry": entry if entered else None}
