"""The start page's test fleet: devices due of every kind in both departments, and the
IT energy target with ten years of readings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kretslopp.conftest import make_asset
from kretslopp.energy.models import Target
from kretslopp.energy.tests.conftest import ON_TRACK, add_years
from kretslopp.organisation.models import Person


@pytest.fixture
def fleet(town):
    """Devices due in both departments, one of each kind and some not due at all."""
    today = timezone.localdate()
    person = Person.objects.get(identifier="anv000001")
    other_person = Person.objects.create(identifier="anv000002", department=town.other)
    long_ago = today - dt.timedelta(days=400)
    for n, department in enumerate((town.own, town.own, town.other)):
        prefix = f"D{n}"
        make_asset(
            f"{prefix}-END",
            town.laptop,
            department,
            planned_end_of_life=today - dt.timedelta(days=1),
        )
        make_asset(
            f"{prefix}-SOON",
            town.laptop,
            department,
            planned_end_of_life=today + dt.timedelta(days=60),
        )
        make_asset(
            f"{prefix}-LATER",
            town.laptop,
            department,
            planned_end_of_life=today + dt.timedelta(days=400),
        )
        make_asset(
            f"{prefix}-WARR", town.monitor, department, warranty_end=today - dt.timedelta(days=3)
        )
        # Past its end but no longer in use: not due.
        make_asset(
            f"{prefix}-STOCK",
            town.laptop,
            department,
            status="in_stock",
            planned_end_of_life=today - dt.timedelta(days=10),
        )
    # Not returned: an old laptop still in use with someone who got a new one long ago.
    for department, holder in ((town.own, person), (town.other, other_person)):
        make_asset(
            f"OLD-{department.code}",
            town.laptop,
            department,
            assignee=holder,
            in_use_date=long_ago - dt.timedelta(days=900),
        )
        make_asset(
            f"NEW-{department.code}", town.laptop, department, assignee=holder, in_use_date=long_ago
        )
    # A replacement only 5 days old: not yet "not returned" under a 30-day rule.
    make_asset(
        "OLD-RECENT",
        town.monitor,
        town.own,
        assignee=person,
        in_use_date=long_ago - dt.timedelta(days=900),
    )
    make_asset(
        "NEW-RECENT",
        town.monitor,
        town.own,
        assignee=person,
        in_use_date=today - dt.timedelta(days=5),
    )
    return town


def energy_target() -> Target:
    add_years(ON_TRACK)
    return Target.objects.create(
        name="IT-energi −30 % (Green Digital Charter)",
        kpi="it_energy_kwh",
        baseline_year=2016,
        baseline_value=1_000_000,
        target_year=2026,
        target_value=700_000,
    )
