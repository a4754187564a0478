"""Manifests and discrepancies stop at the reader's departments; a partner sees its campaign's.

One organisation-wide campaign holds devices of both departments on one manifest, and the
partner's report names devices of both: a department-bound reader (the coordinator and the
department viewer of ``own``) must not learn a tag, serial or department of ``other`` from
the manifest page, its export, the campaign page or the API.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kretslopp.circular import collection, handover
from kretslopp.circular.models import CampaignItem, Discrepancy
from kretslopp.circular.report import import_report
from kretslopp.circular.tests.conftest import report_table, result_row
from kretslopp.conftest import ROLES, downloaded, make_asset
from kretslopp.tabular import open_table

pytestmark = pytest.mark.django_db

# What the other department has and a department-bound reader must never see.
OTHERS = ("MS-0000002", "MS-MF-2", "MS-MF-KEPT", "SN-MS-MF-SPARE", "SN-UNKNOWN-MF", "SN-WRONG")
# The findings each department's reader sees (see ``mixed`` below), by what they name.
OWN_FINDINGS = {
    ("missing", "MS-GRF-2"),
    ("unexpected", "ms-grf-kept"),
    ("unexpected", "SN-NOBODY"),
}
OTHER_FINDINGS = {
    ("serial_mismatch", "MS-0000002"),
    ("missing", "MS-MF-2"),
    ("unexpected", "MS-MF-KEPT"),
    ("unexpected", "sn-ms-mf-spare"),
    ("unexpected", "SN-UNKNOWN-MF"),
    ("unexpected", "MS-GRF-KEPT"),  # its serial is the other department's spare
}
DEPARTMENT_BOUND = {"coordinator", "viewer"}


def _unexpected(tag: str, serial: str) -> list[str]:
    return [tag, serial, "", "", "", "", "", "recycled", "", ""]


@pytest.fixture
def mixed(town, campaign, admin_access):
    """Both departments' devices on one manifest, and a report naming both departments'.

    Findings: the other department's laptop comes back with another serial; one laptop of
    each department is not reported (missing); unexpected rows name a laptop of the other
    department by tag, another by serial in lower case, an unknown device the other
    department collected after the hand-over, one of ours in lower case, one of ours whose
    serial is the other department's, and a serial nobody knows.
    """
    admin = town.users["administrator"]
    make_asset("MS-GRF-2", town.laptop, town.own)
    make_asset("MS-MF-2", town.laptop, town.other)
    make_asset("MS-MF-KEPT", town.laptop, town.other)
    make_asset("MS-MF-SPARE", town.laptop, town.other)
    make_asset("MS-GRF-KEPT", town.laptop, town.own)
    for tag in ("MS-0000001", "MS-GRF-2", "MS-0000002", "MS-MF-2"):
        collection.collect(campaign, tag, access=admin_access, by=admin)
    manifest = handover.hand_over(
        campaign,
        handed_over_on=dt.date(2024, 4, 1),
        handed_over_by="Ida IT",
        received_by="Kim Partner",
        by=admin,
    )
    collection.collect_unknown(
        campaign,
        category="laptop",
        serial="SN-UNKNOWN-MF",
        department=town.other,
        access=admin_access,
        by=admin,
    )
    items = {item.asset_tag: item for item in CampaignItem.objects.filter(campaign=campaign)}
    rows = [
        result_row(items["MS-0000001"], certificate="C-1"),
        result_row(items["MS-0000002"], certificate="C-2", serial="SN-WRONG"),
        _unexpected("MS-MF-KEPT", ""),
        _unexpected("", "sn-ms-mf-spare"),
        _unexpected("", "SN-UNKNOWN-MF"),
        _unexpected("ms-grf-kept", ""),
        _unexpected("MS-GRF-KEPT", "SN-MS-MF-SPARE"),
        _unexpected("", "SN-NOBODY"),
    ]
    result = import_report(campaign, report_table(rows), access=admin_access, actor=admin)
    assert result.status == "committed", result.problems
    return manifest


def _named(discrepancy: dict) -> tuple[str, str]:
    what = discrepancy["reported_asset_tag"] or discrepancy["reported_serial"]
    if discrepancy["item_id"] is not None:
        what = CampaignItem.objects.get(pk=discrepancy["item_id"]).asset_tag
    return discrepancy["kind"], what


def _expected_findings(role: str) -> set[tuple[str, str]]:
    if role in DEPARTMENT_BOUND:
        return OWN_FINDINGS
    return OWN_FINDINGS | OTHER_FINDINGS


def test_the_fixture_records_every_finding(mixed, campaign):
    found = Discrepancy.objects.filter(campaign=campaign)
    named = {
        _named(
            {
                "kind": d.kind,
                "item_id": d.item_id,
                "reported_asset_tag": d.reported_asset_tag,
                "reported_serial": d.reported_serial,
            }
        )
        for d in found
    }
    assert named == OWN_FINDINGS | OTHER_FINDINGS


# --- manifests ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["administrator", "coordinator", "viewer", "partner"])
def test_the_manifest_page_lists_only_the_readers_items(town, login, mixed, campaign, role):
    page = login(town.users[role]).get(mixed.get_absolute_url())
    assert page.status_code == 200
    listed = {item.asset_tag for item in page.context["items"]}
    text = page.content.decode()
    if role in DEPARTMENT_BOUND:
        assert listed == {"MS-0000001", "MS-GRF-2"}
        assert not [tag for tag in OTHERS if tag in text]
        assert ">MF<" not in text
    else:
        assert listed == {"MS-0000001", "MS-GRF-2", "MS-0000002", "MS-MF-2"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("role", ["administrator", "coordinator", "viewer", "partner"])
def test_the_manifest_export_holds_only_the_readers_items(town, login, mixed, campaign, role, fmt):
    response = login(town.users[role]).get(
        reverse("circular:manifest_export", args=[campaign.pk, mixed.pk, fmt])
    )
    rows = list(open_table(downloaded(response), f"m.{fmt}").rows())
    tags = {row.values[1] for row in rows}
    departments = {row.values[4] for row in rows}
    if role in DEPARTMENT_BOUND:
        assert (tags, departments) == ({"MS-0000001", "MS-GRF-2"}, {"GRF"})
    else:
        assert tags == {"MS-0000001", "MS-GRF-2", "MS-0000002", "MS-MF-2"}
        assert departments == {"GRF", "MF"}


@pytest.mark.parametrize("role", ["administrator", "coordinator", "viewer", "partner"])
def test_the_manifest_list_of_the_api_counts_only_the_readers_items(
    town, api_as, mixed, campaign, role
):
    response = api_as(town.users[role], "read").get(
        f"/api/v1/takeback/campaigns/{campaign.pk}/manifests"
    )
    assert response.status_code == 200
    [manifest] = response.json()
    assert manifest["items"] == (2 if role in DEPARTMENT_BOUND else 4)


def test_another_partners_manifest_stays_out_of_reach(town, login, mixed, campaign, partners):
    client = login(town.users["partner2"])
    assert client.get(mixed.get_absolute_url()).status_code == 404
    export = reverse("circular:manifest_export", args=[campaign.pk, mixed.pk, "csv"])
    assert client.get(export).status_code == 404


# --- discrepancies -----------------------------------------------------------------------


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("no_role",)])
def test_the_discrepancies_of_the_api_follow_the_readers_scope(town, api_as, mixed, campaign, role):
    response = api_as(town.users[role], "read").get(
        f"/api/v1/takeback/campaigns/{campaign.pk}/discrepancies"
    )
    assert response.status_code == 200
    assert {_named(d) for d in response.json()} == _expected_findings(role)


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("no_role",)])
def test_the_campaign_page_lists_the_discrepancies_in_the_readers_scope(
    town, login, mixed, campaign, role
):
    page = login(town.users[role]).get(campaign.get_absolute_url())
    assert page.status_code == 200
    shown = {
        _named(
            {
                "kind": d.kind,
                "item_id": d.item_id,
                "reported_asset_tag": d.reported_asset_tag,
                "reported_serial": d.reported_serial,
            }
        )
        for d in page.context["discrepancies"]
    }
    assert shown == _expected_findings(role)
    if role in DEPARTMENT_BOUND:
        text = page.content.decode()
        assert not [tag for tag in OTHERS if tag.casefold() in text.casefold()]


def test_another_partner_reads_none_of_the_discrepancies(town, api_as, mixed, campaign):
    response = api_as(town.users["partner2"], "read").get(
        f"/api/v1/takeback/campaigns/{campaign.pk}/discrepancies"
    )
    assert response.status_code == 404


# --- the not-returned routine ------------------------------------------------------------


@pytest.fixture
def replaced_elsewhere(town):
    """Anna's old laptop is ours; her new one was booked on the other department."""
    from kretslopp.organisation.models import Person

    anna = Person.objects.get(identifier="anv000001")
    old = make_asset("OLD-1", town.laptop, town.own, in_use_date=dt.date(2019, 1, 1), assignee=anna)
    recent = dt.date.today() - dt.timedelta(days=40)
    make_asset("MS-MF-NEW", town.laptop, town.other, in_use_date=recent, assignee=anna)
    return old


