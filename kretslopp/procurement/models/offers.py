"""Offers (anbud): one per bidder and procurement, with the lines of its offer form."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kretslopp.core import audit

from .procurements import Procurement, Supplier


class OfferSource(models.TextChoices):
    FORM = "form", _("Offer form imported")
    ENTERED = "entered", _("Entered on a page")


@audit.register
class Offer(models.Model):
    """A bidder's offer in one procurement; its lines come from the filled-in offer form."""

    procurement = models.ForeignKey(
        Procurement, on_delete=models.CASCADE, related_name="offers", verbose_name=_("procurement")
    )
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="offers", verbose_name=_("bidder")
    )
    source = models.CharField(
        _("received as"), max_length=10, choices=OfferSource.choices, default=OfferSource.FORM
    )
    file = models.FileField(_("offer form"), upload_to="procurement/offers/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["procurement", "supplier__name"]
        constraints = [
            models.UniqueConstraint(fields=["procurement", "supplier"], name="offer_once")
        ]

    def __str__(self) -> str:
        return f"{self.procurement.reference}: {self.supplier.name}"


@audit.register
class OfferLine(models.Model):
    """One offered product: the bidder's figures as in ``tendering.OfferLine``.

    ``certificates`` holds ``{"scheme_id", "tier", "number", "valid_to"}`` dictionaries and
    ``declarations`` the criterion ids the bidder declares the line meets.
    """

    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="lines", verbose_name=_("offer")
    )
    row_number = models.PositiveIntegerField(_("row in the form"), null=True, blank=True)
    line_id = models.CharField(_("line id"), max_length=60)
    lot = models.CharField(_("lot"), max_length=60)
    category = models.CharField(_("product category"), max_length=20)
    manufacturer = models.CharField(_("manufacturer"), max_length=200)
    model = models.CharField(_("model"), max_length=200)
    price_per_unit_sek = models.DecimalField(
        _("price per unit, SEK"), max_digits=12, decimal_places=2
    )
    tec_kwh_per_year = models.DecimalField(
        _("annual energy use, kWh"), max_digits=10, decimal_places=3
    )
    etec_limit_kwh_per_year = models.DecimalField(
        _("ETEC limit, kWh per year"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    warranty_years = models.PositiveSmallIntegerField(_("warranty, years"), null=True, blank=True)
    battery_cycles = models.PositiveIntegerField(_("battery cycles"), null=True, blank=True)
    spare_part_years = models.PositiveSmallIntegerField(
        _("spare parts, years"), null=True, blank=True
    )
    pcf_kg_co2e = models.DecimalField(
        _("product carbon footprint, kg CO2e"),
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
    )
    pcf_standard = models.CharField(_("PCF standard"), max_length=200, blank=True)
    pcf_source = models.CharField(_("PCF source"), max_length=400, blank=True)
    certificates = models.JSONField(_("certificates"), default=list, blank=True)
    declarations = models.JSONField(_("declarations"), default=list, blank=True)

    class Meta:
        verbose_name = _("offer line")
        verbose_name_plural = _("offer lines")
        ordering = ["offer", "row_number", "line_id"]
        constraints = [models.UniqueConstraint(fields=["offer", "line_id"], name="offer_line_once")]

    def __str__(self) -> str:
        return f"{self.line_id} {self.manufacturer} {self.model}"
