"""Hostile asset files through the web upload, the API and the command line.

The same corpus as :mod:`kretslopp.tabular.tests.test_hostile_files` (zip bombs of each kind,
huge cells, too many rows or columns, a huge upload): every front end refuses each file with
a clear message, writes nothing, and the server goes on answering.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import SkipFile
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.urls import reverse

from kretslopp.core.uploads import LimitedUploadHandler, RefusedUpload
from kretslopp.imports import progress
from kretslopp.imports.models import ImportJob, JobState
from kretslopp.imports.tests.conftest import db_counts
from kretslopp.tabular.tests import hostile

API = "/api/v1/imports/assets"

# name → (file name, builder, code, words of the Swedish message)
CORPUS = {
    "blank space bomb": ("bomb.xlsx", hostile.blank_space_bomb, "xlsx_too_large", "packas upp"),
    "small blank space bomb": (
        "bomb.xlsx",
        lambda: hostile.blank_space_bomb(200),
        "xlsx_compression",
        "zipbomb",
    ),
    "lying header": ("bomb.xlsx", hostile.lying_header_bomb, "xlsx_size_mismatch", "zipbomb"),
    "huge inline cell": ("cell.xlsx", hostile.huge_inline_cell, "xlsx_too_large", "packas upp"),
    "huge shared string": (
        "cell.xlsx",
        hostile.huge_shared_string,
        "xlsx_too_large",
        "packas upp",
    ),
    "two cells far apart": (
        "far.xlsx",
        lambda: hostile.far_apart_cells("ZZ250000"),
        "sheet_too_large",
        "175\xa0500\xa0000 celler",
    ),
    "many columns": (
        "wide.xlsx",
        lambda: hostile.many_columns(2_000),
        "too_many_columns",
        "2\xa0000 kolumner",
    ),
    "many members": ("parts.xlsx", hostile.many_members, "xlsx_too_many_members", "delar"),
    "entity expansion": ("laughs.xlsx", hostile.entity_expansion, "xlsx_dtd", "säkerhetsskäl"),
    "huge CSV cell": (
        "cell.csv",
        lambda: hostile.huge_csv_cell(encoding="cp1252"),
        "cell_too_long",
        "32\xa0767 tecken",
    ),
    "endless UTF-16 CSV line": (
        "line.csv",
        lambda: hostile.endless_csv_line(20, encoding="utf-16"),
        "line_too_long",
        "1\xa0048\xa0576 tecken",
    ),
    "many rows": (
        "long.xlsx",
        lambda: hostile.far_apart_cells("A400000"),
        "too_many_rows",
        "fler än 300\xa0000 rader",
    ),
}


@pytest.fixture
def coordinator(town, login):
    return login(town.users["coordinator"])


def stored_uploads() -> list[str]:
    return sorted(path.name for path in progress.folder().iterdir() if "progress" not in path.name)


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(CORPUS))
def test_the_web_upload_refuses_each_hostile_file_and_keeps_nothing(coordinator, case):
    name, build, code, words = CORPUS[case]
    before = db_counts()
    upload = SimpleUploadedFile(name, build())
    response = coordinator.post(reverse("imports:upload"), {"file": upload}, follow=True)
    assert response.status_code == 200
    job = ImportJob.objects.get()
    assert (job.state, [p["code"] for p in job.problems]) == (JobState.UNREADABLE, [code])
    page = response.content.decode()
    assert words in page and name in page
    assert db_counts() == before
    assert stored_uploads() == []  # the hostile upload is not kept


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(CORPUS))
def test_the_api_refuses_each_hostile_file_with_422(town, api_as, case):
    name, build, code, _words = CORPUS[case]
    api = api_as(town.users["coordinator"], "read", "write")
    before = db_counts()
    response = api.upload(API, name, build())
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "unreadable"
    assert error["message"].startswith(name)
    assert len(error["details"]) == 1
    assert ImportJob.objects.get().problems[0]["code"] == code
    assert db_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(CORPUS))
def test_the_command_line_refuses_each_hostile_file_with_exit_2(town, tmp_path, capsys, case):
    name, build, code, words = CORPUS[case]
    path = tmp_path / name
    path.write_bytes(build())
    before = db_counts()
    with pytest.raises(CommandError) as caught:
        call_command("import", "assets", str(path), "--format", "json")
    assert caught.value.returncode == 2
    summary = json.loads(capsys.readouterr().out)
    assert [problem["code"] for problem in summary["errors"]] == [code]
    assert words in summary["errors"][0]["message"]
    assert db_counts() == before


# --- the size of an upload ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_web_upload_over_the_limit_is_refused_in_the_form(coordinator, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    content = hostile.many_csv_rows(200_000)  # 2.2 MB
    response = coordinator.post(
        reverse("imports:upload"), {"file": SimpleUploadedFile("stor.csv", content)}
    )
    assert response.status_code == 200  # the form again, not a bare error page
    errors = response.context["form"].errors["file"]
    assert errors == [
        "stor.csv är större än 1 MB, det största som kan laddas upp här. "
        "Dela upp den i mindre filer."
    ]
    assert "stor.csv är större än 1 MB" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert stored_uploads() == []


@pytest.mark.django_db
def test_an_api_upload_over_the_limit_answers_413_naming_the_file(town, api_as, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    api = api_as(town.users["coordinator"], "read", "write")
    response = api.upload(API, "stor.csv", hostile.many_csv_rows(200_000))
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "file_too_large"
    assert error["details"] == [{"field": "file", "message": error["message"]}]
    assert "stor.csv" in error["message"] and "1 MB" in error["message"]
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_the_openapi_document_lists_the_413(client):
    document = client.get("/api/v1/openapi.json").json()
    responses = document["paths"][API]["post"]["responses"]
    assert {"413", "422"} <= set(responses)


@pytest.mark.django_db
def test_the_command_line_refuses_a_file_over_the_limit_with_exit_2(
    town, tmp_path, capsys, settings
):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    path = tmp_path / "stor.csv"
    path.write_bytes(hostile.many_csv_rows(200_000))
    with pytest.raises(CommandError) as caught:
        call_command("import", "assets", str(path))
    assert caught.value.returncode == 2
    assert "stor.csv: Filen är 2 MB; högst 1 MB kan importeras." in capsys.readouterr().out


def _handler(content_length: int, limit_mb: int = 1) -> LimitedUploadHandler:
    request = RequestFactory().post("/imports/")
    handler = LimitedUploadHandler(request)
    handler.handle_raw_input(None, {}, content_length, b"x", None)
    handler.limit_bytes = limit_mb * 1024 * 1024
    return handler


def test_the_upload_handler_stops_a_file_at_the_limit():
    handler = _handler(content_length=0)  # the size is not declared: count the bytes
    handler.new_file("file", "stor.csv", "text/csv", None)
    chunk = b"x" * 64 * 1024
    for start in range(0, 1024 * 1024, len(chunk)):
        assert handler.receive_data_chunk(chunk, start) == chunk
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"x", 1024 * 1024)
    refused = handler.request.refused_uploads["file"]
    assert isinstance(refused, RefusedUpload)
    assert (refused.name, refused.size) == ("stor.csv", 1024 * 1024 + 1)


def test_the_upload_handler_refuses_a_declared_size_before_any_byte_is_kept():
    handler = _handler(content_length=5 * 1024 * 1024)
    with pytest.raises(SkipFile):
        handler.new_file("file", "stor.csv", "text/csv", None)
    assert handler.request.refused_uploads["file"].size == 5 * 1024 * 1024


# --- the server keeps answering --------------------------------------------------------------


def _multipart(name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    body.write(f"--{boundary}\r\n".encode())
    body.write(f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'.encode())
    body.write(b"Content-Type: application/octet-stream\r\n\r\n")
    body.write(content)
    body.write(f"\r\n--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


def _send(url: str, secret: str, body: bytes | None = None, content_type: str = "") -> int:
    request = urllib.request.Request(url, data=body, method="POST" if body else "GET")
    request.add_header("Authorization", f"Bearer {secret}")
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.django_db(transaction=True)
def test_a_live_server_refuses_the_bombs_and_goes_on_answering(
    live_server, town, token_for, settings
):
    """Over HTTP, as another system would send them: each bomb, then an ordinary request."""
    settings.IMPORT_MAX_UPLOAD_MB = 5
    _token, secret = token_for(town.users["coordinator"], "read", "write")
    url = f"{live_server.url}{API}"
    for case in ("blank space bomb", "lying header", "two cells far apart", "huge CSV cell"):
        name, build, _code, _words = CORPUS[case]
        assert _send(url, secret, *_multipart(name, build())) == 422, case
        assert _send(f"{live_server.url}/api/v1/assets", secret) == 200, case
    huge = hostile.many_csv_rows(1_000_000)  # 12 MB
    assert _send(url, secret, *_multipart("stor.csv", huge)) == 413
    assert _send(f"{live_server.url}/api/v1/assets", secret) == 200


@pytest.mark.django_db
def test_a_json_body_over_the_limit_answers_413_not_a_server_error(town, api_as, settings):
    """A partner's results, or any JSON, larger than DATA_UPLOAD_MAX_MEMORY_SIZE."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    api = api_as(town.users["administrator"], "read", "write")
    body = {"results": [{"asset_tag": f"MS-{n:07d}", "outcome": "resold"} for n in range(500)]}
    response = api.post("/api/v1/takeback/campaigns/1/results", body)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
