"""The forum in a real browser, in Swedish, as its chair works: a meeting, a measure over
the mandate refused as a forum decision, escalated, approved, and its tasks done.

(The measure's expected effect in the energy target's forecast is checked with the
forecast itself, where the target page shows the effects.)
"""

from __future__ import annotations

import os

import pytest

from kretslopp.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("KRETSLOPP_SCREENSHOTS")  # a folder: save each page's screenshot


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/forum-{name}.png", full_page=True)


def test_a_measure_over_the_mandate_is_escalated_approved_and_done(page, live_server, forum_world):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "lead")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")

    page.get_by_role("link", name="Forum", exact=True).click()
    page.get_by_role("link", name="IT-hållbarhetsforum").click()
    _shot(page, "forum")

    page.get_by_role("link", name="Nytt möte").click()
    page.fill("input[name=held_on]", "2026-09-08")
    page.fill("textarea[name=agenda]", "1. Skrivarflottan")
    page.get_by_label("Lea Lead").check()
    page.get_by_label("Sam Supplier, Leverantören AB").check()
    page.get_by_role("button", name="Spara").click()
    assert "Möte 2026-09-08" in page.locator("h1").inner_text()
    _shot(page, "meeting")

    page.get_by_role("link", name="IT-hållbarhetsforum").click()
    page.get_by_role("link", name="Föreslå en åtgärd").click()
    page.fill("input[name=title]", "Konsolidering av skrivarflottan")
    page.fill("input[name=capex_sek]", "420000")
    page.fill("input[name=opex_sek_per_year]", "60000")
    page.select_option("select[name=responsible]", label="Lea Lead")
    page.get_by_role("button", name="Spara").click()
    assert "Forumet kan inte själv besluta" in page.locator("#mandate").inner_text()

    page.select_option("#move-form select[name=to]", "decided")
    page.locator("#move-form").get_by_role("button", name="Ändra status").click()
    refusal = page.locator("#move-form .errors").inner_text()
    assert "Forumet kan inte besluta den här åtgärden" in refusal
    assert "480 000 kr" in refusal.replace("\xa0", " ")
    _shot(page, "refused")

    page.fill("#escalate-form input[name=body]", "IT-direktören")
    page.fill("#escalate-form input[name=reference]", "Dnr SK-2026-12")
    page.locator("#escalate-form").get_by_role("button", name="Lyft").click()
    assert "inväntar utfall" in page.locator("#status").inner_text()

    page.select_option("#outcome-form select[name=outcome]", "approved")
    page.locator("#outcome-form").get_by_role("button", name="Registrera utfall").click()
    assert page.locator("h1 .status").inner_text() == "beslutad"
    assert "godkänd" in page.locator("#status").inner_text()

    for title in ("Inventera skrivare", "Avveckla skrivare"):
        page.fill("#task-form input[name=title]", title)
        page.locator("#task-form").get_by_role("button", name="Lägg till uppgift").click()
    for _ in range(2):
        page.locator("#tasks").get_by_role("button", name="Markera som klar").first.click()
    assert page.locator("#tasks .done-task").count() == 2
    assert page.locator("#tasks").get_by_role("button", name="Markera som klar").count() == 0
    history = page.locator("#history").inner_text()
    assert "lyft" in history.lower() and "uppgift" in history.lower()
    _shot(page, "measure")
