"""Every role × every page and action × own and other department, as one matrix.

``own`` is the department the coordinator and the department-bound viewer work in; ``other``
is one they do not. A record outside scope answers 404, exactly like a missing one, so a
coordinator cannot even learn that another department's asset tag exists.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from kretslopp.conftest import ROLES
from kretslopp.inventory import lifecycle
from kretslopp.inventory.models import Asset
from kretslopp.organisation.models import Location, Membership

# Expected HTTP status per case, in the order of ROLES.
READ = {
    # A partner goes to its campaigns; a login without a role to the page saying whom to ask.
    "home": [200, 200, 200, 200, 200, 200, 302, 302],
    "asset_list": [200, 200, 200, 200, 200, 200, 403, 403],
    "asset_own": [200, 200, 200, 200, 200, 200, 403, 403],
    "asset_other": [200, 200, 200, 404, 404, 200, 403, 403],
    "edit_form_own": [200, 403, 403, 200, 403, 403, 404, 404],
    "edit_form_other": [200, 403, 403, 404, 404, 403, 404, 404],
    "create_form": [200, 403, 403, 200, 403, 403, 403, 403],
    "model_list": [200, 200, 200, 200, 200, 200, 403, 403],
    "model_detail": [200, 200, 200, 200, 200, 200, 403, 403],
    "department_list": [200, 200, 200, 200, 200, 200, 403, 403],
    "department_own": [200, 200, 200, 200, 200, 200, 403, 403],
    "department_other": [200, 200, 200, 404, 404, 200, 403, 403],
    # The method is public knowledge: a partner reads how its campaigns' CO2e is counted.
    "methodology": [200, 200, 200, 200, 200, 200, 200, 403],
    # Whom a device may be assigned to: for those who edit assets, in their departments.
    "people_search": [200, 403, 403, 200, 403, 403, 403, 403],
    # Logins and their roles: administrators; one's own account: everyone logged in.
    "people_list": [200, 403, 403, 403, 403, 403, 403, 403],
    "login_page": [200, 403, 403, 403, 403, 403, 403, 403],
    "own_account": [200, 200, 200, 200, 200, 200, 200, 200],
}
# Writes: (status code, whether the write happened).
WRITE = {
    "move_own": [
        (302, True),
        (403, False),
        (403, False),
        (302, True),
        (403, False),
        (403, False),
        (404, False),
        (404, False),
    ],
    "move_other": [
        (302, True),
        (403, False),
        (403, False),
        (404, False),
        (404, False),
        (403, False),
        (404, False),
        (404, False),
    ],
    "edit_own": [
        (302, True),
        (403, False),
        (403, False),
        (302, True),
        (403, False),
        (403, False),
        (404, False),
        (404, False),
    ],
    "edit_other": [
        (302, True),
        (403, False),
        (403, False),
        (404, False),
        (404, False),
        (403, False),
        (404, False),
        (404, False),
    ],
    "create_own": [
        (302, True),
        (403, False),
        (403, False),
        (302, True),
        (403, False),
        (403, False),
        (403, False),
        (403, False),
    ],
    # Placing one's own asset in one's own department's location, or in another department's:
    # the coordinator's form offers only their departments' locations, as for departments.
    "locate_own": [
        (302, True),
        (403, False),
        (403, False),
        (302, True),
        (403, False),
        (403, False),
        (404, False),
        (404, False),
    ],
    "locate_other": [
        (302, True),
        (403, False),
        (403, False),
        (200, False),
        (403, False),
        (403, False),
        (404, False),
        (404, False),
    ],
    # Giving the department viewer a coordinator's role: administrators only.
    "give_role": [
        (302, True),
        (403, False),
        (403, False),
        (403, False),
        (403, False),
        (403, False),
        (403, False),
        (403, False),
    ],
    # The coordinator's form offers only their departments, so another one is refused as invalid.
    "create_other": [
        (302, True),
        (403, False),
        (403, False),
        (200, False),
        (403, False),
        (403, False),
        (403, False),
        (403, False),
    ],
}


def _read_url(case: str, town) -> str:
    own, other = town.own_asset, town.other_asset
    return {
        "home": reverse("home"),
        "asset_list": reverse("inventory:assets"),
        "asset_own": reverse("inventory:asset", args=[own.pk]),
        "asset_other": reverse("inventory:asset", args=[other.pk]),
        "edit_form_own": reverse("inventory:asset_edit", args=[own.pk]),
        "edit_form_other": reverse("inventory:asset_edit", args=[other.pk]),
        "create_form": reverse("inventory:asset_create"),
        "model_list": reverse("inventory:models"),
        "model_detail": reverse("inventory:model", args=[town.laptop.pk]),
        "department_list": reverse("organisation:departments"),
        "department_own": reverse("organisation:department", args=[town.own.code]),
        "department_other": reverse("organisation:department", args=[town.other.code]),
        "methodology": reverse("carbon:methodology"),
        "people_search": reverse("organisation:people_search") + "?q=anv",
        "people_list": reverse("organisation:people"),
        "login_page": reverse("organisation:person", args=[town.users["viewer"].pk]),
        "own_account": reverse("organisation:account"),
    }[case]


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(READ))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_reading(town, login, case, role_index):
    client = login(town.users[ROLES[role_index]])
    response = client.get(_read_url(case, town))
    assert response.status_code == READ[case][role_index]


def _asset_form(town, department, tag):
    return {
        "asset_tag": tag,
        "serial_number": f"S-{tag}",
        "model": town.laptop.pk,
        "department": department.pk,
        "has_storage": "on",
        "status": lifecycle.IN_STOCK,
    }


def _write(case: str, town, client):
    """Perform the write; return (response, did it happen)."""
    own, other = town.own_asset, town.other_asset
    if case.startswith("move"):
        asset = own if case == "move_own" else other
        response = client.post(
            reverse("inventory:asset_move", args=[asset.pk]), {"target": "in_stock"}
        )
        asset.refresh_from_db()
        return response, asset.status == lifecycle.IN_STOCK
    if case.startswith("locate"):
        location = Location.objects.get(department=town.own if case == "locate_own" else town.other)
        data = _asset_form(town, own.department, own.asset_tag) | {"location": location.pk}
        response = client.post(reverse("inventory:asset_edit", args=[own.pk]), data)
        own.refresh_from_db()
        return response, own.location_id == location.pk
    if case.startswith("edit"):
        asset = own if case == "edit_own" else other
        data = _asset_form(town, asset.department, asset.asset_tag)
        data["notes"] = "edited"
        response = client.post(reverse("inventory:asset_edit", args=[asset.pk]), data)
        asset.refresh_from_db()
        return response, asset.notes == "edited"
    if case == "give_role":
        viewer = town.users["viewer"]
        url = reverse("organisation:person", args=[viewer.pk])
        response = client.post(url, {"role": "coordinator", "departments": [town.own.pk]})
        return response, Membership.objects.get(user=viewer).role == "coordinator"
    department = town.own if case == "create_own" else town.other
    response = client.post(
        reverse("inventory:asset_create"), _asset_form(town, department, "NEW-1")
    )
    return response, Asset.objects.filter(asset_tag="NEW-1").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(WRITE))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_writing(town, login, case, role_index):
    Location.objects.create(name="Miljöhuset", department=town.other)
    client = login(town.users[ROLES[role_index]])
    response, happened = _write(case, town, client)
    assert (response.status_code, happened) == WRITE[case][role_index]


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client, town):
    for case in READ:
        response = client.get(_read_url(case, town))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_coordinator_sees_only_own_department_in_lists(town, login):
    client = login(town.users["coordinator"])
    page = client.get(reverse("inventory:assets")).content.decode()
    assert f">{town.own_asset.asset_tag}<" in page
    assert f">{town.other_asset.asset_tag}<" not in page
    # Searching for the other department's tag finds nothing either.
    response = client.get(reverse("inventory:assets"), {"q": town.other_asset.asset_tag})
    assert f">{town.other_asset.asset_tag}<" not in response.content.decode()
    assert not response.context["page"].object_list


@pytest.mark.django_db
def test_coordinator_scope_includes_sub_units(town, login):
    from kretslopp.conftest import make_asset
    from kretslopp.organisation.models import Department

    unit = Department.objects.create(code="GRF-S", name="Skola Söder", parent=town.own)
    asset = make_asset("MS-0000003", town.laptop, unit)
    client = login(town.users["coordinator"])
    assert client.get(reverse("inventory:asset", args=[asset.pk])).status_code == 200


@pytest.mark.django_db
def test_the_asset_form_offers_only_the_coordinators_locations(town, login):
    Location.objects.create(name="Miljöhuset", department=town.other)
    client = login(town.users["coordinator"])
    for url in (
        reverse("inventory:asset_create"),
        reverse("inventory:asset_edit", args=[town.own_asset.pk]),
    ):
        form = client.get(url).context["form"]
        offered = {location.name for location in form.fields["location"].queryset}
        assert offered == {"Stadshuset"}
    page = client.get(reverse("inventory:asset_edit", args=[town.own_asset.pk])).content.decode()
    assert "Miljöhuset" not in page
