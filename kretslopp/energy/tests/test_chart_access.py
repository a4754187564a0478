"""Charts anyone can read: numbers in the page's language, a name, a summary and a table
behind every chart, series told apart without colour, and an SVG that keeps its name."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from kretslopp.energy import assessment, charts, views
from kretslopp.energy.tests.conftest import ON_TRACK, add_years
from kretslopp.organisation.access import access_for
from kretslopp.tests.html import parse

pytestmark = pytest.mark.django_db
NBSP = "\xa0"


def _target_spec(town, energy_target) -> dict:
    add_years(ON_TRACK)
    view = assessment.view_for(energy_target, access_for(town.users["sustainability_lead"]))
    return views.target_chart_spec(view)


def _axis_labels(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_a_swedish_chart_groups_thousands_with_a_space_and_uses_no_si_prefixes(town, energy_target):
    with translation.override("sv"):
        spec = _target_spec(town, energy_target)
        svg = charts.render_svg(spec, "sv")
    labels = _axis_labels(svg)
    assert f"1{NBSP}000{NBSP}000" in labels
    assert not any(re.fullmatch(r"[\d.,]+[kM]", label) for label in labels)  # no "5.5M"
    assert not any(re.search(r"\d,\d{3}", label) for label in labels)  # no "1,000,000"


def test_an_english_chart_writes_english_numbers(town, energy_target):
    with translation.override("en"):
        svg = charts.render_svg(_target_spec(town, energy_target), "en")
    assert "1,000,000" in _axis_labels(svg)


def test_every_number_in_a_tooltip_has_a_format(town, energy_target):
    specs = [
        _target_spec(town, energy_target),
        views.years_chart(views.ledger_rows(_ledger(town)), "kwh", "IT", "kWh"),
        charts.monthly_bars([{"month": "2025-01", "value": 1234.5}], _month_labels()),
    ]
    for spec in specs:
        for layer in spec.get("layer", [spec]):
            for tip in layer["encoding"]["tooltip"]:
                assert tip.get("type"), tip
                if tip["type"] == "quantitative":
                    assert tip.get("format"), tip


def test_series_differ_by_more_than_their_colour(town, energy_target):
    target = _target_spec(town, energy_target)
    line = next(layer for layer in target["layer"] if layer.get("name") == "series")
    for channel in ("strokeDash", "shape"):
        ranges = line["encoding"][channel]["scale"]["range"]
        assert len({str(r) for r in ranges}) == len(ranges), channel
    stacked = views.years_chart(views.ledger_rows(_ledger(town)), "kwh", "IT", "kWh")
    dashes = stacked["encoding"]["strokeDash"]["scale"]["range"]
    assert len({str(d) for d in dashes}) == len(dashes) == len(views.scope_labels())
    assert stacked["mark"]["stroke"]  # every segment is outlined


def test_the_server_svg_carries_the_charts_name_and_summary(town, login, energy_target):
    add_years(ON_TRACK)
    response = login(town.users["viewer_all"]).get(f"/energy/targets/{energy_target.pk}/chart.svg")
    svg = response.content.decode()
    assert response["Content-Type"] == "image/svg+xml"
    assert svg.startswith("<svg") and 'role="img"' in svg.split(">", 1)[0]
    title = re.search(r'<title id="chart-title">([^<]*)</title>', svg).group(1)
    desc = re.search(r'<desc id="chart-desc">([^<]*)</desc>', svg).group(1)
    assert title == energy_target.name
    assert desc.startswith("It-energi (kWh) per år, 2016–2026.")
    assert f"Utfall från 1{NBSP}000{NBSP}000 (2016)" in desc


def test_every_chart_on_a_page_has_a_name_a_summary_and_a_table(town, login, energy_target):
    add_years(ON_TRACK)
    client = login(town.users["sustainability_lead"])
    for url in ("/energy/", "/energy/charter/", "/printing/", energy_target.get_absolute_url()):
        document = parse(client.get(url).content)
        figures = document.find_all("figure", class_="chart-figure")
        assert figures, url
        for figure in figures:
            image = figure.find_all(role="img")[0]
            name = document.find_all(id=image.attrs["aria-labelledby"])[0].text
            summary = document.find_all(id=image.attrs["aria-describedby"])[0].text
            assert name and summary, url
            # Vega draws inside its own element and cannot overwrite the named wrapper.
            assert image.find_all("div", class_="chart")[0].attrs.get("data-vega-spec")
            table = figure.find_all("details")[0].find_all("table")[0]
            assert table.find_all("caption")[0].text.startswith(name), url
            assert table.find_all("tbody")[0].find_all("tr"), url


def test_the_chart_table_writes_numbers_as_the_page_does(town, login, energy_target):
    add_years(ON_TRACK)
    document = parse(login(town.users["sustainability_lead"]).get("/energy/charter/").content)
    figure = next(f for f in document.find_all("figure") if f.find_all(id="target-chart"))
    first = figure.find_all("details")[0].find_all("tbody")[0].find_all("tr")[0]
    cells = [cell.text for cell in first.find_all("td")]
    assert first.find_all("th")[0].text == "2016"  # a year is not grouped
    assert f"1{NBSP}000{NBSP}000" in cells


def test_the_ledger_writes_out_the_data_quality(town, login, energy_target):
    add_years(ON_TRACK)
    document = parse(login(town.users["sustainability_lead"]).get("/energy/").content)
    ledger = document.find_all("table", class_="ledger")[0]
    badges = [b.text for b in ledger.find_all("span", class_="badge")]
    assert "mätt, hög kvalitet" in badges
    assert all("kvalitet" in b for b in badges), badges


def _ledger(town):
    from kretslopp.energy import ledger

    return ledger.cached(access_for(town.users["sustainability_lead"]), memo={})


def _month_labels() -> dict[str, str]:
    return {"title": "Utskrifter", "month": "Månad", "value": "Sidor"}
