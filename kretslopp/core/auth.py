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

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
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
    return render(request, "core/login.html", context, status=429)


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True
