"""Take-back fixtures on top of the shared ``town``: partners, a campaign, report files."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from kretslopp.conftest import make_user
from kretslopp.organisation.access import access_for
from kretslopp.tabular import open_table, write_csv

REPORT_HEADERS = [
    "Inventarienummer",
    "Serienummer",
    "Raderingsmetod",
    "Verktyg",
    "Intygsnummer",
    "Raderingsdatum",
    "Klass",
    "Utfall",
    "Vikt (kg)",
    "Försäljningsvärde (SEK)",
]


@pytest.fixture(autouse=True)
def _english_messages():
    """Messages are asserted in English; the UI itself defaults to Swedish."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def partners(town):
    from kretslopp.organisation.models import Membership, Partner, Role

    ours = Partner.objects.create(name="Inrego AB (test)", kind="refurbisher")
    theirs = Partner.objects.create(name="Annan Återvinnare AB", kind="recycler")
    for username, partner in (("partner", ours), ("partner2", theirs)):
        user = town.users.get(username) or make_user(username, Role.PARTNER)
        Membership.objects.filter(user=user).update(partner=partner)
        town.users[username] = user
        user.__dict__.pop("_kretslopp_access", None)
    return {"ours": ours, "theirs": theirs}


@pytest.fixture
def campaign(town, partners):
    from kretslopp.circular.models import Campaign

    return Campaign.objects.create(
        name="Återtag 2024",
        partner=partners["ours"],
        starts_on=dt.date(2024, 3, 1),
        ends_on=dt.date(2024, 3, 31),
        goal_products=100,
    )


@pytest.fixture
def admin_access(town):
    return access_for(town.users["administrator"])


def report_table(rows: list[list[object]], name: str = "rapport.csv"):
    """A partner report as the pipeline reads it, written with tabular's own writer."""
    buffer = io.BytesIO()
    write_csv(buffer, REPORT_HEADERS, rows)
    return open_table(buffer.getvalue(), name)


def result_row(item, *, outcome="resold", certificate="CERT-1", grade="A", serial=None):
    return [
        item.asset_tag,
        item.serial_number if serial is None else serial,
        "NIST 800-88 Purge" if certificate else "",
        "Blancco 7" if certificate else "",
        certificate,
        "2024-04-02" if certificate else "",
        grade,
        outcome,
        "2,1",
        "1 250",
    ]


@pytest.fixture
def handed_over(town, campaign, admin_access):
    """Three laptops and a monitor collected and handed over on one manifest."""
    from kretslopp.circular import collection, handover
    from kretslopp.conftest import make_asset

    admin = town.users["administrator"]
    assets = [town.own_asset] + [make_asset(f"MS-10{i}", town.laptop, town.own) for i in range(2)]
    assets.append(make_asset("MS-200", town.monitor, town.own))
    for asset in assets:
        collection.collect(campaign, asset.asset_tag, access=admin_access, by=admin)
    manifest = handover.hand_over(
        campaign,
        handed_over_on=dt.date(2024, 4, 1),
        handed_over_by="Ida IT",
        received_by="Kim Partner",
        by=admin,
    )
    return manifest
