"""A partner's report is an import job like any other: stored, previewed, mapped, confirmed.

On the web, the command line and the API alike: a malformed report names file, row and
column and writes nothing, the job list shows the report under its target's label, and a
partner starts such a job for its own campaign only.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kretslopp.circular.models import CampaignItem, PartnerReport
from kretslopp.circular.tests.conftest import REPORT_HEADERS, result_row
from kretslopp.core.models import AuditEntry
from kretslopp.imports.models import ImportJob, JobState
from kretslopp.imports.tests.test_cli import kretslopp
from kretslopp.tabular import write_csv

pytestmark = pytest.mark.django_db
API = "/api/v1/imports/jobs"


def _laptops(campaign) -> list[CampaignItem]:
    items = CampaignItem.objects.filter(campaign=campaign, category="laptop")
    return list(items.order_by("asset_tag"))


def _report(rows, headers=REPORT_HEADERS) -> bytes:
    buffer = io.BytesIO()
    write_csv(buffer, headers, rows)
    return buffer.getvalue()


def _bad_report(campaign) -> bytes:
    """Three laptops; the second resold without an erasure certificate (row 3)."""
    laptops = _laptops(campaign)
    rows = [result_row(item, certificate=f"C-{n}") for n, item in enumerate(laptops)]
    rows[1] = result_row(laptops[1], certificate="", outcome="resold")
    return _report(rows)


def _good_report(campaign) -> bytes:
    laptops = _laptops(campaign)
    return _report([result_row(item, certificate=f"C-{n}") for n, item in enumerate(laptops)])


def _written() -> dict[str, int]:
    return {
        "reported": CampaignItem.objects.exclude(outcome="").count(),
        "reports": PartnerReport.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def test_a_malformed_report_is_located_on_its_preview_and_cannot_be_confirmed(
    town, login, campaign, handed_over
):
    client = login(town.users["partner"])
    before = _written()
    upload = SimpleUploadedFile("rapport.csv", _bad_report(campaign))
    response = client.post(reverse("circular:report", args=[campaign.pk]), {"file": upload})
    job = ImportJob.objects.get()
    assert response.url == job.get_absolute_url()
    assert job.state == JobState.PREVIEWED and job.problem_count == 1
    [problem] = job.problems
    assert (problem["file"], problem["row"], problem["column"]) == (
        "rapport.csv",
        3,
        "Intygsnummer",
    )
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'data-row="3" data-column="Intygsnummer"' in page
    assert "import-confirm" not in page  # no button: a report with an error imports nothing
    client.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == JobState.PREVIEWED
    assert _written() == before


def test_the_mapping_screen_takes_a_partners_own_column_names(town, login, campaign, handed_over):
    """A partner whose columns are not recognised maps them on the preview, then imports."""
    headers = ["Vår beteckning", *REPORT_HEADERS[1:]]
    laptops = _laptops(campaign)
    content = _report([result_row(i, certificate=f"C-{n}") for n, i in enumerate(laptops)], headers)
    client = login(town.users["partner"])
    client.post(
        reverse("circular:report", args=[campaign.pk]),
        {"file": SimpleUploadedFile("rapport.csv", content)},
    )
    job = ImportJob.objects.get()
    form = client.get(job.get_absolute_url()).context["mapping_form"]
    data = {name: field.initial or "" for name, field in form.fields.items()}
    assert data["column_0"] == ""  # "Vår beteckning" is not a name the report target knows
    data["column_0"] = "asset_tag"
    client.post(reverse("imports:remap", args=[job.pk]), data)
    job.refresh_from_db()
    assert job.problem_count == 0, job.problems
    client.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert CampaignItem.objects.exclude(outcome="").count() == len(laptops)


def test_the_job_list_shows_a_report_with_its_targets_label(town, login, campaign, handed_over):
    client = login(town.users["partner"])
    client.post(
        reverse("circular:report", args=[campaign.pk]),
        {"file": SimpleUploadedFile("rapport.csv", _good_report(campaign))},
    )
    response = client.get(reverse("imports:upload"))
    assert response.status_code == 200
    assert response.context["form"] is None  # a partner imports no assets
    [job] = response.context["jobs"]
    assert job.target == "partner_report"
    assert "Partnerrapport (återtag)" in response.content.decode()  # the target's label


def test_the_api_starts_a_report_job_for_the_partners_own_campaign(
    town, api_as, campaign, handed_over
):
    api = api_as(town.users["partner"], "read", "write")
    bad = api.upload(API, "rapport.csv", _bad_report(campaign), target="partner_report",
                     campaign=campaign.pk)  # fmt: skip
    assert bad.status_code == 422
    assert bad.json()["error"]["details"] == [
        {"field": "row 3, Intygsnummer", "message": bad.json()["error"]["details"][0]["message"]}
    ]
    assert CampaignItem.objects.exclude(outcome="").count() == 0
    good = api.upload(API, "rapport.csv", _good_report(campaign), target="partner_report",
                      campaign=campaign.pk)  # fmt: skip
    assert good.status_code == 200, good.content
    job = ImportJob.objects.get(pk=good.json()["job"])
    assert (job.target, job.source, job.state) == ("partner_report", "api", JobState.DONE)
    assert CampaignItem.objects.exclude(outcome="").count() == 3
    listed = api.get(API).json()
    assert [(j["target"], j["state"]) for j in listed] == [
        ("partner_report", "done"),
        ("partner_report", "rejected"),
    ]


def test_a_partner_starts_no_job_for_another_partners_campaign(
    town, login, api_as, campaign, handed_over, partners
):
    from kretslopp.circular.models import Campaign

    theirs = Campaign.objects.create(
        name="Deras",
        partner=partners["theirs"],
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
    )
    api = api_as(town.users["partner"], "read", "write")
    response = api.upload(API, "rapport.csv", _good_report(campaign), target="partner_report",
                          campaign=theirs.pk)  # fmt: skip
    assert response.status_code == 404
    assert not ImportJob.objects.exists()


def test_the_command_line_keeps_a_job_of_the_report(town, campaign, handed_over, tmp_path, capsys):
    path = tmp_path / "rapport.csv"
    path.write_bytes(_bad_report(campaign))
    code, out, _err = kretslopp(
        "import", "partner-report", str(path), "--campaign", str(campaign.pk), "--format",
        "json", capsys=capsys,
    )  # fmt: skip
    assert code == 1
    [error] = json.loads(out)["errors"]
    assert (error["row"], error["column"]) == (3, "Intygsnummer")
    job = ImportJob.objects.get()
    assert (job.target, job.options, job.state) == (
        "partner_report",
        {"campaign": campaign.pk},
        JobState.REJECTED,
    )
