"""Progress of a running import, and a request to cancel it, kept in small files beside the upload.

The import writes inside one database transaction; on SQLite that transaction holds the
write lock, so progress cannot be written to the database meanwhile (and on PostgreSQL it
would be invisible until the end). A JSON file under ``MEDIA_ROOT/imports/`` is visible to
every process at once, replaced atomically, and deleted when the job finishes.

For the same reason a request to cancel a running job is a file too (``cancel-<id>.json``,
naming who asked): the page that asks must not wait for the import's write lock, and the
worker looks at the file each time it reports progress (see :mod:`kretslopp.imports.jobs`).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from django.conf import settings

#: A running job whose progress file has not moved for this long was interrupted.
STALE_SECONDS = 15 * 60


def folder() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _path(job_id: int | str) -> Path:
    return folder() / f"progress-{job_id}.json"


class Cancelled(Exception):
    """Raised inside the import when its cancellation was asked for: everything rolls back."""


class Reporter:
    """A pipeline progress callback that writes at most a few times a second.

    Besides rows done it keeps the errors found so far and the rows per second since the
    phase began, which the job's page shows. With ``cancellable``, it raises
    :class:`Cancelled` at the first report after someone asked to cancel the job, so that a
    running import stops at its next batch and its transaction rolls back.
    """

    def __init__(
        self, job_id: int | str, interval: float = 0.3, *, cancellable: bool = False
    ) -> None:
        self.job_id = job_id
        self.interval = interval
        self.cancellable = cancellable
        self.last = 0.0
        self.phase = ""
        self.phase_started = time.monotonic()
        self.errors = 0

    def __call__(self, phase: str, done: int, total: int | None, errors: int = 0) -> None:
        now = time.monotonic()
        if phase != self.phase:
            self.phase, self.phase_started = phase, now
        self.errors = max(self.errors, errors)
        if now - self.last < self.interval and done != total:
            return
        self.last = now
        if self.cancellable and cancel_requested(self.job_id) is not None:
            raise Cancelled
        elapsed = now - self.phase_started
        rows_per_second = round(done / elapsed) if elapsed > 0.5 else None
        write(
            self.job_id,
            {
                "phase": phase,
                "done": done,
                "total": total,
                "errors": self.errors,
                "rows_per_second": rows_per_second,
            },
        )


def write(job_id: int | str, data: dict[str, Any]) -> None:
    path = _path(job_id)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({**data, "at": time.time()}))
    os.replace(temporary, path)


def read(job_id: int | str) -> dict[str, Any] | None:
    try:
        return json.loads(_path(job_id).read_text())
    except (OSError, ValueError):
        return None


def clear(job_id: int | str) -> None:
    _path(job_id).unlink(missing_ok=True)


def is_stale(data: dict[str, Any] | None) -> bool:
    return data is None or time.time() - float(data.get("at", 0)) > STALE_SECONDS


def _cancel_path(job_id: int | str) -> Path:
    return folder() / f"cancel-{job_id}.json"


def request_cancel(job_id: int | str, user_id: int | None) -> None:
    """Ask the process working on the job to stop (it records who asked)."""
    path = _cancel_path(job_id)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"user": user_id, "at": time.time()}))
    os.replace(temporary, path)


def cancel_requested(job_id: int | str) -> dict[str, Any] | None:
    """Who asked to cancel the job, if anyone did (``{"user": id or None}``)."""
    try:
        return json.loads(_cancel_path(job_id).read_text())
    except (OSError, ValueError):
        return None


def clear_cancel(job_id: int | str) -> None:
    _cancel_path(job_id).unlink(missing_ok=True)
