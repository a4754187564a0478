"""What a screen reader or a keyboard user is told, checked in the HTML the server sends.

The browser tests (``test_accessibility_browser.py``) run axe-core and walk the pages with
the keyboard; these run without a browser and pin down the markup behind them: help and
error texts tied to their fields, named scroll boxes, labelled move forms, grouped numbers.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kretslopp.tests.html import dangling_references, label_of, parse

pytestmark = pytest.mark.django_db

NBSP = "\xa0"


def test_every_page_starts_with_a_link_to_skip_to_its_content(town, login, client):
    for response in (client.get(reverse("login")), login(town.users["viewer"]).get("/")):
        document = parse(response.content)
        first_link = document.find_all("a")[0]
        assert first_link.attrs["href"] == "#main"
        assert first_link.text == "Hoppa till innehållet"
        assert document.find_all("main", id="main")


# (url, role, what the form posts): each form refuses the post and shows why.
FAILED_SUBMITS = {
    "asset form": ("/assets/new/", "administrator", {"asset_tag": ""}),
    "model form": ("/models/new/", "administrator", {"name": ""}),
    "target form": ("/energy/targets/new/", "administrator", {"name": ""}),
    "meter reading by hand": ("/energy/readings/", "administrator", {"meter": ""}),
    "import upload": ("/imports/", "administrator", {"mapping": ""}),
    "value mapping": ("/imports/value-mappings/", "administrator", {"source_name": ""}),
    "print log upload": ("/printing/import/", "administrator", {"log_format": "auto"}),
}


@pytest.mark.parametrize("case", list(FAILED_SUBMITS))
def test_a_refused_form_ties_every_error_and_help_text_to_its_field(town, login, case):
    url, role, data = FAILED_SUBMITS[case]
    response = login(town.users[role]).post(url, data)
    assert response.status_code == 200
    document = parse(response.content)
    invalid = [e for e in document.iter() if e.attrs.get("aria-invalid") == "true"]
    assert invalid, "the refused fields are marked invalid"
    for field in invalid:
        error_id = f"{field.attrs['id']}_error"
        assert error_id in field.attrs["aria-describedby"].split()
        error = document.find_all(id=error_id)
        assert error and error[0].text, f"{error_id} names the problem"
    assert dangling_references(document) == []


def test_help_texts_are_read_with_their_fields(town, login):
    document = parse(login(town.users["administrator"]).get("/assets/new/").content)
    described = [e for e in document.iter() if e.attrs.get("aria-describedby")]
    assert described, "the asset form has help texts"
    assert dangling_references(document) == []


def test_every_move_of_an_asset_labels_its_own_note_field(town, login):
    document = parse(
        login(town.users["coordinator"]).get(town.own_asset.get_absolute_url()).content
    )
    forms = [
        form
        for form in document.find_all("form")
        if any(i.attrs.get("name") == "target" for i in form.find_all("input"))
    ]
    assert len(forms) >= 2
    for form in forms:
        move = form.find_all("button")[0].text
        note = form.find_all("input", name="note")[0]
        label = label_of(document, note)
        assert f"”{move}”" in label and "valfri" in label, label
        assert "placeholder" not in note.attrs  # the label is visible, not a fading hint


def test_scroll_boxes_can_be_reached_by_keyboard_and_are_named(whole_town, login):
    client = login(whole_town.town.users["administrator"])
    pages = [
        "/",
        "/assets/",
        "/energy/",
        "/energy/targets/",
        "/energy/charter/",
        "/printing/",
        "/takeback/",
        whole_town.campaign.get_absolute_url(),
    ]
    for url in pages:
        document = parse(client.get(url).content)
        boxes = document.find_all(class_="table-wrap")
        assert boxes, url
        for box in boxes:
            assert box.attrs.get("tabindex") == "0", url
            assert box.attrs.get("role") == "region", url
            assert box.attrs.get("aria-label") or box.attrs.get("aria-labelledby"), url
        assert dangling_references(document) == [], url


def test_the_overviews_energy_column_groups_thousands(town, login):
    from kretslopp.carbon.models import ModelFigures

    # Two laptops of 1 500 000 kWh a year each: 3 000 MWh in every year they are in use.
    ModelFigures.objects.create(
        product_model=town.laptop, kwh_per_year=1_500_000, source_note="test figure"
    )
    document = parse(login(town.users["administrator"]).get("/").content)
    footprint = document.find_all("section", id="footprint")[0]
    headers = [th.text for th in footprint.find_all("thead")[0].find_all("th")]
    energy = next(i for i, text in enumerate(headers) if text.startswith("Energi, MWh"))
    rows = footprint.find_all("tbody")[0].find_all("tr")
    cells = [row.find_all("td")[energy].text for row in rows]
    assert f"3{NBSP}000" in cells, cells
    assert "3000" not in cells


def test_the_charter_groups_the_headcount_it_divides_by(whole_town, login):
    page = login(whole_town.town.users["sustainability_lead"]).get("/energy/charter/")
    assert f"delat med 1{NBSP}000 medarbetare" in page.content.decode()


def test_the_import_button_groups_the_row_count(town, login):
    header = "Asset tag,Serial number,Manufacturer,Model,Department,Status\n"
    rows = "".join(f"MS-9{i:05d},SN-9{i:05d},Dell,P2422H,GRF,In stock\n" for i in range(1200))
    upload = SimpleUploadedFile("assets.csv", (header + rows).encode())
    client = login(town.users["administrator"])
    response = client.post(reverse("imports:upload"), {"file": upload}, follow=True)
    assert f"Importera 1{NBSP}200 rader" in response.content.decode()


def test_a_search_answers_with_the_number_found(town, login):
    from kretslopp.conftest import make_asset

    make_asset("MS-0000003", town.laptop, town.own)
    client = login(town.users["coordinator"])
    # One hit opens the asset itself; two are listed under a heading that counts them.
    document = parse(client.get("/assets/", {"q": "SN-MS-000000"}).content)
    results = document.find_all(id="results")[0]
    assert results.attrs["aria-labelledby"] == "results-count"
    assert document.find_all(id="results-count")[0].text == "2 tillgångar hittades"
