"""Writing the demo into the database: in one transaction, in chunks, with audit entries.

The generators in this package are plain Python; this module is the only one that touches
Django. Every row goes in through the one bulk writer (:mod:`kretslopp.core.bulk`: ``COPY``
on PostgreSQL, ``executemany`` on SQLite): model objects with :func:`~kretslopp.core.bulk.create`,
assets and events (the bulk of the rows) as plain rows (see :mod:`kretslopp.demo.fastinsert`),
their ids taken up front with :func:`~kretslopp.core.bulk.reserve_ids`. Neither sends the
per-row signals that audit normal saves (they would cost minutes at a million assets), so the
load writes the audit entries itself: each asset's "create" entry in the save signal's shape,
by the system and timed at the asset's order (its first lifecycle event), so its history and
its timeline agree, through one bulk insert; and one entry on the organisation with the
counts. Assets, their events and their entries are generated and inserted a chunk at a time,
so memory does not grow with ``--assets``.

At a region's size (``--assets 1000000``: 433,000 people, 5.2 million events, a million
audit entries) PostgreSQL's own bookkeeping costs more than the rows: people, assets, events
and audit entries are therefore written before their secondary indexes and foreign keys,
which are built once afterwards in the same transaction
(:func:`kretslopp.core.bulk.indexes_built_after`), and Python's cycle collector pauses while
the city is generated. The planner's statistics are refreshed once: on PostgreSQL with the
indexes, before the take-back is read back from the events; on SQLite after the commit.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction

from kretslopp.core import audit, bulk
from kretslopp.core.models import AuditEntry
from kretslopp.demo import city, fleet, takeback
from kretslopp.demo import energy as energy_demo
from kretslopp.demo import exchange as exchange_demo
from kretslopp.demo import forum as forum_demo
from kretslopp.demo import procurement as procurement_demo
from kretslopp.demo.catalogue import Catalogue, build_catalogue
from kretslopp.demo.fastinsert import insert_rows
from kretslopp.demo.takeback import extend_catalogue_models
from kretslopp.inventory.models import (
    CATEGORIES_WITH_STORAGE,
    Asset,
    LifecycleEvent,
    Manufacturer,
    ProductLabel,
    ProductModel,
)
from kretslopp.organisation.models import (
    CostCentre,
    Department,
    Location,
    Membership,
    Organisation,
    Person,
    Role,
)
from kretslopp.tendering.engine import cyclic_gc_paused

DEMO_PASSWORD = "kretslopp-demo"
ASSET_COLUMNS = (
    "asset_tag",
    "serial_number",
    "model_id",
    "department_id",
    "cost_centre_id",
    "assignee_id",
    "location_id",
    "purchase_date",
    "delivery_date",
    "in_use_date",
    "purchase_price_sek",
    "supplier",
    "order_number",
    "warranty_end",
    "planned_end_of_life",
    "has_storage",
    "status",
    "status_changed_at",
    "end_date",
)
#: The field of each of ASSET_COLUMNS, and its name in the audit trail (``model_id``: ``model``).
AUDITED = tuple(Asset._meta.get_field(column) for column in ASSET_COLUMNS)
AUDITED_NAMES = tuple(field.name for field in AUDITED)
#: Fields that lifecycle moves set later: not known when the asset was registered.
SET_BY_MOVES = frozenset({"status", "status_changed_at", "in_use_date", "end_date"})
EVENT_COLUMNS = ("asset_id", "from_status", "to_status", "at", "note", "reference")
CHUNK = 5000


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    departments: tuple[str, ...] = ()


#: One login per role; the coordinator and the viewer see one department each.
ACCOUNTS: tuple[Account, ...] = (
    Account("admin", Role.ADMINISTRATOR),
    Account("hallbarhet", Role.SUSTAINABILITY_LEAD),
    Account("upphandling", Role.PROCUREMENT),
    Account("samordnare", Role.COORDINATOR, ("GRF",)),
    Account("lasare", Role.VIEWER, ("MF",)),
    Account("partner", Role.PARTNER),
)


def existing_demo_accounts() -> list[tuple[str, str, str]]:
    """The demo logins that still exist and still have the demo password (a changed one is
    not printed: it is no longer ours to show)."""
    from django.contrib.auth import get_user_model

    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=[account.username for account in ACCOUNTS]
        )
    }
    return [
        (account.username, account.role, DEMO_PASSWORD)
        for account in ACCOUNTS
        if account.username in users and users[account.username].check_password(DEMO_PASSWORD)
    ]


class DemoExists(Exception):
    """The database already holds an organisation; loading would mix two cities."""


@dataclass
class Result:
    counts: dict[str, int] = field(default_factory=dict)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, note
    seconds: float = 0.0


def has_data() -> bool:
    return Organisation.objects.exists()


def load(*, assets: int = fleet.DEFAULT_ASSETS, seed: int = 1, replace: bool = False) -> Result:
    """Load the demo municipality; all or nothing.

    Refuses (:class:`DemoExists`) when an organisation exists, unless ``replace`` is given
    and the existing organisation is the demo's own, which is then deleted first in the same
    transaction.
    """
    started = time.perf_counter()
    result = Result()
    # The generators allocate tens of millions of small acyclic objects, freed by reference
    # counting chunk by chunk; cycle-collection passes would walk them all again and again (a
    # quarter of the load's CPU time at 100,000 assets), so it runs once at the end instead.
    with cyclic_gc_paused(collect_after=True), transaction.atomic():
        existing = Organisation.objects.order_by("pk").first()
        if existing is not None:
            if not replace:
                raise DemoExists(
                    f"The database already holds {existing.name!r}. Use --replace to delete "
                    "the demo data and load it again, or --if-empty to keep it."
                )
            if existing.name != city.ORGANISATION_NAME:
                raise DemoExists(
                    f"The database holds {existing.name!r}, which is not the demo: "
                    "--replace only replaces the demo, never real data."
                )
            delete_demo()
        plan = fleet.plan(assets)
        catalogue = build_catalogue(seed)
        extra = [
            spec
            for spec in extend_catalogue_models(plan.takeback)
            if spec.key not in catalogue.by_key
        ]
        if extra:
            catalogue = Catalogue(catalogue.models + extra)
        organisation = Organisation.objects.create(
            name=city.ORGANISATION_NAME,
            organisation_number=city.ORGANISATION_NUMBER,
            country=city.COUNTRY,
            employees=city.EMPLOYEES,
        )
        departments = _organisation(result)
        # The bulk of the rows go in before their tables' secondary indexes and foreign keys
        # are built, once (PostgreSQL; see kretslopp.core.bulk.indexes_built_after).
        with bulk.indexes_built_after(Person, Asset, LifecycleEvent, AuditEntry):
            people = _people(plan, seed, result)
            model_ids = _catalogue(catalogue, result)
            result.accounts = _accounts(departments)
            _fleet(plan, catalogue, seed, departments, people, model_ids, result)
        _takeback_campaign(departments, result)
        result.counts.update(energy_demo.load(seed))  # energy ledger, print volumes, targets
        result.accounts += forum_demo.load(departments)
        result.counts.update(procurement_demo.load(seed))  # offers, contract, supplier audits
        result.counts.update(exchange_demo.load(seed))  # published KPI values, demo peers
        result.seconds = time.perf_counter() - started
        audit.record(
            organisation,
            "create",
            {
                "demo": [None, f"Demodata inläst (seed {seed}, {assets} tillgångar)"],
                **{name: [None, count] for name, count in result.counts.items()},
            },
        )
    # The planner's statistics, once the city is committed (kretslopp.core.bulk); PostgreSQL
    # had them refreshed when the indexes were built.
    if connection.vendor != "postgresql":
        bulk.refresh_statistics(Person, Asset, LifecycleEvent, AuditEntry, rows=assets)
    result.seconds = time.perf_counter() - started
    return result


def _organisation(result: Result) -> dict[str, Department]:
    departments = bulk.create(
        Department,
        [Department(code=d.code, name=d.name, employees=d.employees) for d in city.DEPARTMENTS],
    )
    by_code = {d.code: d for d in Department.objects.filter(code__in=[d.code for d in departments])}
    locations = [
        Location(name=name, address=address, department=by_code[d.code])
        for d in city.DEPARTMENTS
        for name, address in d.locations
    ]
    bulk.create(Location, locations)
    cost_centres = [
        CostCentre(code=city.cost_centre_code(d, i), name=name, department=by_code[d.code])
        for d in city.DEPARTMENTS
        for i, name in enumerate(d.cost_centres)
    ]
    bulk.create(CostCentre, cost_centres)
    result.counts.update(
        departments=len(by_code), locations=len(locations), cost_centres=len(cost_centres)
    )
    return by_code


def _people(plan: fleet.Plan, seed: int, result: Result) -> dict[str, list[int]]:
    """Staff per department (invented names, pseudonymous ids); returns their primary keys
    in creation order."""
    total = sum(plan.people.values())
    space = max(1_000_000, total * 3)
    numbers = random.Random(f"people-{seed}").sample(range(1, space), total)
    names = random.Random(f"names-{seed}")
    departments = {d.code: d for d in Department.objects.all()}
    pks: dict[str, list[int]] = {}
    offset = 0
    for code, count in plan.people.items():
        mine = numbers[offset : offset + count]
        offset += count
        department_id = departments[code].pk
        for part in bulk.batched(mine, CHUNK):
            # Plain rows, not Person objects: at a million assets there are 433,000 people.
            reserved = bulk.reserve_ids(Person, len(part))
            rows = [
                (pk, identifier, city.person_name(names), city.person_email(identifier))
                for pk, identifier in zip(reserved, map(city.person_identifier, part), strict=True)
            ]
            insert_rows(
                Person,
                ("id", "identifier", "name", "email", "department_id"),
                ((*row, department_id) for row in rows),
            )
            pks.setdefault(code, []).extend(reserved)
    result.counts["people"] = total
    return pks


def _catalogue(catalogue: Catalogue, result: Result) -> list[int]:
    names = sorted({spec.manufacturer for spec in catalogue.models})
    bulk.create(Manufacturer, [Manufacturer(name=name) for name in names])
    manufacturers = dict(Manufacturer.objects.filter(name__in=names).values_list("name", "pk"))
    rows = [
        ProductModel(
            manufacturer_id=manufacturers[spec.manufacturer],
            name=spec.name,
            category=spec.category,
            screen_size_inch=spec.screen_size_inch,
            energy_kwh_per_year=spec.energy_kwh_per_year,
            notes=spec.notes,
        )
        for spec in catalogue.models
    ]
    bulk.create(ProductModel, rows)
    ids = {
        (m, n): pk
        for m, n, pk in ProductModel.objects.values_list("manufacturer__name", "name", "pk")
    }
    model_ids = [ids[spec.key] for spec in catalogue.models]
    labels = [
        ProductLabel(
            product_model_id=pk,
            scheme=label.scheme,
            level=label.level,
            valid_from=label.valid_from,
            valid_until=label.valid_until,
        )
        for spec, pk in zip(catalogue.models, model_ids, strict=True)
        for label in spec.labels
    ]
    bulk.create(ProductLabel, labels)
    result.counts.update(manufacturers=len(names), product_models=len(rows), labels=len(labels))
    return model_ids


def _accounts(departments: dict[str, Department]) -> list[tuple[str, str, str]]:
    """Demo logins; an existing user of the same name is left alone, never overwritten."""
    users = get_user_model()
    made = []
    for account in ACCOUNTS:
        if users.objects.filter(username=account.username).exists():
            made.append((account.username, account.role, "finns redan, orörd"))
            continue
        admin = account.role == Role.ADMINISTRATOR
        user = users.objects.create_user(
            username=account.username,
            email=f"{account.username}@{city.EMAIL_DOMAIN}",
            password=DEMO_PASSWORD,
            is_staff=admin,
            is_superuser=admin,
        )
        membership = Membership.objects.create(user=user, role=account.role)
        membership.departments.set([departments[code] for code in account.departments])
        made.append((account.username, account.role, DEMO_PASSWORD))
    return made


def _fleet(
    plan: fleet.Plan,
    catalogue: Catalogue,
    seed: int,
    departments: dict[str, Department],
    people: dict[str, list[int]],
    model_ids: list[int],
    result: Result,
) -> None:
    locations = dict(Location.objects.values_list("name", "pk"))
    department_ids = {code: d.pk for code, d in departments.items()}
    # Each asset is booked on one of its department's cost centres, in turn.
    centres: dict[int, list[int]] = {}
    for pk, department_id in CostCentre.objects.order_by("code").values_list("pk", "department"):
        centres.setdefault(department_id, []).append(pk)
    storage = frozenset(CATEGORIES_WITH_STORAGE)
    asset_count = event_count = 0
    for chunk in bulk.batched(fleet.generate(plan, catalogue, storage, seed), CHUNK):
        rows = [
            (
                spec.asset_tag,
                spec.serial_number,
                model_ids[spec.model_index],
                department_ids[spec.department],
                _in_turn(centres.get(department_ids[spec.department]), number),
                None if spec.assignee is None else people[spec.assignee[0]][spec.assignee[1]],
                locations[spec.location],
                spec.purchase_date,
                spec.delivery_date,
                spec.in_use_date,
                spec.purchase_price_sek,
                spec.supplier,
                spec.order_number,
                spec.warranty_end,
                spec.planned_end_of_life,
                spec.has_storage,
                spec.status,
                spec.status_changed_at,
                spec.end_date,
            )
            for number, spec in enumerate(chunk, start=asset_count)
        ]
        # Ids taken first: COPY (PostgreSQL) gives none back, and the events need them.
        reserved = bulk.reserve_ids(Asset, len(rows))
        numbered = [(pk, *row) for pk, row in zip(reserved, rows, strict=True)]
        asset_count += insert_rows(Asset, ("id", *ASSET_COLUMNS), numbered)
        ids = dict(zip((spec.asset_tag for spec in chunk), reserved, strict=True))
        event_count += insert_rows(
            LifecycleEvent,
            EVENT_COLUMNS,
            (
                (ids[spec.asset_tag], e.from_status, e.to_status, e.at, e.note, e.reference)
                for spec in chunk
                for e in spec.events
            ),
        )
        audit.record_many(Asset, _created_entries(chunk, rows, ids))
    result.counts.update(
        assets=asset_count,
        lifecycle_events=event_count,
        takeback_2019=plan.takeback_total,
    )


def _in_turn(choices: list[int] | None, number: int) -> int | None:
    return choices[number % len(choices)] if choices else None


def _created_entries(
    chunk: list, rows: list[tuple], ids: dict[str, int]
) -> Iterator[audit.TimedEntry]:
    """Each asset's "create" audit entry, as the save signal would have written it when the
    asset was registered at its order: every non-empty field known then as ``[None, text]``,
    in status "ordered". What the moves set later (status, in-use and end dates) is in the
    asset's lifecycle timeline, not in this entry, so the history is not dated before it
    happened.

    The texts are made column by column, each distinct date, id or price once per chunk.
    """
    columns = zip(*rows, strict=True)
    texts = [
        map(_Texts(field).__getitem__, column)
        for field, column in zip(AUDITED, columns, strict=True)
    ]
    for spec, row in zip(chunk, zip(*texts, strict=True), strict=True):
        changes = {
            name: [None, text]
            for name, text in zip(AUDITED_NAMES, row, strict=True)
            if text and name not in SET_BY_MOVES
        }
        first = spec.events[0]
        changes["status"] = [None, first.to_status]
        changes["status_changed_at"] = [None, first.at.astimezone(dt.UTC).isoformat()]
        yield ids[spec.asset_tag], spec.asset_tag, "create", changes, first.at


class _Texts(dict):
    """value → its text as :func:`audit.snapshot` gives it for the stored asset, made on
    first sight: dates ISO, time stamps ISO in UTC (as the database gives them back), ids,
    prices and flags by ``str``; None stays None."""

    def __init__(self, field: models.Field) -> None:
        super().__init__()
        if isinstance(field, models.DateTimeField):
            self.text = lambda value: value.astimezone(dt.UTC).isoformat()
        elif isinstance(field, models.DateField):
            self.text = dt.date.isoformat
        else:
            self.text = str

    def __missing__(self, value: object) -> str | None:
        text = self[value] = None if value is None else self.text(value)
        return text


def _takeback_campaign(departments: dict[str, Department], result: Result) -> None:
    """The 2019 campaign's records for the take-back assets the fleet already holds.

    Everything is read back from the assets' lifecycle events (returned, handed over, the
    erasure certificate, the grading note, the outcome), so the campaign, its manifests and
    the partner's results tell the same story as the asset pages. Written in bulk; one audit
    entry on the campaign records the load.
    """
    from kretslopp.circular.models import (
        Campaign,
        CampaignItem,
        CampaignStatus,
        CollectionPoint,
        PartnerReport,
    )
    from kretslopp.organisation.models import Partner, PartnerKind

    journeys = _takeback_journeys()
    if not journeys:
        return
    partner = Partner.objects.create(
        name=takeback.PARTNER_NAME,
        organisation_number=takeback.PARTNER_NUMBER,
        kind=PartnerKind.REFURBISHER,
    )
    Membership.objects.filter(role=Role.PARTNER, partner__isnull=True).update(partner=partner)
    campaign = Campaign.objects.create(
        name=takeback.CAMPAIGN,
        partner=partner,
        starts_on=takeback.COLLECTION_START,
        ends_on=takeback.CAMPAIGN_END,
        goal_products=7000,
        goal_reuse_percent=70,
        status=CampaignStatus.CLOSED,
        public=True,
        closing_note="Alla enheter redovisade av partnern; inga avvikelser.",
        closed_at=_at(takeback.CAMPAIGN_END),
    )
    points = Location.objects.filter(department__code__in=sorted(departments)).order_by(
        "department__code", "name"
    )[: len(departments)]
    bulk.create(
        CollectionPoint,
        [
            CollectionPoint(
                campaign=campaign,
                name=location.name,
                address=location.address,
                opens_on=takeback.COLLECTION_START,
                closes_on=takeback.COLLECTION_END,
            )
            for location in points
        ],
    )
    manifests = _manifests(campaign, sorted({j["handed"].date() for j in journeys.values()}))
    weights = takeback.weights_kg()
    items = [
        _campaign_item(campaign, asset_id, journey, manifests, weights)
        for asset_id, journey in journeys.items()
    ]
    bulk.create(CampaignItem, items)
    PartnerReport.objects.create(
        campaign=campaign,
        file_name=takeback.REPORT_FILE,
        digest=f"demo-{takeback.CAMPAIGN}-{len(items)}",
        rows=len(items),
        summary={"applied": len(items), "unchanged": 0, "findings": 0},
    )
    result.counts.update(takeback_items=len(items), takeback_manifests=len(manifests))
    audit.record(
        campaign,
        "create",
        {
            "demo": [None, "Demo: återtaget 2019 med manifest och partnerrapport"],
            "items": [None, len(items)],
            "manifests": [None, len(manifests)],
        },
    )


def _at(day):
    import datetime as dt

    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(16, 0)))


def _takeback_journeys() -> dict[int, dict]:
    """Per take-back asset: its facts and the dates and evidence of each step, from events."""
    returned = dict(
        LifecycleEvent.objects.filter(reference=takeback.CAMPAIGN, to_status="returned")
        .values_list("asset_id", "at")
        .order_by()
    )
    journeys: dict[int, dict] = {}
    ids = sorted(returned)
    for chunk in bulk.batched(ids, 900):
        for pk, tag, serial, dept, category, storage in Asset.objects.filter(
            pk__in=chunk
        ).values_list(
            "pk", "asset_tag", "serial_number", "department_id", "model__category", "has_storage"
        ):
            journeys[pk] = {
                "tag": tag,
                "serial": serial,
                "department_id": dept,
                "category": category,
                "has_storage": storage,
                "collected": returned[pk],
            }
        events = LifecycleEvent.objects.filter(
            asset_id__in=chunk,
            to_status__in=["with_partner", "erased", "graded", "resold", "recycled"],
        ).values_list("asset_id", "to_status", "at", "reference", "note")
        for pk, status, at, reference, note in events:
            journey = journeys[pk]
            if status == "with_partner":
                journey["handed"] = at
            elif status == "erased":
                journey["certificate"], journey["erased"] = reference, at
            elif status == "graded":
                journey["grade"] = takeback.grade_of(note)
            else:
                journey["outcome"], journey["reported"] = status, at
    return {pk: j for pk, j in journeys.items() if "handed" in j and "outcome" in j}


def _manifests(campaign, days) -> dict:
    from kretslopp.circular.models import Manifest

    made = bulk.create(
        Manifest,
        [
            Manifest(
                campaign=campaign,
                number=f"M-2019-{n:03d}",
                handed_over_on=day,
                handed_over_by="IT-avdelningen (demo)",
                received_by="Inrego, mottagning (demo)",
            )
            for n, day in enumerate(days, start=1)
        ],
    )
    return {m.handed_over_on: m for m in made}


def _campaign_item(campaign, asset_id: int, j: dict, manifests: dict, weights: dict):
    from kretslopp.circular.models import CampaignItem

    grade = j.get("grade", "")
    category = j["category"]
    certificate = j.get("certificate", "")
    weight = weights.get(category)
    value = takeback.resale_value_sek(category, grade, j["outcome"])
    return CampaignItem(
        campaign=campaign,
        asset_id=asset_id,
        department_id=j["department_id"],
        category=category,
        asset_tag=j["tag"],
        serial_number=j["serial"],
        has_storage=j["has_storage"],
        collected_at=j["collected"],
        manifest=manifests[j["handed"].date()],
        erasure_method=takeback.erasure_method(category, bool(certificate)),
        erasure_tool=(
            takeback.ERASURE_TOOLS.get(category, takeback.DEFAULT_ERASURE_TOOL)
            if certificate
            else ""
        ),
        erasure_certificate=certificate,
        erased_on=j["erased"].date() if "erased" in j else None,
        grade=grade,
        outcome=j["outcome"],
        weight_kg=None if weight is None else f"{weight:.2f}",
        resale_value_sek=value,
        reported_at=j["reported"],
    )


def delete_demo() -> None:
    """Delete the demo's rows, fast: plain DELETEs in dependency order, inside the caller's
    transaction. Per-row deletes would send an audit signal per asset (minutes at 1M); any
    other app still pointing at these rows makes the transaction fail, so nothing is lost.
    Every row of these tables goes, so their audit entries go with them — the load's own
    and any later edits' — none left behind to point at a record that no longer exists.
    """
    exchange_demo.delete()  # published values and the generated peers
    forum_demo.delete()  # its measures point at the departments and logins deleted below
    procurement_demo.delete()  # its contracts point at the catalogue deleted below
    energy_demo.delete()  # its rows point at the departments deleted below
    from kretslopp.circular import models as circular
    from kretslopp.organisation.models import Partner

    users = get_user_model()
    users.objects.filter(username__in=[a.username for a in ACCOUNTS]).delete()
    tables = [
        circular.Discrepancy,
        circular.PartnerReport,
        circular.CampaignItem,
        circular.Manifest,
        circular.CollectionPoint,
        circular.Campaign.departments.through,
        circular.Campaign,
        circular.TakebackSettings,
        Partner,
        LifecycleEvent,
        Asset,
        ProductLabel,
        ProductModel,
        Manufacturer,
        Membership.departments.through,
        Person,
        CostCentre,
        Location,
    ]
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
        emptied = [
            model for model in (*tables, Department, Organisation) if audit.is_audited(model)
        ]
        kinds = [ContentType.objects.get_for_model(model).pk for model in emptied]
        table = connection.ops.quote_name(AuditEntry._meta.db_table)
        column = connection.ops.quote_name(AuditEntry._meta.get_field("content_type").column)
        marks = ", ".join(["%s"] * len(kinds))
        cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", kinds)  # noqa: S608
        table = connection.ops.quote_name(Department._meta.db_table)
        cursor.execute(f"UPDATE {table} SET parent_id = NULL")
        cursor.execute(f"DELETE FROM {table}")
        table = connection.ops.quote_name(Organisation._meta.db_table)
        cursor.execute(f"DELETE FROM {table}")
    if connection.vendor == "sqlite":
        connection.check_constraints()
