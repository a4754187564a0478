"""The annual report's section on the IT estate's CO2e, by scope and category.

Registered in ``report_sections`` (apps.py); the reports app freezes what it returns.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kretslopp.carbon import services
from kretslopp.footprint import comparison, ghg
from kretslopp.footprint.taxonomy import CATEGORY_LABELS


def _range(figure, digits: int = 1) -> dict[str, float | int]:
    """A kg CO2e figure as tonnes with its range, for the report's cells."""
    return {
        "value": figure.value / 1000.0,
        "low": figure.low / 1000.0,
        "high": figure.high / 1000.0,
        "digits": digits,
    }


def footprint_section(access: Any, year: int, department_id: int | None) -> dict[str, Any] | None:
    """CO2e of the year in the inventory view, the annualised view beside it, and quality."""
    language = get_language()
    fleet = services.fleet_for(access, years=[year])
    if not fleet.assets:
        return None
    total = fleet.total(year=year)
    purchases = services.purchases_by_year(access, [year])[year]
    use, label = total.use, (lambda kind: ghg.category_for(kind).text("short", language))
    inventory = use.plus(purchases)
    choice = services.Choice.current()
    by_category = [
        [
            _(CATEGORY_LABELS[code]),
            _range(agg.embodied),
            _range(agg.use),
            _range(agg.total),
        ]
        for code, agg in fleet.by_category(year).items()
    ]
    quality = [
        [
            {
                "model": _("model-specific"),
                "category": _("category default"),
                "manual": _("entered by hand"),
            }.get(q, q),
            {"value": share * 100, "digits": 1},
        ]
        for q, share in total.quality_share.items()
    ]
    section: dict[str, Any] = {
        "title": _("CO2e of IT by scope and category"),
        "paragraphs": [
            _(
                "Factor set %(set)s, grid factor %(grid)s. The inventory view counts the "
                "embodied emissions of the devices bought in %(year)s in full; the annualised "
                "view spreads every device's embodied emissions over its expected lifetime."
            )
            % {"set": choice.factor_set, "grid": choice.grid, "year": year},
            _(
                "The use phase here is the devices' own estimate (manufacturers' yearly typical "
                "energy consumption per device); the IT energy section covers the whole IT "
                "energy ledger, with metered data centres, network and printing, so its "
                "figures are larger and the two do not disagree."
            ),
            _(
                "The treatment of discarded equipment (scope 3 category 5) is not estimated "
                "yet: it is left out rather than shown as zero."
            ),
        ],
        "figures": [
            {
                "label": _("Inventory total (scope 2 + scope 3 category 2), t CO2e"),
                **_range(inventory),
                "unit": "t CO2e",
                "ghg": "",
                "headline": True,
            },
            {
                "label": _("Use-phase electricity, t CO2e"),
                **_range(use),
                "unit": "t CO2e",
                "ghg": label("use"),
                "headline": True,
            },
            {
                "label": _("Purchased hardware, year of purchase, t CO2e"),
                **_range(purchases),
                "unit": "t CO2e",
                "ghg": label("embodied"),
                "headline": True,
            },
            {
                "label": _("Embodied emissions, annualised view, t CO2e"),
                **_range(total.embodied),
                "unit": "t CO2e",
                "ghg": _("annualised view, not an inventory figure"),
            },
            {
                "label": _("Use-phase electricity, MWh"),
                "value": total.energy.value / 1000.0,
                "low": total.energy.low / 1000.0,
                "high": total.energy.high / 1000.0,
                "unit": "MWh",
                "ghg": "",
            },
        ],
        "tables": [
            {
                "caption": _("CO2e by device category, annualised view, t CO2e (range)"),
                "headers": [_("Device category"), _("Embodied"), _("Use phase"), _("Total")],
                "rows": by_category,
                "ghg": _("embodied: %(embodied)s; use: %(use)s")
                % {"embodied": label("embodied"), "use": label("use")},
            },
            {
                "caption": _("Data quality: share of device-years"),
                "headers": [_("Figures from"), _("Share, per cent")],
                "rows": quality,
            },
        ],
        "sources": [choice.factor_set, choice.grid, *ghg.SOURCE_IDS],
    }
    comparison = _comparison_table(access, choice.factor_set)
    if comparison:
        section["tables"].append(comparison)
    return section


def _comparison_table(access: Any, factor_set: str) -> dict[str, Any] | None:
    """This fleet's devices costed with our defaults and with Boavizta/ADEME's figures."""
    counts = services.installed_base(access)
    rows = []
    for row in comparison.category_comparison(factor_set):
        n = counts.get(row.category, 0)
        if not n:
            continue
        rows.append(
            [
                _(CATEGORY_LABELS[row.category]),
                n,
                {"value": n * row.embodied_kg_co2e / 1000.0, "digits": 1},
                {"value": n * row.ademe_kg_co2e / 1000.0, "digits": 1}
                if row.ademe_kg_co2e
                else "–",
                {"value": n * row.kwh_per_year / 1000.0, "digits": 1},
                {"value": n * row.boavizta_kwh_per_year / 1000.0, "digits": 1}
                if row.boavizta_kwh_per_year
                else "–",
            ]
        )
    if not rows:
        return None
    return {
        "caption": _(
            "Devices in use or in stock, costed with our category defaults and with the "
            "Boavizta API's figures (ADEME embodied, archetype power in use 30 per cent of "
            "the time)"
        ),
        "headers": [
            _("Device category"),
            _("Devices"),
            _("Embodied, ours, t CO2e"),
            _("Embodied, ADEME, t CO2e"),
            _("Energy, ours, MWh/year"),
            _("Energy, Boavizta, MWh/year"),
        ],
        "rows": rows,
    }
