"""The demo municipality: plausible, reproducible, legal histories, and safe to re-run."""

from __future__ import annotations

import html
import io
import re
from collections import Counter, defaultdict

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone

from kretslopp.core import audit
from kretslopp.core.models import AuditEntry
from kretslopp.demo import city, fleet, loader, takeback
from kretslopp.demo.catalogue import build_catalogue, find_pcf_file
from kretslopp.demo.history import REFERENCE_DATE, replay
from kretslopp.inventory import lifecycle
from kretslopp.inventory.models import CATEGORIES_WITH_STORAGE, Asset, LifecycleEvent
from kretslopp.organisation.models import Department, Membership, Organisation, Person, Role

SMALL = 2000
STORAGE = frozenset(CATEGORIES_WITH_STORAGE)


def fingerprint(specs) -> list[tuple[str, str, str]]:
    return [(spec.asset_tag, spec.serial_number, spec.status) for spec in specs]


def generated(assets: int, seed: int) -> list:
    return list(fleet.generate(fleet.plan(assets), build_catalogue(seed), STORAGE, seed))


# --- without the database -----------------------------------------------------------------


def test_the_takeback_at_default_size_is_the_reported_campaign_exactly():
    composed = takeback.compose(takeback.read_lines(), 1.0)
    assert takeback.summary(composed) == {"products": 7500, "computers": 4500}
    plan = fleet.plan(fleet.DEFAULT_ASSETS)
    assert plan.takeback_total == 7500
    assert plan.takeback_total + sum(plan.counts.values()) == fleet.DEFAULT_ASSETS


def test_the_shipped_takeback_file_and_the_fallback_agree():
    if not takeback.TAKEBACK_FILE.exists():
        pytest.skip("the footprint engine's example file is not installed")
    assert takeback.read_lines() == list(takeback.DEFAULT_LINES)


@pytest.mark.parametrize("assets", [SMALL, 100_000, 1_000_000])
def test_sizes_scale_the_whole_city_proportionally(assets):
    plan = fleet.plan(assets)
    scale = assets / fleet.DEFAULT_ASSETS
    assert plan.takeback_total + sum(plan.counts.values()) == assets
    assert plan.takeback_total == round(7500 * scale)
    computers = takeback.summary(plan.takeback)["computers"]
    assert abs(computers - 4500 * scale) <= 2
    assert sum(plan.people.values()) == round(city.EMPLOYEES * scale)


def test_the_catalogue_reads_real_models_from_the_shipped_pcf_file():
    assert "footprint" in find_pcf_file().parts
    catalogue = build_catalogue(1)
    names = {spec.key for spec in catalogue.models}
    assert ("Dell", "Latitude 5420") in names
    assert ("Apple", "iPhone 12 64GB") in names
    assert ("Cisco", "Catalyst 9200") in names
    categories = {spec.category for spec in catalogue.models}
    assert categories >= {
        "laptop",
        "desktop",
        "monitor",
        "smartphone",
        "tablet",
        "printer",
        "server",
        "network_switch",
        "access_point",
        "docking_station",
        "projector",
    }
    with_energy = [spec for spec in catalogue.models if spec.energy_kwh_per_year]
    assert len(with_energy) > 200
    assert any(
        label.scheme == "tco_certified" for spec in catalogue.models for label in spec.labels
    )


def test_generation_is_deterministic_for_a_seed():
    first = generated(SMALL, 7)
    assert fingerprint(first) == fingerprint(generated(SMALL, 7))
    assert fingerprint(first) != fingerprint(generated(SMALL, 8))


def test_histories_are_legal_and_dated_in_order():
    for spec in generated(SMALL, 3):
        moves = [(e.from_status, e.to_status, e.reference) for e in spec.events]
        assert replay(moves, has_storage=spec.has_storage) == spec.status
        times = [e.at for e in spec.events]
        assert times == sorted(times)
        assert times[-1].date() < REFERENCE_DATE
        assert spec.events[0].at.date() == spec.purchase_date
        if spec.delivery_date:
            assert spec.purchase_date <= spec.delivery_date <= (spec.in_use_date or REFERENCE_DATE)
        if spec.status in lifecycle.LEFT_CUSTODY | lifecycle.MISSING:
            assert spec.end_date == times[-1].date()
        if spec.status == lifecycle.IN_USE and spec.category in {"laptop", "smartphone"}:
            assert spec.assignee is not None or spec.department in {"GRF", "GYVF", "FSF"}


