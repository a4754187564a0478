"""Maintaining the organisation: departments, cost centres and locations, by administrators."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from kretslopp.carbon import services as carbon
from kretslopp.conftest import ROLES, edit_form_data, make_asset, refusal_of, save_over_a_colleague
from kretslopp.core.history import history_for
from kretslopp.inventory.models import Asset
from kretslopp.organisation.access import access_for
from kretslopp.organisation.models import CostCentre, Department, Location

DEPARTMENT = reverse("organisation:department", args=["GRF"])
EDIT_DEPARTMENT = reverse("organisation:department_edit", args=["GRF"])
ADD_COST_CENTRE = reverse("organisation:cost_centre_add", args=["GRF"])
ADD_LOCATION = reverse("organisation:location_add", args=["GRF"])


@pytest.fixture(autouse=True)
def _english(client):
    """Messages are asserted in English (the UI defaults to Swedish; one test checks it)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def centre(town):
    return CostCentre.objects.create(code="GRF-01", name="Grundskolor öster", department=town.own)


def _edit(client, url: str, **changes):
    return client.post(url, edit_form_data(client, url, **changes))


@pytest.mark.django_db
def test_an_administrator_changes_the_employees_and_per_employee_figures_follow(town, login):
    admin = town.users["administrator"]
    client = login(admin)
    page = client.get(DEPARTMENT).content.decode()
    assert EDIT_DEPARTMENT in page
    before = carbon.fleet_for(access_for(admin)).total(department=town.own.pk)
    assert before.headcount == 600

    response = _edit(client, EDIT_DEPARTMENT, employees=300)

    assert response.status_code == 302 and response.url == DEPARTMENT
    assert Department.objects.get(pk=town.own.pk).employees == 300
    after = carbon.fleet_for(access_for(admin)).total(department=town.own.pk)
    assert after.headcount == 300
    assert after.kg_co2e_per_employee == pytest.approx(2 * before.kg_co2e_per_employee)


@pytest.mark.django_db
def test_a_negative_number_of_employees_is_refused(town, login):
    response = _edit(login(town.users["administrator"]), EDIT_DEPARTMENT, employees=-5)
    assert response.status_code == 200
    assert "cannot be negative" in " ".join(response.context["form"].errors["employees"])
    assert Department.objects.get(pk=town.own.pk).employees == 600


@pytest.mark.django_db
def test_a_renamed_code_moves_the_page_and_a_taken_code_is_refused(town, login):
    client = login(town.users["administrator"])
    refused = _edit(client, EDIT_DEPARTMENT, code="MF")
    assert refused.status_code == 200
    assert "MF" in " ".join(refused.context["form"].errors["code"])
    assert "Miljöförvaltningen" in " ".join(refused.context["form"].errors["code"])

    moved = _edit(client, EDIT_DEPARTMENT, code="GSF", name="Grundskolan")
    assert moved.status_code == 302
    assert moved.url == reverse("organisation:department", args=["GSF"])
    assert Department.objects.get(pk=town.own.pk).name == "Grundskolan"


@pytest.mark.django_db
def test_a_department_cannot_be_its_own_parent_or_ancestor(town, login):
    client = login(town.users["administrator"])
    itself = _edit(client, EDIT_DEPARTMENT, parent=town.own.pk)
    assert "cannot be part of itself" in " ".join(itself.context["form"].errors["parent"])

    school = Department.objects.create(code="GRF-S", name="Skolområde syd", parent=town.own)
    unit = Department.objects.create(code="GRF-S1", name="Ängsskolan", parent=school)
    cycle = _edit(client, EDIT_DEPARTMENT, parent=unit.pk)
    assert cycle.status_code == 200
    message = " ".join(cycle.context["form"].errors["parent"])
    assert "Ängsskolan" in message and "Grundskoleförvaltningen" in message
    assert Department.objects.get(pk=town.own.pk).parent_id is None

    # Upwards is fine: the department becomes part of another one.
    assert _edit(client, EDIT_DEPARTMENT, parent=town.other.pk).status_code == 302
    assert Department.objects.get(pk=town.own.pk).parent_id == town.other.pk


