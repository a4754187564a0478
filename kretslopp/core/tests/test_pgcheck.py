"""`make test` asks first whether PostgreSQL runs, and stops with one line if it does not."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from kretslopp.core import pgcheck

REPO = Path(__file__).resolve().parents[3]


def _closed_port() -> int:
    """A local port nothing listens on (bound, then released, so no one took it since)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_server_is_one_line_saying_how_to_start_it():
    url = f"postgres://postgres:s3cret@127.0.0.1:{_closed_port()}/kretslopp"
    result = subprocess.run(
        [sys.executable, "-m", "kretslopp.core.pgcheck", url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "pg_ctlcluster --skip-systemctl-redirect" in lines[0]
    assert "KRETSLOPP_TEST_DATABASE_URL" in lines[0]
    assert "s3cret" not in lines[0]


def test_make_test_checks_postgresql_before_anything_else():
    dry_run = subprocess.run(
        ["make", "-n", "test", "KRETSLOPP_TEST_DATABASE_URL=postgres://x@127.0.0.1:1/k"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    commands = [
        line
        for line in dry_run.stdout.splitlines()
        if "pytest" in line or "pgcheck" in line or "ruff" in line
    ]
    assert "pgcheck" in commands[0], commands


def test_the_start_command_names_this_machines_cluster(tmp_path):
    for version in ("13", "15"):
        (tmp_path / version).mkdir()
    assert (
        pgcheck.start_command(tmp_path) == "pg_ctlcluster --skip-systemctl-redirect 15 main start"
    )
    assert "<version>" in pgcheck.start_command(tmp_path / "missing")


def test_a_non_postgres_url_is_refused_in_one_line():
    assert "not a PostgreSQL URL" in pgcheck.problem("sqlite:///var/test.sqlite3")
    assert pgcheck.shown("postgres://u:pw@h:5432/d") == "postgres://u:***@h:5432/d"