# --- in the database ----------------------------------------------------------------------


@pytest.fixture
def demo(db):
    return loader.load(assets=SMALL, seed=7)


@pytest.mark.django_db
def test_a_small_demo_is_a_whole_city(demo):
    organisation = Organisation.objects.get()
    assert (organisation.name, organisation.organisation_number, organisation.employees) == (
        "Malmö stad (demo)",
        "212000-1124",
        26000,
    )
    assert Department.objects.count() == 14
    assert Department.objects.aggregate(total=Sum("employees"))["total"] == 26000
    assert Department.objects.get(code="GRF").name == "Grundskoleförvaltningen"
    assert Asset.objects.count() == SMALL
    assert Person.objects.count() == round(26000 * SMALL / fleet.DEFAULT_ASSETS)
    assert not Person.objects.exclude(email__endswith="@demo.malmo.invalid").exists()
    # Invented names, so that an assignee can be found by name as in a real city.
    assert not Person.objects.filter(name="").exists()
    given, surname = Person.objects.order_by("pk").first().name.split(" ")
    assert given in city.GIVEN_NAMES and surname in city.SURNAMES
    # one audit entry for the bulk load, with its counts
    entry = AuditEntry.objects.filter(object_repr="Malmö stad (demo)").order_by("-id").first()
    assert entry.changes["assets"] == [None, SMALL]


@pytest.mark.django_db
def test_the_database_holds_what_the_seed_generates(demo):
    stored = list(
        Asset.objects.order_by("asset_tag").values_list("asset_tag", "serial_number", "status")
    )
    assert stored == fingerprint(generated(SMALL, 7))


@pytest.mark.django_db
def test_every_stored_history_replays_legally_to_the_current_status(demo):
    events = defaultdict(list)
    rows = LifecycleEvent.objects.order_by("asset_id", "at", "id").values_list(
        "asset_id", "from_status", "to_status", "reference"
    )
    for asset_id, source, target, reference in rows:
        events[asset_id].append((source, target, reference))
    for pk, status, has_storage, category in Asset.objects.values_list(
        "pk", "status", "has_storage", "model__category"
    ):
        assert has_storage == (category in CATEGORIES_WITH_STORAGE)
        assert replay(events[pk], has_storage=has_storage) == status


@pytest.mark.django_db
def test_serials_are_unique_per_manufacturer(demo):
    pairs = Counter(Asset.objects.values_list("model__manufacturer__name", "serial_number"))
    assert max(pairs.values()) == 1
    dell = Asset.objects.filter(model__manufacturer__name="Dell").values_list(
        "serial_number", flat=True
    )
    assert {len(serial) for serial in dell} == {7}


@pytest.mark.django_db
def test_the_takeback_assets_left_in_late_2019(demo):
    returned = LifecycleEvent.objects.filter(
        to_status="returned", reference=takeback.CAMPAIGN
    ).values_list("asset_id", flat=True)
    assets = Asset.objects.filter(pk__in=returned)
    assert assets.count() == round(7500 * SMALL / fleet.DEFAULT_ASSETS)
    assert set(assets.values_list("status", flat=True)) == {"resold", "recycled"}
    assert all(
        day.year == 2019 and day.month >= 11 for day in assets.values_list("end_date", flat=True)
    )
    erased = LifecycleEvent.objects.filter(asset__in=assets, to_status="erased")
    assert all(ref.startswith("ERASE-2019-") for ref in erased.values_list("reference", flat=True))


