"""The footprint as people meet it: on asset, model, department and overview pages."""

from __future__ import annotations

import html
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from kretslopp.carbon import services, texts
from kretslopp.carbon.models import FootprintSettings, ModelFigures, ModelMatchDecision
from kretslopp.conftest import make_asset, refusal_of, save_over_a_colleague
from kretslopp.footprint import matching
from kretslopp.inventory.models import ProductModel


def _links(page: str) -> list[str]:
    return re.findall(r'href="/methodology/#([^"]+)"', page)


def _page(client, url: str, language: str | None = None) -> str:
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _sources_shown(page: str) -> list[str]:
    """The hand-entered sources the footprint card shows, one per figure that uses one."""
    return [
        html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
        for text in re.findall(r"<div [^>]*data-hand-entered-source>(.*?)</div>", page, re.S)
    ]


@pytest.mark.django_db
def test_asset_page_shows_the_sheet_figures_with_their_source(town, login):
    page = (
        login(town.users["coordinator"])
        .get(reverse("inventory:asset", args=[town.own_asset.pk]))
        .content.decode()
    )
    # Dell's Latitude 5420 sheet: 364 kg CO2e in all, of which the manufacturing share.
    figures = services.figures_for(town.laptop)
    assert figures.data_quality == "model"
    assert "Dell/Latitude 5420" in figures.embodied_source
    assert "Dell/Latitude 5420" in page
    assert 'data-figure="embodied"' in page


@pytest.mark.django_db
def test_every_number_links_to_a_methodology_anchor_that_names_its_source(town, login):
    client = login(town.users["viewer"])
    asset_page = client.get(reverse("inventory:asset", args=[town.own_asset.pk])).content.decode()
    methodology = client.get(reverse("carbon:methodology")).content.decode()
    anchors = set(re.findall(r'id="([^"]+)"', methodology))
    links = _links(asset_page)
    assert links
    for anchor in links:
        assert anchor in anchors, anchor
    # The second click: from a factor row to its source, which states year and licence.
    assert 'id="source-boavizta-pcf"' in methodology
    row = re.search(r'<tr id="source-boavizta-pcf">(.*?)</tr>', methodology, re.S).group(1)
    assert "2023" in row and "ODbL" in row


@pytest.mark.django_db
def test_a_weak_match_is_not_used_until_a_person_confirms_it(town, login):
    weak = ProductModel.objects.create(
        manufacturer=town.laptop.manufacturer,
        name="Latitude 7400 Rugged Extreme",
        category="laptop",
    )
    assert services.figures_for(weak).data_quality == "category"
    review = login(town.users["procurement"]).get(reverse("carbon:matches")).content.decode()
    assert "Latitude 7400 Rugged Extreme" in review

    response = login(town.users["procurement"]).post(
        reverse("carbon:decide_match", args=[weak.pk]),
        {"verdict": "confirm", "record_id": "Dell/Latitude 7400"},
    )
    assert response.status_code == 302
    assert services.figures_for(weak).data_quality == "model"
    assert (
        ModelMatchDecision.objects.get(product_model=weak).decided_by == town.users["procurement"]
    )


@pytest.mark.django_db
def test_a_rejected_match_falls_back_to_the_category_default(town, login):
    login(town.users["sustainability_lead"]).post(
        reverse("carbon:decide_match", args=[town.laptop.pk]), {"verdict": "reject"}
    )
    assert services.figures_for(town.laptop).data_quality == "category"


@pytest.mark.django_db
def test_coordinators_and_viewers_cannot_decide_matches_or_enter_figures(town, login):
    for role in ("coordinator", "viewer"):
        client = login(town.users[role])
        url = reverse("carbon:decide_match", args=[town.laptop.pk])
        assert client.post(url, {"verdict": "reject"}).status_code == 403
        assert client.get(reverse("carbon:model_figures", args=[town.laptop.pk])).status_code == 403
    assert not ModelMatchDecision.objects.exists()


