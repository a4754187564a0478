"""Keeping devices longer: the organisation's own devices through the scenario formula."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kretslopp import footprint
from kretslopp.carbon import services
from kretslopp.conftest import make_asset
from kretslopp.inventory import lifecycle

URL = reverse("carbon:scenario")


@pytest.fixture
def laptops(town):
    for n in range(7):
        make_asset(f"MS-L{n}", town.laptop, town.own)
    make_asset("MS-L9", town.laptop, town.own, status=lifecycle.RETURNED)  # on its way out
    return town


@pytest.mark.django_db
def test_the_scenario_counts_the_users_devices_in_use_or_in_stock(laptops, login):
    client = login(laptops.users["coordinator"])
    response = client.get(URL, {"category": "laptop", "extra_years": "2"})
    scenario = response.context["scenario"]
    # own_asset and the seven laptops; the returned one and the other department's do not count
    assert scenario.installed_base == 8
    choice = services.Choice.current()
    expected = footprint.lifetime_extension(
        "laptop", 8, 2, factor_set=choice.factor_set, grid=choice.grid, year=scenario.year
    )
    assert scenario == expected
    assert scenario.total_kg_co2e_per_year_after < scenario.total_kg_co2e_per_year_before
    page = response.content.decode()
    assert "8 enheter: Bärbar dator" in page and "Behålls längre" in page


@pytest.mark.django_db
def test_the_organisations_own_replacement_cycle_can_be_given(laptops, login):
    client = login(laptops.users["sustainability_lead"])
    response = client.get(URL, {"category": "laptop", "extra_years": "1", "lifetime_years": "5"})
    scenario = response.context["scenario"]
    assert (scenario.lifetime_years_before, scenario.lifetime_years_after) == (5.0, 6.0)
    assert scenario.purchases_per_year_before == pytest.approx(9 / 5)


@pytest.mark.django_db
def test_impossible_input_is_named_and_nothing_is_calculated(laptops, login):
    client = login(laptops.users["coordinator"])
    response = client.get(URL, {"category": "server", "extra_years": "-1"})
    assert response.context["scenario"] is None
    assert set(response.context["form"].errors) == {"category", "extra_years"}


@pytest.mark.django_db
def test_the_methodology_and_the_overview_lead_to_it(laptops, login):
    client = login(laptops.users["viewer"])
    assert URL in client.get(reverse("carbon:methodology")).content.decode()
    assert URL in client.get(reverse("home")).content.decode()
    assert client.get(URL).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "methodology", "scenario"),
    [
        ("administrator", 200, 200),
        ("viewer", 200, 200),
        ("partner", 200, 403),  # reads the method, but has no devices of the organisation
        ("no_role", 403, 403),
    ],
)
def test_who_may_open_it_and_the_methodology(laptops, login, role, methodology, scenario):
    client = login(laptops.users[role])
    assert client.get(reverse("carbon:methodology")).status_code == methodology
    assert client.get(URL, {"category": "laptop", "extra_years": "1"}).status_code == scenario
