"""Cross-cutting records: the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One write to a business record: who, when, and each field's old → new value."""

    ACTIONS = [("create", _("created")), ("update", _("changed")), ("delete", _("deleted"))]

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=10, choices=ACTIONS)
    # No index of its own: the (content_type, object_id, -at) index serves it.
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    changes = models.JSONField(default=dict)
    # The request or job that made the write (``core.audit.batch``): the log groups by it.
    batch = models.CharField(_("batch"), max_length=40, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class ScheduledRun(models.Model):
    """When a periodic job (``registry.periodic_jobs``) last started and how it ended.

    The row is also the schedule's claim: a scheduler enqueues the job only by moving
    ``started_at`` forward from the value it read, so two workers running the schedule
    never enqueue the same run twice (see :mod:`kretslopp.core.schedule`).
    """

    name = models.CharField(_("job"), max_length=60, unique=True)
    started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    succeeded = models.BooleanField(_("succeeded"), null=True)
    outcome = models.TextField(_("outcome"), blank=True, default="")

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