@pytest.mark.parametrize("role", ["administrator", "coordinator", "viewer"])
def test_a_replacement_in_another_department_is_not_named_to_the_old_devices_department(
    town, login, replaced_elsewhere, role
):
    client = login(town.users[role])
    page = client.get(reverse("circular:not_returned"))
    # The old device is still ours to chase, whoever booked its successor.
    assert [a.asset_tag for a in page.context["assets"]] == ["OLD-1"]
    export = client.get(reverse("circular:not_returned"), {"format": "csv"})
    [row] = list(open_table(downloaded(export), "n.csv").rows())
    named = "MS-MF-NEW" in page.content.decode() or "MS-MF-NEW" in row.values
    assert named == (role not in DEPARTMENT_BOUND)
    if role in DEPARTMENT_BOUND:
        assert "i en annan förvaltning" in page.content.decode()


# --- form posts that name what is not the user's -----------------------------------------


def test_a_scan_cannot_be_booked_on_another_campaigns_collection_point(town, login, campaign):
    from kretslopp.circular.models import Campaign, CollectionPoint

    elsewhere = Campaign.objects.create(
        name="Annat återtag", partner=campaign.partner, starts_on=dt.date(2024, 5, 1),
        ends_on=dt.date(2024, 5, 31),
    )  # fmt: skip
    point = CollectionPoint.objects.create(campaign=elsewhere, name="Miljöhusets entré")
    client = login(town.users["coordinator"])
    url = reverse("circular:collect", args=[campaign.pk])
    client.post(url, {"code": "MS-0000001", "point": point.pk})
    assert not CampaignItem.objects.exists()


