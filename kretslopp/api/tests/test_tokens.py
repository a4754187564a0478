"""API tokens: shown once, stored as a hash, scoped, expiring, revocable; and the session."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from kretslopp.api.models import ApiToken
from kretslopp.api.testing import ApiClient
from kretslopp.core.models import AuditEntry
from kretslopp.inventory import lifecycle


@pytest.mark.django_db
def test_only_a_hash_and_a_short_prefix_of_the_secret_are_stored(town, token_for):
    token, secret = token_for(town.users["coordinator"], "read")
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in str(stored)
    assert stored["key_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(stored["prefix"]) and len(stored["prefix"]) < len(secret) // 3
    assert ApiClient(secret).get("/api/v1/assets").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("spoil", ["expired", "revoked", "owner_inactive", "tampered", "unknown"])
def test_a_token_that_no_longer_works_answers_401(town, token_for, spoil):
    token, secret = token_for(town.users["administrator"], "read")
    if spoil == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    elif spoil == "revoked":
        token.revoke()
    elif spoil == "owner_inactive":
        town.users["administrator"].is_active = False
        town.users["administrator"].save()
    elif spoil == "tampered":
        secret = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    else:
        secret = "not-a-kretslopp-token"
    response = ApiClient(secret).get("/api/v1/assets")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


@pytest.mark.django_db
def test_a_bad_token_does_not_fall_back_to_the_browsers_session(town, login):
    client = login(town.users["administrator"])
    assert client.get("/api/v1/assets").status_code == 200
    response = ApiClient("krl_wrong", client=client).get("/api/v1/assets")
    assert response.status_code == 401


@pytest.mark.django_db
def test_last_use_is_noted(town, token_for):
    token, secret = token_for(town.users["viewer"], "read")
    assert token.last_used_at is None
    ApiClient(secret).get("/api/v1/departments")
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.django_db
def test_issuing_refuses_unknown_scopes_and_endless_lifetimes(town):
    user = town.users["viewer"]
    with pytest.raises(ValueError):
        ApiToken.issue(user, "x", {"admin"})
    with pytest.raises(ValueError):
        ApiToken.issue(user, "x", {"read"}, days=10_000)


@pytest.mark.django_db
def test_creating_and_revoking_a_token_is_in_the_audit_trail_without_the_hash(town, token_for):
    token, _secret = token_for(town.users["coordinator"], "read")
    token.revoke(by=town.users["administrator"])
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ApiToken), object_id=str(token.pk)
    ).order_by("at", "id")
    assert [entry.action for entry in entries] == ["create", "update"]
    assert entries[1].actor == town.users["administrator"]
    assert token.key_hash not in str([entry.changes for entry in entries])


@pytest.mark.django_db
def test_the_session_reads_and_writes_with_csrf(town):
    client = Client(enforce_csrf_checks=True)
    client.force_login(town.users["coordinator"])
    url = f"/api/v1/assets/{town.own_asset.pk}/moves"
    assert client.get("/api/v1/assets").status_code == 200

    refused = client.post(url, {"target": "returned"}, content_type="application/json")
    assert refused.status_code == 403
    assert "error" in refused.json()
    town.own_asset.refresh_from_db()
    assert town.own_asset.status == lifecycle.IN_USE

    client.get("/api/v1/docs")  # any page with a form or the docs page sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    moved = client.post(
        url, {"target": "returned"}, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert moved.status_code == 201


# --- The management command ---------------------------------------------------------------


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("apitoken", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_command_creates_lists_and_revokes(town):
    created = _run("create", "coord", "--name", "Intune sync", "--scope", "read", "--days", "30")
    secret = created.strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert (token.name, token.scopes, token.user.username) == ("Intune sync", "read", "coord")
    assert token.expires_at - timezone.now() > dt.timedelta(days=29)
    assert ApiClient(secret).get("/api/v1/assets").status_code == 200

    listed = _run("list")
    assert token.prefix in listed and "active" in listed and secret not in listed

    _run("revoke", token.prefix)
    assert "revoked" in _run("list", "coord")
    assert ApiClient(secret).get("/api/v1/assets").status_code == 401


@pytest.mark.django_db
def test_the_command_explains_its_refusals(town):
    with pytest.raises(CommandError, match="No login"):
        _run("create", "nobody-here", "--name", "x", "--scope", "read")
    with pytest.raises(CommandError, match="1 to 366"):
        _run("create", "coord", "--name", "x", "--scope", "read", "--days", "0")
    with pytest.raises(CommandError, match="No single token"):
        _run("revoke", "krl_missing")
