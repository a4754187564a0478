"""Every import job page renders in every state, and a job whose process died says so.

A preview or import runs in one process; if that process dies (a crash, the OOM killer, a
restart) nothing is left to record the outcome. The next look at the job — its page, the
list, the progress poll, the command line — notices that the process's lock is gone and
marks the job failed with that reason, at once rather than after a quarter of an hour.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kretslopp.core.models import AuditEntry
from kretslopp.imports import liveness, progress
from kretslopp.imports.models import Failure, ImportJob, JobState

HEADER = ["Asset tag", "Serial number", "Manufacturer", "Model", "Department", "Status"]
CONTENT = ",".join(HEADER) + "\nMS-10,SN-10,Dell,P2422H,GRF,In stock\n"
MAPPING = {
    "headers": HEADER,
    "fields": {"0": "asset_tag", "1": "serial_number", "2": "manufacturer",
               "3": "model_name", "4": "department", "5": "status"},
    "profile": "kretslopp",
}  # fmt: skip
SUMMARY = {"status": "dry_run", "rows": 1, "created": 1, "updated": 0, "unchanged": 0, "new": {}}
ROW = [2, "MS-10", "SN-10", "Dell", "P2422H", "GRF", "In stock"]
ERROR = {"row": 2, "column": "Status", "value": "Borta", "message": "Okänd status.",
         "code": "unknown_status", "file": "a.csv", "warning": False}  # fmt: skip


def job_of(user, state: str, *, stored: bool = True, **fields) -> ImportJob:
    """A job of ``user`` in ``state``, with its upload stored unless told otherwise."""
    name = ""
    if stored:
        name = f"upload-{ImportJob.objects.count() + 1}.csv"
        (progress.folder() / name).write_text(CONTENT)
    return ImportJob.objects.create(
        user=user, file_name="a.csv", stored_file=name, state=state, **fields
    )


def dead_worker(leave_file: bool = False) -> str:
    """The lock token of a process that has ended (its lock file left behind, if told)."""
    with liveness.Worker() as worker:
        token = worker.token
        path = worker._path
    if leave_file:  # a killed process cannot remove its file; only its lock goes
        path.write_text("")
    return token


@contextmanager
def live_worker() -> Iterator[str]:
    with liveness.Worker() as worker:
        yield worker.token


@pytest.fixture
def coordinator(town, login):
    return login(town.users["coordinator"])


@pytest.fixture
def user(town):
    return town.users["coordinator"]


STATES = {
    "previewed": dict(state=JobState.PREVIEWED, mapping=MAPPING, summary=SUMMARY,
                      preview_rows=[ROW]),
    "previewed_with_errors": dict(state=JobState.PREVIEWED, mapping=MAPPING,
                                  summary={**SUMMARY, "status": "rejected", "created": 0},
                                  problems=[ERROR], problem_count=1, preview_rows=[ROW]),
    "previewed_without_its_rows": dict(state=JobState.PREVIEWED, mapping=MAPPING,
                                       summary=SUMMARY, preview_rows=[]),
    "previewed_file_removed": dict(state=JobState.PREVIEWED, mapping=MAPPING, summary=SUMMARY,
                                   stored=False, file_info={"removed_after_days": 7}),
    # What a preview that crashed before this version left: no outcome at all.
    "previewed_without_outcome": dict(state=JobState.PREVIEWED),
    "done": dict(state=JobState.DONE, mapping=MAPPING, stored=False,
                 summary={**SUMMARY, "status": "committed"}),
    "rejected": dict(state=JobState.REJECTED, mapping=MAPPING, stored=False,
                     summary={**SUMMARY, "status": "rejected", "created": 0},
                     problems=[ERROR], problem_count=1),
    "unreadable": dict(state=JobState.UNREADABLE, stored=False, problem_count=1,
                       problems=[{**ERROR, "row": None, "column": None, "code": "binary_file",
                                  "message": "Inte en CSV-fil."}]),
    "failed": dict(state=JobState.FAILED, mapping=MAPPING, stored=False,
                   failure=Failure.FILE_CHANGED),
    "failed_without_a_reason": dict(state=JobState.FAILED, stored=False),
}  # fmt: skip
SHOWN = {
    "previewed": ["import-confirm", "MS-10"],
    "previewed_with_errors": ["Okänd status.", 'data-row="2"'],
    "previewed_without_its_rows": ["import-confirm"],
    "previewed_file_removed": ["upload-removed"],
    "previewed_without_outcome": ["a.csv"],
    "done": ["count-created"],
    "rejected": ["Okänd status."],
    "unreadable": ["Inte en CSV-fil."],
    "failed": ["Den lagrade filen är inte den som kontrollerades"],
    "failed_without_a_reason": ["Misslyckad: ingenting importerat"],
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(STATES))
def test_the_job_page_renders_in_every_state(coordinator, user, case):
    fields = dict(STATES[case])
    job = job_of(user, stored=fields.pop("stored", True), **fields)
    response = coordinator.get(reverse("imports:job", args=[job.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for text in SHOWN[case]:
        assert text in page, text
    assert coordinator.get(reverse("imports:progress", args=[job.pk])).json()["finished"]


@pytest.mark.django_db
@pytest.mark.parametrize("state", [JobState.CHECKING, JobState.RUNNING])
def test_a_job_still_being_worked_on_shows_its_progress(coordinator, user, state):
    with live_worker() as token:
        job = job_of(user, state, worker=token)
        page = coordinator.get(reverse("imports:job", args=[job.pk])).content.decode()
        assert "import-progress" in page
        label = "Kontrolleras" if state == JobState.CHECKING else "Importerar"
        assert f"<h1>{label}: a.csv</h1>" in page
        data = coordinator.get(reverse("imports:progress", args=[job.pk])).json()
        assert (data["state"], data["finished"]) == (state, False)
    job.refresh_from_db()
    assert job.state == state


def _audited(job: ImportJob) -> list[AuditEntry]:
    kind = ContentType.objects.get_for_model(ImportJob)
    return list(AuditEntry.objects.filter(content_type=kind, object_id=str(job.pk)))


@pytest.mark.django_db
@pytest.mark.parametrize("leave_file", [False, True], ids=["file gone", "file left"])
def test_a_preview_whose_process_died_is_failed_at_the_next_look(coordinator, user, leave_file):
    job = job_of(user, JobState.CHECKING, worker=dead_worker(leave_file=leave_file))
    response = coordinator.get(reverse("imports:job", args=[job.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Arbetet med filen avbröts innan det var klart" in page
    job.refresh_from_db()
    assert (job.state, job.failure, job.worker) == (JobState.FAILED, "interrupted", "")
    assert job.finished_at is not None
    (entry,) = _audited(job)
    assert entry.actor is None  # the system noticed it, not whoever looked
    assert entry.changes["state"] == ["checking", "failed"]
    assert not [p for p in progress.folder().iterdir() if p.name.startswith("worker-")]


@pytest.mark.django_db
def test_a_killed_web_import_stops_the_progress_page_at_once(coordinator, user):
    job = job_of(user, JobState.RUNNING, mapping=MAPPING, summary=SUMMARY, worker=dead_worker())
    progress.write(job.pk, {"phase": "writing", "done": 1, "total": 1})  # moved just now
    data = coordinator.get(reverse("imports:progress", args=[job.pk])).json()
    assert (data["state"], data["finished"]) == ("failed", True)
    assert progress.read(job.pk) is None
    page = coordinator.get(data["url"]).content.decode()
    assert "Arbetet med filen avbröts" in page


@pytest.mark.django_db
def test_the_list_of_imports_shows_a_dead_job_as_failed(coordinator, user):
    job = job_of(user, JobState.RUNNING, worker=dead_worker())
    page = coordinator.get(reverse("imports:upload")).content.decode()
    assert "Misslyckad: ingenting importerat" in page
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    # Noticed while serving the coordinator's page, but by the system: a batch of its own.
    kind = ContentType.objects.get_for_model(ImportJob)
    entry = AuditEntry.objects.get(content_type=kind, object_id=str(job.pk), action="update")
    assert entry.actor is None and entry.batch.startswith("system:")


@pytest.mark.django_db
def test_a_job_without_a_lock_is_judged_by_its_last_sign_of_life(coordinator, user):
    quiet = job_of(user, JobState.RUNNING)
    ImportJob.objects.filter(pk=quiet.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=20)
    )
    busy = job_of(user, JobState.RUNNING)
    ImportJob.objects.filter(pk=busy.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=20)
    )
    progress.write(busy.pk, {"phase": "writing", "done": 10, "total": 100})
    young = job_of(user, JobState.CHECKING)
    call_command("cleanup_imports")
    states = dict(ImportJob.objects.values_list("pk", "state"))
    assert states == {quiet.pk: "failed", busy.pk: "running", young.pk: "checking"}


@pytest.mark.django_db
def test_the_command_line_fails_jobs_whose_process_died(town, user, tmp_path, capsys):
    dead = job_of(user, JobState.RUNNING, worker=dead_worker(leave_file=True))
    with live_worker() as token:
        alive = job_of(user, JobState.RUNNING, worker=token)
        path = tmp_path / "assets.csv"
        path.write_text(CONTENT)
        call_command("import", "assets", str(path), "--dry-run")
        states = dict(ImportJob.objects.values_list("pk", "state"))
        assert (states[dead.pk], states[alive.pk]) == ("failed", "running")


@pytest.mark.django_db
def test_a_job_finished_between_the_look_and_the_marking_keeps_its_outcome(user):
    job = job_of(user, JobState.CHECKING, worker=dead_worker())
    ImportJob.objects.filter(pk=job.pk).update(state=JobState.PREVIEWED, worker="")
    assert liveness.reap([job]) == []  # it still looked active in memory
    assert (job.state, job.failure) == (JobState.PREVIEWED, "")


@pytest.mark.django_db
def test_an_upload_checked_through_the_page_leaves_no_lock_behind(coordinator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"file": SimpleUploadedFile("a.csv", CONTENT.encode())}
    coordinator.post(reverse("imports:upload"), data)
    job = ImportJob.objects.get()
    assert (job.state, job.worker) == (JobState.PREVIEWED, "")
    coordinator.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.state, job.worker) == (JobState.DONE, "")
    assert not [p for p in progress.folder().iterdir() if p.name.startswith("worker-")]


@pytest.mark.django_db
def test_the_upgrade_fails_previews_left_without_an_outcome(user):
    legacy = job_of(user, JobState.PREVIEWED)
    checked = job_of(user, JobState.PREVIEWED, summary=SUMMARY)
    migration = importlib.import_module("kretslopp.imports.migrations.0004_job_liveness")
    migration.fail_previews_without_outcome(django_apps, None)
    states = dict(ImportJob.objects.values_list("pk", "state"))
    assert states == {legacy.pk: "failed", checked.pk: "previewed"}
    assert ImportJob.objects.get(pk=legacy.pk).failure == "interrupted"


def test_a_lock_is_released_when_its_process_is_killed(tmp_path, settings):
    """A real process takes a worker's lock, is killed with SIGKILL, and its lock is free."""
    import signal
    import subprocess
    import sys

    settings.MEDIA_ROOT = tmp_path / "media"
    environment = dict(os.environ, KRETSLOPP_VAR_DIR=str(tmp_path), KRETSLOPP_HTTPS="0")
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER], stdout=subprocess.PIPE, text=True, env=environment
    )
    try:
        token = holder.stdout.readline().strip()
        assert liveness._lock_verdict(token) is True
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
        deadline = time.monotonic() + 5
        while liveness._lock_verdict(token) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert liveness._lock_verdict(token) is False
    finally:
        holder.kill()
        holder.wait()


# Takes a worker's lock as an import does, says which, and waits to be killed.
_HOLDER = """
import os, time, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kretslopp.settings")
django.setup()
from kretslopp.imports import liveness
worker = liveness.Worker().__enter__()
print(worker.token, flush=True)
time.sleep(60)
"""
