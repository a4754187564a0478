"""An import killed halfway leaves nothing behind, and the next import simply works.

The killed import's job is not left "importing" for ever: the next command marks it failed.

The import runs in a separate process on a database of its own (a SQLite file, or a fresh
PostgreSQL database when the suite runs on PostgreSQL), which kills itself with SIGKILL
after writing part of the file inside its transaction.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROWS = 5_000
KILLED_AFTER = 2_000  # one writing batch is in the database, uncommitted
HEADERS = ["Asset tag", "Serial number", "Manufacturer", "Model", "Department", "Status"]


@pytest.fixture
def database(tmp_path) -> Iterator[str]:
    """A URL of an empty database of the engine the suite runs on; dropped afterwards."""
    url = os.environ.get("KRETSLOPP_DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'crash.sqlite3'}"
        return
    import psycopg

    name = f"kretslopp_crash_{os.getpid()}"
    server = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield urlsplit(url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _run(database: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    environment = dict(
        os.environ,
        KRETSLOPP_DATABASE_URL=database,
        KRETSLOPP_VAR_DIR=str(tmp_path / "var"),
        KRETSLOPP_HTTPS="0",
    )
    return subprocess.run(
        [sys.executable, *args], env=environment, capture_output=True, text=True, check=False
    )


def _jobs(database: str) -> list[tuple[str, str]]:
    """Every import job's state and reason for failing, oldest first."""
    sql = "SELECT state, failure FROM imports_importjob ORDER BY id"
    if database.startswith("sqlite"):
        with sqlite3.connect(database.removeprefix("sqlite:///")) as connection:
            return connection.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(database) as connection:
        return connection.execute(sql).fetchall()


def _counts(database: str) -> tuple[int, int, int]:
    """Assets, lifecycle events and audit entries, read straight from the database."""
    sql = (
        "SELECT (SELECT COUNT(*) FROM inventory_asset), "
        "(SELECT COUNT(*) FROM inventory_lifecycleevent), (SELECT COUNT(*) FROM core_auditentry)"
    )
    if database.startswith("sqlite"):
        with sqlite3.connect(database.removeprefix("sqlite:///")) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            return connection.execute(sql).fetchone()
    import psycopg

    with psycopg.connect(database) as connection:
        return connection.execute(sql).fetchone()


def test_an_import_killed_halfway_leaves_nothing_and_can_simply_be_run_again(database, tmp_path):
    path = tmp_path / "assets.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for number in range(ROWS):
            writer.writerow([f"MS-{number:06d}", f"SN{number:08d}", "Dell", "Latitude 5420",
                             "GRF", "In use"])  # fmt: skip
    child = "kretslopp.imports.tests.crashing_import"
    prepared = _run(database, tmp_path, "-m", child, "prepare")
    assert prepared.returncode == 0, prepared.stderr
    before = _counts(database)

    killed = _run(database, tmp_path, "-m", child, "crash", str(path), str(KILLED_AFTER))

    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert _counts(database) == before
    assert _jobs(database) == [("running", "")]  # nobody was left to record the outcome
    again = _run(database, tmp_path, "-m", "kretslopp", "import", "assets", str(path),
                 "--format", "json")  # fmt: skip
    assert again.returncode == 0, again.stdout + again.stderr
    assert json.loads(again.stdout)["created"] == ROWS
    assets, events, entries = _counts(database)
    assert (assets, events) == (before[0] + ROWS, before[1] + ROWS)
    assert entries >= before[2] + ROWS
    # The next command noticed that the killed import's process was gone.
    assert _jobs(database) == [("failed", "interrupted"), ("done", "")]
