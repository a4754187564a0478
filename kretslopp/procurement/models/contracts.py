"""Evaluations (frozen when decided) and the contracts a decided procurement becomes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kretslopp.core import audit
from kretslopp.inventory.models import ProductModel

from .offers import OfferLine
from .procurements import Procurement, Supplier


class Evaluation(models.Model):
    """An evaluation run: its complete inputs and result as JSON.

    Not audited field by field: its inputs and result run to megabytes, and it is never
    changed once decided. :func:`kretslopp.procurement.evaluation.decide` records the
    decision on the audit trail itself (who, when, which model, the winners).

    ``inputs`` is what ``tendering.evaluate`` was given (parameters, criteria uses with
    their rules copied, every offer line), so ``tendering.reproduce(inputs)`` gives the same
    ``result`` whatever happens later to the library or the factor set. Once ``decided_at``
    is set the row is never changed; a procurement has at most one decided evaluation.
    """

    procurement = models.ForeignKey(
        Procurement,
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name=_("procurement"),
    )
    method_version = models.CharField(_("method version"), max_length=10)
    inputs = models.JSONField(_("inputs"))
    result = models.JSONField(_("result"))
    embodied_source = models.CharField(_("embodied CO2e defaults from"), max_length=200, blank=True)
    evaluated_at = models.DateTimeField(_("evaluated"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_note = models.TextField(_("reasons for the decision"), blank=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["procurement", "-evaluated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["procurement"],
                condition=Q(decided_at__isnull=False),
                name="one_decided_evaluation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.procurement.reference} {self.evaluated_at:%Y-%m-%d %H:%M}"


@audit.register
class Contract(models.Model):
    """A framework agreement (avtal) with one supplier, from a decided procurement or entered."""

    procurement = models.ForeignKey(
        Procurement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name=_("procurement"),
    )
    evaluation = models.ForeignKey(
        Evaluation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name=_("evaluation"),
    )
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("supplier")
    )
    reference = models.CharField(_("contract reference"), max_length=60, unique=True)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-starts_on", "reference"]

    def __str__(self) -> str:
        return f"{self.reference} {self.supplier.name}"

    def get_absolute_url(self) -> str:
        return reverse("procurement:contract", args=[self.pk])


@audit.register
class ContractModel(models.Model):
    """A product model bought under a contract, at its contracted price.

    ``offer_line`` is the winning line it came from; ``product_model`` links the catalogue's
    model once it exists there, which is how delivered assets find their contract.
    """

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="models", verbose_name=_("contract")
    )
    offer_line = models.ForeignKey(
        OfferLine,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("offer line"),
    )
    product_model = models.ForeignKey(
        ProductModel,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contract_models",
        verbose_name=_("catalogue model"),
    )
    lot = models.CharField(_("lot"), max_length=60, blank=True)
    category = models.CharField(_("product category"), max_length=20)
    manufacturer = models.CharField(_("manufacturer"), max_length=200)
    model = models.CharField(_("model"), max_length=200)
    price_per_unit_sek = models.DecimalField(
        _("price per unit, SEK"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    units = models.PositiveIntegerField(_("units"), null=True, blank=True)

    class Meta:
        verbose_name = _("contracted model")
        verbose_name_plural = _("contracted models")
        ordering = ["contract", "lot", "manufacturer", "model"]

    def __str__(self) -> str:
        return f"{self.manufacturer} {self.model}"
