"""What one reader sees of a campaign's manifests and findings, for pages and API alike.

The rules are ``access``'s; this only names, once, which records of take-back they apply to,
so the campaign page, the manifest page, its export and the API cannot drift apart.
"""

from __future__ import annotations

from django.db.models import QuerySet

from kretslopp.circular.models import Campaign, CampaignItem, Discrepancy, Manifest
from kretslopp.inventory.models import Asset
from kretslopp.organisation.access import Access


def manifest_items(access: Access, manifest: Manifest) -> QuerySet:
    """The items on ``manifest`` the reader may see: their departments', or the partner's."""
    return access.scope_campaign_items(CampaignItem.objects.filter(manifest=manifest))


def discrepancies(access: Access, campaign: Campaign) -> QuerySet:
    """The campaign's findings the reader may see (see ``Access.scope_discrepancies``).

    An unexpected finding is judged against the asset register and every collected item,
    the two places a reported tag or serial number can name a department's device.
    """
    return access.scope_discrepancies(
        Discrepancy.objects.filter(campaign=campaign),
        [Asset.objects.all(), CampaignItem.objects.all()],
    )
