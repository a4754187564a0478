"""What the organisation decides about its footprint figures; the figures themselves are data.

The engine (``kretslopp.footprint``) ships the factor sets; here live the organisation's
choice among them, the figures someone entered by hand for a model (always with a source),
and people's decisions on uncertain matches between catalogue models and PCF sheets.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kretslopp import footprint
from kretslopp.core import audit
from kretslopp.inventory.models import ProductModel


def _choices(ids: list[str]) -> list[tuple[str, str]]:
    return [(value, value) for value in ids]


@audit.register
class FootprintSettings(models.Model):
    """The organisation's choice of factor set, grid factor and avoided-emission method."""

    factor_set = models.CharField(
        _("footprint factor set"),
        max_length=50,
        default=footprint.DEFAULT_FACTOR_SET,
        choices=_choices(footprint.factor_set_ids()),
    )
    grid = models.CharField(
        _("electricity grid factor"),
        max_length=50,
        default=footprint.DEFAULT_GRID,
        choices=_choices(footprint.grid_ids()),
    )
    avoided_set = models.CharField(
        _("avoided-emission factor set"),
        max_length=50,
        default="ivl-inrego-2020",
        choices=_choices(footprint.avoided_set_ids()),
    )
    allocation = models.CharField(
        _("allocation of avoided emissions"),
        max_length=10,
        default="full",
        choices=[
            ("full", _("full: all credit to us")),
            ("shared", _("shared 50/50 with the second user")),
        ],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("footprint settings")
        verbose_name_plural = _("footprint settings")

    def __str__(self) -> str:
        return f"{self.factor_set} · {self.grid} · {self.avoided_set}/{self.allocation}"

    @classmethod
    def current(cls) -> FootprintSettings:
        found = cls.objects.order_by("pk").first()
        return found if found is not None else cls()


@audit.register
class ModelFigures(models.Model):
    """Figures for one catalogue model entered by hand; never without a source note."""

    product_model = models.OneToOneField(
        ProductModel, on_delete=models.CASCADE, related_name="manual_figures"
    )
    embodied_kg_co2e = models.DecimalField(
        _("embodied emissions (kg CO2e)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    kwh_per_year = models.DecimalField(
        _("energy use (kWh per year)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    lifetime_years = models.DecimalField(
        _("expected lifetime (years)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0.5)],
    )
    source_note = models.TextField(
        _("source"),
        help_text=_("Where the figures come from: document, publisher, year, page or URL."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("manual model figures")
        verbose_name_plural = _("manual model figures")

    def __str__(self) -> str:
        return str(self.product_model)


@audit.register
class ModelMatchDecision(models.Model):
    """A person's verdict on matching a catalogue model to a PCF sheet: confirmed or rejected."""

    product_model = models.OneToOneField(
        ProductModel, on_delete=models.CASCADE, related_name="match_decision"
    )
    pcf_record_id = models.CharField(
        _("PCF sheet"),
        max_length=50,
        blank=True,
        help_text=_("Empty: the match was rejected and the category default is used."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("match decision")
        verbose_name_plural = _("match decisions")

    def __str__(self) -> str:
        return f"{self.product_model}: {self.pcf_record_id or 'rejected'}"

    @property
    def confirmed(self) -> bool:
        return bool(self.pcf_record_id)
