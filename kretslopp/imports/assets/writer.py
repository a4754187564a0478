"""Writing an asset import's plan: in batches, with lifecycle events and audit entries.

Bulk writes skip the model signals that audit ordinary saves, so this module writes the
:class:`~kretslopp.core.models.AuditEntry` rows itself — the same shape the signals write
(field name → [old, new] as display-neutral strings), with the importing user as actor;
updates through :func:`kretslopp.core.audit.record_many`, creations from pieces — and
one :class:`~kretslopp.inventory.models.LifecycleEvent` per new asset and per status change,
with the import as its reference. The few new manufacturers, models and locations are
saved one by one, so the ordinary signals audit them.

Before changing existing assets it re-reads their ``updated_at`` under ``SELECT … FOR
UPDATE``: if someone saved one of them since the import read it, the whole import is rolled
back rather than overwriting their edit.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice, repeat
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from kretslopp.core import audit, bulk
from kretslopp.core.bulk import BulkInserter
from kretslopp.core.models import AuditEntry
from kretslopp.imports.assets import fingerprints
from kretslopp.imports.assets.plan import NEW_FIELDS, Plan, Update
from kretslopp.imports.pipeline import CommitConflict, Context
from kretslopp.imports.problems import Problem
from kretslopp.inventory import lifecycle
from kretslopp.inventory.models import Asset, LifecycleEvent, Manufacturer, ProductModel
from kretslopp.organisation.models import Location

BATCH = 2_000
_FIELD_NAMES = {field.attname: field.name for field in Asset._meta.concrete_fields}
# Audit field names of a new asset's row: NEW_FIELDS, then status_changed_at.
_AUDITED_NAMES = [_FIELD_NAMES[name] for name in (*NEW_FIELDS, "status_changed_at")]
_TEXT_FIELDS = frozenset(
    field.name
    for field in Asset._meta.concrete_fields
    if isinstance(field, models.CharField | models.TextField)
)
_MODEL = NEW_FIELDS.index("model_id")
_LOCATION = NEW_FIELDS.index("location_id")
_STATUS = NEW_FIELDS.index("status")
_EVENT_COLUMNS = ("asset_id", "from_status", "to_status", "at", "actor_id", "note", "reference")


class _DistinctPieces(dict):
    """value → its piece of a create entry's JSON, made on first sight (``""`` when empty).

    Dates, ids and flags repeat across the whole file, so the cache lives as long as the
    import; it is emptied when it grows large (prices are nearly all distinct).
    """

    LIMIT = 50_000

    def __init__(self, name: str) -> None:
        super().__init__()
        self.prefix = json.dumps(name) + ": [null, "

    def __call__(self, column: Iterable[Any]) -> Iterator[str]:
        if len(self) > self.LIMIT:
            self.clear()
        return map(self.__getitem__, column)

    def __missing__(self, value: Any) -> str:
        if value is None or value == "":
            piece = ""
        else:
            piece = self.prefix + encode_basestring(audit.text(value)) + "], "
        self[value] = piece
        return piece


def _text_pieces(name: str) -> Callable[[Iterable[str]], list[str]]:
    """Pieces of a text column: mostly distinct values (tags, serials), so no cache."""
    prefix = json.dumps(name) + ": [null, "
    quote = encode_basestring

    def pieces(column: Iterable[str]) -> list[str]:
        return [f"{prefix}{quote(text)}], " if text else "" for text in column]

    return pieces


class _Writer:
    def __init__(self, plan: Plan, context: Context) -> None:
        self.plan = plan
        self.context = context
        self.actor = context.actor if getattr(context.actor, "pk", None) else None
        self.actor_id = self.actor.pk if self.actor is not None else None
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.content_type = ContentType.objects.get_for_model(Asset)
        self.ids: dict[int, int] = {}  # placeholder → real id
        self.note = _("Imported from %(file)s") % {"file": context.file_name}
        self.reference = context.options.reference[:200]
        self.total = len(plan.new) + len(plan.updates)
        self.created_pieces = [
            _text_pieces(name) if name in _TEXT_FIELDS else _DistinctPieces(name)
            for name in _AUDITED_NAMES[:-1]
        ]
        self.done = 0

    def real(self, value: int | None) -> int | None:
        if value is not None and value < 0:
            return self.ids[value]
        return value

    def create_catalogue(self) -> None:
        with audit.acting_as(self.actor):
            for placeholder, name in self.plan.new_manufacturers.values():
                self.ids[placeholder] = Manufacturer.objects.create(name=name[:100]).pk
            for (maker, _key), model in self.plan.new_models.items():
                placeholder, name, number, category = model
                self.ids[placeholder] = ProductModel.objects.create(
                    manufacturer_id=self.real(maker),
                    name=name,
                    model_number=number,
                    category=category,
                ).pk
            for placeholder, name, department_id in self.plan.new_locations.values():
                self.ids[placeholder] = Location.objects.create(
                    name=name, department_id=department_id
                ).pk

    def create_assets(self) -> None:
        """Insert the new assets, a lifecycle event and a create audit entry for each.

        Each batch is handled column by column (``zip`` turns the plan's rows into columns
        and the columns back into rows, both in C), so values every row shares — the time
        stamps, the actor, the note — and values that repeat — dates, ids — cost once. The
        batch's fingerprints go in with it, so nothing of the whole plan is held at the end.
        """
        assets = BulkInserter(
            Asset, ["id", *NEW_FIELDS, "status_changed_at", "created_at", "updated_at"]
        )
        events = BulkInserter(LifecycleEvent, _EVENT_COLUMNS)
        entries = BulkInserter(AuditEntry, audit.ENTRY_COLUMNS, encoded=("changes",))
        prints = fingerprints.inserter()
        digests = iter(self.plan.new_digests)
        # Ids taken first: the rows go in by COPY on PostgreSQL, which returns none.
        reserved = bulk.ReservedIds(Asset, len(self.plan.new))
        audit_batch = audit.current_batch()  # the import's job: one key for every entry
        for batch in bulk.batched(self.plan.new, BATCH):
            columns = self._real_columns(list(zip(*batch, strict=True))[1:])
            now = repeat(self.now)
            ids = reserved.take(len(batch))
            assets.insert_columns([ids, *columns, now, now, now])
            events.insert_columns(
                [ids, repeat(""), columns[_STATUS], now, repeat(self.actor_id),
                 repeat(self.note), repeat(self.reference)]
            )  # fmt: skip
            # object_repr: the tag, as str(asset) gives it (a tag fits the 200 characters).
            entries.insert_columns(
                [now, repeat(self.actor_id), repeat("create"), repeat(self.content_type.pk),
                 map(str, ids), columns[0], self._created_changes(columns), repeat(audit_batch)]
            )  # fmt: skip
            prints.insert(
                (asset_id, digest, self.now)
                for asset_id, digest in zip(ids, islice(digests, len(batch)), strict=True)
                if digest is not None
            )
            self._advance(len(batch))

    def _real_columns(self, columns: list[Sequence]) -> list[Sequence]:
        """The new records' placeholder ids in the model and location columns made real."""
        if self.ids:
            for position in (_MODEL, _LOCATION):
                columns[position] = [self.real(value) for value in columns[position]]
        return columns

    def _created_changes(self, columns: Sequence[Sequence]) -> Iterator[str]:
        """The create audit entries' JSON (every non-empty field as ``[null, value]``), per row.

        Built as the save signal would write it, but from pieces: each value becomes its
        ``"field": [null, "text"], `` piece (an empty one when the value is empty) — text by
        one C call, other values once per distinct value — and each row's JSON is the join
        of its pieces: no JSON encoder per row.
        """
        pieces = [
            pieces_of(column)
            for pieces_of, column in zip(self.created_pieces, columns, strict=False)
        ]
        last = f'"{_AUDITED_NAMES[-1]}": [null, {encode_basestring(audit.text(self.now))}]}}'
        return map("".join, zip(repeat("{"), *pieces, repeat(last)))

    def update_assets(self) -> None:
        """Update the changed fields (grouped by which fields change), with events and audit."""
        for batch in bulk.batched(self.plan.updates, BATCH):
            self._check_unchanged_since_read(batch)
            groups: dict[tuple[str, ...], list[tuple]] = defaultdict(list)
            events, entries = [], []
            for update in batch:
                changes = self._with_side_effects(update)
                names = tuple(sorted(changes))
                old = update.existing
                groups[names].append((old.id, *map(changes.__getitem__, names), self.now))
                audited = {
                    _FIELD_NAMES[name]: [audit.text(old.get(name)), audit.text(value)]
                    for name, value in changes.items()
                }
                entries.append((old.id, old.asset_tag, "update", audited))
                if "status" in changes:
                    events.append(
                        (old.id, old.get("status"), changes["status"], self.now,
                         self.actor_id, self.note, self.reference)
                    )  # fmt: skip
            for names, rows in groups.items():
                bulk.update_by_pk(Asset, [*names, "updated_at"], rows)
            bulk.insert(LifecycleEvent, _EVENT_COLUMNS, events)
            audit.record_many(Asset, entries, by=self.actor)
            self._advance(len(batch))

    def _with_side_effects(self, update: Update) -> dict[str, Any]:
        """The changes, real ids in, plus what a lifecycle move changes with the status."""
        changes = dict(update.changes)
        for name in ("model_id", "location_id"):
            if name in changes:
                changes[name] = self.real(changes[name])
        status = changes.get("status")
        if status is None:
            return changes
        old = update.existing
        changes["status_changed_at"] = self.now
        dates = lifecycle.dates_after_move(
            status,
            self.today,
            in_use_date=changes.get("in_use_date", old.get("in_use_date")),
            end_date=changes.get("end_date", old.get("end_date")),
        )
        changes.update(dates)
        return changes

    def _check_unchanged_since_read(self, batch: Sequence[Update]) -> None:
        expected = {update.existing.id: update for update in batch}
        stored = (
            Asset.objects.select_for_update()
            .filter(pk__in=list(expected))
            .order_by()
            .values_list("pk", "updated_at")
        )
        for pk, updated_at in stored:
            update = expected[pk]
            if updated_at != update.existing.updated_at:
                raise CommitConflict(_conflict(update))

    def record_fingerprints(self) -> None:
        """What the next import of the same rows may skip (:mod:`.fingerprints`).

        Updated assets now carry this import's moment as ``updated_at``; assets the rows
        left unchanged keep theirs. (New assets' fingerprints went in with them.)
        """
        plan, now = self.plan, self.now
        updated = [update for update in plan.updates if update.digest is not None]
        rows = [(update.existing.id, update.digest, now) for update in updated]
        rows += plan.unchanged_digests
        replacing = [update.existing.id for update in plan.updates]
        replacing += [asset_id for asset_id, _digest, _at in plan.unchanged_digests]
        fingerprints.store(rows, replacing)

    def _advance(self, count: int) -> None:
        bulk.check_deferred_now()
        self.done += count
        self.context.progress("writing", self.done, self.total)


def _conflict(update: Update) -> Problem:
    return Problem(
        row=update.row,
        column=None,
        value=update.existing.asset_tag,
        code="changed_meanwhile",
        message=_(
            "Asset %(tag)s was changed by someone else while the import ran, so nothing was "
            "imported. Run the import again: it will start from the current data."
        )
        % {"tag": update.existing.asset_tag},
    )


def write(plan: Plan, context: Context) -> None:
    """Write ``plan``; the caller holds the transaction that makes it all or nothing."""
    writer = _Writer(plan, context)
    context.progress("writing", 0, writer.total)
    writer.create_catalogue()
    writer.create_assets()
    writer.update_assets()
    writer.record_fingerprints()
    # A large import changes the shape of the register: the planner is told once it commits.
    bulk.analyse_on_commit(Asset, LifecycleEvent, rows=len(plan.new) + len(plan.updates))
