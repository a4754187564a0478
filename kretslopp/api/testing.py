"""Test helpers for the API, shared by every app's tests: a JSON client with a bearer token."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client


class ApiClient:
    """The Django test client speaking JSON with one bearer token (or none)."""

    def __init__(self, secret: str | None = None, client: Client | None = None) -> None:
        self.client = client or Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def get(self, path: str, **params: Any):
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, body: Any = None):
        return self._send("post", path, body)

    def patch(self, path: str, body: Any = None, **headers: str):
        """PATCH ``body``; ``headers`` such as ``If_Match`` go along (``_`` → ``-``)."""
        return self._send("patch", path, body, {k.replace("_", "-"): v for k, v in headers.items()})

    def upload(self, path: str, name: str, content: bytes, **fields: Any):
        """POST a file as multipart form data, with ``fields`` beside it."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = {"file": SimpleUploadedFile(name, content), **fields}
        return self.client.post(path, data, headers=self.headers)

    def _send(self, method: str, path: str, body: Any, headers: dict[str, str] | None = None):
        payload = json.dumps(body if body is not None else {})
        send = getattr(self.client, method)
        all_headers = self.headers | (headers or {})
        return send(path, payload, content_type="application/json", headers=all_headers)
