"""Large exports are written by the worker for the one who asked, and downloaded from their page.

The threshold (``EXPORT_JOB_ROWS``) is lowered to a few rows here, so the town's handful of
assets count as a large export; ``kretslopp worker --batch`` (the real worker) writes them.
"""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import urlencode

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kretslopp.conftest import downloaded, make_asset
from kretslopp.core.models import AuditEntry
from kretslopp.core.registry import registry
from kretslopp.imports import exports, progress
from kretslopp.imports.models import ExportFailure, ExportJob, ExportState
from kretslopp.organisation.models import Membership
from kretslopp.tabular import open_table


def run_worker() -> str:
    """``kretslopp worker --batch``: the real worker, until the queue is empty."""
    out = io.StringIO()
    call_command("worker", "--batch", stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _small_threshold(settings):
    """Two rows count as large here."""
    settings.EXPORT_JOB_ROWS = 1


@pytest.fixture
def fleet(town):
    """Four assets of the coordinator's department (one with a formula), one of another."""
    make_asset("MS-0000003", town.laptop, town.own, notes='=HYPERLINK("http://evil.example")')
    make_asset("MS-0000004", town.monitor, town.own, status="in_stock", has_storage=False)
    make_asset("MS-0000005", town.monitor, town.own, status="in_stock", has_storage=False)
    return town


def entries_of(job: ExportJob):
    """The job's own audit entries (not those of records with the same number)."""
    kind = ContentType.objects.get_for_model(ExportJob)
    return AuditEntry.objects.filter(content_type=kind, object_id=str(job.pk))


def tags_in(content: bytes, name: str) -> list[str]:
    return sorted(row.values[0] for row in open_table(content, name).rows())


def start(client, fmt: str = "csv", **query):
    """What the export buttons do: a link, and for a large export the confirming button."""
    url = reverse("imports:export", args=[fmt])
    response = client.get(url, query)
    if response.get("Content-Disposition") or response.status_code != 200:
        return response
    return client.post(f"{url}?{urlencode(query, doseq=True)}")


@pytest.mark.django_db
def test_a_small_export_is_still_an_immediate_download(fleet, login, settings):
    settings.EXPORT_JOB_ROWS = 100
    client = login(fleet.users["coordinator"])
    response = start(client, "csv")
    assert tags_in(downloaded(response), "a.csv") == [
        "MS-0000001", "MS-0000003", "MS-0000004", "MS-0000005"
    ]  # fmt: skip
    assert not ExportJob.objects.exists()


@pytest.mark.django_db
def test_a_link_to_a_large_export_only_asks_and_starts_nothing(fleet, login):
    client = login(fleet.users["coordinator"])
    url = reverse("imports:export", args=["csv-sv"])
    page = client.get(url, {"status": "in_stock"}).content.decode()
    assert "2 rader" in page and "CSV för svenska Excel" in page
    assert f'action="{url}?status=in_stock"' in page and "csrfmiddlewaretoken" in page
    assert not ExportJob.objects.exists()


@pytest.mark.django_db
def test_a_large_export_answers_at_once_with_a_progress_page(fleet, login):
    client = login(fleet.users["coordinator"])
    response = start(client, "xlsx", status="in_stock")

    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.state == ExportState.QUEUED and not job.stored_file
    assert job.user == fleet.users["coordinator"] and job.row_count == 2
    assert job.scope["department_ids"] == [fleet.own.pk] and job.query == {"status": ["in_stock"]}
    page = client.get(job.get_absolute_url()).content.decode()
    assert "<progress" in page and reverse("imports:export_progress", args=[job.pk]) in page
    assert reverse("imports:export_cancel", args=[job.pk]) in page
    assert reverse("imports:export_download", args=[job.pk]) not in page
    polled = client.get(reverse("imports:export_progress", args=[job.pk])).json()
    assert polled["state"] == "queued" and polled["finished"] is False
    listed = client.get(reverse("imports:exports")).content.decode()
    assert job.file_name in listed
    entry = entries_of(job).get(action="create")
    assert entry.actor == fleet.users["coordinator"]


@pytest.mark.django_db(transaction=True)  # the worker takes transactions of its own
def test_the_worker_writes_the_file_its_asker_downloads_neutralised(fleet, login, settings):
    client = login(fleet.users["coordinator"])
    start(client, "xlsx")
    job = ExportJob.objects.get()

    run_worker()
    job.refresh_from_db()
    assert job.state == ExportState.DONE and job.row_count == 4 and job.size_bytes > 0
    folder = settings.MEDIA_ROOT / "exports"
    assert [path.name for path in folder.iterdir()] == [job.stored_file]  # no .part left
    assert (folder / job.stored_file).stat().st_mode & 0o077 == 0  # the application's own
    assert progress.read(job.progress_key) is None
    page = client.get(job.get_absolute_url()).content.decode()
    assert reverse("imports:export_download", args=[job.pk]) in page

    response = client.get(reverse("imports:export_download", args=[job.pk]))
    content = downloaded(response)
    assert response["Content-Disposition"].startswith("attachment")
    table = open_table(content, "a.xlsx")
    rows = list(table.rows())
    # The coordinator's department only: the other department's asset is not in the file.
    assert sorted(row.values[0] for row in rows) == [
        "MS-0000001", "MS-0000003", "MS-0000004", "MS-0000005"
    ]  # fmt: skip
    notes = [value for row in rows for value in row.values if "HYPERLINK" in str(value)]
    assert notes and all(not str(value).startswith("=") for value in notes)
    done = entries_of(job).filter(changes__state__1="done")
    assert done.exists()


@pytest.mark.django_db(transaction=True)  # the worker takes transactions of its own
def test_another_user_cannot_see_or_download_someone_elses_export(fleet, login, client):
    login(fleet.users["coordinator"])
    start(client, "csv")
    job = ExportJob.objects.get()
    run_worker()
    urls = [
        reverse("imports:export_job", args=[job.pk]),
        reverse("imports:export_progress", args=[job.pk]),
        reverse("imports:export_download", args=[job.pk]),
    ]
    for other in ("administrator", "viewer", "viewer_all"):
        client.force_login(fleet.users[other])
        for url in urls:
            assert client.get(url).status_code == 404, (other, url)
        assert client.post(reverse("imports:export_cancel", args=[job.pk])).status_code == 404
        assert job.file_name not in client.get(reverse("imports:exports")).content.decode()
    client.force_login(fleet.users["coordinator"])
    assert client.get(urls[2]).status_code == 200


@pytest.mark.django_db(transaction=True)  # the worker takes transactions of its own
def test_the_file_holds_the_scope_asked_in_and_is_refused_once_the_scope_no_longer_covers_it(
    fleet, login
):
    client = login(fleet.users["coordinator"])
    start(client, "csv")
    job = ExportJob.objects.get()
    # Moved to the other department before the worker's turn: the file still holds only
    # what the coordinator could see when asking, and they may no longer download it.
    membership = Membership.objects.get(user=fleet.users["coordinator"])
    membership.departments.set([fleet.other])
    run_worker()
    job.refresh_from_db()
    assert job.state == ExportState.DONE and job.row_count == 4
    content = exports.stored_path(job).read_bytes()
    assert "MS-0000002" not in content.decode()

    client.force_login(fleet.users["coordinator"])  # a fresh access for the new scope
    assert client.get(reverse("imports:export_download", args=[job.pk])).status_code == 404
    page = client.get(job.get_absolute_url()).content.decode()
    assert reverse("imports:export_download", args=[job.pk]) not in page


@pytest.mark.django_db(transaction=True)  # the worker takes transactions of its own
def test_a_cancelled_queued_export_never_starts_and_the_cancellation_is_audited(fleet, login):
    client = login(fleet.users["coordinator"])
    start(client, "csv")
    job = ExportJob.objects.get()

    client.post(reverse("imports:export_cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ExportState.CANCELLED
    entry = entries_of(job).get(changes__state__1="cancelled")
    assert entry.actor == fleet.users["coordinator"]
    run_worker()
    job.refresh_from_db()
    assert job.state == ExportState.CANCELLED and not job.stored_file
    assert client.get(reverse("imports:export_download", args=[job.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)  # the worker takes transactions of its own
def test_a_running_export_cancelled_stops_and_keeps_no_file(fleet, login, monkeypatch, settings):
    client = login(fleet.users["coordinator"])
    start(client, "csv")
    job = ExportJob.objects.get()
    spec = exports.SOURCES["assets"]
    real_rows = spec.rows

    def rows_then_cancel(records):
        for number, row in enumerate(real_rows(records)):
            if number == 1:  # the person asks to cancel while the worker writes
                exports.cancel(ExportJob.objects.get(pk=job.pk), fleet.users["coordinator"])
            yield row

    monkeypatch.setitem(
        exports.SOURCES, "assets", exports.Source(**{**spec.__dict__, "rows": rows_then_cancel})
    )
    monkeypatch.setattr(progress.Reporter, "__init__", _eager_reporter(progress.Reporter.__init__))
    run_worker()
    job.refresh_from_db()
    assert job.state == ExportState.CANCELLED and not job.stored_file
    assert list((settings.MEDIA_ROOT / "exports").iterdir()) == []
    entry = entries_of(job).get(changes__state__1="cancelled")
    assert entry.actor == fleet.users["coordinator"]


def _eager_reporter(init):
    """A reporter that looks for a cancellation at every row (the real one, a few a second)."""

    def __init__(self, job_id, interval=0.3, *, cancellable=False):
        init(self, job_id, 0.0, cancellable=cancellable)

    return __init__


@pytest.mark.django_db(transaction=True)  # the worker takes transactions of its own
def test_an_export_that_breaks_off_is_failed_with_its_reason_and_leaves_no_file(
    fleet, login, monkeypatch, settings
):
    client = login(fleet.users["coordinator"])
    start(client, "xlsx")
    job = ExportJob.objects.get()
    spec = exports.SOURCES["assets"]

    def broken(records):
        yield from list(spec.rows(records))[:2]
        raise RuntimeError("the database went away")

    monkeypatch.setitem(
        exports.SOURCES, "assets", exports.Source(**{**spec.__dict__, "rows": broken})
    )
    run_worker()
    job.refresh_from_db()
    assert job.state == ExportState.FAILED and job.failure == ExportFailure.ERROR
    assert list((settings.MEDIA_ROOT / "exports").iterdir()) == []
    page = client.get(job.get_absolute_url()).content.decode()
    assert str(ExportFailure.ERROR.label)[:30] in page or "oväntat" in page


@pytest.mark.django_db
def test_an_export_whose_worker_died_is_marked_failed_and_its_partial_file_removed(
    fleet, login, settings
):
    client = login(fleet.users["coordinator"])
    start(client, "csv")
    job = ExportJob.objects.get()
    # A worker on this host claimed it, wrote half a file and was killed: its lock is gone.
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportState.RUNNING, worker=f"{__import__('socket').gethostname()[:60]}:deadbeef"
    )
    partial = exports.partial_path(job.pk)
    partial.write_bytes(b"Inventarienummer,half")

    polled = client.get(reverse("imports:export_progress", args=[job.pk])).json()
    job.refresh_from_db()
    assert polled["state"] == "failed" and polled["finished"] is True
    assert job.state == ExportState.FAILED and job.failure == ExportFailure.INTERRUPTED
    assert not partial.exists()
    assert entries_of(job).filter(changes__state__1="failed").exists()


@pytest.mark.django_db(transaction=True)  # the worker takes transactions of its own
def test_the_scheduled_cleanup_removes_files_past_their_retention(fleet, login, settings):
    settings.EXPORT_RETENTION_DAYS = 2
    client = login(fleet.users["coordinator"])
    start(client, "csv")
    start(client, "xlsx")
    old, recent = ExportJob.objects.order_by("pk")
    run_worker()
    ExportJob.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - dt.timedelta(days=2, hours=1)
    )
    old.refresh_from_db()
    old_path = exports.stored_path(old)

    outcome = registry.periodic_jobs["imports.export_cleanup"].run()
    assert outcome.startswith("1 ")
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.state == ExportState.EXPIRED and not old.stored_file and not old_path.exists()
    assert recent.state == ExportState.DONE and exports.stored_path(recent) is not None
    assert client.get(reverse("imports:export_download", args=[old.pk])).status_code == 404
    entry = entries_of(old).get(changes__state__1="expired")
    assert entry.actor is None  # the system


@pytest.mark.django_db(transaction=True)  # the worker takes transactions of its own
def test_a_large_audit_log_export_is_a_job_too(fleet, login):
    client = login(fleet.users["administrator"])
    response = client.get(reverse("audit_log"), {"format": "csv"})
    assert response.status_code == 302
    assert client.get(response.url).status_code == 200 and not ExportJob.objects.exists()
    response = client.post(response.url)
    job = ExportJob.objects.get()
    assert job.source == "audit_log" and response.url == job.get_absolute_url()
    run_worker()
    job.refresh_from_db()
    assert job.state == ExportState.DONE and job.row_count >= 5
    content = downloaded(client.get(reverse("imports:export_download", args=[job.pk])))
    assert content.count(b"\n") == job.row_count + 1


@pytest.mark.django_db(transaction=True)  # the worker takes transactions of its own
def test_the_api_answers_202_with_the_jobs_url_then_the_file(fleet, api_as):
    api = api_as(fleet.users["coordinator"], "read")
    response = api.get("/api/v1/exports/assets", format="csv")
    assert response.status_code == 202, response.content
    job = ExportJob.objects.get()
    body = response.json()
    assert body["url"] == response["Location"] == f"/api/v1/exports/jobs/{job.pk}"
    followed = api.get(body["url"]).json()
    assert followed["state"] == "queued" and followed["download_url"] is None

    run_worker()
    followed = api.get(body["url"]).json()
    assert followed["state"] == "done" and followed["rows"] == 4 and followed["finished"]
    content = downloaded(api.get(followed["download_url"]))
    assert tags_in(content, "a.csv") == [
        "MS-0000001", "MS-0000003", "MS-0000004", "MS-0000005"
    ]  # fmt: skip
    assert [listed["id"] for listed in api.get("/api/v1/exports/jobs").json()] == [job.pk]

    other = api_as(fleet.users["viewer_all"], "read")
    assert other.get(body["url"]).status_code == 404
    assert other.get(followed["download_url"]).status_code == 404
    assert other.get("/api/v1/exports/jobs").json() == []


@pytest.mark.django_db
def test_a_small_export_over_the_api_is_the_file_itself(fleet, api_as, settings):
    settings.EXPORT_JOB_ROWS = 100
    api = api_as(fleet.users["coordinator"], "read")
    response = api.get("/api/v1/exports/assets", format="csv", status="in_stock")
    assert tags_in(downloaded(response), "a.csv") == ["MS-0000004", "MS-0000005"]
    assert not ExportJob.objects.exists()
