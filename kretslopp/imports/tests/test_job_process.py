"""Background imports run by a real ``kretslopp worker`` process, on every task backend.

Each test has a database of its own (a SQLite file, or a fresh PostgreSQL database when the
suite runs on PostgreSQL), queues an asset file as the API does, and starts ``kretslopp
worker`` as a separate process, with the database backend and, when Redis answers on
``KRETSLOPP_REDIS_URL`` (127.0.0.1:6379 by default), with RQ on Redis.

* the worker's progress is visible while it works (rows done, rows per second), then the
  job is done with every row imported;
* killing the process that works on the job (SIGKILL, no handler runs) leaves nothing
  written, and the next look marks the job failed with its reason;
* cancelling a running job stops it at its next batch with nothing written, audited;
* killing the worker while it writes a large export leaves no file to download, and the
  next look marks the export failed and removes its partial file.
"""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

HEADERS = ["Asset tag", "Serial number", "Manufacturer", "Model", "Department", "Status"]
REDIS_URL = os.environ.get("KRETSLOPP_REDIS_URL", "redis://127.0.0.1:6379/0")
SCENARIOS = "kretslopp.imports.tests.job_scenarios"


def _redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


BACKENDS = [
    "database",
    pytest.param(
        "rq",
        marks=pytest.mark.skipif(
            not _redis_answers() and not os.environ.get("KRETSLOPP_REQUIRE_REDIS"),
            reason=f"Redis does not answer at {REDIS_URL} (CI starts it: see .ci/run)",
        ),
    ),
]


