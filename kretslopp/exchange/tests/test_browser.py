"""The exchange in a real browser at 1366 px, in Swedish: the lead imports a peer's file
through the job preview, and the comparison page ranks us among the peers with a chart and
the warning where a peer's factor set differs."""

from __future__ import annotations

import os

import pytest

from kretslopp.conftest import PASSWORD
from kretslopp.exchange import catalogue
from kretslopp.exchange import format as exchange_format

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("KRETSLOPP_SCREENSHOTS", "")


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_server.url}/")


def _peer_file(tmp_path):
    entries = []
    for code, name, factor_set, values in (
        ("1281", "Lunds kommun", "pcf-median-2023", (910.0, 870.5)),
        ("1480", "Göteborgs Stad", "ivl-ademe-2020", (760.0, 1020.0)),
    ):
        for year, value in zip((2023, 2024), values, strict=True):
            entries.append(
                {
                    "kpi": "KR0002",
                    "kpi_version": 1,
                    "municipality": code,
                    "municipality_name": name,
                    "period": year,
                    "value": value,
                    "count": 9000,
                    "method": "kretslopp-it-energy-ledger-1",
                    "factor_set": factor_set,
                    "data_quality": "medium",
                }  # fmt: skip
            )
    document = exchange_format.document("1281", "Lunds kommun", entries)
    path = tmp_path / "kpi-grannar.json"
    path.write_bytes(exchange_format.to_json(document))
    return path


def test_import_a_peer_file_and_compare(page, live_server, town, tmp_path):
    from kretslopp.exchange.models import Publication, Publisher

    page.set_default_timeout(60_000)  # the first chart request builds the Vega bundle (seconds)
    catalogue.ensure()
    Publisher.objects.create(municipality_code="1280", name="Malmö stad")
    for year, value in ((2023, 1000.0), (2024, 880.25)):
        Publication.objects.create(
            kpi_id="KR0002", kpi_version=1, period=year, value=value, count=26000,
            method="kretslopp-it-energy-ledger-1", factor_set="pcf-median-2023",
            data_quality="medium",
        )  # fmt: skip
    log_in(page, live_server, town.users["sustainability_lead"].username)
    page.goto(f"{live_server.url}/exchange/publish/")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/exchange-publish.png", full_page=True)
    page.locator("input[name=file]").set_input_files(str(_peer_file(tmp_path)))
    page.get_by_label("Källa").fill("Lunds kommun, e-post 2026-03-02")
    page.get_by_role("button", name="Kontrollera filen").click()
    page.get_by_role("heading", name="Förhandsgranskning: kpi-grannar.json").wait_for()
    page.get_by_role("button", name="Importera 4 rader").click()
    page.get_by_role("heading", name="Importerad: kpi-grannar.json").wait_for()

    page.goto(f"{live_server.url}/exchange/")
    page.locator("#exchange-chart svg, #exchange-chart canvas").first.wait_for()
    card = page.locator("#kpi-KR0002")
    text = card.inner_text()
    assert "Malmö stad" in text and "Lunds kommun" in text and "Göteborgs Stad" in text
    assert "880" in text and "1 020" in text.replace("\u00a0", " ")  # Swedish grouping
    assert "2 av 3" in text  # 2024: Göteborg 1 020, Malmö 880, Lund 870.5 → we are second
    assert "går inte att jämföra som det står" in text and "Göteborgs Stad" in text
    assert "Lunds kommun, e-post 2026-03-02" in page.locator("#exchange-peers").inner_text()
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 1366, f"the page is {overflow} px wide"
    for card_box in page.locator("section.card").all():
        box = card_box.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1366
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/exchange-compare.png", full_page=True)
