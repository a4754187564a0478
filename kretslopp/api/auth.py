"""Who is calling: a bearer token or the logged-in session, and what the call may do.

Authentication only says *who*; what that login may see and change is decided by
``kretslopp.organisation.access`` exactly as for the web pages. A token narrows it further
by its scopes: a read-only token cannot write even when its owner could.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from kretslopp.api.models import ApiToken, Scope
from kretslopp.organisation.access import Access, access_for, role_read_with_login

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ScopeMissing(PermissionDenied):
    """The token lacks the scope the call needs (the owner might have the right)."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__(f"This token lacks the '{scope}' scope.")


@dataclass(frozen=True)
class Caller:
    """The authenticated caller: the login it acts for and the scopes it carries."""

    user: Any
    scopes: frozenset[str]
    token: ApiToken | None = None

    @property
    def access(self) -> Access:
        return access_for(self.user)

    def require_scope(self, scope: str) -> None:
        if scope not in self.scopes:
            raise ScopeMissing(scope)


class BearerToken(HttpBearer):
    """``Authorization: Bearer krl_…``: an :class:`ApiToken` that is neither expired nor revoked."""

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        found = ApiToken.find(token.strip())
        if found is None:
            return None
        role_read_with_login(found.user)  # the token was read with both (ApiToken.find)
        caller = Caller(user=found.user, scopes=found.scope_set, token=found)
        # Checked here, for every route at once, so that no route can forget it.
        caller.require_scope(scope_needed(request))
        # Pages and helpers that look at request.user see the token's owner.
        request.user = found.user
        return caller


class Session(SessionAuth):
    """The logged-in web session, so pages can call the API; unsafe methods need CSRF.

    A request that names a bearer token is judged on that token alone: a bad token
    must not quietly fall back to a browser's session.
    """

    def __call__(self, request: HttpRequest) -> Caller | None:
        user = getattr(request, "user", None)
        if "Authorization" in request.headers or user is None or not user.is_authenticated:
            return None  # so an anonymous POST is told 401, not a CSRF failure
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        if not request.user.is_active:
            return None
        return Caller(user=request.user, scopes=frozenset({Scope.READ, Scope.WRITE}))


def scope_needed(request: HttpRequest) -> Scope:
    return Scope.READ if request.method in SAFE_METHODS else Scope.WRITE


def caller_of(request: HttpRequest) -> Caller:
    """The caller of an authenticated route (the auth classes have checked its scope)."""
    return request.auth  # type: ignore[attr-defined]


AUTH = [BearerToken(), Session(csrf=True)]
