"""Turn a ``KRETSLOPP_DATABASE_URL`` into a Django DATABASES entry.

Only the two engines Kretslopp supports are understood; anything else is refused early
with a message rather than failing later inside a driver.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

SQLITE_OPTIONS: dict[str, Any] = {
    # Writers queue instead of failing: IMMEDIATE takes the write lock at BEGIN, and the
    # timeout lets a second writer wait for it, so users never see "database is locked".
    "timeout": 30,
    "transaction_mode": "IMMEDIATE",
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; "
        "PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;"
    ),
}


def database_from_url(url: str) -> dict[str, Any]:
    """Return the Django settings dictionary for a sqlite:/// or postgres:// URL."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # sqlite:///relative/file and sqlite:////absolute/file, as SQLAlchemy spells them.
        path = unquote(url.split("://", 1)[1][1:].split("?", 1)[0])
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path or ":memory:",
            "OPTIONS": dict(SQLITE_OPTIONS),
            "TEST": {"NAME": None},
        }
    if scheme in {"postgres", "postgresql", "pgsql"}:
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")) or "postgres",
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ValueError(
        f"KRETSLOPP_DATABASE_URL must start with sqlite:/// or postgres://, not {scheme!r}"
    )
