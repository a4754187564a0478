"""Assigning a device to a person: a search by name (scoped, small), never a list of all staff.

The form takes the person's employee id or username, so it works without JavaScript; the
search behind the field finds people by name, id or department among those the user may
assign devices to (the people of the departments whose assets they may edit).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from kretslopp.conftest import edit_form_data
from kretslopp.organisation.models import Person
from kretslopp.organisation.people import MAX_RESULTS

pytestmark = pytest.mark.django_db

SEARCH = reverse("organisation:people_search")


@pytest.fixture
def staff(town):
    """Two Annas in the coordinator's department, one in another, and someone who left."""
    return {
        "lindqvist": Person.objects.create(
            identifier="anv100001", name="Anna Lindqvist", department=town.own
        ),
        "lindberg": Person.objects.create(
            identifier="anv100002", name="Anna Lindberg", department=town.own
        ),
        "other": Person.objects.create(
            identifier="anv200001", name="Anna Lindgren", department=town.other
        ),
        "left": Person.objects.create(
            identifier="anv100003", name="Anna Lindahl", department=town.own, active=False
        ),
    }


def _found(client, text: str) -> list[dict]:
    response = client.get(SEARCH, {"q": text})
    assert response.status_code == 200
    return response.json()["results"]


def test_a_coordinator_finds_people_of_their_department_by_part_of_a_name(town, login, staff):
    client = login(town.users["coordinator"])
    found = _found(client, "anna lind")
    assert [p["id"] for p in found] == ["anv100002", "anv100001"]  # by name
    assert found[0] == {
        "id": "anv100002",
        "name": "Anna Lindberg",
        "department": "Grundskoleförvaltningen",
        "label": "Anna Lindberg (anv100002)",
    }
    assert _found(client, "Lindgren") == []  # another department's person is never offered
    assert _found(client, "anv200001") == []
    assert _found(client, "Lindahl") == []  # nor someone who has left


def test_the_search_finds_by_id_and_department_and_puts_an_exact_id_first(town, login, staff):
    client = login(town.users["administrator"])
    assert _found(client, "anv100001")[0]["name"] == "Anna Lindqvist"
    assert {p["id"] for p in _found(client, "anna MF")} == {"anv200001"}
    assert {p["id"] for p in _found(client, "anna grundskole")} == {"anv100001", "anv100002"}
    assert _found(client, "") == []


def test_the_search_returns_a_small_page_and_says_when_there_is_more(town, login):
    Person.objects.bulk_create(
        Person(identifier=f"anv3{n:05d}", name=f"Eva Svensson {n}", department=town.own)
        for n in range(MAX_RESULTS + 5)
    )
    response = login(town.users["coordinator"]).get(SEARCH, {"q": "eva"})
    assert len(response.json()["results"]) == MAX_RESULTS
    assert response.json()["more"] is True


def test_the_form_has_no_list_of_the_staff(town, login, staff):
    Person.objects.bulk_create(
        Person(identifier=f"anv4{n:05d}", name=f"Per Persson {n}", department=town.own)
        for n in range(300)
    )
    client = login(town.users["coordinator"])
    html = client.get(reverse("inventory:asset_edit", args=[town.own_asset.pk])).content.decode()
    assert 'name="assignee"' in html and f'data-person-search="{SEARCH}"' in html
    assert "Per Persson" not in html and "anv400001" not in html
    assert "<select" not in html.split('name="assignee"')[0].rsplit("<label", 1)[-1]


def test_without_javascript_the_form_assigns_by_employee_id(town, login, staff):
    client = login(town.users["coordinator"])
    url = reverse("inventory:asset_edit", args=[town.own_asset.pk])
    response = client.post(url, edit_form_data(client, url, assignee="ANV100001"))
    assert response.status_code == 302
    town.own_asset.refresh_from_db()
    assert town.own_asset.assignee == staff["lindqvist"]
    page = client.get(town.own_asset.get_absolute_url()).content.decode()
    assert "Anna Lindqvist (anv100001)</span>, Grundskoleförvaltningen" in page
    # The edit form shows who holds it now, for the search field to display.
    form = client.get(url).content.decode()
    assert 'value="anv100001"' in form and 'data-label="Anna Lindqvist (anv100001)"' in form


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("anv200001", "another department"), ("Anna Lindqvist", "a name, not an id")],
)
def test_a_person_the_user_may_not_pick_is_refused_with_a_reason(town, login, staff, typed, reason):
    client = login(town.users["coordinator"])
    url = reverse("inventory:asset_edit", args=[town.own_asset.pk])
    response = client.post(url, edit_form_data(client, url, assignee=typed))
    assert response.status_code == 200, reason
    (error,) = response.context["form"].errors["assignee"]
    assert f"”{typed}”" in error and "välj personen i listan" in error
    town.own_asset.refresh_from_db()
    assert town.own_asset.assignee is None


