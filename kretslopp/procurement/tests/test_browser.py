"""A procurement in a real browser: create it, choose criteria, download the offer form,
receive two bidders' forms (one with errors, then fixed), evaluate, decide, export."""

from __future__ import annotations

import io
import os

import pytest
from openpyxl import load_workbook

from kretslopp.conftest import PASSWORD

from .factories import FIXTURES, ensure_library

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("KRETSLOPP_SCREENSHOTS", "")


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_server.url}/")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def add_criterion(page, label: str, **fields: str) -> None:
    page.get_by_role("link", name="Lägg till kriterium").click()
    page.locator("select[name=criterion]").select_option(label=label)
    for name, value in fields.items():
        page.locator(f"[name={name}]").fill(value)
    page.get_by_role("button", name="Spara").click()


def upload(page, name: str) -> None:
    """Send a bidder's form from the upload page: it opens on the import job's preview."""
    page.locator("input[name=file]").set_input_files(str(FIXTURES / f"{name}.xlsx"))
    page.get_by_role("button", name="Kontrollera formuläret").click()
    page.get_by_role("heading", name=f"Förhandsgranskning: {name}.xlsx").wait_for()


def receive(page, name: str, lines: int) -> None:
    """A clean form from the procurement's page: previewed, imported whole, and back."""
    page.get_by_role("link", name="Ladda upp ett ifyllt anbudsformulär").click()
    upload(page, name)
    page.get_by_role("button", name=f"Importera {lines} rader").click()
    page.get_by_role("heading", name=f"Importerad: {name}.xlsx").wait_for()
    assert page.locator(".count-created").inner_text() == str(lines)
    page.get_by_role("link", name="Visa det som importerades").click()


def test_from_procurement_to_decision_and_protocol(page, live_server, town):
    ensure_library()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, live_server, "buyer")

    page.get_by_role("link", name="Upphandling", exact=True).first.click()
    shot(page, "procurements-empty")
    page.get_by_role("link", name="Ny upphandling").click()
    values = {
        "reference": "KS-2025-0200", "title": "Bärbara datorer och mobiler",
        "units": "3000", "lifetime_years": "4", "discount_rate": "0.03",
        "sek_per_kwh": "1.50", "grid_kg_co2e_per_kwh": "0.045",
        "shadow_price_sek_per_tonne": "1200", "price_weight": "60",
        "evaluation_date": "2025-06-01",
    }  # fmt: skip
    for name, value in values.items():
        page.locator(f"[name={name}]").fill(value)
    page.locator("select[name=product_group]").select_option("computers")
    shot(page, "procurement-form")
    page.get_by_role("button", name="Spara").click()
    page.get_by_role("heading", name="KS-2025-0200 Bärbara datorer och mobiler").wait_for()

    add_criterion(page, "Upphandlingsmyndigheten 11185: Tillgång till reservdelar")
    add_criterion(
        page, "Upphandlingsmyndigheten 11189: Längre garanti- och serviceavtal", max_points="10",
        deduction_sek="400", parameters_text="3",
        interpretation="Garantin räknas från leveransdagen.",
    )  # fmt: skip
    add_criterion(
        page, "Upphandlingsmyndigheten 11193: Livslängd för uppladdningsbart batteri",
        max_points="10", deduction_sek="250",
    )  # fmt: skip
    assert page.get_by_text("Garantin räknas från leveransdagen.").is_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner anbudsformuläret (XLSX)").click()
    form = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    headers = [cell.value for cell in form.worksheets[0][1]]
    assert "Batteriets livslängd (cykler)" in headers
    shot(page, "procurement")

    page.get_by_role("link", name="Ladda upp ett ifyllt anbudsformulär").click()
    shot(page, "offer-upload")
    upload(page, "bravo-with-error")
    error = page.locator("tr.problem[data-row='2'][data-column='Pris per enhet (kr exkl. moms)']")
    error.wait_for()
    assert "8 990 kr" in error.inner_text()
    assert page.locator("tr.problem[data-row='3'][data-column='Modell']").is_visible()
    assert page.get_by_role("button", name="Importera 2 rader").count() == 0
    shot(page, "offer-upload-errors")
    page.get_by_role("link", name="Ladda upp en annan fil").click()
    upload(page, "bravo")
    page.get_by_role("button", name="Importera 2 rader").click()
    page.get_by_role("heading", name="Importerad: bravo.xlsx").wait_for()
    shot(page, "offer-upload-result")
    page.get_by_role("link", name="Visa det som importerades").click()
    page.get_by_role("link", name="Bravo Data AB").wait_for()
    receive(page, "delta", 2)
    page.get_by_role("link", name="Delta Digital AB").wait_for()

    page.get_by_role("link", name="Utvärdering", exact=True).click()
    laptops = page.locator("section.lot", has_text="Anbudsområde: laptop")
    laptops.wait_for()
    excluded = laptops.locator("tr.why.excluded")
    assert "11185" in excluded.inner_text() and "inte uppfyllt" in excluded.inner_text()
    first = laptops.locator("table.ranking tbody tr").first
    assert "Bravo Data AB / B1" in first.inner_text()
    shot(page, "evaluation")

    page.locator("select[name=award_model]").select_option("value_deduction")
    page.get_by_role("button", name="Besluta och lås").click()
    page.get_by_text("Beslutad och låst").first.wait_for()
    assert page.get_by_role("link", name="KS-2025-0200-1").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Exportera protokoll (XLSX)").click()
    saved = io.BytesIO(download.value.path().read_bytes())
    protocol = load_workbook(saved).worksheets[0]
    bidders = {row[2] for row in protocol.iter_rows(min_row=2, values_only=True)}
    assert bidders == {"Bravo Data AB", "Delta Digital AB"}
    page.get_by_role("link", name="Utskrivbart protokoll").click()
    page.get_by_role(
        "heading", name="Utvärderingsprotokoll: KS-2025-0200 Bärbara datorer och mobiler"
    ).wait_for()
    shot(page, "protocol")
    assert problems == []


def test_the_criteria_library_filtered_and_a_criterion_edited(page, live_server, town):
    ensure_library()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, live_server, "buyer")
    page.goto(f"{live_server.url}/procurement/criteria/")
    page.locator("select[name=group]").select_option("mobile_phones")
    page.get_by_role("button", name="Filtrera").click()
    listed = page.locator("table.table").first.inner_text()
    assert "Giltigt TCO Certified-certifikat" in listed
    assert "Energieffektiva datorer" not in listed
    shot(page, "criteria")
    page.get_by_role("link", name="Giltigt TCO Certified-certifikat").click()
    page.get_by_role("link", name="Redigera").click()
    page.locator("[name=title_sv]").fill("Giltigt TCO Certified-certifikat, generation 10")
    page.locator("[name=change_note]").fill("Vi kräver generation 10")
    shot(page, "criterion-edit")
    page.get_by_role("button", name="Spara").click()
    page.get_by_text("Vi kräver generation 10").wait_for()
    shot(page, "criterion")
    assert problems == []
