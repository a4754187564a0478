"""The report's own section: methods and sources (every other section is a domain's)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kretslopp.footprint import ghg
from kretslopp.footprint.sources import sources


def methods(access: Any, year: int, department_id: int | None) -> dict[str, Any]:
    """Greenhouse-gas categories and the sources every figure rests on."""
    language = get_language()
    categories = [
        [
            c.text("short", language),
            c.text("label", language),
            _("yes") if c.in_inventory else _("no"),
        ]
        for c in ghg.CATEGORIES.values()
    ]
    known = sources()
    rows = [
        [source_id, s.title, s.publisher, str(s.year), s.licence] for source_id, s in known.items()
    ]
    return {
        "title": _("Methods and sources"),
        "paragraphs": [
            _(
                "Every CO2e figure is labelled with its GHG Protocol scope and category and the "
                "ISO 14064-1 category. The inventory view counts the embodied emissions of "
                "hardware in full in the year of purchase (scope 3 category 2, capital goods); "
                "the annualised view spreads them over each device's expected lifetime and is "
                "not an inventory figure. Avoided emissions from reuse are reported beside the "
                "inventory and never subtracted from it."
            ),
            _("The full methodology, with every formula, is in docs/methodology.md."),
        ],
        "tables": [
            {
                "caption": _("Greenhouse-gas categories"),
                "headers": [_("Category"), _("Definition"), _("In the inventory")],
                "rows": categories,
            },
            {
                "caption": _("Sources"),
                "headers": [_("Id"), _("Title"), _("Publisher"), _("Year"), _("Licence")],
                "rows": rows,
            },
        ],
    }
