"""Progress of a running import, kept in a small file beside the upload.

The import writes inside one database transaction; on SQLite that transaction holds the
write lock, so progress cannot be written to the database meanwhile (and on PostgreSQL it
would be invisible until the end). A JSON file under ``MEDIA_ROOT/imports/`` is visible to
every process at once, replaced atomically, and deleted when the job finishes.
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


def _path(job_id: int) -> Path:
    return folder() / f"progress-{job_id}.json"


class Reporter:
    """A pipeline progress callback that writes at most a few times a second."""

    def __init__(self, job_id: int, interval: float = 0.3) -> None:
        self.job_id = job_id
        self.interval = interval
        self.last = 0.0

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self.last < self.interval and done != total:
            return
        self.last = now
        write(self.job_id, {"phase": phase, "done": done, "total": total})


def write(job_id: int, data: dict[str, Any]) -> None:
    path = _path(job_id)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({**data, "at": time.time()}))
    os.replace(temporary, path)


def read(job_id: int) -> dict[str, Any] | None:
    try:
        return json.loads(_path(job_id).read_text())
    except (OSError, ValueError):
        return None


def clear(job_id: int) -> None:
    _path(job_id).unlink(missing_ok=True)


def is_stale(data: dict[str, Any] | None) -> bool:
    return data is None or time.time() - float(data.get("at", 0)) > STALE_SECONDS
