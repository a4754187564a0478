"""The procurement API: the library for readers, evaluations for procurement, contracts by
the devices bought under them."""

from __future__ import annotations

import pytest

from kretslopp.procurement import evaluation as service
from kretslopp.procurement.models import Contract, ContractModel, ContractOrder, Supplier

from .factories import add_line, worked_example

pytestmark = pytest.mark.django_db


def test_the_criteria_list_is_the_library(town, api_as):
    client = api_as(town.users["viewer"], "read")
    items = client.get("/api/v1/procurement/criteria", limit=100).json()["items"]
    assert "upph-11169" in {item["criterion_id"] for item in items}
    phones = client.get("/api/v1/procurement/criteria", product_group="mobile_phones").json()
    assert "upph-11169" not in {item["criterion_id"] for item in phones["items"]}


def test_the_evaluation_is_the_frozen_one_once_decided(town, api_as):
    procurement = worked_example()
    add_line(procurement)
    client = api_as(town.users["sustainability_lead"], "read")
    live = client.get(f"/api/v1/procurement/procurements/{procurement.pk}/evaluation").json()
    assert live["decided"] is False
    assert live["results"][0]["lcc"]["lcc_ore_per_unit"] == 959_315
    service.decide(procurement, "value_deduction", town.users["procurement"])
    frozen = client.get(f"/api/v1/procurement/procurements/{procurement.pk}/evaluation").json()
    assert frozen["decided"] is True and frozen["winners"] == ["Exempel AB/1"]
    assert frozen["results"] == live["results"]


def test_a_coordinator_sees_the_contracts_of_their_departments_devices(town, api_as):
    supplier = Supplier.objects.create(name="Leverantör AB")
    ours = Contract.objects.create(supplier=supplier, reference="AVT-1")
    ContractModel.objects.create(
        contract=ours, product_model=town.laptop, category="laptop", manufacturer="Dell",
        model="Latitude 5420",
    )  # fmt: skip
    # Their device was bought on the contract's order (the rule of the contract pages).
    ContractOrder.objects.create(contract=ours, order_number="PO-1")
    town.own_asset.order_number = "PO-1"
    town.own_asset.save(update_fields=["order_number"])
    Contract.objects.create(supplier=supplier, reference="AVT-2")
    client = api_as(town.users["coordinator"], "read")
    items = client.get("/api/v1/procurement/contracts").json()["items"]
    assert [item["reference"] for item in items] == ["AVT-1"]
    assert client.get(f"/api/v1/procurement/contracts/{ours.pk}").status_code == 200
    assert client.get("/api/v1/procurement/procurements").status_code == 403
