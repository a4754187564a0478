"""Sign-in with the organisation's identity provider (Entra ID first, any OIDC provider).

mozilla-django-oidc is the relying party; this module adds what an installation needs
around it:

- the provider's endpoints come from its discovery document (``KRETSLOPP_OIDC_ISSUER``),
  fetched when someone signs in, not at start-up, and checked to name the same issuer;
- the authorisation code flow with PKCE (mozilla-django-oidc sends ``code_challenge`` and
  ``code_verifier`` when ``OIDC_USE_PKCE`` is set, which the settings do);
- the ID token is verified for signature, issuer, audience (our client id), expiry and
  nonce: the library checks signature and nonce only;
- a person is found by the token's stable ids (``tid`` + ``oid`` for Entra ID, ``sub``
  otherwise) in :class:`SignInIdentity`, never by e-mail; created on first sign-in only
  with ``KRETSLOPP_OIDC_CREATE_USERS`` and a role to give;
- the role comes from the claims at every sign-in (``claims.py``); a refusal is a page in
  the site's language saying why and whom to ask, never a bare error;
- RP-initiated logout: signing out also ends the session at the provider.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from kretslopp.core import audit
from kretslopp.organisation import claims as claim_rules
from kretslopp.organisation.auth import session_user
from kretslopp.organisation.models import SignInIdentity

logger = logging.getLogger("kretslopp.security")

#: How long a fetched discovery document is trusted before it is fetched again.
DISCOVERY_SECONDS = 3600
#: Tolerance for clocks that differ between us and the provider.
CLOCK_SKEW_SECONDS = 60
#: Claims naming the person's user name at the provider, for binding a prepared login.
USERNAME_CLAIMS = ("preferred_username", "upn")
_discovered: dict[str, tuple[float, dict[str, Any]]] = {}


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read or does not fit."""


def configured() -> bool:
    """Whether sign-in with an identity provider is set up on this installation."""
    return bool(settings.OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID)


def provider() -> dict[str, Any]:
    """The issuer's discovery document (cached for an hour in this process)."""
    issuer = settings.OIDC_ISSUER
    cached = _discovered.get(issuer)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"{url}: {error}") from error
    # OpenID Connect Discovery: the document must name the issuer it was fetched from. A
    # single-tenant Entra application uses its tenant's issuer, never /common or /organizations.
    if document.get("issuer") != issuer:
        raise ProviderUnavailable(
            f"{url} names the issuer {document.get('issuer')!r}, not {issuer!r}: set "
            "KRETSLOPP_OIDC_ISSUER to the issuer exactly as the provider names it"
        )
    missing = {"authorization_endpoint", "token_endpoint", "jwks_uri"} - set(document)
    if missing:
        raise ProviderUnavailable(f"{url} lacks {', '.join(sorted(missing))}")
    _discovered[issuer] = (time.monotonic() + DISCOVERY_SECONDS, document)
    return document


def forget_provider() -> None:
    """Fetch the discovery document again at the next sign-in (tests, key rotation)."""
    _discovered.clear()


def subject_of(claims: dict[str, Any]) -> str:
    """The person's stable id: ``tid:oid`` where the token has both (Entra ID), else ``sub``.

    Entra's ``sub`` differs per application; ``oid`` is the person's id in the tenant and
    ``tid`` the tenant's, so the two together stay the same whatever else changes.
    """
    if claims.get("tid") and claims.get("oid"):
        return f"{claims['tid']}:{claims['oid']}"
    return str(claims["sub"])


def refuse(request: HttpRequest | None, reason: str) -> None:
    """Note why a sign-in is refused, for the callback's page to say."""
    if request is not None:
        request.kretslopp_refusal = reason


