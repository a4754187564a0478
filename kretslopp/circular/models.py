"""Take-back (återtag): campaigns, the items collected, manifests, partner reports, discrepancies.

The chain of custody is: collected (the asset becomes *returned*) → on a manifest handed to
the partner (*with_partner*) → the partner's result per item (erasure certificate, grade,
outcome) moves it on. The asset's status is the lifecycle's; these records keep the campaign's
side: who collected what where, what was signed over, and what the partner says it did.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kretslopp.core import audit
from kretslopp.inventory.models import Asset, ProductCategory
from kretslopp.organisation.models import Department, Organisation, Partner

PUBLIC_SLUG_BYTES = 9  # 12 url-safe characters: short to share, far too many to guess


def new_public_slug() -> str:
    return secrets.token_urlsafe(PUBLIC_SLUG_BYTES)


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    COLLECTING = "collecting", _("Collecting")
    WITH_PARTNER = "with_partner", _("With partner")
    RECONCILING = "reconciling", _("Reconciling")
    CLOSED = "closed", _("Closed")


class ErasureMethod(models.TextChoices):
    NIST_CLEAR = "nist_clear", _("NIST 800-88 Clear")
    NIST_PURGE = "nist_purge", _("NIST 800-88 Purge")
    DESTRUCTION = "destruction", _("Physical destruction")


class Grade(models.TextChoices):
    A = "A", _("A")
    B = "B", _("B")
    C = "C", _("C")
    DEFECTIVE = "defective", _("Defective")


class Outcome(models.TextChoices):
    """The partner's outcomes; the codes are the footprint engine's (``footprint.OUTCOMES``)."""

    REUSED_INTERNALLY = "reused_internally", _("Reused internally")
    RESOLD = "resold", _("Resold")
    DONATED = "donated", _("Donated")
    REFURBISHED = "refurbished", _("Refurbished")
    RECYCLED = "recycled", _("Recycled")
    DESTROYED = "destroyed", _("Destroyed")


@audit.register
class Campaign(models.Model):
    """One take-back round: a period, a partner, the departments taking part, its goals."""

    name = models.CharField(_("name"), max_length=200)
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="campaigns"
    )
    departments = models.ManyToManyField(
        Department,
        verbose_name=_("departments taking part"),
        blank=True,
        related_name="takeback_campaigns",
        help_text=_("None chosen: the whole organisation takes part."),
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    goal_products = models.PositiveIntegerField(
        _("goal: products collected"), null=True, blank=True
    )
    goal_reuse_percent = models.PositiveSmallIntegerField(
        _("goal: reuse share (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.PLANNED
    )
    public = models.BooleanField(
        _("public result page"),
        default=False,
        help_text=_("Show the headline numbers to every employee, without login."),
    )
    public_slug = models.CharField(max_length=32, unique=True, default=new_public_slug)
    closing_note = models.TextField(_("closing note"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("take-back campaign")
        verbose_name_plural = _("take-back campaigns")
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("circular:campaign", args=[self.pk])

    @property
    def reference(self) -> str:
        """What lifecycle events of this campaign point back at."""
        return self.name[:200]

    @property
    def is_closed(self) -> bool:
        return self.status == CampaignStatus.CLOSED


@audit.register
class CollectionPoint(models.Model):
    """Where and when staff hand in devices during a campaign."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="collection_points"
    )
    name = models.CharField(_("collection point"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    opens_on = models.DateField(_("open from"), null=True, blank=True)
    closes_on = models.DateField(_("open until"), null=True, blank=True)

    class Meta:
        verbose_name = _("collection point")
        verbose_name_plural = _("collection points")
        ordering = ["opens_on", "name"]

    def __str__(self) -> str:
        return self.name


@audit.register
class Manifest(models.Model):
    """The list of items signed over to the partner on one day: the hand-over's evidence."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="manifests")
    number = models.CharField(_("manifest number"), max_length=40)
    handed_over_on = models.DateField(_("handed over on"))
    handed_over_by = models.CharField(_("handed over by"), max_length=200)
    received_by = models.CharField(_("received by (partner)"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("manifest")
        verbose_name_plural = _("manifests")
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="unique_manifest_number")
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("circular:manifest", args=[self.campaign_id, self.pk])


@audit.register
class CampaignItem(models.Model):
    """One device handed in during a campaign, and what the partner reports it did with it.

    ``asset`` is empty for a device the register does not know; such an item is flagged
    (``unknown_device``) and carries the category and serial the collector typed.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="items")
    asset = models.ForeignKey(
        Asset, null=True, blank=True, on_delete=models.PROTECT, related_name="takeback_items"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("category"), max_length=20, choices=ProductCategory.choices)
    asset_tag = models.CharField(_("asset tag"), max_length=50, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    has_storage = models.BooleanField(_("has storage"), default=True)
    unknown_device = models.BooleanField(_("unknown device"), default=False)
    collection_point = models.ForeignKey(
        CollectionPoint,
        verbose_name=_("collection point"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    collected_at = models.DateTimeField(_("collected"))
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collected by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    manifest = models.ForeignKey(
        Manifest,
        verbose_name=_("manifest"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    # The partner's result.
    erasure_method = models.CharField(
        _("erasure method"), max_length=20, choices=ErasureMethod.choices, blank=True
    )
    erasure_tool = models.CharField(_("erasure tool"), max_length=100, blank=True)
    erasure_certificate = models.CharField(_("erasure certificate"), max_length=200, blank=True)
    erased_on = models.DateField(_("erased on"), null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    resale_value_sek = models.DecimalField(
        _("resale value (SEK)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    reported_at = models.DateTimeField(_("result reported"), null=True, blank=True)

    class Meta:
        verbose_name = _("collected item")
        verbose_name_plural = _("collected items")
        ordering = ["campaign", "collected_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "asset"],
                condition=Q(asset__isnull=False),
                name="item_collected_once",
            ),
            models.UniqueConstraint(
                fields=["campaign", "serial_number"],
                condition=Q(asset__isnull=True) & ~Q(serial_number=""),
                name="unknown_serial_collected_once",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "department"]),
            models.Index(fields=["campaign", "asset_tag"]),
            models.Index(fields=["campaign", "serial_number"]),
            # the start page's take-back panel asks for the latest result on every visit
            models.Index(fields=["reported_at"]),
        ]

    def __str__(self) -> str:
        return self.asset_tag or self.serial_number or f"#{self.pk}"

    @property
    def label(self) -> str:
        return self.asset_tag or self.serial_number or "–"


@audit.register
class PartnerReport(models.Model):
    """A partner report file applied to a campaign; the same file again changes nothing."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="reports")
    file_name = models.CharField(_("file"), max_length=255)
    digest = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    summary = models.JSONField(default=dict)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner report")
        verbose_name_plural = _("partner reports")
        ordering = ["-imported_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "digest"], name="report_applied_once")
        ]

    def __str__(self) -> str:
        return self.file_name


class DiscrepancyKind(models.TextChoices):
    MISSING = "missing", _("Handed over, not reported")
    UNEXPECTED = "unexpected", _("Reported, never handed over")
    SERIAL_MISMATCH = "serial_mismatch", _("Serial number differs")


class DiscrepancyState(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted with a note")
    RESOLVED = "resolved", _("Resolved")


@audit.register
class Discrepancy(models.Model):
    """A difference between the manifest and the partner's report, until someone settles it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="discrepancies")
    kind = models.CharField(_("kind"), max_length=20, choices=DiscrepancyKind.choices)
    item = models.ForeignKey(
        CampaignItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_asset_tag = models.CharField(_("reported asset tag"), max_length=50, blank=True)
    reported_serial = models.CharField(_("reported serial number"), max_length=100, blank=True)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=DiscrepancyState.choices,
        default=DiscrepancyState.OPEN,
    )
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("discrepancy")
        verbose_name_plural = _("discrepancies")
        ordering = ["campaign", "state", "kind", "pk"]

    def __str__(self) -> str:
        what = (
            self.reported_asset_tag or self.reported_serial or (str(self.item) if self.item else "")
        )
        return f"{self.get_kind_display()}: {what}"

    @property
    def key(self) -> tuple[str, int | None, str, str]:
        """What makes two findings the same finding (so reconciling twice adds nothing)."""
        return (self.kind, self.item_id, self.reported_asset_tag, self.reported_serial)


@audit.register
class TakebackSettings(models.Model):
    """The organisation's take-back routines, e.g. when a replaced device counts as overdue."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="takeback_settings"
    )
    not_returned_days = models.PositiveSmallIntegerField(
        _("days before a replaced device counts as not returned"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )

    class Meta:
        verbose_name = _("take-back settings")
        verbose_name_plural = _("take-back settings")

    def __str__(self) -> str:
        return str(self.organisation)

    @classmethod
    def days(cls) -> int:
        """The organisation's setting, or 30 days where none is saved."""
        found = cls.objects.order_by("pk").values_list("not_returned_days", flat=True).first()
        return found or 30
