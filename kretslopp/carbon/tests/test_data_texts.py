"""The footprint data's own texts follow the page's language; publishers' titles do not."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from kretslopp import footprint
from kretslopp.carbon.models import FootprintSettings
from kretslopp.carbon.texts import data_text, grid_note
from kretslopp.footprint.sources import source

SWEDISH_GRID = "Sverige, platsbaserad (OWID/Ember), per år"
ENGLISH_GRID = "Sweden, location-based (OWID/Ember), per year"
SWEDISH_BASIS = "median (min–max) av gwp_total × gwp_manufacturing_ratio för 226 PCF-blad, laptop"
ENGLISH_BASIS = (
    "median (min-max) of gwp_total x gwp_manufacturing_ratio over 226 PCF sheets, laptop"
)


def _page(client, url: str, language: str | None = None) -> str:
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.mark.django_db
def test_the_methodology_page_in_swedish_shows_swedish_labels_and_bases(town, login):
    page = _page(login(town.users["viewer"]), reverse("carbon:methodology"))
    assert '<html lang="sv">' in page
    assert SWEDISH_GRID in page and ENGLISH_GRID not in page
    assert SWEDISH_BASIS in page and ENGLISH_BASIS not in page
    assert "Samma värde för alla år." in page  # the nordic-ivl grid's note
    assert footprint.get_factor_set("pcf-median-2023").text("description", "sv") in page
    assert footprint.get_avoided_set("ivl-inrego-2020").text("description", "sv") in page
    assert source("boavizta-pcf").text("note", "sv") in page
    # Titles of publications are quoted as published, in either language.
    assert source("owid-grid").title in page


@pytest.mark.django_db
def test_the_methodology_page_in_english_shows_the_english_texts(town, login):
    page = _page(login(town.users["viewer"]), reverse("carbon:methodology"), "en")
    assert '<html lang="en">' in page
    assert ENGLISH_GRID in page and SWEDISH_GRID not in page
    assert ENGLISH_BASIS in page and SWEDISH_BASIS not in page
    assert source("boavizta-pcf").note in page
    assert source("owid-grid").title in page


@pytest.mark.django_db
def test_the_method_form_names_each_grid_in_the_pages_language(town, login):
    client = login(town.users["sustainability_lead"])
    assert f"owid-swe — {SWEDISH_GRID}" in _page(client, reverse("carbon:settings"))
    assert f"owid-swe — {ENGLISH_GRID}" in _page(client, reverse("carbon:settings"), "en")


@pytest.mark.django_db
def test_an_assets_figures_say_where_they_come_from_in_the_pages_language(town, login):
    client = login(town.users["coordinator"])
    url = reverse("inventory:asset", args=[town.own_asset.pk])
    swedish = _page(client, url)
    assert "PCF-blad Dell/Latitude 5420 [boavizta-pcf]: gwp_total 364" in swedish
    assert "model sheet Dell/Latitude 5420" not in swedish
    english = _page(client, url, "en")
    assert "model sheet Dell/Latitude 5420 [boavizta-pcf]: gwp_total 364" in english


@pytest.mark.django_db
def test_the_energy_ledger_names_its_grid_note_in_the_pages_language(town, login):
    FootprintSettings.objects.create(grid="nordic-ivl")
    client = login(town.users["administrator"])
    year = town.own_asset.in_use_date.year
    url = reverse("energy:ledger_year", args=[year])
    assert "samma värde för alla år" in _page(client, url)
    assert "one figure for every year" in _page(client, url, "en")


@pytest.mark.django_db
def test_the_employee_page_explains_the_method_in_the_pages_language(client, town):
    from kretslopp.circular.models import Campaign
    from kretslopp.organisation.models import Partner

    campaign = Campaign.objects.create(
        name="Återtag 2024",
        partner=Partner.objects.create(name="Återbruk AB", kind="refurbisher"),
        starts_on=dt.date(2024, 3, 1),
        ends_on=dt.date(2024, 3, 31),
        public=True,
    )
    url = reverse("circular:public", args=[campaign.public_slug])
    swedish = _page(client, url)
    assert footprint.get_avoided_set("ivl-inrego-2020").text("description", "sv") in swedish
    assert SWEDISH_BASIS in swedish  # the laptop equivalence names its basis
    english = _page(client, url, "en")
    assert footprint.get_avoided_set("ivl-inrego-2020").description in english
    assert ENGLISH_BASIS in english


def test_the_helper_follows_the_active_language():
    grid = footprint.get_grid("owid-swe")
    with translation.override("sv"):
        assert data_text(grid, "label") == SWEDISH_GRID
        assert grid_note("owid-swe", 2030) == "inget värde för 2030; närmaste år, 2024, används"
    with translation.override("en"):
        assert data_text(grid, "label") == ENGLISH_GRID
        assert grid_note("owid-swe", 2030) == "no figure for 2030; nearest year 2024 used"
        assert grid_note("owid-swe", 2024) == ""
    assert data_text(None, "label") == ""
