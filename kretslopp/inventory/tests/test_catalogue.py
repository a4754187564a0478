"""The product catalogue as procurement keeps it: models, their energy use and labels."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kretslopp.carbon import services
from kretslopp.conftest import edit_form_data, refusal_of, save_over_a_colleague
from kretslopp.core.history import history_for
from kretslopp.inventory.models import ProductLabel, ProductModel

LABELS = {"labels-TOTAL_FORMS": "1", "labels-INITIAL_FORMS": "0"}


def _new_label(**values) -> dict:
    return LABELS | {f"labels-0-{name}": value for name, value in values.items()}


@pytest.mark.django_db
def test_procurement_adds_a_model_with_its_label(town, login):
    client = login(town.users["procurement"])
    data = {
        "manufacturer": town.laptop.manufacturer_id,
        "name": "Latitude 7440",
        "model_number": "P160G",
        "category": "laptop",
        "energy_kwh_per_year": "14.5",
    } | _new_label(scheme="tco_certified", level="Generation 9", valid_from="2023-05-01")
    response = client.post(reverse("inventory:model_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    created = ProductModel.objects.get(name="Latitude 7440")
    label = ProductLabel.objects.get(product_model=created)
    assert (label.scheme, label.level) == ("tco_certified", "Generation 9")
    assert history_for(created)[0].entry.actor == town.users["procurement"]


@pytest.mark.django_db
def test_a_recategorised_model_changes_its_assets_figures_at_once(town, login):
    before = services.figures_for(town.laptop)
    client = login(town.users["procurement"])
    url = reverse("inventory:model_edit", args=[town.laptop.pk])
    data = edit_form_data(client, url, category="desktop") | LABELS
    assert client.post(url, data).status_code == 302
    town.laptop.refresh_from_db()
    after = services.figures_for(town.laptop)
    assert town.laptop.category == "desktop"
    assert after.embodied_kg_co2e != before.embodied_kg_co2e


@pytest.mark.django_db
def test_a_second_model_of_the_same_name_and_a_backwards_label_are_refused(town, login):
    client = login(town.users["procurement"])
    data = {
        "manufacturer": town.laptop.manufacturer_id,
        "name": town.laptop.name,
        "category": "laptop",
    } | _new_label(scheme="epeat", valid_from="2024-01-01", valid_until="2023-01-01")
    response = client.post(reverse("inventory:model_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors  # the name is taken for this manufacturer
    assert "valid_until" in response.context["labels"].forms[0].errors
    assert ProductModel.objects.filter(name=town.laptop.name).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    [("administrator", True), ("procurement", True), ("sustainability_lead", False),
     ("coordinator", False), ("viewer", False), ("partner", False)],
)  # fmt: skip
def test_only_those_who_keep_the_catalogue_may_edit_it(town, login, role, allowed):
    client = login(town.users[role])
    url = reverse("inventory:model_edit", args=[town.laptop.pk])
    assert client.get(url).status_code == (200 if allowed else 403)
    page = client.get(reverse("inventory:model", args=[town.laptop.pk]))
    if page.status_code == 200:
        assert (url in page.content.decode()) == allowed


@pytest.mark.django_db
def test_a_stale_model_form_does_not_undo_a_colleagues_change(town, client):
    url = reverse("inventory:model_edit", args=[town.laptop.pk])
    refused, _sent = save_over_a_colleague(
        client,
        url,
        me=town.users["procurement"],
        colleague=town.users["administrator"],
        mine={"model_number": "X1"} | LABELS,
        theirs={"energy_kwh_per_year": "12"} | LABELS,
    )
    assert "admin" in refusal_of(refused)
    town.laptop.refresh_from_db()
    assert (town.laptop.model_number, float(town.laptop.energy_kwh_per_year)) == ("", 12.0)


@pytest.mark.django_db
def test_editing_model_number_zero_is_not_found_rather_than_a_blank_new_model(town, login):
    client = login(town.users["procurement"])
    assert client.get("/models/0/edit/").status_code == 404
    assert client.post("/models/0/edit/", {"name": "X"}).status_code == 404
