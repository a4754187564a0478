"""Backing up and restoring the whole database, consistently and all or nothing.

A municipality's asset register is the evidence behind its climate figures and its data
erasure trail, so a backup must be a consistent snapshot taken while people keep working,
and a restore must either bring back exactly that snapshot or leave the database as it was.

* **SQLite** — SQLite's online backup copies the database page by page under its own locks
  (readers and writers carry on in WAL mode); the copy is checked with ``PRAGMA
  integrity_check`` before it is given its final name. A restore checks the file the same
  way, then copies it into the live database with the same mechanism, which replaces the
  content in one step.
* **PostgreSQL** — ``pg_dump --format=custom`` (a consistent snapshot by MVCC) and
  ``pg_restore --clean --if-exists --single-transaction``: if anything in the restore
  fails, the transaction rolls back and the database is unchanged.

A backup made on one engine is refused by the other with a message (moving between engines
is a migration, not a restore). After a restore the schema is migrated forward, so a backup
from an earlier Kretslopp version comes back usable.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that could not be made; the message says why and what to do."""


@dataclass(frozen=True)
class Backup:
    path: Path
    engine: str  # "sqlite" or "postgresql"
    size_bytes: int


def engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def default_path(directory: Path) -> Path:
    """``kretslopp-YYYYMMDD-HHMMSS.sqlite3`` or ``….pgdump`` in ``directory``."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    suffix = ".sqlite3" if engine() == "sqlite" else ".pgdump"
    return directory / f"kretslopp-{stamp}{suffix}"


def file_engine(path: Path) -> str:
    """Which engine wrote the backup at ``path``, from its first bytes."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise BackupError(f"{path}: cannot be read ({error.strerror}).") from error
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_CUSTOM_MAGIC):
        return "postgresql"
    raise BackupError(f"{path}: not a Kretslopp backup (neither SQLite nor pg_dump's format).")


def make(path: Path) -> Backup:
    """Write a consistent backup of the database to ``path`` (never half a file)."""
    if path.exists():
        raise BackupError(f"{path}: exists already; a backup never overwrites a file.")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    kind = engine()
    try:
        if kind == "sqlite":
            _sqlite_backup(partial)
        else:
            _pg_dump(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return Backup(path=path, engine=kind, size_bytes=path.stat().st_size)


def restore(path: Path) -> Backup:
    """Replace the database's content with the backup at ``path``, or change nothing."""
    kind = engine()
    found = file_engine(path)
    if found != kind:
        raise BackupError(f"{path}: a {found} backup cannot be restored into this {kind} database.")
    if kind == "sqlite":
        _sqlite_restore(path)
    else:
        _pg_restore(path)
    connection.close()  # the next query opens a connection onto the restored database
    return Backup(path=path, engine=kind, size_bytes=path.stat().st_size)


# --- SQLite --------------------------------------------------------------------------------


def _raw_sqlite() -> sqlite3.Connection:
    connection.ensure_connection()
    return connection.connection


def _sqlite_backup(target: Path) -> None:
    copy = sqlite3.connect(target)
    try:
        _raw_sqlite().backup(copy)
        _check_integrity(copy, target)
    finally:
        copy.close()


def _sqlite_restore(source: Path) -> None:
    try:
        backup = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BackupError(f"{source}: cannot be opened ({error}).") from error
    try:
        _check_integrity(backup, source)
        tables = {row[0] for row in backup.execute("SELECT name FROM sqlite_master")}
        if "django_migrations" not in tables or "inventory_asset" not in tables:
            raise BackupError(f"{source}: a SQLite database, but not a Kretslopp backup.")
        backup.backup(_raw_sqlite())
    finally:
        backup.close()


def _check_integrity(database: sqlite3.Connection, path: Path) -> None:
    try:
        verdict = database.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path}: not a readable SQLite database ({error}).") from error
    if verdict != "ok":
        raise BackupError(f"{path}: the integrity check failed ({verdict}).")


# --- PostgreSQL ----------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found: install PostgreSQL's client programs "
            "(Debian: apt-get install postgresql-client) of the server's major version."
        )
    return found


def _pg_connection() -> tuple[list[str], dict[str, str]]:
    """Arguments naming the database, and an environment carrying the password."""
    settings: dict[str, Any] = connection.settings_dict
    arguments = ["--dbname", settings["NAME"], "--no-password"]
    if settings.get("HOST"):
        arguments += ["--host", settings["HOST"]]
    if settings.get("PORT"):
        arguments += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        arguments += ["--username", settings["USER"]]
    environment = dict(os.environ)
    if settings.get("PASSWORD"):
        environment["PGPASSWORD"] = settings["PASSWORD"]
    return arguments, environment


def _run(command: list[str], environment: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise BackupError(f"{what} failed: " + " / ".join(detail))


def _pg_dump(target: Path) -> None:
    arguments, environment = _pg_connection()
    command = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target)]
    _run(command + arguments, environment, "pg_dump")
    _run([_pg_tool("pg_restore"), "--list", str(target)], environment, "Checking the dump")


def _pg_restore(source: Path) -> None:
    arguments, environment = _pg_connection()
    _run([_pg_tool("pg_restore"), "--list", str(source)], environment, "Reading the dump")
    connection.close()  # our own session must not hold locks on the tables being replaced
    command = [
        _pg_tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        str(source),
    ]
    _run(command + arguments, environment, "pg_restore")
