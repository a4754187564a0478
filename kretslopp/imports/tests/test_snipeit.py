"""Snipe-IT sync from recorded API pages: paging, conversion, the same pipeline, no network."""

from __future__ import annotations

import datetime as dt
import io
import json
import urllib.error
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command

from kretslopp.imports import snipeit
from kretslopp.imports.tests.conftest import FIXTURES, db_counts
from kretslopp.inventory.models import Asset, LifecycleEvent
from kretslopp.organisation.models import Department

PAGES = FIXTURES / "snipeit"
URL = "https://snipe.example.se"


class Server:
    """Answers like a Snipe-IT server from the recorded pages, and remembers the requests."""

    def __init__(self, token: str = "s3cret") -> None:
        self.token = token
        self.requests: list[tuple[str, dict[str, str]]] = []

    def __call__(self, request, timeout=None):
        headers = {key.lower(): value for key, value in request.header_items()}
        self.requests.append((request.full_url, headers))
        if headers.get("authorization") != f"Bearer {self.token}":
            raise urllib.error.HTTPError(request.full_url, 401, "Unauthorized", {}, None)
        offset = int(parse_qs(urlsplit(request.full_url).query)["offset"][0])
        return io.BytesIO((PAGES / f"hardware_offset_{offset}.json").read_bytes())


@pytest.fixture
def server(monkeypatch):
    fake = Server()
    monkeypatch.setattr(snipeit.urllib.request, "urlopen", fake)
    return fake


@pytest.fixture
def token_file(tmp_path):
    path = tmp_path / "snipeit.token"
    path.write_text("s3cret\n")
    return str(path)


def sync(token_file: str, *args: str) -> tuple[int, dict]:
    out = io.StringIO()
    code = 0
    try:
        call_command(
            "import", "snipeit", "--url", URL, "--token-file", token_file, "--format", "json",
            *args, stdout=out,
        )  # fmt: skip
    except CommandError as error:
        code = error.returncode
    text = out.getvalue()
    return code, json.loads(text) if text else {}


def test_records_become_the_asset_fields():
    page = json.loads((PAGES / "hardware_offset_0.json").read_text())
    values = dict(
        zip(snipeit.FIELDS, snipeit.convert(page["rows"][0], lambda n: True), strict=True)
    )
    assert values["department"] == "Miljöförvaltningen"  # HTML entities unescaped
    assert values["notes"] == "Docka & laddare medföljer"
    assert values["assignee"] == "anv000001"
    assert values["purchase_date"] == "2021-03-04"
    assert values["planned_end_of_life"] == "2025-03-04"
    second = dict(
        zip(snipeit.FIELDS, snipeit.convert(page["rows"][1], lambda n: False), strict=True)
    )
    assert second["status"] == "in_stock"  # an unknown label falls back to its type
    assert second["location"] == "" and second["supplier"] == ""


@pytest.mark.django_db
def test_the_sync_pages_through_the_api_and_imports_every_asset(town, server, token_file):
    Department.objects.create(code="SBK", name="Stadsbyggnadskontoret")
    code, summary = sync(token_file, "--allow-new-models")
    assert code == 0, summary
    assert (summary["created"], summary["updated"]) == (3, 0)
    offsets = [parse_qs(urlsplit(url).query)["offset"][0] for url, _h in server.requests]
    assert offsets == ["0", "2"]
    assert all(
        "limit=500" in url and url.startswith(f"{URL}/api/v1/hardware?")
        for url, _h in server.requests
    )  # noqa: E501
    assert server.requests[0][1]["accept"] == "application/json"
    laptop = Asset.objects.select_related("assignee", "department").get(asset_tag="MLM-000412")
    assert laptop.model == town.laptop and laptop.department == town.other
    assert laptop.assignee.identifier == "anv000001"
    assert laptop.purchase_price_sek == Decimal("12495.00")
    assert laptop.warranty_end == dt.date(2024, 3, 4)
    assert laptop.status == "in_use"
    assert Asset.objects.get(asset_tag="GRF-000150").status == "in_stock"
    lenovo = Asset.objects.get(asset_tag="SBK-000901")
    assert lenovo.status == "returned" and lenovo.assignee is None  # checked out to a place
    assert LifecycleEvent.objects.filter(reference__startswith="import #").count() == 3


@pytest.mark.django_db
def test_a_second_sync_changes_nothing(town, server, token_file):
    assert sync(token_file, "--allow-new-models")[0] == 0
    before = db_counts()
    code, summary = sync(token_file)
    assert code == 0
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 0, 3)
    assert db_counts() == before


@pytest.mark.django_db
def test_a_dry_run_writes_nothing(town, server, token_file):
    before = db_counts()
    code, summary = sync(token_file, "--allow-new-models", "--dry-run")
    assert code == 0 and summary["created"] == 3
    assert db_counts() == before


@pytest.mark.django_db
def test_rejected_records_name_their_position_and_field(town, server, token_file):
    before = db_counts()
    code, summary = sync(token_file)  # Lenovo is not in the catalogue
    assert code == 1
    errors = {(error["row"], error["column"]) for error in summary["errors"]}
    assert (3, "model_name") in errors
    assert db_counts() == before


@pytest.mark.django_db
def test_a_wrong_token_exits_2(town, server, tmp_path):
    path = tmp_path / "wrong.token"
    path.write_text("nope")
    before = db_counts()
    with pytest.raises(CommandError) as refused:
        call_command("import", "snipeit", "--url", URL, "--token-file", str(path))
    assert refused.value.returncode == 2
    assert "401" in str(refused.value)
    assert db_counts() == before


@pytest.mark.django_db
def test_an_error_answer_is_not_taken_for_an_empty_inventory(town, token_file):
    source = snipeit.SnipeITSource(
        URL, "s3cret", fetch=lambda url, headers: (PAGES / "unauthorized.json").read_bytes()
    )
    with pytest.raises(snipeit.SnipeITError, match="Unauthorized"):
        list(source.rows())
