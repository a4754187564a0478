"""The API's access as a matrix: every role × route × own and other department.

The answers must be the web's (``organisation/tests/test_access_matrix.py``): the API asks
the same ``access`` object. Outside scope is 404, like a missing record; a role without
the right is 403; a partner's token sees no inventory at all.
"""

from __future__ import annotations

import pytest

from kretslopp.api.testing import ApiClient
from kretslopp.conftest import ROLES
from kretslopp.inventory import lifecycle
from kretslopp.inventory.models import Asset, LifecycleEvent, Manufacturer
from kretslopp.organisation.models import Location, Person

SEES = [200, 200, 200, 200, 200, 200, 403, 403]
SEES_OWN_ONLY = [200, 200, 200, 404, 404, 200, 403, 403]
# Expected status per read route, in the order of ROLES.
READ = {
    "/departments": SEES,
    "/departments/{own_department}": SEES,
    "/departments/{other_department}": SEES_OWN_ONLY,
    "/locations": SEES,
    "/locations/{own_location}": SEES,
    "/locations/{other_location}": SEES_OWN_ONLY,
    "/people": SEES,
    "/people/{own_person}": SEES,
    "/people/{other_person}": SEES_OWN_ONLY,
    "/manufacturers": SEES,
    "/manufacturers/{manufacturer}": SEES,
    "/product-models": SEES,
    "/product-models/{model}": SEES,
    "/assets": SEES,
    "/assets/{own_asset}": SEES,
    "/assets/{other_asset}": SEES_OWN_ONLY,
    "/assets/{own_asset}/events": SEES,
    "/assets/{other_asset}/events": SEES_OWN_ONLY,
}
# How many assets / departments each role's list holds (None: the list is refused).
LISTED = [2, 2, 2, 1, 1, 2, None, None]
# Writes: expected status, in the order of ROLES; whether it happened follows from it.
MOVE_OR_CHANGE_OWN = [201, 403, 403, 201, 403, 403, 404, 404]
MOVE_OR_CHANGE_OTHER = [201, 403, 403, 404, 404, 403, 404, 404]
CREATE_OWN = [201, 403, 403, 201, 403, 403, 403, 403]
# A department outside scope is not a valid choice, as in the web form.
CREATE_OTHER = [201, 403, 403, 422, 403, 403, 403, 403]


def _ids(town) -> dict[str, int]:
    other_person = Person.objects.create(identifier="anv000002", department=town.other)
    other_location = Location.objects.create(name="Miljöhuset", department=town.other)
    return {
        "own_department": town.own.pk,
        "other_department": town.other.pk,
        "own_location": Location.objects.get(department=town.own).pk,
        "other_location": other_location.pk,
        "own_person": Person.objects.get(identifier="anv000001").pk,
        "other_person": other_person.pk,
        "manufacturer": Manufacturer.objects.get().pk,
        "model": town.laptop.pk,
        "own_asset": town.own_asset.pk,
        "other_asset": town.other_asset.pk,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_reads_follow_the_same_scoping_as_the_pages(town, api_as, index, role):
    api = api_as(town.users[role], "read")
    ids = _ids(town)
    answers = {route: api.get("/api/v1" + route.format(**ids)) for route in READ}
    got = {route: response.status_code for route, response in answers.items()}
    assert got == {route: expected[index] for route, expected in READ.items()}
    for route, response in answers.items():
        if response.status_code != 200:
            assert response.json()["error"]["code"] in {"forbidden", "not_found"}, route
    if LISTED[index] is not None:
        assert len(answers["/assets"].json()["items"]) == LISTED[index]
        assert len(answers["/departments"].json()["items"]) == LISTED[index]


@pytest.mark.django_db
@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_moves_follow_the_same_scoping_as_the_pages(town, api_as, index, role):
    api = api_as(town.users[role], "read", "write")
    for asset, expected in (
        (town.own_asset, MOVE_OR_CHANGE_OWN[index]),
        (town.other_asset, MOVE_OR_CHANGE_OTHER[index]),
    ):
        response = api.post(f"/api/v1/assets/{asset.pk}/moves", {"target": "returned"})
        assert response.status_code == expected, (role, asset.asset_tag)
        asset.refresh_from_db()
        moved = asset.status == lifecycle.RETURNED
        assert moved == (expected == 201)


@pytest.mark.django_db
@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_changes_follow_the_same_scoping_as_the_pages(town, api_as, index, role):
    api = api_as(town.users[role], "read", "write")
    for asset, expected in (
        (town.own_asset, MOVE_OR_CHANGE_OWN[index]),
        (town.other_asset, MOVE_OR_CHANGE_OTHER[index]),
    ):
        response = api.patch(f"/api/v1/assets/{asset.pk}", {"notes": "Byte av batteri"})
        assert response.status_code == (200 if expected == 201 else expected), role
        asset.refresh_from_db()
        assert (asset.notes == "Byte av batteri") == (expected == 201)


@pytest.mark.django_db
@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_creates_follow_the_same_scoping_as_the_pages(town, api_as, index, role):
    api = api_as(town.users[role], "read", "write")
    for department, expected in ((town.own, CREATE_OWN[index]), (town.other, CREATE_OTHER[index])):
        tag = f"MS-NEW-{department.code}"
        response = api.post(
            "/api/v1/assets",
            {"asset_tag": tag, "model_id": town.laptop.pk, "department_id": department.pk},
        )
        assert response.status_code == expected, (role, department.code)
        assert Asset.objects.filter(asset_tag=tag).exists() == (expected == 201)


# Pointing an asset of one's own department at a location or person of it, or of another
# department: another department's is refused as invalid, like its department and cost
# centres. Expected status per role for PATCH of the own asset and for POST of a new one.
REFERENCE = {
    ("patch", "own"): [200, 403, 403, 200, 403, 403, 404, 404],
    ("patch", "other"): [200, 403, 403, 422, 403, 403, 404, 404],
    ("post", "own"): CREATE_OWN,
    ("post", "other"): [201, 403, 403, 422, 403, 403, 403, 403],
}


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["location_id", "assignee_id"])
@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_locations_and_people_follow_the_same_scoping_as_the_pages(
    town, api_as, index, role, field
):
    api = api_as(town.users[role], "read", "write")
    ids = _ids(town)
    record = "location" if field == "location_id" else "person"
    for (method, which), expected in REFERENCE.items():
        value = ids[f"{which}_{record}"]
        if method == "patch":
            response = api.patch(f"/api/v1/assets/{town.own_asset.pk}", {field: value})
        else:
            body = {"asset_tag": f"MS-{which}", "model_id": town.laptop.pk}
            body |= {"department_id": town.own.pk, field: value}
            response = api.post("/api/v1/assets", body)
        assert response.status_code == expected[index], (role, method, which)
        if response.status_code == 422:
            assert response.json()["error"]["details"][0]["field"] == field
    pointed = set(Asset.objects.exclude(**{field: None}).values_list(field, flat=True))
    assert (ids[f"other_{record}"] in pointed) == (role == "administrator")
    assert (ids[f"own_{record}"] in pointed) == (role in ("administrator", "coordinator"))


