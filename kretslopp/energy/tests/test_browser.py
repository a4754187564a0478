"""The energy page in a real browser: the −30 % trajectory, actuals, forecast and status.

Logs in through the login form like a person, in Swedish, and checks that the chart was
drawn (an SVG with the three series in its legend and marks for each) by the Vega bundle
served from our own origin, under our CSP, with no request to any other host.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from kretslopp.conftest import PASSWORD
from kretslopp.energy.tests.conftest import ON_TRACK, add_years

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")


def test_energy_page_shows_trajectory_actuals_forecast_and_status(
    page, live_server, town, energy_target
):
    add_years(ON_TRACK)
    problems: list[str] = []
    hosts: set[str] = set()
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.set_default_timeout(60_000)  # the first request builds the Vega bundle (seconds)

    log_in(page, live_server, "lead")
    page.get_by_role("link", name="Energi och mål").click()
    chart = page.locator("#target-chart")
    page.locator("#target-chart[data-rendered=true]").wait_for()

    svg = chart.locator("svg").first
    assert svg.is_visible()
    legend = svg.locator(".role-legend").text_content() or ""
    for series in ("Bana", "Utfall", "Prognos"):
        assert series in legend
    # one line per series, and the forecast band as an area
    assert svg.locator(".mark-line path").count() >= 3
    assert svg.locator(".mark-area path").count() >= 1
    titles = svg.locator(".role-axis-title").all_text_contents()
    assert "År" in titles and "It-energi (kWh)" in titles

    status = page.locator("#main-target .target-status").first
    assert status.inner_text() == "I fas"
    assert "−30,0 %" in page.locator("#main-target").inner_text()
    # 2025 is already below the 2026 target: no cut is needed, and no "+" suggests one.
    required = page.locator("#main-target .required-change").inner_text()
    assert required == "ingen, redan på eller under målet"
    assert page.get_by_text("Hur status bestäms").is_visible()

    assert hosts == {urlsplit(live_server.url).netloc}
    assert problems == []
