"""The criteria library as stored rows: shipped with the app, editable by procurement, versioned.

The shipped rows come from :mod:`kretslopp.tendering`'s data files (migration 0002 and
``seed_library``); procurement may change a row or add its own. Every save that changes a
criterion's content bumps ``version`` and keeps the previous content as a
:class:`CriterionVersion`, so a procurement can say which wording it used.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kretslopp.core import audit
from kretslopp.procurement.exchange import CRITERION_FIELDS


class CriterionType(models.TextChoices):
    TECHNICAL_SPECIFICATION = "technical_specification", _("Technical specification")
    AWARD_CRITERION = "award_criterion", _("Award criterion")
    CONTRACT_CONDITION = "contract_condition", _("Contract condition")
    QUALIFICATION_REQUIREMENT = "qualification_requirement", _("Qualification requirement")


class Level(models.TextChoices):
    NONE = "", _("no level")
    BAS = "bas", _("Basic level (bas)")
    AVANCERAD = "avancerad", _("Advanced level (avancerad)")
    SPJUTSPETS = "spjutspets", _("Cutting-edge level (spjutspets)")
    CORE = "core", _("Core (EU GPP)")
    COMPREHENSIVE = "comprehensive", _("Comprehensive (EU GPP)")


class CheckKind(models.TextChoices):
    THRESHOLD = "threshold", _("A figure against a threshold")
    DECLARATION = "declaration", _("The bidder's declaration")
    LABEL = "label", _("A valid label certificate")
    BANDED = "banded", _("Points by bands")
    FIELD_PRESENT = "field_present", _("A figure is given")


class Origin(models.TextChoices):
    SHIPPED = "shipped", _("shipped with Kretslopp")
    OWN = "own", _("our own")
    IMPORTED = "imported", _("imported from another organisation")


#: The fields whose content a version keeps (everything a reader or an evaluation uses).
VERSIONED_FIELDS = (
    # The criterion's content as the exchange file carries it (one list for both), less its id.
    *(field for field in CRITERION_FIELDS if field != "criterion_id"),
    "is_active",
)


@audit.register
class Criterion(models.Model):
    """One criterion of the library, with our own summary in Swedish and English."""

    criterion_id = models.SlugField(_("criterion id"), max_length=60, unique=True)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    imported_from = models.CharField(_("imported from"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=100)
    source_id = models.CharField(_("source document"), max_length=60, blank=True)
    source_ref = models.CharField(_("id at the source"), max_length=40, blank=True)
    level = models.CharField(_("level"), max_length=15, choices=Level.choices, blank=True)
    type = models.CharField(_("type"), max_length=30, choices=CriterionType.choices)
    product_groups = models.JSONField(_("product groups"), default=list)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_sv = models.CharField(_("title (Swedish)"), max_length=200)
    summary_en = models.TextField(_("summary (English)"))
    summary_sv = models.TextField(_("summary (Swedish)"))
    accepted_proof = models.JSONField(_("accepted as proof"), default=list)
    follow_up_en = models.TextField(_("follow-up (English)"), blank=True)
    follow_up_sv = models.TextField(_("follow-up (Swedish)"), blank=True)
    version_date = models.DateField(_("version date"), null=True, blank=True)
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)
    url = models.URLField(_("web address"), max_length=400, blank=True)
    check_kind = models.CharField(_("how it is judged"), max_length=15, choices=CheckKind.choices)
    check_field = models.CharField(_("figure checked"), max_length=40, blank=True)
    check_operator = models.CharField(_("comparison"), max_length=2, blank=True)
    check_value = models.DecimalField(
        _("threshold"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    scoring_rule = models.CharField(_("scoring rule"), max_length=60, blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)
    note_sv = models.TextField(_("note (Swedish)"), blank=True)
    is_active = models.BooleanField(_("offered for new procurements"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["criterion_id"]

    def __str__(self) -> str:
        return f"{self.criterion_id} {self.text('title')}"

    def get_absolute_url(self) -> str:
        return reverse("procurement:criterion", args=[self.pk])

    def text(self, name: str, language: str | None = None) -> str:
        """``title``, ``summary``, ``follow_up`` or ``note`` in the reader's language."""
        swedish = (language or get_language() or "sv").split("-")[0] == "sv"
        primary = getattr(self, f"{name}_{'sv' if swedish else 'en'}")
        return primary or getattr(self, f"{name}_{'en' if swedish else 'sv'}")

    @property
    def mandatory(self) -> bool:
        return self.type != CriterionType.AWARD_CRITERION

    def content(self) -> dict[str, object]:
        """The versioned content as JSON-ready values (what :class:`CriterionVersion` keeps)."""
        out: dict[str, object] = {}
        for name in VERSIONED_FIELDS:
            value = getattr(self, name)
            if hasattr(value, "isoformat"):
                value = value.isoformat()
            elif value is not None and not isinstance(value, bool | list | str | int):
                value = str(value)
            out[name] = value
        return out


class CriterionVersion(models.Model):
    """A criterion's content as it was in one version (kept when a later edit replaces it)."""

    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="versions", verbose_name=_("criterion")
    )
    version = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    change_note = models.CharField(_("what changed and why"), max_length=300, blank=True)
    saved_at = models.DateTimeField(_("saved"), auto_now_add=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("criterion version")
        verbose_name_plural = _("criterion versions")
        ordering = ["criterion", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "version"], name="criterion_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.criterion.criterion_id} v{self.version}"


class LabelTier(models.Model):
    """A generation or tier of a label scheme (TCO Certified generation 10, EPEAT Gold …).

    Seeded from ``tendering/data/labels.csv``; criteria name these as accepted proof
    (``scheme_id`` or ``scheme_id:tier``).
    """

    scheme_id = models.SlugField(_("scheme id"), max_length=40)
    tier = models.CharField(_("generation or tier"), max_length=40, blank=True)
    scheme = models.CharField(_("label"), max_length=100)
    tier_label_en = models.CharField(_("tier (English)"), max_length=100, blank=True)
    tier_label_sv = models.CharField(_("tier (Swedish)"), max_length=100, blank=True)
    product_groups = models.JSONField(_("product groups"), default=list)
    valid_from = models.CharField(_("certifiable from"), max_length=10, blank=True)
    valid_to = models.CharField(_("certifiable until"), max_length=10, blank=True)
    summary_en = models.TextField(_("summary (English)"))
    summary_sv = models.TextField(_("summary (Swedish)"))
    source_id = models.CharField(_("source"), max_length=60, blank=True)
    url = models.URLField(_("web address"), max_length=400, blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)
    note_sv = models.TextField(_("note (Swedish)"), blank=True)

    class Meta:
        verbose_name = _("label tier")
        verbose_name_plural = _("label tiers")
        ordering = ["scheme_id", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["scheme_id", "tier"], name="label_tier_once")
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.text('tier_label')}".strip()

    def text(self, name: str, language: str | None = None) -> str:
        swedish = (language or get_language() or "sv").split("-")[0] == "sv"
        return getattr(self, f"{name}_{'sv' if swedish else 'en'}")
