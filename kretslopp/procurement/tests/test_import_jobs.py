"""The procurement's import targets in the one job flow: built from a job's options, started
through ``POST /api/v1/imports/jobs``, and listed among the import page's targets."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kretslopp.conftest import downloaded
from kretslopp.imports import runs
from kretslopp.imports.models import ImportJob
from kretslopp.imports.pipeline import InvalidOptions
from kretslopp.organisation.access import access_for
from kretslopp.procurement.models import Criterion, OfferLine, ProcurementStatus
from kretslopp.procurement.tests.factories import worked_example
from kretslopp.procurement.tests.forms import EXAMPLE_ROW, filled_form

pytestmark = pytest.mark.django_db
API = "/api/v1/imports/jobs"


def test_an_offer_form_target_needs_its_procurement(town):
    procurement = worked_example()
    access = access_for(town.users["procurement"])
    target = runs.target_for("offer_form", {"procurement": procurement.pk}, access)
    assert target.procurement == procurement
    assert target.start_url() == reverse("procurement:offer_upload", args=[procurement.pk])
    for options in ({}, {"procurement": "1"}, {"procurement": procurement.pk + 99}):
        with pytest.raises(InvalidOptions):
            runs.target_for("offer_form", options, access)
    with pytest.raises(PermissionDenied):
        runs.target_for(
            "offer_form", {"procurement": procurement.pk}, access_for(town.users["viewer"])
        )


def test_the_api_imports_an_offer_form_as_a_job(town, api_as):
    procurement = worked_example()
    buyer = api_as(town.users["procurement"], "read", "write")
    content = filled_form(procurement, [EXAMPLE_ROW])
    bad = filled_form(procurement, [{**EXAMPLE_ROW, "line_id": ""}])
    refused = buyer.upload(API, "anbud.xlsx", bad, target="offer_form", procurement=procurement.pk)
    assert refused.status_code == 422
    assert not OfferLine.objects.exists()
    missing = buyer.upload(API, "anbud.xlsx", content, target="offer_form")
    assert missing.status_code == 404
    good = buyer.upload(API, "anbud.xlsx", content, target="offer_form", procurement=procurement.pk)
    assert good.status_code == 200, good.content
    job = ImportJob.objects.get(pk=good.json()["job"])
    assert (job.target, job.options, job.source) == (
        "offer_form",
        {"procurement": procurement.pk},
        "api",
    )
    assert OfferLine.objects.filter(offer__procurement=procurement).count() == 1
    type(procurement).objects.filter(pk=procurement.pk).update(status=ProcurementStatus.DECIDED)
    decided = buyer.upload(
        API, "anbud.xlsx", content, target="offer_form", procurement=procurement.pk
    )
    assert decided.status_code == 422
    assert "beslutad" in decided.json()["error"]["details"][0]["message"]


def test_shared_criteria_are_a_job_with_their_sender(town, api_as, login):
    procurement = worked_example()
    client = login(town.users["procurement"])
    url = reverse("procurement:criteria_export", args=[procurement.pk, "json"])
    document = json.loads(downloaded(client.get(url)))
    document["criteria"][0]["colour"] = "blue"  # a field the format does not have
    buyer = api_as(town.users["procurement"], "read", "write")
    before = Criterion.objects.count()
    refused = buyer.upload(
        API,
        "k.json",
        json.dumps(document).encode(),
        target="procurement_criteria",
        imported_from="Malmö stad",
    )
    assert refused.status_code == 422
    assert {d["field"] for d in refused.json()["error"]["details"]} == {"row 1, colour"}
    assert Criterion.objects.count() == before
    job = ImportJob.objects.get(target="procurement_criteria")
    assert job.options == {"imported_from": "Malmö stad"}
    # The import page lists every target the buyer may import into, with where to start it:
    # the shared criteria on their page, an offer form from its procurement's page.
    page = client.get(reverse("imports:upload"))
    assert page.status_code == 200
    urls = [url for _label, url in page.context["targets"]]
    assert reverse("procurement:exchange") in urls and None in urls
