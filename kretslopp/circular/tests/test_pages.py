"""The take-back pages: results, the employee page, exports and the routines."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from kretslopp.circular.models import CampaignItem
from kretslopp.circular.report import import_report
from kretslopp.circular.tests.conftest import report_table, result_row
from kretslopp.conftest import downloaded, make_asset, refusal_of, save_over_a_colleague
from kretslopp.imports.models import ImportJob, JobState
from kretslopp.organisation.models import Person
from kretslopp.tabular import open_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(town, campaign, handed_over, admin_access):
    items = list(CampaignItem.objects.filter(campaign=campaign))
    rows = [result_row(item, certificate=f"C-{i}") for i, item in enumerate(items)]
    assert import_report(campaign, report_table(rows), access=admin_access).status == "committed"
    return campaign


def test_campaign_page_names_the_method_and_links_the_methodology(town, login, reported):
    page = login(town.users["sustainability_lead"]).get(
        reverse("circular:campaign", args=[reported.pk])
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "ivl-inrego-2020" in html
    assert "/methodology/#avoided-ivl-inrego-2020" in html
    assert page.context["figures"].products == 4


def test_campaign_list_shows_campaigns_side_by_side(town, login, reported):
    response = login(town.users["viewer_all"]).get(reverse("circular:campaigns"))
    assert response.status_code == 200
    assert response.context["rows"][0][1].products == 4


def test_public_page_needs_no_login_and_shows_no_personal_data(client, town, reported):
    url = reverse("circular:public", args=[reported.public_slug])
    assert client.get(url).status_code == 404  # not public yet
    reported.public = True
    reported.save()
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "ivl-inrego-2020" in html
    for item in CampaignItem.objects.filter(campaign=reported):
        assert item.asset_tag not in html and item.serial_number not in html
    assert "anv000001" not in html
    assert "127,6 g CO2 per km" in html  # the sourced car factor, named, in Swedish form
    assert "eea.europa.eu" in html
    assert client.get(reverse("circular:public", args=["guess"])).status_code == 404


def _public_page(client, campaign, language: str = "sv") -> tuple[str, str]:
    """The employee page as (main text, the "how we counted" part one click away)."""
    from django.conf import settings

    campaign.public = True
    campaign.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(reverse("circular:public", args=[campaign.public_slug])).content.decode()
    main, _sep, counted = html.partition('<details class="card how-we-counted"')
    return main, counted


def test_public_page_speaks_plain_swedish_with_the_sources_one_click_away(client, reported):
    from html import escape

    from kretslopp.circular.figures import comparisons, figures_for

    main, counted = _public_page(client, reported)
    assert "Varje återlämnad dator sparade i genomsnitt ungefär" in main
    assert "med en ny bensinbil" in main
    for jargon in ("gwp_", "×", "PCF", "ivl-inrego-2020", "pcf-median", "127.6", "g CO2 per km"):
        assert jargon not in main, jargon
    figures = figures_for(CampaignItem.objects.filter(campaign=reported))
    sources = comparisons(figures).sources
    assert {s.publisher for s in sources} >= {"European Environment Agency (EEA)", "Boavizta"}
    for cited in sources:
        assert escape(cited.title) not in main  # titles as published, but not in the text
        assert escape(cited.title) in counted
    assert "<summary><h2>Så har vi räknat</h2></summary>" in counted
    assert "127,6 g CO2 per km" in counted


def test_public_page_in_english(client, reported):
    main, counted = _public_page(client, reported, "en")
    assert "Every computer handed in saved about" in main
    assert "How we counted" in counted and "127.6 g CO2 per km" in counted
    assert "gwp_" not in main and "PCF" not in main


def test_manifest_is_printable_and_exportable(town, login, campaign, handed_over):
    client = login(town.users["administrator"])
    page = client.get(handed_over.get_absolute_url())
    assert page.status_code == 200 and "Kim Partner" in page.content.decode()
    for fmt in ("csv", "xlsx"):
        response = client.get(
            reverse("circular:manifest_export", args=[campaign.pk, handed_over.pk, fmt])
        )
        assert response.status_code == 200
        table = open_table(downloaded(response), f"m.{fmt}")
        assert len(list(table.rows())) == 4


def test_manifest_export_neutralises_formulas(town, login, campaign, admin_access):
    from kretslopp.circular import collection, handover

    collection.collect_unknown(
        campaign,
        category="laptop",
        serial="=HYPERLINK(1)",
        department=town.own,
        access=admin_access,
    )
    manifest = handover.hand_over(
        campaign, handed_over_on=dt.date(2024, 4, 1), handed_over_by="a", received_by="b"
    )
    response = login(town.users["administrator"]).get(
        reverse("circular:manifest_export", args=[campaign.pk, manifest.pk, "csv"])
    )
    assert "'=HYPERLINK(1)" in downloaded(response).decode("utf-8-sig")


def test_scan_page_posts_and_comes_back_focused(town, login, campaign):
    client = login(town.users["coordinator"])
    url = reverse("circular:collect", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert "autofocus" in page
    response = client.post(url, {"code": "MS-0000001"}, follow=True)
    assert "MS-0000001" in downloaded(response).decode()
    again = client.post(url, {"code": "MS-0000001"}, follow=True)
    assert [m.level_tag for m in again.context["messages"]] == ["error"]
    unknown = client.post(url, {"code": "NOPE-1"})
    assert unknown.status_code == 404 and unknown.context["unknown_form"] is not None


def _replaced(town):
    person = Person.objects.get(identifier="anv000001")
    old = make_asset(
        "OLD-1", town.laptop, town.own, in_use_date=dt.date(2019, 1, 1), assignee=person
    )
    make_asset(
        "NEW-1",
        town.laptop,
        town.own,
        in_use_date=dt.date.today() - dt.timedelta(days=40),
        assignee=person,
    )
    return old


def test_not_returned_lists_replaced_devices(town, login):
    old = _replaced(town)
    client = login(town.users["coordinator"])
    response = client.get(reverse("circular:not_returned"))
    assert [a.asset_tag for a in response.context["assets"]] == [old.asset_tag]
    assert response.context["days"] == 30
    later = client.get(reverse("circular:not_returned"), {"days": "60"})
    assert later.context["total"] == 0
    export = client.get(reverse("circular:not_returned"), {"format": "xlsx"})
    rows = list(open_table(downloaded(export), "x.xlsx").rows())
    assert rows[0].values[1] == "OLD-1"


def test_not_returned_days_are_configurable_per_organisation(town, login):
    _replaced(town)
    client = login(town.users["administrator"])
    client.post(reverse("circular:settings"), {"not_returned_days": "50"})
    assert client.get(reverse("circular:not_returned")).context["days"] == 50


def test_not_returned_is_scoped_to_the_coordinators_departments(town, login):
    _replaced(town)
    client = login(town.users["coordinator"])
    response = login(town.users["viewer"]).get(reverse("circular:not_returned"))
    assert response.context["total"] == 1
    other_viewer = login(town.users["viewer_all"]).get(reverse("circular:not_returned"))
    assert other_viewer.context["total"] == 1
    assert client.get(reverse("circular:not_returned")).status_code == 200


def test_lost_register(town, login):
    make_asset("LOST-1", town.laptop, town.own, status="lost")
    make_asset("STOLEN-1", town.laptop, town.other, status="stolen")
    response = login(town.users["coordinator"]).get(reverse("circular:lost"))
    assert [a.asset_tag for a in response.context["assets"]] == ["LOST-1"]
    export = login(town.users["administrator"]).get(reverse("circular:lost"), {"format": "csv"})
    assert len(list(open_table(downloaded(export), "l.csv").rows())) == 2


def test_report_upload_page(town, login, campaign, handed_over):
    from django.core.files.uploadedfile import SimpleUploadedFile

    items = list(CampaignItem.objects.filter(campaign=campaign))
    buffer = io.BytesIO()
    from kretslopp.circular.tests.conftest import REPORT_HEADERS
    from kretslopp.tabular import write_xlsx

    write_xlsx(buffer, REPORT_HEADERS, [result_row(i, certificate="C") for i in items])
    upload = SimpleUploadedFile("rapport.xlsx", buffer.getvalue())
    client = login(town.users["partner"])
    response = client.post(reverse("circular:report", args=[campaign.pk]), {"file": upload})
    job = ImportJob.objects.get()
    assert response.url == reverse("imports:job", args=[job.pk])  # the preview decides
    assert (job.target, job.options, job.state) == (
        "partner_report",
        {"campaign": campaign.pk},
        JobState.PREVIEWED,
    )
    assert CampaignItem.objects.filter(campaign=campaign, outcome="").count() == len(items)
    preview = client.get(response.url)
    assert "Partnerrapport (återtag)" in preview.content.decode()  # the target's label
    client.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.problems
    assert not CampaignItem.objects.filter(campaign=campaign, outcome="").exists()
    assert client.get(reverse("circular:report", args=[campaign.pk])).context["jobs"] == [job]


@pytest.mark.django_db
def test_a_campaign_saved_from_a_stale_form_does_not_undo_a_colleagues_change(
    town, client, campaign
):
    refused, _sent = save_over_a_colleague(
        client,
        reverse("circular:campaign_edit", args=[campaign.pk]),
        me=town.users["sustainability_lead"],
        colleague=town.users["administrator"],
        mine={"goal_products": "250"},
        theirs={"name": "Återtag våren 2024"},
    )
    assert "admin" in refusal_of(refused)
    campaign.refresh_from_db()
    assert (campaign.name, campaign.goal_products) == ("Återtag våren 2024", 100)


def test_editing_campaign_number_zero_is_not_found_rather_than_a_blank_new_one(town, login):
    client = login(town.users["sustainability_lead"])
    assert client.get("/takeback/0/edit/").status_code == 404
    assert client.post("/takeback/0/edit/", {"name": "X"}).status_code == 404


def test_the_campaigns_edit_button_reads_andra_in_swedish(town, login, campaign):
    from django.utils import translation

    with translation.override("sv"):
        html = login(town.users["sustainability_lead"]).get(campaign.get_absolute_url())
        html = html.content.decode()
    edit = reverse("circular:campaign_edit", args=[campaign.pk])
    assert f'href="{edit}">Ändra</a>' in html
    assert "Förändring" not in html


@pytest.mark.parametrize(
    ("value", "said"),
    [(16_410_795, "16,4 miljoner"), (2168.6, "2 200"), (276.8, "280"), (8.44, "8,4"), (0, "0")],
)
def test_figures_on_the_employee_page_are_rounded_as_one_would_say_them(value, said):
    from django.utils import translation

    from kretslopp.circular.views.public import roughly

    with translation.override("sv"):
        assert roughly(value).replace("\xa0", " ") == said
