"""Forms of the people pages: a new login, a login's role, partners, roles from claims.

A role and its departments are chosen the same way for a login (by hand) and for an app
role or group of the identity provider (:class:`ClaimRuleForm`), so both check the same
rules: a coordinator needs a department, a viewer departments or all of them, a partner
login its company. What a role then allows is decided in ``access.py`` alone.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kretslopp.core import audit
from kretslopp.core.forms import VersionedModelForm
from kretslopp.organisation import claims
from kretslopp.organisation.logins import record_login_created
from kretslopp.organisation.models import (
    ClaimRule,
    Department,
    Membership,
    Partner,
    Role,
    SignInIdentity,
)


class DepartmentChoices(forms.ModelMultipleChoiceField):
    """Departments as paths in the tree ("Förvaltning › Enhet"): a coordinator of a
    department also covers the departments under it, and the list says which those are."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Department.objects.all(), required=False, **kwargs)
        self.widget.attrs["size"] = 8
        self._paths: dict[int, str] | None = None

    def label_from_instance(self, obj: Department) -> str:
        if self._paths is None:
            rows = {pk: (name, parent) for pk, name, parent in
                    Department.objects.values_list("pk", "name", "parent_id")}  # fmt: skip
            self._paths = {}
            for pk in rows:
                names, seen, at = [], set(), pk
                while at is not None and at not in seen:
                    seen.add(at)
                    names.append(rows[at][0])
                    at = rows[at][1]
                self._paths[pk] = " › ".join(reversed(names))
        return self._paths.get(obj.pk, obj.name)


def check_role(form: forms.Form, data: dict[str, Any]) -> None:
    """The departments or partner a role needs; what it does not use is dropped."""
    role = data.get("role")
    departments = data.get("departments") or []
    if role == Role.COORDINATOR and not departments:
        form.add_error("departments", _("A department coordinator needs a department."))
    if role == Role.VIEWER and not departments and not data.get("all_departments"):
        form.add_error(
            "departments",
            _("Choose the departments this viewer reads, or tick “reads all departments”."),
        )
    if role == Role.PARTNER and not data.get("partner"):
        form.add_error("partner", _("A partner login needs its take-back partner."))
    if role not in (Role.COORDINATOR, Role.VIEWER):
        data["departments"] = []
    if role != Role.VIEWER:
        data["all_departments"] = False
    if role != Role.PARTNER:
        data["partner"] = None


class RoleFields(forms.Form):
    """Role, departments, all departments, partner: shared by the login and rule forms."""

    # No role is preselected: a hurried click must not make another administrator.
    role = forms.ChoiceField(label=_("role"), choices=[("", "---------"), *Role.choices])
    departments = DepartmentChoices(
        label=_("departments"),
        help_text=_("A coordinator or viewer of a department also covers the departments in it."),
    )
    all_departments = forms.BooleanField(
        label=_("reads all departments"),
        required=False,
        help_text=_("For viewers: read every department rather than the chosen ones."),
    )
    partner = forms.ModelChoiceField(
        label=_("take-back partner"),
        queryset=Partner.objects.all(),
        required=False,
        help_text=_("For partner logins: the company whose campaigns they work on."),
    )


class LoginCreateForm(RoleFields):
    """A new login with its role; the person sets the password through a one-time link."""

    username = forms.CharField(label=_("username"), max_length=150)
    first_name = forms.CharField(label=_("first name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)
    idp_username = forms.CharField(
        label=_("user name at the identity provider"),
        max_length=254,
        required=False,
        help_text=_(
            "For sign-in with the identity provider: the person's user name there (for "
            "example anna.andersson@malmo.se). Their first sign-in is tied to this login."
        ),
    )
    field_order = ["username", "first_name", "last_name", "email", "role", "departments",
                   "all_departments", "partner", "idp_username"]  # fmt: skip

    def __init__(self, *args: Any, oidc: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not oidc:
            del self.fields["idp_username"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(
                _("There is already a login named %(username)s.") % {"username": username}
            )
        return username

    def clean_idp_username(self) -> str:
        name = self.cleaned_data.get("idp_username", "").strip()
        if name and SignInIdentity.objects.filter(pending_username__iexact=name).exists():
            raise forms.ValidationError(
                _("Another login already waits for the first sign-in of %(name)s.") % {"name": name}
            )
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        check_role(self, data)
        return data

    def save(self, *, by: Any) -> Any:
        data = self.cleaned_data
        with transaction.atomic(), audit.acting_as(by):
            user = get_user_model()(
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
            )
            user.set_unusable_password()
            user.save()
            record_login_created(user, by=by)
            membership = Membership.objects.create(
                user=user,
                role=data["role"],
                all_departments=data["all_departments"],
                partner=data["partner"],
            )
            claims.set_departments(membership, data["departments"])
            if data.get("idp_username"):
                SignInIdentity.objects.create(
                    user=user, issuer="", pending_username=data["idp_username"]
                )
        return user


class MembershipForm(VersionedModelForm):
    """A login's name, e-mail, role and departments; saved unless someone changed them since."""

    first_name = forms.CharField(label=_("first name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)

    class Meta:
        model = Membership
        fields = ["role", "departments", "all_departments", "partner", "from_claims"]

    def __init__(self, *args: Any, user: Any, signs_in_with_provider: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance.user = user
        self.fields["departments"] = DepartmentChoices(
            label=_("departments"),
            help_text=_(
                "A coordinator or viewer of a department also covers the departments in it."
            ),
        )
        if self.instance.pk is not None:
            self.initial["departments"] = list(
                self.instance.departments.values_list("pk", flat=True)
            )
        for name in ("first_name", "last_name", "email"):
            self.initial.setdefault(name, getattr(user, name))
        if not signs_in_with_provider:
            del self.fields["from_claims"]
        self.order_fields(["first_name", "last_name", "email", "role"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        check_role(self, data)
        return data

    def save(self, commit: bool = True) -> Membership:
        membership = super().save(commit=False)
        membership.save()
        claims.set_departments(membership, self.cleaned_data["departments"])
        changes = {}
        for name in ("first_name", "last_name", "email"):
            value = self.cleaned_data[name]
            if getattr(self.user, name) != value:
                changes[name] = [getattr(self.user, name) or None, value or None]
                setattr(self.user, name, value)
        if changes:
            self.user.save(update_fields=list(changes))
            audit.record(membership, "update", changes)
        return membership


class PartnerForm(VersionedModelForm):
    """A take-back partner: the company outside the municipality and what it does."""

    class Meta:
        model = Partner
        fields = ["name", "organisation_number", "kind"]


class ClaimRuleForm(VersionedModelForm):
    """An app role or group of the identity provider and the role it gives."""

    class Meta:
        model = ClaimRule
        fields = ["kind", "value", "role", "departments", "all_departments", "partner"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departments"] = DepartmentChoices(
            label=_("departments"),
            help_text=_(
                "A coordinator or viewer of a department also covers the departments in it."
            ),
        )
        if self.instance.pk is not None:
            self.initial["departments"] = list(
                self.instance.departments.values_list("pk", flat=True)
            )

    def clean_value(self) -> str:
        return self.cleaned_data["value"].strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        check_role(self, data)
        return data

    def save(self, commit: bool = True) -> ClaimRule:
        rule = super().save(commit=False)
        rule.save()
        claims.set_departments(rule, self.cleaned_data["departments"])
        return rule
