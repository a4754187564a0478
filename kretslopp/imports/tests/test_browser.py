"""Importing in a real browser: see the error at its row and column, fix the file, import."""

from __future__ import annotations

import pytest

from kretslopp.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "Inventarienummer;Serienummer;Tillverkare;Modell;Förvaltning;Status;Inköpspris (kr)\n"
ROWS = "GRF-900001;SN-900001;Dell;P2422H;GRF;I lager;1 990,00\n"
BROKEN = "GRF-900002;SN-900002;Dell;P2422H;GRF;Bortblåst;1 990,00\n"
FIXED = "GRF-900002;SN-900002;Dell;P2422H;GRF;I bruk;1 990,00\n"


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_server.url}/")


def upload(page, content: str) -> None:
    page.locator("a[href='/imports/']").first.click()
    page.locator("input[name=file]").set_input_files(
        {"name": "inventering.csv", "mimeType": "text/csv", "buffer": content.encode("cp1252")}
    )
    page.locator("form[enctype] button[type=submit]").click()


def test_fix_an_error_then_import_and_find_the_assets(page, live_server, town):
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, live_server, "coord")

    upload(page, HEADER + ROWS + BROKEN)
    error = page.locator("tr.problem[data-row='3'][data-column='Status']")
    error.wait_for()
    assert "Bortblåst" in error.inner_text()
    assert page.locator("form.import-confirm").count() == 0  # nothing to confirm

    upload(page, HEADER + ROWS + FIXED)
    page.locator("form.import-confirm button[type=submit]").click()
    page.locator(".count-created").wait_for()
    assert page.locator(".count-created").inner_text() == "2"

    page.locator("a.button[href='/assets/']").click()
    page.get_by_label("Sök", exact=True).fill("GRF-9000")
    page.get_by_label("Sök", exact=True).press("Enter")
    page.get_by_role("link", name="GRF-900002").wait_for()
    assert page.get_by_role("link", name="GRF-900001").is_visible()
    assert problems == []


COMPANIES = ["Kulturförvaltningen AB", "Stadsbyggnad", "Fritid Malmö"]
SNIPEIT = "Company,Asset Tag,Manufacturer,Model,Serial,Location,Status\n" + "".join(
    f"{COMPANIES[n % 3]},MS-B{n:02d},Dell,P2422H,SN-B{n:02d},Stadshuset,Arkiverad\n"
    for n in range(12)
)


def test_decide_each_unknown_name_once_then_import(page, live_server, town):
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, live_server, "admin")
    page.locator("a[href='/imports/']").first.click()
    page.locator("input[name=file]").set_input_files(
        {"name": "snipeit.csv", "mimeType": "text/csv", "buffer": SNIPEIT.encode()}
    )
    page.locator("form[enctype] button[type=submit]").click()
    names = page.locator("#names tr.unknown-name")
    names.first.wait_for()
    assert names.count() == 4  # three companies and one status, not twelve rows of errors
    assert page.locator("#names h2").inner_text() == "4 namn som Kretslopp inte känner till"
    choices = page.locator("#names select")
    choices.nth(0).select_option(label="Skapa förvaltningen ”Kulturförvaltningen AB”")
    choices.nth(1).select_option(label=f"{town.other.name} ({town.other.code})")
    choices.nth(2).select_option(label=f"{town.own.name} ({town.own.code})")
    choices.nth(3).select_option(label="Återlämnad")
    page.get_by_role("button", name="Spara valen och kontrollera igen").click()
    page.locator("form.import-confirm button[type=submit]").click()
    page.locator(".count-created").wait_for()
    assert page.locator(".count-created").inner_text() == "12"
    assert problems == []
