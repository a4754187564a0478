"""A take-back partner's report upload refuses hostile and far too large files.

A file over the upload limit is refused in the form; a file that is kept but cannot be read
(a zip bomb, a huge cell) is an unreadable import job whose page says why, as for assets.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kretslopp.circular.models import CampaignItem
from kretslopp.circular.tests.conftest import REPORT_HEADERS
from kretslopp.imports.models import ImportJob, JobState
from kretslopp.tabular.tests import hostile

pytestmark = pytest.mark.django_db


def post_report(client, campaign, name: str, content: bytes, follow: bool = True):
    upload = SimpleUploadedFile(name, content)
    url = reverse("circular:report", args=[campaign.pk])
    return client.post(url, {"file": upload}, follow=follow)


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
def test_a_hostile_report_is_refused_whole_and_not_kept(
    town, login, campaign, handed_over, name, build, words
):
    before = outcomes(campaign)
    response = post_report(login(town.users["partner"]), campaign, name, build())
    assert response.status_code == 200
    job = ImportJob.objects.get()
    assert (job.target, job.state, job.stored_file) == ("partner_report", JobState.UNREADABLE, "")
    page = response.content.decode()
    assert name in page and words in page
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
    job = ImportJob.objects.get()
    assert job.state == JobState.UNREADABLE
    [problem] = job.problems
    assert (problem["code"], problem["row"], problem["column"]) == ("cell_too_long", 2, "Verktyg")
    assert "En cell är längre än 32\xa0767 tecken" in response.content.decode()
    assert outcomes(campaign) == before


def test_a_report_over_the_upload_limit_is_refused_in_swedish(
    town, login, campaign, handed_over, settings
):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    response = post_report(
        login(town.users["partner"]),
        campaign,
        "rapport.csv",
        hostile.many_csv_rows(200_000),
        follow=False,
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "rapport.csv är större än 1 MB, det största som kan laddas upp här. "
        "Dela upp den i mindre filer."
    ]