@pytest.mark.django_db
def test_a_stale_department_form_is_refused_naming_who_changed_what(town, client):
    response, _sent = save_over_a_colleague(
        client,
        EDIT_DEPARTMENT,
        me=town.users["administrator"],
        colleague=make_colleague(town),
        mine={"employees": 650},
        theirs={"employees": 580},
    )
    refusal = refusal_of(response)
    assert "admin2" in refusal
    assert Department.objects.get(pk=town.own.pk).employees == 580


def make_colleague(town):
    from kretslopp.conftest import make_user
    from kretslopp.organisation.models import Role

    return make_user("admin2", Role.ADMINISTRATOR)


@pytest.mark.django_db
def test_an_administrator_adds_and_edits_a_cost_centre_from_the_department_page(
    town, login, centre
):
    client = login(town.users["administrator"])
    page = client.get(DEPARTMENT).content.decode()
    assert ADD_COST_CENTRE in page
    assert reverse("organisation:cost_centre_edit", args=[centre.pk]) in page

    added = client.post(ADD_COST_CENTRE, {"cost_centre-code": "GRF-02", "cost_centre-name": "Väst"})
    assert added.status_code == 302 and added.url == DEPARTMENT
    assert CostCentre.objects.get(code="GRF-02").department == town.own

    url = reverse("organisation:cost_centre_edit", args=[centre.pk])
    assert _edit(client, url, name="Grundskolor norr", department=town.other.pk).status_code == 302
    centre.refresh_from_db()
    assert (centre.name, centre.department) == ("Grundskolor norr", town.other)


@pytest.mark.django_db
def test_adding_a_cost_centre_with_a_taken_code_is_refused_naming_it(town, login, centre):
    CostCentre.objects.create(code="MF-01", name="Tillsyn", department=town.other)
    response = login(town.users["administrator"]).post(
        ADD_COST_CENTRE, {"cost_centre-code": "mf-01", "cost_centre-name": "Dubblett"}
    )
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["code"])
    assert "mf-01" in message and "Tillsyn" in message and "Miljöförvaltningen" in message
    assert not CostCentre.objects.filter(name="Dubblett").exists()


@pytest.mark.django_db
def test_a_cost_centre_with_assets_cannot_move_department(town, login, centre):
    Asset.objects.filter(pk=town.own_asset.pk).update(cost_centre=centre)
    make_asset("MS-C2", town.laptop, town.own, cost_centre=centre)
    client = login(town.users["administrator"])
    url = reverse("organisation:cost_centre_edit", args=[centre.pk])

    refused = _edit(client, url, department=town.other.pk)

    assert refused.status_code == 200
    message = " ".join(refused.context["form"].errors["department"])
    assert "2 assets are booked on cost centre GRF-01" in message
    centre.refresh_from_db()
    assert centre.department == town.own
    # Renaming it where it is remains possible.
    assert _edit(client, url, name="Östra skolorna").status_code == 302


@pytest.mark.django_db
def test_a_stale_cost_centre_form_is_refused(town, client, centre):
    url = reverse("organisation:cost_centre_edit", args=[centre.pk])
    response, _sent = save_over_a_colleague(
        client,
        url,
        me=town.users["administrator"],
        colleague=make_colleague(town),
        mine={"name": "Mitt namn"},
        theirs={"name": "Deras namn"},
    )
    assert "admin2" in refusal_of(response)
    assert CostCentre.objects.get(pk=centre.pk).name == "Deras namn"


@pytest.mark.django_db
def test_an_administrator_adds_and_edits_locations(town, login):
    client = login(town.users["administrator"])
    assert "Stadshuset" in client.get(DEPARTMENT).content.decode()

    added = client.post(
        ADD_LOCATION, {"location-name": "Ängsskolan", "location-address": "Ängsvägen 3"}
    )
    assert added.status_code == 302
    location = Location.objects.get(name="Ängsskolan")
    assert (location.address, location.department) == ("Ängsvägen 3", town.own)

    taken = client.post(ADD_LOCATION, {"location-name": "stadshuset"})
    assert taken.status_code == 200
    assert "Stadshuset" in " ".join(taken.context["form"].errors["name"])

    url = reverse("organisation:location_edit", args=[location.pk])
    assert _edit(client, url, address="Ängsvägen 5", department=town.other.pk).status_code == 302
    location.refresh_from_db()
    assert (location.address, location.department) == ("Ängsvägen 5", town.other)


ROLES_WITHOUT_THE_RIGHT = [role for role in ROLES if role != "administrator"]


