"""The annual report: frozen snapshots, a tagged PDF whose figures equal the pages', XLSX."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from kretslopp.carbon import services
from kretslopp.conftest import make_asset
from kretslopp.core.registry import ReportSection, registry
from kretslopp.core.templatetags.units import mwh, tonnes
from kretslopp.organisation.access import reader_of
from kretslopp.reports import render, snapshot
from kretslopp.reports.models import ReportSnapshot

YEAR = 2023


@pytest.fixture
def fleet(town):
    """A fleet worth reporting: laptops and monitors bought over three years."""
    for i in range(30):
        bought = dt.date(2021 + i % 3, 2, 1)
        model = town.laptop if i % 2 else town.monitor
        department = town.own if i % 3 else town.other
        make_asset(f"MS-R{i:04d}", model, department, in_use_date=bought, purchase_date=bought)
    return town


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def _struct_types(node, found: list[str]) -> None:
    """Every structure element type under ``node`` (pypdf objects resolved)."""
    node = node.get_object()
    if isinstance(node, list):
        for child in node:
            _struct_types(child, found)
        return
    if not hasattr(node, "get"):
        return
    if node.get("/S"):
        found.append(str(node["/S"]))
        if node["/S"] == "/Figure":
            found.append("alt:" + str(node.get("/Alt", "")))
    if "/K" in node:
        _struct_types(node["/K"], found)


def test_the_pdf_is_tagged_with_language_title_headings_tables_and_alt_text(fleet):
    taken = snapshot.take(YEAR)
    data = render.build_report(taken, "sv", "pdf").data
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "sv"
    assert root["/MarkInfo"]["/Marked"].value is True
    assert reader.metadata.title == render.title_of(taken, "sv") == "IT- och klimatrapport 2023"
    types: list[str] = []
    _struct_types(root["/StructTreeRoot"], types)
    assert {"/H1", "/H2", "/Table", "/TH", "/TD"} <= set(types)
    english = PdfReader(io.BytesIO(render.build_report(taken, "en", "pdf").data))
    assert english.trailer["/Root"]["/Lang"] == "en"


def test_every_chart_has_alternative_text(fleet, monkeypatch):
    """A section with a chart (the Charter's needs meter data; a test section here)."""
    axis = {"type": "quantitative"}
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "data": {"values": [{"x": 1, "y": 2}, {"x": 2, "y": 3}]},
        "mark": "line",
        "encoding": {"x": {"field": "x", **axis}, "y": {"field": "y", **axis}},
    }
    registry.report_sections.register(
        "test:chart",
        ReportSection(lambda *a: {"title": "Diagram", "charts": [{"spec": spec, "alt": "Linje"}]}),
    )
    try:
        taken = snapshot.take(YEAR)
    finally:
        registry.report_sections.unregister("test:chart")
    root = PdfReader(io.BytesIO(render.build_report(taken, "sv", "pdf").data)).trailer["/Root"]
    types: list[str] = []
    _struct_types(root["/StructTreeRoot"], types)
    assert "/Figure" in types
    assert all(t != "alt:" for t in types if t.startswith("alt:"))
    assert "alt:Linje" in types


def test_figures_in_the_pdf_equal_the_same_figures_on_the_pages(fleet, login):
    taken = snapshot.take(YEAR)
    text = _pdf_text(render.build_report(taken, "sv", "pdf").data)
    year = services.fleet_for(reader_of(None), years=[YEAR]).total(year=YEAR)
    bought = services.purchases_by_year(reader_of(None), [YEAR])[YEAR]
    assert bought.value > 0 and year.embodied.value != bought.value  # the two views differ
    page = login(fleet.users["sustainability_lead"]).get(reverse("home")).content
    page = page.decode()
    with translation.override("sv"):
        shown = [tonnes(year.embodied.value), tonnes(year.use.value), tonnes(bought.value)]
        shown.append(mwh(year.energy.value))
    for figure in shown:
        assert figure in page, figure
        assert figure.replace("\xa0", " ") in text.replace("\xa0", " "), figure


def test_the_report_says_plainly_that_waste_is_not_estimated_in_both_languages(fleet):
    """Scope 3 category 5 (treating discarded equipment) has no figure: wherever the report
    names it, it says so, so nobody reads the gap as zero."""
    taken = snapshot.take(YEAR)
    sentences = {
        "sv": ("Uppskattas inte ännu", "scope 3 kategori 5) är ännu inte uppskattat"),
        "en": ("Not estimated yet", "(scope 3 category 5) is not estimated yet"),
    }
    for language, (in_table, in_footprint) in sentences.items():
        html = render.build_report(taken, language, "html").data.decode()
        table = html[html.index("Scope 3.5 · ISO 4.2") :]
        row = table[: table.index("</tr>")]
        assert in_table in row, language
        assert in_footprint in html, language
        assert in_table in _pdf_text(render.build_report(taken, language, "pdf").data)


def test_a_report_is_regenerated_identically_after_the_data_changed(fleet):
    taken = snapshot.take(YEAR)
    before = render.build_report(taken, "en", "html").data
    make_asset("MS-LATE", fleet.laptop, fleet.own, in_use_date=dt.date(YEAR, 5, 1))
    services._memo.clear()
    again = render.build_report(ReportSnapshot.objects.get(pk=taken.pk), "en", "html").data
    assert again == before
    assert render.build_report(snapshot.take(YEAR), "en", "html").data != before


