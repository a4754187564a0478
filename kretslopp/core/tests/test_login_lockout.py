"""Failed logins lock out the user name and the address they came from, not everyone.

Axes counts failures per user name and per client address separately for 15 minutes.
Behind the HTTPS proxy every request arrives from the proxy's address, so the client's
address must come from X-Forwarded-For, as far as the configured proxies vouch for it.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kretslopp.conftest import PASSWORD
from kretslopp.core.clientaddress import client_address, parse_networks

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"
SOMEWHERE = "203.0.113.7"
ELSEWHERE = "198.51.100.20"


def _login(client, username: str, password: str, *, via_proxy_from: str | None = None, **meta):
    if via_proxy_from is not None:
        meta |= {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": via_proxy_from}
    client.cookies.clear()
    return client.post(reverse("login"), {"username": username, "password": password}, **meta)


def _logged_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def _fail(client, times: int, username="coord", **where) -> None:
    for n in range(times):
        name = username.format(n=n)
        # The failure that reaches the limit already answers with the lockout (429).
        assert _login(client, name, "wrong", **where).status_code in (200, 429)


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = parse_networks(PROXY)


def test_the_lockout_still_holds_after_six_minutes_and_ends_after_fifteen(client, town):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail(client, settings.LOGIN_FAILURE_LIMIT)
    with time_machine.travel(start + dt.timedelta(minutes=6), tick=False):
        assert _login(client, "coord", PASSWORD).status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert _login(client, "coord", PASSWORD).status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        assert _logged_in(_login(client, "coord", PASSWORD))


def test_refused_tries_during_the_lockout_do_not_extend_it(client, town):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail(client, settings.LOGIN_FAILURE_LIMIT)
    with time_machine.travel(start + dt.timedelta(minutes=10), tick=False):
        assert _login(client, "coord", "wrong again").status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        assert _logged_in(_login(client, "coord", PASSWORD))


def test_made_up_names_from_one_address_do_not_lock_out_a_real_user_behind_the_proxy(
    client, town, behind_one_proxy
):
    _fail(client, settings.LOGIN_FAILURE_LIMIT, "guess{n}", via_proxy_from=SOMEWHERE)
    assert _logged_in(_login(client, "coord", PASSWORD, via_proxy_from=ELSEWHERE))


def test_the_address_that_guessed_is_blocked_while_the_real_user_elsewhere_gets_in(
    client, town, behind_one_proxy
):
    _fail(client, settings.LOGIN_FAILURE_LIMIT, "guess{n}", via_proxy_from=SOMEWHERE)
    assert _login(client, "coord", PASSWORD, via_proxy_from=SOMEWHERE).status_code == 429
    assert _logged_in(_login(client, "coord", PASSWORD, via_proxy_from=ELSEWHERE))


def test_a_user_names_wrong_passwords_from_many_addresses_lock_that_name(
    client, town, behind_one_proxy
):
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        _fail(client, 1, "coord", via_proxy_from=f"203.0.113.{n + 10}")
    assert _login(client, "coord", PASSWORD, via_proxy_from=ELSEWHERE).status_code == 429
    assert _logged_in(_login(client, "viewer", PASSWORD, via_proxy_from=ELSEWHERE))


def test_behind_the_proxy_a_client_cannot_dodge_the_count_with_its_own_forwarded_for(
    client, town, behind_one_proxy
):
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        # The client sends X-Forwarded-For: 192.0.2.n; the proxy appends its real address.
        _fail(
            client, 1, "guess{n}".replace("{n}", str(n)), via_proxy_from=f"192.0.2.{n}, {SOMEWHERE}"
        )
    assert _login(client, "viewer", PASSWORD, via_proxy_from=SOMEWHERE).status_code == 429


def test_without_a_proxy_configured_forwarded_for_is_not_believed(client, town):
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        _fail(client, 1, f"guess{n}", REMOTE_ADDR=SOMEWHERE, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = _login(client, "viewer", PASSWORD, REMOTE_ADDR=SOMEWHERE)
    assert response.status_code == 429


def test_the_lockout_is_the_login_page_in_swedish_and_is_logged(client, town, caplog):
    _fail(client, settings.LOGIN_FAILURE_LIMIT)
    with caplog.at_level(logging.WARNING, logger="kretslopp.security"):
        response = _login(client, "coord", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert 'lang="sv"' in html and 'name="password"' in html
    assert "För många misslyckade inloggningsförsök. Vänta 15 minuter" in html
    assert 'value="coord"' in html
    assert any("coord" in record.getMessage() for record in caplog.records)
    assert all(PASSWORD not in record.getMessage() for record in caplog.records)


def _settings_with(**environment: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with ``environment`` added."""
    code = (
        "import kretslopp.settings as s; "
        "print(s.TRUSTED_PROXY_COUNT, ','.join(map(str, s.TRUSTED_PROXIES)), "
        "int(s.AXES_COOLOFF_TIME.total_seconds()), s.AXES_FAILURE_LIMIT, s.AXES_CLIENT_IP_CALLABLE)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_proxy_and_the_limit_are_read_from_the_environment():
    read = _settings_with(
        KRETSLOPP_TRUSTED_PROXY_COUNT="1",
        KRETSLOPP_TRUSTED_PROXIES="10.20.0.0/24, 10.30.0.5",
        KRETSLOPP_LOGIN_FAILURE_LIMIT="7",
    )
    assert read.returncode == 0, read.stderr
    assert read.stdout.split() == [
        "1",
        "10.20.0.0/24,10.30.0.5/32",
        "900",  # 15 minutes, not the 300 s a cache's default timeout would give
        "7",
        "kretslopp.organisation.auth.client_address",
    ]


@pytest.mark.parametrize(
    ("name", "value"),
    [("KRETSLOPP_TRUSTED_PROXIES", "proxy.example.se"), ("KRETSLOPP_TRUSTED_PROXY_COUNT", "-1")],
)
def test_a_wrong_proxy_setting_stops_the_start_naming_the_variable(name, value):
    read = _settings_with(**{name: value})
    assert read.returncode != 0
    assert name in read.stderr and "ImproperlyConfigured" in read.stderr


def test_the_operations_guide_describes_the_lockout_as_configured():
    guide_path = Path(settings.PACKAGE_DIR).parent / "docs" / "operations.md"
    guide = guide_path.read_text(encoding="utf-8")
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert re.search(rf"\b{minutes} minutes after its latest failure", guide)
    for variable in (
        "KRETSLOPP_TRUSTED_PROXY_COUNT",
        "KRETSLOPP_TRUSTED_PROXIES",
        "KRETSLOPP_LOGIN_FAILURE_LIMIT",
    ):
        assert f"`{variable}`" in guide
    assert "X-Forwarded-For" in guide and "per user name and per client address" in guide


@pytest.mark.parametrize(
    ("remote", "forwarded", "proxies", "trusted", "expected"),
    [
        (SOMEWHERE, "192.0.2.1", 0, "", SOMEWHERE),  # no proxy: the header is ignored
        (PROXY, SOMEWHERE, 1, "", SOMEWHERE),
        (PROXY, f"192.0.2.1, {SOMEWHERE}", 1, "", SOMEWHERE),  # the client's own entry
        (PROXY, f"{SOMEWHERE}, 10.0.0.9", 2, "", SOMEWHERE),  # two proxies
        (PROXY, "", 1, "", PROXY),  # nothing forwarded
        (PROXY, "not-an-address", 1, "", PROXY),
        (ELSEWHERE, SOMEWHERE, 1, "10.0.0.0/24", ELSEWHERE),  # went around the proxy
        (PROXY, SOMEWHERE, 1, "10.0.0.0/24", SOMEWHERE),
        ("2001:db8::1", "2001:db8::77", 1, "2001:db8::/64", "2001:db8::77"),
    ],
)
def test_which_address_a_request_came_from(remote, forwarded, proxies, trusted, expected):
    assert client_address(remote, forwarded, proxies=proxies, trusted=parse_networks(trusted)) == (
        expected
    )


def test_proxy_networks_are_read_from_a_comma_separated_list():
    assert parse_networks(" 10.0.0.5, 10.1.0.0/16 ,") == [
        ipaddress.ip_network("10.0.0.5/32"),
        ipaddress.ip_network("10.1.0.0/16"),
    ]
    with pytest.raises(ValueError):
        parse_networks("proxy.example.se")
