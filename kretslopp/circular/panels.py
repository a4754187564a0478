"""What take-back shows on the start page: devices due for replacement or return, and the
take-back headline with its avoided emissions.

Registered in :meth:`kretslopp.circular.apps.CircularConfig.ready`; the overview reads them
from the registry. The devices-due counts live here rather than in the inventory because the
"not returned" rule uses the organisation's number of days, a take-back setting.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from kretslopp.carbon.services import Choice
from kretslopp.circular.figures import figures_for
from kretslopp.circular.models import Campaign, CampaignItem, TakebackSettings
from kretslopp.inventory import due
from kretslopp.inventory.filters import AssetFilter
from kretslopp.organisation.access import Access, Action


def due_link(kind: str, days: int) -> str:
    """The asset list filtered to the devices one count counts (same rule, same days)."""
    query = {"due": kind}
    if kind == due.NOT_RETURNED:
        query["days"] = str(days)
    return f"{reverse('inventory:assets')}?{urlencode(query)}"


def devices_due(request: HttpRequest, access: Access) -> dict[str, Any] | None:
    """The four "devices due" counts of the reader's departments, each linked to its list."""
    if not access.can(Action.VIEW):
        return None
    days = TakebackSettings.days()
    found = due.due_counts(access, timezone.localdate(), days)
    rows = [
        {
            "kind": kind,
            "label": AssetFilter(due=kind, days=days).due_label(),
            "count": found.counts[kind],
            "url": due_link(kind, days),
        }
        for kind in due.KINDS
    ]
    return {"due_rows": rows, "days": days, "soon_months": due.SOON_MONTHS}


def takeback_version(request: HttpRequest, access: Access) -> tuple:
    """What the take-back panel's HTML depends on (see :class:`kretslopp.core.registry.Panel`):
    the reader's reach, the year, the method, and the campaigns and their items. A result
    reported on an item is an audited write, so the audit trail's latest entry covers it."""
    from kretslopp.core.memo import data_version
    from kretslopp.core.models import AuditEntry

    return (
        access.department_ids,
        access.partner_id,
        access.may_read_takeback(),
        timezone.localdate().year,
        Choice.current(),
        data_version(
            (Campaign, "COUNT", "*"),
            (Campaign, "MAX", "updated_at"),
            (CampaignItem, "COUNT", "*"),
            (CampaignItem, "MAX", "reported_at"),
            (AuditEntry, "MAX", "id"),
        ),
    )


def takeback(request: HttpRequest, access: Access) -> dict[str, Any] | None:
    """This year's take-back in the reader's scope: collected, reused, CO2e avoided.

    Avoided emissions are shown beside the footprint, never subtracted from it (they happen
    in someone else's inventory, the second user's).
    """
    if not access.may_read_takeback():
        return None
    campaigns = access.scope_campaigns(Campaign.objects.all())
    year = timezone.localdate().year
    latest = campaigns.order_by("-starts_on").values_list("starts_on__year", flat=True).first()
    if latest is None:
        return {"year": year, "figures": None, "campaigns": 0}
    shown_year = year if latest >= year else latest
    of_year = campaigns.filter(starts_on__year=shown_year)
    items = access.scope_campaign_items(CampaignItem.objects.filter(campaign__in=of_year))
    return {
        "year": shown_year,
        "campaigns": of_year.count(),
        "figures": figures_for(items, Choice.current()),
    }
