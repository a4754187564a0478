"""API: the ledger and the targets, with the engine's figures and the web's scoping."""

from __future__ import annotations

import datetime as dt

import pytest

from kretslopp.energy import assessment
from kretslopp.energy.models import EnergyReading, Target
from kretslopp.energy.tests.conftest import ON_TRACK, add_years
from kretslopp.organisation.access import access_for

pytestmark = pytest.mark.django_db

TARGET_FIELDS = {
    "id", "kpi", "baseline_year", "baseline_value", "target_year", "target_value",
    "latest_year", "latest_value", "status", "forecast_value", "required_annual_change",
}  # fmt: skip


def test_targets_list_has_the_engines_figures(town, login, energy_target):
    add_years(ON_TRACK)
    lead = town.users["sustainability_lead"]
    response = login(lead).get("/api/v1/targets")
    assert response.status_code == 200, response.content
    (item,) = response.json()
    assert set(item) >= TARGET_FIELDS
    view = assessment.view_for(energy_target, access_for(lead))
    assert item["id"] == energy_target.pk
    assert item["kpi"] == "it_energy_kwh"
    assert item["status"] == view.status == "on_track"
    assert item["latest_year"] == 2025
    assert item["latest_value"] == pytest.approx(view.assessment.latest_value)
    assert item["forecast_value"] == pytest.approx(view.assessment.forecast.point)
    assert item["required_annual_change"] == pytest.approx(view.assessment.required_annual_change)
    assert item["status_rule"].startswith("I fas")


def test_one_target_and_a_missing_one(town, login, energy_target):
    client = login(town.users["viewer_all"])
    assert client.get(f"/api/v1/targets/{energy_target.pk}").status_code == 200
    missing = client.get("/api/v1/targets/999999")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_a_coordinator_sees_their_departments_and_the_organisations_targets(
    town, login, energy_target
):
    add_years(ON_TRACK)
    own, other = (
        Target.objects.create(
            name=f"{department.code} utskrifter", kpi="pages_printed", department=department,
            baseline_year=2024, baseline_value=1000, target_year=2027, target_value=750,
        )
        for department in (town.own, town.other)
    )  # fmt: skip
    client = login(town.users["coordinator"])
    found = {item["id"]: item for item in client.get("/api/v1/targets").json()}
    assert set(found) == {energy_target.pk, own.pk}
    # The organisation's target carries the organisation's figure, as the lead reads it.
    lead_view = assessment.view_for(energy_target, access_for(town.users["sustainability_lead"]))
    assert found[energy_target.pk]["latest_value"] == pytest.approx(lead_view.latest_value)
    assert client.get(f"/api/v1/targets/{energy_target.pk}").status_code == 200
    assert client.get(f"/api/v1/targets/{other.pk}").status_code == 404
    assert client.get(f"/energy/targets/{other.pk}/").status_code == 404


def test_ledger_by_year_and_scope_with_origin_and_quality(town, login):
    add_years({2024: 120_000, 2025: 108_000})
    response = login(town.users["viewer_all"]).get("/api/v1/energy/ledger")
    assert response.status_code == 200
    years = {y["year"]: y for y in response.json()["years"]}
    centre = {s["scope"]: s for s in years[2025]["scopes"]}["data_centre"]
    assert centre["kwh"] == pytest.approx(108_000, rel=1e-6)
    assert (centre["origin"], centre["data_quality"], centre["months"]) == ("metered", "high", 12)
    assert years[2025]["kg_co2e"] == pytest.approx(
        years[2025]["kwh"] * years[2025]["g_co2e_per_kwh"] / 1000
    )


def test_shared_infrastructure_is_not_shown_to_a_coordinator(town, login):
    add_years({2025: 120_000})
    EnergyReading.objects.create(
        scope="network", meter="GRF switchar", month=dt.date(2025, 1, 1), reading_kwh=100,
        department=town.own,
    )  # fmt: skip
    ledger = login(town.users["coordinator"]).get("/api/v1/energy/ledger").json()
    scopes = {
        s["scope"]: s["kwh"] for y in ledger["years"] if y["year"] == 2025 for s in y["scopes"]
    }
    assert scopes["data_centre"] == 0  # the organisation's data centre
    assert scopes["network"] == pytest.approx(100)  # the department's own meter
    other = login(town.users["coordinator"]).get("/api/v1/energy/ledger", {"department": "MF"})
    assert other.status_code == 404


def test_print_volumes(town, login):
    from kretslopp.imports.runs import SYSTEM_ACCESS
    from kretslopp.printing.importer import import_print_log
    from kretslopp.printing.tests.conftest import FIXTURES

    import_print_log(FIXTURES / "page_log", access=SYSTEM_ACCESS, log_format="cups")
    everything = login(town.users["viewer_all"]).get("/api/v1/printing/volumes").json()
    assert {(v["department"], v["month"], v["pages"]) for v in everything} == {
        ("GRF", "2025-11", 2), ("(unmapped)", "2025-11", 3), ("(unmapped)", "2025-12", 5),
    }  # fmt: skip
    own = login(town.users["coordinator"]).get("/api/v1/printing/volumes").json()
    assert [(v["department"], v["pages"]) for v in own] == [("GRF", 2)]
    assert own[0]["paper_kg_co2e"] > 0
