"""``kretslopp serve``: gunicorn's settings, a real server started and stopped, and two
servers on one PostgreSQL database that share nothing else.

The servers are real processes (``python -m kretslopp serve``) on loopback ports; what one
writes must be read through the other at once, and the in-process memos must follow the
data version rather than serve what their own process computed before the write.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from kretslopp.core import serve

START_TIMEOUT_SECONDS = 90


# --- the configuration ---------------------------------------------------------------


def test_defaults_are_two_processes_per_core_plus_one_capped():
    assert serve.default_processes(cores=1) == 3
    assert serve.default_processes(cores=2) == 5
    assert serve.default_processes(cores=32) == serve.MAX_DEFAULT_PROCESSES
    config = serve.config_from({})
    assert config.bind == "127.0.0.1:8000"
    assert config.threads == serve.DEFAULT_THREADS == 1
    assert config.gunicorn_options()["worker_class"] == "sync"  # one request at a time each
    assert config.gunicorn_options()["keepalive"] == serve.DEFAULT_KEEPALIVE_SECONDS


def test_environment_sets_and_options_override():
    environ = {
        "KRETSLOPP_WEB_PROCESSES": "3",
        "KRETSLOPP_WEB_THREADS": "3",
        "KRETSLOPP_WEB_BIND": "0.0.0.0:9000",
        "KRETSLOPP_WEB_ACCESS_LOG": "1",
    }
    config = serve.config_from(environ)
    options = config.gunicorn_options()
    assert (config.processes, config.threads, options["bind"]) == (3, 3, ["0.0.0.0:9000"])
    assert options["worker_class"] == "gthread"  # threads: gunicorn's threaded worker
    assert options["accesslog"] == "-"
    overridden = serve.config_from(environ, bind="127.0.0.1:1", processes=2, threads=4)
    assert (overridden.bind, overridden.processes, overridden.threads) == ("127.0.0.1:1", 2, 4)


@pytest.mark.parametrize("value", ["many", "0", "-2", "65"])
def test_a_bad_process_count_is_refused_by_name(value):
    with pytest.raises(serve.ServeConfigError, match="KRETSLOPP_WEB_PROCESSES"):
        serve.config_from({"KRETSLOPP_WEB_PROCESSES": value})


# --- real servers ----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _send(url: str, method: str, body: dict, headers: dict[str, str]) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@contextlib.contextmanager
def running_server(
    environ: dict[str, str], *arguments: str, said: list[str] | None = None
) -> Iterator[str]:
    """``kretslopp serve`` on a free loopback port until the block ends; yields its URL.

    Stopped with SIGTERM as a service manager stops it; it must then exit cleanly. What it
    printed is appended to ``said``.
    """
    port = _free_port()
    command = [sys.executable, "-m", "kretslopp", "serve", "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        [*command, *arguments],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"kretslopp serve stopped at start:\n{process.stdout.read()}")
            with contextlib.suppress(OSError):
                if _get(f"{url}/login/")[0] == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"kretslopp serve did not answer within {START_TIMEOUT_SECONDS} s")
            time.sleep(0.3)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            output, _ = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        if said is not None:
            said.append(output)
    assert process.returncode == 0, output


def _environ(database_url: str, var_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "KRETSLOPP_DATABASE_URL": database_url,
        "KRETSLOPP_VAR_DIR": str(var_dir),
        "KRETSLOPP_HTTPS": "0",
        "KRETSLOPP_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }


def test_serve_starts_answers_with_pages_and_static_files_and_stops(tmp_path):
    """Two processes on an empty SQLite file: the login page and a static file answer,
    and SIGTERM stops the master and its workers with exit status 0."""
    environ = _environ(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path / "var")
    said: list[str] = []
    with running_server(environ, "--processes", "2", "--threads", "2", said=said) as url:
        status, body = _get(f"{url}/login/")
        assert status == 200 and b'name="password"' in body
        status, css = _get(f"{url}/static/kretslopp/app.css")
        assert status == 200 and css
    # An empty database has no figures to compute: said, and the server serves all the same.
    assert "Warming start page failed; the processes start without it." in said[0]


def test_serve_refuses_a_bad_setting_by_name(tmp_path):
    environ = _environ(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path / "var")
    environ["KRETSLOPP_WEB_THREADS"] = "lots"
    result = subprocess.run(
        [sys.executable, "-m", "kretslopp", "serve"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "KRETSLOPP_WEB_THREADS must be a whole number" in result.stderr


def _database_url() -> str:
    """The URL of the test database this test run created (PostgreSQL)."""
    from django.db import connection

    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    user = quote(db.get("USER") or "postgres", safe="")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{user}{password}@{host}/{db['NAME']}"


KPI = re.compile(rb'class="kpi-value">([\d\s\xc2\xa0\xe2\x80\xaf]+)</span>')


def _in_custody(page: bytes) -> int:
    """The first figure on the overview: the assets in custody (remembered per data version)."""
    found = KPI.search(page)
    assert found, "the overview shows no figures"
    return int(re.sub(rb"\D", b"", found.group(1)))


@pytest.mark.django_db(transaction=True)
def test_two_servers_share_only_the_database(town, token_for, tmp_path, client):
    """Two gunicorn servers (one process each, on two ports) on the test's PostgreSQL
    database: a session made once works on both; an asset created through one is read
    through the other at once; an edit through the second is read through the first; and
    the overview's figures, which each process remembers per data version, follow both."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("several app processes are a PostgreSQL deployment")
    admin = town.users["administrator"]
    _token, secret = token_for(admin, "read", "write")
    bearer = {"Authorization": f"Bearer {secret}"}
    client.force_login(admin)  # a session row in the database, as a login makes
    cookie = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    from django.conf import settings

    environ = _environ(_database_url(), tmp_path / "var")
    # Every process of an installation signs with the same key (sessions, CSRF, reset links).
    environ["KRETSLOPP_SECRET_KEY"] = settings.SECRET_KEY
    arguments = ("--processes", "1", "--threads", "2")
    with running_server(environ, *arguments) as one, running_server(environ, *arguments) as two:
        before = {}
        for url in (one, two):  # each process computes and remembers the figures
            status, page = _get(f"{url}/", cookie)
            assert status == 200
            before[url] = _in_custody(page)
        assert before[one] == before[two] == 2

        status, created = _send(
            f"{one}/api/v1/assets",
            "POST",
            {"asset_tag": "MS-0000003", "model_id": town.laptop.pk, "department_id": town.own.pk},
            bearer,
        )
        assert status == 201, created
        status, body = _get(f"{two}/api/v1/assets/{created['id']}", bearer)
        assert status == 200 and json.loads(body)["asset_tag"] == "MS-0000003"
        for url in (two, one):  # no stale figure in either process's memo
            assert _in_custody(_get(f"{url}/", cookie)[1]) == 3

        status, changed = _send(
            f"{two}/api/v1/assets/{created['id']}", "PATCH", {"serial_number": "SN-XYZ"}, bearer
        )
        assert status == 200, changed
        status, body = _get(f"{one}/api/v1/assets/{created['id']}", bearer)
        assert json.loads(body)["serial_number"] == "SN-XYZ"


@pytest.mark.django_db(transaction=True)
def test_the_start_page_figures_are_computed_before_the_server_answers(town, tmp_path, client):
    """Its processes start with the figures and share what they compute afterwards."""
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("several app processes are a PostgreSQL deployment")
    client.force_login(town.users["sustainability_lead"])
    cookie = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    environ = _environ(_database_url(), tmp_path / "var")
    environ["KRETSLOPP_SECRET_KEY"] = settings.SECRET_KEY
    said: list[str] = []
    with running_server(environ, "--processes", "2", "--threads", "2", said=said) as url:
        for _ in range(4):
            status, page = _get(f"{url}/", cookie)
            assert status == 200 and _in_custody(page) == 2
        stores = list((tmp_path / "var" / "figures").iterdir())
        assert len(stores) == 1 and any(stores[0].iterdir())
    assert re.search(r"Warmed in [\d.]+ s: start page: \d+ panels computed", said[0])
    assert re.search(r"Warmed in [\d.]+ s: energy: the organisation's ledger and 2 ", said[0])
