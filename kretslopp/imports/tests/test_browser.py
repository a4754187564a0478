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
