"""The energy ledger's stored entries and the targets of every KPI.

Only what someone measured or typed is stored (:class:`EnergyReading`). Estimates (devices
from the fleet, printers, unmetered data centre or network) are computed when asked for by
:mod:`kretslopp.energy.ledger`, so they follow the inventory and the chosen method instead of
going stale in a table.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kretslopp.core import audit
from kretslopp.organisation.models import Department


class Scope(models.TextChoices):
    """Where IT energy goes; the Green Digital Charter's "ICT direct footprint" is their sum."""

    DATA_CENTRE = "data_centre", _("Data centre and servers")
    END_USER_DEVICES = "end_user_devices", _("End-user devices")
    NETWORK = "network", _("Network")
    PRINTING = "printing", _("Printing")


class Origin(models.TextChoices):
    METERED = "metered", _("metered")
    ESTIMATED = "estimated", _("estimated")
    MANUAL = "manual", _("manual")


class ReadingKind(models.TextChoices):
    """What a meter measures: IT load needs the PUE to become the facility's energy."""

    IT_LOAD = "it_load", _("IT load (PDU, UPS output)")
    FACILITY = "facility", _("whole facility (incl. cooling)")


class DataQuality(models.TextChoices):
    """How far a figure can be trusted, shown beside every figure."""

    HIGH = "high", _("high: metered")
    MEDIUM = "medium", _("medium: metered with assumptions, or modelled per model")
    LOW = "low", _("low: category defaults or hand-entered estimate")


@audit.register
class EnergyReading(models.Model):
    """One month of one meter (or one hand-entered figure) in the energy ledger.

    ``kwh`` is what the ledger counts: the reading itself, or for an IT-load reading with a
    PUE the reading × PUE (the facility's energy, cooling included), so servers are compared
    with everything else on the same footing.
    """

    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    meter = models.CharField(_("meter"), max_length=100)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    reading_kwh = models.DecimalField(
        _("reading, kWh"),
        max_digits=14,
        decimal_places=3,
        validators=[MinValueValidator(Decimal(0))],
    )
    reading_kind = models.CharField(
        _("the reading measures"),
        max_length=10,
        choices=ReadingKind.choices,
        default=ReadingKind.FACILITY,
    )
    pue = models.DecimalField(
        _("PUE"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("1.0")), MaxValueValidator(Decimal("5.0"))],
        help_text=_("Power usage effectiveness: facility energy / IT energy (1.0–5.0)."),
    )
    kwh = models.DecimalField(_("ledger kWh"), max_digits=14, decimal_places=3)
    origin = models.CharField(
        _("origin"), max_length=10, choices=Origin.choices, default=Origin.METERED
    )
    data_quality = models.CharField(
        _("data quality"), max_length=10, choices=DataQuality.choices, default=DataQuality.HIGH
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty for shared infrastructure (the data centre, the city network)."),
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("energy reading")
        verbose_name_plural = _("energy readings")
        ordering = ["month", "scope", "meter"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "meter", "month"], name="energy_reading_once")
        ]
        indexes = [models.Index(fields=["month", "scope"])]

    def __str__(self) -> str:
        return f"{self.meter} {self.month:%Y-%m}"

    def save(self, *args, **kwargs) -> None:
        if self.month is not None and self.month.day != 1:
            self.month = self.month.replace(day=1)
        self.kwh = ledger_kwh(self.reading_kwh, self.reading_kind, self.pue)
        super().save(*args, **kwargs)


def ledger_kwh(reading_kwh: Decimal, kind: str, pue: Decimal | None) -> Decimal:
    """The facility energy behind a reading: IT load × PUE, else the reading as it is."""
    reading = Decimal(reading_kwh)
    if kind == ReadingKind.IT_LOAD and pue is not None:
        return (reading * Decimal(pue)).quantize(Decimal("0.001"))
    return reading


class Kpi(models.TextChoices):
    """Every KPI a target can be set for; :mod:`kretslopp.energy.kpis` knows their actuals."""

    IT_ENERGY_KWH = "it_energy_kwh", _("IT energy, kWh")
    IT_KG_CO2E = "it_kg_co2e", _("IT energy CO2e, kg")
    PAGES_PRINTED = "pages_printed", _("Pages printed")


class TrajectoryChoice(models.TextChoices):
    LINEAR = "linear", _("straight line")
    CONSTANT_RATE = "constant_rate", _("same percentage every year")


@audit.register
class Target(models.Model):
    """A target for one KPI; the status, forecast and cut needed come from kretslopp.targets."""

    name = models.CharField(_("name"), max_length=200)
    kpi = models.CharField(_("KPI"), max_length=30, choices=Kpi.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty for the whole organisation."),
    )
    baseline_year = models.PositiveIntegerField(
        _("baseline year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    baseline_value = models.FloatField(_("baseline value"), validators=[MinValueValidator(0)])
    target_year = models.PositiveIntegerField(
        _("target year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    target_value = models.FloatField(_("target value"), validators=[MinValueValidator(0)])
    trajectory = models.CharField(
        _("trajectory"),
        max_length=20,
        choices=TrajectoryChoice.choices,
        default=TrajectoryChoice.LINEAR,
    )
    commitment = models.CharField(
        _("commitment"),
        max_length=200,
        blank=True,
        help_text=_("What the target stems from, e.g. the Eurocities Green Digital Charter."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["kpi", "target_year", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("energy:target", args=[self.pk])

    def clean(self) -> None:
        from kretslopp.energy import kpis

        if (
            self.target_year is not None
            and self.baseline_year is not None
            and self.target_year <= self.baseline_year
        ):
            raise ValidationError(
                {"target_year": _("The target year must come after the baseline year.")}
            )
        if self.kpi and self.baseline_value is not None and self.target_value is not None:
            try:
                self.as_engine_target(kpis.get(self.kpi))
            except ValueError:
                raise ValidationError(
                    {
                        "target_value": _(
                            "The target value must lie on the good side of the baseline "
                            "(below it for a KPI that should fall), and both must be positive "
                            "for a constant-rate trajectory."
                        )
                    }
                ) from None

    def as_engine_target(self, definition=None):
        """This target as :class:`kretslopp.targets.Target` (raises ValueError if invalid)."""
        from kretslopp import targets
        from kretslopp.energy import kpis

        definition = definition or kpis.get(self.kpi)
        return targets.Target(
            kpi=self.kpi,
            baseline_year=self.baseline_year,
            baseline_value=float(self.baseline_value),
            target_year=self.target_year,
            target_value=float(self.target_value),
            trajectory=self.trajectory,
            direction=definition.direction,
            unit=str(definition.unit),
        )

    @property
    def change_fraction(self) -> float | None:
        if not self.baseline_value:
            return None
        return self.target_value / self.baseline_value - 1.0
