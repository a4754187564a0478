"""WCAG 2.1 AA in a real browser: axe-core over the main pages for every role, pages that
fit 1366 and 1920 px without hiding a column and reflow at 320 px, a keyboard-only round,
and charts that a screen reader, a keyboard and a Swedish reader can all use.

axe-core comes inside the ``axe-playwright-python`` wheel and is injected from disk:
nothing is fetched while the tests run.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from kretslopp.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NBSP = "\xa0"
#: The town's logins for the roles that have pages of their own.
LOGINS = {
    "administrator": "admin",
    "sustainability_lead": "lead",
    "procurement": "buyer",
    "coordinator": "coord",
    "viewer": "viewer",
    "partner": "partner",
}
IMPORT_FILE = (
    "Asset tag,Serial number,Manufacturer,Model,Department,Status,Notes\n"
    "MS-10,SN-10,Dell,P2422H,GRF,In stock,\n"
    "MS-11,SN-11,Dell,P2422H,GRF,Bortblåst,\n"
)
SHOTS = os.environ.get("KRETSLOPP_SCREENSHOTS")

# Every table cell shown must lie inside its scroll box (or the window): a column pushed out
# of sight is a column the reader never sees. Cells in a closed <details> are not shown.
CLIPPED_CELLS = """() => {
  const clipped = [];
  for (const cell of document.querySelectorAll("main td, main th")) {
    if (!cell.checkVisibility()) continue;
    const box = cell.closest(".table-wrap");
    const right = box ? box.getBoundingClientRect().right : window.innerWidth;
    if (cell.getBoundingClientRect().right > right + 1) clipped.push(cell.textContent.trim());
  }
  return clipped.slice(0, 5);
}"""
PAGE_WIDTH = "[document.scrollingElement.scrollWidth, window.innerWidth]"
CHARTS_DRAWN = (
    "[...document.querySelectorAll('[data-vega-spec]')]"
    ".every(e => e.dataset.rendered || e.dataset.renderError)"
)


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(re.compile(r"/(takeback/)?$"))


def main_pages(whole) -> dict[str, str]:
    town = whole.town
    return {
        "overview": "/",
        "asset list": "/assets/",
        "asset page": town.own_asset.get_absolute_url(),
        "asset edit form": f"/assets/{town.own_asset.pk}/edit/",
        "model list": "/models/",
        "model page": town.laptop.get_absolute_url(),
        "department page": f"/departments/{town.own.code}/",
        "energy": "/energy/",
        "targets": "/energy/targets/",
        "target page": whole.target.get_absolute_url(),
        "charter": "/energy/charter/",
        "printing": "/printing/",
        "take-back list": "/takeback/",
        "campaign page": whole.campaign.get_absolute_url(),
        "manifest": whole.manifest.get_absolute_url(),
        "import upload": "/imports/",
        "methodology": "/methodology/",
        "audit log": "/audit/",
        "my exports": "/exports/",
    }


def check_page(page, name: str, problems: list[str], axe: Axe) -> None:
    """axe-core at WCAG 2.1 AA, then the layout at 1366, 1920 and 320 px wide."""
    page.wait_for_function(CHARTS_DRAWN)
    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
    results = axe.run(page, options=options)
    if results.violations_count:
        problems.append(f"{name}: {results.generate_report()}")
    for width in (1366, 1920, 320):
        page.set_viewport_size({"width": width, "height": 900})
        scroll_width, inner = page.evaluate(PAGE_WIDTH)
        if scroll_width > inner:
            problems.append(f"{name} at {width} px: the page is {scroll_width} px wide")
        if width >= 1366 and (clipped := page.evaluate(CLIPPED_CELLS)):
            problems.append(f"{name} at {width} px: cells out of sight {clipped}")
    page.set_viewport_size({"width": 1366, "height": 900})


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.parametrize("role", list(LOGINS))
def test_main_pages_meet_wcag_21_aa_and_fit_the_screen(
    page, live_server, whole_town, role, tmp_path
):
    page.set_default_timeout(60_000)  # the first chart page builds the Vega bundle
    base = live_server.url
    log_in(page, base, LOGINS[role])
    axe = Axe()
    problems: list[str] = []
    seen = 0
    for name, url in main_pages(whole_town).items():
        response = page.goto(base + url)
        if response.status != 200:  # not this role's page (the access matrices cover that)
            continue
        seen += 1
        check_page(page, name, problems, axe)
        shot(page, f"{role}-{name.replace(' ', '-')}")
        # The import page lists every importer's jobs; the asset upload is for asset importers.
        if name == "import upload" and page.locator("#id_file").count():
            upload = tmp_path / "tillgangar.csv"
            upload.write_text(IMPORT_FILE, "utf-8")
            page.set_input_files("#id_file", upload)
            page.get_by_role("button", name="Kontrollera filen").click()
            page.wait_for_url(re.compile(r"/imports/\d+/$"))
            check_page(page, "import preview", problems, axe)
            shot(page, f"{role}-import-preview")
    assert seen >= 3, f"{role} opened only {seen} main pages"
    assert problems == [], "\n".join(problems)


def test_pages_without_login_meet_wcag_21_aa(page, live_server, whole_town):
    axe = Axe()
    problems: list[str] = []
    for name, url in {
        "login": "/login/",
        "employee page": f"/t/{whole_town.campaign.public_slug}/",
    }.items():
        assert page.goto(live_server.url + url).status == 200
        check_page(page, name, problems, axe)
    assert problems == [], "\n".join(problems)


def tab_to(page, test: str, limit: int = 60) -> None:
    """Press Tab until ``test`` (a JS expression on ``el``, the focused element) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => Boolean({test}))(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached {test}")


def focused(page, expression: str = "el"):
    return page.evaluate(f"(el => {expression})(document.activeElement)")


def test_keyboard_only_log_in_find_an_asset_by_serial_and_move_it(page, live_server, town):
    base = live_server.url
    page.goto(f"{base}/login/")
    # The user name field has focus at once; the rest is Tab, typing and Enter.
    page.keyboard.type("coord")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base}/"

    page.keyboard.press("Tab")
    assert focused(page, "el.textContent.trim()") == "Hoppa till innehållet"
    tab_to(page, "el.textContent.trim() === 'Tillgångar'")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # A filter select changes with an arrow key without reloading the page.
    tab_to(page, "el.name === 'department'")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(500)
    assert page.url == f"{base}/assets/"
    page.keyboard.press("ArrowUp")

    page.keyboard.press("Shift+Tab")
    assert focused(page, "el.name") == "q"
    page.keyboard.type(town.own_asset.serial_number)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # A serial that only one asset has opens that asset at once.
    assert page.url == f"{base}{town.own_asset.get_absolute_url()}"
    assert page.locator("#asset-status").inner_text() == "I bruk"

    # The note field of the move to "returned" says which move it belongs to.
    tab_to(page, "el.name === 'note' && el.closest('form').querySelector('[data-move=returned]')")
    label = focused(page, "el.labels[0].textContent.trim()")
    assert label == "Anteckning för ”Återlämna för avveckling” (valfri)"
    page.keyboard.type("Lämnad i receptionen")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    announced(page, "MS-0000001 är nu återlämnad.")
    assert page.locator("#asset-status").inner_text() == "Återlämnad"
    assert "Lämnad i receptionen" in page.locator("#timeline").inner_text()

    # And on along the lifecycle with the next move offered.
    tab_to(page, "el.matches('button[data-move]')")
    move = focused(page, "el.textContent.trim()")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    announced(page, "MS-0000001 är nu ")
    assert move and page.locator("#timeline li").count() == 3


