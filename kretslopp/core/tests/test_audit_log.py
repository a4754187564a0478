"""The audit log: every recorded write, for those who read the whole organisation's trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation

from kretslopp.conftest import downloaded, make_asset
from kretslopp.core.models import AuditEntry
from kretslopp.inventory import lifecycle
from kretslopp.inventory.models import Asset
from kretslopp.organisation.models import Location
from kretslopp.tabular import open_table

URL = reverse("audit_log")


def _lines(client, **filters):
    response = client.get(URL, filters)
    assert response.status_code == 200
    return response.context["lines"]


@pytest.mark.django_db
def test_a_write_shows_who_what_and_links_to_the_record(town, login):
    town.own_asset.move(lifecycle.RETURNED, by=town.users["coordinator"])
    client = login(town.users["administrator"])
    line = _lines(client, who="coord")[0]
    assert line.entry.actor == town.users["coordinator"]
    assert line.url == town.own_asset.get_absolute_url()
    page = client.get(URL, {"who": "coord"}).content.decode()
    assert town.own_asset.get_absolute_url() in page and "coord" in page


@pytest.mark.django_db
def test_the_log_narrows_by_person_kind_action_and_days(town, login):
    town.own_asset.move(lifecycle.RETURNED, by=town.users["coordinator"])
    gone = make_asset("MS-GONE", town.monitor, town.own)
    gone.delete()
    client = login(town.users["sustainability_lead"])
    assert {line.entry.actor for line in _lines(client, who="COORD")} == {town.users["coordinator"]}
    deleted = _lines(client, action="delete")
    assert [line.entry.object_repr for line in deleted] == ["MS-GONE"]
    assert deleted[0].url is None  # the record is gone; the entry stays
    kind = ContentType.objects.get_for_model(Asset).pk
    assert {line.kind.lower() for line in _lines(client, kind=kind)} == {"tillgång"}
    today = timezone.localdate()
    assert _lines(client, since=today + dt.timedelta(days=1)) == []
    assert _lines(client, since=today, until=today)
    refused = client.get(URL, {"since": today, "until": today - dt.timedelta(days=1)})
    assert "until" in refused.context["form"].errors and refused.context["lines"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("administrator", 200),
        ("sustainability_lead", 200),
        ("procurement", 200),
        ("coordinator", 403),
        ("viewer", 403),
        ("viewer_all", 403),
        ("partner", 403),
        ("no_role", 403),
    ],
)
def test_only_organisation_wide_readers_of_the_trail_open_the_log(town, login, role, status):
    client = login(town.users[role])
    assert client.get(URL).status_code == status
    menu = client.get(reverse("organisation:departments")).content.decode()
    assert (URL in menu) == (status == 200)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "csv-sv", "xlsx"])
def test_the_log_exports_as_filtered_with_formulas_neutralised(town, login, fmt):
    Location.objects.create(name="=HYPERLINK(1)", department=town.own)
    town.own_asset.move(lifecycle.RETURNED, by=town.users["coordinator"])
    client = login(town.users["administrator"])
    table = open_table(downloaded(client.get(URL, {"format": fmt})), f"log.{fmt.split('-')[0]}")
    rows = [row.values for row in table.rows()]
    assert len(rows) == AuditEntry.objects.count()
    assert any(values[4] == "'=HYPERLINK(1)" for values in rows)  # neutralised
    name = f"c.{fmt.split('-')[0]}"
    only_coord = open_table(downloaded(client.get(URL, {"who": "coord", "format": fmt})), name)
    assert {row.values[1] for row in only_coord.rows()} == {"coord"}


@pytest.mark.django_db
def test_the_log_names_fields_and_counts_in_swedish_never_by_their_stored_keys(town, login):
    from kretslopp.core import audit
    from kretslopp.core.history import history_for
    from kretslopp.inventory.models import ProductLabel

    recorded = {"demo": [None, "Demodata"], "assets": [None, 5], "takeback_items": [None, 3]}
    audit.record(town.organisation, "create", recorded)
    ProductLabel.objects.create(product_model=town.laptop, scheme="tco_certified")
    client = login(town.users["administrator"])
    fields = {name for line in _lines(client) for name in line.fields}
    assert {"demodata", "tillgångar", "återtagna enheter", "produktmodell"} <= fields
    stored = {"demo", "assets", "takeback_items", "product model", "product_model"}
    assert not fields & stored
    with translation.override("sv"):
        newest = history_for(town.organisation)[0]
    assert {change.field for change in newest.changes} == {
        "demodata",
        "tillgångar",
        "återtagna enheter",
    }
