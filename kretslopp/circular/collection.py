"""Collecting devices during a campaign: one scan, one item, the asset becomes "returned".

A scan is an asset tag or a serial number typed by a barcode scanner. What may be collected
is decided here once, for the web page, the API and the benchmark alike: the campaign must be
open for collection, the asset in the collector's departments (``access``), not already
collected in this campaign, and able to become "returned" (``Asset.move`` asks the lifecycle).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kretslopp.circular.models import Campaign, CampaignItem, CampaignStatus, CollectionPoint
from kretslopp.core import audit, bulk
from kretslopp.inventory import lifecycle
from kretslopp.inventory.models import CATEGORIES_WITH_STORAGE, Asset, ProductCategory
from kretslopp.organisation.access import Access, Action
from kretslopp.organisation.models import Department

OPEN_FOR_COLLECTION = frozenset(
    {CampaignStatus.PLANNED, CampaignStatus.COLLECTING, CampaignStatus.WITH_PARTNER}
)
MAX_CODE = 100


class CollectionRefused(Exception):
    """A scan that cannot be registered; ``code`` tells the page which form to show next."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Collected:
    item: CampaignItem
    message: str


def check_open(campaign: Campaign) -> None:
    if campaign.status not in OPEN_FOR_COLLECTION:
        raise CollectionRefused(
            "closed",
            _("The campaign is %(status)s: nothing more can be collected in it.")
            % {"status": campaign.get_status_display().lower()},
        )


def find_asset(code: str, access: Access) -> Asset | None:
    """The asset a scan names (tag first, then serial), within the collector's scope.

    Exact matches first so the unique index answers; a scanner sends what the label says.
    An asset outside scope is reported exactly like an unknown one.
    """
    assets = access.scope(Asset.objects.select_related("model", "department"))
    for lookup in ({"asset_tag": code}, {"serial_number": code}, {"asset_tag": code.upper()}):
        found = assets.filter(**lookup).order_by("pk").first()
        if found is not None:
            return found
    # Other letter cases of a serial, still through the serial index (not a case-folding scan).
    spellings = {code.upper(), code.lower()} - {code}
    return assets.filter(serial_number__in=spellings).order_by("pk").first()


def collect(
    campaign: Campaign,
    code: str,
    *,
    access: Access,
    by: Any = None,
    point: CollectionPoint | None = None,
) -> Collected:
    """Register the device a scan names; raises :class:`CollectionRefused` saying why not."""
    code = code.strip()[:MAX_CODE]
    if not code:
        raise CollectionRefused("empty", _("Scan or type an asset tag or a serial number."))
    check_open(campaign)
    asset = find_asset(code, access)
    if asset is None:
        raise CollectionRefused(
            "unknown",
            _(
                "No device with the asset tag or serial number %(code)s in your departments. "
                "If it is a device the register does not know, register it with its category."
            )
            % {"code": code},
        )
    _check_may_collect(campaign, access, asset.department_id)
    earlier = CampaignItem.objects.filter(campaign=campaign, asset=asset).first()
    if earlier is not None:
        raise _already(asset.asset_tag, earlier)
    try:
        with transaction.atomic():
            asset.move(
                lifecycle.RETURNED,
                by=by,
                note=_("Handed in at take-back"),
                reference=campaign.reference,
            )
            item = CampaignItem.objects.create(
                campaign=campaign,
                asset=asset,
                department_id=asset.department_id,
                category=asset.model.category,
                asset_tag=asset.asset_tag,
                serial_number=asset.serial_number,
                has_storage=asset.has_storage,
                collection_point=point,
                collected_at=timezone.now(),
                collected_by=by if getattr(by, "pk", None) else None,
            )
    except lifecycle.IllegalMove as refusal:
        raise CollectionRefused(
            "illegal_move",
            _("%(tag)s cannot be collected: %(reason)s")
            % {"tag": asset.asset_tag, "reason": refusal.explain(_)},
        ) from None
    except IntegrityError:
        earlier = CampaignItem.objects.filter(campaign=campaign, asset=asset).first()
        raise _already(asset.asset_tag, earlier) from None
    _mark_collecting(campaign)
    return Collected(item, _("%(tag)s collected.") % {"tag": asset.asset_tag})


def collect_unknown(
    campaign: Campaign,
    *,
    category: str,
    serial: str,
    department: Department,
    access: Access,
    by: Any = None,
    point: CollectionPoint | None = None,
) -> Collected:
    """Register a device the register does not know; it is flagged for the coordinator."""
    check_open(campaign)
    if category not in ProductCategory.values:
        raise CollectionRefused("category", _("Choose the device's category."))
    _check_may_collect(campaign, access, department.pk)
    serial = serial.strip()[:MAX_CODE]
    if serial:
        earlier = CampaignItem.objects.filter(
            campaign=campaign, asset__isnull=True, serial_number=serial
        ).first()
        if earlier is not None:
            # The serial is taken in the campaign either way; when and by which department
            # only for a collector who may read that item.
            raise _already(serial, earlier if access.covers(earlier.department_id) else None)
    try:
        item = CampaignItem.objects.create(
            campaign=campaign,
            department=department,
            category=category,
            serial_number=serial,
            has_storage=category in CATEGORIES_WITH_STORAGE,
            unknown_device=True,
            collection_point=point,
            collected_at=timezone.now(),
            collected_by=by if getattr(by, "pk", None) else None,
        )
    except IntegrityError:
        raise _already(serial, None) from None
    _mark_collecting(campaign)
    message = _("Unknown device registered and flagged (%(category)s %(serial)s).") % {
        "category": ProductCategory(category).label.lower(),
        "serial": serial or _("without serial number"),
    }
    return Collected(item, message)


