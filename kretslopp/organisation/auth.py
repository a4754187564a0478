"""Login, with django-axes counting failed attempts per user name and per client address.

Axes keeps the failures in the database (shared by every app process) and refuses a login
while either counter is at ``KRETSLOPP_LOGIN_FAILURE_LIMIT`` within the cool-off. The two
counters are separate on purpose: guessing made-up names from one address blocks that
address, never a real user signing in from elsewhere; guessing one user's password from
many addresses blocks that user name. This module adds what axes leaves to the project:
which address a request really came from behind the HTTPS proxy, and a lockout answer
that is the login page with the reason, in the site's language.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from kretslopp.core import clientaddress

logger = logging.getLogger("kretslopp.security")


def client_address(request: HttpRequest) -> str:
    """The address a login attempt came from, as the lockout counts it (axes asks this).

    Without a proxy (``KRETSLOPP_TRUSTED_PROXY_COUNT`` 0) only the connection's address
    counts, as a client can write any X-Forwarded-For it likes; see
    :func:`kretslopp.core.clientaddress.client_address` for the rule behind proxies.
    """
    return clientaddress.client_address(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        proxies=settings.TRUSTED_PROXY_COUNT,
        trusted=settings.TRUSTED_PROXIES,
    )


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The login page again, saying why and for how long, with 429 Too Many Requests.

    Axes calls this instead of answering with its own bare page. The attempt is logged
    (user name and address, never the password) for whoever watches the logs.
    """
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    logger.warning(
        "Login refused for user name %r from %s: too many failed attempts",
        username[:150],
        client_address(request),
    )
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("Too many failed login attempts. Wait %(minutes)s minutes and try again.") % {
        "minutes": minutes
    }
    form = AuthenticationForm(request, initial={"username": username[:150]})
    context = {"form": form, "lockout": message, "next": request.POST.get("next", "")}
    context.update(sign_in_choices(request, context["next"]))
    return render(request, "core/login.html", context, status=429)


def may_use_local_password(user: Any) -> bool:
    """Whether ``user`` may sign in with a password kept here.

    Everyone may while ``KRETSLOPP_LOCAL_LOGIN`` is on, and wherever no identity provider is
    configured. With it off and a provider configured, only break-glass administrators may:
    a superuser, or a login given the administrator role by hand (not from the identity
    provider's claims), so the installation stays reachable when the provider is not.
    """
    if settings.LOCAL_LOGIN or not settings.OIDC_ISSUER or user.is_superuser:
        return True  # without a provider, a password is the only way in
    from kretslopp.organisation.access import membership_of
    from kretslopp.organisation.models import Role

    membership = membership_of(user)
    return (
        membership is not None
        and membership.role == Role.ADMINISTRATOR
        and not membership.from_claims
    )


def session_user(user_id: Any) -> Any:
    """The user a session names, with its role row in the same query, or None.

    Every page reads both (the role decides what the page shows), so a signed-in request
    costs the database one query for them rather than two.
    """
    from kretslopp.organisation.access import role_read_with_login

    model = get_user_model()
    try:
        return role_read_with_login(
            model._default_manager.select_related("membership").get(pk=user_id)
        )
    except (model.DoesNotExist, ValueError, TypeError):
        return None


class LocalPasswordBackend(ModelBackend):
    """Django's password check, for those :func:`may_use_local_password` lets in.

    The same check runs for every request of a session that began with a password, so
    turning local login off, or deactivating a login, ends such sessions at once.
    """

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and may_use_local_password(user)

    def get_user(self, user_id: Any) -> Any:
        user = session_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


def sign_in_choices(request: HttpRequest, next_url: str = "") -> dict[str, Any]:
    """What the login page offers: the identity provider's button, the password form."""
    from kretslopp.organisation import oidc

    choices: dict[str, Any] = {"local_login": settings.LOCAL_LOGIN, "oidc_url": None}
    if oidc.configured():
        url = reverse("organisation:oidc_login")
        choices["oidc_url"] = f"{url}?{urlencode({'next': next_url})}" if next_url else url
        choices["oidc_name"] = settings.OIDC_NAME or _("your organisation's account")
    else:
        choices["local_login"] = True  # without a provider, passwords are the only way in
    return choices


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(sign_in_choices(self.request, context.get("next", "")))
        return context


class LogoutView(auth_views.LogoutView):
    """Signing out; a session begun at the identity provider is ended there too
    (RP-initiated logout), which then sends the browser back to the login page."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        id_token = request.session.get("oidc_id_token")
        response = super().post(request, *args, **kwargs)
        if id_token:
            from kretslopp.organisation import oidc

            if oidc.configured():
                url = oidc.end_session_url(request, id_token)
                if url:
                    return HttpResponseRedirect(url)
        return response
