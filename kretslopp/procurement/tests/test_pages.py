"""The procurement pages: create, choose criteria, offer form in and out, evaluate, decide."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kretslopp.conftest import downloaded, edit_form_data
from kretslopp.imports.models import ImportJob, JobState
from kretslopp.procurement.models import (
    Contract,
    Criterion,
    CriterionUse,
    Offer,
    OfferLine,
    Procurement,
    ProcurementStatus,
)

from .factories import worked_example
from .forms import EXAMPLE_ROW, filled_form

pytestmark = pytest.mark.django_db


def _upload(client, procurement, content: bytes, confirm=True, name="anbud.xlsx") -> ImportJob:
    """Upload a form: it becomes a job shown on its preview; ``confirm`` imports a clean one."""
    url = reverse("procurement:offer_upload", args=[procurement.pk])
    response = client.post(url, {"file": SimpleUploadedFile(name, content)})
    job = ImportJob.objects.filter(target="offer_form").latest("pk")
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    if confirm and job.problem_count == 0:
        client.post(reverse("imports:confirm", args=[job.pk]))
        job.refresh_from_db()
    return job


def test_a_buyer_creates_a_procurement_and_chooses_criteria(town, login):
    client = login(town.users["procurement"])
    response = client.post(
        reverse("procurement:procurement_create"),
        {
            "reference": "KS-2025-1",
            "title": "Datorer",
            "product_group": "computers",
            "units": "100",
            "lifetime_years": "4",
            "discount_rate": "0.03",
            "sek_per_kwh": "1.5",
            "grid_kg_co2e_per_kwh": "0.045",
            "price_basis": "lcc",
            "price_weight": "60",
        },
    )
    assert response.status_code == 302, (response.status_code, response.content[:3000])
    procurement = Procurement.objects.get(reference="KS-2025-1")
    warranty = Criterion.objects.get(criterion_id="upph-11189")
    url = reverse("procurement:use_add", args=[procurement.pk])
    refused = client.post(url, {"criterion": warranty.pk, "max_points": "10", "order": "0"})
    assert refused.status_code == 200  # the rule needs the minimum warranty years
    response = client.post(
        url,
        {
            "criterion": warranty.pk,
            "max_points": "10",
            "deduction_sek": "400",
            "parameters_text": "3",
            "interpretation": "Garantin räknas från leveransdagen.",
            "evidence_note": "Garantivillkoren bifogas.",
            "order": "0",
        },
    )
    assert response.status_code == 302
    use = CriterionUse.objects.get(procurement=procurement)
    assert use.parameters == {"minimum_warranty_years": "3"}
    assert use.interpretation == "Garantin räknas från leveransdagen."
    page = client.get(procurement.get_absolute_url())
    assert "Garantin räknas från leveransdagen." in page.content.decode()


def test_the_offer_form_has_the_columns_and_lists_the_criteria_need(town, login):
    procurement = worked_example()
    client = login(town.users["procurement"])
    workbook = load_workbook(
        io.BytesIO(downloaded(client.get(reverse("procurement:offer_form", args=[procurement.pk]))))
    )
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert "Anbudsgivare" in headers
    assert "Garanti- och serviceavtal (år)" in headers
    assert "Klimatavtryck (PCF) (kg CO2e)" not in headers  # no PCF criterion chosen
    lists = [v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert any("laptop" in (formula or "") for formula in lists)


def test_a_malformed_form_gets_located_errors_and_writes_nothing(town, login):
    procurement = worked_example()
    client = login(town.users["procurement"])
    bad = filled_form(
        procurement,
        [
            EXAMPLE_ROW,
            {**EXAMPLE_ROW, "line_id": "2", "price_per_unit_sek": "nio tusen"},
            {**EXAMPLE_ROW, "line_id": "3", "category": "brödrost", "warranty_years": 2.5},
        ],
    )
    job = _upload(client, procurement, bad)
    assert (job.state, job.options) == (JobState.PREVIEWED, {"procurement": procurement.pk})
    problems = {(p["row"], p["column"]) for p in job.problems}
    assert (3, "Pris per enhet (kr exkl. moms)") in problems
    assert (4, "Produktkategori") in problems
    assert (4, "Garanti- och serviceavtal (år)") in problems
    assert all(p["file"] == "anbud.xlsx" for p in job.problems)
    page = client.get(job.get_absolute_url())
    assert page.context["errors"] and not page.context["can_import"]
    assert 'data-column="Produktkategori"' in page.content.decode()
    assert not Offer.objects.exists() and not OfferLine.objects.exists()

    fixed = filled_form(procurement, [EXAMPLE_ROW, {**EXAMPLE_ROW, "line_id": "2"}])
    previewed = _upload(client, procurement, fixed, confirm=False)
    assert (previewed.state, previewed.problem_count) == (JobState.PREVIEWED, 0)
    assert not OfferLine.objects.exists()
    client.post(reverse("imports:confirm", args=[previewed.pk]))
    previewed.refresh_from_db()
    assert previewed.state == JobState.DONE
    assert OfferLine.objects.filter(offer__supplier__name="Exempel AB").count() == 2
    result = client.get(previewed.get_absolute_url())
    assert result.context["result_url"] == procurement.get_absolute_url()
    # A corrected form from the same bidder replaces the earlier offer whole.
    assert _upload(client, procurement, filled_form(procurement, [EXAMPLE_ROW])).state == "done"
    assert OfferLine.objects.count() == 1
    # The upload page lists the forms sent for this procurement.
    listed = client.get(reverse("procurement:offer_upload", args=[procurement.pk]))
    assert len(listed.context["jobs"]) == 3


def test_only_the_buyer_uploads_and_a_decided_procurement_refuses(town, login):
    procurement = worked_example()
    url = reverse("procurement:offer_upload", args=[procurement.pk])
    content = filled_form(procurement, [EXAMPLE_ROW])
    lead = login(town.users["sustainability_lead"])
    assert lead.post(url, {"file": SimpleUploadedFile("a.xlsx", content)}).status_code == 403
    Procurement.objects.filter(pk=procurement.pk).update(status=ProcurementStatus.DECIDED)
    buyer = login(town.users["procurement"])
    refused = buyer.post(url, {"file": SimpleUploadedFile("a.xlsx", content)})
    assert refused.status_code == 302 and refused.url == procurement.get_absolute_url()
    assert not ImportJob.objects.exists() and not OfferLine.objects.exists()


def test_evaluate_decide_and_export_the_protocol(town, login):
    procurement = worked_example()
    client = login(town.users["procurement"])
    _upload(client, procurement, filled_form(procurement, [EXAMPLE_ROW]))
    evil = {**EXAMPLE_ROW, "bidder": '=HYPERLINK("http://x")', "price_per_unit_sek": 9900}
    assert _upload(client, procurement, filled_form(procurement, [evil])).state == "done"
    page = client.get(reverse("procurement:evaluation", args=[procurement.pk]))
    text = page.content.decode()
    assert "9\xa0593,15" in text or "9 593,15" in text  # the worked example's lifecycle cost
    response = client.post(
        reverse("procurement:decide", args=[procurement.pk]), {"award_model": "value_deduction"}
    )
    assert response.status_code == 302
    assert Contract.objects.get(procurement=procurement).supplier.name == "Exempel AB"
    workbook = load_workbook(
        io.BytesIO(
            downloaded(client.get(reverse("procurement:protocol_export", args=[procurement.pk])))
        )
    )
    cells = [cell.value for row in workbook.worksheets[0].iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://x")' in cells
    assert not any(isinstance(c, str) and c.startswith("=") for c in cells)
    assert client.get(reverse("procurement:protocol", args=[procurement.pk])).status_code == 200


def test_editing_a_library_criterion_keeps_the_earlier_version(town, login):
    client = login(town.users["procurement"])
    criterion = Criterion.objects.get(criterion_id="upph-11185")
    url = reverse("procurement:criterion_edit", args=[criterion.pk])
    data = edit_form_data(client, url, title_sv="Reservdelar i fem år", change_note="Skärpt")
    assert client.post(url, data).status_code == 302
    criterion.refresh_from_db()
    assert criterion.version == 2
    old = criterion.versions.get()
    assert old.version == 1 and old.content["title_sv"] == "Tillgång till reservdelar"
    assert old.change_note == "Skärpt"


def test_the_library_filters_by_product_group(town, login):
    client = login(town.users["viewer"])
    response = client.get(reverse("procurement:criteria"), {"group": "mobile_phones"})
    ids = {row.criterion_id for row in response.context["rows"]}
    assert "own-tco-certified" in ids and "upph-11169" not in ids


def test_an_offer_line_entered_on_a_page_is_checked_like_a_form_row(town, login):
    procurement = worked_example()
    client = login(town.users["procurement"])
    url = reverse("procurement:offer_line_add", args=[procurement.pk])
    line = {
        "bidder": "Handskrivet AB", "line_id": "1", "lot": "laptop", "category": "laptop",
        "manufacturer": "Tillverkare", "model": "Bärbar 14", "price_per_unit_sek": "0",
        "tec_kwh_per_year": "18.5", "etec_limit_kwh_per_year": "30", "warranty_years": "5",
        "battery_cycles": "1000", "spare_part_years": "5",
        "certificate_scheme": "tco-certified", "certificate_tier": "generation-10",
        "certificate_valid_to": "2027-06-30",
    }  # fmt: skip
    refused = client.post(url, line)
    assert refused.status_code == 200
    assert refused.context["form"].errors["price_per_unit_sek"] == ["måste vara mer än 0"]
    assert not OfferLine.objects.exists()
    assert client.post(url, {**line, "price_per_unit_sek": "9490"}).status_code == 302
    stored = OfferLine.objects.get()
    assert stored.offer.source == "entered"
    assert stored.certificates[0]["valid_to"] == "2027-06-30"
    assert client.post(url, {**line, "price_per_unit_sek": "9490"}).status_code == 200  # same id
