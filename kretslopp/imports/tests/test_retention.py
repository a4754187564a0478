"""Uploaded import files do not outlive their purpose: they may hold personal data.

A preview keeps its file while its user may still confirm it (the retention period, 7 days
by default); finished imports lose theirs at once; files no import points at go too. The
import records stay, and nothing outside the upload folder is ever touched.

The copies of the file's content an import keeps go the same way: its preview rows with the
file, the cell values in its problems (an assignee's e-mail address, say) once the error
report has been of use for the retention period, counted from the end of the import.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from kretslopp.core.models import AuditEntry
from kretslopp.imports import progress, retention
from kretslopp.imports.models import ImportJob, JobState
from kretslopp.inventory.models import Asset

HEADER = "Asset tag,Serial number,Manufacturer,Model,Department,Status,Assigned to\n"
ROW = "MS-10,SN-10,Dell,P2422H,GRF,In stock,anna.andersson@malmo.example\n"
NOW = dt.datetime.now().timestamp()
DAY = 24 * 60 * 60


def stored_upload(state: str, age_days: float, *, user=None, name: str = "") -> ImportJob:
    """A job with its file in the upload folder, uploaded ``age_days`` ago."""
    name = name or f"upload-{ImportJob.objects.count() + 1}.csv"
    path = progress.folder() / name
    path.write_text(HEADER + ROW)
    os.utime(path, (NOW - age_days * DAY, NOW - age_days * DAY))
    job = ImportJob.objects.create(
        file_name="personal.csv", stored_file=name, state=state, user=user
    )
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - dt.timedelta(days=age_days)
    )
    job.refresh_from_db()
    return job


def orphan(name: str, age_days: float) -> Path:
    path = progress.folder() / name
    path.write_text(HEADER + ROW)
    os.utime(path, (NOW - age_days * DAY, NOW - age_days * DAY))
    return path


def file_of(job: ImportJob) -> Path:
    return progress.folder() / job.stored_file


def audit_of(job: ImportJob) -> list[AuditEntry]:
    kind = ContentType.objects.get_for_model(ImportJob)
    return list(AuditEntry.objects.filter(content_type=kind, object_id=str(job.pk)))


def cleanup(*args: str) -> str:
    out = StringIO()
    call_command("cleanup_imports", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_an_unconfirmed_upload_is_removed_after_the_retention_period_and_its_job_kept():
    job = stored_upload(JobState.PREVIEWED, age_days=8)
    path = file_of(job)
    result = retention.clean_uploads()
    assert not path.exists()
    assert [j.pk for j in result.jobs] == [job.pk] and result.count == 1
    job.refresh_from_db()  # the record of the import stays, without its file
    assert job.state == JobState.PREVIEWED and job.stored_file == ""
    assert job.file_name == "personal.csv"
    [entry] = audit_of(job)  # the removal is in the job's audit trail, by the system
    assert entry.action == "update" and entry.actor is None
    assert entry.changes == {"stored_file": [path.name, ""]}


@pytest.mark.django_db
def test_a_recent_preview_keeps_its_file_so_that_it_can_still_be_confirmed():
    job = stored_upload(JobState.PREVIEWED, age_days=6)
    assert retention.clean_uploads().count == 0
    assert file_of(job).exists()
    job.refresh_from_db()
    assert job.stored_file and not audit_of(job)


@pytest.mark.parametrize(
    "state", [JobState.DONE, JobState.REJECTED, JobState.UNREADABLE, JobState.FAILED]
)
@pytest.mark.django_db
def test_a_finished_import_loses_its_file_at_once(state):
    job = stored_upload(state, age_days=0)
    path = file_of(job)
    retention.clean_uploads()
    assert not path.exists()
    job.refresh_from_db()
    assert job.state == state and job.stored_file == ""


@pytest.mark.django_db
def test_a_running_import_keeps_its_file_unless_it_died_long_ago():
    running = stored_upload(JobState.RUNNING, age_days=8)
    progress.write(running.pk, {"phase": "writing", "done": 1, "total": 2})
    dead = stored_upload(JobState.RUNNING, age_days=8)  # no progress: interrupted
    recent = stored_upload(JobState.RUNNING, age_days=0)
    retention.clean_uploads()
    assert file_of(running).exists() and file_of(recent).exists()
    dead.refresh_from_db()
    assert dead.stored_file == ""


@pytest.mark.django_db
def test_files_no_import_points_at_are_removed_once_old():
    old = orphan("left-behind.csv", age_days=8)
    young = orphan("being-uploaded.csv", age_days=0.01)
    kept = stored_upload(JobState.PREVIEWED, age_days=1)
    result = retention.clean_uploads()
    assert result.orphans == ["left-behind.csv"]
    assert not old.exists() and young.exists() and file_of(kept).exists()
    # Even with no retention at all, a file being uploaded right now is left alone.
    retention.clean_uploads(days=0)
    assert young.exists()


@pytest.mark.django_db
def test_files_outside_the_upload_folder_are_never_touched(tmp_path):
    outside = tmp_path / "outside.csv"
    outside.write_text(HEADER + ROW)
    os.utime(outside, (NOW - 30 * DAY, NOW - 30 * DAY))
    (progress.folder() / "link.csv").symlink_to(outside)
    os.utime(progress.folder() / "link.csv", (NOW - 30 * DAY,) * 2, follow_symlinks=False)
    climbing = ImportJob.objects.create(
        file_name="a.csv", stored_file="../../outside.csv", state=JobState.DONE
    )
    absolute = ImportJob.objects.create(
        file_name="b.csv", stored_file=str(outside), state=JobState.FAILED
    )
    retention.clean_uploads(days=0)
    assert outside.read_text() == HEADER + ROW
    assert (progress.folder() / "link.csv").is_symlink()
    for job in (climbing, absolute):  # the reference is forgotten, the file left alone
        job.refresh_from_db()
        assert job.stored_file == ""


@pytest.mark.django_db
def test_a_dry_run_lists_what_would_go_and_removes_nothing():
    job = stored_upload(JobState.PREVIEWED, age_days=8)
    done = stored_upload(JobState.DONE, age_days=0)
    old = orphan("left-behind.csv", age_days=8)
    audited = AuditEntry.objects.count()
    output = cleanup("--dry-run")
    assert "Would remove 3 uploaded import files" in output
    assert f"import #{job.pk}: personal.csv (previewed" in output
    assert f"import #{done.pk}: personal.csv (done" in output
    assert "no import: left-behind.csv" in output
    assert "Dry run: nothing was removed." in output
    assert file_of(job).exists() and file_of(done).exists() and old.exists()
    job.refresh_from_db()
    assert job.stored_file and AuditEntry.objects.count() == audited


@pytest.mark.django_db
def test_the_command_says_what_it_removed_and_days_override_the_setting(settings):
    settings.IMPORT_UPLOAD_RETENTION_DAYS = 30
    job = stored_upload(JobState.PREVIEWED, age_days=8)
    assert cleanup() == (
        "No uploaded import files to remove (unconfirmed previews are kept 30 days).\n"
    )
    assert file_of(job).exists()
    output = cleanup("--days", "5")
    assert output.splitlines() == [
        "Removed 1 uploaded import file (1 of imports, 0 that no import points at; "
        "unconfirmed previews are kept 5 days).",
        f"  import #{job.pk}: personal.csv (previewed, uploaded "
        f"{timezone.localtime(job.created_at):%Y-%m-%d %H:%M})",
    ]
    assert not file_of(job).exists()
    with pytest.raises(CommandError, match="negative"):
        cleanup("--days", "-1")


@pytest.fixture
def coordinator(town, login):
    return login(town.users["coordinator"])


def web_upload(client, content: str = HEADER + ROW):
    data = {"file": SimpleUploadedFile("personal.csv", content.encode())}
    return client.post(reverse("imports:upload"), data, follow=True)


@pytest.mark.django_db
def test_opening_a_preview_whose_file_was_removed_says_to_upload_it_again(coordinator, town):
    web_upload(coordinator)
    job = ImportJob.objects.get()
    assert job.problem_count == 0, job.problems
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    retention.clean_uploads()
    page = coordinator.get(job.get_absolute_url())
    text = page.content.decode()
    assert page.status_code == 200
    assert "Den uppladdade filen har tagits bort efter 7 dagar; ladda upp den igen" in text
    assert "import-confirm" not in text  # nothing left to import, no mapping to change
    assert reverse("imports:remap", args=[job.pk]) not in text
    # Confirming anyway (an old tab) imports nothing and leads back to the message.
    response = coordinator.post(reverse("imports:confirm", args=[job.pk]), follow=True)
    assert "Den uppladdade filen har tagits bort" in response.content.decode()
    job.refresh_from_db()
    assert job.state == JobState.PREVIEWED
    assert not Asset.objects.filter(asset_tag="MS-10").exists()
    coordinator.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    text = coordinator.get(job.get_absolute_url()).content.decode()
    assert "The uploaded file has been removed after 7 days; upload it again" in text


@pytest.mark.django_db
def test_a_web_upload_cleans_up_at_most_once_an_hour(coordinator):
    first = stored_upload(JobState.PREVIEWED, age_days=8)
    web_upload(coordinator)
    assert not file_of(first).exists()
    second = stored_upload(JobState.PREVIEWED, age_days=8)
    web_upload(coordinator)  # within the hour: no second cleanup
    assert file_of(second).exists()
    cache.delete(retention.WEB_CACHE_KEY)  # an hour later
    web_upload(coordinator)
    assert not file_of(second).exists()
    # The uploads themselves keep their files for their previews.
    assert ImportJob.objects.filter(state=JobState.PREVIEWED).exclude(stored_file="").count() == 3


@pytest.mark.django_db
def test_a_failing_cleanup_does_not_fail_the_upload(coordinator, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk on fire")

    monkeypatch.setattr(retention, "clean_uploads", broken)
    response = web_upload(coordinator)
    assert response.status_code == 200
    assert ImportJob.objects.get().state == JobState.PREVIEWED


def test_the_retention_period_comes_from_the_environment(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(KRETSLOPP_VAR_DIR=str(tmp_path), KRETSLOPP_IMPORT_UPLOAD_RETENTION_DAYS="30")
    code = "import kretslopp.settings as s; print(s.IMPORT_UPLOAD_RETENTION_DAYS)"
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert run.stdout.strip() == "30", run.stderr
    del env["KRETSLOPP_IMPORT_UPLOAD_RETENTION_DAYS"]
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert run.stdout.strip() == "7", run.stderr
    env["KRETSLOPP_IMPORT_UPLOAD_RETENTION_DAYS"] = "-1"
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode != 0
    assert "KRETSLOPP_IMPORT_UPLOAD_RETENTION_DAYS cannot be negative" in run.stderr


# The copies of the file's content an import keeps -------------------------------------

PERSON_HEADER = "Asset tag,Serial number,Manufacturer,Model,Department,Status,Assignee\n"
EMAIL = "anna.andersson@malmo.example"
PERSON_ROW = f"MS-10,SN-10,Dell,P2422H,GRF,In stock,{EMAIL}\n"


def report_of(client, job: ImportJob) -> list[list[str]]:
    response = client.get(reverse("imports:errors", args=[job.pk]))
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def finished_days_ago(job: ImportJob, days: float) -> None:
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(days=days))


@pytest.mark.django_db
def test_an_expired_preview_keeps_no_copy_of_the_file(coordinator):
    web_upload(coordinator, PERSON_HEADER + PERSON_ROW)
    job = ImportJob.objects.get()
    text = coordinator.get(job.get_absolute_url()).content.decode()
    assert "De första raderna" in text and text.count(EMAIL) == 3  # rows, value, message
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    result = retention.clean_uploads()
    assert [j.pk for j in result.jobs] == [job.pk] and [j.pk for j in result.contents] == [job.pk]
    text = coordinator.get(job.get_absolute_url()).content.decode()
    assert EMAIL not in text and "De första raderna" not in text
    assert "Den uppladdade filen har tagits bort efter 7 dagar" in text
    assert "Cellernas värden togs bort efter 7 dagar eftersom de kan innehålla personuppgifter" in (
        text
    )
    # The note is still there, located, and says what was wrong without quoting the cell.
    assert "”…” finns inte som person i dina förvaltningar" in text
    job.refresh_from_db()
    assert job.preview_rows == [] and job.stored_file == ""
    [problem] = job.problems
    assert problem["value"] == "" and problem["row"] == 2 and problem["column"] == "Assignee"
    assert problem["code"] == "unknown_person" and problem["warning"] is True
    assert job.file_name == "personal.csv" and job.summary["rows"] == 1
    # One audit entry says what went, by the system, without the content itself.
    [entry] = audit_of(job)
    assert entry.actor is None and EMAIL not in str(entry.changes)
    assert entry.changes == {
        "stored_file": [entry.changes["stored_file"][0], ""],
        "preview_rows": ["1", "0"],
        "problem_values": ["1", "0"],
    }


@pytest.mark.django_db
def test_a_finished_imports_report_keeps_its_values_for_the_retention_period(coordinator):
    web_upload(coordinator, PERSON_HEADER + PERSON_ROW)
    job = ImportJob.objects.get()
    coordinator.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == JobState.DONE and Asset.objects.filter(asset_tag="MS-10").exists()
    # Right after the import: the preview rows go, the report still helps correct the file.
    retention.clean_uploads()
    job.refresh_from_db()
    assert job.preview_rows == []
    header, row = report_of(coordinator, job)
    assert header[3] == "Värde" and row[1:4] == ["2", "Assignee", EMAIL]
    finished_days_ago(job, 6)
    assert not retention.clean_uploads().contents
    assert report_of(coordinator, job)[1][3] == EMAIL
    page = coordinator.get(job.get_absolute_url()).content.decode()
    assert EMAIL in page and "Cellernas värden togs bort" not in page
    # After the period: row, column and message stay, the cell value does not.
    finished_days_ago(job, 8)
    assert [j.pk for j in retention.clean_uploads().contents] == [job.pk]
    header, row = report_of(coordinator, job)
    value = "Värde (borttaget efter 7 dagar; kan vara personuppgifter)"
    assert header == ["Fil", "Rad", "Kolumn", value, "Problem", "Slag"]
    assert row[:4] == ["personal.csv", "2", "Assignee", ""]
    assert row[4].startswith("”…” finns inte som person i dina förvaltningar")
    assert row[5] == "varning"
    page = coordinator.get(job.get_absolute_url()).content.decode()
    assert EMAIL not in page
    assert "Cellernas värden togs bort efter 7 dagar eftersom de kan innehålla personuppgifter" in (
        page
    )
    coordinator.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    assert report_of(coordinator, job)[0][3] == "Value (removed after 7 days; may be personal data)"
    page = coordinator.get(job.get_absolute_url()).content.decode()
    assert "The cells' values were removed after 7 days" in page
    # Each cleanup that changed the job left one entry; another one changes nothing.
    assert [entry.changes for entry in audit_of(job)] == [
        {"problem_values": ["1", "0"]},
        {"preview_rows": ["1", "0"]},
    ]
    assert not retention.clean_uploads().contents and len(audit_of(job)) == 2


@pytest.mark.django_db
def test_a_rejected_imports_errors_lose_their_values_and_keep_their_wording(coordinator, town):
    message = "There is no department “Nordväst”. Use a department's code or name."
    job = ImportJob.objects.create(
        user=town.users["coordinator"],
        file_name="rejected.csv",
        state=JobState.REJECTED,
        problem_count=2,
        problems=[
            {
                "row": 3,
                "column": "Department",
                "value": "Nordväst",
                "message": message,
                "code": "unknown_department",
            },
            {
                "row": 4,
                "column": "Asset tag",
                "value": "",
                "message": "The asset tag is missing.",
                "code": "required",
            },
        ],
    )
    finished_days_ago(job, 8)
    retention.clean_uploads()
    coordinator.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    page = coordinator.get(job.get_absolute_url()).content.decode()
    assert "There is no department “…”. Use a department&#x27;s code or name." in page
    assert "Nordväst" not in page
    assert "The cells' values were removed after 7 days" in page
    rows = report_of(coordinator, job)[1:]
    assert [row[1:4] for row in rows] == [["3", "Department", ""], ["4", "Asset tag", ""]]
    # Problems that hold nothing of the file: nothing to remove, nothing to audit.
    empty = ImportJob.objects.create(
        file_name="b.csv",
        state=JobState.FAILED,
        problems=[{"row": None, "column": None, "value": "", "message": "Failed."}],
    )
    finished_days_ago(empty, 8)
    assert not retention.clean_uploads().contents
    assert not audit_of(empty) and empty.problems == ImportJob.objects.get(pk=empty.pk).problems


@pytest.mark.django_db
def test_a_dry_run_lists_the_copies_it_would_remove_and_changes_nothing(coordinator):
    web_upload(coordinator, PERSON_HEADER + PERSON_ROW)
    expired = ImportJob.objects.get()
    ImportJob.objects.filter(pk=expired.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    web_upload(coordinator, PERSON_HEADER + PERSON_ROW.replace("MS-10,SN-10", "MS-11,SN-11"))
    done = ImportJob.objects.exclude(pk=expired.pk).get()
    coordinator.post(reverse("imports:confirm", args=[done.pk]))
    finished_days_ago(done, 8)
    before = {job.pk: job for job in ImportJob.objects.all()}
    audited = AuditEntry.objects.count()
    result = retention.clean_uploads(dry_run=True)
    assert [j.pk for j in result.contents] == [expired.pk, done.pk]
    assert [j.pk for j in result.jobs] == [expired.pk]
    for job in ImportJob.objects.all():
        old = before[job.pk]
        assert (job.stored_file, job.preview_rows, job.problems, job.file_info) == (
            old.stored_file, old.preview_rows, old.problems, old.file_info,
        )  # fmt: skip
    assert AuditEntry.objects.count() == audited
    assert report_of(coordinator, done)[1][3] == EMAIL
    assert "Would remove 1 uploaded import file" in cleanup("--dry-run")
    assert report_of(coordinator, done)[1][3] == EMAIL


@pytest.mark.django_db
def test_the_command_also_lists_imports_whose_copied_content_goes(coordinator):
    web_upload(coordinator, PERSON_HEADER + PERSON_ROW)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    output = cleanup("--dry-run")
    assert (
        "Would remove the copied file content (preview rows, cell values in problems) of "
        "1 import:" in output
    )
    assert f"  import #{job.pk}: " in output
    job.refresh_from_db()
    assert job.preview_rows and job.stored_file