def _edit_pages(town):
    centre = CostCentre.objects.create(code="X-1", name="X", department=town.own)
    location = Location.objects.get(name="Stadshuset")
    return [
        reverse("organisation:department_edit", args=["GRF"]),
        reverse("organisation:department_edit", args=["MF"]),
        reverse("organisation:cost_centre_add", args=["GRF"]),
        reverse("organisation:location_add", args=["GRF"]),
        reverse("organisation:cost_centre_edit", args=[centre.pk]),
        reverse("organisation:location_edit", args=[location.pk]),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES_WITHOUT_THE_RIGHT)
def test_everyone_but_administrators_is_refused_every_edit_page_and_post(town, login, role):
    pages = _edit_pages(town)
    client = login(town.users[role])
    before = (
        list(Department.objects.values_list("name", "code", "employees", "parent"))
        + list(CostCentre.objects.values_list("code", "name", "department"))
        + list(Location.objects.values_list("name", "address", "department"))
    )
    for url in pages:
        assert client.get(url).status_code == 403, url
        posted = {
            "name": "Ändrat",
            "code": "ÄND",
            "employees": "1",
            "cost_centre-code": "ÄND",
            "cost_centre-name": "Ändrat",
            "location-name": "Ändrat",
        }
        assert client.post(url, posted).status_code == 403, url
    after = (
        list(Department.objects.values_list("name", "code", "employees", "parent"))
        + list(CostCentre.objects.values_list("code", "name", "department"))
        + list(Location.objects.values_list("name", "address", "department"))
    )
    assert after == before
    page = client.get(DEPARTMENT)
    if page.status_code == 200:  # those who may read it see no edit controls
        text = page.content.decode()
        assert EDIT_DEPARTMENT not in text and ADD_COST_CENTRE not in text


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_log_in(town, client):
    for url in _edit_pages(town):
        assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_every_change_appears_in_the_records_history(town, login):
    admin = town.users["administrator"]
    client = login(admin)
    _edit(client, EDIT_DEPARTMENT, employees=610)
    client.post(ADD_COST_CENTRE, {"cost_centre-code": "GRF-09", "cost_centre-name": "Nio"})
    centre = CostCentre.objects.get(code="GRF-09")
    _edit(client, reverse("organisation:cost_centre_edit", args=[centre.pk]), name="Nionde")
    client.post(ADD_LOCATION, {"location-name": "Förrådet"})
    location = Location.objects.get(name="Förrådet")
    _edit(client, reverse("organisation:location_edit", args=[location.pk]), address="Gatan 1")

    department_history = history_for(Department.objects.get(pk=town.own.pk))
    assert department_history[0].entry.actor == admin
    assert [(c.old, c.new) for c in department_history[0].changes] == [("600", "610")]
    centre_history = history_for(centre)
    assert len(centre_history) == 2 and all(h.entry.actor == admin for h in centre_history)
    assert ("Nio", "Nionde") in [(c.old, c.new) for c in centre_history[0].changes]
    location_history = history_for(location)
    assert len(location_history) == 2
    assert ("–", "Gatan 1") in [(c.old, c.new) for c in location_history[0].changes]
    # The department page shows its own history to those who read the audit trail.
    page = client.get(DEPARTMENT).content.decode()
    assert "610" in page


@pytest.mark.django_db
def test_the_edit_pages_speak_swedish(town, login, centre):
    client = login(town.users["administrator"])
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]  # the default language: Swedish
    with translation.override("sv"):
        page = client.get(DEPARTMENT).content.decode()
        assert "Lägg till kostnadsställe" in page
        form = client.get(EDIT_DEPARTMENT).content.decode()
        assert "Redigera förvaltningen Grundskoleförvaltningen" in form
        assert "Klimatsiffrorna per medarbetare delas med detta antal." in form
        refused = client.post(
            ADD_COST_CENTRE,
            {"cost_centre-code": "GRF-01", "cost_centre-name": "Dubblett"},
        ).content.decode()
        assert "Koden GRF-01 används redan av kostnadsstället Grundskolor öster" in refused
        Asset.objects.filter(pk=town.own_asset.pk).update(cost_centre=centre)
        url = reverse("organisation:cost_centre_edit", args=[centre.pk])
        moved = client.post(
            url, edit_form_data(client, url, department=town.other.pk)
        ).content.decode()
        assert "1 tillgång är bokförd på kostnadsstället GRF-01" in moved
