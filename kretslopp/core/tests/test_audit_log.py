"""The audit log: every recorded write, for those who read the whole organisation's trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation

from kretslopp.conftest import downloaded, edit_form_data, make_asset
from kretslopp.core.models import AuditEntry
from kretslopp.inventory import lifecycle
from kretslopp.inventory.models import Asset
from kretslopp.organisation.models import Location
from kretslopp.tabular import open_table

URL = reverse("audit_log")


def _lines(client, **filters):
    """Every entry the page shows, whether grouped by batch or the entries of one batch."""
    response = client.get(URL, filters)
    assert response.status_code == 200
    if "batches" in response.context:
        return [line for batch in response.context["batches"] for line in batch.lines]
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
    assert "until" in refused.context["form"].errors and refused.context["batches"] == []


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
    table = open_table(
        downloaded(client.get(URL, {"format": fmt}, follow=True)), f"log.{fmt.split('-')[0]}"
    )
    rows = [row.values for row in table.rows()]
    assert len(rows) == AuditEntry.objects.count()
    assert any(values[4] == "'=HYPERLINK(1)" for values in rows)  # neutralised
    name = f"c.{fmt.split('-')[0]}"
    only_coord = open_table(
        downloaded(client.get(URL, {"who": "coord", "format": fmt}, follow=True)), name
    )
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


# --- batches: what one request, command or import wrote together ---------------------------

IMPORT_HEADER = "Asset tag,Serial number,Manufacturer,Model,Department,Status\n"


def _import(rows: int, user=None):
    from kretslopp.imports.tests.conftest import import_file

    body = "".join(f"MS-B{n:04},SN-B{n:04},Dell,P2422H,GRF,In stock\n" for n in range(rows))
    result = import_file(IMPORT_HEADER + body, user=user)
    assert result.status == "committed"
    from kretslopp.imports.models import ImportJob

    return ImportJob.objects.latest("pk")


@pytest.mark.django_db
def test_an_import_is_one_line_in_the_log_with_a_link_to_its_job(town, login):
    from kretslopp.core import auditlog

    job = _import(auditlog.SHOWN_ENTRIES + 5, user=town.users["coordinator"])
    entries = AuditEntry.objects.filter(batch=job.audit_batch)
    assert entries.count() == auditlog.SHOWN_ENTRIES + 5  # every created asset, bulk-written
    client = login(town.users["administrator"])
    response = client.get(URL)
    first = response.context["batches"][0]
    size = auditlog.SHOWN_ENTRIES + 5
    assert (first.key, first.count, first.lines) == (job.audit_batch, size, [])
    assert first.url == job.get_absolute_url() and first.actors == ["coord"]
    assert [part.text for part in first.parts] == ["Skapade 15 tillgångar"]
    page = response.content.decode()
    assert f'href="{job.get_absolute_url()}">Import nr {job.pk}</a>' in page
    assert "Visa alla 15 poster" in page
    # Its own page lists the entries, with the way to the job and back.
    one = client.get(URL, {"batch": job.audit_batch})
    assert len(one.context["lines"]) == auditlog.SHOWN_ENTRIES + 5
    assert {line.entry.object_repr for line in one.context["lines"]} >= {"MS-B0000", "MS-B0014"}
    assert job.get_absolute_url() in one.content.decode()


@pytest.mark.django_db
def test_what_one_request_saves_is_one_batch_and_each_request_its_own(town, login):
    client = login(town.users["administrator"])
    url = reverse("organisation:department_edit", args=[town.own.code])
    for name in ("Skolförvaltningen", "Grundskolan"):
        assert client.post(url, edit_form_data(client, url, name=name)).status_code == 302
    department = ContentType.objects.get_for_model(town.own)
    edits = AuditEntry.objects.filter(content_type=department, action="update")
    batches = list(edits.values_list("batch", flat=True))
    assert len(batches) == 2 and len(set(batches)) == 2
    assert all(batch.startswith("request:") for batch in batches)


@pytest.mark.django_db
def test_a_small_batch_shows_its_entries_under_one_heading(town, login):
    from kretslopp.core import audit

    with audit.batch(audit.new_batch("request")) as key:
        make_asset("MS-SMALL-1", town.monitor, town.own)
        make_asset("MS-SMALL-2", town.monitor, town.own)
    client = login(town.users["administrator"])
    response = client.get(URL)
    group = next(batch for batch in response.context["batches"] if batch.key == key)
    assert group.count == 2 and group.label == "Sparat i en begäran" and group.url is None
    assert {line.entry.object_repr for line in group.lines} == {"MS-SMALL-1", "MS-SMALL-2"}
    assert "Skapade 2 tillgångar" in response.content.decode()


@pytest.mark.django_db
def test_filters_apply_within_batches_and_the_export_names_each_entrys_batch(town, login):
    job = _import(3)
    town.own_asset.move(lifecycle.RETURNED, by=town.users["coordinator"])
    client = login(town.users["administrator"])
    only_coord = client.get(URL, {"who": "coord"}).context["batches"]
    assert job.audit_batch not in {batch.key for batch in only_coord}
    table = open_table(downloaded(client.get(URL, {"format": "csv"}, follow=True)), "log.csv")
    header = table.headers
    rows = [row.values for row in table.rows()]
    assert header[-1] == "Omgång"
    assert sum(values[-1] == job.audit_batch for values in rows) == 3


@pytest.mark.django_db
def test_entries_written_outside_any_request_or_job_stand_alone(town):
    before = set(AuditEntry.objects.values_list("batch", flat=True))
    make_asset("MS-ALONE-1", town.monitor, town.own)
    make_asset("MS-ALONE-2", town.monitor, town.own)
    new = list(AuditEntry.objects.exclude(batch__in=before).values_list("batch", flat=True))
    assert len(new) == 2 and len(set(new)) == 2
