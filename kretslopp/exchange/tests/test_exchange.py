"""The KPI exchange: computed values, publishing, the format's round trip between two
installations, refusal of files that break the schema, ranks and warnings, the API."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from kretslopp.conftest import downloaded
from kretslopp.core.models import AuditEntry
from kretslopp.core.registry import KpiEntry, registry
from kretslopp.energy.kpis import Actuals
from kretslopp.exchange import comparison, values
from kretslopp.exchange import format as exchange_format
from kretslopp.exchange.models import CatalogueKpi, Peer, PeerValue, Publication, Publisher
from kretslopp.imports import runs
from kretslopp.organisation.access import access_for

SOURCE = "test_exchange_kpi"


@pytest.fixture
def source_kpi():
    """A registered KPI with known actuals, and a catalogue KPI per employee built on it."""

    def actuals(access, department_id, memo):
        return Actuals({2023: 5000.0, 2024: 4000.0}, "test", "medium")

    registry.kpis.register(SOURCE, KpiEntry(SOURCE, "Test", "kWh", "decrease", actuals, 999))
    kpi = CatalogueKpi.objects.create(
        kpi="KT0001",
        version=2,
        source_kpi=SOURCE,
        normalisation="per_employee",
        unit="kWh per anställd",
        direction="decrease",
        framework="own",
        method="test-method-1",
        factors="none",
        title_sv="Testvärde per anställd",
        title_en="Test value per employee",
        definition_sv="Test.",
        definition_en="Test.",
    )
    yield kpi
    registry.kpis.unregister(SOURCE)


@pytest.fixture
def published(town, source_kpi):
    """Malmö publishes both years of the test KPI (as the lead would on the page)."""
    Publisher.objects.create(municipality_code="1280", name="Malmö stad")
    lead = town.users["sustainability_lead"]
    computed = values.compute(source_kpi, access_for(lead))
    from kretslopp.exchange.published import publish

    publish({("KT0001", 2023), ("KT0001", 2024)}, computed, lead)
    return source_kpi


@pytest.mark.django_db
def test_values_are_the_registered_kpi_divided_by_the_head_count(town, source_kpi):
    computed = values.compute(source_kpi, access_for(town.users["sustainability_lead"]))
    # Teststad has 1,000 employees: 5,000 kWh → 5 kWh per employee.
    assert [(c.period, c.value, c.count) for c in computed] == [
        (2023, 5.0, 1000),
        (2024, 4.0, 1000),
    ]
    assert {c.method for c in computed} == {"test-method-1"}


@pytest.mark.django_db
def test_the_catalogue_is_seeded_with_both_languages_and_a_framework():
    kpi = CatalogueKpi.objects.get(kpi="KR0002")
    assert (kpi.normalisation, kpi.direction, kpi.framework) == ("per_employee", "decrease", "gdc")
    assert kpi.title_sv and kpi.title_en and kpi.definition_sv and kpi.definition_en
    assert CatalogueKpi.objects.filter(framework="ghg").exclude(ghg_category="").exists()


@pytest.mark.django_db
def test_the_lead_publishes_on_the_page_and_it_is_audited(town, login, source_kpi):
    Publisher.objects.create(municipality_code="1280", name="Malmö stad")
    client = login(town.users["sustainability_lead"])
    url = reverse("exchange:publish")
    page = client.get(url)
    assert page.status_code == 200
    assert b'value="KT0001:2024"' in page.content
    response = client.post(url, {"action": "publish", "publish": ["KT0001:2024"]})
    assert response.status_code == 302
    publication = Publication.objects.get()
    assert (publication.kpi_id, publication.period, publication.value) == ("KT0001", 2024, 4.0)
    assert publication.published_by == town.users["sustainability_lead"]
    assert AuditEntry.objects.filter(
        content_type__model="publication", action="create", actor=town.users["sustainability_lead"]
    ).exists()
    # Unticking withdraws it; only published values are ever exported.
    client.post(url, {"action": "publish"})
    assert not Publication.objects.exists()
    assert login(town.users["viewer"]).get(url).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "csv", "csv-sv"])
def test_a_file_exported_here_imports_into_another_installation(town, login, published, fmt):
    content = downloaded(login(town.users["viewer"]).get(reverse("exchange:export", args=[fmt])))
    if fmt == "json":
        document = json.loads(content)
        assert exchange_format.problems_of(document) == []
        assert [e["period"] for e in document["values"]] == [2023, 2024]
    for personal in ("anv", "@", "Teststad"):
        assert personal not in content.decode("utf-8-sig" if fmt != "csv-sv" else "cp1252")

    # The other installation: Lund, with nothing of Malmö's but the file.
    Publication.objects.all().delete()
    Publisher.objects.all().delete()
    Publisher.objects.create(municipality_code="1281", name="Lunds kommun")
    lead = town.users["sustainability_lead"]
    name = "kpi-1280." + ("json" if fmt == "json" else "csv")
    result = runs.import_file(
        "kpi_exchange",
        content,
        name,
        access=access_for(lead),
        actor=lead,
        options={"source": "Malmö stad, e-post"},
    )
    assert result.status == "committed", result.problems
    peer = Peer.objects.get()
    assert (peer.municipality_code, peer.name, peer.source) == (
        "1280",
        "Malmö stad",
        "Malmö stad, e-post",
    )
    assert sorted(PeerValue.objects.values_list("period", "value", "count")) == [
        (2023, 5.0, 1000),
        (2024, 4.0, 1000),
    ]
    # Imported again: unchanged, nothing duplicated.
    again = runs.import_file(
        "kpi_exchange", content, name, access=access_for(lead), actor=lead,
        options={"source": "Malmö stad, e-post"},
    )  # fmt: skip
    assert (again.status, again.counts.unchanged, PeerValue.objects.count()) == ("committed", 2, 2)

    page = login(town.users["viewer"]).get(reverse("exchange:compare"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Malmö stad" in text and "Malmö stad, e-post" in text and "KT0001" in text


@pytest.mark.django_db
def test_a_file_that_breaks_the_schema_is_refused_with_located_errors(town, published):
    lead = town.users["sustainability_lead"]
    Publisher.objects.filter().update(municipality_code="1281")
    document = {
        "format": "kretslopp-kpi-exchange",
        "version": 1,
        "publisher": {"municipality": "1280", "name": "Malmö stad"},
        "values": [
            exchange_format.entry(
                {
                    "kpi": "KT0001",
                    "kpi_version": 1,
                    "municipality": "1280",
                    "period": 2023,
                    "value": 5.0,
                    "count": 1000,
                    "method": "m",
                }  # fmt: skip
            ),
            {
                **exchange_format.entry(
                    {
                        "kpi": "KT0001",
                        "kpi_version": 1,
                        "municipality": "128",
                        "period": 2024,
                        "value": 4.0,
                        "count": 1000,
                        "method": "m",
                    }  # fmt: skip
                ),
                "colour": "red",
            },
        ],
    }
    document["values"][0]["values"][0]["value"] = "fem"
    result = runs.import_file(
        "kpi_exchange", json.dumps(document).encode(), "lund.json", access=access_for(lead)
    )
    assert result.status == "rejected"
    located = {(p.file, p.row, p.column) for p in result.errors}
    assert ("lund.json", 1, "/values/0/values/0/value") in located
    assert ("lund.json", 2, "/values/1/municipality") in located
    assert ("lund.json", 2, "/values/1") in located  # the unknown field "colour"
    assert not Peer.objects.exists() and not PeerValue.objects.exists()

    csv = (
        "kpi,kpi_version,municipality,municipality_name,period,gender,value,count,status,"
        "method,factor_set,data_quality\n"
        'KT0001,1,1280,Malmö stad,2023,T,"5,5",1000,,m,,high\n'
        "KT0001,1,1280,Malmö stad,2024,T,x,1000,,m,,best\n"
        "KX9999,1,1280,Malmö stad,2024,T,4,1000,,m,,high\n"
        "KT0001,1,1281,Lunds kommun,2024,T,4,1000,,m,,high\n"
    ).encode()
    result = runs.import_file("kpi_exchange", csv, "lund.csv", access=access_for(lead))
    assert result.status == "rejected"
    located = {(p.row, p.column) for p in result.errors}
    assert located == {(3, "value"), (4, "kpi"), (5, "municipality")}
    assert not PeerValue.objects.exists()


@pytest.mark.django_db
def test_a_json_file_that_cannot_be_read_at_all_is_refused_naming_the_file(town):
    lead = town.users["sustainability_lead"]
    cut_short = b'{"format": "kretslopp-kpi-exchange", "values": ['
    result = runs.import_file("kpi_exchange", cut_short, "lund.json", access=access_for(lead))
    assert result.status == "unreadable"
    [problem] = result.problems
    assert (problem.file, problem.code) == ("lund.json", "not_exchange_file")
    assert "nyckeltalsutbyte" in problem.message  # the KPI exchange format, in Swedish
    assert not Peer.objects.exists()


@pytest.mark.django_db
def test_ranks_follow_the_direction_and_differing_bases_are_flagged(town, published):
    lund = Peer.objects.create(municipality_code="1281", name="Lund", source="test")
    gbg = Peer.objects.create(municipality_code="1480", name="Göteborg", source="test")
    common = {"kpi_id": "KT0001", "kpi_version": 2, "method": "test-method-1", "factor_set": ""}
    PeerValue.objects.create(peer=lund, period=2023, value=3.0, **common)
    PeerValue.objects.create(peer=gbg, period=2023, value=9.0, **common)
    PeerValue.objects.create(peer=gbg, period=2024, value=1.0, **{**common, "factor_set": "other"})
    (kpi,) = comparison.compare()
    y2023, y2024 = kpi.years
    assert y2023.ranks == {"1281": 1, "1280": 2, "1480": 3}  # lower is better
    assert y2023.comparable and y2023.own_rank == 2
    assert y2024.differing == ["Göteborg"] and not y2024.comparable


@pytest.mark.django_db
def test_the_schema_answers_at_its_stable_url_to_any_caller(town, api_as):
    response = api_as(town.users["partner"], "read").get("/api/v1/exchange/schema/v1.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema == exchange_format.schema()
    assert schema["$id"] == "/api/v1/exchange/schema/v1.json"
    assert schema["properties"]["format"] == {"const": "kretslopp-kpi-exchange"}


@pytest.mark.django_db
def test_the_api_answers_in_koladas_shape_with_published_values_only(town, api_as, published):
    api = api_as(town.users["viewer"], "read")
    one = api.get("/api/v1/exchange/data/kpi/KT0001/municipality/1280/year/2024").json()
    assert [(e["kpi"], e["municipality"], e["period"]) for e in one["values"]] == [
        ("KT0001", "1280", 2024)
    ]
    assert one["values"][0]["values"] == [
        {"gender": "T", "value": 4.0, "count": 1000, "status": ""}
    ]
    assert exchange_format.problems_of(one) == []
    other = api.get("/api/v1/exchange/data/kpi/KT0001/municipality/1281/year/2024").json()
    assert other["values"] == []
    Publication.objects.filter(period=2023).delete()
    every = api.get("/api/v1/exchange/data").json()
    assert [e["period"] for e in every["values"]] == [2024]
    assert any(k["id"] == "KR0001" for k in api.get("/api/v1/exchange/kpis").json())


def test_figures_keep_three_significant_digits_and_swedish_form():
    from django.utils import translation

    from kretslopp.exchange.templatetags.exchange import figure

    with translation.override("sv"):
        assert [figure(v) for v in (26000.4, 812.46, 42.66, 1.534, 0.00153, 0, None)] == [
            "26\xa0000",
            "812",
            "42,7",
            "1,53",
            "0,00153",
            "0",
            "–",
        ]


@pytest.mark.django_db
def test_another_installation_can_send_its_file_through_the_api(town, api_as, published):
    content = exchange_format.to_json(
        exchange_format.document(
            "1283",
            "Helsingborgs stad",
            [
                {
                    "kpi": "KT0001",
                    "kpi_version": 2,
                    "municipality": "1283",
                    "period": 2024,
                    "value": 3.5,
                    "count": 8000,
                    "method": "test-method-1",
                }
            ],  # fmt: skip
        )
    )
    lead = api_as(town.users["sustainability_lead"], "read", "write")
    response = lead.upload(
        "/api/v1/imports/jobs",
        "helsingborg.json",
        content,
        target="kpi_exchange",
        imported_from="Helsingborgs stad via API",
    )
    assert response.status_code == 200, response.content
    peer = Peer.objects.get()
    assert (peer.municipality_code, peer.source) == ("1283", "Helsingborgs stad via API")
    viewer = api_as(town.users["viewer"], "read", "write")
    refused = viewer.upload("/api/v1/imports/jobs", "h.json", content, target="kpi_exchange")
    assert refused.status_code == 403


@pytest.mark.django_db
def test_the_command_line_imports_a_peer_file_and_refuses_a_broken_one(
    town, login, published, tmp_path
):
    """``kretslopp import kpi-exchange``: the same pipeline, exit status and job list."""
    import io

    from django.core.management import CommandError, call_command

    from kretslopp.imports.models import ImportJob

    content = downloaded(login(town.users["viewer"]).get(reverse("exchange:export", args=["json"])))
    Publication.objects.all().delete()
    Publisher.objects.all().delete()
    Publisher.objects.create(municipality_code="1281", name="Lunds kommun")
    good = tmp_path / "kpi-1280.json"
    good.write_bytes(content)
    out = io.StringIO()
    call_command("import", "kpi-exchange", str(good), "--source", "Malmö stad, e-post", stdout=out)
    peer = Peer.objects.get()
    assert (peer.municipality_code, peer.source) == ("1280", "Malmö stad, e-post")
    assert PeerValue.objects.count() == 2

    broken = tmp_path / "broken.json"
    broken.write_text(content.decode("utf-8-sig").replace('"period": 2024', '"period": "2024"'))
    with pytest.raises(CommandError, match="broken.json: 1 problem"):
        call_command("import", "kpi-exchange", str(broken), "--source", "x", stdout=io.StringIO())
    assert PeerValue.objects.count() == 2  # nothing of the broken file written
    assert list(ImportJob.objects.order_by("pk").values_list("target", "file_name")) == [
        ("kpi_exchange", "kpi-1280.json"),
        ("kpi_exchange", "broken.json"),
    ]
