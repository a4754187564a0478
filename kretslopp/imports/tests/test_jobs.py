"""Large imports are queued, not run in the request: the web's job page and the API's 202.

The request that brings a large file keeps it and answers at once, with the job ``queued``;
``kretslopp worker`` (the database backend's real worker, run here until the queue is
empty) then checks and imports it. A queued job can be cancelled and never starts. The
worker process itself — progress, SIGKILL, cancelling a running job, RQ — is tested in
``test_job_process.py``.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from kretslopp.core.models import AuditEntry, ScheduledRun
from kretslopp.core.registry import PeriodicJob, registry
from kretslopp.core.schedule import enqueue_due
from kretslopp.imports import progress
from kretslopp.imports.models import ImportJob, JobState
from kretslopp.inventory.models import Asset

HEADER = "Asset tag,Serial number,Manufacturer,Model,Department,Status\n"


def asset_rows(count: int) -> str:
    return HEADER + "".join(
        f"JOB-{number:06d},SNJ{number:08d},Dell,P2422H,GRF,In use\n" for number in range(count)
    )


def run_worker() -> str:
    """``kretslopp worker --batch``: the real worker, until the queue is empty."""
    out = io.StringIO()
    call_command("worker", "--batch", stdout=out)
    return out.getvalue()


@pytest.fixture
def coordinator(town, login):
    return login(town.users["coordinator"])


@pytest.fixture(autouse=True)
def _small_threshold(settings):
    """A few kilobytes count as large here, so the tests need no megabytes but one."""
    settings.IMPORT_JOB_BYTES = 2_000
    settings.IMPORT_JOB_ROWS = 50


DEFAULT_JOB_BYTES, DEFAULT_JOB_ROWS = 200_000, 2_000  # the settings' defaults


@pytest.mark.django_db
def test_a_100000_row_upload_answers_before_anything_is_checked_or_imported(coordinator, settings):
    settings.IMPORT_JOB_BYTES, settings.IMPORT_JOB_ROWS = DEFAULT_JOB_BYTES, DEFAULT_JOB_ROWS
    content = asset_rows(100_000).encode()
    response = coordinator.post(
        reverse("imports:upload"), {"file": SimpleUploadedFile("big.csv", content)}
    )

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.state == JobState.QUEUED  # the request did not wait for the work
    assert job.summary == {} and Asset.objects.filter(asset_tag__startswith="JOB-").count() == 0
    page = coordinator.get(job.get_absolute_url()).content.decode()
    assert "<progress" in page and reverse("imports:progress", args=[job.pk]) in page
    assert reverse("imports:cancel", args=[job.pk]) in page
    polled = coordinator.get(reverse("imports:progress", args=[job.pk])).json()
    assert polled["state"] == "queued" and polled["finished"] is False


@pytest.mark.django_db(transaction=True)  # the worker takes transactions of its own
def test_the_worker_checks_then_imports_a_large_upload(coordinator):
    coordinator.post(
        reverse("imports:upload"), {"file": SimpleUploadedFile("big.csv", asset_rows(300).encode())}
    )
    job = ImportJob.objects.get()

    run_worker()
    job.refresh_from_db()
    assert job.state == JobState.PREVIEWED and job.summary["rows"] == 300
    assert "import-confirm" in coordinator.get(job.get_absolute_url()).content.decode()

    response = coordinator.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert response.status_code == 302 and job.state == JobState.QUEUED
    assert not Asset.objects.filter(asset_tag__startswith="JOB-").exists()
    run_worker()
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.summary["created"] == 300
    assert Asset.objects.filter(asset_tag__startswith="JOB-").count() == 300
    assert job.stored_file == ""
    assert progress.read(job.pk) is None


@pytest.mark.django_db(transaction=True)  # the worker takes transactions of its own
def test_a_cancelled_queued_job_never_starts_and_the_cancellation_is_audited(coordinator, town):
    coordinator.post(
        reverse("imports:upload"), {"file": SimpleUploadedFile("big.csv", asset_rows(300).encode())}
    )
    job = ImportJob.objects.get()

    response = coordinator.post(reverse("imports:cancel", args=[job.pk]), follow=True)
    assert "nothing will be imported" in response.content.decode() or "inget" in (
        response.content.decode()
    )
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED and job.stored_file == ""
    entry = AuditEntry.objects.get(object_id=str(job.pk), changes__state__1="cancelled")
    assert entry.actor == town.users["coordinator"]

    run_worker()
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED and job.summary == {}
    # A finished job has nothing to cancel.
    coordinator.post(reverse("imports:cancel", args=[job.pk]))
    assert AuditEntry.objects.filter(object_id=str(job.pk), changes__has_key="state").count() == 1


@pytest.mark.django_db
def test_another_users_job_cannot_be_cancelled(coordinator, town, login):
    coordinator.post(
        reverse("imports:upload"), {"file": SimpleUploadedFile("big.csv", asset_rows(300).encode())}
    )
    job = ImportJob.objects.get()
    admin = login(town.users["administrator"])
    assert admin.post(reverse("imports:cancel", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.state == JobState.QUEUED


@pytest.mark.django_db(transaction=True)  # the worker takes transactions of its own
def test_the_api_answers_202_with_the_jobs_url_then_follows_it(town, api_as):
    api = api_as(town.users["administrator"], "read", "write")
    response = api.upload("/api/v1/imports/assets", "big.csv", asset_rows(300).encode())

    assert response.status_code == 202, response.content
    body = response.json()
    assert response["Location"] == body["url"] == f"/api/v1/imports/jobs/{body['job']}"
    assert body["state"] == "queued"
    assert not Asset.objects.filter(asset_tag__startswith="JOB-").exists()
    queued = api.get(body["url"]).json()
    assert queued["state"] == "queued" and queued["finished"] is False

    run_worker()
    done = api.get(body["url"]).json()
    assert done["state"] == "done" and done["finished"] is True
    assert done["summary"]["created"] == 300
    assert Asset.objects.filter(asset_tag__startswith="JOB-").count() == 300


@pytest.mark.django_db(transaction=True)  # the worker takes transactions of its own
def test_a_queued_api_job_is_cancelled_over_the_api(town, api_as):
    api = api_as(town.users["administrator"], "read", "write")
    body = api.upload("/api/v1/imports/assets", "big.csv", asset_rows(300).encode()).json()

    cancelled = api.post(f"{body['url']}/cancel", {})
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    run_worker()
    assert api.get(body["url"]).json()["state"] == "cancelled"
    assert not Asset.objects.filter(asset_tag__startswith="JOB-").exists()
    other = api_as(town.users["sustainability_lead"], "read", "write")
    assert other.get(body["url"]).status_code == 404


@pytest.mark.django_db
def test_a_small_file_is_still_imported_in_the_request(town, api_as):
    api = api_as(town.users["administrator"], "read", "write")
    response = api.upload("/api/v1/imports/assets", "small.csv", asset_rows(3).encode())
    assert response.status_code == 200 and response.json()["created"] == 3


@pytest.mark.django_db(transaction=True)  # the worker takes transactions of its own
def test_due_periodic_jobs_run_once_per_interval_as_jobs():
    calls = []

    def work() -> str:
        calls.append(1)
        return "did it"

    registry.periodic_jobs.register("test.job", PeriodicJob("test", work, every_seconds=3600))
    try:
        assert "test.job" in enqueue_due()
        assert "test.job" not in enqueue_due()  # not due again within the hour
        run_worker()
    finally:
        registry.periodic_jobs.unregister("test.job")
    assert calls == [1]
    run = ScheduledRun.objects.get(name="test.job")
    assert run.succeeded is True and run.outcome == "did it"


@pytest.mark.django_db
def test_a_job_of_an_import_its_starter_may_no_longer_make_is_refused_over_the_api_too(
    town, api_as, login
):
    """As on the web: the lead who became a coordinator no longer follows or cancels the
    peer file they sent while they chose what the organisation publishes."""
    from kretslopp.organisation.models import Membership, Role

    lead = town.users["sustainability_lead"]
    job = ImportJob.objects.create(
        user=lead, target="kpi_exchange", file_name="lund.json", state=JobState.QUEUED
    )
    membership = Membership.objects.get(user=lead)
    membership.role = Role.COORDINATOR
    membership.save()
    membership.departments.set([town.own])
    assert login(lead).get(reverse("imports:job", args=[job.pk])).status_code == 403
    api = api_as(lead, "read", "write")
    assert api.get(f"/api/v1/imports/jobs/{job.pk}").status_code == 403
    assert api.post(f"/api/v1/imports/jobs/{job.pk}/cancel", {}).status_code == 403
    job.refresh_from_db()
    assert job.state == JobState.QUEUED
