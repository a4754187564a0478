"""Sharing a procurement's criteria: export, import through the one pipeline, round trip."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from kretslopp.conftest import downloaded
from kretslopp.imports import runs
from kretslopp.imports.models import ImportJob, JobState
from kretslopp.organisation.access import access_for
from kretslopp.procurement.models import Criterion, CriterionUse
from kretslopp.procurement.tests.factories import worked_example


@pytest.fixture
def shared(town):
    """The worked example's procurement plus a criterion of our own, with interpretations."""
    procurement = worked_example()
    own = Criterion.objects.get(criterion_id="upph-11185")
    values = {f: getattr(own, f) for f in own.content() if f != "is_active"}
    values.update(title_sv="Rättvis leveranskedja", title_en="Fair supply chain")
    mine = Criterion.objects.create(criterion_id="own-malmo-fair-1", origin="own", **values)
    CriterionUse.objects.create(
        procurement=procurement,
        criterion=mine,
        type=mine.type,
        interpretation="=Lödda minnen godtas inte",
        evidence_note="Tillverkarens reservdelslista",
        order=9,
    )
    CriterionUse.objects.filter(
        procurement=procurement, criterion__criterion_id="upph-11185"
    ).update(interpretation="Gäller även dockningsstationer")
    return procurement


def run_file(content: bytes, file_name: str, *, sender: str, **kwargs):
    """A received file through the one job flow, as the command line and the API run it."""
    return runs.import_file(
        "procurement_criteria", content, file_name, options={"imported_from": sender}, **kwargs
    )


def _export(client, procurement, fmt):
    url = reverse("procurement:criteria_export", args=[procurement.pk, fmt])
    return downloaded(client.get(url))


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_round_trip_into_another_library(town, shared, login, fmt):
    client = login(town.users["procurement"])
    content = _export(client, shared, fmt)
    text = content.decode("utf-8-sig")
    for secret in ("9490", "Exempel AB", "price", "deduction", "max_points"):
        assert secret not in text
    # The other municipality's library: the shipped criteria, but not our own one.
    CriterionUse.objects.filter(criterion__criterion_id="own-malmo-fair-1").delete()
    Criterion.objects.filter(criterion_id="own-malmo-fair-1").delete()
    access = access_for(town.users["procurement"])
    user = town.users["procurement"]
    preview = run_file(content, f"k.{fmt}", sender="Malmö stad", access=access, dry_run=True)
    assert preview.status == "dry_run", preview.problems
    assert (preview.counts.created, preview.counts.unchanged) == (1, 4)
    assert not Criterion.objects.filter(criterion_id="own-malmo-fair-1").exists()
    # The shipped criterion with the sender's interpretation is kept, with a warning.
    assert [p.column for p in preview.problems if p.warning] == ["interpretation"]

    result = run_file(content, f"k.{fmt}", sender="Malmö stad", access=access, actor=user)
    assert result.status == "committed"
    received = Criterion.objects.get(criterion_id="own-malmo-fair-1")
    assert (received.origin, received.imported_from) == ("imported", "Malmö stad")
    assert received.title_sv == "Rättvis leveranskedja"
    assert received.product_groups == ["computers", "displays"]
    assert "=Lödda minnen godtas inte" in received.note_sv
    assert "Tillverkarens reservdelslista" in received.note_sv
    again = run_file(content, f"k.{fmt}", sender="Malmö stad", access=access, actor=user)
    assert (again.status, again.counts.created, again.counts.unchanged) == ("committed", 0, 5)


