"""Contracts → devices, labels over time and supplier follow-up, through pages, API and CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from kretslopp.conftest import make_asset
from kretslopp.inventory.models import ProductLabel
from kretslopp.organisation.access import access_for
from kretslopp.procurement import labels
from kretslopp.procurement.models import (
    AuditFinding,
    Contract,
    ContractModel,
    ContractOrder,
    CorrectiveAction,
    Supplier,
    SupplierAudit,
)

TODAY = dt.date.today()


@pytest.fixture
def contract(town):
    """A running contract for the town's laptop model, its TCO certificate ending mid-way."""
    supplier = Supplier.objects.create(name="Atea Sverige AB")
    contract = Contract.objects.create(
        supplier=supplier,
        reference="AVT-2025-1",
        starts_on=TODAY - dt.timedelta(days=365),
        ends_on=TODAY + dt.timedelta(days=730),
    )
    ContractModel.objects.create(
        contract=contract,
        product_model=town.laptop,
        category="laptop",
        manufacturer="Dell",
        model="Latitude 5420",
        units=10,
    )
    ProductLabel.objects.create(
        product_model=town.laptop,
        scheme="tco_certified",
        level="Generation 9",
        certificate_id="TCO-F-1234",
        valid_from=TODAY - dt.timedelta(days=700),
        valid_until=TODAY + dt.timedelta(days=100),
    )
    ContractOrder.objects.create(contract=contract, order_number="PO-77")
    for tag, department in (("MS-C-1", town.own), ("MS-C-2", town.own), ("MS-C-3", town.other)):
        make_asset(
            tag,
            town.laptop,
            department,
            order_number="PO-77",
            purchase_date=TODAY - dt.timedelta(days=200),
            delivery_date=TODAY - dt.timedelta(days=190),
            purchase_price_sek=Decimal("9000"),
        )
    return contract


@pytest.mark.django_db
def test_an_expired_certificate_during_the_contract_warns_on_page_api_and_command(
    town, contract, login, api_as
):
    (warning,) = labels.warnings(access_for(town.users["procurement"]))
    assert warning.lapse.lapses_on == TODAY + dt.timedelta(days=101)
    assert warning.lapse.certificate_id == "TCO-F-1234"

    page = login(town.users["procurement"]).get(reverse("procurement:labels"))
    assert page.status_code == 200
    assert "TCO-F-1234" in page.content.decode()

    api = api_as(town.users["sustainability_lead"], "read")
    response = api.get("/api/v1/procurement/label-warnings")
    assert response.status_code == 200
    (row,) = response.json()
    assert row["contract"] == "AVT-2025-1"
    assert row["already_lapsed"] is False
    later = (TODAY + dt.timedelta(days=200)).isoformat()
    assert api.get(f"/api/v1/procurement/label-warnings?on={later}").json()[0]["already_lapsed"]

    out = io.StringIO()
    call_command("procurement_labels", "--json", stdout=out)
    assert json.loads(out.getvalue())[0]["certificate_id"] == "TCO-F-1234"
    with pytest.raises(SystemExit) as exit_status:
        call_command("procurement_labels", "--fail-if-any", stdout=io.StringIO())
    assert exit_status.value.code == 1


@pytest.mark.django_db
def test_a_renewed_certificate_silences_the_warning(town, contract):
    ProductLabel.objects.create(
        product_model=town.laptop,
        scheme="tco_certified",
        level="Generation 10",
        certificate_id="TCO-F-5678",
        valid_from=TODAY + dt.timedelta(days=50),
        valid_until=TODAY + dt.timedelta(days=1000),
    )
    assert labels.warnings(access_for(town.users["procurement"])) == []


@pytest.mark.django_db
def test_the_contract_page_shows_the_devices_with_labels_footprint_and_take_back(
    town, contract, login
):
    response = login(town.users["procurement"]).get(contract.get_absolute_url())
    assert response.status_code == 200
    devices = response.context["devices"]
    assert devices.units == 3
    (row,) = devices.models
    assert row.product_model == town.laptop
    assert row.embodied_kg_co2e_per_unit > 0
    assert row.embodied_kg_co2e == pytest.approx(3 * row.embodied_kg_co2e_per_unit)
    assert [label.certificate_id for label in row.labels] == ["TCO-F-1234"]


