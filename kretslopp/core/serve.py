"""How ``kretslopp serve`` runs the app: gunicorn's settings from the environment.

One machine runs several app processes (gunicorn workers) that share nothing but the
database: sessions, the cache (``DatabaseCache``), login throttling and every result an
in-process memo keeps are either in the database or keyed by a data version read from it
(:mod:`kretslopp.core.memo`). So the number of processes is a deployment choice, made here
from the environment, and the step to several machines is the same one with a proxy in
front (docs/operations.md).

Each process may also run a few threads (``KRETSLOPP_WEB_THREADS``): a request waiting on
the database then holds one thread, not the whole process. By default each process serves
one request at a time and the processes give the concurrency (see :data:`DEFAULT_THREADS`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

#: More processes than this on one machine compete for its cores and its connections.
MAX_DEFAULT_PROCESSES = 8
#: One: gunicorn's sync worker, one request at a time per process, and more processes for
#: more at once (2 × cores + 1). Python runs one thread of a process at a time, so for this
#: CPU-bound app a second thread adds lock hand-overs and database connections, not
#: throughput: measured, a request cost 11.3 ms of CPU with one thread and 12.1–13.3 ms
#: with two, and two processes served more with one thread each (docs/operations.md,
#: "Measured load"). The sync worker expects a buffering proxy in front, as in the
#: reference deployment; set ``KRETSLOPP_WEB_THREADS`` to 2–4 where the proxy does not
#: buffer, or where one process must serve alone.
DEFAULT_THREADS = 1
DEFAULT_BIND = "127.0.0.1:8000"
#: Seconds a worker may stay silent before gunicorn replaces it (the proxy's timeout is
#: usually shorter: long work belongs in background jobs).
DEFAULT_TIMEOUT_SECONDS = 120
#: How long an idle connection is kept open. Longer than a proxy's own idle keep-alive (nginx
#: upstream: 60 s): if the app closed first, a request the proxy sends on the connection at
#: that moment would meet a reset. Idle connections cost the threaded worker nothing; the
#: sync worker (one thread, the default) closes each connection after its answer instead.
DEFAULT_KEEPALIVE_SECONDS = 75


class ServeConfigError(ValueError):
    """A setting of ``kretslopp serve`` that cannot be used; the message names it."""


@dataclass(frozen=True)
class ServeConfig:
    """What gunicorn is told: where to listen, how many processes and threads."""

    bind: str
    processes: int
    threads: int
    timeout_seconds: int
    keepalive_seconds: int
    access_log: bool

    def gunicorn_options(self) -> dict[str, object]:
        """The options in gunicorn's own names (``gunicorn --help``)."""
        return {
            "bind": [self.bind],
            "workers": self.processes,
            "threads": self.threads,
            # gthread keeps the worker's heartbeat in its own loop, so one long request
            # does not get the whole process killed as silent.
            "worker_class": "gthread" if self.threads > 1 else "sync",
            "timeout": self.timeout_seconds,
            "graceful_timeout": 30,
            "keepalive": self.keepalive_seconds,
            "accesslog": "-" if self.access_log else None,
            "errorlog": "-",
            "proc_name": "kretslopp",
            # Django is set up once in the master and the processes are forked from it:
            # they start faster and share the imported code's memory.
            "preload_app": True,
            # No control socket: by default it is one path per user, so two servers on a
            # machine (blue/green, the multi-process test) would take it from each other.
            "control_socket_disable": True,
        }


def default_processes(cores: int | None = None) -> int:
    """Gunicorn's usual advice, two per core plus one, capped for a shared machine."""
    cores = cores or os.cpu_count() or 1
    return min(2 * cores + 1, MAX_DEFAULT_PROCESSES)


def config_from(
    environ: Mapping[str, str],
    *,
    bind: str | None = None,
    processes: int | None = None,
    threads: int | None = None,
) -> ServeConfig:
    """The configuration: command-line options first, then ``KRETSLOPP_WEB_*``, then defaults."""
    return ServeConfig(
        bind=bind or environ.get("KRETSLOPP_WEB_BIND", "").strip() or DEFAULT_BIND,
        processes=processes
        or _positive(environ, "KRETSLOPP_WEB_PROCESSES", default_processes(), 64),
        threads=threads or _positive(environ, "KRETSLOPP_WEB_THREADS", DEFAULT_THREADS, 64),
        timeout_seconds=_positive(
            environ, "KRETSLOPP_WEB_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS, 3600
        ),
        keepalive_seconds=_positive(
            environ, "KRETSLOPP_WEB_KEEPALIVE_SECONDS", DEFAULT_KEEPALIVE_SECONDS, 3600
        ),
        access_log=environ.get("KRETSLOPP_WEB_ACCESS_LOG", "0").strip() == "1",
    )


def _positive(environ: Mapping[str, str], name: str, default: int, maximum: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ServeConfigError(f"{name} must be a whole number, not {raw!r}.") from None
    if not 1 <= value <= maximum:
        raise ServeConfigError(f"{name} must be between 1 and {maximum}, not {value}.")
    return value
