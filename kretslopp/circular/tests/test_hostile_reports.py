"""A take-back partner's report upload refuses hostile and far too large files, in the form."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kretslopp.circular.models import CampaignItem
from kretslopp.circular.tests.conftest import REPORT_HEADERS
from kretslopp.tabular.tests import hostile

pytestmark = pytest.mark.django_db


def post_report(client, campaign, name: str, content: bytes):
    upload = SimpleUploadedFile(name, content)
    return client.post(reverse("circular:report", args=[campaign.pk]), {"file": upload})


def outcomes(campaign) -> list[str]:
    return list(CampaignItem.objects.filter(campaign=campaign).values_list("outcome", flat=True))


@pytest.mark.parametrize(
    ("name", "build", "words"),
    [
        ("rapport.xlsx", hostile.blank_space_bomb, "packas upp till 4\xa0001 MB"),
        ("rapport.xlsx", hostile.lying_header_bomb, "zipbomb"),
        ("rapport.xlsx", lambda: hostile.far_apart_cells("ZZ250000"), "celler"),
    ],
)
def test_a_hostile_report_is_refused_at_the_file_field(
    town, login, campaign, handed_over, name, build, words
):
    before = outcomes(campaign)
    response = post_report(login(town.users["partner"]), campaign, name, build())
    assert response.status_code == 200
    assert response.context["result"] is None  # nothing was applied, not even tried
    [error] = response.context["form"].errors["file"]
    assert error.startswith(name) and words in error
    assert outcomes(campaign) == before


def test_a_report_with_a_huge_cell_is_refused_whole(town, login, campaign, handed_over):
    header = ";".join(REPORT_HEADERS)
    item = CampaignItem.objects.filter(campaign=campaign).first()
    row = (
        f"{item.asset_tag};{item.serial_number};NIST;"
        + "x" * 40_000
        + ";C-1;2024-04-02;A;resold;2;1"
    )
    before = outcomes(campaign)
    response = post_report(
        login(town.users["partner"]), campaign, "rapport.csv", f"{header}\n{row}\n".encode()
    )
    result = response.context["result"]
    assert result.status == "unreadable"
    [problem] = result.problems
    assert (problem.code, problem.row, problem.column) == ("cell_too_long", 2, "Verktyg")
    assert "En cell är längre än 32\xa0767 tecken" in response.content.decode()
    assert outcomes(campaign) == before


def test_a_report_over_the_upload_limit_is_refused_in_swedish(
    town, login, campaign, handed_over, settings
):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    response = post_report(
        login(town.users["partner"]), campaign, "rapport.csv", hostile.many_csv_rows(200_000)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "rapport.csv är större än 1 MB, det största som kan laddas upp här. "
        "Dela upp den i mindre filer."
    ]
