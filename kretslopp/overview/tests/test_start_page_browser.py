"""The start page in a real browser at 1366 px, in Swedish: both charts drawn by our own Vega
bundle, and nothing cut off, for the sustainability lead and for a coordinator."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kretslopp.conftest import PASSWORD
from kretslopp.overview.tests.conftest import energy_target

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("KRETSLOPP_SCREENSHOTS")

#: Containers whose content must fit: the page, every card, every chart and figure.
CLIPPED = """() => [...document.querySelectorAll(
    'main, main section.card, main .kpis, main .chart, main figure, main p')]
  .filter(e => getComputedStyle(e).overflowX !== 'auto' && e.scrollWidth > e.clientWidth + 1)
  .map(e => `${e.tagName}#${e.id}.${e.className}: ${e.scrollWidth} > ${e.clientWidth}`)"""


@pytest.mark.parametrize("username", ["lead", "coord"])
def test_start_page_fits_1366_px_with_its_charts_drawn(page, live_server, fleet, username):
    energy_target()
    page.set_default_timeout(60_000)  # the first request builds the Vega bundle (seconds)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
    for chart in ("#start-target", "#start-co2e"):
        page.locator(f"{chart} .chart[data-rendered=true]").wait_for()
        assert page.locator(f"{chart} .chart svg").first.is_visible()
    legend = page.locator("#start-target .chart svg .role-legend").first.text_content() or ""
    assert "Bana" in legend and "Utfall" in legend and "Prognos" in legend
    assert "Inbyggt (fördelat per år)" in (
        page.locator("#start-co2e .chart svg .role-legend").first.text_content() or ""
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.locator("main section.card").count() >= 6  # what CLIPPED looks at is there
    assert page.evaluate(CLIPPED) == []
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/start-page-{username}.png", full_page=True)
