"""Imported text is stored as given: what looks like HTML is kept, and escaped on the pages.

An import that quietly removed tags (``<script>alert(1)</script>`` stored as ``alert(1)``)
changed data without a word, and the project's own export of such data no longer imported
again unchanged. Only Snipe-IT's export, which is HTML, is decoded as such.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from kretslopp.conftest import downloaded
from kretslopp.imports.models import ImportJob
from kretslopp.imports.tests.conftest import db_counts, import_file
from kretslopp.inventory.models import Asset

SCRIPT = "<script>alert(1)</script>"
BOLD = "<b>"
COMPARISON = "a < b > c"
ENTITY = "Dell &amp; Co"


@pytest.fixture
def marked_up(town):
    asset = town.own_asset
    asset.notes = SCRIPT
    asset.supplier = BOLD
    asset.order_number = COMPARISON
    asset.save()
    return town


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "csv-sv", "xlsx"])
def test_our_export_of_html_like_text_imports_again_unchanged(marked_up, login, fmt):
    client = login(marked_up.users["administrator"])
    content = downloaded(client.get(reverse("imports:export", args=[fmt])))
    before = db_counts()
    result = import_file(content, f"export.{fmt.split('-')[0]}")
    assert result.status == "committed", result.summary()
    counts = (result.counts.created, result.counts.updated, result.counts.unchanged)
    assert counts == (0, 0, Asset.objects.count())
    assert db_counts() == before
    asset = Asset.objects.get(pk=marked_up.own_asset.pk)
    assert (asset.notes, asset.supplier, asset.order_number) == (SCRIPT, BOLD, COMPARISON)


@pytest.mark.django_db
def test_html_like_text_is_stored_as_given_and_shown_escaped(town, login):
    header = "Asset tag,Serial number,Manufacturer,Model,Department,Status,Supplier,Notes\n"
    row = f'MS-H1,SN-H1,Dell,P2422H,GRF,In stock,"{ENTITY}",{SCRIPT}\n'
    result = import_file(header + row)
    assert result.status == "committed", result.summary()
    asset = Asset.objects.get(asset_tag="MS-H1")
    assert (asset.notes, asset.supplier) == (SCRIPT, ENTITY)
    page = login(town.users["administrator"]).get(reverse("inventory:asset", args=[asset.pk]))
    html = page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert SCRIPT not in html
    assert "Dell &amp;amp; Co" in html  # the text as given, escaped once more


@pytest.mark.django_db
def test_snipeits_html_export_is_still_read_as_the_text_it_stands_for(town):
    header = "Company,Asset Tag,Model,Manufacturer,Serial,Status,Notes\n"
    row = (
        'Grundskoleförvaltningen,MS-S1,<a href="https://snipe.example/models/3">P2422H</a>,'
        "Dell,SN-S1,Ready to Deploy,Skärm &amp; kabel\n"
    )
    result = import_file(header + row)
    assert result.status == "committed", result.summary()
    asset = Asset.objects.get(asset_tag="MS-S1")
    assert (asset.model, asset.notes) == (town.monitor, "Skärm & kabel")


HEADER = "Asset tag,Serial number,Manufacturer,Model,Department,Status\n"
ROWS = "".join(f"MS-R{n},SN-R{n},Dell,P2422H,GRF,In stock\n" for n in range(5))
BAD = ROWS + "MS-RX,SN-RX,Dell,P2422H,GRF,Bortblåst\n"


@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", [False, True])
def test_a_rejected_import_reports_nothing_created_or_updated(town, dry_run):
    result = import_file(HEADER + BAD, dry_run=dry_run)
    assert result.status == "rejected"
    summary = result.summary()
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 0, 0)
    job = ImportJob.objects.latest("pk")
    assert (job.summary["created"], job.summary["updated"]) == (0, 0)


@pytest.mark.django_db
def test_a_rejected_command_line_import_reports_nothing_created(town, tmp_path, capsys):
    path = tmp_path / "assets.csv"
    path.write_text(HEADER + BAD)
    with pytest.raises(CommandError):
        call_command("import", "assets", str(path), "--format", "json")
    summary = json.loads(capsys.readouterr().out)
    assert (summary["status"], summary["created"], summary["updated"]) == ("rejected", 0, 0)
    with pytest.raises(CommandError):
        call_command("import", "assets", str(path), "--language", "en")
    assert "would create" not in capsys.readouterr().out


@pytest.mark.django_db
def test_a_rejected_web_preview_shows_no_would_create_figures(town, login):
    client = login(town.users["coordinator"])
    data = {"file": SimpleUploadedFile("a.csv", (HEADER + BAD).encode())}
    page = client.post(reverse("imports:upload"), data, follow=True).content.decode()
    assert "count-created" not in page
    assert ImportJob.objects.get().summary["created"] == 0


@pytest.mark.django_db
def test_a_rejected_api_import_keeps_a_record_with_nothing_created(town, api_as):
    api = api_as(town.users["coordinator"], "read", "write")
    response = api.upload("/api/v1/imports/assets", "a.csv", (HEADER + BAD).encode())
    assert response.status_code == 422
    assert "created" not in response.json()["error"]
    job = ImportJob.objects.get(source="api")
    assert (job.state, job.summary["created"], job.summary["updated"]) == ("rejected", 0, 0)
