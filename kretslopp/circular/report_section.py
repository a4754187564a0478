"""The annual report's section on take-back campaigns and the emissions their reuse avoided.

Registered in ``report_sections`` (apps.py). Avoided emissions are a line of their own,
beside the inventory and never subtracted from it (docs/methodology.md §8 and §12).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kretslopp.circular.figures import figures_for
from kretslopp.circular.models import Campaign, CampaignItem
from kretslopp.footprint import ghg


def _tonnes(figure) -> dict[str, float | int]:
    return {
        "value": figure.value / 1000.0,
        "low": figure.low / 1000.0,
        "high": figure.high / 1000.0,
        "digits": 1,
    }


def takeback_section(access: Any, year: int, department_id: int | None) -> dict[str, Any] | None:
    """Campaigns that ran in ``year`` (in the reader's departments), with avoided CO2e."""
    campaigns = Campaign.objects.filter(
        Q(starts_on__year__lte=year) & Q(ends_on__year__gte=year)
    ).order_by("starts_on", "pk")
    items = access.scope(CampaignItem.objects.filter(campaign__in=campaigns))
    if not items.exists():
        return {
            "title": _("Take-back and avoided emissions"),
            "paragraphs": [
                _(
                    "No take-back campaign collected devices in %(year)s. A campaign is "
                    "planned and followed on the take-back page."
                )
                % {"year": year}
            ],
        }
    label = ghg.category_for("avoided").text("short", get_language())
    rows = []
    for campaign in campaigns:
        figures = figures_for(items.filter(campaign=campaign))
        if not figures.products:
            continue
        share = figures.reuse_share
        rows.append(
            [
                campaign.name,
                f"{campaign.starts_on:%Y-%m-%d} – {campaign.ends_on:%Y-%m-%d}",
                figures.products,
                {"value": share * 100, "digits": 1} if share is not None else "–",
                _tonnes(figures.avoided.total),
            ]
        )
    whole = figures_for(items)
    return {
        "title": _("Take-back and avoided emissions"),
        "paragraphs": [
            _(
                "Avoided emissions with the factor set %(set)s, allocation: %(allocation)s. "
                "They are reported beside the inventory and never subtracted from it."
            )
            % {"set": whole.choice.avoided_set, "allocation": whole.allocation_label},
        ],
        "figures": [
            {
                "label": _("Products handed in"),
                "value": whole.products,
                "digits": 0,
                "unit": _("products"),
                "ghg": "",
                "headline": True,
            },
            {
                "label": _("Avoided emissions from reuse, t CO2e"),
                **_tonnes(whole.avoided.total),
                "unit": "t CO2e",
                "ghg": label,
                "headline": True,
            },
        ],
        "tables": [
            {
                "caption": _("Take-back campaigns"),
                "headers": [
                    _("Campaign"),
                    _("Period"),
                    _("Products"),
                    _("Reuse, per cent"),
                    _("Avoided, t CO2e (range)"),
                ],
                "rows": rows,
                "ghg": label,
            }
        ],
        "sources": [whole.choice.avoided_set, *whole.avoided.total.source_ids],
    }
