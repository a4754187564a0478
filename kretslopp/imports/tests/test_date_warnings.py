"""A warranty or planned end before the asset was in use is imported, with a located warning.

Such dates are most likely a typo or swapped columns, but not certainly, so the import goes
ahead and the preview, the command line and the API say which row and column to check.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from kretslopp.imports.tests.conftest import import_file
from kretslopp.inventory.models import Asset

HEADER = (
    "Asset tag,Serial number,Manufacturer,Model,Department,Status,Purchase date,"
    "Delivery date,In use since,Warranty end,Planned end of life\n"
)
# Row 2: the warranty ends before the asset was in use. Row 3: the planned end of life is
# before the delivery (no in-use date). Row 4: every date in order.
ROWS = (
    "MS-D1,SN-D1,Dell,P2422H,GRF,In use,2021-01-10,2021-01-20,2021-02-01,2020-02-01,2026-02-01\n"
    "MS-D2,SN-D2,Dell,P2422H,GRF,In stock,2021-01-10,2021-01-20,,2024-01-20,2019-12-31\n"
    "MS-D3,SN-D3,Dell,P2422H,GRF,In use,2021-01-10,2021-01-20,2021-02-01,2024-02-01,2026-02-01\n"
)


def located(problems) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.code) for p in problems if p.warning]


@pytest.mark.django_db
def test_an_end_before_the_start_is_imported_with_a_located_warning(town):
    result = import_file(HEADER + ROWS)
    assert result.status == "committed", result.summary()
    assert result.counts.created == 3
    assert located(result.problems) == [
        (2, "Warranty end", "date_order"),
        (3, "Planned end of life", "date_order"),
    ]
    assert Asset.objects.get(asset_tag="MS-D1").warranty_end == dt.date(2020, 2, 1)
    first = result.problems[0]
    assert "2020-02-01" in first.message and "2021-02-01" in first.message


@pytest.mark.django_db
def test_a_start_date_moved_after_the_stored_end_is_questioned_too(town):
    asset = town.own_asset
    asset.warranty_end = dt.date(2022, 6, 30)
    asset.save()
    result = import_file(f"Asset tag,In use since\n{asset.asset_tag},2022-09-01\n")
    assert result.status == "committed", result.summary()
    assert located(result.problems) == [(2, "In use since", "date_order")]


@pytest.mark.django_db
def test_a_warranty_counted_in_months_points_at_the_months(town):
    header = "Asset tag,Serial number,Manufacturer,Model,Department,Purchase date,"
    header += "In use since,Warranty\n"
    row = "MS-D4,SN-D4,Dell,P2422H,GRF,2020-01-15,2023-03-01,24\n"
    result = import_file(header + row)
    assert result.status == "committed", result.summary()
    assert located(result.problems) == [(2, "Warranty", "date_order")]


@pytest.mark.django_db
def test_the_preview_shows_the_warning_in_swedish_and_allows_the_import(town, login):
    client = login(town.users["coordinator"])
    data = {"file": SimpleUploadedFile("a.csv", (HEADER + ROWS).encode())}
    page = client.post(reverse("imports:upload"), data, follow=True).content.decode()
    assert "import-confirm" in page
    assert "Garantin upphör (2020-02-01) innan tillgången togs i bruk (2021-02-01)" in page
    assert "Planerat livsslut (2019-12-31) ligger före leveransen (2021-01-20)" in page


@pytest.mark.django_db
def test_the_command_line_prints_the_warnings(town, tmp_path, capsys):
    path = tmp_path / "assets.csv"
    path.write_text(HEADER + ROWS)
    call_command("import", "assets", str(path), "--dry-run", "--language", "sv")
    out = capsys.readouterr().out
    assert "varning: assets.csv, rad 2, kolumn ”Warranty end”: Garantin upphör" in out
    call_command("import", "assets", str(path), "--format", "json")
    summary = json.loads(capsys.readouterr().out)
    assert [(w["row"], w["column"]) for w in summary["warnings"]] == [
        (2, "Warranty end"),
        (3, "Planned end of life"),
    ]


@pytest.mark.django_db
def test_the_api_answers_with_the_warnings(town, api_as):
    api = api_as(town.users["coordinator"], "read", "write")
    response = api.upload("/api/v1/imports/assets", "a.csv", (HEADER + ROWS).encode())
    assert response.status_code == 200, response.content
    warnings = response.json()["warnings"]
    assert [(w["row"], w["column"], w["code"]) for w in warnings] == [
        (2, "Warranty end", "date_order"),
        (3, "Planned end of life", "date_order"),
    ]