@pytest.mark.django_db
def test_figures_entered_by_hand_need_a_source(town, login):
    client = login(town.users["procurement"])
    url = reverse("carbon:model_figures", args=[town.monitor.pk])
    response = client.post(url, {"embodied_kg_co2e": "310"})
    assert response.status_code == 200 and not ModelFigures.objects.exists()
    client.post(url, {"embodied_kg_co2e": "310", "source_note": "Dell PCF P2422H, 2021"})
    figures = services.figures_for(town.monitor)
    assert (figures.data_quality, figures.embodied_kg_co2e) == ("manual", 310.0)
    page = client.get(reverse("inventory:model", args=[town.monitor.pk])).content.decode()
    assert "Dell PCF P2422H, 2021" in page  # the source, beside the figure


@pytest.mark.django_db
def test_only_the_method_owners_choose_the_grid_factor(town, login):
    url = reverse("carbon:settings")
    data = {
        "factor_set": "ivl-ademe-2020",
        "grid": "nordic-ivl",
        "avoided_set": "inrego-legacy",
        "allocation": "shared",
    }
    assert login(town.users["coordinator"]).post(url, data).status_code == 403
    assert login(town.users["procurement"]).post(url, data).status_code == 403
    response = login(town.users["sustainability_lead"]).post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    chosen = FootprintSettings.current()
    assert (chosen.grid, chosen.allocation) == ("nordic-ivl", "shared")
    assert services.Choice.current().factor_set == "ivl-ademe-2020"


@pytest.mark.django_db
def test_the_grid_choice_changes_use_phase_figures_only(town, login):
    access_user = town.users["administrator"]
    from kretslopp.organisation.access import access_for

    before = services.fleet_for(access_for(access_user)).total(year=2023)
    FootprintSettings.objects.create(grid="nordic-ivl")
    after = services.fleet_for(access_for(access_user)).total(year=2023)
    assert after.embodied_kg_co2e == pytest.approx(before.embodied_kg_co2e)
    assert after.use_kg_co2e > before.use_kg_co2e


@pytest.mark.django_db
def test_the_overview_total_is_the_sum_of_the_departments(town, login):
    from kretslopp.organisation.access import access_for

    make_asset("MS-M9", town.monitor, town.other, has_storage=False)
    fleet = services.fleet_for(access_for(town.users["administrator"]))
    for year in fleet.years:
        parts = sum(
            total.total_kg_co2e
            for _year, total in (
                (year, fleet.total(year=year, department=d)) for d in fleet.departments
            )
        )
        assert fleet.total(year=year).total_kg_co2e == pytest.approx(parts)
    page = login(town.users["administrator"]).get(reverse("home")).content.decode()
    assert 'id="footprint"' in page


@pytest.mark.django_db
def test_a_coordinators_overview_counts_only_their_departments(town):
    from kretslopp.organisation.access import access_for

    everyone = services.fleet_for(access_for(town.users["administrator"])).total()
    own = services.fleet_for(access_for(town.users["coordinator"])).total()
    assert own.total_kg_co2e == pytest.approx(everyone.total_kg_co2e / 2)
    assert own.headcount == town.own.employees


@pytest.mark.django_db
def test_department_page_shows_its_footprint(town, login):
    page = (
        login(town.users["coordinator"])
        .get(reverse("organisation:department", args=[town.own.code]))
        .content.decode()
    )
    assert 'id="footprint"' in page


@pytest.mark.django_db
def test_figures_follow_a_changed_head_count_and_a_recategorised_model_at_once(town):
    from kretslopp.organisation.access import access_for

    lead = access_for(town.users["sustainability_lead"])
    before = services.fleet_for(lead).total(department=town.own.pk)
    town.own.employees = 300
    town.own.save()
    assert services.fleet_for(lead).total(department=town.own.pk).headcount == 300
    # The laptop model becomes a desktop: another category default, another embodied figure.
    town.laptop.category = "desktop"
    town.laptop.save()
    after = services.fleet_for(lead).total(department=town.own.pk)
    assert after.embodied_kg_co2e != pytest.approx(before.embodied_kg_co2e)


