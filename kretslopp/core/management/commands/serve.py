"""``kretslopp serve``: the app under gunicorn, several processes, for production.

``make run`` keeps Django's development server (one process, easy to stop); this is what a
municipality runs behind its HTTPS proxy. Settings come from ``KRETSLOPP_WEB_*`` (see
:mod:`kretslopp.core.serve` and docs/operations.md); the options below override them.
Static files are served by WhiteNoise inside the app, so no separate file server is needed.
"""

from __future__ import annotations

import logging
import os
import time
from argparse import ArgumentParser
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.wsgi import get_wsgi_application
from django.db import connections
from gunicorn.app.base import BaseApplication

from kretslopp.core import memo
from kretslopp.core.registry import registry
from kretslopp.core.serve import ServeConfig, ServeConfigError, config_from

logger = logging.getLogger(__name__)


class _Gunicorn(BaseApplication):
    """Gunicorn run from inside this process, with the already set-up Django app."""

    def __init__(self, config: ServeConfig, say: Callable[[str], Any]) -> None:
        self.options = config.gunicorn_options()
        self.say = say
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            if value is not None:
                self.cfg.set(name, value)

    def load(self):
        application = get_wsgi_application()
        if self.options.get("preload_app"):
            # before the fork: every process gets the store, and what is warmed goes in it
            memo.share_between_processes(Path(settings.VAR_DIR) / "figures")
            warm_figures(self.say)
        return application


def warm_figures(say: Callable[[str], Any]) -> None:
    """Run the registered warmers in this, the first process, before it forks the others.

    A failure is logged and the server starts all the same (cold): figures are an
    optimisation, and a database that is unreachable right now must not keep the site down.
    The connections opened here are closed, so that no forked process shares one.
    """
    for name, warm in registry.warmers.items():
        started = time.perf_counter()
        try:
            said = warm()
        except Exception:
            logger.exception("Warming %s failed; the processes start without it.", name)
        else:
            say(f"Warmed in {time.perf_counter() - started:.1f} s: {said}.")
    connections.close_all()


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
            "--threads", type=int, help="Threads per process (KRETSLOPP_WEB_THREADS; 1)."
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
        _Gunicorn(config, say=lambda line: (self.stdout.write(line), self.stdout.flush())).run()
