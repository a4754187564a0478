"""The KPI catalogue, what the organisation publishes, and the peers' values it received.

Our own published values and a peer's values are kept in separate tables: a received figure
can never be mistaken for ours, and deleting a peer removes everything it sent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kretslopp.core import audit


class Normalisation(models.TextChoices):
    ABSOLUTE = "absolute", _("absolute")
    PER_EMPLOYEE = "per_employee", _("per employee")
    PER_DEVICE = "per_device", _("per device in use")


class Direction(models.TextChoices):
    DECREASE = "decrease", _("lower is better")
    INCREASE = "increase", _("higher is better")


class Framework(models.TextChoices):
    GDC = "gdc", _("Green Digital Charter")
    GHG = "ghg", _("GHG Protocol category")
    OWN = "own", _("Kretslopp's own")


class Factors(models.TextChoices):
    """Which factor choices the value depends on (what its factor-set version names)."""

    NONE = "none", _("no factors")
    FACTOR_SET = "factor_set", _("footprint factor set")
    FACTOR_SET_GRID = "factor_set+grid", _("footprint factor set and grid factor")


class CatalogueKpi(models.Model):
    """One KPI of the exchange catalogue (seeded from ``data/catalogue.csv``).

    ``source_kpi`` names the KPI in ``registry.kpis`` whose yearly actuals it is built from;
    ``normalisation`` says what they are divided by.
    """

    kpi = models.CharField(_("KPI id"), max_length=20, primary_key=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    source_kpi = models.CharField(_("computed from"), max_length=30)
    normalisation = models.CharField(
        _("normalisation"), max_length=20, choices=Normalisation.choices
    )
    unit = models.CharField(_("unit"), max_length=40)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    framework = models.CharField(_("framework"), max_length=10, choices=Framework.choices)
    ghg_category = models.CharField(_("GHG category"), max_length=80, blank=True)
    method = models.CharField(_("method"), max_length=80)
    factors = models.CharField(_("factors"), max_length=20, choices=Factors.choices)
    title_sv = models.CharField(_("title (Swedish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    definition_sv = models.TextField(_("definition (Swedish)"))
    definition_en = models.TextField(_("definition (English)"))

    class Meta:
        ordering = ["kpi"]
        verbose_name = _("catalogue KPI")
        verbose_name_plural = _("KPI catalogue")

    def __str__(self) -> str:
        return f"{self.kpi} {self.title}"

    @property
    def title(self) -> str:
        return self.title_en if (get_language() or "sv").startswith("en") else self.title_sv

    @property
    def definition(self) -> str:
        return (
            self.definition_en if (get_language() or "sv").startswith("en") else self.definition_sv
        )

    @property
    def lower_is_better(self) -> bool:
        return self.direction == Direction.DECREASE


@audit.register
class Publisher(models.Model):
    """Who we are in the exchange: the organisation's municipality code (Malmö is 1280)."""

    municipality_code = models.CharField(_("municipality code"), max_length=4)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("exchange publisher")
        verbose_name_plural = _("exchange publisher")

    def __str__(self) -> str:
        return f"{self.municipality_code} {self.name}"

    @classmethod
    def current(cls) -> Publisher | None:
        return cls.objects.order_by("pk").first()


@audit.register
class Publication(models.Model):
    """One of our values the sustainability lead published, frozen as it was published.

    Only these are exported; publishing again replaces the frozen value (audited).
    """

    kpi = models.ForeignKey(CatalogueKpi, on_delete=models.PROTECT, related_name="publications")
    kpi_version = models.PositiveIntegerField(_("KPI version"))
    period = models.PositiveIntegerField(_("year"))
    value = models.FloatField(_("value"))
    count = models.PositiveIntegerField(_("denominator"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, blank=True)
    method = models.CharField(_("method"), max_length=80)
    factor_set = models.CharField(_("factor-set version"), max_length=120, blank=True)
    data_quality = models.CharField(_("data quality"), max_length=10, blank=True)
    published_at = models.DateTimeField(_("published"), auto_now=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["kpi", "period"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "period"], name="exchange_one_publication")
        ]
        verbose_name = _("published KPI value")
        verbose_name_plural = _("published KPI values")

    def __str__(self) -> str:
        return f"{self.kpi_id} {self.period}"


@audit.register
class Peer(models.Model):
    """Another municipality whose values we received, by its official municipality code."""

    municipality_code = models.CharField(_("municipality code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source"), max_length=200)
    is_demo = models.BooleanField(_("generated demo data"), default=False)

    class Meta:
        ordering = ["municipality_code"]
        verbose_name = _("peer municipality")
        verbose_name_plural = _("peer municipalities")

    def __str__(self) -> str:
        return f"{self.municipality_code} {self.name}"


@audit.register
class PeerValue(models.Model):
    """One value a peer sent, as it sent it (its KPI version, method and factor set)."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="values")
    kpi = models.ForeignKey(CatalogueKpi, on_delete=models.PROTECT, related_name="+")
    kpi_version = models.PositiveIntegerField(_("KPI version"))
    period = models.PositiveIntegerField(_("year"))
    value = models.FloatField(_("value"), null=True)
    count = models.PositiveIntegerField(_("denominator"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, blank=True)
    method = models.CharField(_("method"), max_length=80)
    factor_set = models.CharField(_("factor-set version"), max_length=120, blank=True)
    data_quality = models.CharField(_("data quality"), max_length=10, blank=True)
    import_job = models.PositiveIntegerField(_("import job"), null=True, blank=True)

    class Meta:
        ordering = ["peer", "kpi", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["peer", "kpi", "period"], name="exchange_one_peer_value"
            )
        ]
        verbose_name = _("peer's KPI value")
        verbose_name_plural = _("peers' KPI values")

    def __str__(self) -> str:
        return f"{self.peer_id} {self.kpi_id} {self.period}"