@pytest.fixture
def database(tmp_path) -> Iterator[str]:
    """A URL of an empty database of the engine the suite runs on; dropped afterwards."""
    url = os.environ.get("KRETSLOPP_DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'jobs.sqlite3'}"
        return
    import psycopg

    name = f"kretslopp_jobs_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    server = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield urlsplit(url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class Installation:
    """One database, one var/ folder, one task backend: the processes of a deployment."""

    def __init__(self, database: str, var: Path, backend: str) -> None:
        self.database = database
        self.var = var
        # Each test its own RQ queue: a queue name other helpers on this Redis never use.
        self.environment = dict(
            os.environ,
            KRETSLOPP_DATABASE_URL=database,
            KRETSLOPP_VAR_DIR=str(var),
            KRETSLOPP_HTTPS="0",
            KRETSLOPP_TASKS_BACKEND=backend,
            KRETSLOPP_REDIS_URL=REDIS_URL,
            KRETSLOPP_TASKS_QUEUE=f"test-{uuid.uuid4().hex[:12]}",
        )
        self.worker: subprocess.Popen | None = None

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", SCENARIOS, *args],
            env=self.environment,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout.strip()

    def start_worker(self) -> None:
        self.worker = subprocess.Popen(  # noqa: S603 - our own command
            [sys.executable, "-m", "kretslopp", "worker", "--interval", "0.2"],
            env=self.environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def stop_worker(self) -> str:
        if self.worker is None:
            return ""
        if self.worker.poll() is None:
            self.worker.terminate()
        try:
            output, _ = self.worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.worker.kill()
            output, _ = self.worker.communicate()
        return output or ""

    def query(self, sql: str) -> list[tuple]:
        if self.database.startswith("sqlite"):
            with sqlite3.connect(self.database.removeprefix("sqlite:///"), timeout=60) as db:
                return db.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.database) as db:
            return db.execute(sql).fetchall()

    def job(self, job_id: int) -> tuple[str, str, str]:
        """The job's state, reason for failing and the lock its worker holds."""
        sql = f"SELECT state, failure, worker FROM imports_importjob WHERE id={job_id}"
        return self.query(sql)[0]

    def counts(self) -> tuple[int, int]:
        """Assets and lifecycle events, read straight from the database."""
        return self.query(
            "SELECT (SELECT COUNT(*) FROM inventory_asset), "
            "(SELECT COUNT(*) FROM inventory_lifecycleevent)"
        )[0]

    def progress(self, job_id: int) -> dict | None:
        try:
            path = self.var / "media" / "imports" / f"progress-{job_id}.json"
            return json.loads(path.read_text())
        except (OSError, ValueError):
            return None

    def wait_for(self, condition, what: str, timeout: float = 240) -> object:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = condition()
            if found:
                return found
            if self.worker is not None and self.worker.poll() is not None:
                pytest.fail(f"the worker ended while waiting for {what}: {self.stop_worker()}")
            time.sleep(0.05)
        pytest.fail(f"no {what} within {timeout} s; worker said: {self.stop_worker()}")


@pytest.fixture(params=BACKENDS)
def installation(request, database, tmp_path) -> Iterator[Installation]:
    place = Installation(database, tmp_path / "var", request.param)
    place.run("prepare")
    yield place
    place.stop_worker()


def _asset_file(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for number in range(rows):
            writer.writerow([f"MS-{number:06d}", f"SN{number:08d}", "Dell", "Latitude 5420",
                             "GRF", "In use"])  # fmt: skip
    return path


def test_a_worker_imports_a_queued_file_and_its_progress_shows_meanwhile(installation, tmp_path):
    rows = 6_000
    job_id = int(installation.run("queue", str(_asset_file(tmp_path / "assets.csv", rows))))
    assert installation.job(job_id)[0] == "queued"
    assert installation.counts() == (0, 0)

    installation.start_worker()
    seen = installation.wait_for(
        lambda: (p := installation.progress(job_id)) and p["done"] > 0 and p, "progress"
    )
    installation.wait_for(lambda: installation.job(job_id)[0] == "done", "the job done")
    # The worker records the outcome, then removes the progress file: a moment apart.
    installation.wait_for(lambda: installation.progress(job_id) is None, "progress cleared", 10)

    assert seen["phase"] in {"validating", "writing"}
    assert seen["errors"] == 0
    assert installation.counts() == (rows, rows)
    summary = installation.query(f"SELECT summary FROM imports_importjob WHERE id={job_id}")[0][0]
    summary = json.loads(summary) if isinstance(summary, str) else summary
    assert summary["created"] == rows
    # It worked at a lowered CPU priority, so that pages come first on a shared host.
    started = re.search(r"niceness (\d+)", installation.stop_worker())
    assert started and int(started.group(1)) >= 10


def test_killing_the_worker_mid_job_leaves_nothing_written_and_the_job_failed(
    installation, tmp_path
):
    job_id = int(installation.run("queue", str(_asset_file(tmp_path / "assets.csv", 20_000))))
    installation.start_worker()
    installation.wait_for(
        lambda: (p := installation.progress(job_id)) and p["phase"] == "writing" and p["done"] > 0,
        "rows being written",
    )
    # The process holding the job's lock is the one working on it (RQ: its work horse).
    _state, _failure, token = installation.job(job_id)
    lock = installation.var / "media" / "imports" / f"worker-{token.rsplit(':', 1)[1]}.lock"
    pid = int(lock.read_text().split()[1])
    os.kill(pid, signal.SIGKILL)
    installation.stop_worker()

    assert installation.counts() == (0, 0)
    assert installation.job(job_id)[:2] == ("running", "")  # nobody left to record it
    assert installation.run("look") == "1"
    assert installation.job(job_id) == ("failed", "interrupted", "")


def test_cancelling_a_running_job_stops_it_with_nothing_written_and_audited(installation, tmp_path):
    job_id = int(installation.run("queue", str(_asset_file(tmp_path / "assets.csv", 20_000))))
    # Ready before the worker starts, so that it asks while the job runs, however fast.
    canceller = subprocess.Popen(  # noqa: S603 - our own module
        [sys.executable, "-m", SCENARIOS, "cancel-when-running", str(job_id)],
        env=installation.environment,
        stdout=subprocess.PIPE,
        text=True,
    )
    time.sleep(5)  # Django starts in the canceller first
    installation.start_worker()
    said, _ = canceller.communicate(timeout=600)

    assert said.strip() == "True"
    installation.wait_for(lambda: installation.job(job_id)[0] == "cancelled", "the job cancelled")

    assert installation.counts() == (0, 0)
    entries = installation.query(
        "SELECT u.username, e.changes FROM core_auditentry e JOIN auth_user u ON u.id = e.actor_id "
        f"WHERE e.object_id = '{job_id}'"
    )
    assert [username for username, changes in entries if "cancelled" in str(changes)] == ["admin"]


def test_killing_the_worker_mid_export_leaves_no_file_and_the_export_failed(installation):
    export_id = int(installation.run("queue-export", "30000"))
    installation.start_worker()
    progress = installation.var / "media" / "imports" / f"progress-export-{export_id}.json"

    def written() -> bool:
        try:
            return json.loads(progress.read_text())["done"] > 0
        except (OSError, ValueError, KeyError):
            return False

    installation.wait_for(written, "rows being written")
    state, token = installation.query(
        f"SELECT state, worker FROM imports_exportjob WHERE id={export_id}"
    )[0]
    lock = installation.var / "media" / "imports" / f"worker-{token.rsplit(':', 1)[1]}.lock"
    os.kill(int(lock.read_text().split()[1]), signal.SIGKILL)
    installation.stop_worker()
    folder = installation.var / "media" / "exports"
    assert state == "running" and [path.name for path in folder.iterdir()] == [
        f"export-{export_id}.part"
    ]  # half a file, which nobody can download

    assert installation.run("look-exports") == "1"
    assert installation.query(
        f"SELECT state, failure, stored_file FROM imports_exportjob WHERE id={export_id}"
    ) == [("failed", "interrupted", "")]
    assert list(folder.iterdir()) == []
