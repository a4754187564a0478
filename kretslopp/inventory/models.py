"""The product catalogue and the assets, with their lifecycle events."""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kretslopp.core import audit
from kretslopp.footprint import taxonomy
from kretslopp.inventory import lifecycle
from kretslopp.inventory.search import search_assets
from kretslopp.organisation.models import CostCentre, Department, Location, Person

#: The fixed taxonomy, derived from its one definition in the plain package; the codes are
#: stable and used by the footprint engine and imports.
ProductCategory = models.TextChoices(
    "ProductCategory",
    [(code.upper(), (code, _(label))) for code, label in taxonomy.CATEGORY_LABELS.items()],
)

#: Categories whose devices normally hold data, so that erasure is required before they leave.
CATEGORIES_WITH_STORAGE = taxonomy.CATEGORIES_WITH_STORAGE

Status = models.TextChoices(
    "Status", [(code, (code, _(label))) for code, label in lifecycle.STATUS_LABELS.items()]
)


class LabelScheme(models.TextChoices):
    TCO_CERTIFIED = "tco_certified", _("TCO Certified")
    TCO_CERTIFIED_EDGE = "tco_certified_edge", _("TCO Certified Edge")
    EPEAT = "epeat", _("EPEAT")
    ENERGY_STAR = "energy_star", _("ENERGY STAR")
    EU_ECOLABEL = "eu_ecolabel", _("EU Ecolabel")