def test_an_asset_keeps_its_assignee_after_they_left(town, login, staff):
    town.own_asset.assignee = staff["left"]
    town.own_asset.save()
    client = login(town.users["coordinator"])
    url = reverse("inventory:asset_edit", args=[town.own_asset.pk])
    response = client.post(url, edit_form_data(client, url, notes="Ny laddare"))
    assert response.status_code == 302
    town.own_asset.refresh_from_db()
    assert (town.own_asset.assignee, town.own_asset.notes) == (staff["left"], "Ny laddare")


def test_the_api_still_assigns_by_record_number_within_scope(town, api_as, staff):
    api = api_as(town.users["coordinator"], "read", "write")
    url = f"/api/v1/assets/{town.own_asset.pk}"
    assert api.patch(url, {"assignee_id": staff["lindqvist"].pk}).status_code == 200
    refused = api.patch(url, {"assignee_id": staff["other"].pk})
    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["field"] == "assignee_id"


# --- the lifecycle's rule: an ordered asset has reached nobody, so nobody uses it yet -------


def test_the_rule_lives_in_the_lifecycle():
    from kretslopp.inventory import lifecycle

    assert lifecycle.assignment_refusal(lifecycle.ORDERED, assigned=True) == (
        lifecycle.ORDERED_ASSIGNED
    )
    assert lifecycle.assignment_refusal(lifecycle.ORDERED, assigned=False) is None
    assert lifecycle.assignment_refusal(lifecycle.IN_STOCK, assigned=True) is None


def test_the_form_refuses_an_assignee_for_an_ordered_asset_new_or_registered(town, login, staff):
    from kretslopp.conftest import make_asset

    client = login(town.users["coordinator"])
    create = reverse("inventory:asset_create")
    data = {
        "asset_tag": "MS-ORDER-1",
        "model": town.monitor.pk,
        "department": town.own.pk,
        "status": "ordered",
        "assignee": "anv100001",
    }
    refused = client.post(create, data)
    assert refused.status_code == 200
    assert refused.context["form"].errors["assignee"] == [
        "En beställd tillgång kan inte tilldelas någon ännu."
    ]
    ordered = make_asset("MS-ORDER-2", town.monitor, town.own, status="ordered")
    url = reverse("inventory:asset_edit", args=[ordered.pk])
    response = client.post(url, edit_form_data(client, url, assignee="anv100001"))
    assert response.status_code == 200
    assert "assignee" in response.context["form"].errors
    ordered.refresh_from_db()
    assert ordered.assignee is None


def test_the_import_refuses_it_for_a_new_and_for_a_registered_ordered_asset(town, staff):
    from kretslopp.conftest import make_asset
    from kretslopp.imports.tests.conftest import import_file

    header = "Asset tag,Serial number,Manufacturer,Model,Department,Status,Assignee\n"
    new = import_file(header + "MS-ORDER-3,S3,Dell,P2422H,GRF,Ordered,anv100001\n")
    make_asset("MS-ORDER-4", town.monitor, town.own, status="ordered", serial_number="S4")
    registered = import_file(
        "Asset tag,Assignee\n" + "MS-ORDER-4,anv100001\n", user=town.users["coordinator"]
    )
    for result in (new, registered):
        assert result.status == "rejected"
        (problem,) = [p for p in result.problems if p.code == "ordered_assigned"]
        assert problem.column == "Assignee" and problem.row == 2
    delivered = import_file(
        "Asset tag,Status,Assignee\n" + "MS-ORDER-4,In stock,anv100001\n",
        user=town.users["coordinator"],
    )
    assert delivered.status == "committed"
