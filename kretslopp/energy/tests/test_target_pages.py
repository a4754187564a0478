"""A target's page shows the status the targets engine gives, with its rule and the cut needed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kretslopp import targets
from kretslopp.conftest import refusal_of, save_over_a_colleague
from kretslopp.energy import assessment
from kretslopp.energy.tests.conftest import OFF_TRACK, ON_TRACK, add_years
from kretslopp.organisation.access import access_for

pytestmark = pytest.mark.django_db


def engine_status(values: dict[int, float], target) -> targets.Status:
    """What kretslopp.targets says for these actuals (the fleet adds its devices' energy)."""
    access = access_for(target._lead)
    view = assessment.view_for(target, access)
    return targets.assess(view.engine_target, view.actuals.values).status


@pytest.mark.parametrize(
    ("values", "expected", "label"),
    [(ON_TRACK, targets.Status.ON_TRACK, "I fas"), (OFF_TRACK, targets.Status.OFF_TRACK, "Ur fas")],
)
def test_target_page_shows_the_engine_status(town, login, energy_target, values, expected, label):
    add_years(values)
    lead = town.users["sustainability_lead"]
    energy_target._lead = lead
    assert engine_status(values, energy_target) == expected
    response = login(lead).get(energy_target.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-status="{expected}"' in html
    assert label in html
    assert "Hur status bestäms" in html  # the rule is shown beside the status
    assert 'type="application/json"' in html  # the chart's spec travels as data


def test_dashboard_shows_the_main_target(town, login, energy_target):
    add_years(ON_TRACK)
    response = login(town.users["viewer_all"]).get("/energy/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="target-chart"' in html
    assert "required-change" in html


def test_required_change_is_the_engines(town, energy_target):
    add_years(OFF_TRACK)
    view = assessment.view_for(energy_target, access_for(town.users["sustainability_lead"]))
    latest = max(view.actuals.values)
    expected = targets.required_annual_change(
        view.engine_target, latest, view.actuals.values[latest]
    )
    assert view.assessment.required_annual_change == pytest.approx(expected)
    assert expected < 0


@pytest.mark.django_db
def test_a_target_saved_from_a_stale_form_does_not_undo_a_colleagues_change(
    town, client, energy_target
):
    refused, _sent = save_over_a_colleague(
        client,
        reverse("energy:target_edit", args=[energy_target.pk]),
        me=town.users["sustainability_lead"],
        colleague=town.users["administrator"],
        mine={"target_value": "650000"},
        theirs={"target_year": "2030"},
    )
    assert "admin" in refusal_of(refused)
    energy_target.refresh_from_db()
    assert (energy_target.target_year, energy_target.target_value) == (2030, 700_000)


def test_editing_target_number_zero_is_not_found_rather_than_a_blank_new_one(town, login):
    client = login(town.users["sustainability_lead"])
    assert client.get("/energy/targets/0/edit/").status_code == 404
    assert client.post("/energy/targets/0/edit/", {"name": "X"}).status_code == 404


def _required_change_shown(client, target) -> str:
    html = client.get(target.get_absolute_url()).content.decode()
    return html.split('class="required-change">', 1)[1].split("</dd>", 1)[0]


def test_a_cut_still_needed_reads_as_a_cut(town, login, energy_target):
    add_years(OFF_TRACK)
    shown = _required_change_shown(login(town.users["sustainability_lead"]), energy_target)
    assert "minska" in shown and "per år" in shown and "+" not in shown
    view = assessment.view_for(energy_target, access_for(town.users["sustainability_lead"]))
    percent = abs(view.assessment.required_annual_change) * 100
    assert f"{percent:.1f}".replace(".", ",") + " %" in shown


def test_a_reduction_target_already_beaten_needs_no_increase(town, login, energy_target):
    add_years({2016 + i: 1_000_000 * 0.9**i for i in range(10)})  # 2025: 387 000 < 700 000
    view = assessment.view_for(energy_target, access_for(town.users["sustainability_lead"]))
    assert view.assessment.required_annual_change > 0  # the engine's headroom
    shown = _required_change_shown(login(town.users["sustainability_lead"]), energy_target)
    assert "+" not in shown and "öka" not in shown
    assert "redan på eller under målet" in shown


def test_the_target_list_shows_the_forecast_with_its_band(town, login, energy_target):
    add_years(ON_TRACK)
    view = assessment.view_for(energy_target, access_for(town.users["sustainability_lead"]))
    assert view.forecast.has_band
    html = login(town.users["viewer_all"]).get("/energy/targets/").content.decode()
    lower, upper = (
        f"{round(v):,}".replace(",", "\xa0") for v in (view.forecast.lower, view.forecast.upper)
    )
    assert f"({lower}–{upper})" in html


def test_the_target_list_says_no_change_is_needed_once_a_reduction_target_is_beaten(
    town, login, energy_target
):
    add_years({2016 + i: 1_000_000 * 0.9**i for i in range(10)})
    html = login(town.users["viewer_all"]).get("/energy/targets/").content.decode()
    assert "ingen: målet nått" in html
    assert "+" not in html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
