"""GET /api/v1/forum/…: the register with status, escalation and effects, scoped as the pages."""

from __future__ import annotations

import datetime as dt

import pytest

from kretslopp.forum import lifecycle
from kretslopp.forum.access import forum_access_for
from kretslopp.forum.models import ExpectedEffect

pytestmark = pytest.mark.django_db


def test_the_register_lists_status_escalation_and_expected_effects(town, forum_world, api_as):
    lead = town.users["sustainability_lead"]
    measure = forum_world.own_measure
    measure.capex_sek = 400_000
    measure.save()
    lifecycle.escalate(
        measure,
        forum_access=forum_access_for(lead),
        by=lead,
        body="IT-direktören",
        escalated_on=dt.date(2025, 4, 1),
        reference="Dnr 7",
    )
    ExpectedEffect.objects.create(
        measure=measure,
        kpi="it_energy_kwh",
        change_per_year=-12_000,
        change_low_per_year=-15_000,
        change_high_per_year=-8_000,
        unit="kWh",
        effective_from=dt.date(2026, 1, 1),
        estimation_method="200 enheter × 60 kWh",
    )
    body = api_as(lead, "read").get("/api/v1/forum/measures").json()
    item = next(row for row in body["items"] if row["id"] == measure.pk)
    assert item["status"] == "proposed"
    assert item["escalation"]["body"] == "IT-direktören" and item["escalation"]["outcome"] == ""
    assert item["expected_effects"][0]["change_per_year"] == -12_000
    assert item["department"] == town.own.code
    assert len(body["items"]) == 4


def test_each_caller_gets_what_the_pages_show_them(town, forum_world, api_as):
    def titles(user):
        return {
            row["title"]
            for row in api_as(user, "read").get("/api/v1/forum/measures").json()["items"]
        }

    assert titles(town.users["coordinator"]) == {"Märkta mobiler", "Belysning"}
    assert titles(forum_world.external_user) == {"Märkta mobiler", "Duplex som standard"}
    external = api_as(forum_world.external_user, "read")
    assert external.get(f"/api/v1/forum/meetings/{forum_world.other_meeting.pk}").status_code == 404
    assert [m["id"] for m in external.get("/api/v1/forum/meetings").json()["items"]] == [
        forum_world.meeting.pk
    ]
    assert api_as(town.users["partner"], "read").get("/api/v1/forum/measures").status_code == 403
