"""The sustainability forum: who sits in it, what it may decide, its meetings and measures.

A forum's mandate is data on the forum (a budget limit in SEK and the topics it may not
decide alone), read by :mod:`kretslopp.forum.mandate`, the one place that says whether the
forum may decide a measure itself. A measure's status moves only through
:mod:`kretslopp.forum.lifecycle`, which refuses an illegal move with a reason.

Everything here is audited (:mod:`kretslopp.core.audit`), so the history of every change of a
measure, its tasks, updates, escalations and expected effects can be shown on its page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kretslopp.core import audit
from kretslopp.organisation.models import Department


@audit.register
class Topic(models.Model):
    """A subject a measure can touch (printing, devices, data centre, staff …).

    A forum's mandate excludes some topics (say, staffing or contracts): a measure touching
    one of them is not the forum's to decide, whatever its budget.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@audit.register
class Forum(models.Model):
    """A forum with a mandate to decide and act, e.g. the city's IT forum with its supplier."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    mandate = models.TextField(
        _("mandate"),
        blank=True,
        help_text=_("What the forum may decide on its own, as its terms of reference say."),
    )
    budget_limit_sek = models.PositiveBigIntegerField(
        _("budget limit (SEK)"),
        default=0,
        help_text=_(
            "The largest budget need (investment plus the first year's running cost) the "
            "forum may decide itself. Above it, a measure goes to a named body."
        ),
    )
    excluded_topics = models.ManyToManyField(
        Topic,
        verbose_name=_("topics outside the mandate"),
        blank=True,
        related_name="excluding_forums",
        help_text=_("A measure touching one of these is decided by a named body."),
    )
    stale_update_days = models.PositiveIntegerField(
        _("days without a status update before a reminder"), default=60
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The version an edit form saw: the stale-edit guard compares it (core.forms).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("forum")
        verbose_name_plural = _("forums")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forum:forum", args=[self.pk])


@audit.register
class ForumMember(models.Model):
    """A member of a forum: a login of the municipality, or an external person.

    An external member (the supplier's representative) has an organisation of their own and
    may have a login of their own that has no role in Kretslopp: it sees its forum and
    nothing else (:mod:`kretslopp.forum.access`).
    """

    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forum_memberships",
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    external = models.BooleanField(
        _("external member"),
        default=False,
        help_text=_("From outside the municipality, e.g. the IT supplier."),
    )
    organisation = models.CharField(
        _("organisation"),
        max_length=200,
        blank=True,
        help_text=_("Where an external member comes from, e.g. the supplier's name."),
    )
    role_in_forum = models.CharField(_("role in the forum"), max_length=200, blank=True)
    is_chair = models.BooleanField(_("chair"), default=False)
    active = models.BooleanField(_("active"), default=True)
    # The version an edit form saw: the stale-edit guard compares it (core.forms).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("forum member")
        verbose_name_plural = _("forum members")
        ordering = ["forum", "-is_chair", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["forum", "user"],
                condition=models.Q(user__isnull=False),
                name="forum_member_once_per_login",
            )
        ]

    def __str__(self) -> str:
        if self.external and self.organisation:
            return f"{self.name}, {self.organisation}"
        return self.name

    @property
    def contact_email(self) -> str:
        """Where a reminder goes: the member's own address, else their login's."""
        return self.email or (getattr(self.user, "email", "") if self.user_id else "")


@audit.register
class Meeting(models.Model):
    """A meeting of a forum: agenda, who attended, minutes; decisions hang off it."""

    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), on_delete=models.CASCADE, related_name="meetings"
    )
    held_on = models.DateField(_("date"))
    agenda = models.TextField(_("agenda"), blank=True)
    attendees = models.ManyToManyField(
        ForumMember, verbose_name=_("attendees"), blank=True, related_name="meetings"
    )
    minutes = models.TextField(_("minutes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The version an edit form saw: the stale-edit guard compares it (core.forms).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.forum} {self.held_on.isoformat()}"

    def get_absolute_url(self) -> str:
        return reverse("forum:meeting", args=[self.pk])


class MeetingAttachment(models.Model):
    """A file attached to a meeting's minutes (signed minutes, slides), kept in the database.

    Kept in the database rather than on disk so it is in every backup and goes with its
    meeting; the upload limits of :mod:`kretslopp.core.uploads` keep it small. Not audited by
    the signals (they would copy the file's bytes into the trail): the upload view records
    its name and size.
    """

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attachments"
    )
    file_name = models.CharField(_("file"), max_length=255)
    content_type = models.CharField(max_length=100, default="application/octet-stream")
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["file_name", "pk"]

    def __str__(self) -> str:
        return self.file_name


class Status(models.TextChoices):
    """A measure's phase; the moves between them are in :mod:`kretslopp.forum.lifecycle`."""

    PROPOSED = "proposed", _("proposed")
    DECIDED = "decided", _("decided")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    POSTPONED = "postponed", _("postponed")
    CANCELLED = "cancelled", _("cancelled")
    MERGED = "merged", _("merged into another")


class DecisionLevel(models.TextChoices):
    """Who may decide a measure, as the forum's mandate says (:mod:`kretslopp.forum.mandate`)."""

    FORUM = "forum", _("the forum")
    ESCALATED = "escalated", _("a body above the forum")


@audit.register
class Measure(models.Model):
    """One measure in the forum's register: what, who, when, at what cost, in which phase."""

    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), on_delete=models.PROTECT, related_name="measures"
    )
    number = models.PositiveIntegerField(
        _("number"), help_text=_("The measure's number in its forum's register.")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    responsible = models.ForeignKey(
        ForumMember,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measures",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forum_measures",
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="measures"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    capex_sek = models.PositiveBigIntegerField(
        _("investment (SEK)"), default=0, help_text=_("One-off cost: purchases, projects.")
    )
    opex_sek_per_year = models.PositiveBigIntegerField(
        _("running cost (SEK per year)"), default=0, help_text=_("Licences, services, staff.")
    )
    decision_level = models.CharField(
        _("decision level"),
        max_length=20,
        choices=DecisionLevel.choices,
        default=DecisionLevel.FORUM,
        help_text=_("Set from the forum's mandate whenever the budget or topics change."),
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_measures",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The version an edit form saw: the stale-edit guard compares it (core.forms).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["forum", "number"]
        constraints = [
            models.UniqueConstraint(fields=["forum", "number"], name="forum_measure_number_once")
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("forum:measure", args=[self.pk])

    @property
    def reference(self) -> str:
        """How minutes and lists name the measure: its number in the register."""
        return f"#{self.number}"

    @property
    def budget_need_sek(self) -> int:
        """What the mandate's budget limit is compared with: investment + a year's running."""
        return self.capex_sek + self.opex_sek_per_year


@audit.register
class MeasureParty(models.Model):
    """Another party responsible for part of a measure, with its role (e.g. the supplier)."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="parties"
    )
    member = models.ForeignKey(
        ForumMember,
        verbose_name=_("forum member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=200)

    class Meta:
        verbose_name = _("other responsible party")
        verbose_name_plural = _("other responsible parties")
        ordering = ["pk"]

    def __str__(self) -> str:
        who = self.member or self.department or self.name
        return f"{who}: {self.role}"


@audit.register
class Decision(models.Model):
    """A decision taken at a meeting, with its reference number (e.g. 2025:4)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="decisions"
    )
    reference = models.CharField(_("reference number"), max_length=50)
    text = models.TextField(_("decision"))
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting__held_on", "pk"]

    def __str__(self) -> str:
        return self.reference


@audit.register
class MeasureTask(models.Model):
    """A piece of work within a measure, with its owner and due date."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="tasks"
    )
    title = models.CharField(_("task"), max_length=200)
    owner = models.ForeignKey(
        ForumMember,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["done", "due_date", "pk"]

    def __str__(self) -> str:
        return self.title


@audit.register
class StatusUpdate(models.Model):
    """A dated note on how a measure is going, by its author."""

    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.CASCADE,
        related_name="status_updates",
    )
    written_on = models.DateField(_("date"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_name = models.CharField(_("author"), max_length=200, blank=True)
    text = models.TextField(_("update"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")
        ordering = ["-written_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.measure.reference} {self.written_on.isoformat()}"


class Outcome(models.TextChoices):
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    SENT_BACK = "sent_back", _("sent back")


@audit.register
class Escalation(models.Model):
    """A measure sent to a named body above the forum, and what that body decided.

    An empty ``outcome`` means the body has not decided yet.
    """

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="escalations"
    )
    body = models.CharField(
        _("escalated to"),
        max_length=200,
        help_text=_("E.g. the IT director or the municipal executive board."),
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    escalated_on = models.DateField(_("escalated on"))
    reason = models.TextField(_("why it was escalated"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, blank=True, default=""
    )
    outcome_on = models.DateField(_("outcome date"), null=True, blank=True)
    outcome_note = models.TextField(_("note on the outcome"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-escalated_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.measure.reference} → {self.body}"

    @property
    def pending(self) -> bool:
        return not self.outcome


@audit.register
class ExpectedEffect(models.Model):
    """What a measure should do to a KPI: a change per year from a date, with its range.

    ``kpi`` is the key of a KPI in the ``kpis`` store of :mod:`kretslopp.core.registry`
    (IT energy, pages printed …), so the forum needs no import of the app that measures
    it. The change is signed, in the KPI's unit per year: −12 000 kWh is a cut of 12 000 kWh
    a year. ``change_low_per_year`` and ``change_high_per_year`` bound the estimate.
    """

    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.CASCADE,
        related_name="expected_effects",
    )
    kpi = models.CharField(_("KPI"), max_length=50)
    change_per_year = models.FloatField(_("expected change per year"))
    change_low_per_year = models.FloatField(_("low estimate per year"), null=True, blank=True)
    change_high_per_year = models.FloatField(_("high estimate per year"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=30)
    effective_from = models.DateField(_("from"))
    estimation_method = models.TextField(_("how it was estimated"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("expected effect")
        verbose_name_plural = _("expected effects")
        ordering = ["kpi", "effective_from", "pk"]

    def __str__(self) -> str:
        from django.utils.formats import number_format

        change = number_format(self.change_per_year, decimal_pos=0, force_grouping=True)
        return f"{self.measure.reference} {self.kpi_label} {change} {self.unit}"

    @property
    def kpi_label(self) -> str:
        """The KPI's name as its app registered it (the key if that app is not installed)."""
        from kretslopp.core.registry import registry

        entry = registry.kpis.get(self.kpi)
        return str(entry.label) if entry is not None else self.kpi


class SnapshotFrozen(Exception):
    """A period snapshot is kept as taken: it is never changed after it was saved."""


@audit.register
class PeriodSnapshot(models.Model):
    """Every measure of a forum as it stood when the snapshot was taken, for a period.

    The rows are copied values (:mod:`kretslopp.forum.snapshots`), not links to the measures,
    so a snapshot taken at the end of a year reads the same however the measures change
    afterwards: the base of the forum's section in that year's report. Saving a snapshot a
    second time is refused (:class:`SnapshotFrozen`).
    """

    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), on_delete=models.PROTECT, related_name="snapshots"
    )
    label = models.CharField(_("period"), max_length=100, help_text=_("E.g. 2025 or 2023–2026."))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    taken_at = models.DateTimeField(_("taken at"), auto_now_add=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    columns = models.JSONField(_("columns"), default=list)
    rows = models.JSONField(_("rows"), default=list)

    class Meta:
        verbose_name = _("period snapshot")
        verbose_name_plural = _("period snapshots")
        ordering = ["forum", "-period_end", "-pk"]

    def __str__(self) -> str:
        return f"{self.forum} {self.label}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and PeriodSnapshot.objects.filter(pk=self.pk).exists():
            raise SnapshotFrozen(f"period snapshot {self.pk} is kept as taken")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("forum:snapshot", args=[self.pk])
