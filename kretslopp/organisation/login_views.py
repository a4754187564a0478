"""People pages: logins and their roles, take-back partners, roles from the identity
provider, and each user's own account (password, API tokens).

Who may use which page is asked of ``access`` before anything is looked up; every write is
audited (the models are registered with ``core.audit``, and what their signals cannot see —
departments, a login's name, deactivation — is recorded by hand).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kretslopp.core import audit
from kretslopp.core.editing import EditView
from kretslopp.core.history import history_for
from kretslopp.core.paging import page_of
from kretslopp.core.registry import registry
from kretslopp.organisation import logins, oidc
from kretslopp.organisation.access import Access, access_for
from kretslopp.organisation.login_forms import (
    ClaimRuleForm,
    LoginCreateForm,
    MembershipForm,
    PartnerForm,
)
from kretslopp.organisation.models import ClaimRule, Membership, Partner, Role

PAGE_SIZE = 50
#: Words of a search that count.
MAX_WORDS = 5


def _manager(request: HttpRequest) -> Access:
    access = access_for(request.user)
    if not access.may_manage_logins():
        raise PermissionDenied
    return access


def _form_page(request: HttpRequest, form, *, title: str, back: str, **extra) -> HttpResponse:
    context = {"form": form, "title": title, "back": back, **extra}
    return render(request, "organisation/edit_form.html", context)


# --- people and logins ----------------------------------------------------------------------


@login_required
def people(request: HttpRequest) -> HttpResponse:
    """Every login with its role and departments; searched by name, user name or e-mail."""
    _manager(request)
    users = (
        get_user_model()
        .objects.select_related("membership__partner")
        .prefetch_related("membership__departments")
        .annotate(identities=Count("sign_in_identities"))
        .order_by("username")
    )
    query = request.GET.get("q", "").strip()[:100]
    for word in query.split()[:MAX_WORDS]:
        users = users.filter(
            Q(username__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
        )
    role = request.GET.get("role", "")
    if role == "none":
        users = users.filter(membership__isnull=True)
    elif role in Role.values:
        users = users.filter(membership__role=role)
    state = request.GET.get("state", "")
    if state in ("active", "inactive"):
        users = users.filter(is_active=state == "active")
    page, pager_query = page_of(request, users, PAGE_SIZE)
    context = {
        "page": page,
        "query": pager_query,
        "q": query,
        "role": role,
        "state": state,
        "roles": Role.choices,
        "filtered": bool(query or role or state),
    }
    return render(request, "organisation/people.html", context)


def _link_page(request: HttpRequest, user: Any, *, created: bool) -> HttpResponse:
    """The one-time link for ``user`` to set a password, shown (and mailed if possible)."""
    link = logins.reset_link(request, user)
    mailed = logins.send_reset_link(user, link)
    context = {"person": user, "link": link, "mailed": mailed, "created": created}
    return render(request, "organisation/password_link.html", context)


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    """A new login with its role; the person sets a password through a one-time link."""
    _manager(request)
    initial = {}
    partner = Partner.objects.filter(pk=request.GET.get("partner") or 0).first()
    if partner is not None:
        initial = {"role": Role.PARTNER, "partner": partner.pk}
    form = LoginCreateForm(request.POST or None, initial=initial, oidc=oidc.configured())
    if request.method == "POST" and form.is_valid():
        user = form.save(by=request.user)
        return _link_page(request, user, created=True)
    back = partner.get_absolute_url() if partner else reverse("organisation:people")
    return _form_page(request, form, title=_("New login"), back=back)


class _ManagerEdit(EditView):
    """An add or edit page of those who manage logins (administrators)."""

    template_name = "organisation/edit_form.html"

    def check_access(self) -> None:
        if not self.access.may_manage_logins():
            raise PermissionDenied


class Person(_ManagerEdit):
    """One login: name, role and departments (stale-edit guarded), and what can be done."""

    form_class = MembershipForm
    template_name = "organisation/person.html"

    def get_object(self) -> Membership:
        self.user = get_object_or_404(get_user_model(), pk=self.kwargs["pk"])
        self.identities = list(self.user.sign_in_identities.all())
        return Membership.objects.filter(user=self.user).first() or Membership(user=self.user)

    def form_kwargs(self) -> dict[str, Any]:
        return {"user": self.user, "signs_in_with_provider": bool(self.identities)}

    def success_message(self, saved: Membership) -> str:
        return _("Changes to %(name)s saved.") % {"name": self.user.username}

    def success_url(self, saved: Membership) -> str:
        return "organisation:people"

    def get_context(self, form) -> dict[str, Any]:
        user, membership = self.user, self.object
        return {
            "person": user,
            "form": form,
            "identities": self.identities,
            "is_self": user.pk == self.request.user.pk,
            "usable_password": user.has_usable_password(),
            "tokens": user.api_tokens.filter(revoked_at__isnull=True).count(),
            "history": history_for(membership) if membership.pk else None,
        }


person = Person.as_view()


@login_required
@require_POST
def person_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate or reactivate a login: its sessions and API tokens stop at once."""
    _manager(request)
    user = get_object_or_404(get_user_model(), pk=pk)
    active = request.POST.get("active") == "1"
    if not active and user.pk == request.user.pk:
        messages.error(request, _("You cannot deactivate your own login."))
        return redirect("organisation:person", pk=user.pk)
    logins.set_active(user, active, by=request.user)
    if active:
        messages.success(request, _("%(name)s can sign in again.") % {"name": user.username})
    else:
        messages.success(
            request,
            _("%(name)s is deactivated: their sessions and API tokens no longer work.")
            % {"name": user.username},
        )
    return redirect("organisation:person", pk=user.pk)


