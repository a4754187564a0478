"""A KPI file travels between two installations, each with a database of its own.

Installation A is the test database (SQLite or PostgreSQL, whichever the suite runs on):
its sustainability lead sets the municipality code, publishes values on the publication
page and anyone who may compare downloads the file, all through the real routes.
Installation B is a fresh SQLite file driven only by processes of its own, as an
administrator in another municipality would: ``kretslopp migrate``, its organisation and
lead, ``kretslopp import kpi-exchange FILE --source …``, then its comparison page. Nothing
but the file passes from A to B.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from kretslopp.conftest import downloaded, make_asset
from kretslopp.exchange.models import Publication
from kretslopp.exchange.templatetags.exchange import figure
from kretslopp.exchange.tests import second_installation as b_steps

#: Devices in use: Teststad's two laptops give this KPI a value for every complete year.
KPI = "KR0003"
YEARS = (2023, 2024)
SOURCE = "Malmö stad, e-post 2026-12-01"


class Installation:
    """Installation B: its own SQLite file and var/ folder, reached only by commands."""

    def __init__(self, place: Path) -> None:
        place.mkdir()
        self.environment = dict(
            os.environ,
            KRETSLOPP_DATABASE_URL=f"sqlite:///{place / 'kretslopp.sqlite3'}",
            KRETSLOPP_VAR_DIR=str(place / "var"),
            KRETSLOPP_HTTPS="0",
            DJANGO_SETTINGS_MODULE="kretslopp.settings",
        )

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - our own commands
            [sys.executable, "-m", *args],
            env=self.environment,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )

    def ok(self, *args: str) -> str:
        done = self.run(*args)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def page(self, path: str) -> str:
        status, _newline, content = self.ok(
            "kretslopp.exchange.tests.second_installation", "page", path
        ).partition("\n")
        assert status == "200", content[:2000]
        return content


def _publish_and_export(town, login) -> tuple[bytes, dict[int, str]]:
    """Installation A: the lead names the municipality and publishes; the file is fetched."""
    # A monitor from 2024 on, so the two years' values differ and cannot be swapped unseen.
    make_asset("MS-0000003", town.monitor, town.own, in_use_date=dt.date(2024, 1, 1))
    lead = login(town.users["sustainability_lead"])
    url = reverse("exchange:publish")
    malmo = {"action": "publisher", "municipality_code": "1280", "name": "Malmö stad"}
    named = lead.post(url, malmo)
    assert named.status_code == 302
    chosen = [f"{KPI}:{year}" for year in YEARS]
    assert lead.post(url, {"action": "publish", "publish": chosen}).status_code == 302
    published = {p.period: p.value for p in Publication.objects.filter(kpi_id=KPI)}
    assert sorted(published) == list(YEARS) and all(published.values())
    assert published[2023] != published[2024]
    content = downloaded(login(town.users["viewer"]).get(reverse("exchange:export", args=["json"])))
    return content, {year: figure(value) for year, value in published.items()}


def _table_of(page: str, kpi: str) -> dict[str, list[str]]:
    """The comparison table in the card of ``kpi``: its heading cells and each row's cells,
    as text, by the row's heading (the municipality's name and code)."""
    card = re.search(rf'<section class="card" id="kpi-{kpi}">(.*?)</section>', page, re.S)
    assert card, f"no card for {kpi}"

    def text(cell: str) -> str:
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())

    table = {}
    for row in re.findall(r"<tr>(.*?)</tr>", card.group(1), re.S):
        heading, *cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        table[text(heading)] = [text(cell) for cell in cells]
    return table


@pytest.mark.django_db
def test_a_file_exported_by_one_installation_shows_on_the_comparison_page_of_another(
    town, login, tmp_path
):
    content, figures = _publish_and_export(town, login)
    sent = tmp_path / "kpi-1280.json"
    sent.write_bytes(content)

    b = Installation(tmp_path / "lund")
    b.ok("kretslopp", "migrate", "--no-input", "--verbosity", "0")
    b.ok("kretslopp.exchange.tests.second_installation", "prepare")
    assert "Malmö stad" not in b.page(reverse("exchange:compare"))

    # A file that breaks the schema is refused as a whole, each break located in it.
    broken = tmp_path / "kpi-1280-broken.json"
    document = json.loads(content)
    document["values"][1]["period"] = str(document["values"][1]["period"])
    document["values"][0]["municipality"] = "128"
    broken.write_text(json.dumps(document), encoding="utf-8")
    refused = b.run(
        "kretslopp", "import", "kpi-exchange", str(broken), "--source", SOURCE,
        "--user", b_steps.LEAD, "--format", "json",
    )  # fmt: skip
    assert refused.returncode == 1, refused.stdout + refused.stderr
    summary = json.loads(refused.stdout)
    assert summary["status"] == "rejected"
    assert {(e["row"], e["column"]) for e in summary["errors"]} == {
        (1, "/values/0/municipality"),
        (2, "/values/1/period"),
    }
    assert "Malmö stad" not in b.page(reverse("exchange:compare"))

    imported = b.ok(
        "kretslopp", "import", "kpi-exchange", str(sent), "--source", SOURCE,
        "--user", b_steps.LEAD, "--format", "json",
    )  # fmt: skip
    assert json.loads(imported)["created"] == len(YEARS)

    page = b.page(reverse("exchange:compare") + f"?kpi={KPI}")
    assert f"Malmö stad (1280) · källa: {SOURCE}" in html.unescape(page)
    table = _table_of(page, KPI)
    assert table["Kommun"] == [str(year) for year in YEARS]
    cells = table["Malmö stad 1280"]
    assert [cell.split(" ")[0] for cell in cells] == [figures[year] for year in YEARS]
