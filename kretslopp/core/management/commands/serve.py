"""``kretslopp serve``: the app under gunicorn, several processes, for production.

``make run`` keeps Django's development server (one process, easy to stop); this is what a
municipality runs behind its HTTPS proxy. Settings come from ``KRETSLOPP_WEB_*`` (see
:mod:`kretslopp.core.serve` and docs/operations.md); the options below override them.
Static files are served by WhiteNoise inside the app, so no separate file server is needed.
"""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.core.wsgi import get_wsgi_application
from django.db import connections
from gunicorn.app.base import BaseApplication

from kretslopp.core.serve import ServeConfig, ServeConfigError, config_from


class _Gunicorn(BaseApplication):
    """Gunicorn run from inside this process, with the already set-up Django app."""

    def __init__(self, config: ServeConfig) -> None:
        self.options = config.gunicorn_options()
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            if value is not None:
                self.cfg.set(name, value)

    def load(self):
        return get_wsgi_application()


class Command(BaseCommand):
    help = "Run the app under gunicorn: several processes sharing only the database."
    # The server starts at once: the system checks are `kretslopp check`'s job.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--bind", help="Address to listen on, HOST:PORT (KRETSLOPP_WEB_BIND; 127.0.0.1:8000)."
        )
        parser.add_argument(
            "--processes",
            type=int,
            help="App processes (KRETSLOPP_WEB_PROCESSES; default 2 × cores + 1, at most 8).",
        )
        parser.add_argument(
            "--threads", type=int, help="Threads per process (KRETSLOPP_WEB_THREADS; 4)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("processes", "threads"):
            if options[name] is not None and options[name] < 1:
                raise CommandError(f"--{name} must be at least 1.")
        try:
            config = config_from(
                os.environ,
                bind=options["bind"],
                processes=options["processes"],
                threads=options["threads"],
            )
        except ServeConfigError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Kretslopp serving on http://{config.bind}/ with {config.processes} process(es)"
            f" × {config.threads} thread(s)."
        )
        self.stdout.flush()
        # The processes are forked from this one: none may inherit an open connection.
        connections.close_all()
        _Gunicorn(config).run()
