"""A peer's KPI file made to hurt: refused with located problems, never a server error,
never the memory exhausted, and nothing of it written."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from kretslopp.exchange import format as exchange_format
from kretslopp.exchange.models import Peer, PeerValue
from kretslopp.imports import runs
from kretslopp.imports.models import ImportJob
from kretslopp.organisation.access import access_for

HEADER = (
    "kpi,kpi_version,municipality,municipality_name,period,gender,value,count,status,"
    "method,factor_set,data_quality\n"
)


def _document(**entry) -> bytes:
    """Lund's file with one entry of the test KPI, ``entry`` changing its fields."""
    fields = {
        "kpi": "KT0001",
        "kpi_version": 2,
        "municipality": "1281",
        "municipality_name": "Lunds kommun",
        "period": 2023,
        "value": 5.0,
        "count": 1000,
        "method": "test-method-1",
    }
    return exchange_format.to_json(
        exchange_format.document("1281", "Lunds kommun", [fields | entry])
    )


def _import(town, content: bytes, name: str):
    lead = town.users["sustainability_lead"]
    return runs.import_file(
        "kpi_exchange", content, name, access=access_for(lead), actor=lead,
        options={"source": "Lund"},
    )  # fmt: skip


def _nothing_written() -> bool:
    return not Peer.objects.exists() and not PeerValue.objects.exists()


@pytest.mark.django_db
def test_a_file_nested_deeper_than_the_format_is_refused_on_the_page_not_a_server_error(
    town, login, published
):
    client = login(town.users["sustainability_lead"])
    deep = b'{"values": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("exchange:publish"),
        {
            "action": "upload",
            "source": "Lund",
            "file": SimpleUploadedFile("deep.json", deep, "application/json"),
        },
    )
    assert response.status_code == 302
    job = ImportJob.objects.get(file_name="deep.json")
    assert job.state == "unreadable"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "djupare" in page.content.decode()  # "nested deeper than the format", in Swedish
    assert _nothing_written()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "pointer"),
    [
        (b'"count": ' + b"9" * 5000, "/values/0/values/0/count"),  # beyond Python's int text
        (b'"value": NaN', "/values/0/values/0/value"),
        (b'"value": -Infinity', "/values/0/values/0/value"),
        (b'"value": 1e999', "/values/0/values/0/value"),
    ],
)
def test_a_number_json_cannot_hold_is_a_located_problem(town, published, raw, pointer):
    key = raw.split(b":")[0]
    content = _document()
    start = content.rindex(key)  # the entry's, not the document's count
    end = content.index(b"\n", start)
    comma = b"," if content[end - 1 : end] == b"," else b""
    content = content[:start] + raw + comma + content[end:]
    result = _import(town, content, "lund.json")
    assert result.status == "rejected"
    assert ("lund.json", 1, pointer) in {(p.file, p.row, p.column) for p in result.errors}
    assert _nothing_written()


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["count", "kpi_version"])
def test_a_whole_number_beyond_what_the_database_keeps_is_a_located_problem(town, published, field):
    result = _import(town, _document(**{field: 10**20}), "lund.json")
    assert result.status == "rejected"
    where = "/values/0/values/0/count" if field == "count" else "/values/0/kpi_version"
    assert ("lund.json", 1, where) in {(p.file, p.row, p.column) for p in result.errors}
    assert _nothing_written()


@pytest.mark.django_db
@pytest.mark.parametrize("count", ["100000000000000000000", "1e10000000", "1e99999999999"])
def test_a_csv_count_beyond_what_the_database_keeps_is_a_located_problem(town, published, count):
    """Also "1e10000000": turning that into a whole number would take the server minutes."""
    csv = HEADER + f"KT0001,2,1281,Lunds kommun,2023,T,5,{count},,test-method-1,,high\n"
    result = _import(town, csv.encode(), "lund.csv")
    assert result.status == "rejected"
    assert {(p.row, p.column) for p in result.errors} == {(2, "count")}
    assert _nothing_written()


