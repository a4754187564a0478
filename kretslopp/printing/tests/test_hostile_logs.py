"""Print logs over the upload limit are refused on the page and by the command line."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from kretslopp.printing.models import PrintImport
from kretslopp.printing.tests.conftest import FIXTURES

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
    assert response.status_code == 302
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
