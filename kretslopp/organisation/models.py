"""The municipality, its departments (förvaltningar), places, people and who may do what."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kretslopp.core import audit
from kretslopp.core.memo import once_per_request


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    SUSTAINABILITY_LEAD = "sustainability_lead", _("Sustainability lead")
    PROCUREMENT = "procurement", _("Procurement")
    COORDINATOR = "coordinator", _("Department coordinator")
    VIEWER = "viewer", _("Viewer")
    PARTNER = "partner", _("Take-back partner")


@audit.register
class Organisation(models.Model):
    """The municipality running Kretslopp (one per installation)."""

    name = models.CharField(_("name"), max_length=200)
    organisation_number = models.CharField(_("organisation number"), max_length=20, blank=True)
    country = models.CharField(_("country (ISO 3166 alpha-3)"), max_length=3, default="SWE")
    employees = models.PositiveIntegerField(_("number of employees"), default=0)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> Organisation | None:
        return once_per_request("organisation", cls.objects.order_by("pk").first)


@audit.register
class Department(models.Model):
    """A förvaltning (or a unit inside one): every record belongs to a department."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    employees = models.PositiveIntegerField(_("employees"), default=0)
    # Per-employee figures divide by the head count: cached results key on this.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisation:department", args=[self.code])


@audit.register
class CostCentre(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT
    )
    # The version an edit form saw: the stale-edit guard compares it (core.forms).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cost centre")
        verbose_name_plural = _("cost centres")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


@audit.register
class Location(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT
    )
    # The version an edit form saw: the stale-edit guard compares it (core.forms).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@audit.register
class Person(models.Model):
    """Someone devices are assigned to. Deliberately minimal: an id, a name, an e-mail, a
    department. The name is there because a coordinator assigning a device looks for a
    person, not for a pseudonymous id (docs/operations.md, "what is kept about people")."""

    identifier = models.CharField(_("employee id or username"), max_length=100, unique=True)
    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_("How the person is shown when devices are assigned to them."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["identifier"]

    def __str__(self) -> str:
        return self.identifier

    @property
    def label(self) -> str:
        """The name with the id beside it (two people may share a name), else the id."""
        return f"{self.name} ({self.identifier})" if self.name else self.identifier


class PartnerKind(models.TextChoices):
    REFURBISHER = "refurbisher", _("Refurbisher")
    RECYCLER = "recycler", _("Recycler")


@audit.register
class Partner(models.Model):
    """A take-back partner: the company that erases, grades and resells or recycles devices.

    Kept apart from departments because a partner is outside the municipality: its logins
    see their own take-back campaigns and nothing of the inventory.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    organisation_number = models.CharField(_("organisation number"), max_length=20, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=PartnerKind.choices, default=PartnerKind.REFURBISHER
    )
    # The version an edit form saw: the stale-edit guard compares it (core.forms).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("take-back partner")
        verbose_name_plural = _("take-back partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisation:partner", args=[self.pk])


@audit.register
class Membership(models.Model):
    """A login's role and the departments it works in; read by ``access`` and nowhere else."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    departments = models.ManyToManyField(Department, verbose_name=_("departments"), blank=True)
    all_departments = models.BooleanField(
        _("reads all departments"),
        default=False,
        help_text=_("For viewers: read every department rather than the chosen ones."),
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("take-back partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text=_("For partner logins: the company whose campaigns they work on."),
    )
    # Set at each OIDC sign-in from the identity provider's claims (``ClaimRule``), and then
    # taken away again when the claims no longer map; a role given by hand is left alone.
    from_claims = models.BooleanField(
        _("follows the identity provider"),
        default=False,
        help_text=_(
            "The role is set from the identity provider's app roles or groups at every "
            "sign-in. Untick to keep a role given here by hand."
        ),
    )
    # The version an edit form saw: the stale-edit guard compares it (core.forms).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


@audit.register
class SignInIdentity(models.Model):
    """A login's identity at the organisation's OIDC provider.

    A sign-in is matched on the token's stable ids (``subject``: ``tid:oid`` for Entra ID,
    the ``sub`` claim otherwise) under the provider's ``issuer``, never on an e-mail address,
    which can be reassigned to someone else. ``pending_username`` is set when an
    administrator prepares a login before its owner has signed in (``createadmin
    --from-oidc``, or a new login on the people pages): the first sign-in whose user name
    claim is exactly that binds the ids here, once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.CASCADE,
        related_name="sign_in_identities",
    )
    issuer = models.CharField(_("issuer"), max_length=300)
    subject = models.CharField(_("stable id at the provider"), max_length=300, blank=True)
    pending_username = models.CharField(
        _("user name at the identity provider"),
        max_length=254,
        blank=True,
        help_text=_("Bound to its stable ids at the first sign-in with this user name."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in identity")
        verbose_name_plural = _("sign-in identities")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"],
                condition=~models.Q(subject=""),
                name="organisation_identity_unique_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.subject or self.pending_username})"


class ClaimKind(models.TextChoices):
    ROLES = "roles", _("App role")
    GROUPS = "groups", _("Group")


@audit.register
class ClaimRule(models.Model):
    """An app role or group of the identity provider and the Kretslopp role it gives.

    Read at every OIDC sign-in (``kretslopp.organisation.claims``): a person whose claims
    match a rule gets its role and departments; one whose claims match none has no access.
    """

    kind = models.CharField(_("claim"), max_length=10, choices=ClaimKind.choices)
    value = models.CharField(
        _("value"),
        max_length=200,
        help_text=_(
            "The app role's value (for example Kretslopp.Coordinator.GRF) or the group's "
            "object id, exactly as the token carries it."
        ),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    departments = models.ManyToManyField(Department, verbose_name=_("departments"), blank=True)
    all_departments = models.BooleanField(
        _("reads all departments"),
        default=False,
        help_text=_("For viewers: read every department rather than the chosen ones."),
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("take-back partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("For partner logins: the company whose campaigns they work on."),
    )
    # The version an edit form saw: the stale-edit guard compares it (core.forms).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("role from the identity provider")
        verbose_name_plural = _("roles from the identity provider")
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="organisation_claim_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value} → {self.get_role_display()}"