def test_a_department_report_holds_that_departments_figures_only(fleet):
    taken = snapshot.take(YEAR, fleet.own)
    own = services.fleet_for(reader_of(fleet.own.pk), years=[YEAR]).total(year=YEAR)
    whole = services.fleet_for(reader_of(None), years=[YEAR]).total(year=YEAR)
    assert own.use.value < whole.use.value
    section = next(s for s in taken.content["en"]["sections"] if s["key"] == "carbon:footprint")
    use = next(f for f in section["figures"] if f["label"].startswith("Use-phase electricity, t"))
    assert use["value"] == pytest.approx(own.use.value / 1000)
    assert "Grundskoleförvaltningen" in render.build_report(taken, "sv", "html").data.decode()


def test_the_xlsx_has_every_table_of_the_report(fleet):
    from openpyxl import load_workbook

    taken = snapshot.take(YEAR)
    tables = [t for s in taken.content["sv"]["sections"] for t in s.get("tables", [])]
    book = load_workbook(io.BytesIO(render.build_report(taken, "sv", "xlsx").data))
    assert len(book.sheetnames) == len(tables) >= 3
    first = book.worksheets[0]
    assert [c.value for c in first[1]] == tables[0]["headers"]


def test_the_command_line_writes_the_report(fleet, tmp_path):
    target = tmp_path / "rapport.pdf"
    call_command(
        "report", "annual", "--year", str(YEAR), "--language", "en", "--output", str(target)
    )
    assert target.read_bytes().startswith(b"%PDF")
    department = tmp_path / "grf.xlsx"
    call_command(
        "report", "annual", "--year", str(YEAR), "--output", str(department), "--department", "GRF"
    )
    assert ReportSnapshot.objects.filter(department=fleet.own).count() == 1


@pytest.mark.django_db(transaction=True)  # the worker takes transactions of its own
def test_the_lead_takes_a_snapshot_on_the_web_as_a_background_job_and_it_is_audited(fleet, login):
    """The request only records what was asked; ``kretslopp worker`` takes the snapshot."""
    from kretslopp.core.models import AuditEntry

    client = login(fleet.users["sustainability_lead"])
    response = client.post(reverse("reports:create"), {"year": YEAR})
    taken = ReportSnapshot.objects.get()
    assert response.status_code == 302 and taken.created_by == fleet.users["sustainability_lead"]
    assert (taken.state, taken.content) == ("queued", {})
    entries = AuditEntry.objects.filter(
        object_id=str(taken.pk), content_type__model="reportsnapshot"
    )
    assert entries.filter(action="create", actor=fleet.users["sustainability_lead"]).exists()
    archive = client.get(reverse("reports:archive")).content.decode()
    assert "Förbereds" in archive and 'http-equiv="refresh"' in archive
    pdf_url = reverse("reports:download", args=[taken.pk, "sv", "pdf"])
    assert pdf_url not in archive and client.get(pdf_url).status_code == 404

    call_command("worker", "--batch", stdout=io.StringIO())
    taken.refresh_from_db()
    assert taken.state == "ready" and taken.content["sv"]["sections"]
    archive = client.get(reverse("reports:archive")).content.decode()
    assert pdf_url in archive and 'http-equiv="refresh"' not in archive
    assert client.get(pdf_url)["Content-Type"] == "application/pdf"


@pytest.mark.django_db(transaction=True)  # the worker takes transactions of its own
def test_a_snapshot_that_cannot_be_taken_is_marked_failed_with_no_figures(
    fleet, login, monkeypatch, caplog
):
    """The archive says so in Swedish, with what to do; the program's own words (English)
    go to the log and, for administrators, under a fold on the archive."""

    def broken(*args, **kwargs):
        raise RuntimeError("the ledger could not be read")

    monkeypatch.setattr(snapshot, "sections_for", broken)
    client = login(fleet.users["sustainability_lead"])
    client.post(reverse("reports:create"), {"year": YEAR})
    call_command("worker", "--batch", stdout=io.StringIO())
    failed = ReportSnapshot.objects.get()
    assert (failed.state, failed.content) == ("failed", {})
    logged = [r for r in caplog.records if r.name == "kretslopp.reports.snapshot"]
    assert logged and "the ledger could not be read" in str(logged[0].exc_info[1])

    archive = client.get(reverse("reports:archive")).content.decode()
    assert "Rapporten kunde inte förberedas" in archive
    assert "the ledger could not be read" not in archive and "RuntimeError" not in archive
    assert client.get(reverse("reports:preview", args=[failed.pk, "sv"])).status_code == 404

    archive = login(fleet.users["administrator"]).get(reverse("reports:archive")).content.decode()
    assert "Rapporten kunde inte förberedas" in archive
    assert "RuntimeError: the ledger could not be read" in archive


def test_a_coordinator_may_not_take_the_organisations_snapshot(fleet, login):
    client = login(fleet.users["coordinator"])
    assert client.post(reverse("reports:create"), {"year": YEAR}).status_code == 403
    assert not ReportSnapshot.objects.exists()
