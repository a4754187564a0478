"""The audit log in a real browser, in Swedish at 1366 px: an import reads as one line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kretslopp.conftest import PASSWORD, make_asset
from kretslopp.core import audit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("KRETSLOPP_SCREENSHOTS")
HEADER = "Asset tag,Serial number,Manufacturer,Model,Department,Status\n"


def test_an_import_and_a_save_in_the_log(page, live_server, town):
    from kretslopp.imports.tests.conftest import import_file

    rows = "".join(f"MS-W{n:04},SN-W{n:04},Dell,P2422H,GRF,In stock\n" for n in range(40))
    assert import_file(HEADER + rows, user=town.users["coordinator"]).status == "committed"
    with audit.acting_as(town.users["administrator"]), audit.batch(audit.new_batch("request")):
        make_asset("MS-SAVED-1", town.monitor, town.own)
        make_asset("MS-SAVED-2", town.monitor, town.own)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_server.url}/**")
    page.goto(f"{live_server.url}/audit/")
    heads = page.locator("tr.batch-head")
    assert "Skapade 2 tillgångar" in heads.first.inner_text()  # the latest first
    assert "Sparat i en begäran" in heads.first.inner_text()
    imported = heads.filter(has_text="Import nr").inner_text()
    assert "Skapade 40 tillgångar" in imported and "coord" in imported
    wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not wide, "the page is wider than the window"
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/audit-log.png", full_page=True)
    page.click("text=Visa alla 40 poster")
    assert page.locator("text=Import nr").first.is_visible()
    assert page.locator("tbody tr").count() == 40
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/audit-log-batch.png", full_page=True)
