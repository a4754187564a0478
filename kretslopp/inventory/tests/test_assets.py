"""Assets as a coordinator meets them: moves, the timeline, the history, the list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from kretslopp.conftest import downloaded, make_asset, refusal_of, save_over_a_colleague
from kretslopp.core.history import history_for
from kretslopp.inventory import lifecycle
from kretslopp.inventory.models import Asset, LifecycleEvent


@pytest.mark.django_db
def test_a_move_is_an_event_with_who_and_when_and_shows_in_history(town):
    coordinator = town.users["coordinator"]
    asset = town.own_asset
    asset.move(lifecycle.RETURNED, by=coordinator, note="Ny dator levererad")
    event = LifecycleEvent.objects.filter(asset=asset).first()
    assert (event.from_status, event.to_status, event.actor) == ("in_use", "returned", coordinator)
    changes = history_for(asset)[0]
    assert changes.entry.actor == coordinator
    assert any(change.new == "Returned" or change.new == "Återlämnad" for change in changes.changes)


@pytest.mark.django_db
def test_an_illegal_move_changes_nothing(town):
    asset = town.own_asset
    events_before = LifecycleEvent.objects.count()
    with pytest.raises(lifecycle.IllegalMove):
        asset.move(lifecycle.RESOLD)
    asset.refresh_from_db()
    assert asset.status == lifecycle.IN_USE
    assert LifecycleEvent.objects.count() == events_before


@pytest.mark.django_db
def test_a_move_decides_on_the_stored_state_not_a_stale_copy(town):
    stale = Asset.objects.get(pk=town.own_asset.pk)
    town.own_asset.move(lifecycle.RETURNED)
    # The stale copy still thinks the asset is in use; in_use → in_stock is no longer legal.
    with pytest.raises(lifecycle.IllegalMove):
        stale.move(lifecycle.IN_STOCK)


@pytest.mark.django_db
def test_leaving_custody_sets_the_end_date(town):
    asset = make_asset(
        "MS-M1", town.monitor, town.own, status=lifecycle.RETURNED, has_storage=False
    )
    asset.move(lifecycle.RECYCLED)
    asset.refresh_from_db()
    assert asset.end_date is not None


@pytest.mark.django_db
def test_posting_an_illegal_move_shows_the_reason(town, login):
    client = login(town.users["coordinator"])
    response = client.post(
        reverse("inventory:asset_move", args=[town.own_asset.pk]), {"target": "resold"}, follow=True
    )
    page = response.content.decode()
    assert "kan inte bli såld" in page or "cannot become resold" in page
    town.own_asset.refresh_from_db()
    assert town.own_asset.status == lifecycle.IN_USE


@pytest.mark.django_db
def test_asset_page_offers_exactly_the_legal_next_moves(town, login):
    client = login(town.users["coordinator"])
    page = client.get(reverse("inventory:asset", args=[town.own_asset.pk])).content.decode()
    offered = {m.target for m in town.own_asset.next_moves()}
    for target in lifecycle.STATUSES:
        assert (f'data-move="{target}"' in page) == (target in offered)


@pytest.mark.django_db
def test_search_finds_an_asset_by_serial_tag_model_and_assignee(town, login):
    from kretslopp.organisation.models import Person

    town.own_asset.assignee = Person.objects.get(identifier="anv000001")
    town.own_asset.save()
    client = login(town.users["administrator"])
    for text in ("SN-MS-0000001", "MS-0000001", "Latitude", "anv000001"):
        page = client.get(reverse("inventory:assets"), {"q": text}, follow=True)
        assert "MS-0000001" in page.content.decode(), text


@pytest.mark.django_db
def test_a_search_with_exactly_one_hit_opens_that_asset(town, login):
    client = login(town.users["administrator"])
    response = client.get(reverse("inventory:assets"), {"q": "SN-MS-0000001"})
    assert response.status_code == 302
    assert response["Location"] == town.own_asset.get_absolute_url()
    # Two hits (both laptops) stay a list; so does no hit.
    assert client.get(reverse("inventory:assets"), {"q": "Latitude"}).status_code == 200
    assert client.get(reverse("inventory:assets"), {"q": "nothing-like-it"}).status_code == 200


@pytest.mark.django_db
def test_the_list_shows_what_is_in_custody_and_says_so(town, login):
    make_asset("MS-SOLD", town.laptop, town.own, status=lifecycle.RESOLD)
    client = login(town.users["administrator"])
    response = client.get(reverse("inventory:assets"))
    page = response.content.decode()
    assert "MS-0000001" in page and "MS-SOLD" not in page
    assert "Visar 2 tillgångar: i vår vård." in page
    assert "Visa även de som lämnat organisationen" in page
    everything = client.get(reverse("inventory:assets"), {"custody": "all"}).content.decode()
    assert "MS-SOLD" in everything and "MS-0000001" in everything
    assert "alla tillgångar, även de som lämnat organisationen" in everything
    left = client.get(reverse("inventory:assets"), {"custody": "left"}).content.decode()
    assert "MS-SOLD" in left and "MS-0000001" not in left
    # A serial number typed in is found whatever became of the device.
    found = client.get(reverse("inventory:assets"), {"q": "SN-MS-SOLD"})
    assert found.status_code == 302
    # The export is the list as shown.
    csv = downloaded(client.get(reverse("imports:export", args=["csv"])))
    assert b"MS-0000001" in csv and b"MS-SOLD" not in csv


@pytest.mark.django_db
def test_filters_narrow_the_list(town, login):
    make_asset("MS-M2", town.monitor, town.own, status=lifecycle.IN_STOCK, has_storage=False)
    client = login(town.users["administrator"])
    page = client.get(reverse("inventory:assets"), {"category": "monitor"}).content.decode()
    assert "MS-M2" in page and "MS-0000001" not in page
    page = client.get(reverse("inventory:assets"), {"status": "in_stock"}).content.decode()
    assert "MS-M2" in page and "MS-0000001" not in page
    page = client.get(reverse("inventory:assets"), {"department": "MF"}).content.decode()
    assert "MS-0000002" in page and "MS-0000001" not in page
    page = client.get(reverse("inventory:assets"), {"age": "8+"}).content.decode()
    assert "MS-0000001" not in page


@pytest.mark.django_db
def test_serial_numbers_are_unique_per_manufacturer(town, login):
    client = login(town.users["administrator"])
    response = client.post(
        reverse("inventory:asset_create"),
        {
            "asset_tag": "MS-9",
            "serial_number": "sn-ms-0000001",
            "model": town.monitor.pk,
            "department": town.own.pk,
            "status": "in_stock",
        },
    )
    assert response.status_code == 200
    assert not Asset.objects.filter(asset_tag="MS-9").exists()


@pytest.mark.django_db
def test_editing_an_asset_is_audited_with_old_and_new_values(town, login):
    client = login(town.users["coordinator"])
    asset = town.own_asset
    data = {
        "asset_tag": asset.asset_tag,
        "serial_number": asset.serial_number,
        "model": asset.model_id,
        "department": asset.department_id,
        "has_storage": "on",
        "supplier": "Atea",
    }
    client.post(reverse("inventory:asset_edit", args=[asset.pk]), data)
    entry = history_for(asset)[0]
    assert entry.entry.actor == town.users["coordinator"]
    assert [(c.old, c.new) for c in entry.changes if c.new == "Atea"] == [("–", "Atea")]
    page = client.get(reverse("inventory:asset", args=[asset.pk])).content.decode()
    assert "Atea" in page


@pytest.mark.django_db
def test_an_edit_on_a_stale_form_does_not_undo_someone_elses_change(town, client):
    asset = town.own_asset
    url = reverse("inventory:asset_edit", args=[asset.pk])
    refused, stale = save_over_a_colleague(
        client,
        url,
        me=town.users["administrator"],
        colleague=town.users["coordinator"],
        mine={"supplier": "Dustin"},
        theirs={"notes": "Batteriet bytt"},
    )
    message = refusal_of(refused)
    with translation.override("sv"):
        notes = str(Asset._meta.get_field("notes").verbose_name)
    assert message.startswith(f"coord ändrade uppgifterna efter att du öppnade dem ({notes})")
    asset.refresh_from_db()
    assert (asset.notes, asset.supplier) == ("Batteriet bytt", "")
    # Saving the form as shown again is a decision made knowing the other change.
    again = dict(stale, seen=refused.context["form"].data["seen"])
    assert client.post(url, again).status_code == 302
    asset.refresh_from_db()
    assert asset.supplier == "Dustin"


@pytest.mark.django_db
def test_times_in_the_history_read_as_local_times_to_the_minute(town):
    asset = town.own_asset
    asset.move(lifecycle.RETURNED, at=timezone.make_aware(dt.datetime(2026, 6, 1, 9, 30), dt.UTC))
    shown = [change.new for change in history_for(asset)[0].changes]
    # Stockholm is two hours ahead of UTC in June; no ISO string with seconds and offset.
    assert "2026-06-01 11:30" in shown
    assert not any("+00:00" in value for value in shown)
