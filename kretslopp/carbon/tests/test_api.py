"""Footprint summaries over the API follow the caller's scope and name their method."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_the_summary_names_its_method_and_follows_the_scope(town, login):
    everyone = login(town.users["administrator"]).get("/api/v1/footprint/summary").json()
    assert everyone["method"]["factor_set"] == "pcf-median-2023"
    assert everyone["method"]["methodology_url"].endswith("/methodology/")
    assert {row["department_code"] for row in everyone["by_department"]} == {"GRF", "MF"}

    own = login(town.users["coordinator"]).get("/api/v1/footprint/summary").json()
    assert {row["department_code"] for row in own["by_department"]} == {"GRF"}
    latest = everyone["years"][-1]["total_kg_co2e"]
    assert own["years"][-1]["total_kg_co2e"] == pytest.approx(latest / 2)


@pytest.mark.django_db
def test_a_partner_gets_no_footprint(town, login):
    assert login(town.users["partner"]).get("/api/v1/footprint/summary").status_code == 403
