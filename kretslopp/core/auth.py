"""Login with a limit on failed attempts, per username and per client address."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _


def _keys(request, username: str) -> list[str]:
    address = request.META.get("REMOTE_ADDR", "unknown") if request else "unknown"
    return [f"login-fail:user:{username.strip().lower()}", f"login-fail:addr:{address}"]


class RateLimitedAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "rate_limited": _(
            "Too many failed login attempts. Wait %(minutes)s minutes and try again."
        ),
    }

    def clean(self):
        username = self.data.get("username", "")
        keys = _keys(self.request, username)
        if any(cache.get(key, 0) >= settings.LOGIN_FAILURE_LIMIT for key in keys):
            raise forms.ValidationError(
                self.error_messages["rate_limited"],
                code="rate_limited",
                params={"minutes": settings.LOGIN_FAILURE_WINDOW_SECONDS // 60},
            )
        try:
            return super().clean()
        except forms.ValidationError:
            for key in keys:
                cache.add(key, 0, settings.LOGIN_FAILURE_WINDOW_SECONDS)
                try:
                    cache.incr(key)
                except ValueError:
                    cache.set(key, 1, settings.LOGIN_FAILURE_WINDOW_SECONDS)
            raise


class LoginView(auth_views.LoginView):
    form_class = RateLimitedAuthenticationForm
    template_name = "core/login.html"
    redirect_authenticated_user = True
