"""Assets through the API: cursor pages, filters shared with the page, moves, audit, errors."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.http import QueryDict

from kretslopp.conftest import make_asset
from kretslopp.core.models import AuditEntry
from kretslopp.inventory import lifecycle
from kretslopp.inventory.filters import SORTS, AssetFilter
from kretslopp.inventory.models import Asset, LifecycleEvent
from kretslopp.organisation.access import access_for


@pytest.fixture
def fleet(town):
    """Twenty-three more assets with repeated, missing and distinct sort keys."""
    for n in range(23):
        make_asset(
            f"MS-1{n:06d}",
            town.monitor if n % 3 else town.laptop,
            town.own if n % 2 else town.other,
            status=lifecycle.IN_STOCK if n % 4 else lifecycle.IN_USE,
            serial_number="" if n % 5 == 0 else f"SN-{n % 7}-{n}",
            in_use_date=None if n % 6 == 0 else dt.date(2018 + n % 4, 1, 1),
            purchase_date=None if n % 2 else dt.date(2017, 1 + n % 12, 1),
        )
    return town


def walk(api, limit: int, **filters) -> list[int]:
    """Follow ``next`` from the first page to the last, collecting asset ids."""
    ids: list[int] = []
    response = api.get("/api/v1/assets", limit=limit, **filters)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        assert len(body["items"]) <= limit
        ids.extend(item["id"] for item in body["items"])
        if body["next"] is None:
            return ids
        response = api.client.get(body["next"], headers=api.headers)


@pytest.mark.django_db
@pytest.mark.parametrize("sort", [*SORTS, *(f"-{key}" for key in SORTS)])
def test_a_cursor_walk_visits_every_asset_once_in_every_sort(fleet, api_as, sort):
    api = api_as(fleet.users["administrator"], "read")
    whole = walk(api, 500, sort=sort)
    assert sorted(whole) == sorted(Asset.objects.values_list("pk", flat=True))
    for limit in (1, 4, 7):
        assert walk(api, limit, sort=sort) == whole


@pytest.mark.django_db
def test_the_api_lists_what_the_asset_page_lists_for_the_same_filters(fleet, api_as):
    user = fleet.users["coordinator"]
    api = api_as(user, "read")
    for query in ("status=in_stock", "category=monitor&sort=-in_use", "q=SN-3", "age=4-5"):
        expected = AssetFilter.from_query(QueryDict(query)).apply(access_for(user))
        filters = dict(QueryDict(query).items())
        assert sorted(walk(api, 3, **filters)) == sorted(asset.pk for asset in expected), query


@pytest.mark.django_db
def test_a_walk_is_not_thrown_off_by_an_asset_added_behind_the_cursor(fleet, api_as):
    api = api_as(fleet.users["administrator"], "read")
    first = api.get("/api/v1/assets", limit=5).json()
    make_asset("MS-0000000", fleet.laptop, fleet.own)  # sorts before every existing tag
    rest = walk_from(api, first["next"])
    ids = [item["id"] for item in first["items"]] + rest
    assert len(ids) == len(set(ids)) == Asset.objects.count() - 1


def walk_from(api, url: str) -> list[int]:
    ids: list[int] = []
    while url:
        body = api.client.get(url, headers=api.headers).json()
        ids.extend(item["id"] for item in body["items"])
        url = body["next"]
    return ids


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cursor", ["garbage", "WyJpbl91c2VfZGF0ZSIsImFiYyIsMV0", "W10", "WyJhc3NldF90YWciLCJ4Iiwi"]
)
def test_a_damaged_or_foreign_cursor_is_a_400(town, api_as, cursor):
    # The second is a valid in_use cursor holding "abc" where a date belongs.
    response = api_as(town.users["administrator"], "read").get(
        "/api/v1/assets", cursor=cursor, sort="in_use"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_cursor"


@pytest.mark.django_db
def test_a_cursor_made_for_one_sort_is_refused_for_another(fleet, api_as):
    api = api_as(fleet.users["administrator"], "read")
    cursor = QueryDict(api.get("/api/v1/assets", limit=2).json()["next"].split("?")[1])["cursor"]
    response = api.get("/api/v1/assets", limit=2, cursor=cursor, sort="-tag")
    assert response.status_code == 400


@pytest.mark.django_db
def test_more_than_500_per_page_is_refused_in_the_error_format(town, api_as):
    response = api_as(town.users["administrator"], "read").get("/api/v1/assets", limit=501)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["details"][0]["field"] == "limit"


@pytest.mark.django_db
def test_a_refused_move_is_a_409_with_the_reason_and_changes_nothing(town, api_as):
    api = api_as(town.users["coordinator"], "read", "write")
    events_before = LifecycleEvent.objects.count()
    audit_before = AuditEntry.objects.count()
    response = api.post(f"/api/v1/assets/{town.own_asset.pk}/moves", {"target": "resold"})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "illegal_move"
    # The reason names where it can go instead, whatever the language.
    refusal = lifecycle.IllegalMove(
        lifecycle.NOT_ALLOWED,
        source="in_use",
        target="resold",
        allowed=[move.target for move in town.own_asset.next_moves()],
    )
    assert error["message"] in {refusal.reason, _swedish(refusal)}
    town.own_asset.refresh_from_db()
    assert town.own_asset.status == lifecycle.IN_USE
    assert LifecycleEvent.objects.count() == events_before
    assert AuditEntry.objects.count() == audit_before


def _swedish(refusal: lifecycle.IllegalMove) -> str:
    from django.utils import translation

    with translation.override("sv"):
        return refusal.explain(translation.gettext)


@pytest.mark.django_db
def test_an_erasure_needs_its_certificate(town, api_as):
    api = api_as(town.users["coordinator"], "read", "write")
    url = f"/api/v1/assets/{town.own_asset.pk}/moves"
    assert api.post(url, {"target": "returned"}).status_code == 201
    assert api.post(url, {"target": "erased"}).status_code == 409
    done = api.post(url, {"target": "erased", "reference": "BLANCCO-4711", "note": "Återtag"})
    assert done.status_code == 201
    assert done.json()["reference"] == "BLANCCO-4711"
    events = api.get(f"/api/v1/assets/{town.own_asset.pk}/events").json()
    assert [(e["from_status"], e["to_status"]) for e in events][:2] == [
        ("returned", "erased"),
        ("in_use", "returned"),
    ]


@pytest.mark.django_db
def test_a_move_is_an_event_and_an_audit_entry_by_the_tokens_owner(town, api_as):
    coordinator = town.users["coordinator"]
    api = api_as(coordinator, "read", "write")
    response = api.post(f"/api/v1/assets/{town.own_asset.pk}/moves", {"target": "returned"})
    assert response.status_code == 201
    body = response.json()
    assert (body["from_status"], body["to_status"], body["actor"]) == (
        "in_use",
        "returned",
        "coord",
    )
    assert LifecycleEvent.objects.get(pk=body["id"]).actor == coordinator
    entry = AuditEntry.objects.filter(object_id=str(town.own_asset.pk), action="update").first()
    assert entry.actor == coordinator
    assert "status" in entry.changes


@pytest.mark.django_db
def test_create_and_update_are_audited_with_the_tokens_owner(town, api_as):
    coordinator = town.users["coordinator"]
    api = api_as(coordinator, "read", "write")
    created = api.post(
        "/api/v1/assets",
        {
            "asset_tag": "MS-0100001",
            "serial_number": "5CG1234XYZ",
            "model_id": town.laptop.pk,
            "department_id": town.own.pk,
            "purchase_price_sek": "11450.00",
            "purchase_date": "2024-05-02",
            "status": "ordered",
        },
    )
    assert created.status_code == 201, created.content
    asset = Asset.objects.get(asset_tag="MS-0100001")
    assert created.json()["purchase_price_sek"] == "11450.00"
    assert asset.status == lifecycle.ORDERED and asset.has_storage  # a laptop holds data
    first = asset.events.get()
    assert (first.from_status, first.to_status, first.actor) == ("", "ordered", coordinator)

    changed = api.patch(f"/api/v1/assets/{asset.pk}", {"supplier": "Atea", "notes": "Ram 16 GB"})
    assert changed.status_code == 200
    assert changed.json()["supplier"] == "Atea"
    assert changed.json()["serial_number"] == "5CG1234XYZ"  # untouched fields stay

    entries = AuditEntry.objects.filter(object_id=str(asset.pk), content_type__model="asset")
    assert {(entry.action, entry.actor) for entry in entries} == {
        ("create", coordinator),
        ("update", coordinator),
    }
    update = entries.get(action="update")
    assert set(update.changes) == {"supplier", "notes"}


@pytest.mark.django_db
def test_a_monitor_defaults_to_having_no_storage(town, api_as):
    api = api_as(town.users["administrator"], "read", "write")
    created = api.post(
        "/api/v1/assets",
        {"asset_tag": "MS-M", "model_id": town.monitor.pk, "department_id": town.own.pk},
    )
    assert created.json()["has_storage"] is False


@pytest.mark.django_db
def test_the_status_cannot_be_patched_only_moved(town, api_as):
    api = api_as(town.users["administrator"], "read", "write")
    response = api.patch(f"/api/v1/assets/{town.own_asset.pk}", {"status": "resold"})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "status"
    town.own_asset.refresh_from_db()
    assert town.own_asset.status == lifecycle.IN_USE


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body,fields",
    [
        ({"asset_tag": "", "model_id": 1, "department_id": 1}, {"asset_tag"}),
        ({"asset_tag": "X", "model_id": "one", "department_id": 1}, {"model_id"}),
        ({"asset_tag": "X", "model_id": 1, "department_id": 1, "status": "resold"}, {"status"}),
        (
            {"asset_tag": "X", "model_id": 1, "department_id": 1, "purchase_price_sek": "1.005"},
            {"purchase_price_sek"},
        ),
        ({"asset_tag": "X", "model_id": 1}, {"department_id"}),
        ({"asset_tag": "MS-0000001", "model_id": 1, "department_id": 1}, {"asset_tag"}),
        (
            {"asset_tag": "X", "model_id": 1, "department_id": 1, "serial_number": "SN-MS-0000002"},
            {"serial_number"},
        ),
        ({"asset_tag": "X", "model_id": 999, "department_id": 1}, {"model_id"}),
        (
            {"asset_tag": "X", "model_id": 1, "department_id": 1, "purchase_price": 9},
            {"purchase_price"},
        ),
    ],
)
def test_invalid_input_is_a_422_naming_each_field(town, api_as, body, fields):
    body = {
        key: (town.laptop.pk if key == "model_id" and value == 1 else value)
        for key, value in body.items()
    }
    body = {key: (town.own.pk if key == "department_id" else value) for key, value in body.items()}
    api = api_as(town.users["administrator"], "read", "write")
    count = Asset.objects.count()
    response = api.post("/api/v1/assets", body)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["message"]
    assert {detail["field"] for detail in error["details"]} == fields
    assert all(detail["message"] for detail in error["details"])
    assert Asset.objects.count() == count


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["asset_tag", "model_id", "department_id", "has_storage"])
def test_null_for_a_required_field_is_refused_not_emptied(town, api_as, field):
    api = api_as(town.users["administrator"], "read", "write")
    response = api.patch(f"/api/v1/assets/{town.own_asset.pk}", {field: None})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == field


@pytest.mark.django_db
def test_the_document_does_not_offer_null_where_a_change_refuses_it(client):
    change = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["AssetChange"]
    for field in ("asset_tag", "model_id", "department_id", "has_storage"):
        described = change["properties"][field]
        assert "anyOf" not in described and described["type"] != "null", (field, described)
        assert "default" not in described, field
    # Clearing an optional field is still what null means.
    assert {"type": "null"} in change["properties"]["purchase_date"]["anyOf"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("price", "status"),
    [("1234.50", 200), (1234.5, 200), ("12345678901.00", 422), ("1.234", 422), ("-1", 422)],
)
def test_a_price_is_accepted_exactly_as_the_document_describes_it(town, api_as, price, status):
    api = api_as(town.users["administrator"], "read", "write")
    response = api.patch(f"/api/v1/assets/{town.own_asset.pk}", {"purchase_price_sek": price})
    assert response.status_code == status, response.content
    documented = api.get("/api/v1/openapi.json").json()["components"]["schemas"]["AssetChange"]
    variants = documented["properties"]["purchase_price_sek"]["anyOf"]
    as_text = next(v for v in variants if v.get("type") == "string")
    as_number = next(v for v in variants if v.get("type") == "number")
    if isinstance(price, str):
        assert (re.fullmatch(as_text["pattern"], price) is not None) == (status == 200)
    else:
        assert as_number["minimum"] <= price <= as_number["maximum"]


@pytest.mark.django_db
def test_a_body_that_is_not_json_is_a_400_in_the_error_format(town, api_as):
    api = api_as(town.users["administrator"], "read", "write")
    response = api.client.post(
        "/api/v1/assets", "{not json", content_type="application/json", headers=api.headers
    )
    assert response.status_code == 400
    assert set(response.json()["error"]) == {"code", "message", "details"}


@pytest.mark.django_db
def test_a_server_error_is_logged_and_answered_without_a_traceback(town, api_as, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals /srv/kretslopp")

    monkeypatch.setattr(AssetFilter, "apply", broken)
    response = api_as(town.users["administrator"], "read").get("/api/v1/assets")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    assert b"secret internals" not in response.content
    assert b"Traceback" not in response.content


@pytest.mark.django_db
def test_unknown_paths_and_records_answer_404_in_the_error_format(town, api_as):
    api = api_as(town.users["administrator"], "read")
    for path in ("/api/v1/no-such-thing", "/api/v1/assets/999999"):
        response = api.get(path)
        assert response.status_code == 404
        assert json.loads(response.content)["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_a_patch_naming_an_older_version_is_refused_with_who_changed_what(town, api_as):
    url = f"/api/v1/assets/{town.own_asset.pk}"
    mine = api_as(town.users["coordinator"], "read", "write")
    theirs = api_as(town.users["administrator"], "read", "write")
    seen = mine.get(url)["ETag"]
    assert seen.startswith('"')
    changed = theirs.patch(url, {"notes": "Ny laddare"}, If_Match=theirs.get(url)["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != seen

    refused = mine.patch(url, {"supplier": "Dustin"}, If_Match=seen)

    assert refused.status_code == 412
    error = refused.json()["error"]
    assert error["code"] == "changed_meanwhile" and "admin" in error["message"]
    town.own_asset.refresh_from_db()
    assert (town.own_asset.notes, town.own_asset.supplier) == ("Ny laddare", "")
    # Naming the current version, or none, or any ("*"), the change goes through.
    assert mine.patch(url, {"supplier": "Dustin"}, If_Match=changed["ETag"]).status_code == 200
    assert mine.patch(url, {"supplier": "Atea"}).status_code == 200
    assert mine.patch(url, {"supplier": "Inrego"}, If_Match="*").status_code == 200


@pytest.mark.django_db
def test_the_api_lists_every_asset_unless_asked_for_a_custody(town, api_as):
    make_asset("MS-SOLD", town.laptop, town.own, status=lifecycle.RESOLD)
    api = api_as(town.users["administrator"], "read")
    tags = {item["asset_tag"] for item in api.get("/api/v1/assets").json()["items"]}
    assert "MS-SOLD" in tags and town.own_asset.asset_tag in tags
    held = {item["asset_tag"] for item in api.get("/api/v1/assets", custody="in").json()["items"]}
    assert "MS-SOLD" not in held