def _check_may_collect(campaign: Campaign, access: Access, department_id: int) -> None:
    if not access.can(Action.EDIT_ASSETS, department_id):
        raise CollectionRefused(
            "forbidden", _("You can only collect devices for your own departments.")
        )
    taking_part = set(campaign.departments.values_list("pk", flat=True))
    if taking_part and department_id not in taking_part:
        raise CollectionRefused(
            "not_taking_part", _("The device's department does not take part in this campaign.")
        )


def _already(label: str, earlier: CampaignItem | None) -> CollectionRefused:
    if earlier is None:
        return CollectionRefused(
            "duplicate", _("%(tag)s is already collected in this campaign.") % {"tag": label}
        )
    when = timezone.localtime(earlier.collected_at)
    return CollectionRefused(
        "duplicate",
        _("%(tag)s is already collected in this campaign (%(when)s).")
        % {"tag": label, "when": when.strftime("%Y-%m-%d %H:%M")},
    )


def _mark_collecting(campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.PLANNED:
        campaign.status = CampaignStatus.COLLECTING
        campaign.save(update_fields=["status", "updated_at"])


@dataclass(frozen=True)
class Batch:
    """What a batch of scans did: the items collected, and each refused scan with why."""

    collected: list[CampaignItem]
    refused: list[tuple[str, str]]  # (the scan, the reason)


def collect_many(
    campaign: Campaign,
    codes: list[str],
    *,
    access: Access,
    by: Any = None,
    point: CollectionPoint | None = None,
) -> Batch:
    """Register many scans at once (a scanner's stored batch, a list from a department).

    Each scan is judged by the same rules as :func:`collect`, one by one and in order, so a
    refused scan is reported and the others go in; the writes are made in bulk, with the
    lifecycle deciding every move (``inventory.moves.move_many``) and every write audited.
    """
    from kretslopp.inventory.lifecycle import Step
    from kretslopp.inventory.moves import Planned, move_many

    check_open(campaign)
    wanted = [code.strip()[:MAX_CODE] for code in codes if code.strip()]
    assets = _assets_for(wanted, access)
    taking_part = set(campaign.departments.values_list("pk", flat=True))
    already = set(
        CampaignItem.objects.filter(campaign=campaign, asset__isnull=False).values_list(
            "asset_id", flat=True
        )
    )
    accepted: list[Asset] = []
    refused: list[tuple[str, str]] = []
    for code in wanted:
        asset = assets.get(code) or assets.get(code.upper()) or assets.get(code.casefold())
        reason = _batch_refusal(asset, code, access, taking_part, already)
        if reason:
            refused.append((code, reason))
            continue
        already.add(asset.pk)
        accepted.append(asset)
    now = timezone.now()
    with transaction.atomic():
        move_many(
            [
                Planned(a.pk, a.status, [Step(lifecycle.RETURNED, campaign.reference)])
                for a in accepted
            ],
            by=by,
            at=now,
        )
        items = bulk.create(
            CampaignItem, [_item(campaign, asset, point, now, by) for asset in accepted]
        )
        audit.record_many(
            CampaignItem,
            (
                (item.pk, str(item), "create", {"asset": [None, str(item.asset_id)]})
                for item in items
            ),
            by=by,
        )
    if items:
        _mark_collecting(campaign)
    return Batch(items, refused)


def _assets_for(codes: list[str], access: Access) -> dict[str, Asset]:
    """The assets the scans name, by tag, serial (and their case variants), in one pass."""
    found: dict[str, Asset] = {}
    variants = sorted({c for code in codes for c in (code, code.upper())})
    scoped = access.scope(Asset.objects.select_related("model"))
    for start in range(0, len(variants), 900):
        chunk = variants[start : start + 900]
        for asset in scoped.filter(serial_number__in=chunk):
            found.setdefault(asset.serial_number, asset)
            found.setdefault(asset.serial_number.casefold(), asset)
        for asset in scoped.filter(asset_tag__in=chunk):
            found[asset.asset_tag] = asset  # a tag wins over a serial, as in find_asset
    return found


def _batch_refusal(asset, code, access, taking_part, already) -> str:
    if asset is None:
        return _("No device with the asset tag or serial number %(code)s in your departments.") % {
            "code": code
        }
    if not access.can(Action.EDIT_ASSETS, asset.department_id):
        return _("You can only collect devices for your own departments.")
    if taking_part and asset.department_id not in taking_part:
        return _("The device's department does not take part in this campaign.")
    if asset.pk in already:
        return _("%(tag)s is already collected in this campaign.") % {"tag": asset.asset_tag}
    try:
        lifecycle.check_move(asset.status, lifecycle.RETURNED, has_storage=asset.has_storage)
    except lifecycle.IllegalMove as refusal:
        return _("%(tag)s cannot be collected: %(reason)s") % {
            "tag": asset.asset_tag,
            "reason": refusal.explain(_),
        }
    return ""


def _item(campaign, asset: Asset, point, when, by) -> CampaignItem:
    return CampaignItem(
        campaign=campaign,
        asset=asset,
        department_id=asset.department_id,
        category=asset.model.category,
        asset_tag=asset.asset_tag,
        serial_number=asset.serial_number,
        has_storage=asset.has_storage,
        collection_point=point,
        collected_at=when,
        collected_by=by if getattr(by, "pk", None) else None,
    )
