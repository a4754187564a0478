"""What an asset import will write, decided row by row before anything is written.

New records the import may create (manufacturers, models, locations) get negative
placeholder ids while rows are validated; the writer creates them first and swaps the
placeholders for real ids. New assets are kept as plain tuples (``NEW_FIELDS`` order) so a
100,000-row plan stays small in memory, and beyond that in a :class:`~kretslopp.core.spool.Spool`
on disk, so that a million-row file does not need a gigabyte; unchanged rows are only counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kretslopp.core.spool import Spool
from kretslopp.imports.assets.lookups import Existing, Lookups
from kretslopp.imports.pipeline import Counts

#: The values of a new asset, after its row number, in this order.
NEW_FIELDS: tuple[str, ...] = (
    "asset_tag", "serial_number", "model_id", "department_id", "cost_centre_id", "assignee_id",
    "location_id",
    "purchase_date", "delivery_date", "in_use_date", "purchase_price_sek", "supplier",
    "order_number", "warranty_end", "planned_end_of_life", "has_storage", "status", "notes",
)  # fmt: skip


#: Positions in a new asset's tuple (its row number first) of dates and of the price.
_DATES = tuple(
    1 + NEW_FIELDS.index(name)
    for name in ("purchase_date", "delivery_date", "in_use_date", "warranty_end",
                 "planned_end_of_life")
)  # fmt: skip
_DECIMALS = (1 + NEW_FIELDS.index("purchase_price_sek"),)


def _new_assets() -> Spool:
    return Spool(dates=_DATES, decimals=_DECIMALS)


@dataclass(slots=True)
class Update:
    """A row that changes an existing asset: only the changed fields, by attname."""

    row: int
    existing: Existing
    changes: dict[str, Any]
    digest: str | None = None  # the row's fingerprint, when it had no problem at all


@dataclass
class Plan:
    new: Spool = field(default_factory=_new_assets)  # (row number, *NEW_FIELDS values)
    updates: list[Update] = field(default_factory=list)
    unchanged: int = 0
    # Fingerprints to record at commit (see kretslopp.imports.assets.fingerprints): one per
    # new asset, in ``new`` order (None: the row had a warning), and (asset id, digest,
    # updated_at) of rows found unchanged the normal way.
    new_digests: Spool = field(default_factory=Spool)
    unchanged_digests: list[tuple[int, str, Any]] = field(default_factory=list)
    new_manufacturers: dict[str, tuple[int, str]] = field(default_factory=dict)
    new_models: dict[tuple[int, str], tuple[int, str, str, str]] = field(default_factory=dict)
    new_locations: dict[str, tuple[int, str, int | None]] = field(default_factory=dict)
    _next_placeholder: int = -1

    def _placeholder(self) -> int:
        value = self._next_placeholder
        self._next_placeholder -= 1
        return value

    def add_manufacturer(self, key: str, name: str) -> int:
        placeholder = self._placeholder()
        self.new_manufacturers[key] = (placeholder, name)
        return placeholder

    def add_model(
        self, manufacturer_id: int, key: str, name: str, model_number: str, category: str
    ) -> int:
        placeholder = self._placeholder()
        self.new_models[(manufacturer_id, key)] = (placeholder, name, model_number, category)
        return placeholder

    def add_location(self, key: str, name: str, department_id: int | None) -> int:
        placeholder = self._placeholder()
        self.new_locations[key] = (placeholder, name, department_id)
        return placeholder

    def model_category(self, model_id: int, lookups: Lookups) -> str:
        if model_id >= 0:
            return lookups.model_category.get(model_id, "other")
        for placeholder, _name, _number, category in self.new_models.values():
            if placeholder == model_id:
                return category
        return "other"

    def counts(self) -> Counts:
        new_records = {
            "manufacturers": len(self.new_manufacturers),
            "models": len(self.new_models),
            "locations": len(self.new_locations),
        }
        return Counts(
            created=len(self.new),
            updated=len(self.updates),
            unchanged=self.unchanged,
            new_records={name: count for name, count in new_records.items() if count},
        )