@pytest.mark.django_db
def test_a_csv_value_beyond_a_number_is_a_located_problem(town, published):
    csv = HEADER + "KT0001,2,1281,Lunds kommun,2023,T,1e999999,1000,,test-method-1,,high\n"
    result = _import(town, csv.encode(), "lund.csv")
    assert result.status == "rejected"
    assert {(p.row, p.column) for p in result.errors} == {(2, "value")}
    assert _nothing_written()


@pytest.mark.django_db
def test_a_file_with_more_values_than_the_formats_entries_hold_is_refused_before_reading(
    town, published, monkeypatch
):
    """Millions of tiny values in a few MB would be millions of objects in memory: the file
    is refused as a whole, naming the limit, before it is parsed."""

    def never(*args, **kwargs):
        raise AssertionError("the file was parsed")

    tiny = b'{"values": [' + b"0," * 4_000_000 + b"0]}"
    monkeypatch.setattr(exchange_format.json, "loads", never)
    result = _import(town, tiny, "tiny.json")
    assert result.status == "unreadable"
    assert "100\xa0000" in result.problems[0].message  # the format's entries, in Swedish form
    assert _nothing_written()


@pytest.mark.django_db
def test_commas_inside_text_do_not_count_against_that_limit(town, published):
    """A valid file is never refused for the commas its text holds."""
    document = json.loads(_document())
    document["exported_at"] = "," * 4_000_000
    result = _import(town, json.dumps(document).encode(), "lund.json")
    assert result.status == "committed", result.problems


@pytest.mark.django_db
def test_a_file_broken_everywhere_lists_its_first_problems_and_stops_looking(
    town, published, monkeypatch
):
    """Every entry breaks the schema nine times: the refusal lists the first problems in the
    file's order (up to 10,000, as every import keeps) instead of building millions of them
    (100,000 broken entries took 2.5 GB)."""
    monkeypatch.setattr(exchange_format, "MAX_SCHEMA_PROBLEMS", 100)
    broken = b'{"format": "kretslopp-kpi-exchange", "version": 1, "publisher": {"municipality":'
    broken += b' "1281", "name": "Lund"}, "values": [' + b",".join([b'{"a": 1}'] * 3000) + b"]}"
    result = _import(town, broken, "broken.json")
    assert result.status == "rejected"
    assert len(result.problems) == result.problem_count == 100
    assert [p.row for p in result.problems][:10] == [1] * 9 + [2]
    assert _nothing_written()


@pytest.mark.django_db
def test_a_file_of_escaped_quotes_that_never_close_is_refused_as_a_whole(town, published):
    """Text that never ends, full of escaped quotes: looking for where it ends once per quote
    cost minutes for a few hundred kB; the file is refused as a whole at once."""
    endless = b'{"values": [' + b"0," * 4_000_000 + b'"' + b'\\"' * 400_000
    result = _import(town, endless, "endless.json")
    assert result.status == "unreadable"
    assert _nothing_written()


@pytest.mark.django_db
def test_a_tampered_publish_form_publishes_what_it_names_and_nothing_else(town, login, source_kpi):
    """Years no form offers ("²" counts as a digit to Python, 5,000 nines are too long to
    read) are left out, not a server error."""
    from kretslopp.exchange.models import Publication, Publisher

    Publisher.objects.create(municipality_code="1280", name="Malmö stad")
    client = login(town.users["sustainability_lead"])
    response = client.post(
        reverse("exchange:publish"),
        {"action": "publish", "publish": ["KT0001:2024", "KT0001:²", "KT0001:" + "9" * 5000]},
    )
    assert response.status_code == 302
    assert list(Publication.objects.values_list("kpi_id", "period")) == [("KT0001", 2024)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "where"),
    [
        (b'{"format": "kretslopp-kpi-exchange",\n "values": [1, 2,]}', "rad 2, kolumn 18"),
        (b'{"format": "kretslopp-kpi-\xff"}', "byte 27"),
    ],
)
def test_a_file_that_is_not_json_is_refused_saying_where_in_swedish(
    town, published, content, where
):
    """Not the parser's English ("Expecting value: line 2 column 18 (char 54)")."""
    result = _import(town, content, "lund.json")
    assert result.status == "unreadable"
    message = result.problems[0].message
    assert where in message
    assert "Expecting" not in message and "codec" not in message
