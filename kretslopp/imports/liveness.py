"""Telling a job that is still being worked on from one whose process died.

A preview or an import runs inside one process: the web request that checks an upload or
imports it, ``kretslopp import``, an API call. If that process dies — killed by the OOM
killer or a time-out, the server restarted — nothing is left to record the outcome, and the
job would say "being checked" or "importing" for ever.

So the process holds an exclusive lock (``flock``) on a small file beside the uploads
(``MEDIA_ROOT/imports/worker-….lock``) from before the job is created, or claimed, until its
outcome is saved; the job names that file. The operating system releases the lock when
the process ends in any way, so whoever looks at the job next — its page, the list of
imports, the progress poll, ``kretslopp import`` or ``cleanup_imports`` — can tell at once:
a lock still held means alive, a lock that can be taken (or a file that is gone, on the
same host) means the process died, and :func:`reap` marks the job failed with that reason.

Where the lock cannot say (the job names no lock: it was created before this module, or
by a caller that does not take one; the file system refuses locks; the lock was taken on
another host and its file is not visible here), the job's last sign of life decides: its
progress file, else its start, older than :data:`kretslopp.imports.progress.STALE_SECONDS`.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from kretslopp.core import audit
from kretslopp.imports import progress
from kretslopp.imports.models import Failure, ImportJob, JobState

try:  # POSIX; elsewhere every job falls back to its last sign of life
    import fcntl
except ImportError:  # pragma: no cover - not on the supported platforms
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

#: Jobs a process is working on; any other state is an outcome.
ACTIVE_STATES = (JobState.CHECKING, JobState.RUNNING)
_PREFIX, _SUFFIX = "worker-", ".lock"


def _host() -> str:
    return socket.gethostname()[:60] or "localhost"


def _path(token: str) -> Path | None:
    """The lock file a job's ``worker`` names, or None if it names none (or nonsense)."""
    name = token.rsplit(":", 1)[-1]
    if not name or not name.isalnum():
        return None
    return progress.folder() / f"{_PREFIX}{name}{_SUFFIX}"


def lock_names(tokens: Iterable[str]) -> set[str]:
    """The lock files of ``tokens``, by file name (for the upload folder's orphan sweep)."""
    return {path.name for token in tokens if (path := _path(token)) is not None}


class Worker:
    """The lock a process holds while it works on a job; ``token`` goes on the job.

    Taken before the job is created or claimed, released after its outcome is saved: in
    between, the job is never without a live lock.
    """

    def __init__(self) -> None:
        self.token = ""
        self._handle: TextIO | None = None
        self._path: Path | None = None

    def __enter__(self) -> Worker:
        name = uuid.uuid4().hex
        path = progress.folder() / f"{_PREFIX}{name}{_SUFFIX}"
        if fcntl is None:
            return self
        handle = open(path, "w")  # noqa: SIM115 - held until __exit__
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:  # a file system without locks: fall back to time
            logger.warning("cannot lock %s (%s); jobs are judged by their age", path, error)
            handle.close()
            path.unlink(missing_ok=True)
            return self
        handle.write(f"{_host()} {os.getpid()}\n")
        handle.flush()
        self._handle, self._path = handle, path
        self.token = f"{_host()}:{name}"
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._handle is not None and self._path is not None:
            self._path.unlink(missing_ok=True)
            self._handle.close()  # closing releases the lock
            self._handle = None


@contextmanager
def working_on(job: ImportJob) -> Iterator[None]:
    """Hold a lock for ``job`` unless its caller already holds one (``job.worker`` set)."""
    if job.worker:
        yield
        return
    with Worker() as worker:
        if worker.token:
            ImportJob.objects.filter(pk=job.pk).update(worker=worker.token)
            job.worker = worker.token
        yield


def is_alive(job: ImportJob) -> bool:
    """Whether a process is still working on ``job`` (an active one)."""
    verdict = _lock_verdict(job.worker)
    if verdict is not None:
        return verdict
    state = progress.read(job.pk)
    last = max(float(state.get("at", 0)) if state else 0.0, job.created_at.timestamp())
    return time.time() - last <= progress.STALE_SECONDS


def _lock_verdict(token: str) -> bool | None:
    """True: the lock is held; False: its process is gone; None: the lock cannot say."""
    path = _path(token) if token and fcntl is not None else None
    if path is None:
        return None
    try:
        handle = open(path)  # noqa: SIM115 - closed below
    except FileNotFoundError:
        # Removed when its process finished (then the job has its outcome) or cleaned up
        # after it died. A lock taken on another host may just not be visible here.
        return False if token.rsplit(":", 1)[0] == _host() else None
    except OSError:
        return None
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return None
    finally:
        handle.close()
    return False


def reap(jobs: Iterable[ImportJob]) -> list[ImportJob]:
    """Mark failed every active job of ``jobs`` whose process died; returns those."""
    dead = [job for job in jobs if job.state in ACTIVE_STATES and not is_alive(job)]
    return [job for job in dead if _mark_failed(job)]


def reap_all() -> list[ImportJob]:
    """:func:`reap` every active job (the command line's look at them)."""
    return reap(ImportJob.objects.filter(state__in=ACTIVE_STATES).order_by("pk"))


def _mark_failed(job: ImportJob) -> bool:
    """Failed, for the reason that its process ended; False if its outcome came meanwhile."""
    before = job.state
    now = timezone.now()
    # The system noticed, not the viewer: a batch of its own, not the viewer's request.
    system = audit.batch(audit.new_batch(audit.SYSTEM_BATCH))
    with transaction.atomic(), audit.acting_as(None), system:
        # Only if still as seen: a process that saved its outcome after the look wins.
        changed = ImportJob.objects.filter(pk=job.pk, state=before, worker=job.worker).update(
            state=JobState.FAILED, failure=Failure.INTERRUPTED, finished_at=now, worker=""
        )
        if changed:
            audit.record(
                job,
                "update",
                {"state": [before, JobState.FAILED], "failure": [None, Failure.INTERRUPTED]},
            )
    if not changed:
        job.refresh_from_db()
        return False
    progress.clear(job.pk)
    path = _path(job.worker)
    if path is not None:
        path.unlink(missing_ok=True)
    job.state, job.failure, job.finished_at, job.worker = (
        JobState.FAILED,
        Failure.INTERRUPTED,
        now,
        "",
    )
    logger.warning("%s stopped without finishing (state %s); marked failed", job.reference, before)
    return True


def lock_verdict(token: str) -> bool | None:
    """Whether the process holding ``token``'s lock lives (True), died (False) or the lock
    cannot say (None); for other kinds of job (the exports) that hold the same locks."""
    return _lock_verdict(token)
