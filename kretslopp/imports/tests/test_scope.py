"""An import writes nothing a department-bound user could not write by hand.

The asset form refuses another department's location and people (``access.scope`` gives
its choices); an imported row is held to the same: another department's location is a
located error, and another department's person is treated exactly like an unknown one,
so that an import cannot be used to find out who works elsewhere.
"""

from __future__ import annotations

import pytest

from kretslopp.imports.tests.conftest import db_counts, import_file
from kretslopp.inventory.models import Asset
from kretslopp.organisation.models import Location, Person

pytestmark = pytest.mark.django_db

HEADER = "Asset tag,Location,Assignee\n"


@pytest.fixture
def elsewhere(town):
    """A location and a person of the other department."""
    Location.objects.create(name="Miljöhuset", department=town.other)
    Person.objects.create(identifier="anv000002", department=town.other)


def test_a_coordinator_cannot_place_an_asset_in_another_departments_location(town, elsewhere):
    before = db_counts()
    result = import_file(HEADER + "MS-0000001,Miljöhuset,\n", user=town.users["coordinator"])
    assert result.status == "rejected"
    (problem,) = result.errors
    assert (problem.row, problem.column, problem.code) == (2, "Location", "not_your_location")
    assert "Miljöhuset" in problem.message
    assert db_counts() == before
    town.own_asset.refresh_from_db()
    assert town.own_asset.location is None


def test_a_coordinator_places_an_asset_in_their_own_location(town, elsewhere):
    result = import_file(HEADER + "MS-0000001,Stadshuset,\n", user=town.users["coordinator"])
    assert result.status == "committed", result.summary()
    town.own_asset.refresh_from_db()
    assert town.own_asset.location.name == "Stadshuset"


def test_another_departments_person_reads_like_an_unknown_one(town, elsewhere):
    coordinator = town.users["coordinator"]
    elsewhere_result = import_file(HEADER + "MS-0000001,,anv000002\n", user=coordinator)
    unknown_result = import_file(HEADER + "MS-0000001,,anv999999\n", user=coordinator)
    (elsewhere_warning,) = [p for p in elsewhere_result.problems if p.warning]
    (unknown_warning,) = [p for p in unknown_result.problems if p.warning]
    assert elsewhere_warning.code == unknown_warning.code == "unknown_person"
    assert elsewhere_warning.message.replace("anv000002", "X") == (
        unknown_warning.message.replace("anv999999", "X")
    )
    assert Asset.objects.get(pk=town.own_asset.pk).assignee is None


def test_a_coordinator_assigns_their_own_people(town, elsewhere):
    result = import_file(HEADER + "MS-0000001,,anv000001\n", user=town.users["coordinator"])
    assert result.status == "committed", result.summary()
    assert Asset.objects.get(pk=town.own_asset.pk).assignee.identifier == "anv000001"


def test_an_administrator_places_and_assigns_across_departments(town, elsewhere):
    result = import_file(
        HEADER + "MS-0000001,Miljöhuset,anv000002\n", user=town.users["administrator"]
    )
    assert result.status == "committed", result.summary()
    asset = Asset.objects.get(pk=town.own_asset.pk)
    assert (asset.location.name, asset.assignee.identifier) == ("Miljöhuset", "anv000002")


def test_the_api_import_refuses_another_departments_location(town, elsewhere, api_as):
    api = api_as(town.users["coordinator"], "read", "write")
    content = (HEADER + "MS-0000001,Miljöhuset,\n").encode()
    response = api.upload("/api/v1/imports/assets", "a.csv", content)
    assert response.status_code == 422
    [detail] = response.json()["error"]["details"]
    assert detail["field"] == "row 2, Location"


def test_another_departments_cost_centre_is_not_traced_to_its_department(town, elsewhere):
    from kretslopp.organisation.models import CostCentre

    CostCentre.objects.create(code="MF-1", name="Miljöstaben", department=town.other)
    result = import_file("Asset tag,Cost centre\nMS-0000001,MF-1\n", user=town.users["coordinator"])
    assert result.status == "rejected"
    (problem,) = result.errors
    assert (problem.row, problem.column) == (2, "Cost centre")
    assert "MF-1" in problem.message
    assert "MF" not in problem.message.replace("MF-1", "") and "Miljö" not in problem.message
