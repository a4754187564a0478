"""Department-bound readers see the organisation's targets, read-only, and their own part.

A coordinator or a department viewer works in one department, but the −30 % commitment is
the organisation's: they see that target with the organisation's figure and status, their
department's share of it, and nothing of another department.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse

from kretslopp.conftest import ROLES
from kretslopp.energy import assessment
from kretslopp.energy.models import EnergyReading, Target
from kretslopp.energy.tests.conftest import ON_TRACK, add_years
from kretslopp.organisation.access import access_for

pytestmark = pytest.mark.django_db

DEPARTMENT_READERS = ["coordinator", "viewer"]


@pytest.fixture
def city(town, energy_target):
    """The organisation's −30 % target on ten metered years, one target per department, and
    a network meter of the reader's own department that starts two years before the target's
    base year (so the first data year is not the base year)."""
    add_years(ON_TRACK)
    for year in range(2014, 2026):
        for month in range(1, 13):
            EnergyReading.objects.create(
                scope="network", meter="GRF switchar", month=dt.date(year, month, 1),
                reading_kwh=Decimal(1000), department=town.own,
            )  # fmt: skip
    for department in (town.own, town.other):
        Target.objects.create(
            name=f"Utskrifter {department.name}", kpi="pages_printed", department=department,
            baseline_year=2024, baseline_value=1000, target_year=2027, target_value=750,
        )  # fmt: skip
    return town


def organisation_view(town, target):
    return assessment.view_for(target, access_for(town.users["sustainability_lead"]))


@pytest.mark.parametrize("role", DEPARTMENT_READERS)
def test_the_energy_page_shows_the_organisations_target_and_the_departments_part(
    city, login, energy_target, role
):
    response = login(city.users[role]).get(reverse("energy:dashboard"))
    html = response.content.decode()
    assert energy_target.name in html
    assert 'id="target-chart"' in html
    assert "Inget it-energimål" not in html
    assert "Er del" in html and "Grundskoleförvaltningen" in html
    assert "Miljöförvaltningen" not in html  # another department's target is not listed
    assert "Redigera" not in html and "Nytt mål" not in html  # read-only


@pytest.mark.parametrize("role", DEPARTMENT_READERS)
def test_the_targets_page_lists_the_organisations_targets_with_the_departments_share(
    city, login, energy_target, role
):
    response = login(city.users[role]).get(reverse("energy:targets"))
    views = {view.target.name: view for view in response.context["views"]}
    assert set(views) == {energy_target.name, "Utskrifter Grundskoleförvaltningen"}
    org = views[energy_target.name]
    expected = organisation_view(city, energy_target)
    assert org.latest_value == pytest.approx(expected.latest_value)  # the organisation's
    assert org.status == expected.status
    own_part = org.share.value(2025)
    assert 0 < own_part < org.latest_value
    assert org.share_latest_fraction == pytest.approx(own_part / org.latest_value)
    assert "Miljöförvaltningen" not in response.content.decode()
    detail = login(city.users[role]).get(energy_target.get_absolute_url())
    assert detail.status_code == 200
    assert "Grundskoleförvaltningen" in detail.content.decode()


@pytest.mark.parametrize("role", DEPARTMENT_READERS)
def test_the_charter_page_uses_the_targets_base_year_and_the_departments_head_count(
    city, login, energy_target, role
):
    response = login(city.users[role]).get(reverse("energy:charter"))
    context = response.context
    html = response.content.decode()
    assert context["view"] is not None
    assert context["view"].latest_value == pytest.approx(
        organisation_view(city, energy_target).latest_value
    )
    rows = context["rows"]
    assert rows[0]["year"] == 2016  # the target's base year, not the first data year 2014
    for row in rows:
        assert 0 < row["share"] < 1  # a part of the organisation's figure
        if row["complete"]:
            assert row["kwh_change"] == pytest.approx(row["kwh"] / rows[0]["kwh"] - 1)
    assert context["employees"] == 600
    assert "600 medarbetare (förvaltningens antal anställda)" in html
    assert "organisationens antal anställda" not in html
    assert "Inget it-energimål" not in html
    assert "Miljöförvaltningen" not in html


def test_the_organisations_readers_see_the_whole_without_a_share(city, login, energy_target):
    response = login(city.users["sustainability_lead"]).get(reverse("energy:charter"))
    assert response.context["rows"][0]["year"] == 2016
    assert response.context["view"].share is None
    html = response.content.decode()
    assert "1\xa0000 medarbetare (organisationens antal anställda)" in html


# Expected status per role, in the order of ROLES (the town's logins).
PAGES = {
    "dashboard": [200, 200, 200, 200, 200, 200, 403, 403],
    "targets": [200, 200, 200, 200, 200, 200, 403, 403],
    "charter": [200, 200, 200, 200, 200, 200, 403, 403],
    "target_organisation": [200, 200, 200, 200, 200, 200, 403, 403],
    "target_own": [200, 200, 200, 200, 200, 200, 403, 403],
    "target_other": [200, 200, 200, 404, 404, 200, 403, 403],
    "edit_organisation_target": [200, 200, 403, 403, 403, 403, 403, 403],
}


def _page_url(case: str, town, energy_target) -> str:
    by_department = {t.department_id: t for t in Target.objects.exclude(department=None)}
    return {
        "dashboard": reverse("energy:dashboard"),
        "targets": reverse("energy:targets"),
        "charter": reverse("energy:charter"),
        "target_organisation": energy_target.get_absolute_url(),
        "target_own": by_department[town.own.pk].get_absolute_url(),
        "target_other": by_department[town.other.pk].get_absolute_url(),
        "edit_organisation_target": reverse("energy:target_edit", args=[energy_target.pk]),
    }[case]


@pytest.mark.parametrize("case", list(PAGES))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_energy_pages_as_a_matrix(city, login, energy_target, case, role_index):
    client = login(city.users[ROLES[role_index]])
    response = client.get(_page_url(case, city, energy_target))
    assert response.status_code == PAGES[case][role_index]


def test_a_fragment_of_two_ledgers_is_rendered_again_when_either_changes():
    from kretslopp.energy import fragments

    renders: list[int] = []

    def context() -> dict:
        renders.append(1)
        return {"chart": {"id": "x", "spec_id": "x-spec", "spec": {}}}

    own, organisation = SimpleNamespace(version=("own", 1)), SimpleNamespace(version=("org", 1))
    changed = SimpleNamespace(version=("org", 2))
    template = "energy/includes/chart.html"
    fragments.fragment((own, organisation), ("k",), template, context)
    fragments.fragment((own, organisation), ("k",), template, context)
    assert len(renders) == 1
    fragments.fragment((own, changed), ("k",), template, context)
    assert len(renders) == 2
    # the same data in a new object (say the ledger was computed again) is the same fragment
    fragments.fragment((SimpleNamespace(version=("own", 1)), changed), ("k",), template, context)
    assert len(renders) == 2