@pytest.mark.django_db
def test_one_login_per_role(demo):
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles == {
        "admin": Role.ADMINISTRATOR,
        "hallbarhet": Role.SUSTAINABILITY_LEAD,
        "upphandling": Role.PROCUREMENT,
        "samordnare": Role.COORDINATOR,
        "lasare": Role.VIEWER,
        "partner": Role.PARTNER,
    }
    scoped = {
        m.user.username: sorted(d.code for d in m.departments.all())
        for m in Membership.objects.prefetch_related("departments").select_related("user")
    }
    assert scoped["samordnare"] == ["GRF"]
    assert scoped["lasare"] == ["MF"]
    assert scoped["partner"] == []
    assert get_user_model().objects.get(username="lasare").check_password(loader.DEMO_PASSWORD)


def section(page: str, name: str) -> str:
    """The text of the page's ``<section id=name>``, tags stripped, spaces collapsed."""
    found = re.search(rf'<section[^>]*id="{name}".*?</section>', page, re.S)
    assert found, f"no #{name} on the page"
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group())).split())
    return text.replace(" :", ":")


@pytest.mark.django_db
def test_every_demo_asset_is_booked_on_one_of_its_departments_cost_centres(demo):
    booked = Asset.objects.values_list("department_id", "cost_centre__department_id")
    assert all(department == owner for department, owner in booked)
    assert Asset.objects.values("cost_centre").distinct().count() > 14


@pytest.mark.django_db
def test_a_demo_assets_history_starts_when_its_timeline_does(demo, client):
    """Opened in the demo, an asset's history is not empty: it was created by the system on
    the day and at the minute its timeline says it was ordered, with what was recorded."""
    recycled = LifecycleEvent.objects.filter(reference=takeback.CAMPAIGN, to_status="recycled")
    asset = Asset.objects.get(pk=recycled.values_list("asset_id", flat=True).first())
    ordered = LifecycleEvent.objects.get(asset=asset, to_status="ordered")
    when = timezone.localtime(ordered.at).strftime("%Y-%m-%d %H:%M")
    client.force_login(get_user_model().objects.get(username="admin"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("inventory:asset", args=[asset.pk])).content.decode()
    assert f"Ordered {when}" in section(page, "timeline")
    history = section(page, "history")
    assert "No recorded changes yet" not in history
    assert f"{when} system Created" in history
    for shown in (
        f"Asset tag: – → {asset.asset_tag}",
        f"Serial number: – → {asset.serial_number}",
        f"Order number: – → {asset.order_number}",
        f"Purchase date: – → {asset.purchase_date.isoformat()}",
        f"Department: – → {asset.department}",
        "Status: – → Ordered",
    ):
        assert shown in history
    # Where it went later is the timeline's story, not a history entry dated at its order.
    assert "Recycled" not in history


@pytest.mark.django_db
def test_every_demo_asset_was_created_as_an_ordinary_save_would_record_it(demo):
    """One "create" entry per asset, by nobody, at its order, holding every non-empty field
    known then as the save signal records it (what :func:`audit.snapshot` gives for the
    stored asset), in status "ordered"; what moves set later is not in it."""
    asset_type = ContentType.objects.get_for_model(Asset)
    entries = {
        entry.object_id: entry for entry in AuditEntry.objects.filter(content_type=asset_type)
    }
    ordered = dict(LifecycleEvent.objects.filter(to_status="ordered").values_list("asset_id", "at"))
    assets = list(Asset.objects.all())
    assert len(entries) == len(assets) == SMALL
    for asset in assets:
        entry = entries[str(asset.pk)]
        assert (entry.action, entry.actor_id, entry.object_repr) == (
            "create",
            None,
            asset.asset_tag,
        )
        assert entry.at == ordered[asset.pk]
        snapshot = audit.snapshot(asset)
        known = {name: value for name, value in snapshot.items() if value}
        for later in ("status", "status_changed_at", "in_use_date", "end_date"):
            known.pop(later, None)
        known |= {"status": "ordered", "status_changed_at": ordered[asset.pk].isoformat()}
        assert entry.changes == {name: [None, value] for name, value in known.items()}
    # the organisation keeps its one entry for the load, with the counts
    summary = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Organisation), changes__has_key="demo"
    )
    assert summary.changes["assets"] == [None, SMALL]


