"""Handing collected items to the partner on a signed manifest; reconciling; closing.

The manifest is the evidence of the hand-over: which items, on which day, signed by whom on
each side. Every item on it moves "returned" → "with partner" in one batch (all or none).
Reconciliation compares the manifest with what the partner reported; a campaign closes only
when no difference is left open.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kretslopp.circular.models import (
    Campaign,
    CampaignItem,
    CampaignStatus,
    Discrepancy,
    DiscrepancyKind,
    DiscrepancyState,
    Manifest,
)
from kretslopp.core import audit
from kretslopp.inventory import lifecycle
from kretslopp.inventory.lifecycle import Step
from kretslopp.inventory.moves import BulkMoveRefused, Planned, move_many

BATCH = 1000


class TakebackRefused(Exception):
    """A hand-over, acceptance or closing that cannot be done, with the reason to show."""


def awaiting_handover(campaign: Campaign):
    """Collected items not yet on a manifest."""
    return CampaignItem.objects.filter(campaign=campaign, manifest__isnull=True)


def hand_over(
    campaign: Campaign,
    *,
    handed_over_on: dt.date,
    handed_over_by: str,
    received_by: str,
    by: Any = None,
) -> Manifest:
    """Put every collected item not yet handed over on a new manifest and move them on."""
    if campaign.is_closed:
        raise TakebackRefused(_("The campaign is closed."))
    with transaction.atomic():
        items = list(awaiting_handover(campaign).select_for_update().values_list("pk", "asset_id"))
        if not items:
            raise TakebackRefused(_("There is nothing collected that has not been handed over."))
        manifest = Manifest.objects.create(
            campaign=campaign,
            number=_next_number(campaign),
            handed_over_on=handed_over_on,
            handed_over_by=handed_over_by.strip(),
            received_by=received_by.strip(),
            created_by=by if getattr(by, "pk", None) else None,
        )
        plans = [
            Planned(asset_id, lifecycle.RETURNED, [Step(lifecycle.WITH_PARTNER, manifest.number)])
            for _pk, asset_id in items
            if asset_id is not None
        ]
        try:
            move_many(plans, by=by)
        except BulkMoveRefused as refused:
            raise TakebackRefused(refused.error.explain(_)) from None
        item_ids = [pk for pk, _asset in items]
        for start in range(0, len(item_ids), BATCH):
            CampaignItem.objects.filter(pk__in=item_ids[start : start + BATCH]).update(
                manifest=manifest
            )
        record_item_changes(item_ids, {"manifest": [None, str(manifest.pk)]}, by=by)
        if campaign.status in (CampaignStatus.PLANNED, CampaignStatus.COLLECTING):
            campaign.status = CampaignStatus.WITH_PARTNER
            with audit.acting_as(by):
                campaign.save(update_fields=["status", "updated_at"])
    return manifest


def _next_number(campaign: Campaign) -> str:
    count = Manifest.objects.filter(campaign=campaign).aggregate(n=Max("pk"))["n"]
    taken = set(Manifest.objects.filter(campaign=campaign).values_list("number", flat=True))
    sequence = len(taken) + 1 if count else 1
    number = f"M{campaign.pk}-{sequence:03d}"
    while number in taken:
        sequence += 1
        number = f"M{campaign.pk}-{sequence:03d}"
    return number


def record_item_changes(item_ids: list[int], changes: dict[str, list], *, by: Any = None) -> None:
    """Audit entries for a bulk update of items (bulk writes send no signals)."""
    audit.record_many(CampaignItem, ((pk, f"#{pk}", "update", changes) for pk in item_ids), by=by)


# --- reconciliation ---------------------------------------------------------------------


def reconcile(campaign: Campaign) -> dict[str, int]:
    """Record items handed over but not reported as missing; settle the ones now reported.

    Unexpected items and serial mismatches are found while a report is read (they need its
    rows) and recorded by the report import; this adds what only the whole picture shows.
    Returns the open discrepancies per kind.
    """
    with transaction.atomic():
        unreported = CampaignItem.objects.filter(
            campaign=campaign, manifest__isnull=False, reported_at__isnull=True
        ).values_list("pk", flat=True)
        known = set(
            Discrepancy.objects.filter(campaign=campaign, kind=DiscrepancyKind.MISSING).values_list(
                "item_id", flat=True
            )
        )
        new = [
            Discrepancy(campaign=campaign, kind=DiscrepancyKind.MISSING, item_id=pk)
            for pk in unreported
            if pk not in known
        ]
        for discrepancy in new:
            discrepancy.save()  # audited one by one: there are few
        settled = Discrepancy.objects.filter(
            campaign=campaign,
            kind=DiscrepancyKind.MISSING,
            state=DiscrepancyState.OPEN,
            item__reported_at__isnull=False,
        )
        for discrepancy in settled:
            discrepancy.state = DiscrepancyState.RESOLVED
            discrepancy.note = _("Reported by the partner in a later report.")
            discrepancy.decided_at = timezone.now()
            discrepancy.save()
    return open_counts(campaign)


def open_counts(campaign: Campaign) -> dict[str, int]:
    counts = dict.fromkeys(DiscrepancyKind.values, 0)
    for kind in Discrepancy.objects.filter(
        campaign=campaign, state=DiscrepancyState.OPEN
    ).values_list("kind", flat=True):
        counts[kind] += 1
    return counts


def accept(discrepancy: Discrepancy, *, note: str, by: Any = None) -> None:
    """Settle a discrepancy by accepting it; the note says why (it stays in the record)."""
    note = note.strip()
    if not note:
        raise TakebackRefused(_("Write a note saying why the difference is accepted."))
    if discrepancy.state != DiscrepancyState.OPEN:
        raise TakebackRefused(_("This discrepancy is already settled."))
    discrepancy.state = DiscrepancyState.ACCEPTED
    discrepancy.note = note
    discrepancy.decided_by = by if getattr(by, "pk", None) else None
    discrepancy.decided_at = timezone.now()
    with audit.acting_as(by):
        discrepancy.save()


def close(campaign: Campaign, *, note: str = "", by: Any = None) -> None:
    """Close the campaign, unless a discrepancy is open or items were never handed over."""
    if campaign.is_closed:
        raise TakebackRefused(_("The campaign is already closed."))
    reconcile(campaign)
    still_open = sum(open_counts(campaign).values())
    if still_open:
        raise TakebackRefused(
            _(
                "%(count)s discrepancies are open. Resolve them, or accept each with a note, "
                "before closing."
            )
            % {"count": still_open}
        )
    waiting = awaiting_handover(campaign).count()
    if waiting:
        raise TakebackRefused(
            _("%(count)s collected items have not been handed over to the partner yet.")
            % {"count": waiting}
        )
    campaign.status = CampaignStatus.CLOSED
    campaign.closed_at = timezone.now()
    campaign.closing_note = note.strip()
    with audit.acting_as(by):
        campaign.save()