@pytest.mark.django_db
def test_a_malformed_shared_file_gets_located_errors_and_writes_nothing(town, shared, login):
    client = login(town.users["procurement"])
    document = json.loads(_export(client, shared, "json"))
    document["criteria"][0]["criterion_id"] = "new-one"
    document["criteria"][1]["type"] = "önskemål"
    document["criteria"][2]["version_date"] = "igår"
    document["criteria"][3]["accepted_proof"] = ["okänd-märkning"]
    document["criteria"][4]["pris"] = "100"
    before = Criterion.objects.count()
    access = access_for(town.users["procurement"])
    content = json.dumps(document).encode()
    result = run_file(content, "k.json", sender="X", access=access)
    assert result.status == "rejected"
    assert [(p.row, p.column) for p in result.errors] == [(5, "pris")]
    del document["criteria"][4]["pris"]
    result = run_file(json.dumps(document).encode(), "k.json", sender="X", access=access)
    assert result.status == "rejected"
    located = {(p.file, p.row, p.column) for p in result.errors}
    assert located == {
        ("k.json", 2, "type"),
        ("k.json", 3, "version_date"),
        ("k.json", 4, "accepted_proof"),
    }
    type_problem = next(p for p in result.errors if p.column == "type")
    assert type_problem.value == "önskemål"
    assert "technical_specification" in type_problem.message
    assert Criterion.objects.count() == before
    assert not Criterion.objects.filter(criterion_id="new-one").exists()
    assert run_file(b"{not json", "k.json", sender="X", access=access).status == "unreadable"


@pytest.mark.django_db
def test_a_criterion_of_our_own_is_never_overwritten(town, shared, login):
    client = login(town.users["procurement"])
    content = _export(client, shared, "csv")
    Criterion.objects.filter(criterion_id="own-malmo-fair-1").update(title_sv="Ändrad här")
    access = access_for(town.users["procurement"])
    result = run_file(content, "k.csv", sender="X", access=access)
    assert result.status == "rejected"
    assert [(p.row, p.column) for p in result.errors] == [(6, "criterion_id")]


@pytest.mark.django_db
def test_the_exchange_page_previews_then_imports(town, shared, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(town.users["procurement"])
    content = _export(client, shared, "json")
    CriterionUse.objects.filter(criterion__criterion_id="own-malmo-fair-1").delete()
    Criterion.objects.filter(criterion_id="own-malmo-fair-1").delete()
    url = reverse("procurement:exchange")
    upload = SimpleUploadedFile("kriterier.json", content, content_type="application/json")
    sent = client.post(url, {"file": upload, "sender": "Lunds kommun"})
    job = ImportJob.objects.get(target="procurement_criteria")
    assert sent.status_code == 302 and sent.url == job.get_absolute_url()
    assert (job.state, job.problem_count) == (JobState.PREVIEWED, 0)
    assert job.options == {"imported_from": "Lunds kommun"}
    preview = client.get(job.get_absolute_url())
    assert preview.context["can_import"]
    assert not Criterion.objects.filter(criterion_id="own-malmo-fair-1").exists()
    client.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert Criterion.objects.get(criterion_id="own-malmo-fair-1").imported_from == "Lunds kommun"
    done = client.get(job.get_absolute_url())
    assert done.context["result_url"] == reverse("procurement:criteria")
    assert [listed.pk for listed in client.get(url).context["jobs"]] == [job.pk]
    # The sustainability lead reads and exports but does not import.
    lead = login(town.users["sustainability_lead"])
    assert lead.get(url).context["can_import"] is False
    assert lead.post(url, {"sender": "x"}).status_code == 403


@pytest.mark.django_db
def test_a_shared_file_of_more_values_than_an_import_reads_is_refused_before_it_is_parsed(
    town, settings, monkeypatch
):
    """A few MB of empty criteria (``{},{},…``) would be millions of objects in memory (20 MB
    took 620 MB): a JSON file holding more values than the cells an import reads
    (``KRETSLOPP_IMPORT_MAX_CELLS``) is refused as a whole, before it is parsed."""
    from kretslopp.procurement import exchange

    def never(*args, **kwargs):
        raise AssertionError("the file was parsed")

    settings.IMPORT_MAX_CELLS = 1000
    monkeypatch.setattr(exchange.json, "loads", never)
    content = b'{"format": "kretslopp-criteria-exchange", "version": 1, "criteria": ['
    content += b",".join([b'{"title_sv": "x"}'] * 600) + b"]}"
    buyer = town.users["procurement"]
    result = run_file(content, "many.json", sender="Lund", access=access_for(buyer), actor=buyer)
    assert result.status == "unreadable"
    assert "1000" in result.problems[0].message or "1\xa0000" in result.problems[0].message
    assert list(ImportJob.objects.values_list("state", flat=True)) == [JobState.UNREADABLE]
