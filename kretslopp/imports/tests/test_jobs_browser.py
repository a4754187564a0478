"""A large import in a real browser: queued, the tab closed, the job's page found again.

The worker is django-tasks' database worker, run in a thread of the test process (it shares
the live server's test database); it is started only when the test wants the work done, so
that what the page shows at each step is certain.
"""

from __future__ import annotations

import os
import threading

import pytest
from django_tasks_db.management.commands.db_worker import Worker

from kretslopp.conftest import PASSWORD
from kretslopp.imports.models import ImportJob
from kretslopp.inventory.models import Asset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = 3_000
HEADER = "Inventarienummer;Serienummer;Tillverkare;Modell;Förvaltning;Status\n"
CONTENT = HEADER + "".join(
    f"GRF-{number:06d};SN-J{number:07d};Dell;P2422H;GRF;I bruk\n" for number in range(ROWS)
)


def run_one_job() -> threading.Thread:
    """A worker that takes the next queued job, runs it and stops."""
    worker = Worker(
        queue_names=["default"],
        interval=0.2,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id="browser-test",
    )
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    return thread


def test_a_large_import_survives_its_tab_being_closed(browser, live_server, town, settings):
    settings.IMPORT_JOB_BYTES = 10_000
    settings.IMPORT_JOB_ROWS = 100
    context = browser.new_context(locale="sv-SE", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Användarnamn").fill("coord")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/imports/")
    page.locator("input[name=file]").set_input_files(
        {"name": "stor-inventering.csv", "mimeType": "text/csv", "buffer": CONTENT.encode()}
    )
    page.locator("form[enctype] button[type=submit]").click()
    # The upload answered at once: the job waits for a worker, its page says so.
    page.locator(".import-progress progress").wait_for()
    assert "Väntar på sin tur" in page.locator("h1").inner_text()
    run_one_job()  # checks the file; the page follows it to the preview
    page.locator("form.import-confirm button[type=submit]").click()
    # The confirmation answered at once too: the job's page, queued, with its bar.
    page.locator(".import-cancel button").wait_for()
    assert page.locator(".import-progress-figures").is_visible()
    if os.environ.get("KRETSLOPP_SCREENSHOTS"):  # to look at the page at 1366 px
        page.screenshot(path=f"{os.environ['KRETSLOPP_SCREENSHOTS']}/job-queued.png")
    page.close()  # the tab is closed before any row is imported

    worker = run_one_job()
    again = context.new_page()
    again.set_default_timeout(120_000)
    again.goto(f"{live_server.url}/imports/")
    again.get_by_role("link", name="stor-inventering.csv").first.click()
    job = ImportJob.objects.get()
    if job.state != "done":  # still at work: the bar and the figures, then the result
        assert again.locator(".import-progress progress").count() == 1
        assert "Klara rader" in again.locator(".import-progress-figures").inner_text()
        if os.environ.get("KRETSLOPP_SCREENSHOTS"):
            again.screenshot(path=f"{os.environ['KRETSLOPP_SCREENSHOTS']}/job-running.png")
    again.locator(".count-created").wait_for()
    worker.join(timeout=120)
    assert again.locator(".count-created").inner_text().replace("\xa0", " ") == "3 000"
    assert Asset.objects.filter(asset_tag__startswith="GRF-").count() == ROWS
    context.close()