@pytest.mark.django_db
def test_replacing_the_demo_leaves_no_history_of_assets_that_are_gone():
    call_command("demo", "--assets", "300", stdout=io.StringIO())
    edited = Asset.objects.order_by("pk").first()
    edited.notes = "Ny laddare"
    edited.save()  # an ordinary edit in the demo: its own audit entry
    gone = set(Asset.objects.values_list("pk", flat=True))
    call_command("demo", "--assets", "400", "--replace", "--seed", "2", stdout=io.StringIO())
    assets = set(Asset.objects.values_list("pk", flat=True))
    assert not gone & assets
    asset_type = ContentType.objects.get_for_model(Asset)
    per_asset = dict(
        AuditEntry.objects.filter(content_type=asset_type)
        .values_list("object_id")
        .annotate(entries=Count("id"))
    )
    assert {int(pk) for pk in per_asset} == assets
    assert set(per_asset.values()) == {1}
    # Nor of any other record the replacement emptied: an entry points at a live record,
    # or its record's deletion is itself recorded (logins are deleted one by one).
    deleted = set(
        AuditEntry.objects.filter(action="delete").values_list("content_type", "object_id")
    )
    for entry in AuditEntry.objects.select_related("content_type"):
        model = entry.content_type.model_class()
        alive = model._default_manager.filter(pk=entry.object_id).exists()
        assert alive or (entry.content_type_id, entry.object_id) in deleted, entry


@pytest.mark.django_db
def test_if_empty_is_a_no_op_the_second_time():
    out = io.StringIO()
    call_command("demo", "--if-empty", "--assets", "300", stdout=out)
    assert "kretslopp-demo" in out.getvalue()
    before = (Asset.objects.count(), LifecycleEvent.objects.count(), Person.objects.count())
    out = io.StringIO()
    call_command("demo", "--if-empty", "--assets", "300", stdout=out)
    assert "Demo data already loaded" in out.getvalue()
    after = (Asset.objects.count(), LifecycleEvent.objects.count(), Person.objects.count())
    assert before == after


@pytest.mark.django_db
def test_existing_data_is_refused_unless_replaced():
    call_command("demo", "--assets", "300", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--replace"):
        call_command("demo", "--assets", "300", stdout=io.StringIO())
    call_command("demo", "--assets", "400", "--replace", "--seed", "2", stdout=io.StringIO())
    assert Organisation.objects.count() == 1
    assert Asset.objects.count() == 400
    assert get_user_model().objects.filter(username="admin").count() == 1


@pytest.mark.django_db
def test_replace_never_touches_a_real_organisation():
    Organisation.objects.create(name="Lunds kommun")
    with pytest.raises(CommandError, match="not the demo"):
        call_command("demo", "--assets", "300", "--replace", stdout=io.StringIO())
    assert Organisation.objects.get().name == "Lunds kommun"


@pytest.mark.django_db
def test_a_failure_leaves_the_database_unchanged(monkeypatch):
    def broken(*args, **kwargs):
        yield from []
        raise RuntimeError("disk full")

    monkeypatch.setattr(fleet, "generate", broken)
    with pytest.raises(RuntimeError):
        loader.load(assets=300)
    assert not Organisation.objects.exists()
    assert not Department.objects.exists()
    assert not get_user_model().objects.filter(username="admin").exists()


@pytest.mark.django_db
def test_the_demo_procurement_is_decided_delivered_and_followed_up(demo):
    from kretslopp.procurement.models import (
        Contract,
        CorrectiveAction,
        Offer,
        Procurement,
        SupplierAudit,
    )

    procurement = Procurement.objects.get(reference="KS-2025-0117")
    assert procurement.status == "decided"
    assert procurement.units_by_lot == {"Bärbara datorer": 3000, "Mobiltelefoner": 1200}
    assert Offer.objects.filter(procurement=procurement).count() == 4
    (contract,) = Contract.objects.filter(procurement=procurement)
    assert {m.category for m in contract.models.all()} == {"laptop", "smartphone"}
    assert SupplierAudit.objects.values("supplier").distinct().count() == 2
    assert CorrectiveAction.objects.overdue().count() == 1
