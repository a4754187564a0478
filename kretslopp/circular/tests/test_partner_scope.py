"""The partner-scope matrix: a partner sees and changes only its own campaigns, never the
inventory; coordinators see the campaigns and items of their departments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kretslopp.circular.models import Campaign, CampaignItem
from kretslopp.organisation.access import access_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def their_campaign(partners):
    return Campaign.objects.create(
        name="Annans återtag",
        partner=partners["theirs"],
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2024, 1, 31),
    )


def test_access_scopes_campaigns_to_the_partner(town, campaign, their_campaign):
    access = access_for(town.users["partner"])
    assert list(access.scope_campaigns(Campaign.objects.all())) == [campaign]
    assert access.may_report_for(campaign.partner_id)
    assert not access.may_report_for(their_campaign.partner_id)


def test_a_partner_login_without_a_partner_sees_nothing(town, campaign):
    from kretslopp.conftest import make_user
    from kretslopp.organisation.models import Role

    loose = access_for(make_user("loose", Role.PARTNER))
    assert not loose.scope_campaigns(Campaign.objects.all()).exists()
    assert not loose.may_report_for(campaign.partner_id)


def test_coordinators_see_campaigns_of_their_departments(town, campaign, their_campaign):
    their_campaign.departments.set([town.other])
    access = access_for(town.users["coordinator"])
    assert list(access.scope_campaigns(Campaign.objects.all())) == [campaign]
    campaign.departments.set([town.own, town.other])
    assert list(access.scope_campaigns(Campaign.objects.all())) == [campaign]


def test_coordinators_see_only_their_departments_items(town, campaign, admin_access):
    from kretslopp.circular import collection

    collection.collect(campaign, town.own_asset.asset_tag, access=admin_access)
    collection.collect(campaign, town.other_asset.asset_tag, access=admin_access)
    coordinator = access_for(town.users["coordinator"])
    items = coordinator.scope_campaign_items(CampaignItem.objects.all())
    assert [item.asset_id for item in items] == [town.own_asset.pk]


# --- pages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name, ours, theirs",
    [("circular:campaign", 200, 404), ("circular:report", 200, 404)],
)
def test_partner_pages(town, login, campaign, their_campaign, url_name, ours, theirs):
    client = login(town.users["partner"])
    assert client.get(reverse(url_name, args=[campaign.pk])).status_code == ours
    assert client.get(reverse(url_name, args=[their_campaign.pk])).status_code == theirs


def test_partner_cannot_reach_the_inventory_or_collect(town, login, campaign):
    client = login(town.users["partner"])
    assert client.get(reverse("inventory:assets")).status_code == 403
    assert client.get(reverse("inventory:asset", args=[town.own_asset.pk])).status_code == 403
    assert client.get(reverse("circular:collect", args=[campaign.pk])).status_code == 403
    assert client.get(reverse("circular:hand_over", args=[campaign.pk])).status_code == 403
    response = client.post(reverse("circular:collect", args=[campaign.pk]), {"code": "MS-0000001"})
    assert response.status_code == 403
    assert not CampaignItem.objects.exists()


def test_the_partners_how_it_is_calculated_link_opens_the_methodology(town, login, campaign):
    client = login(town.users["partner"])
    methodology = reverse("carbon:methodology")
    page = client.get(reverse("circular:campaign", args=[campaign.pk])).content.decode()
    assert f'href="{methodology}#avoided-' in page
    response = client.get(methodology)
    assert response.status_code == 200
    # The scenario works on the organisation's own devices, which a partner does not see.
    assert reverse("carbon:scenario") not in response.content.decode()
    assert client.get(reverse("carbon:scenario")).status_code == 403


def test_partner_list_shows_only_own_campaigns(town, login, campaign, their_campaign):
    page = login(town.users["partner"]).get(reverse("circular:campaigns")).content.decode()
    assert campaign.name in page and their_campaign.name not in page


def test_partner_cannot_upload_a_report_to_another_partners_campaign(town, login, their_campaign):
    client = login(town.users["partner"])
    table_bytes = b"Inventarienummer;Utfall\nMS-0000001;resold\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("r.csv", table_bytes, content_type="text/csv")
    response = client.post(reverse("circular:report", args=[their_campaign.pk]), {"file": upload})
    assert response.status_code == 404


# --- API --------------------------------------------------------------------------------


def test_partner_token_lists_only_its_campaigns(town, api_as, campaign, their_campaign):
    api = api_as(town.users["partner"], "read")
    response = api.get("/api/v1/takeback/campaigns")
    assert response.status_code == 200
    [only] = response.json()["items"]
    assert only["id"] == campaign.pk
    for key in (
        "name",
        "status",
        "products_collected",
        "avoided_kg_co2e",
        "factor_set",
        "allocation",
    ):
        assert key in only
    assert api.get(f"/api/v1/takeback/campaigns/{their_campaign.pk}").status_code == 404
    assert api.get(f"/api/v1/takeback/campaigns/{their_campaign.pk}/items").status_code == 404


def test_partner_token_sees_no_inventory(town, api_as, campaign):
    api = api_as(town.users["partner"], "read", "write")
    assert api.get("/api/v1/assets").status_code == 403
    assert api.get(f"/api/v1/assets/{town.own_asset.pk}").status_code == 403
    response = api.post(f"/api/v1/takeback/campaigns/{campaign.pk}/items", {"code": "MS-0000001"})
    assert response.status_code == 403
    moved = api.post(f"/api/v1/assets/{town.own_asset.pk}/moves", {"target": "in_stock"})
    assert moved.status_code in (403, 404)
    town.own_asset.refresh_from_db()
    assert town.own_asset.status == "in_use"


def test_partner_token_posts_results_to_its_campaign_only(
    town, api_as, campaign, their_campaign, handed_over
):
    api = api_as(town.users["partner"], "read", "write")
    item = CampaignItem.objects.filter(campaign=campaign, category="laptop").first()
    body = {
        "results": [
            {
                "asset_tag": item.asset_tag,
                "erasure_method": "nist_purge",
                "erasure_certificate": "API-1",
                "grade": "A",
                "outcome": "resold",
                "weight_kg": "2.1",
            }
        ]
    }
    assert (
        api.post(f"/api/v1/takeback/campaigns/{their_campaign.pk}/results", body).status_code == 404
    )
    response = api.post(f"/api/v1/takeback/campaigns/{campaign.pk}/results", body)
    assert response.status_code == 200, response.json()
    assert response.json()["recorded"] == 1
    again = api.post(f"/api/v1/takeback/campaigns/{campaign.pk}/results", body)
    assert again.json()["recorded"] == 0 and again.json()["unchanged"] == 1
    # No exit without erasure evidence, through the API too.
    other = CampaignItem.objects.filter(campaign=campaign, category="laptop").exclude(pk=item.pk)[0]
    refused = api.post(
        f"/api/v1/takeback/campaigns/{campaign.pk}/results",
        {"results": [{"asset_tag": other.asset_tag, "outcome": "resold", "grade": "A"}]},
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["field"] == "results.0.erasure_certificate"


def test_read_only_partner_token_cannot_post(town, api_as, campaign):
    api = api_as(town.users["partner"], "read")
    response = api.post(f"/api/v1/takeback/campaigns/{campaign.pk}/results", {"results": []})
    assert response.status_code == 403


def test_coordinator_collects_through_the_api(town, api_as, campaign):
    api = api_as(town.users["coordinator"], "read", "write")
    response = api.post(f"/api/v1/takeback/campaigns/{campaign.pk}/items", {"code": "MS-0000001"})
    assert response.status_code == 201
    again = api.post(f"/api/v1/takeback/campaigns/{campaign.pk}/items", {"code": "MS-0000001"})
    assert again.status_code == 409
    other = api.post(f"/api/v1/takeback/campaigns/{campaign.pk}/items", {"code": "MS-0000002"})
    assert other.status_code == 404
