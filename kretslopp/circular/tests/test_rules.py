"""The take-back rules, one test each: collection, exit evidence, reconciliation, closing."""

from __future__ import annotations

import datetime as dt

import pytest

from kretslopp.circular import collection, handover
from kretslopp.circular.models import CampaignItem, CampaignStatus, Discrepancy
from kretslopp.circular.report import import_report
from kretslopp.circular.tests.conftest import report_table, result_row
from kretslopp.conftest import make_asset
from kretslopp.core.models import AuditEntry
from kretslopp.inventory import lifecycle
from kretslopp.inventory.models import Asset, LifecycleEvent
from kretslopp.organisation.access import access_for

pytestmark = pytest.mark.django_db


def _items(campaign):
    return list(CampaignItem.objects.filter(campaign=campaign).order_by("asset_tag"))


# --- collection ---------------------------------------------------------------------------


def test_a_scan_collects_the_asset_and_moves_it_to_returned(town, campaign, admin_access):
    collected = collection.collect(campaign, "MS-0000001", access=admin_access)
    town.own_asset.refresh_from_db()
    assert town.own_asset.status == lifecycle.RETURNED
    assert collected.item.asset_id == town.own_asset.pk
    assert collected.item.category == "laptop"
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.COLLECTING
    event = LifecycleEvent.objects.filter(asset=town.own_asset).first()
    assert (event.to_status, event.reference) == (lifecycle.RETURNED, campaign.reference)


def test_a_serial_number_scan_finds_the_asset(town, campaign, admin_access):
    collected = collection.collect(campaign, "SN-MS-0000001", access=admin_access)
    assert collected.item.asset_id == town.own_asset.pk


def test_an_item_cannot_be_collected_twice(town, campaign, admin_access):
    collection.collect(campaign, "MS-0000001", access=admin_access)
    with pytest.raises(collection.CollectionRefused) as refused:
        collection.collect(campaign, "MS-0000001", access=admin_access)
    assert refused.value.code == "duplicate"
    assert "already collected" in refused.value.message
    assert CampaignItem.objects.count() == 1


def test_an_illegal_move_is_refused_with_the_lifecycles_reason(town, campaign, admin_access):
    lost = make_asset("MS-LOST", town.laptop, town.own, status=lifecycle.LOST)
    with pytest.raises(collection.CollectionRefused) as refused:
        collection.collect(campaign, lost.asset_tag, access=admin_access)
    assert refused.value.code == "illegal_move"
    assert "cannot become returned" in refused.value.message
    assert not CampaignItem.objects.exists()


def test_unknown_devices_are_accepted_with_a_category_and_flagged(town, campaign, admin_access):
    with pytest.raises(collection.CollectionRefused) as refused:
        collection.collect(campaign, "XYZ-UNKNOWN", access=admin_access)
    assert refused.value.code == "unknown"
    collected = collection.collect_unknown(
        campaign, category="laptop", serial="XYZ-UNKNOWN", department=town.own, access=admin_access
    )
    assert collected.item.unknown_device and collected.item.asset is None
    assert collected.item.has_storage
    with pytest.raises(collection.CollectionRefused):
        collection.collect_unknown(
            campaign,
            category="laptop",
            serial="XYZ-UNKNOWN",
            department=town.own,
            access=admin_access,
        )


def test_coordinators_collect_for_their_own_departments_only(town, campaign):
    access = access_for(town.users["coordinator"])
    collection.collect(campaign, town.own_asset.asset_tag, access=access)
    with pytest.raises(collection.CollectionRefused) as refused:
        collection.collect(campaign, town.other_asset.asset_tag, access=access)
    # Another department's asset looks exactly like an unknown one.
    assert refused.value.code == "unknown"
    with pytest.raises(collection.CollectionRefused) as refused:
        collection.collect_unknown(
            campaign, category="laptop", serial="X1", department=town.other, access=access
        )
    assert refused.value.code == "forbidden"
    town.other_asset.refresh_from_db()
    assert town.other_asset.status == lifecycle.IN_USE


def test_viewers_cannot_collect(town, campaign):
    access = access_for(town.users["viewer"])
    with pytest.raises(collection.CollectionRefused) as refused:
        collection.collect(campaign, town.own_asset.asset_tag, access=access)
    assert refused.value.code == "forbidden"


# --- hand-over ----------------------------------------------------------------------------


def test_hand_over_puts_items_on_a_manifest_and_moves_them_with_partner(
    town, campaign, handed_over
):
    assert handed_over.items.count() == 4
    statuses = set(
        Asset.objects.filter(takeback_items__campaign=campaign).values_list("status", flat=True)
    )
    assert statuses == {lifecycle.WITH_PARTNER}
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.WITH_PARTNER
    assert AuditEntry.objects.filter(changes__status=["returned", "with_partner"]).count() == 4
    with pytest.raises(handover.TakebackRefused):
        handover.hand_over(
            campaign, handed_over_on=dt.date(2024, 4, 2), handed_over_by="a", received_by="b"
        )


