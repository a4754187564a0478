"""A small but complete town for the checks that walk across the whole site: the shared
``town`` plus ten years of energy and a target, a month of print logs, and a take-back
campaign with devices collected and handed over on a manifest."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from kretslopp.conftest import Town

PRINT_LOG = Path(__file__).resolve().parents[1] / "printing" / "tests" / "fixtures" / "page_log"


@dataclass
class WholeTown:
    town: Town
    campaign: object
    manifest: object
    target: object


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads go to a temporary folder, not the project's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_ledger_memo():
    """Each test starts without ledgers remembered from another test's database."""
    from kretslopp.energy import ledger

    ledger.forget()
    yield
    ledger.forget()


@pytest.fixture
def whole_town(town) -> WholeTown:
    from kretslopp.circular import collection, handover
    from kretslopp.circular.models import Campaign
    from kretslopp.conftest import make_asset
    from kretslopp.energy.models import Target
    from kretslopp.energy.tests.conftest import ON_TRACK, add_years
    from kretslopp.organisation.access import access_for
    from kretslopp.organisation.models import Membership, Partner
    from kretslopp.printing import importer
    from kretslopp.printing.models import PrintMapping

    # Malmö's longest department name: tables must show every column even with it.
    town.other.name = "Gymnasie- och vuxenutbildningsförvaltningen"
    town.other.save()
    add_years(ON_TRACK)
    target = Target.objects.create(
        name="IT-energi −30 % till 2026",
        kpi="it_energy_kwh",
        baseline_year=2016,
        baseline_value=1_000_000,
        target_year=2026,
        target_value=700_000,
    )
    admin = town.users["administrator"]
    access = access_for(admin)
    PrintMapping.objects.create(kind="printer", key="MF-Reception", department=town.other)
    importer.import_print_log(PRINT_LOG.read_bytes(), access=access, file_name="page_log")

    partner = Partner.objects.create(name="Inrego AB (test)", kind="refurbisher")
    Membership.objects.filter(user=town.users["partner"]).update(partner=partner)
    campaign = Campaign.objects.create(
        name="Återtag 2024",
        partner=partner,
        starts_on=dt.date(2024, 3, 1),
        ends_on=dt.date(2024, 3, 31),
        goal_products=100,
        public=True,
    )
    returned = [make_asset(f"MS-20{i}", town.laptop, town.own) for i in range(3)]
    returned.append(make_asset("MS-300", town.monitor, town.other))
    for asset in returned:
        collection.collect(campaign, asset.asset_tag, access=access, by=admin)
    manifest = handover.hand_over(
        campaign,
        handed_over_on=dt.date(2024, 4, 1),
        handed_over_by="Ida IT",
        received_by="Kim Partner",
        by=admin,
    )
    collection.collect(campaign, make_asset("MS-400", town.laptop, town.own).asset_tag,
                       access=access, by=admin)  # fmt: skip
    return WholeTown(town=town, campaign=campaign, manifest=manifest, target=target)
