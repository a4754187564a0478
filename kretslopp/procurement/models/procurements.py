"""A procurement (upphandling): its buyer's parameters and the criteria it uses."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kretslopp.core import audit

from .library import Criterion, CriterionType


class ProductGroup(models.TextChoices):
    """The library's product groups (``tendering.library.PRODUCT_GROUPS``)."""

    COMPUTERS = "computers", _("Computers")
    DISPLAYS = "displays", _("Displays")
    MOBILE_PHONES = "mobile_phones", _("Mobile phones")
    TABLETS = "tablets", _("Tablets")
    IMAGING_EQUIPMENT = "imaging_equipment", _("Imaging equipment")


class PriceBasis(models.TextChoices):
    """The price both evaluation models compare (``tendering.model.PRICE_BASES``)."""

    PURCHASE_PRICE = "purchase_price", _("Purchase price")
    LCC = "lcc", _("Lifecycle cost")
    LCC_WITH_CO2E = "lcc_with_co2e", _("Lifecycle cost with CO2e priced")


class ProcurementStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("Open for offers")
    DECIDED = "decided", _("Decided")


@audit.register
class Supplier(models.Model):
    """A bidder or supplier, known by its Swedish organisation number where it has one."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    organisation_number = models.CharField(
        _("organisation number"),
        max_length=20,
        blank=True,
        help_text=_("Swedish organisation number, e.g. 556677-8899."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@audit.register
class Procurement(models.Model):
    """One procurement with the buyer's lifecycle parameters.

    The parameters are those of ``tendering.ProcurementParameters``; ``units_by_lot`` holds
    the number of units per lot where the lots differ (``{"laptops": 3000}``).
    """

    reference = models.CharField(_("reference (diarienummer)"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    product_group = models.CharField(
        _("product group"), max_length=20, choices=ProductGroup.choices
    )
    period_start = models.DateField(_("contract period from"), null=True, blank=True)
    period_end = models.DateField(_("contract period until"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProcurementStatus.choices,
        default=ProcurementStatus.DRAFT,
    )
    units = models.PositiveIntegerField(_("number of units"), validators=[MinValueValidator(1)])
    units_by_lot = models.JSONField(_("units per lot"), default=dict, blank=True)
    lifetime_years = models.PositiveSmallIntegerField(
        _("lifetime, years"), validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    discount_rate = models.DecimalField(
        _("discount rate"),
        max_digits=6,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal("0.9999"))],
        help_text=_("A fraction per year: 0.03 is 3 %."),
    )
    sek_per_kwh = models.DecimalField(
        _("electricity price, SEK per kWh"),
        max_digits=8,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0))],
    )
    grid_kg_co2e_per_kwh = models.DecimalField(
        _("grid factor, kg CO2e per kWh"),
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(Decimal(0))],
    )
    grid_factor_source = models.CharField(
        _("source of the grid factor"), max_length=200, blank=True
    )
    shadow_price_sek_per_tonne = models.DecimalField(
        _("CO2e shadow price, SEK per tonne"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    price_basis = models.CharField(
        _("price compared"), max_length=15, choices=PriceBasis.choices, default=PriceBasis.LCC
    )
    price_weight = models.DecimalField(
        _("points for price"),
        max_digits=8,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("The most points the cheapest line earns in the weighted-points model."),
    )
    evaluation_date = models.DateField(
        _("certificates checked on"),
        null=True,
        blank=True,
        help_text=_("Certificates must be valid on this day; empty: the day of evaluation."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("procurement")
        verbose_name_plural = _("procurements")
        ordering = ["-created_at", "reference"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("procurement:procurement", args=[self.pk])

    @property
    def is_decided(self) -> bool:
        return self.status == ProcurementStatus.DECIDED


@audit.register
class CriterionUse(models.Model):
    """A library criterion chosen for a procurement, with its weight and the buyer's reading.

    An award criterion earns up to ``max_points`` (weighted points) and deducts up to
    ``deduction_sek`` per unit (value deductions); a mandatory one excludes a line that fails
    it. ``check_value`` overrides the library's threshold; ``parameters`` fills what a
    banded rule needs (e.g. the warranty years the base requirement already asks).
    """

    procurement = models.ForeignKey(
        Procurement,
        on_delete=models.CASCADE,
        related_name="criterion_uses",
        verbose_name=_("procurement"),
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="uses", verbose_name=_("criterion")
    )
    criterion_version = models.PositiveIntegerField(_("library version when chosen"), default=1)
    type = models.CharField(_("type"), max_length=30, choices=CriterionType.choices)
    max_points = models.DecimalField(
        _("points"),
        max_digits=8,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    deduction_sek = models.DecimalField(
        _("value deduction, SEK per unit"),
        max_digits=12,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    check_value = models.DecimalField(
        _("threshold in this procurement"),
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
    )
    parameters = models.JSONField(_("rule parameters"), default=dict, blank=True)
    interpretation = models.TextField(_("the buyer's interpretation"), blank=True)
    evidence_note = models.TextField(_("evidence asked for"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("criterion used")
        verbose_name_plural = _("criteria used")
        ordering = ["procurement", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["procurement", "criterion"], name="procurement_criterion_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procurement.reference}: {self.criterion.criterion_id}"
