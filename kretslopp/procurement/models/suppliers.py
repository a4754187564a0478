"""Supplier follow-up (Make ICT Fair): commitments, contract conditions, audits, actions.

A fair-ICT clause is worth what its follow-up is worth: the supplier's commitments are
recorded with their evidence, each contract condition has a due date, and each audit's
findings carry corrective actions with an owner and a due date, so an overdue action is
listed rather than forgotten. Every record is on the audit trail (``audit.register``);
external texts (a code of conduct, an audit report) are attachments stored under
``MEDIA_ROOT/procurement/`` and served only through the supplier pages' access checks.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kretslopp.core import audit

ATTACHMENT_DIR = "procurement/%Y/"


@audit.register
class SupplierCommitment(models.Model):
    """What a supplier has committed to for a fair supply chain, as it stands today."""

    supplier = models.OneToOneField(
        "procurement.Supplier",
        on_delete=models.CASCADE,
        related_name="commitment",
        verbose_name=_("supplier"),
    )
    code_of_conduct = models.BooleanField(_("has signed our code of conduct"), default=False)
    code_of_conduct_signed_on = models.DateField(_("code of conduct signed"), null=True, blank=True)
    rba_member = models.BooleanField(
        _("member of the Responsible Business Alliance"), default=False
    )
    rba_level = models.CharField(
        _("RBA membership level"),
        max_length=60,
        blank=True,
        help_text=_("As the supplier states it and the alliance's member list confirms."),
    )
    conflict_minerals_policy = models.BooleanField(
        _("has a conflict-minerals policy"), default=False
    )
    conflict_minerals_note = models.TextField(_("conflict-minerals policy, in short"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to=ATTACHMENT_DIR, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("supplier commitment")
        verbose_name_plural = _("supplier commitments")

    def __str__(self) -> str:
        return str(self.supplier)


class ConditionStatus(models.TextChoices):
    OPEN = "open", _("to be followed up")
    MET = "met", _("met")
    NOT_MET = "not_met", _("not met")


@audit.register
class ContractCondition(models.Model):
    """A contract condition to follow up by a date (e.g. the annual reuse and recycling report)."""

    contract = models.ForeignKey(
        "procurement.Contract",
        on_delete=models.CASCADE,
        related_name="conditions",
        verbose_name=_("contract"),
    )
    title = models.CharField(_("condition"), max_length=200)
    description = models.TextField(_("what is to be delivered or shown"), blank=True)
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=ConditionStatus.choices, default=ConditionStatus.OPEN
    )
    followed_up_on = models.DateField(_("followed up"), null=True, blank=True)
    attachment = models.FileField(_("attachment"), upload_to=ATTACHMENT_DIR, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contract condition")
        verbose_name_plural = _("contract conditions")
        ordering = ["due_on", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def overdue(self) -> bool:
        return self.status == ConditionStatus.OPEN and self.due_on < timezone.localdate()


@audit.register
class SupplierAudit(models.Model):
    """An audit of a factory or of the supply chain, by the supplier, us or a third party."""

    supplier = models.ForeignKey(
        "procurement.Supplier",
        on_delete=models.PROTECT,
        related_name="audits",
        verbose_name=_("supplier"),
    )
    contract = models.ForeignKey(
        "procurement.Contract",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audits",
        verbose_name=_("contract"),
    )
    audited_on = models.DateField(_("audit date"))
    auditor = models.CharField(_("audited by"), max_length=200)
    site = models.CharField(
        _("factory or part of the supply chain"),
        max_length=200,
        help_text=_("For example the final assembly factory, or the battery cell supplier."),
    )
    summary = models.TextField(_("summary"), blank=True)
    attachment = models.FileField(_("audit report"), upload_to=ATTACHMENT_DIR, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("supplier audit")
        verbose_name_plural = _("supplier audits")
        ordering = ["-audited_on", "supplier"]

    def __str__(self) -> str:
        return f"{self.supplier} {self.audited_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("procurement:supplier_audit", args=[self.pk])


class Severity(models.TextChoices):
    """How grave a finding is; the order matters (most severe first on the pages)."""

    PRIORITY = "priority", _("priority (immediate risk to people)")
    MAJOR = "major", _("major")
    MINOR = "minor", _("minor")
    OBSERVATION = "observation", _("observation")


@audit.register
class AuditFinding(models.Model):
    audit = models.ForeignKey(
        SupplierAudit, on_delete=models.CASCADE, related_name="findings", verbose_name=_("audit")
    )
    description = models.TextField(_("finding"))
    severity = models.CharField(_("severity"), max_length=12, choices=Severity.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("audit finding")
        verbose_name_plural = _("audit findings")
        ordering = ["audit", "pk"]

    def __str__(self) -> str:
        return self.description[:80]


class ActionStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    VERIFIED = "verified", _("verified")


#: Statuses in which an action still has to be done.
PENDING = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class CorrectiveActionQuerySet(models.QuerySet):
    def overdue(self, today: dt.date | None = None) -> CorrectiveActionQuerySet:
        """Actions not done whose due date has passed."""
        today = today or timezone.localdate()
        return self.filter(Q(status__in=PENDING) & Q(due_on__lt=today))


@audit.register
class CorrectiveAction(models.Model):
    """What the supplier must do about a finding, who answers for it, and by when."""

    finding = models.ForeignKey(
        AuditFinding, on_delete=models.CASCADE, related_name="actions", verbose_name=_("finding")
    )
    description = models.TextField(_("corrective action"))
    owner = models.CharField(
        _("responsible"),
        max_length=200,
        help_text=_("Who answers for it: a role at the supplier or the factory."),
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CorrectiveActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def overdue(self) -> bool:
        return self.status in PENDING and self.due_on < timezone.localdate()
