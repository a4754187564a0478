"""A real OIDC provider on loopback for the sign-in tests: no internet needed.

``oidc-provider-mock`` runs an authorisation server (authlib) in a thread. Around it, a
small WSGI layer makes it behave like the providers we sign in with in two ways the tests
need: it insists on PKCE (S256), checking each code's verifier against the challenge the
browser brought, and it can tamper with the ID token it hands out (a changed claim, the
signature left as it was), as an attacker between us and the provider would.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests


@dataclass
class Provider:
    """The running provider: its issuer URL and what it saw."""

    url: str
    challenges: dict[str, str] = field(default_factory=dict)  # code → PKCE challenge
    methods_seen: list[str] = field(default_factory=list)
    tamper_with: dict[str, Any] | None = None  # claims to forge into the next ID tokens

    def add_user(self, sub: str, **claims: Any) -> None:
        """A person at the provider with these claims (``roles``, ``tid``, ``oid``…)."""
        response = requests.put(f"{self.url}/users/{sub}", json=claims, timeout=5)
        response.raise_for_status()


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _forge(id_token: str, claims: dict[str, Any]) -> str:
    """The token with ``claims`` written into its payload and its signature kept."""
    header, payload, signature = id_token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data.update(claims)
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


class _Guard:
    """WSGI middleware: PKCE required at the token endpoint; optional token tampering."""

    def __init__(self, app: Any, provider: Provider) -> None:
        self.app = app
        self.provider = provider

    def __call__(self, environ: dict, start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path == "/oauth2/authorize" and environ["REQUEST_METHOD"] == "POST":
            return self._authorize(environ, start_response)
        if path == "/oauth2/token":
            return self._token(environ, start_response)
        return self.app(environ, start_response)

    def _authorize(self, environ: dict, start_response: Any) -> Any:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        challenge = query.get("code_challenge", [""])[0]
        self.provider.methods_seen.append(query.get("code_challenge_method", [""])[0])

        def remember(status: str, headers: list, *args: Any) -> Any:
            for name, value in headers:
                if name.lower() == "location":
                    code = parse_qs(urlsplit(value).query).get("code", [""])[0]
                    if code:
                        self.provider.challenges[code] = challenge
            return start_response(status, headers, *args)

        return self.app(environ, remember)

    def _token(self, environ: dict, start_response: Any) -> Any:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        form = parse_qs(body.decode())
        code = form.get("code", [""])[0]
        verifier = form.get("code_verifier", [""])[0]
        challenge = self.provider.challenges.pop(code, "")
        if form.get("grant_type") == ["authorization_code"] and (
            not challenge or not verifier or _s256(verifier) != challenge
        ):
            start_response("400 Bad Request", [("Content-Type", "application/json")])
            return [b'{"error": "invalid_grant", "error_description": "PKCE check failed"}']
        if not self.provider.tamper_with:
            return self.app(environ, start_response)
        captured: dict[str, Any] = {}

        def hold(status: str, headers: list, *args: Any) -> Any:
            captured.update(status=status, headers=headers)
            return lambda data: None

        answer = json.loads(b"".join(self.app(environ, hold)))
        answer["id_token"] = _forge(answer["id_token"], self.provider.tamper_with)
        data = json.dumps(answer).encode()
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response(captured["status"], [*headers, ("Content-Length", str(len(data)))])
        return [data]


@pytest.fixture(scope="session")
def _provider_server():
    import werkzeug.serving
    from oidc_provider_mock import app as provider_app

    os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")  # plain http on loopback
    provider = Provider(url="")
    server = werkzeug.serving.make_server(
        "127.0.0.1", 0, _Guard(provider_app(require_nonce=True), provider), threaded=True
    )
    provider.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    yield provider
    server.shutdown()
    thread.join(5)


@pytest.fixture
def oidc_provider(_provider_server, settings):
    """The loopback provider, with Kretslopp configured to sign in with it."""
    from kretslopp.organisation import oidc

    provider = _provider_server
    provider.tamper_with = None
    settings.OIDC_ISSUER = provider.url
    settings.OIDC_RP_CLIENT_ID = "kretslopp-test"
    settings.OIDC_RP_CLIENT_SECRET = "test-secret"
    settings.OIDC_NAME = "Teststadens konto"
    settings.OIDC_CREATE_USER = True
    settings.OIDC_GROUPS_CLAIM = ""
    # As the settings do for a configured issuer: signing out is sent on to the provider.
    settings.CONTENT_SECURITY_POLICY = settings.CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {provider.url}"
    )
    oidc.forget_provider()
    yield provider
    oidc.forget_provider()


def sign_in(client: Any, provider: Provider, sub: str) -> Any:
    """The redirect flow without a browser: our login → the provider's consent (as ``sub``)
    → our callback. Returns the callback's response."""
    from django.urls import reverse

    start = client.get(reverse("organisation:oidc_login"))
    assert start.status_code == 302, start.status_code
    consent = requests.post(start["Location"], data={"sub": sub}, allow_redirects=False, timeout=10)
    assert consent.status_code == 302, consent.text[:500]
    callback = urlsplit(consent.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")