@audit.register
class Manufacturer(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("manufacturer")
        verbose_name_plural = _("manufacturers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@audit.register
class ProductModel(models.Model):
    manufacturer = models.ForeignKey(
        Manufacturer,
        verbose_name=_("manufacturer"),
        on_delete=models.PROTECT,
        related_name="models",
    )
    name = models.CharField(_("model name"), max_length=200)
    model_number = models.CharField(_("model number"), max_length=100, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=ProductCategory.choices)
    screen_size_inch = models.DecimalField(
        _("screen size (inches)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    energy_kwh_per_year = models.DecimalField(
        _("typical energy use (kWh per year)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Typical energy consumption (TEC) where the manufacturer states it."),
    )
    notes = models.TextField(_("notes"), blank=True)
    # The footprint resolves figures from the category and names: cached results key on this.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("product model")
        verbose_name_plural = _("product models")
        ordering = ["manufacturer__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["manufacturer", "name"], name="unique_model_name")
        ]

    def __str__(self) -> str:
        return f"{self.manufacturer.name} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("inventory:model", args=[self.pk])


@audit.register
class ProductLabel(models.Model):
    """A sustainability label or certificate a product model holds, with its validity."""

    product_model = models.ForeignKey(ProductModel, on_delete=models.CASCADE, related_name="labels")
    scheme = models.CharField(_("label"), max_length=30, choices=LabelScheme.choices)
    level = models.CharField(
        _("generation, tier or version"),
        max_length=50,
        blank=True,
        help_text=_("For example 'Generation 9' or 'Gold'."),
    )
    certificate_id = models.CharField(_("certificate id"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        ordering = ["scheme", "level"]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.level}".strip()


class AssetQuerySet(models.QuerySet):
    def search(self, text: str) -> AssetQuerySet:
        """What ``text`` names: see :func:`kretslopp.inventory.search.search_assets`."""
        return search_assets(self, text)


@audit.register
class Asset(models.Model):
    asset_tag = models.CharField(_("asset tag"), max_length=50, unique=True)
    # db_index rather than Meta.indexes: on PostgreSQL it also makes the pattern index that
    # serves prefix searches (kretslopp.inventory.search).
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True, db_index=True)
    model = models.ForeignKey(
        ProductModel, verbose_name=_("model"), on_delete=models.PROTECT, related_name="assets"
    )
    # No index of its own: the (department, status) index below serves department lookups.
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="assets",
        db_index=False,
    )
    # Where the asset's costs are booked; one of its department's cost centres.
    cost_centre = models.ForeignKey(
        CostCentre,
        verbose_name=_("cost centre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assets",
    )
    assignee = models.ForeignKey(
        Person,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assets",
    )
    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assets",
    )
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    in_use_date = models.DateField(_("in use since"), null=True, blank=True)
    purchase_price_sek = models.DecimalField(
        _("purchase price (SEK)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    order_number = models.CharField(_("order number"), max_length=100, blank=True)
    warranty_end = models.DateField(_("warranty ends"), null=True, blank=True)
    planned_end_of_life = models.DateField(_("planned end of life"), null=True, blank=True)
    has_storage = models.BooleanField(
        _("has storage"),
        default=True,
        help_text=_("Devices with storage must be erased before they leave the organisation."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=lifecycle.IN_STOCK,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    end_date = models.DateField(
        _("left custody on"),
        null=True,
        blank=True,
        help_text=_("Set by the lifecycle when the asset leaves the organisation or goes missing."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssetQuerySet.as_manager()

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["asset_tag"]
        constraints = [
            # Unique per manufacturer is enforced in forms and imports (it spans a join);
            # here the serial is at least unique per model, which the database can check.
            models.UniqueConstraint(
                fields=["model", "serial_number"],
                condition=~Q(serial_number=""),
                name="unique_serial_per_model",
            )
        ]
        indexes = [
            models.Index(fields=["department", "status"]),
            models.Index(fields=["in_use_date"]),
            models.Index(fields=["purchase_date"]),
            # The dashboards' data version asks for the latest change (inventory.summary).
            models.Index(fields=["updated_at"]),
            # The asset list's default page (in custody, by tag): walking the tag index of
            # every asset would skip the ones that left (the oldest tags, often a third of
            # the register) before finding 50 to show.
            models.Index(
                fields=["asset_tag", "id"],
                condition=Q(status__in=lifecycle.LISTED_BY_DEFAULT),
                name="asset_tag_listed",
            ),
        ]

    def __str__(self) -> str:
        return self.asset_tag

    def get_absolute_url(self) -> str:
        return reverse("inventory:asset", args=[self.pk])

    @property
    def category(self) -> str:
        return self.model.category

    def next_moves(self) -> list[lifecycle.Move]:
        return lifecycle.next_moves(self.status, has_storage=self.has_storage)

    def move(
        self,
        target: str,
        *,
        by=None,
        note: str = "",
        reference: str = "",
        at=None,
    ) -> LifecycleEvent:
        """Move the asset through the lifecycle, or raise ``lifecycle.IllegalMove`` with a reason.

        One asset at a time (the asset page, the API, a scan at a collection point). Moves
        of many assets at once (imports, hand-overs, partner reports) go through
        :mod:`kretslopp.inventory.moves` or the import's writer instead; all of them ask
        ``lifecycle.check_move`` and take the dates from ``lifecycle.dates_after_move``.
        """
        lifecycle.check_move(self.status, target, has_storage=self.has_storage, reference=reference)
        when = at or timezone.now()
        with transaction.atomic():
            locked = Asset.objects.select_for_update().get(pk=self.pk)
            if locked.status != self.status:
                # Someone else moved it meanwhile: decide again on the current state.
                lifecycle.check_move(
                    locked.status, target, has_storage=locked.has_storage, reference=reference
                )
                self.status = locked.status
            event = LifecycleEvent.objects.create(
                asset=self,
                from_status=self.status,
                to_status=target,
                at=when,
                actor=by if getattr(by, "pk", None) else None,
                note=note,
                reference=reference,
            )
            self.status = target
            self.status_changed_at = when
            on = timezone.localdate(when) if timezone.is_aware(when) else when.date()
            dates = lifecycle.dates_after_move(
                target, on, in_use_date=self.in_use_date, end_date=self.end_date
            )
            for name, value in dates.items():
                setattr(self, name, value)
            with audit.acting_as(by):
                self.save(
                    update_fields=[
                        "status",
                        "status_changed_at",
                        "end_date",
                        "in_use_date",
                        "updated_at",
                    ]
                )
        return event


class LifecycleEvent(models.Model):
    """One move of an asset: from, to, when, by whom, and the evidence."""

    # No index of its own: the (asset, -at) index below serves lookups by asset.
    asset = models.ForeignKey(
        Asset, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    reference = models.CharField(
        _("reference"),
        max_length=200,
        blank=True,
        help_text=_("A certificate id, manifest, campaign or order this move rests on."),
    )

    class Meta:
        verbose_name = _("lifecycle event")
        verbose_name_plural = _("lifecycle events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["asset", "-at"])]

    def __str__(self) -> str:
        return f"{self.asset_id}: {self.from_status} → {self.to_status}"