PCF_URL = "https://example.org/pcf/latitude-5420-special.pdf"
HAND_SOURCE = f"Dell PCF Latitude 5420 (special build), 2021, p. 2 <draft> {PCF_URL}"


@pytest.mark.django_db
def test_a_hand_entered_figure_shows_its_source_on_the_model_and_asset_pages(town, login):
    ModelFigures.objects.create(
        product_model=town.laptop,
        embodied_kg_co2e=290,
        lifetime_years=5,
        source_note=HAND_SOURCE,
    )
    client = login(town.users["coordinator"])
    for url in (
        reverse("inventory:model", args=[town.laptop.pk]),
        reverse("inventory:asset", args=[town.own_asset.pk]),
    ):
        page = _page(client, url)
        # Beside the embodied figure and the lifetime, which were entered; not beside the
        # energy figure, which still comes from the sheet.
        shown = _sources_shown(page)
        assert shown == [f"Källa för den handinmatade siffran: {HAND_SOURCE}"] * 2, url
        assert f'<a href="{PCF_URL}"' in page  # the address in the note is a link
        assert "<draft>" not in page  # the note is text, never markup
        english = _sources_shown(_page(client, url, "en"))
        assert english == [f"Source of the figure entered by hand: {HAND_SOURCE}"] * 2
        client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    # A model with no hand-entered figures shows none.
    monitor = _page(client, reverse("inventory:model", args=[town.monitor.pk]))
    assert _sources_shown(monitor) == []


@pytest.mark.django_db
def test_a_hand_entered_energy_figure_shows_its_source_beside_the_energy_use(town, login):
    ModelFigures.objects.create(
        product_model=town.monitor, kwh_per_year=21, source_note="Energy Star, 2022"
    )
    page = _page(login(town.users["viewer"]), reverse("inventory:model", args=[town.monitor.pk]))
    energy = page.split("Energianvändning", 1)[1].split("Förväntad livslängd", 1)[0]
    assert _sources_shown(energy) == ["Källa för den handinmatade siffran: Energy Star, 2022"]
    assert _sources_shown(page) == _sources_shown(energy)


@pytest.mark.django_db
def test_the_model_page_gives_the_match_reason_in_the_pages_language(town, login):
    client = login(town.users["procurement"])
    url = reverse("inventory:model", args=[town.laptop.pk])
    swedish = _page(client, url)
    assert "exakt matchning" in swedish and "exact match" not in swedish
    assert "exact match" in _page(client, url, "en")
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)

    weak = ProductModel.objects.create(
        manufacturer=town.laptop.manufacturer,
        name="Latitude 7400 Rugged Extreme",
        category="laptop",
    )
    match = services.figures_for(weak).resolution.match
    assert match.status == "weak"
    confidence = f"{match.confidence:.2f}"
    swedish = _page(client, reverse("inventory:model", args=[weak.pk]))
    assert (
        f"svag matchning (säkerhet {confidence.replace('.', ',')}) används inte utan "
        "bekräftelse; kategorins standardvärde används"
    ) in swedish
    assert "not used without confirmation" not in swedish

    client.post(
        reverse("carbon:decide_match", args=[weak.pk]),
        {"verdict": "confirm", "record_id": "Dell/Latitude 7400"},
    )
    assert "matchningen har bekräftats av en person" in _page(
        client, reverse("inventory:model", args=[weak.pk])
    )


@pytest.mark.django_db
def test_an_asset_page_gives_the_match_reason_in_the_pages_language(town, login):
    weak = ProductModel.objects.create(
        manufacturer=town.laptop.manufacturer,
        name="Latitude 7400 Rugged Extreme",
        category="laptop",
    )
    asset = make_asset("MS-0000003", weak, town.own)
    client = login(town.users["coordinator"])
    url = reverse("inventory:asset", args=[asset.pk])
    assert "svag matchning (säkerhet " in _page(client, url)
    assert "weak match (confidence " in _page(client, url, "en")


