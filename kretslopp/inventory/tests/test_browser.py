"""A coordinator's round in a real browser (Debian's Chromium through Playwright)."""

from __future__ import annotations

import re

import pytest

from kretslopp.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_server.url}/")


def test_find_an_asset_by_serial_move_it_and_see_the_trace(page, live_server, town):
    log_in(page, live_server, "coord")
    page.get_by_role("link", name="Tillgångar", exact=True).click()
    page.get_by_label("Sök", exact=True).fill("SN-MS-0000001")
    page.get_by_label("Sök", exact=True).press("Enter")
    # The one asset with that serial opens at once.
    page.wait_for_url(f"**/assets/{town.own_asset.pk}/")
    assert page.locator("#asset-status").inner_text() == "I bruk"

    page.locator("button[data-move=returned]").click()
    page.get_by_text("MS-0000001 är nu återlämnad.").wait_for()
    assert page.locator("#asset-status").inner_text() == "Återlämnad"
    assert "Återlämnad" in page.locator("#timeline").inner_text()
    assert re.search(r"Status: I bruk → Återlämnad", page.locator("#history").inner_text())
    # Only legal next moves are offered: no way to sell a device that still holds data.
    assert page.locator("button[data-move=resold]").count() == 0

    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="History").wait_for()
    assert page.locator("#asset-status").inner_text() == "Returned"
    page.get_by_role("button", name="Svenska").click()
    page.get_by_role("heading", name="Historik").wait_for()


def test_a_coordinator_cannot_open_another_departments_asset(page, live_server, town):
    log_in(page, live_server, "coord")
    response = page.goto(f"{live_server.url}/assets/{town.other_asset.pk}/")
    assert response.status == 404


def test_assign_a_device_by_typing_part_of_a_name(page, live_server, town):
    from kretslopp.organisation.models import Person

    Person.objects.create(identifier="anv100001", name="Anna Lindqvist", department=town.own)
    Person.objects.create(identifier="anv100002", name="Anna Lindberg", department=town.own)
    Person.objects.create(identifier="anv200001", name="Anna Lindgren", department=town.other)
    log_in(page, live_server, "coord")
    page.goto(f"{live_server.url}/assets/{town.own_asset.pk}/edit/")
    field = page.get_by_role("combobox", name="Tilldelad")
    field.fill("anna lind")
    options = page.get_by_role("listbox").get_by_role("option")
    options.first.wait_for()
    offered = options.all_inner_texts()
    assert len(offered) == 2 and all("Grundskoleförvaltningen" in text for text in offered)
    assert not any("Lindgren" in text for text in offered)  # another department's person
    assert page.get_by_role("status").inner_text() == "2 personer hittades."
    assert field.get_attribute("aria-expanded") == "true"

    field.press("ArrowDown")  # Anna Lindberg
    field.press("ArrowDown")  # Anna Lindqvist
    assert field.get_attribute("aria-activedescendant") == options.nth(1).get_attribute("id")
    field.press("Enter")  # picks her; the form is not sent yet
    assert field.input_value() == "Anna Lindqvist (anv100001)"
    assert field.get_attribute("aria-expanded") == "false"

    field.fill("anna")
    options.first.wait_for()
    field.press("Escape")  # closes the list without choosing
    assert page.get_by_role("listbox").is_hidden()
    field.fill("Anna Lindqvist")
    options.first.wait_for()
    options.filter(has_text="Anna Lindqvist").click()

    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(f"{live_server.url}/assets/{town.own_asset.pk}/")
    assert page.locator(".assignee").inner_text() == "Anna Lindqvist (anv100001)"
