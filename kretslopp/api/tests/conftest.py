"""API test helpers: tokens for the ``town`` fixture's logins and a client that uses them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from kretslopp.api.models import ApiToken


class ApiClient:
    """The Django test client speaking JSON with one bearer token (or none)."""

    def __init__(self, secret: str | None = None, client: Client | None = None) -> None:
        self.client = client or Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def get(self, path: str, **params: Any):
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, body: Any = None):
        return self._send("post", path, body)

    def patch(self, path: str, body: Any = None):
        return self._send("patch", path, body)

    def _send(self, method: str, path: str, body: Any):
        payload = json.dumps(body if body is not None else {})
        send = getattr(self.client, method)
        return send(path, payload, content_type="application/json", headers=self.headers)


@pytest.fixture
def token_for():
    """``token_for(user, "read", "write")`` → (token, secret)."""

    def _token_for(user, *scopes: str, days: int = 30) -> tuple[ApiToken, str]:
        return ApiToken.issue(user, "test", set(scopes or ("read", "write")), days)

    return _token_for


@pytest.fixture
def api_as(token_for):
    """``api_as(user, "read")``: an :class:`ApiClient` with a fresh token for ``user``."""

    def _api_as(user, *scopes: str) -> ApiClient:
        _token, secret = token_for(user, *scopes)
        return ApiClient(secret)

    return _api_as