@login_required
@require_POST
def person_password_link(request: HttpRequest, pk: int) -> HttpResponse:
    """A one-time link for the login to set a new password (the old one stays until then)."""
    _manager(request)
    user = get_object_or_404(get_user_model(), pk=pk)
    audit.record(
        Membership.objects.filter(user=user).first() or user,
        "update",
        {"password_link": [None, _("made")]},
        actor=request.user,
    )
    return _link_page(request, user, created=False)


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """Where a one-time link leads: the person chooses a password, then logs in."""

    template_name = "organisation/password_set.html"
    success_url = reverse_lazy("login")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        _record_password_change(form.user)
        messages.success(self.request, _("Your password is set. Log in with it."))
        return response


password_set = PasswordSetView.as_view()


def _record_password_change(user: Any) -> None:
    """On the audit trail, that (never what) a login's password was set, by its owner."""
    audit.record(
        Membership.objects.filter(user=user).first() or user,
        "update",
        {"password": [None, "changed"]},
        actor=user,
    )


# --- take-back partners ---------------------------------------------------------------------


@login_required
def partners(request: HttpRequest) -> HttpResponse:
    _manager(request)
    rows = Partner.objects.annotate(logins=Count("memberships")).order_by("name")
    return render(request, "organisation/partners.html", {"partners": rows})


class PartnerCreate(_ManagerEdit):
    form_class = PartnerForm

    def page_context(self) -> dict[str, Any]:
        return {"title": _("New take-back partner"), "back": reverse("organisation:partners")}

    def success_message(self, saved: Partner) -> str:
        return _("Partner %(name)s added.") % {"name": saved.name}


class PartnerPage(_ManagerEdit):
    """A partner's details and its logins, with a way to add one."""

    form_class = PartnerForm
    template_name = "organisation/partner.html"

    def get_object(self) -> Partner:
        return get_object_or_404(Partner, pk=self.kwargs["pk"])

    def success_message(self, saved: Partner) -> str:
        return _("Partner %(name)s saved.") % {"name": saved.name}

    def get_context(self, form) -> dict[str, Any]:
        company = self.object
        users = (
            get_user_model()
            .objects.filter(membership__partner=company)
            .order_by("username")
            .select_related("membership")
        )
        return {"partner": company, "form": form, "users": users, "history": history_for(company)}


partner_create = PartnerCreate.as_view()
partner = PartnerPage.as_view()


# --- roles from the identity provider -------------------------------------------------------


@login_required
def claim_rules(request: HttpRequest) -> HttpResponse:
    _manager(request)
    rules = ClaimRule.objects.select_related("partner").prefetch_related("departments")
    context = {
        "rules": rules,
        "configured": oidc.configured(),
        "groups_claim": settings.OIDC_GROUPS_CLAIM,
    }
    return render(request, "organisation/claim_rules.html", context)


class _ClaimRuleEdit(_ManagerEdit):
    form_class = ClaimRuleForm

    def success_message(self, saved: ClaimRule) -> str:
        return _("Saved. It applies from each person's next sign-in.")

    def success_url(self, saved: ClaimRule) -> str:
        return "organisation:claim_rules"


class ClaimRuleCreate(_ClaimRuleEdit):
    def page_context(self) -> dict[str, Any]:
        return {
            "title": _("New role from the identity provider"),
            "back": reverse("organisation:claim_rules"),
        }


class ClaimRulePage(_ClaimRuleEdit):
    def get_object(self) -> ClaimRule:
        return get_object_or_404(ClaimRule, pk=self.kwargs["pk"])

    def page_context(self) -> dict[str, Any]:
        return {
            "title": _("Role from the identity provider: %(value)s") % {"value": self.object.value},
            "back": reverse("organisation:claim_rules"),
        }


claim_rule_create = ClaimRuleCreate.as_view()
claim_rule = ClaimRulePage.as_view()


@login_required
@require_POST
def claim_rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    rule = get_object_or_404(ClaimRule, pk=pk)
    with audit.acting_as(request.user):
        rule.delete()
    messages.success(
        request,
        _(
            "Removed. People it gave a role lose it at their next sign-in unless another rule "
            "gives one."
        ),  # fmt: skip
    )
    return redirect("organisation:claim_rules")


# --- one's own account ----------------------------------------------------------------------


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The user's own login: how they sign in, their password, their API tokens."""
    access = access_for(request.user)
    tokens = request.user.api_tokens.all() if access.may_hold_api_tokens() else None
    context = {
        "tokens": tokens,
        "usable_password": request.user.has_usable_password(),
        "identities": request.user.sign_in_identities.exclude(subject="").exists(),
    }
    return render(request, "organisation/account.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of one's own tokens; another's is not found."""
    access = access_for(request.user)
    if not access.may_hold_api_tokens():
        raise PermissionDenied
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    token.revoke(by=request.user)
    messages.success(request, _("Token %(token)s revoked.") % {"token": token})
    return redirect("organisation:account")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing one's own password (the session stays signed in)."""

    template_name = "organisation/password_change.html"
    success_url = reverse_lazy("organisation:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        _record_password_change(form.user)
        messages.success(self.request, _("Your password is changed."))
        return response


password_change = PasswordChangeView.as_view()


@login_required
def no_role(request: HttpRequest) -> HttpResponse:
    """Where a login without a role lands: what that means and whom to ask."""
    if access_for(request.user).role is not None:
        return redirect("home")
    for landing in registry.landings:  # e.g. an external member's forum
        url = landing.url_for(request.user)
        if url:
            return redirect(url)
    return render(request, "organisation/no_role.html", {"administrators": logins.administrators()})
