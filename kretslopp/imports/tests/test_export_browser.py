"""A large export in a real browser: the progress page at once, left, found again, downloaded.

The threshold is lowered so that the coordinator's 60 assets are a large export; the worker
(django-tasks' database worker, in a thread of the test process) is started only once the
page has shown the job waiting, so what the page shows at each step is certain.
"""

from __future__ import annotations

import os

import pytest

from kretslopp.conftest import PASSWORD, make_asset
from kretslopp.imports.models import ExportJob
from kretslopp.imports.tests.test_jobs_browser import run_one_job
from kretslopp.tabular import open_table

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = 60


def test_a_large_export_shows_its_progress_page_then_downloads(
    browser, live_server, town, settings, tmp_path
):
    settings.EXPORT_JOB_ROWS = 50
    settings.MEDIA_ROOT = tmp_path / "media"
    for number in range(ROWS - 1):  # and the town's own asset
        make_asset(f"GRF-{number:05d}", town.monitor, town.own, has_storage=False)
    context = browser.new_context(
        locale="sv-SE", viewport={"width": 1366, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Användarnamn").fill("coord")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/assets/")
    page.get_by_role("link", name="Exportera XLSX").click()
    # A link only asks; the button starts the export.
    page.get_by_role("button", name="Starta exporten").click()
    # The request answered at once: the export's page, waiting for a worker, with its bar.
    page.locator(".import-progress progress").wait_for()
    job = ExportJob.objects.get()
    assert page.url.endswith(job.get_absolute_url())
    assert "Tillgångslistan" in page.locator("h1").inner_text()
    assert "Väntar på sin tur" in page.locator(".import-progress-text").inner_text()
    assert "Skrivna rader" in page.locator(".import-progress-figures").inner_text()
    assert page.get_by_role("button", name="Avbryt exporten").is_visible()
    if os.environ.get("KRETSLOPP_SCREENSHOTS"):  # to look at the page at 1366 px
        page.screenshot(path=f"{os.environ['KRETSLOPP_SCREENSHOTS']}/export-queued.png")

    # Left, and found again under "Mina exporter".
    page.goto(f"{live_server.url}/assets/")
    if os.environ.get("KRETSLOPP_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['KRETSLOPP_SCREENSHOTS']}/export-assets.png")
    page.get_by_role("link", name="Mina exporter").click()
    assert "Väntar på sin tur" in page.locator("table").inner_text()
    if os.environ.get("KRETSLOPP_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['KRETSLOPP_SCREENSHOTS']}/export-list.png")
    worker = run_one_job()
    page.get_by_role("link", name=job.file_name).click()
    download_button = page.get_by_role("link", name="Ladda ned filen")
    download_button.wait_for()  # the page follows the worker, then offers the file
    worker.join(timeout=120)
    if os.environ.get("KRETSLOPP_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['KRETSLOPP_SCREENSHOTS']}/export-done.png")
    with page.expect_download() as download_info:
        download_button.click()
    download = download_info.value
    assert download.suggested_filename == job.file_name
    saved = tmp_path / job.file_name
    download.save_as(saved)
    rows = list(open_table(saved.read_bytes(), "a.xlsx").rows())
    assert len(rows) == ROWS and {row.values[0] for row in rows} >= {"GRF-00000", "MS-0000001"}
    context.close()
