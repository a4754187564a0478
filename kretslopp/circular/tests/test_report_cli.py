"""``kretslopp import partner-report FILE --campaign REF``: what an operator sees.

The same report target as the web upload and the API, with the exit codes, the JSON summary
and the text output of ``kretslopp import assets``.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kretslopp.circular.models import Campaign, CampaignItem, CampaignStatus, PartnerReport
from kretslopp.circular.tests.conftest import REPORT_HEADERS, result_row
from kretslopp.core.models import AuditEntry
from kretslopp.imports.models import ImportJob, SavedMapping
from kretslopp.imports.tests.test_cli import kretslopp
from kretslopp.inventory import lifecycle
from kretslopp.inventory.models import Asset, LifecycleEvent
from kretslopp.tabular import write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def report_file(tmp_path):
    def _write(rows, name="rapport.csv", headers=REPORT_HEADERS) -> str:
        path = tmp_path / name
        with path.open("wb") as out:
            write_csv(out, headers, rows)
        return str(path)

    return _write


def _items(campaign):
    return list(CampaignItem.objects.filter(campaign=campaign).order_by("asset_tag"))


def _written() -> dict[str, int]:
    """Everything a partner report may write (its import job is kept whatever came of it)."""
    return {
        "events": LifecycleEvent.objects.count(),
        "audit": AuditEntry.objects.count(),
        "reports": PartnerReport.objects.count(),
        "reported": CampaignItem.objects.exclude(outcome="").count(),
        "statuses": sorted(Asset.objects.values_list("status", flat=True)),
    }


def _last_job() -> tuple[str, str]:
    job = ImportJob.objects.first()
    return job.target, job.state


#: A device the campaign never collected, reported as recycled.
STRANGER = ["MS-9999", "SN-STRANGER", "", "", "", "", "", "recycled", "", ""]


def _good_rows(campaign):
    laptops = [item for item in _items(campaign) if item.category == "laptop"]
    return laptops, [
        result_row(laptop, certificate=f"C-{n}") for n, laptop in enumerate(laptops, start=1)
    ]


def test_a_good_report_is_applied_and_moves_the_devices(
    town, campaign, handed_over, report_file, capsys
):
    laptops, rows = _good_rows(campaign)
    path = report_file(rows)
    code, out, _err = kretslopp(
        "import", "partner-report", path, "--campaign", str(campaign.pk), "--language", "en",
        capsys=capsys,
    )  # fmt: skip
    assert code == 0, out
    assert out.splitlines()[:2] == [
        "Imported 3 rows from rapport.csv.",
        "created 0, updated 3, unchanged 0",
    ]
    first = Asset.objects.get(pk=laptops[0].asset_id)
    assert first.status == lifecycle.RESOLD
    erased = LifecycleEvent.objects.get(asset=first, to_status=lifecycle.ERASED)
    assert erased.reference == "C-1"
    report = PartnerReport.objects.get(campaign=campaign)
    assert (report.file_name, report.rows, report.imported_by) == ("rapport.csv", 3, None)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.RECONCILING
    # The same file again changes nothing, as on the web.
    code, out, _err = kretslopp(
        "import", "partner-report", path, "--campaign", campaign.name, "--format", "json",
        capsys=capsys,
    )  # fmt: skip
    assert code == 0
    assert (json.loads(out)["updated"], json.loads(out)["unchanged"]) == (0, 3)


def test_a_dry_run_writes_nothing_and_exits_0(town, campaign, handed_over, report_file, capsys):
    _laptops, rows = _good_rows(campaign)
    before = _written()
    code, out, _err = kretslopp(
        "import", "partner-report", report_file(rows), "--campaign", str(campaign.pk),
        "--dry-run", "--format", "json", capsys=capsys,
    )  # fmt: skip
    assert code == 0
    summary = json.loads(out)
    assert (summary["status"], summary["updated"]) == ("dry_run", 3)
    assert _written() == before
    assert _last_job() == ("partner_report", "previewed")


def test_a_bad_row_exits_1_naming_row_and_column_and_writes_nothing(
    town, campaign, handed_over, report_file, capsys
):
    laptops, rows = _good_rows(campaign)
    rows[1] = result_row(laptops[1], certificate="", outcome="resold")
    before = _written()
    path = report_file(rows)
    code, out, err = kretslopp(
        "import", "partner-report", path, "--campaign", str(campaign.pk), "--format", "json",
        "--language", "en", capsys=capsys,
    )  # fmt: skip
    assert code == 1
    (error,) = json.loads(out)["errors"]
    assert (error["row"], error["column"]) == (3, "Intygsnummer")
    assert "erased, with a certificate" in error["message"]
    assert "nothing was imported" in err
    assert _written() == before
    assert _last_job() == ("partner_report", "rejected")
    code, out, _err = kretslopp(
        "import", "partner-report", path, "--campaign", str(campaign.pk), "--language", "en",
        capsys=capsys,
    )  # fmt: skip
    assert code == 1
    assert "rapport.csv: 1 problem, nothing was imported." in out
    assert "row 3" in out and "“Intygsnummer”" in out


def test_the_json_summary_has_the_assets_commands_shape(
    town, campaign, handed_over, report_file, capsys
):
    _laptops, rows = _good_rows(campaign)
    rows.append(STRANGER)
    code, out, _err = kretslopp(
        "import", "partner-report", report_file(rows), "--campaign", str(campaign.pk),
        "--format", "json", "--language", "en", capsys=capsys,
    )  # fmt: skip
    assert code == 0
    summary = json.loads(out)
    assert set(summary) == {
        "status", "file", "rows", "created", "updated", "unchanged", "new", "error_count",
        "warning_count", "errors", "warnings",
    }  # fmt: skip
    assert (summary["status"], summary["file"], summary["rows"]) == ("committed", "rapport.csv", 4)
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 3, 0)
    assert summary["errors"] == []
    (unexpected,) = summary["warnings"]
    assert set(unexpected) == {"row", "column", "value", "message", "code"}
    assert (unexpected["row"], unexpected["column"], unexpected["value"]) == (
        5,
        "Inventarienummer",
        "MS-9999",
    )


def test_an_unknown_campaign_exits_2(town, campaign, handed_over, report_file, capsys):
    _laptops, rows = _good_rows(campaign)
    path = report_file(rows)
    for reference in ("Återtag 1999", "987654"):
        code, out, err = kretslopp(
            "import", "partner-report", path, "--campaign", reference, capsys=capsys
        )
        assert code == 2
        assert out == ""
        assert f"there is no take-back campaign {reference!r}" in err


def test_a_name_two_campaigns_share_exits_2_asking_for_the_number(
    town, campaign, handed_over, report_file, capsys
):
    twin = Campaign.objects.create(
        name=campaign.name,
        partner=campaign.partner,
        starts_on=dt.date(2025, 3, 1),
        ends_on=dt.date(2025, 3, 31),
    )
    _laptops, rows = _good_rows(campaign)
    code, _out, err = kretslopp(
        "import", "partner-report", report_file(rows), "--campaign", campaign.name, capsys=capsys
    )
    assert code == 2
    assert f"#{campaign.pk}" in err and f"#{twin.pk}" in err


def test_an_unreadable_file_exits_2(town, campaign, tmp_path, capsys):
    path = tmp_path / "rapport.csv"
    path.write_bytes(b"%PDF-1.4 binary")
    code, out, _err = kretslopp(
        "import", "partner-report", str(path), "--campaign", str(campaign.pk),
        "--format", "json", capsys=capsys,
    )  # fmt: skip
    assert code == 2
    assert json.loads(out)["status"] == "unreadable"


def test_a_partner_reports_on_its_own_campaign_as_itself(
    town, campaign, handed_over, report_file, capsys
):
    _laptops, rows = _good_rows(campaign)
    code, out, _err = kretslopp(
        "import", "partner-report", report_file(rows), "--campaign", str(campaign.pk),
        "--user", "partner", capsys=capsys,
    )  # fmt: skip
    assert code == 0, out
    assert PartnerReport.objects.get(campaign=campaign).imported_by == town.users["partner"]
    assert LifecycleEvent.objects.filter(
        actor=town.users["partner"], to_status=lifecycle.RESOLD
    ).count() == 3  # fmt: skip


def test_a_partner_is_refused_on_another_partners_campaign(
    town, campaign, handed_over, report_file, capsys
):
    _laptops, rows = _good_rows(campaign)
    before = _written()
    code, out, err = kretslopp(
        "import", "partner-report", report_file(rows), "--campaign", str(campaign.pk),
        "--user", "partner2", capsys=capsys,
    )  # fmt: skip
    assert code == 1
    assert out == ""
    assert "'partner2' may not report results for campaign" in err
    assert "only on its own campaigns" in err
    assert _written() == before


def test_a_user_who_may_not_report_is_refused(town, campaign, handed_over, report_file, capsys):
    _laptops, rows = _good_rows(campaign)
    code, _out, err = kretslopp(
        "import", "partner-report", report_file(rows), "--campaign", str(campaign.pk),
        "--user", "coord", capsys=capsys,
    )  # fmt: skip
    assert code == 1
    assert "'coord' may not report take-back results" in err


@pytest.mark.parametrize("only_unexpected", [False, True], ids=["results", "unexpected-only"])
def test_a_closed_campaign_takes_no_report_at_all(
    town, campaign, handed_over, report_file, capsys, only_unexpected
):
    """Neither results nor a report of unexpected devices only (which would otherwise add
    discrepancies to a campaign whose figures are final): the web's message, exit 1."""
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.CLOSED)
    rows = [STRANGER] if only_unexpected else _good_rows(campaign)[1]
    before = _written()
    code, out, _err = kretslopp(
        "import", "partner-report", report_file(rows), "--campaign", str(campaign.pk),
        "--format", "json", "--language", "en", capsys=capsys,
    )  # fmt: skip
    assert code == 1
    assert [error["message"] for error in json.loads(out)["errors"]] == [
        "The campaign is closed; its results can no longer change."
    ]
    assert _written() == before


def test_a_saved_mapping_names_the_partners_own_columns(
    town, campaign, handed_over, report_file, capsys
):
    SavedMapping.objects.create(
        name="inrego", target="partner_report",
        columns={"Enhet": "asset_tag", "Bevis": "erasure_certificate", "Slut": "outcome"},
    )  # fmt: skip
    SavedMapping.objects.create(name="lager", columns={"Nr": "asset_tag"})
    laptops, _rows = _good_rows(campaign)
    rows = [[laptop.asset_tag, f"C-{n}", "resold"] for n, laptop in enumerate(laptops)]
    path = report_file(rows, headers=["Enhet", "Bevis", "Slut"])
    code, out, err = kretslopp(
        "import", "partner-report", path, "--campaign", str(campaign.pk), "--mapping", "lager",
        capsys=capsys,
    )  # fmt: skip
    assert code == 1 and out == ""
    assert "the saved mapping 'lager' is for assets, not partner_report" in err
    code, out, _err = kretslopp(
        "import", "partner-report", path, "--campaign", str(campaign.pk), "--mapping", "inrego",
        "--format", "json", capsys=capsys,
    )  # fmt: skip
    assert code == 0, out
    assert json.loads(out)["updated"] == 3
