"""Meter readings through the import pipeline, target administration, server-side SVG."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kretslopp.core.models import AuditEntry
from kretslopp.energy import assessment, charts, views
from kretslopp.energy.meterimport import MeterReadingTarget
from kretslopp.energy.models import EnergyReading, Target
from kretslopp.energy.tests.conftest import ON_TRACK, add_years
from kretslopp.imports import pipeline
from kretslopp.imports.models import ImportJob
from kretslopp.imports.runs import SYSTEM_ACCESS
from kretslopp.organisation.access import access_for
from kretslopp.tabular import open_table

pytestmark = pytest.mark.django_db

GOOD = (
    "Mätare;Omfattning;Period;kWh;PUE\n"
    "DC1 PDU A;data_centre;2025-01;100 000;1,5\n"
    "DC1 PDU A;data_centre;2025-02;90 000,5;1,4\n"
    "Stadsnät;network;2025-01;5000;\n"
)
BAD = GOOD + "DC1 PDU A;data_centre;2025-13;100;\nDC2;kylning;2025-01;-4;9\n"


def run(text: str, dry_run: bool = False) -> pipeline.ImportResult:
    table = open_table(text.encode("utf-8"), "readings.csv")
    target = MeterReadingTarget()
    mapping = target.suggest_mapping(table.headers)
    context = pipeline.Context(
        access=SYSTEM_ACCESS, options=pipeline.Options(dry_run=dry_run), file_name="readings.csv"
    )
    return pipeline.run(table, target, mapping, context)


def test_readings_import_applies_pue_to_it_load(town):
    result = run(GOOD)
    assert result.status == "committed", result.problems
    assert result.counts.created == 3
    january = EnergyReading.objects.get(meter="DC1 PDU A", month__month=1)
    assert (january.reading_kind, january.pue, january.kwh) == (
        "it_load",
        Decimal("1.50"),
        Decimal("150000.000"),
    )
    network = EnergyReading.objects.get(meter="Stadsnät")
    assert (network.reading_kind, network.kwh) == ("facility", Decimal("5000.000"))
    content_type = ContentType.objects.get_for_model(EnergyReading)
    assert AuditEntry.objects.filter(content_type=content_type, action="create").count() == 3


def test_reimport_updates_instead_of_doubling(town):
    run(GOOD)
    result = run(GOOD.replace("90 000,5", "91 000"))
    assert (result.counts.created, result.counts.updated, result.counts.unchanged) == (0, 1, 2)
    assert EnergyReading.objects.count() == 3


def test_each_reading_written_or_changed_has_its_own_audit_entry(town):
    """The readings go in through the bulk writer; every audit entry names its reading."""
    run(GOOD)
    run(GOOD.replace("90 000,5", "91 000"))
    february = EnergyReading.objects.get(meter="DC1 PDU A", month__month=2)
    assert (february.reading_kwh, february.kwh) == (Decimal("91000.000"), Decimal("127400.000"))
    content_type = ContentType.objects.get_for_model(EnergyReading)
    entries = AuditEntry.objects.filter(content_type=content_type)
    created = dict(entries.filter(action="create").values_list("object_id", "object_repr"))
    assert created == {
        str(reading.pk): f"{reading.meter} {reading.month:%Y-%m}"
        for reading in EnergyReading.objects.all()
    }
    updated = entries.get(action="update")
    assert updated.object_id == str(february.pk)
    assert updated.changes["kwh"] == [None, "127400.000"]


def test_bad_rows_are_located_and_nothing_is_written(town):
    result = run(BAD)
    assert result.status == "rejected"
    located = {(p.row, p.column) for p in result.errors}
    assert located == {(5, "Period"), (6, "Omfattning"), (6, "kWh"), (6, "PUE")}
    assert EnergyReading.objects.count() == 0


def test_readings_page_imports_through_the_pipeline(town, login):
    client = login(town.users["sustainability_lead"])
    upload = SimpleUploadedFile("readings.csv", GOOD.encode("utf-8"), content_type="text/csv")
    response = client.post("/energy/readings/", {"file": upload})
    job = ImportJob.objects.get()
    assert response.url == job.get_absolute_url()  # the preview first: nothing written yet
    assert (job.target, job.state, job.summary["created"]) == ("meter_readings", "previewed", 3)
    assert not EnergyReading.objects.exists()
    assert "Mätaravläsningar" in client.get(response.url).content.decode()  # the target's label
    client.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == "done", job.problems
    assert EnergyReading.objects.count() == 3
    assert client.get("/energy/readings/").context["jobs"][0] == job
    assert login(town.users["coordinator"]).get("/energy/readings/").status_code == 403


def test_target_administration_is_for_the_sustainability_lead_and_audited(town, login):
    data = {
        "name": "It-energi −30 %", "kpi": "it_energy_kwh", "department": "",
        "baseline_year": 2016, "baseline_value": 1_000_000, "target_year": 2026,
        "target_value": 700_000, "trajectory": "linear", "commitment": "GDC",
    }  # fmt: skip
    assert login(town.users["coordinator"]).post("/energy/targets/new/", data).status_code == 403
    assert login(town.users["procurement"]).post("/energy/targets/new/", data).status_code == 403
    response = login(town.users["sustainability_lead"]).post("/energy/targets/new/", data)
    assert response.status_code == 302
    target = Target.objects.get()
    entry = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Target), object_id=str(target.pk)
    )
    assert entry.actor == town.users["sustainability_lead"]
    assert entry.changes["target_value"] == [None, "700000.0"]


def test_a_target_on_the_wrong_side_of_its_baseline_is_refused(town, login):
    data = {
        "name": "Fel", "kpi": "it_energy_kwh", "department": "", "baseline_year": 2016,
        "baseline_value": 1_000_000, "target_year": 2026, "target_value": 1_300_000,
        "trajectory": "linear",
    }  # fmt: skip
    response = login(town.users["administrator"]).post("/energy/targets/new/", data)
    assert response.status_code == 200
    assert Target.objects.count() == 0


def test_the_target_chart_renders_to_svg_on_the_server(town, login, energy_target):
    add_years(ON_TRACK)
    view = assessment.view_for(energy_target, access_for(town.users["sustainability_lead"]))
    svg = charts.render_svg(views.target_chart_spec(view))
    assert svg.startswith("<svg")
    for series in ("Trajectory", "Actual", "Forecast"):
        assert (
            series in svg
            or {"Trajectory": "Bana", "Actual": "Utfall", "Forecast": "Prognos"}[series] in svg
        )
    response = login(town.users["viewer_all"]).get(f"/energy/targets/{energy_target.pk}/chart.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content


def test_every_page_chart_renders_to_svg(town, login, energy_target):
    add_years(ON_TRACK)
    client = login(town.users["sustainability_lead"])
    for path in ("/energy/", "/energy/charter/", "/printing/"):
        response = client.get(path)
        assert response.status_code == 200
        for chart in _charts(response.context):
            assert charts.render_svg(chart["spec"]).startswith("<svg")


def _charts(context) -> list[dict]:
    found = []
    for key in ("main_chart", "years_chart", "energy_chart", "co2_chart", "target_chart", "chart"):
        value = context.get(key)
        if value:
            found.append(value)
    return found


def test_vega_bundle_is_served_from_our_origin_with_long_cache(town, login, settings, tmp_path):
    from kretslopp.energy import vega

    settings.VAR_DIR = tmp_path
    (tmp_path / "vega").mkdir()
    (tmp_path / "vega" / f"vega-bundle-{vega.bundle_version()}.js").write_text("/* bundle */")
    client = login(town.users["viewer"])
    response = client.get(f"/energy/vega/{vega.bundle_version()}.js")
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"]
    assert client.get("/energy/vega/0.0.js").status_code == 404