@pytest.mark.django_db
def test_a_coordinator_sees_only_their_departments_devices_and_no_follow_up(town, contract, login):
    client = login(town.users["coordinator"])
    response = client.get(contract.get_absolute_url())
    assert response.status_code == 200
    assert response.context["devices"].units == 2
    assert response.context["conditions"] is None
    assert response.context["orders"] is None
    # A contract with devices of the other department only is not theirs to open.
    ContractOrder.objects.filter(contract=contract).delete()
    other = Contract.objects.create(supplier=contract.supplier, reference="AVT-MF")
    make_asset("MS-MF-9", town.laptop, town.other, order_number="AVT-MF")
    assert client.get(other.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_devices_bought_on_the_contract_reference_count_too(town, contract):
    from kretslopp.procurement import deliveries

    make_asset("MS-C-4", town.monitor, town.own, order_number="AVT-2025-1")
    assert deliveries.delivered(contract).count() == 4


@pytest.mark.django_db
def test_the_labelled_share_per_year_in_units_and_sek(town, contract):
    make_asset(
        "MS-C-5",
        town.laptop,
        town.own,
        purchase_date=TODAY - dt.timedelta(days=800),
        purchase_price_sek=Decimal("3000"),
    )
    shares = labels.purchase_shares(access_for(town.users["procurement"]), "laptop")
    this = shares[(TODAY - dt.timedelta(days=200)).year]
    assert this.labelled_units >= 3
    before = shares[(TODAY - dt.timedelta(days=800)).year]
    assert before.labelled_units == 0


@pytest.mark.django_db
def test_kpis_are_registered_for_the_target_mechanism(town, contract):
    from kretslopp.core.registry import registry

    entry = registry.kpis["tco_units_laptop"]
    assert entry.direction == "increase"
    actuals = entry.actuals(access_for(town.users["sustainability_lead"]), None, {})
    assert all(0 <= value <= 100 for value in actuals.values.values())
    assert TODAY.year not in actuals.values  # only complete years


@pytest.fixture
def overdue_action(town):
    supplier = Supplier.objects.create(name="Foxconn (test)")
    audit = SupplierAudit.objects.create(
        supplier=supplier,
        audited_on=TODAY - dt.timedelta(days=120),
        auditor="Electronics Watch",
        site="Slutmontering, fabrik A",
    )
    finding = AuditFinding.objects.create(
        audit=audit, description="Övertid över lagens gräns", severity="major"
    )
    late = CorrectiveAction.objects.create(
        finding=finding,
        description="Inför schemaläggning som håller övertiden inom gränsen",
        owner="Fabrikschef",
        due_on=TODAY - dt.timedelta(days=10),
    )
    CorrectiveAction.objects.create(
        finding=finding,
        description="Utbilda arbetsledare",
        owner="HR",
        due_on=TODAY - dt.timedelta(days=30),
        status="done",
        closed_on=TODAY - dt.timedelta(days=31),
    )
    CorrectiveAction.objects.create(
        finding=finding, description="Följ upp", owner="HR", due_on=TODAY + dt.timedelta(days=30)
    )
    return late


@pytest.mark.django_db
def test_an_overdue_corrective_action_is_listed(town, overdue_action, login, api_as):
    assert list(CorrectiveAction.objects.overdue()) == [overdue_action]
    page = login(town.users["sustainability_lead"]).get(reverse("procurement:overdue"))
    assert page.context["overdue"]["actions"] == [overdue_action]
    listing = login(town.users["procurement"]).get(reverse("procurement:suppliers"))
    (supplier,) = listing.context["suppliers"]
    assert (supplier.open_actions, supplier.overdue_actions) == (2, 1)
    rows = api_as(town.users["procurement"], "read").get("/api/v1/procurement/overdue-actions")
    assert [row["id"] for row in rows.json()] == [overdue_action.pk]


@pytest.mark.django_db
def test_supplier_records_are_audited_and_guarded_against_stale_edits(town, overdue_action, client):
    from kretslopp.conftest import save_over_a_colleague
    from kretslopp.core.history import entries_of

    colleague = town.users["administrator"]
    url = reverse("procurement:action_edit", args=[overdue_action.pk])
    response, _sent = save_over_a_colleague(
        client,
        url,
        me=town.users["procurement"],
        colleague=colleague,
        mine={"owner": "Inköpschef"},
        theirs={"owner": "Fabrikschef och HR"},
    )
    assert response.status_code == 200  # refused, the form shown again
    overdue_action.refresh_from_db()
    assert overdue_action.owner == "Fabrikschef och HR"
    assert entries_of(overdue_action).exists()


@pytest.mark.django_db
def test_an_attachment_is_stored_within_the_upload_limit_and_served_to_readers(
    town, overdue_action, login, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    audit = overdue_action.finding.audit
    client = login(town.users["procurement"])
    url = reverse("procurement:supplier_audit_edit", args=[audit.pk])
    form = client.get(url).context["form"]
    data = {f.html_name: f.value() or "" for f in form if f.name != "attachment"}
    data["attachment"] = SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 test")
    assert client.post(url, data).status_code == 302
    audit.refresh_from_db()
    assert audit.attachment
    download = reverse("procurement:attachment", args=["audit", audit.pk])
    assert client.get(download).status_code == 200
    assert login(town.users["coordinator"]).get(download).status_code == 403
    client = login(town.users["procurement"])
    form = client.get(url).context["form"]
    data = {f.html_name: f.value() or "" for f in form if f.name != "attachment"}
    settings.IMPORT_MAX_UPLOAD_MB = 1
    data["attachment"] = SimpleUploadedFile("stor.pdf", b"x" * (1024 * 1024 + 1))
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert refused.context["form"].errors["attachment"]


@pytest.mark.django_db
def test_label_warnings_are_scoped_to_the_readers_own_devices(town, contract, api_as):
    from kretslopp.conftest import make_user
    from kretslopp.organisation.models import Department

    own = api_as(town.users["coordinator"], "read").get("/api/v1/procurement/label-warnings")
    assert [row["certificate_id"] for row in own.json()] == ["TCO-F-1234"]
    elsewhere = Department.objects.create(code="KF", name="Kulturförvaltningen", employees=10)
    stranger = make_user("kf-coord", "coordinator", [elsewhere])
    none = api_as(stranger, "read").get("/api/v1/procurement/label-warnings")
    assert none.status_code == 200
    assert none.json() == []
    assert (
        api_as(town.users["partner"], "read").get("/api/v1/procurement/label-warnings").status_code
        == 403
    )