def announced(page, text: str) -> None:
    """The message is in a status region (read out by screen readers) and has focus."""
    page.wait_for_function("document.activeElement.matches('.messages')")
    region = page.locator(".messages")
    assert region.get_attribute("role") == "status"
    assert region.inner_text().startswith(text)


def test_a_refused_form_puts_focus_on_the_first_field_to_fix(page, live_server, town):
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/assets/new/")
    page.fill("#id_asset_tag", town.own_asset.asset_tag)  # already taken
    page.select_option("#id_model", str(town.laptop.pk))
    page.select_option("#id_department", str(town.own.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    page.wait_for_function("document.activeElement.id === 'id_asset_tag'")
    described_by = focused(page, "el.getAttribute('aria-describedby')")
    error = page.locator("#id_asset_tag_error")
    assert "id_asset_tag_error" in described_by.split()
    assert error.inner_text()


def test_charts_speak_swedish_and_can_be_read_without_seeing_them(page, live_server, whole_town):
    base = live_server.url
    page.set_default_timeout(60_000)
    log_in(page, base, "lead")
    page.goto(f"{base}/energy/")
    page.wait_for_function(CHARTS_DRAWN)

    # Named and summed up in Swedish on a wrapper Vega does not overwrite.
    chart = page.get_by_role("img", name=whole_town.target.name)
    assert chart.count() == 1
    assert chart.get_attribute("aria-describedby") == "target-chart-summary"
    svg = page.locator("#target-chart svg")
    labels = svg.locator("text").all_text_contents()
    assert f"1{NBSP}000{NBSP}000" in labels
    assert not any(re.fullmatch(r"[\d.,]+[kM]", label) for label in labels)

    # The tooltip shows Swedish numbers and closes on Escape.
    page.locator("#target-chart .mark-symbol path").first.hover(force=True)
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible")
    assert re.search(r"\d\xa0\d{3}", tooltip.inner_text())
    page.keyboard.press("Escape")
    tooltip.wait_for(state="hidden")

    # The values one click away, in a table.
    figure = page.locator("figure:has(#target-chart)")
    figure.get_by_text("Visa värdena som tabell").click()
    table = figure.locator("details table")
    assert table.is_visible()
    assert f"1{NBSP}000{NBSP}000" in table.inner_text()

    # An SVG export that keeps the chart's name and summary.
    link = page.locator("[data-svg-for=years-chart]")
    link.wait_for(state="visible")
    with page.expect_download() as download:
        link.click()
    exported = Path(download.value.path()).read_text("utf-8")
    assert "<title>It-energi per år och omfattning</title>" in exported
    assert "<desc>kWh per år, 2016–" in exported

    # The printing chart has its table behind it too.
    page.goto(f"{base}/printing/")
    page.wait_for_function(CHARTS_DRAWN)
    printing = page.locator("figure:has(#print-chart)")
    printing.get_by_text("Visa värdena som tabell").click()
    assert printing.locator("details tbody tr").count() >= 1
