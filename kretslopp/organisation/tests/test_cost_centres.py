"""Cost centres: where an asset's costs are booked, always one of its department's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kretslopp.conftest import edit_form_data, make_asset
from kretslopp.imports.tests.conftest import import_file
from kretslopp.inventory.models import Asset
from kretslopp.organisation.models import CostCentre


@pytest.fixture
def centres(town):
    own = CostCentre.objects.create(code="GRF-01", name="Grundskolor öster", department=town.own)
    second = CostCentre.objects.create(
        code="GRF-02", name="Grundskolor väster", department=town.own
    )
    other = CostCentre.objects.create(code="MF-01", name="Tillsyn", department=town.other)
    return own, second, other


def _edit(client, asset, **changes):
    url = reverse("inventory:asset_edit", args=[asset.pk])
    return client.post(url, edit_form_data(client, url, **changes))


@pytest.mark.django_db
def test_an_asset_is_booked_on_its_departments_cost_centre_and_shows_it(town, login, centres):
    own, _second, other = centres
    client = login(town.users["coordinator"])
    refused = _edit(client, town.own_asset, cost_centre=other.pk)
    assert refused.status_code == 200 and "cost_centre" in refused.context["form"].errors
    assert _edit(client, town.own_asset, cost_centre=own.pk).status_code == 302
    page = client.get(reverse("inventory:asset", args=[town.own_asset.pk])).content.decode()
    assert "GRF-01 Grundskolor öster" in page


@pytest.mark.django_db
def test_the_department_page_counts_assets_per_cost_centre(town, login, centres):
    own, second, _other = centres
    Asset.objects.filter(pk=town.own_asset.pk).update(cost_centre=own)
    make_asset("MS-C2", town.laptop, town.own, cost_centre=second)
    make_asset("MS-C3", town.laptop, town.own)
    response = login(town.users["coordinator"]).get(
        reverse("organisation:department", args=["GRF"])
    )
    counts = {centre.code: centre.in_custody for centre in response.context["cost_centres"]}
    assert counts == {"GRF-01": 1, "GRF-02": 1}
    assert response.context["without_cost_centre"] == 1


@pytest.mark.django_db
def test_the_asset_list_filters_by_cost_centre(town, login, centres):
    own, _second, _other = centres
    Asset.objects.filter(pk=town.own_asset.pk).update(cost_centre=own)
    make_asset("MS-C2", town.laptop, town.own)
    response = login(town.users["coordinator"]).get(
        reverse("inventory:assets"), {"department": "GRF", "cost_centre": "GRF-01"}
    )
    assert [asset.asset_tag for asset in response.context["page"]] == ["MS-0000001"]


@pytest.mark.django_db
def test_an_import_books_assets_on_cost_centres_and_names_a_wrong_one(town, centres):
    header = "Asset tag,Manufacturer,Model,Department,Kostnadsställe\n"
    result = import_file(header + "MS-N1,Dell,Latitude 5420,GRF,grf-02\n")
    assert result.status == "committed", result.summary()
    assert Asset.objects.get(asset_tag="MS-N1").cost_centre.code == "GRF-02"
    wrong = import_file(
        header + "MS-N2,Dell,Latitude 5420,GRF,MF-01\nMS-N3,Dell,Latitude 5420,GRF,X\n"
    )
    assert wrong.status == "rejected"
    located = [(p.row, p.column, p.code) for p in wrong.problems]
    assert located == [
        (2, "Kostnadsställe", "cost_centre_department"),
        (3, "Kostnadsställe", "unknown_cost_centre"),
    ]
    assert not Asset.objects.filter(asset_tag__in=["MS-N2", "MS-N3"]).exists()


@pytest.mark.django_db
def test_an_import_that_moves_an_asset_to_another_department_clears_its_cost_centre(town, centres):
    own, _second, _other = centres
    Asset.objects.filter(pk=town.own_asset.pk).update(cost_centre=own)
    result = import_file("Asset tag,Department\nMS-0000001,MF\n")
    assert result.status == "committed", result.summary()
    asset = Asset.objects.get(pk=town.own_asset.pk)
    assert (asset.department.code, asset.cost_centre) == ("MF", None)


@pytest.mark.django_db
def test_the_api_lists_cost_centres_in_scope_and_refuses_another_departments(town, api_as, centres):
    _own, second, other = centres
    api = api_as(town.users["coordinator"], "read", "write")
    listed = api.get("/api/v1/cost-centres").json()["items"]
    assert [item["code"] for item in listed] == ["GRF-01", "GRF-02"]
    url = f"/api/v1/assets/{town.own_asset.pk}"
    assert api.patch(url, {"cost_centre_id": other.pk}).status_code in (400, 422)
    changed = api.patch(url, {"cost_centre_id": second.pk})
    assert changed.status_code == 200 and changed.json()["cost_centre_id"] == second.pk
