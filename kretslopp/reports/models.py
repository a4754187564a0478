"""A report's frozen snapshot: every figure, method choice and source, as JSON.

The report is drawn from the snapshot only, never from live data, so a report published
in March can be regenerated identically in December after the data has moved on.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kretslopp.organisation.models import Department


class SnapshotState(models.TextChoices):
    """A snapshot taken on the web is prepared by the worker (it reads the whole fleet)."""

    QUEUED = "queued", _("being prepared")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")


class ReportSnapshot(models.Model):
    """The figures of one year's report (the organisation's, or one department's)."""

    year = models.PositiveIntegerField(_("year"))
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_snapshots",
    )
    created_at = models.DateTimeField(_("taken"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    #: ``{"meta": {...}, "sv": {"sections": [...]}, "en": {"sections": [...]}}``.
    content = models.JSONField(_("content"), default=dict)
    state = models.CharField(
        _("state"), max_length=10, choices=SnapshotState.choices, default=SnapshotState.READY
    )
    #: Why the worker could not take the snapshot (a failed one holds no figures): the
    #: exception as the log has it, shown to administrators only; everyone else reads a
    #: sentence in their language (the archive's template).
    failure = models.TextField(_("failure"), blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("report snapshot")
        verbose_name_plural = _("report snapshots")

    def __str__(self) -> str:
        if self.department_id:
            return f"{self.year} {self.department}"
        return str(self.year)

    @property
    def is_ready(self) -> bool:
        return self.state == SnapshotState.READY
