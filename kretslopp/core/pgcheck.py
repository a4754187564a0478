"""Is the PostgreSQL server the tests need reachable? One line saying how to start it if not.

``make test`` runs this first: without it a stopped server meant every PostgreSQL test
failing on its own connection error (minutes of output) after the SQLite suite had run.
Usage: ``python -m kretslopp.core.pgcheck postgres://user@host:5432/name``; exit 0 when the
server answers, 1 otherwise. No Django needed, and no password is ever printed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import pq

from kretslopp.core.dburl import database_from_url

CONNECT_TIMEOUT_SECONDS = 3


def problem(url: str) -> str | None:
    """None when the server at ``url`` answers; otherwise one line saying what to do.

    Asks the way ``pg_isready`` does (libpq's ping): whether a server accepts connections
    there at all, before any database or password matters; the test runner creates its
    own database and reports a refused login itself.
    """
    try:
        settings = database_from_url(url)
    except ValueError as error:
        return str(error)
    if settings["ENGINE"] != "django.db.backends.postgresql":
        return f"{shown(url)} is not a PostgreSQL URL; set KRETSLOPP_TEST_DATABASE_URL to one."
    params = {
        "dbname": settings["NAME"],
        "user": settings["USER"],
        "host": settings["HOST"],
        "port": settings["PORT"],
        "connect_timeout": str(CONNECT_TIMEOUT_SECONDS),
        **settings["OPTIONS"],
    }
    conninfo = psycopg.conninfo.make_conninfo(**{k: v for k, v in params.items() if v})
    answer = pq.Ping(pq.PGconn.ping(conninfo.encode()))
    if answer in (pq.Ping.OK, pq.Ping.REJECT):  # REJECT: running, not taking logins yet
        return None
    if answer == pq.Ping.NO_ATTEMPT:
        return f"{shown(url)} cannot be used to connect; set KRETSLOPP_TEST_DATABASE_URL."
    return (
        f"PostgreSQL is not reachable at {shown(url)}. Start it with "
        f"`{start_command()}`, or set KRETSLOPP_TEST_DATABASE_URL to a server that runs."
    )


def shown(url: str) -> str:
    """``url`` without its password, fit to print."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))


def start_command(config_dir: Path = Path("/etc/postgresql")) -> str:
    """The command that starts this machine's cluster (Debian's layout), or a generic one."""
    versions = sorted(
        (p.name for p in config_dir.glob("*") if p.name.isdigit()), key=int, reverse=True
    )
    version = versions[0] if versions else "<version>"
    return f"pg_ctlcluster --skip-systemctl-redirect {version} main start"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m kretslopp.core.pgcheck POSTGRES_URL", file=sys.stderr)
        return 2
    message = problem(args[0])
    if message is None:
        return 0
    print(message, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
