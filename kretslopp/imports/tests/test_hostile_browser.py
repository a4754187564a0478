"""Hostile files in a real browser: the refusal is on the page, in Swedish, in the site's
layout, and the next upload works as usual."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kretslopp.imports.tests.test_browser import HEADER, ROWS, log_in
from kretslopp.tabular.tests import hostile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("KRETSLOPP_SCREENSHOTS")


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _upload(page, live_server, name: str, content: bytes) -> None:
    page.goto(f"{live_server.url}/imports/")
    page.locator("input[name=file]").set_input_files(
        {"name": name, "mimeType": "application/octet-stream", "buffer": content}
    )
    page.locator("form[enctype] button[type=submit]").click()


def test_a_zip_bomb_and_a_huge_file_are_refused_on_the_page(page, live_server, town, settings):
    log_in(page, live_server, "coord")

    _upload(page, live_server, "inventering.xlsx", hostile.blank_space_bomb())
    page.get_by_text("Excelfilen packas upp till 4 001 MB").wait_for()
    assert "inventering.xlsx" in page.content()
    _shot(page, "import-zip-bomb")

    settings.IMPORT_MAX_UPLOAD_MB = 1
    _upload(page, live_server, "stor.csv", hostile.many_csv_rows(200_000))
    error = page.get_by_text("stor.csv är större än 1 MB, det största som kan laddas upp här.")
    error.wait_for()
    _shot(page, "import-too-large")

    _upload(page, live_server, "inventering.csv", (HEADER + ROWS).encode("cp1252"))
    page.locator("form.import-confirm").wait_for()  # the server goes on as usual
