"""Security settings a municipality's IT security officer would check first."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from kretslopp.core.dburl import database_from_url


def test_deploy_checks_pass_with_debug_off(tmp_path):
    env = {
        **os.environ,
        "KRETSLOPP_DEBUG": "0",
        "KRETSLOPP_HTTPS": "1",
        "KRETSLOPP_VAR_DIR": str(tmp_path),
        "KRETSLOPP_ALLOWED_HOSTS": "kretslopp.example.se",
    }
    env.pop("KRETSLOPP_SECRET_KEY", None)
    # Set by the browser tests' fixture for Playwright's event loop; never in a deployment.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-m", "kretslopp", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_passwords_are_hashed_with_argon2():
    # The test suite swaps in a fast hasher per test; the configuration itself is Argon2.
    from kretslopp import settings as configured

    assert configured.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_the_interface_is_swedish_by_default_whatever_the_browser_says(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert 'lang="sv"' in response.content.decode()
    assert "Logga in" in response.content.decode()


@pytest.mark.django_db
def test_english_is_one_click_away(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/login/"}, follow=True
    )
    assert 'lang="en"' in response.content.decode()
    assert "Log in" in response.content.decode()


@pytest.mark.django_db
def test_repeated_failed_logins_are_refused_even_with_the_right_password(client, town):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "coord", "password": "wrong"})
    from kretslopp.conftest import PASSWORD

    response = client.post(reverse("login"), {"username": "coord", "password": PASSWORD})
    assert response.status_code == 429  # the login page again, not a redirect into the app
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_correct_login_works(client, town):
    from kretslopp.conftest import PASSWORD

    response = client.post(reverse("login"), {"username": "coord", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(town.users["coordinator"].pk)


@pytest.mark.django_db
def test_logging_out_needs_a_post_with_csrf(town):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(town.users["viewer"])
    assert client.post(reverse("logout")).status_code == 403


def test_database_urls():
    assert database_from_url("sqlite:////var/lib/k.sqlite3")["NAME"] == "/var/lib/k.sqlite3"
    assert database_from_url("sqlite:///var/k.sqlite3")["NAME"] == "var/k.sqlite3"
    pg = database_from_url("postgres://kretslopp:s%40cret@db:5433/inventory?sslmode=require")
    assert (pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["NAME"]) == (
        "kretslopp",
        "s@cret",
        "db",
        "5433",
        "inventory",
    )
    assert pg["OPTIONS"] == {"sslmode": "require"}
    with pytest.raises(ValueError, match="sqlite"):
        database_from_url("mysql://x")


def test_sqlite_files_run_in_wal_mode_with_a_busy_timeout(tmp_path):
    from django.db.backends.sqlite3.base import DatabaseWrapper

    config = database_from_url(f"sqlite:///{tmp_path / 'k.sqlite3'}")
    wrapper = DatabaseWrapper(
        {
            **config,
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
        },
        alias="wal-check",
    )
    # A raw connection made exactly as Django makes it (pytest-django guards the usual path).
    connection = wrapper.get_new_connection(wrapper.get_connection_params())
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA busy_timeout").fetchone()[0] >= 10_000
    finally:
        connection.close()
