"""The footprint data's own texts follow the page's language; publishers' titles do not."""

from __future__ import annotations

import csv
import datetime as dt
import html
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from kretslopp import footprint
from kretslopp.carbon.models import FootprintSettings
from kretslopp.carbon.texts import data_text, grid_note
from kretslopp.circular.figures import EQUIVALENCE_FILE, EQUIVALENCE_PROSE_COLUMNS
from kretslopp.footprint.sources import source
from kretslopp.footprint.texts import SWEDISH_SUFFIX

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


def _public_campaign_url() -> str:
    from kretslopp.circular.models import Campaign
    from kretslopp.organisation.models import Partner

    campaign = Campaign.objects.create(
        name="Återtag 2024",
        partner=Partner.objects.create(name="Återbruk AB", kind="refurbisher"),
        starts_on=dt.date(2024, 3, 1),
        ends_on=dt.date(2024, 3, 31),
        public=True,
    )
    return reverse("circular:public", args=[campaign.public_slug])


@pytest.mark.django_db
def test_the_employee_page_explains_the_method_in_the_pages_language(client, town):
    url = _public_campaign_url()
    swedish = _page(client, url)
    assert footprint.get_avoided_set("ivl-inrego-2020").text("description", "sv") in swedish
    # The laptop figure's basis (PCF-sheet field names) is for the methodology page, not
    # for an employee.
    assert SWEDISH_BASIS not in swedish
    english = _page(client, url, "en")
    assert footprint.get_avoided_set("ivl-inrego-2020").description in english
    assert ENGLISH_BASIS not in english


ENGLISH_CAR_NOTE = (
    "Type-approval (NEDC) tailpipe CO2 of new cars, provisional 2019 data; real-world driving "
    "emits more, so the distance shown is an upper bound."
)
SWEDISH_CAR_NOTE = (
    "Nya bilars CO2-utsläpp från avgasröret enligt typgodkännandet (NEDC), preliminära siffror "
    "för 2019. Vid verklig körning blir utsläppen högre, så sträckan som visas är en övre gräns."
)


@pytest.mark.django_db
def test_the_employee_page_puts_the_car_equivalence_in_the_pages_language(client, town):
    url = _public_campaign_url()
    swedish = _page(client, url)
    assert "med en ny bensinbil ger ungefär lika mycket utsläpp" in swedish
    assert "127,6 g CO2 per km" in swedish  # the factor, in the page's number format
    assert SWEDISH_CAR_NOTE in swedish and ENGLISH_CAR_NOTE not in swedish
    english = _page(client, url, "en")
    assert "driven in a new petrol car emit about as much" in english
    assert "127.6 g CO2 per km" in english
    assert ENGLISH_CAR_NOTE in english and SWEDISH_CAR_NOTE not in english
    # The publisher, its title and licence stay as published, in both languages.
    for page in (swedish, english):
        assert "European Environment Agency (EEA) (2019)" in page
        assert "Average CO2 emissions from newly registered motor vehicles in Europe" in page
        assert "EEA content: reuse permitted with acknowledgement of the source" in page


def _equivalence_file() -> tuple[list[str], list[dict[str, str]]]:
    with EQUIVALENCE_FILE.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def test_the_equivalence_files_own_prose_has_a_swedish_twin_beside_it():
    header, rows = _equivalence_file()
    twins = [column for column in header if column.endswith(SWEDISH_SUFFIX)]
    # Our own prose only: the publisher, title and licence are quoted as published.
    assert twins == [column + SWEDISH_SUFFIX for column in EQUIVALENCE_PROSE_COLUMNS]
    for column in EQUIVALENCE_PROSE_COLUMNS:
        assert header.index(column + SWEDISH_SUFFIX) == header.index(column) + 1
        for row in rows:
            english, swedish = row[column], row[column + SWEDISH_SUFFIX]
            assert swedish.strip() and swedish != english, (row["id"], column)
            # The same figures (years, standards) in both languages.
            assert re.findall(r"\d+", swedish) == re.findall(r"\d+", english), swedish


def test_the_helper_reads_a_data_files_row_in_the_active_language():
    row = {"note": "upper bound", "note_sv": "övre gräns", "title": "As published"}
    with translation.override("sv"):
        assert data_text(row, "note") == "övre gräns"
        assert data_text(row, "title") == "As published"  # no twin: as it stands
        assert data_text({"note": "upper bound", "note_sv": ""}, "note") == "upper bound"
    with translation.override("en"):
        assert data_text(row, "note") == "upper bound"


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
