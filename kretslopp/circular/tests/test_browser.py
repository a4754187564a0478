"""A take-back round in a real browser, in Swedish: campaign, scans by keyboard, hand-over,
a partner report with one discrepancy, settling it, closing, and the employee page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kretslopp.circular.tests.conftest import REPORT_HEADERS
from kretslopp.conftest import PASSWORD, make_asset
from kretslopp.tabular import write_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("KRETSLOPP_SCREENSHOTS")


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _report(path: Path, tag: str, serial: str) -> Path:
    row = [tag, serial, "NIST 800-88 Purge", "Blancco 7", "INTYG-77", "2024-04-03", "A",
           "Vidaresåld", "1,6", "1 400"]  # fmt: skip
    with path.open("wb") as handle:
        write_csv(handle, REPORT_HEADERS, [row], dialect="swedish")
    return path


def test_a_take_back_round_in_the_browser(page, live_server, town, partners, tmp_path):
    second = make_asset("MS-0000003", town.laptop, town.own)
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Logga in").click()

    # A campaign.
    page.goto(f"{base}/takeback/")
    page.get_by_role("link", name="Ny kampanj").click()
    page.fill("#id_name", "Vårens återtag")
    page.select_option("#id_partner", label=partners["ours"].name)
    page.fill("#id_starts_on", "2024-03-01")
    page.fill("#id_ends_on", "2024-03-31")
    page.check("#id_public")
    page.get_by_role("button", name="Spara").click()
    page.get_by_text("Kampanjen Vårens återtag sparad.").wait_for()

    # Scans with the keyboard only: the field has focus, Enter registers, focus comes back.
    page.get_by_role("link", name="Samla in").click()
    for code in ("MS-0000001", "SN-MS-0000003", "MS-0000001"):
        page.wait_for_function("document.activeElement && document.activeElement.name === 'code'")
        page.keyboard.type(code)
        with page.expect_navigation():
            page.keyboard.press("Enter")
    page.get_by_text("MS-0000001 är redan insamlad i den här kampanjen").wait_for()
    assert page.evaluate("document.activeElement.name") == "code"
    _shot(page, "collect")

    # Hand-over on a manifest.
    page.get_by_role("link", name="Tillbaka till kampanjen").click()
    page.get_by_role("link", name="Lämna över (2)").click()
    page.fill("#id_handed_over_by", "Ida på IT")
    page.fill("#id_received_by", "Kim på Inrego")
    page.get_by_role("button", name="Signera följesedeln").click()
    page.get_by_text("2 enheter överlämnade").wait_for()
    _shot(page, "manifest")

    # A partner report covering one of two devices: the other is a discrepancy.
    page.get_by_role("link", name="Tillbaka till kampanjen").click()
    page.get_by_role("link", name="Partnerrapport").click()
    page.set_input_files(
        "#id_file", _report(tmp_path / "rapport.csv", "MS-0000001", "SN-MS-0000001")
    )
    page.get_by_role("button", name="Kontrollera rapporten").click()
    # The one import flow: a preview of the report (its columns to correct), then confirm.
    page.get_by_text("Importerat till: Partnerrapport (återtag)").wait_for()
    _shot(page, "report-preview")
    page.locator("form.import-confirm button[type=submit]").click()
    page.get_by_role("heading", name="Importerad: rapport.csv").wait_for()
    _shot(page, "report-result")
    page.get_by_role("link", name="Visa det som importerades").click()
    page.get_by_text("Överlämnad, inte rapporterad").wait_for()
    page.get_by_role("button", name="Avsluta kampanjen").is_disabled()
    page.fill("textarea[name=note] >> nth=0", "Enheten saknas hos partnern; polisanmäld.")
    page.get_by_role("button", name="Godta").click()
    page.get_by_text("Avvikelsen är godtagen med din anteckning.").wait_for()
    _shot(page, "campaign")
    page.get_by_role("button", name="Avsluta kampanjen").click()
    page.get_by_text("Kampanjen Vårens återtag är avslutad.").wait_for()
    second.refresh_from_db()
    assert second.status == "with_partner"

    # The employee page, without logging in.
    public = page.get_by_role("link", name="Medarbetarsida").get_attribute("href")
    anonymous = page.context.browser.new_context(locale="sv-SE")
    visitor = anonymous.new_page()
    visitor.goto(f"{base}{public}")
    visitor.get_by_text("produkter inlämnade").wait_for()
    text = visitor.inner_text("main")
    assert "MS-000000" not in text
    # Plain words first; the method, its factors and the sources one click away.
    assert "ivl-inrego-2020" not in text and "g CO2 per km" not in text
    visitor.get_by_text("Så har vi räknat").click()
    text = visitor.inner_text("main")
    assert "ivl-inrego-2020" in text and "127,6 g CO2 per km" in text
    _shot(visitor, "public")
    anonymous.close()