# --- partner report: exit evidence ----------------------------------------------------------


def test_no_exit_without_erasure_evidence(town, campaign, handed_over, admin_access):
    """A device with storage cannot be resold without a certificate: the row says why."""
    laptop, *_rest = _items(campaign)
    table = report_table([result_row(laptop, certificate="", grade="A", outcome="resold")])
    result = import_report(campaign, table, access=admin_access)
    assert result.status == "rejected"
    [problem] = result.errors
    assert problem.row == 2
    assert problem.column == "Intygsnummer"
    assert "erased, with a certificate" in problem.message
    laptop.refresh_from_db()
    assert laptop.outcome == "" and laptop.asset.status == lifecycle.WITH_PARTNER


def test_destruction_needs_a_destruction_record(town, campaign, handed_over, admin_access):
    laptop, *_rest = _items(campaign)
    table = report_table([result_row(laptop, certificate="", grade="", outcome="destroyed")])
    result = import_report(campaign, table, access=admin_access)
    assert result.status == "rejected"
    assert result.errors[0].column == "Intygsnummer"
    assert "needs a reference" in result.errors[0].message


def test_a_device_without_storage_may_leave_without_certificate(
    town, campaign, handed_over, admin_access
):
    monitor = CampaignItem.objects.get(campaign=campaign, category="monitor")
    table = report_table([result_row(monitor, certificate="", grade="B", outcome="donated")])
    result = import_report(campaign, table, access=admin_access)
    assert result.status == "committed", result.summary()
    monitor.refresh_from_db()
    assert monitor.asset.status == lifecycle.DONATED


def test_results_move_assets_through_the_lifecycle(town, campaign, handed_over, admin_access):
    items = _items(campaign)
    laptops = [item for item in items if item.category == "laptop"]
    monitor = next(item for item in items if item.category == "monitor")
    rows = [
        result_row(laptops[0], certificate="C-1", outcome="refurbished"),
        result_row(laptops[1], certificate="C-2", outcome="reused_internally"),
        result_row(laptops[2], certificate="C-3", grade="defective", outcome="recycled"),
        result_row(monitor, certificate="", grade="", outcome="recycled"),
    ]
    result = import_report(campaign, report_table(rows), access=admin_access)
    assert result.status == "committed", result.summary()
    statuses = [Asset.objects.get(pk=item.asset_id).status for item in [*laptops, monitor]]
    assert statuses == ["resold", "in_stock", "recycled", "recycled"]
    erased = LifecycleEvent.objects.get(asset_id=laptops[0].asset_id, to_status="erased")
    assert erased.reference == "C-1"
    laptops[0].refresh_from_db()
    assert laptops[0].erasure_method == "nist_purge"
    assert str(laptops[0].weight_kg) == "2.10"
    assert str(laptops[0].resale_value_sek) == "1250.00"
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.RECONCILING


# --- reconciliation -------------------------------------------------------------------------


def _report_all_but_one(campaign, admin_access, **extra_rows):
    items = _items(campaign)
    rows = [result_row(item, certificate=f"C-{i}") for i, item in enumerate(items[:-1])]
    rows.extend(extra_rows.get("extra", []))
    return items, import_report(campaign, report_table(rows), access=admin_access)


def test_reconciliation_lists_missing_items(town, campaign, handed_over, admin_access):
    items, result = _report_all_but_one(campaign, admin_access)
    assert result.status == "committed"
    [missing] = Discrepancy.objects.filter(campaign=campaign)
    assert (missing.kind, missing.item_id, missing.state) == ("missing", items[-1].pk, "open")


def test_reconciliation_lists_unexpected_items(town, campaign, handed_over, admin_access):
    stranger = [
        "MS-9999",
        "SN-STRANGER",
        "NIST Clear",
        "Blancco",
        "C-X",
        "2024-04-02",
        "B",
        "resold",
        "",
        "",
    ]
    items, result = _report_all_but_one(campaign, admin_access, extra=[stranger])
    assert result.status == "committed"
    assert result.warning_count == 1
    unexpected = Discrepancy.objects.get(campaign=campaign, kind="unexpected")
    assert (unexpected.reported_asset_tag, unexpected.reported_serial) == ("MS-9999", "SN-STRANGER")


def test_reconciliation_lists_serial_mismatches(town, campaign, handed_over, admin_access):
    items = _items(campaign)
    rows = [result_row(item, certificate=f"C-{i}") for i, item in enumerate(items)]
    rows[0] = result_row(items[0], certificate="C-0", serial="WRONG-SERIAL")
    result = import_report(campaign, report_table(rows), access=admin_access)
    assert result.status == "committed"
    mismatch = Discrepancy.objects.get(campaign=campaign)
    assert (mismatch.kind, mismatch.item_id, mismatch.reported_serial) == (
        "serial_mismatch",
        items[0].pk,
        "WRONG-SERIAL",
    )


