"""Logins and their lifecycle: whom to ask, password-reset links, deactivation.

No mail server can be assumed in a municipality's first installation, so a reset link is
made with Django's own token machinery and shown to the administrator who asked for it
(and sent by mail as well where ``KRETSLOPP_EMAIL_HOST`` is configured). The link works
once: setting the password changes what the token was made from.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kretslopp.core import audit
from kretslopp.organisation.models import Membership, Role

logger = logging.getLogger("kretslopp.security")


def display_name(user: Any) -> str:
    """The person's name with the login beside it, or the login alone."""
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


def administrators() -> list[Any]:
    """The active administrators: whom a person without a role asks."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, membership__role=Role.ADMINISTRATOR)
        .order_by("last_name", "first_name", "username")
    )
    return list(users)


def reset_link(request: HttpRequest, user: Any) -> str:
    """A one-time link with which ``user`` sets a new password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("organisation:password_set", args=[uid, token])
    return request.build_absolute_uri(path)


def mail_configured() -> bool:
    return bool(settings.EMAIL_HOST)


def send_reset_link(user: Any, link: str) -> bool:
    """Mail the link to the login's address where mail is configured; whether it was sent."""
    if not mail_configured() or not user.email:
        return False
    subject = _("Set your password for Kretslopp")
    body = _(
        "Hello %(name)s,\n\nan administrator of Kretslopp has made a link for you to set a "
        "new password for the login %(username)s:\n\n%(link)s\n\nThe link works once. If you "
        "did not expect it, tell your administrator.\n"
    ) % {"name": user.get_full_name() or user.get_username(), "username": user.username,
         "link": link}  # fmt: skip
    try:
        send_mail(subject, body, None, [user.email])
    except OSError as error:
        logger.warning("Password link for %s not mailed: %s", user.get_username(), error)
        return False
    return True


def set_active(user: Any, active: bool, *, by: Any) -> None:
    """Deactivate or reactivate a login, audited.

    A deactivated login's sessions end at its next request (the authentication backends
    refuse an inactive user), and its API tokens stop at once (``ApiToken.usable``).
    """
    if user.is_active == active:
        return
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(
            Membership.objects.filter(user=user).first() or user,
            "update",
            {"login_active": [str(not active), str(active)]},
            actor=by,
        )


def record_login_created(user: Any, *, by: Any) -> None:
    """A login has no audit registration of its own: note its creation on the trail."""
    audit.record(
        user,
        "create",
        {"username": [None, user.username], "email": [None, user.email or None]},
        actor=by,
    )


#: Why a sign-in was refused → (heading, explanation); whom to ask is added on the page.
REFUSALS = {
    "no_role": (
        gettext_lazy("Your login has no role in Kretslopp"),
        gettext_lazy(
            "You are known to the identity provider, but none of your app roles or groups "
            "gives a role in Kretslopp, so you cannot see anything here yet."
        ),
    ),
    "group_overage": (
        gettext_lazy("Kretslopp cannot read your groups"),
        gettext_lazy(
            "You are a member of so many groups that the identity provider left them out of "
            "the sign-in. Kretslopp therefore cannot tell which role they give you. An app "
            "role assigned to you in the identity provider works however many groups you have."
        ),
    ),
    "no_login": (
        gettext_lazy("There is no login for you in Kretslopp"),
        gettext_lazy(
            "You signed in with the identity provider, but this installation only lets in "
            "people an administrator has added."
        ),
    ),
    "inactive": (
        gettext_lazy("Your login is deactivated"),
        gettext_lazy("An administrator has deactivated your login in Kretslopp."),
    ),
    "invalid": (
        gettext_lazy("The sign-in could not be confirmed"),
        gettext_lazy(
            "The answer from the identity provider did not pass Kretslopp's checks, so you "
            "were not signed in. Try again from the login page."
        ),
    ),
    "cancelled": (
        gettext_lazy("The sign-in was cancelled"),
        gettext_lazy("The identity provider did not sign you in. Try again from the login page."),
    ),
    "unavailable": (
        gettext_lazy("The identity provider cannot be reached"),
        gettext_lazy("Kretslopp could not reach the identity provider. Try again in a while."),
    ),
}


def refusal_page(request: HttpRequest, reason: str, status: int = 403) -> HttpResponse:
    """Why the user is not signed in, in the site's language, and whom to ask."""
    heading, explanation = REFUSALS.get(reason, REFUSALS["invalid"])
    context = {
        "heading": heading,
        "explanation": explanation,
        # Whom to ask, where asking helps (not for a cancelled or unconfirmed sign-in).
        "ask": reason not in {"cancelled", "invalid", "unavailable"},
        "administrators": administrators(),
    }
    return render(request, "organisation/sign_in_refused.html", context, status=status)
