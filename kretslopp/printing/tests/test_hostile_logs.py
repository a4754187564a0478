"""Print logs over the upload limit are refused on the page and by the command line."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from kretslopp.imports.models import ImportJob, JobState
from kretslopp.printing.models import PrintImport
from kretslopp.printing.tests.conftest import FIXTURES
from kretslopp.tabular.tests import hostile

pytestmark = pytest.mark.django_db
LINE = (FIXTURES / "page_log").read_bytes().splitlines(keepends=True)[0]


def big_log() -> bytes:
    return LINE * (2 * 1024 * 1024 // len(LINE) + 1)  # a little over 2 MB


def test_a_print_log_over_its_limit_is_refused_in_the_form(mapped, login, settings):
    settings.IMPORT_MAX_PRINT_LOG_MB = 1
    settings.IMPORT_MAX_UPLOAD_MB = 100  # print logs have their own, larger limit
    client = login(mapped.users["sustainability_lead"])
    upload = SimpleUploadedFile("page_log", big_log())
    response = client.post("/printing/import/", {"file": upload, "log_format": "cups"})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "page_log är större än 1 MB, det största som kan laddas upp här. "
        "Dela upp den i mindre filer."
    ]
    assert not PrintImport.objects.exists()


def test_a_print_log_may_be_larger_than_other_uploads(mapped, login, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    client = login(mapped.users["sustainability_lead"])
    upload = SimpleUploadedFile("page_log", big_log())
    response = client.post("/printing/import/", {"file": upload, "log_format": "cups"})
    assert response.status_code == 302  # to the preview of the totals
    assert not PrintImport.objects.exists()
    client.post(response.url + "import/")
    assert PrintImport.objects.count() == 1


def test_the_command_line_refuses_a_print_log_over_the_limit(mapped, tmp_path, settings, capsys):
    settings.IMPORT_MAX_PRINT_LOG_MB = 1
    path = tmp_path / "page_log"
    path.write_bytes(big_log())
    with pytest.raises(CommandError) as caught:
        call_command("import", "prints", str(path), "--source", "cups")
    assert caught.value.returncode == 2
    assert "Utskriftsloggen är 3 MB; högst 1 MB kan importeras åt gången." in (
        capsys.readouterr().out
    )
    assert not PrintImport.objects.exists()


def _gzip_of(line: bytes, mib: int) -> bytes:
    """A gzip file of ``mib`` MiB of ``line`` repeated, built in milliseconds."""
    block = hostile._filled_mib(line)  # deflated once, laid end to end
    tail = hostile._finished(b"")
    return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + block * mib + tail + b"\0" * 8


def test_a_gzip_bomb_of_one_endless_line_is_refused_in_bounded_memory(mapped, login):
    client = login(mapped.users["sustainability_lead"])
    upload = SimpleUploadedFile("page_log.gz", _gzip_of(b"x", 3_000))  # 3 GB unpacked
    response = client.post("/printing/import/", {"file": upload, "log_format": "cups"}, follow=True)
    assert response.status_code == 200
    job = ImportJob.objects.get()
    assert (job.target, job.state, job.stored_file) == ("print_log", JobState.UNREADABLE, "")
    [problem] = job.problems
    assert problem["message"] in response.content.decode()
    assert problem["message"] == (
        "Den packade utskriftsloggen packas upp till mer än 1\xa0024 MB, det mesta som läses. "
        "Dela upp den, till exempel per månad."
    )
    assert not PrintImport.objects.exists()


def test_an_endless_line_is_refused_before_it_fills_memory(mapped, settings, tmp_path):
    from kretslopp.organisation.access import access_for
    from kretslopp.printing.importer import import_print_log

    path = tmp_path / "page_log"
    path.write_bytes(LINE + b"x" * (3 * 1024 * 1024))
    result = import_print_log(path, access=access_for(mapped.users["sustainability_lead"]))
    assert result.status == "unreadable"
    assert "längre än 1\xa0048\xa0576 tecken" in result.problems[0].message
