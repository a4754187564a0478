"""The report's own section: methods and sources (every other section is a domain's)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kretslopp.core.registry import registry
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
            _("yes") if c.estimated else c.text("note", language),
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
                "headers": [
                    _("Category"),
                    _("Definition"),
                    _("In the inventory"),
                    _("Estimated in this report"),
                ],
                "rows": categories,
            },
            {
                "caption": _("Sources"),
                "headers": [_("Id"), _("Title"), _("Publisher"), _("Year"), _("Licence")],
                "rows": rows,
            },
        ],
    }


#: Years of each KPI the report shows, ending with the report's year.
KPI_YEARS = 5


def kpis(access: Any, year: int, department_id: int | None) -> dict[str, Any] | None:
    """Every registered KPI (IT energy, its CO2e, pages printed …) over the last years.

    Read from the ``kpis`` store, so a domain's new KPI joins the report without a change
    here; a CO2e KPI carries its greenhouse-gas category.
    """
    language = get_language()
    years = list(range(year - KPI_YEARS + 1, year + 1))
    memo: dict = {}
    rows = []
    for entry in registry.kpis:
        actuals = entry.actuals(access, department_id, memo)
        if not any(actuals.values.get(y) for y in years):
            continue
        category = ghg.category_for(entry.ghg).text("short", language) if entry.ghg else "–"
        values = [actuals.values.get(y) for y in years]
        rows.append([str(entry.label), str(entry.unit), category, *values])
    if not rows:
        return None
    return {
        "title": _("Key figures over the years"),
        "paragraphs": [
            _(
                "Each key figure as its own page computes it; printing's pages come from the "
                "imported print logs (complete years only)."
            )
        ],
        "tables": [
            {
                "caption": _("Key figures by year"),
                "headers": [_("Key figure"), _("Unit"), _("Greenhouse-gas category")]
                + [str(y) for y in years],
                "rows": rows,
            }
        ],
    }