class Backend(OIDCAuthenticationBackend):
    """Authenticates the OIDC callback; answers nothing else (a local login, a session)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads every endpoint from the settings here; ours come from discovery
        # when a sign-in actually happens, so a session lookup never touches the network.
        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.OIDC_OP_TOKEN_ENDPOINT = self.OIDC_OP_JWKS_ENDPOINT = ""
        self.OIDC_OP_USER_ENDPOINT = ""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        # Only the callback passes these two, and nothing else: a password never reaches here.
        if request is None or set(kwargs) != {"nonce", "code_verifier"} or not configured():
            return None
        document = provider()
        self.OIDC_OP_TOKEN_ENDPOINT = document["token_endpoint"]
        self.OIDC_OP_JWKS_ENDPOINT = document["jwks_uri"]
        self.OIDC_OP_USER_ENDPOINT = document.get("userinfo_endpoint", "")
        return super().authenticate(request, **kwargs)

    def get_user(self, user_id: Any) -> Any:
        """The session's user, unless the login was deactivated meanwhile: then the session
        ends at once (the library's own lookup does not check)."""
        user = session_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def retrieve_matching_jwk(self, token: str) -> jwt.PyJWK:
        """The provider's signing key for ``token``: the one its ``kid`` names (Entra ID
        always names one), else the only key for its algorithm; anything else is refused."""
        try:
            response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            keys = response.json().get("keys", [])
        except (requests.RequestException, ValueError, AttributeError) as error:
            raise SuspiciousOperation(f"signing keys unreadable: {error}") from error
        header = jwt.get_unverified_header(token)
        kid, alg = header.get("kid"), header.get("alg")
        matching = [
            key
            for key in keys
            if (kid is None or key.get("kid") == kid)
            and key.get("alg", alg) == alg
            and key.get("use", "sig") == "sig"
        ]
        if len(matching) != 1:
            raise SuspiciousOperation(f"no single signing key for kid {kid!r}, alg {alg!r}")
        return jwt.PyJWK(matching[0])

    def _verify_jws(self, payload: Any, key: Any) -> dict[str, Any]:
        """Signature, issuer, audience and expiry; a token failing any is refused."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"ID token signed with {header.get('alg')!r}")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_ISSUER,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"ID token refused: {error}") from error

    def get_userinfo(self, access_token: str, id_token: str, payload: dict) -> dict[str, Any]:
        """The verified ID token's claims; the userinfo endpoint only fills in a missing name
        or e-mail. Entra ID puts ``tid``, ``oid``, ``roles`` and ``groups`` in the ID token
        alone, and a signed token is what the role may rest on."""
        claims = dict(payload)
        display = ("name", "given_name", "family_name", "email", "preferred_username")
        if self.OIDC_OP_USER_ENDPOINT and not all(key in claims for key in display[:1]):
            try:
                info = super().get_userinfo(access_token, id_token, payload)
            except (requests.RequestException, ValueError, SuspiciousOperation):
                info = {}
            if isinstance(info, dict) and info.get("sub") == claims.get("sub"):
                for key in display:
                    if key in info:
                        claims.setdefault(key, info[key])
        return claims

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict) -> Any:
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SuspiciousOperation("ID token without a subject")
        with transaction.atomic(), audit.acting_as(None):
            return self._sign_in(claims)

    def _sign_in(self, claims: dict[str, Any]) -> Any:
        subject = subject_of(claims)
        identity = (
            SignInIdentity.objects.select_related("user")
            .filter(issuer=settings.OIDC_ISSUER, subject=subject)
            .first()
        ) or self._bind_prepared(claims, subject)
        overage = False
        try:
            grant = claim_rules.grant_for(claims, settings.OIDC_GROUPS_CLAIM)
        except claim_rules.GroupOverage:
            grant, overage = None, True
        no_role = "group_overage" if overage else "no_role"
        if identity is None:
            if not settings.OIDC_CREATE_USER:
                return refuse(self.request, "no_login")
            if grant is None:  # nothing to keep: a login without a role is not created
                return refuse(self.request, no_role)
            identity = SignInIdentity.objects.create(
                user=self._create(claims), issuer=settings.OIDC_ISSUER, subject=subject
            )
        user = identity.user
        if not user.is_active:
            return refuse(self.request, "inactive")
        self._update_profile(user, claims)
        if claim_rules.apply(user, grant) is None:
            return refuse(self.request, no_role)
        identity.last_sign_in_at = timezone.now()
        identity.save(update_fields=["last_sign_in_at"])
        return user

    def _bind_prepared(self, claims: dict[str, Any], subject: str) -> SignInIdentity | None:
        """A login an administrator prepared for this user name, now bound to the ids."""
        for claim in USERNAME_CLAIMS:
            name = claims.get(claim)
            if not name:
                continue
            prepared = (
                SignInIdentity.objects.select_related("user")
                .filter(subject="", pending_username__iexact=str(name))
                .first()
            )
            if prepared is not None:
                prepared.issuer = settings.OIDC_ISSUER
                prepared.subject = subject
                prepared.pending_username = ""
                prepared.save()
                return prepared
        return None

    def _create(self, claims: dict[str, Any]) -> Any:
        """A new login named after the provider's user name (made unique), no password."""
        wanted = str(claims.get("preferred_username") or claims.get("email") or subject_of(claims))[
            :140
        ]
        username, n = wanted, 1
        while self.UserModel.objects.filter(username__iexact=username).exists():
            n += 1
            username = f"{wanted}-{n}"
        user = self.UserModel(username=username)
        user.set_unusable_password()
        self._fill_profile(user, claims)
        user.save()
        return user

    @staticmethod
    def _fill_profile(user: Any, claims: dict[str, Any]) -> None:
        given, family = claims.get("given_name"), claims.get("family_name")
        if not given and not family and claims.get("name"):
            given, _sep, family = str(claims["name"]).partition(" ")
        user.first_name = str(given or user.first_name)[:150]
        user.last_name = str(family or user.last_name)[:150]
        user.email = str(claims.get("email") or user.email)[:254]

    def _update_profile(self, user: Any, claims: dict[str, Any]) -> None:
        """Name and e-mail as the provider knows them now."""
        before = (user.first_name, user.last_name, user.email)
        self._fill_profile(user, claims)
        if (user.first_name, user.last_name, user.email) != before:
            user.save(update_fields=["first_name", "last_name", "email"])


def refusal_page(request: HttpRequest, reason: str, status: int = 403) -> HttpResponse:
    from kretslopp.organisation.logins import refusal_page as page

    return page(request, reason, status)


class AuthenticateView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider, with state, nonce and a PKCE code challenge."""

    def __init__(self, **kwargs: Any) -> None:
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_OP_AUTH_ENDPOINT = ""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not configured():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider()["authorization_endpoint"]
        except ProviderUnavailable as error:
            logger.error("Sign-in with the identity provider unavailable: %s", error)
            return refusal_page(request, "unavailable", status=503)
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer: signed in, or a page saying why not (never a bare 400)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not configured():
            raise Http404
        try:
            return super().get(request)
        except (SuspiciousOperation, requests.RequestException) as error:
            logger.warning("OIDC sign-in refused: %s", error)
            return refusal_page(request, "invalid")
        except ProviderUnavailable as error:
            logger.error("Sign-in with the identity provider unavailable: %s", error)
            return refusal_page(request, "unavailable", status=503)

    def login_failure(self) -> HttpResponse:
        if self.request.GET.get("error"):
            return refusal_page(self.request, "cancelled")
        return refusal_page(self.request, getattr(self.request, "kretslopp_refusal", "invalid"))


def end_session_url(request: HttpRequest, id_token: str) -> str | None:
    """Where to send the browser so that the provider ends its session too, then sends it
    back to our login page (RP-initiated logout); None if the provider offers no such end."""
    try:
        endpoint = provider().get("end_session_endpoint")
    except ProviderUnavailable:
        return None
    if not endpoint:
        return None
    query = {
        "id_token_hint": id_token,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
        "client_id": settings.OIDC_RP_CLIENT_ID,
    }
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"