@pytest.mark.django_db
def test_a_coordinator_cannot_move_an_asset_into_another_department(town, api_as):
    api = api_as(town.users["coordinator"], "read", "write")
    response = api.patch(f"/api/v1/assets/{town.own_asset.pk}", {"department_id": town.other.pk})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "department_id"
    town.own_asset.refresh_from_db()
    assert town.own_asset.department == town.own


@pytest.mark.django_db
def test_e_mail_addresses_reach_only_those_who_may_edit_the_organisation(town, api_as):
    Person.objects.filter(identifier="anv000001").update(email="anna@teststad.se")
    seen = {
        role: api_as(town.users[role], "read").get("/api/v1/people").json()["items"][0]["email"]
        for role in ("administrator", "sustainability_lead", "procurement", "coordinator")
    }
    assert seen == {
        "administrator": "anna@teststad.se",
        "sustainability_lead": None,
        "procurement": None,
        "coordinator": None,
    }


@pytest.mark.django_db
def test_a_read_only_token_cannot_write_even_for_an_administrator(town, api_as):
    api = api_as(town.users["administrator"], "read")
    events_before = LifecycleEvent.objects.count()
    moved = api.post(f"/api/v1/assets/{town.own_asset.pk}/moves", {"target": "returned"})
    changed = api.patch(f"/api/v1/assets/{town.own_asset.pk}", {"notes": "x"})
    created = api.post(
        "/api/v1/assets",
        {"asset_tag": "MS-X", "model_id": town.laptop.pk, "department_id": town.own.pk},
    )
    assert [moved.status_code, changed.status_code, created.status_code] == [403, 403, 403]
    assert moved.json()["error"]["code"] == "scope_missing"
    assert LifecycleEvent.objects.count() == events_before
    assert not Asset.objects.filter(asset_tag="MS-X").exists()
    town.own_asset.refresh_from_db()
    assert town.own_asset.notes == ""


@pytest.mark.django_db
def test_a_write_only_token_cannot_read(town, api_as):
    response = api_as(town.users["administrator"], "write").get("/api/v1/assets")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "scope_missing"


@pytest.mark.django_db
def test_without_credentials_every_route_answers_401(town):
    anonymous = ApiClient()
    for route in ("/assets", f"/assets/{town.own_asset.pk}", "/departments", "/people"):
        response = anonymous.get("/api/v1" + route)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"
        assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
def test_an_anonymous_write_is_told_401_not_a_csrf_failure(town):
    response = ApiClient().post(f"/api/v1/assets/{town.own_asset.pk}/moves", {"target": "lost"})
    assert response.status_code == 401