def test_every_match_reason_has_swedish_in_the_carbon_catalogue():
    # The reasons are marked in kretslopp.footprint.matching and listed again in
    # kretslopp.carbon.texts, so that makemessages keeps them in this app's catalogue.
    assert set(texts.MATCH_REASONS) == set(matching.MATCH_REASONS)
    assert set(texts.MATCH_STATUS_LABELS) == set(matching.MATCH_STATUS_LABELS.values())
    with translation.override("sv"):
        for status in matching.MATCH_STATUSES:
            assert texts.match_status(status) != status, status
        for template in matching.MATCH_REASONS:
            swedish = gettext(template)
            assert swedish != template, template
            assert swedish.count("%(confidence)s") == template.count("%(confidence)s")


def test_match_statuses_are_named_in_the_pages_language():
    with translation.override("sv"):
        assert [texts.match_status(s) for s in ("exact", "weak")] == ["exakt", "svag"]
    with translation.override("en"):
        assert texts.match_status("ambiguous") == "ambiguous"


@pytest.mark.django_db
def test_hand_entered_figures_saved_from_a_stale_form_do_not_undo_a_colleagues(town, client):
    ModelFigures.objects.create(
        product_model=town.monitor, embodied_kg_co2e=300, source_note="Dell PCF 2021"
    )
    refused, _sent = save_over_a_colleague(
        client,
        reverse("carbon:model_figures", args=[town.monitor.pk]),
        me=town.users["procurement"],
        colleague=town.users["sustainability_lead"],
        mine={"lifetime_years": "6"},
        theirs={"embodied_kg_co2e": "310", "source_note": "Dell PCF 2023"},
    )
    assert "lead" in refusal_of(refused)
    entry = ModelFigures.objects.get()
    assert (entry.embodied_kg_co2e, entry.lifetime_years) == (310, None)


@pytest.mark.django_db
def test_each_factor_set_choice_says_what_it_is_in_swedish(town, login):
    response = login(town.users["sustainability_lead"]).get(reverse("carbon:settings"))
    page = html.unescape(response.content.decode())
    for field in ("factor_set", "avoided_set"):
        for set_id, label in response.context["form"].fields[field].choices:
            assert label.startswith(f"{set_id}: ") and len(label) > len(set_id) + 20, label
            assert label in page
    assert "Medianer (min–max) av tillverkarnas 1 226 PCF-blad" in page
    assert "Inregos äldre faktorer" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, not_estimated, on_panel",
    [
        ("sv", "Uppskattas inte ännu", "Scope 3 kategori 5, omhändertagandet av kasserad"),
        ("en", "Not estimated yet", "Scope 3 category 5, the treatment of discarded"),
    ],
)
def test_the_waste_category_says_it_is_not_estimated_where_it_is_named(
    town, login, language, not_estimated, on_panel
):
    """Scope 3 category 5 has no figure: the methodology's category list and the footprint
    panel say so plainly, so nobody reads the missing figure as zero."""
    client = login(town.users["viewer_all"])
    methodology = html.unescape(_page(client, reverse("carbon:methodology"), language))
    row = re.search(r'<tr id="ghg-waste">(.*?)</tr>', methodology, re.S).group(1)
    assert "Scope 3.5 · ISO 4.2" in row and not_estimated in row
    for estimated in ("electricity", "capital_goods", "avoided"):
        other = re.search(rf'<tr id="ghg-{estimated}">(.*?)</tr>', methodology, re.S).group(1)
        assert not_estimated not in other
    home = html.unescape(_page(client, reverse("home"), language))
    assert on_panel in home
    assert 'href="/methodology/#ghg-categories"' in home