def test_an_unknown_device_cannot_be_registered_for_another_department(town, login, campaign):
    client = login(town.users["coordinator"])
    url = reverse("circular:collect_unknown", args=[campaign.pk])
    data = {"category": "laptop", "serial": "SN-X", "department": town.other.pk}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "department" in response.context["unknown_form"].errors
    assert not CampaignItem.objects.exists()


def test_another_departments_unknown_device_is_not_dated_to_a_coordinator(
    town, login, campaign, admin_access
):
    collection.collect_unknown(
        campaign, category="laptop", serial="SN-UNKNOWN-MF", department=town.other,
        access=admin_access,
    )  # fmt: skip
    client = login(town.users["coordinator"])
    url = reverse("circular:collect_unknown", args=[campaign.pk])
    data = {"category": "laptop", "serial": "SN-UNKNOWN-MF", "department": town.own.pk}
    response = client.post(url, data, follow=True)
    [message] = [str(m) for m in response.context["messages"]]
    assert "SN-UNKNOWN-MF" in message
    assert not any(char.isdigit() for char in message.replace("SN-UNKNOWN-MF", ""))
    assert CampaignItem.objects.filter(serial_number="SN-UNKNOWN-MF").count() == 1


def test_a_discrepancy_is_settled_only_through_its_own_campaign(
    town, login, campaign, mixed, partners
):
    from kretslopp.circular.models import Campaign

    elsewhere = Campaign.objects.create(
        name="Annat återtag", partner=partners["theirs"], starts_on=dt.date(2024, 5, 1),
        ends_on=dt.date(2024, 5, 31),
    )  # fmt: skip
    finding = Discrepancy.objects.filter(campaign=campaign).first()
    client = login(town.users["sustainability_lead"])
    url = reverse("circular:accept", args=[elsewhere.pk, finding.pk])
    assert client.post(url, {"note": "Okej"}).status_code == 404
    finding.refresh_from_db()
    assert finding.state == "open"