def test_a_campaign_cannot_close_with_an_open_discrepancy(
    town, campaign, handed_over, admin_access
):
    _report_all_but_one(campaign, admin_access)
    with pytest.raises(handover.TakebackRefused) as refused:
        handover.close(campaign)
    assert "1 discrepancies are open" in str(refused.value)
    discrepancy = Discrepancy.objects.get(campaign=campaign)
    with pytest.raises(handover.TakebackRefused):
        handover.accept(discrepancy, note="  ")
    handover.accept(discrepancy, note="Borttappad under transport; polisanmäld.")
    handover.close(campaign, note="Klart")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED


def test_a_later_report_resolves_a_missing_item(town, campaign, handed_over, admin_access):
    items, _result = _report_all_but_one(campaign, admin_access)
    late = import_report(
        campaign, report_table([result_row(items[-1], certificate="C-late")]), access=admin_access
    )
    assert late.status == "committed"
    assert Discrepancy.objects.get(campaign=campaign).state == "resolved"
    handover.close(campaign)


# --- idempotent re-import -------------------------------------------------------------------


def test_reimporting_the_same_partner_report_changes_nothing(
    town, campaign, handed_over, admin_access
):
    stranger = ["MS-9999", "SN-X", "", "", "", "", "", "recycled", "", ""]
    items = _items(campaign)
    rows = [result_row(item, certificate=f"C-{i}") for i, item in enumerate(items[:-1])]
    rows.append(stranger)
    first = import_report(campaign, report_table(rows), access=admin_access)
    assert first.status == "committed" and first.counts.updated == 3

    def state():
        return (
            LifecycleEvent.objects.count(),
            AuditEntry.objects.count(),
            Discrepancy.objects.count(),
            list(Asset.objects.order_by("pk").values_list("status", "updated_at")),
            list(CampaignItem.objects.order_by("pk").values()),
            campaign.reports.count(),
        )

    before = state()
    again = import_report(
        campaign, report_table(rows, name="rapport-igen.csv"), access=admin_access
    )
    assert again.status == "committed"
    assert (again.counts.updated, again.counts.unchanged) == (0, 3)
    assert state() == before


def test_a_changed_result_for_a_reported_device_is_refused(
    town, campaign, handed_over, admin_access
):
    laptop, *_rest = _items(campaign)
    import_report(campaign, report_table([result_row(laptop)]), access=admin_access)
    changed = import_report(
        campaign, report_table([result_row(laptop, outcome="donated")]), access=admin_access
    )
    assert changed.status == "rejected"
    assert changed.errors[0].column == "Utfall"


def test_partner_report_maps_english_headers(town, campaign, handed_over, admin_access):
    from kretslopp.circular.reportcolumns import suggest_mapping

    mapping = suggest_mapping(
        [
            "Asset Tag",
            "Serial",
            "Erasure method",
            "Tool",
            "Certificate ID",
            "Erasure date",
            "Grade",
            "Outcome",
            "Weight (kg)",
            "Resale value (SEK)",
        ]
    )
    assert sorted(mapping.fields.values()) == sorted(
        [
            "asset_tag",
            "serial_number",
            "erasure_method",
            "erasure_tool",
            "erasure_certificate",
            "erased_on",
            "grade",
            "outcome",
            "weight_kg",
            "resale_value_sek",
        ]
    )


def test_a_batch_of_scans_follows_the_same_rules(town, campaign, admin_access):
    lost = make_asset("MS-LOST", town.laptop, town.own, status=lifecycle.LOST)
    fresh = make_asset("MS-FRESH", town.laptop, town.own)
    collection.collect(campaign, "MS-0000001", access=admin_access)
    batch = collection.collect_many(
        campaign,
        ["MS-0000001", lost.asset_tag, "NOPE", fresh.serial_number, "MS-FRESH"],
        access=admin_access,
    )
    assert [item.asset_id for item in batch.collected] == [fresh.pk]
    assert [code for code, _reason in batch.refused] == [
        "MS-0000001",
        lost.asset_tag,
        "NOPE",
        "MS-FRESH",
    ]
    fresh.refresh_from_db()
    assert fresh.status == lifecycle.RETURNED
    assert AuditEntry.objects.filter(object_id=str(batch.collected[0].pk)).exists()


def test_a_coordinators_batch_stops_at_their_departments(town, campaign):
    access = access_for(town.users["coordinator"])
    batch = collection.collect_many(campaign, ["MS-0000001", "MS-0000002"], access=access)
    assert [item.asset_id for item in batch.collected] == [town.own_asset.pk]
    assert batch.refused[0][0] == "MS-0000002"
