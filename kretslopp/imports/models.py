"""Import runs, saved column mappings and the editable category and status value maps."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kretslopp.core import audit
from kretslopp.tabular import normalise_header


class JobState(models.TextChoices):
    #: A large file waits for ``kretslopp worker`` to check or import it (kretslopp.imports.jobs).
    QUEUED = "queued", _("Waiting for its turn")
    CHECKING = "checking", _("Being checked")
    PREVIEWED = "previewed", _("Checked, not imported")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    REJECTED = "rejected", _("Rejected: nothing imported")
    UNREADABLE = "unreadable", _("The file could not be read")
    FAILED = "failed", _("Failed: nothing imported")
    CANCELLED = "cancelled", _("Cancelled: nothing imported")


class Failure(models.TextChoices):
    """Why a failed job failed, when no problem of the file says it (shown on its page)."""

    INTERRUPTED = (
        "interrupted",
        _(
            "The work on this file stopped before it finished: the process doing it ended "
            "(a restart, a crash or a time-out). Nothing was imported; upload the file again."
        ),
    )
    FILE_CHANGED = (
        "file_changed",
        _(
            "The stored file is not the one that was checked, so nothing was imported. "
            "Upload the file again."
        ),
    )
    NOT_ALLOWED = (
        "not_allowed",
        _(
            "When its turn came, the person who started it could no longer import into this, "
            "or what it was for had been removed. Nothing was imported."
        ),
    )
    ERROR = (
        "error",
        _(
            "The import broke off with an unexpected error, so nothing was imported. Try "
            "again; if it happens again, tell your administrator."
        ),
    )


#: The kind of audit batch an import's writes are filed under (``import:<job id>``).
AUDIT_BATCH_KIND = "import"


class FileJob(models.Model):
    """What an import and an export written by the worker share: the file a person handed
    in or asked for, who that was, when it ended and which worker holds it."""

    file_name = models.CharField(_("file"), max_length=255)
    stored_file = models.CharField(max_length=255, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    #: The lock of the worker working on it (:mod:`kretslopp.imports.liveness`).
    worker = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        abstract = True


class ImportJob(FileJob):
    """One import of one file or API pull: what was read, how it was mapped, what came of it.

    Written outside the import's own transaction, so a rejected or failed run still leaves
    its record (and its error report) behind while the inventory stays untouched. While a
    process works on it (``checking`` or ``running``), ``worker`` names the lock that
    process holds, so that a job whose process died is noticed (see
    :mod:`kretslopp.imports.liveness`).
    """

    target = models.CharField(_("imported into"), max_length=30, default="assets")
    #: What the target needs besides the file (a partner report's campaign, a log's format).
    options = models.JSONField(default=dict, blank=True)
    source = models.CharField(_("source"), max_length=30, default="file")
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=20, choices=JobState.choices, default=JobState.CHECKING
    )
    failure = models.CharField(
        _("why it failed"), max_length=20, choices=Failure.choices, blank=True, default=""
    )
    allow_new_models = models.BooleanField(_("create missing models and locations"), default=False)
    mapping = models.JSONField(default=dict)
    file_info = models.JSONField(default=dict)
    summary = models.JSONField(default=dict)
    preview_rows = models.JSONField(default=list)
    problems = models.JSONField(default=list)
    problem_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.file_name}"

    def get_absolute_url(self) -> str:
        return reverse("imports:job", args=[self.pk])

    @property
    def reference(self) -> str:
        """How lifecycle events and audit entries point back at this run."""
        return f"import #{self.pk}"

    @property
    def target_label(self) -> str:
        """What the job imported into, as its app registered it (the job list shows it)."""
        from kretslopp.imports.runs import label_of

        return label_of(self.target)

    @property
    def audit_batch(self) -> str:
        """The batch its audit entries are filed under (``core.audit.batch``)."""
        return f"{AUDIT_BATCH_KIND}:{self.pk}"

    @property
    def finished(self) -> bool:
        return self.state in {
            JobState.DONE,
            JobState.REJECTED,
            JobState.FAILED,
            JobState.CANCELLED,
        }


def job_label(key: str) -> str:
    """How the audit log names the batch of job ``key``: "Import #12"."""
    return gettext("Import #%(id)s") % {"id": key}


def job_url(key: str) -> str | None:
    """The page of job ``key``, while the job is kept (retention removes old ones)."""
    if not key.isdigit() or not ImportJob.objects.filter(pk=int(key)).exists():
        return None
    return reverse("imports:job", args=[int(key)])


@audit.register
class SavedMapping(models.Model):
    """A column mapping kept under a name, by header name, so next month's file needs none.

    Every importer may use any saved mapping, but only its owner (or whoever manages import
    settings, see :meth:`kretslopp.organisation.access.Access.may_change_owned`) may change
    or remove it: saving under a name someone else uses is refused, not an overwrite.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    target = models.CharField(_("imported into"), max_length=30, default="assets")
    columns = models.JSONField(
        _("columns"), default=dict, help_text=_("Column name in the file → field.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("saved column mapping")
        verbose_name_plural = _("saved column mappings")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ValueKind(models.TextChoices):
    CATEGORY = "category", _("Category")
    STATUS = "status", _("Status")
    DEPARTMENT = "department", _("Department")
    LOCATION = "location", _("Location")


#: Kinds whose mapping names a code (a category, a status) rather than a record.
CODE_KINDS = (ValueKind.CATEGORY, ValueKind.STATUS)


@audit.register
class ValueMap(models.Model):
    """One name another system uses and what it means here.

    A category or status name means one of our codes; a department name (Snipe-IT's
    company, GLPI's entity, an Intune group) means one of our departments, a location name
    one of our locations. Rows here win over the defaults built into
    :mod:`kretslopp.imports.assets.columns` and over the names of our own records, so a
    municipality can say what its own Snipe-IT status "Arkiverad" means without a release,
    and a migration needs one decision per unknown name rather than one per row.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=ValueKind.choices)
    source_name = models.CharField(_("name in the file"), max_length=200)
    key = models.CharField(max_length=200, editable=False)
    code = models.CharField(_("means"), max_length=20, blank=True)
    department = models.ForeignKey(
        "organisation.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    location = models.ForeignKey(
        "organisation.Location",
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("value mapping")
        verbose_name_plural = _("value mappings")
        ordering = ["kind", "source_name"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="unique_value_map")]

    def __str__(self) -> str:
        if self.kind == ValueKind.DEPARTMENT and self.department_id:
            return f"{self.source_name} → {self.department.code}"
        if self.kind == ValueKind.LOCATION and self.location_id:
            return f"{self.source_name} → {self.location.name}"
        return f"{self.source_name} → {self.code}"

    def save(self, *args, **kwargs) -> None:
        self.key = normalise_header(self.source_name)
        super().save(*args, **kwargs)

    @property
    def meaning(self) -> str:
        """What the name means here, in the reader's language."""
        from kretslopp.imports.valuemaps import choices

        if self.kind == ValueKind.DEPARTMENT:
            return str(self.department)
        if self.kind == ValueKind.LOCATION:
            return str(self.location)
        return dict(choices(self.kind)).get(self.code, self.code)

    @property
    def department_scope(self) -> int | None:
        """The one department this mapping points into, if any (who may change it)."""
        if self.kind == ValueKind.DEPARTMENT:
            return self.department_id
        if self.kind == ValueKind.LOCATION and self.location_id:
            return self.location.department_id
        return None


class ImportFingerprint(models.Model):
    """What the import row that last wrote an asset looked like, so a re-import can skip it.

    ``digest`` is a keyed hash of the row's mapped cells, keyed by the column mapping and by
    the reference data the cells were resolved through (see
    :mod:`kretslopp.imports.assets.fingerprints`); ``asset_updated_at`` is the asset's
    ``updated_at`` just after that import. A later row with the same digest for an asset
    whose ``updated_at`` is still that moment cannot change anything, so it is counted as
    unchanged without being parsed.

    The link to the asset has no database constraint (``db_constraint=False``): the demo
    loader and the benchmarks empty the asset table with plain SQL, and a leftover
    fingerprint is harmless — asset ids are never reused, and it is only ever looked up
    through an asset that exists. Deleting an asset through the ORM still deletes it.
    """

    asset = models.OneToOneField(
        "inventory.Asset",
        on_delete=models.CASCADE,
        primary_key=True,
        db_constraint=False,
        related_name="+",
    )
    digest = models.CharField(max_length=32)
    asset_updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("import fingerprint")
        verbose_name_plural = _("import fingerprints")

    def __str__(self) -> str:
        return f"{self.asset_id}: {self.digest}"


class ExportState(models.TextChoices):
    """Where a background export is (:mod:`kretslopp.imports.exports`)."""

    QUEUED = "queued", _("Waiting for its turn")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready to download")
    FAILED = "failed", _("Failed: no file")
    CANCELLED = "cancelled", _("Cancelled: no file")
    EXPIRED = "expired", _("Removed after its retention period")


class ExportFailure(models.TextChoices):
    """Why a failed export failed (shown on its page and in the API)."""

    INTERRUPTED = (
        "interrupted",
        _(
            "The process writing the file ended before it finished (a restart, a crash or a "
            "time-out). No file was kept; start the export again."
        ),
    )
    NOT_ALLOWED = (
        "not_allowed",
        _(
            "When its turn came, the person who asked for it could no longer read these "
            "records. No file was written."
        ),
    )
    ERROR = (
        "error",
        _(
            "The export broke off with an unexpected error, so no file was kept. Try again; "
            "if it happens again, tell your administrator."
        ),
    )


@audit.register
class ExportJob(FileJob):
    """One large export written by ``kretslopp worker`` for the one person who asked.

    The filter and the asker's scope (role, departments, partner) are frozen when it is
    asked for, so the file holds what that person could see then, whatever changes before
    the worker's turn; the download is for that person only, and only while their scope
    still covers the frozen one. The file lives under ``MEDIA_ROOT/exports/`` until the
    retention cleanup removes it; the record stays, as the trace of who exported what.
    """

    source = models.CharField(_("export of"), max_length=30, default="assets")
    file_format = models.CharField(_("format"), max_length=10)
    #: The asker's interface language: the file's headings and labels are in it.
    language = models.CharField(max_length=10, default="sv")
    #: The list's filter as its query string gave it (``{"q": "…", "status": "…"}``).
    query = models.JSONField(default=dict, blank=True)
    #: The asker's access when asked: ``{"role", "department_ids", "partner_id"}``.
    scope = models.JSONField(default=dict)
    created_at = models.DateTimeField(_("asked for"), auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=20, choices=ExportState.choices, default=ExportState.QUEUED
    )
    failure = models.CharField(
        _("why it failed"), max_length=20, choices=ExportFailure.choices, blank=True, default=""
    )
    #: Rows the filter matched when asked for, then rows written.
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    size_bytes = models.PositiveBigIntegerField(_("size in bytes"), default=0)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.file_name}"

    def get_absolute_url(self) -> str:
        return reverse("imports:export_job", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"export #{self.pk}"

    @property
    def progress_key(self) -> str:
        """Its progress and cancel files' key (apart from the import jobs' numbers)."""
        return f"export-{self.pk}"
