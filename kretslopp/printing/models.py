"""Print volumes per department, month and printer — aggregated, never individual jobs.

A print log names people; Kretslopp keeps only monthly totals per department and printer,
so the only personal data involved is the mapping from a user name to a department, which
already lives in :class:`~kretslopp.organisation.models.Person`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kretslopp.core import audit
from kretslopp.organisation.models import Department


class MappingKind(models.TextChoices):
    BILLING_CODE = "billing_code", _("billing code")
    USER = "user", _("user")
    PRINTER = "printer", _("printer")


#: The order in which a job's department is decided: an explicit billing code first, then
#: the person who printed, then where the printer stands.
MAPPING_ORDER: tuple[str, ...] = (MappingKind.BILLING_CODE, MappingKind.USER, MappingKind.PRINTER)


@audit.register
class PrintMapping(models.Model):
    """Which department a printer, billing code (or a user not in the register) belongs to."""

    kind = models.CharField(_("kind"), max_length=20, choices=MappingKind.choices)
    key = models.CharField(_("name in the log"), max_length=200)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("print mapping")
        verbose_name_plural = _("print mappings")
        ordering = ["kind", "key"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="print_mapping_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key} → {self.department.code}"


class LogSource(models.TextChoices):
    CUPS = "cups", _("CUPS page_log")
    PAPERCUT = "papercut", _("PaperCut print log")
    DEMO = "demo", _("demo data")


@audit.register
class PrintImport(models.Model):
    """One imported print log: where the volumes came from, and a guard against doubles."""

    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    source = models.CharField(_("log format"), max_length=20, choices=LogSource.choices)
    jobs = models.PositiveIntegerField(_("jobs"), default=0)
    pages = models.PositiveBigIntegerField(_("pages"), default=0)
    unmapped_jobs = models.PositiveIntegerField(_("jobs without a department"), default=0)
    first_month = models.DateField(_("first month"), null=True)
    last_month = models.DateField(_("last month"), null=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("print log import")
        verbose_name_plural = _("print log imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


class PrintVolume(models.Model):
    """Totals of one (department, month, printer) from one import.

    Written in bulk by the import (which audits the import as a whole). ``department`` is
    empty when the mapping could not place the jobs: they stay in the totals, visibly.
    """

    print_import = models.ForeignKey(PrintImport, on_delete=models.CASCADE, related_name="volumes")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, on_delete=models.PROTECT
    )
    month = models.DateField(_("month"))
    printer = models.CharField(_("printer"), max_length=200)
    jobs = models.PositiveIntegerField(_("jobs"))
    pages = models.PositiveBigIntegerField(_("pages"))
    sheets = models.PositiveBigIntegerField(_("sheets"))
    a4_sheets = models.FloatField(_("A4-equivalent sheets"))
    pages_duplex = models.PositiveBigIntegerField(default=0)
    pages_duplex_known = models.PositiveBigIntegerField(default=0)
    pages_colour = models.PositiveBigIntegerField(default=0)
    pages_colour_known = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("print volume")
        verbose_name_plural = _("print volumes")
        indexes = [models.Index(fields=["month", "department"])]
        constraints = [
            models.UniqueConstraint(
                fields=["print_import", "department", "month", "printer"],
                name="print_volume_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.printer} {self.month:%Y-%m}"
