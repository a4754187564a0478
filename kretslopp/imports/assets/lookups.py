"""Everything asset validation needs, read from the database once per import.

Validating 100,000 rows must not cost 100,000 queries: departments, the catalogue,
locations, people and the existing assets are loaded into dictionaries keyed the way files
name them (department code or name, manufacturer and model name, asset tag, manufacturer
and serial number). The keys are normalised so that "Dell Inc." finds "Dell" and
"latitude  5420" finds "Latitude 5420".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, models
from django.db.models import F, Func, QuerySet

from kretslopp.imports.models import ValueKind, ValueMap
from kretslopp.inventory.models import Asset, Manufacturer, ProductModel
from kretslopp.organisation.models import CostCentre, Department, Location, Person
from kretslopp.tabular import normalise_header

# Legal-form words that exports add to a manufacturer's name ("Dell Inc.", "LENOVO AB").
_LEGAL_SUFFIXES = frozenset(
    {"inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc",
     "gmbh", "ab", "ag", "sa", "plc", "bv", "oy", "as", "international"}
)  # fmt: skip
_MANUFACTURER_ALIASES = {"hewlett packard": "hp", "hewlett packard enterprise": "hpe"}

#: The asset columns an import compares and may change, in this order in :class:`Existing`;
#: the last two only change with the status, and are kept for the audit trail's old values.
COMPARED: tuple[str, ...] = (
    "serial_number", "model_id", "department_id", "cost_centre_id", "assignee_id", "location_id",
    "purchase_date", "delivery_date", "in_use_date", "purchase_price_sek", "supplier",
    "order_number", "warranty_end", "planned_end_of_life", "has_storage", "status", "notes",
    "end_date", "status_changed_at",
)  # fmt: skip
INDEX: dict[str, int] = {name: position for position, name in enumerate(COMPARED)}


def manufacturer_key(name: str) -> str:
    """'Dell Inc.' → 'dell', 'Hewlett-Packard' → 'hp': how exports and we spell makers."""
    words = normalise_header(name).split()
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    key = " ".join(words)
    return _MANUFACTURER_ALIASES.get(key, key)


def name_key(name: str) -> str:
    """Case and spacing do not make a different model, location or person."""
    return " ".join(name.casefold().split())


@dataclass(slots=True)
class Existing:
    """An asset already in the database, as the import compares it."""

    id: int
    asset_tag: str
    manufacturer_id: int
    updated_at: Any
    values: tuple  # in COMPARED order

    def get(self, attname: str) -> Any:
        return self.values[INDEX[attname]]


@dataclass
class Lookups:
    departments_by_code: dict[str, int] = field(default_factory=dict)
    departments_by_name: dict[str, int | None] = field(default_factory=dict)  # None: ambiguous
    manufacturers: dict[str, int] = field(default_factory=dict)
    models: dict[tuple[int, str], int] = field(default_factory=dict)
    models_by_number: dict[tuple[int, str], int | None] = field(default_factory=dict)
    model_category: dict[int, str] = field(default_factory=dict)
    model_manufacturer: dict[int, int] = field(default_factory=dict)
    locations: dict[str, int] = field(default_factory=dict)
    # What the municipality said other systems' names mean (ValueMap), by normalised name.
    department_maps: dict[str, int] = field(default_factory=dict)
    location_maps: dict[str, int] = field(default_factory=dict)
    # code → (id, department id, department code); id → department id
    cost_centres: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    cost_centre_department: dict[int, int] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)
    assets_by_tag: dict[str, Existing] = field(default_factory=dict)
    assets_by_serial: dict[tuple[int, str], Existing] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Lookups:
        lookups = cls()
        lookups._load_departments()
        lookups._load_catalogue()
        for pk, name in Location.objects.values_list("pk", "name"):
            lookups.locations.setdefault(name_key(name), pk)
        lookups._load_value_maps()
        for pk, identifier, email in Person.objects.values_list("pk", "identifier", "email"):
            lookups.people.setdefault(name_key(identifier), pk)
            if email:
                lookups.people.setdefault(name_key(email), pk)
        lookups._load_assets()
        return lookups

    def _load_departments(self) -> None:
        for pk, code, name in Department.objects.values_list("pk", "code", "name"):
            self.departments_by_code[name_key(code)] = pk
            key = name_key(name)
            self.departments_by_name[key] = None if key in self.departments_by_name else pk
        centres = CostCentre.objects.values_list("pk", "code", "department_id", "department__code")
        for pk, code, department_id, department_code in centres:
            self.cost_centres[name_key(code)] = (pk, department_id, department_code)
            self.cost_centre_department[pk] = department_id

    def _load_value_maps(self) -> None:
        maps = ValueMap.objects.filter(kind__in=[ValueKind.DEPARTMENT, ValueKind.LOCATION])
        for kind, key, department_id, location_id in maps.values_list(
            "kind", "key", "department_id", "location_id"
        ):
            if kind == ValueKind.DEPARTMENT and department_id is not None:
                self.department_maps[key] = department_id
            elif kind == ValueKind.LOCATION and location_id is not None:
                self.location_maps[key] = location_id

    def _load_catalogue(self) -> None:
        for pk, name in Manufacturer.objects.order_by("pk").values_list("pk", "name"):
            self.manufacturers.setdefault(manufacturer_key(name), pk)
        rows = ProductModel.objects.order_by("pk").values_list(
            "pk", "manufacturer_id", "name", "model_number", "category"
        )
        for pk, manufacturer_id, name, number, category in rows:
            self.models.setdefault((manufacturer_id, name_key(name)), pk)
            if number:
                key = (manufacturer_id, name_key(number))
                # A model number shared by two models identifies neither.
                self.models_by_number[key] = None if key in self.models_by_number else pk
            self.model_category[pk] = category
            self.model_manufacturer[pk] = manufacturer_id

    def _load_assets(self) -> None:
        columns = ("pk", "asset_tag", "model__manufacturer_id", "updated_at", *COMPARED)
        queryset, columns = _undeclared(Asset.objects.order_by(), columns)
        by_tag = self.assets_by_tag
        by_serial = self.assets_by_serial
        for pk, tag, manufacturer_id, updated_at, *values in _rows(queryset, columns):
            existing = Existing(pk, tag, manufacturer_id, updated_at, tuple(values))
            by_tag[tag] = existing
            serial = values[0]
            if serial:
                by_serial.setdefault((manufacturer_id, serial.casefold()), existing)

    def model(self, manufacturer_id: int, text: str) -> int | None:
        """By name, else by model number: Intune reports Lenovo's "20W0", not "ThinkPad …"."""
        key = (manufacturer_id, name_key(text))
        found = self.models.get(key)
        return found if found is not None else self.models_by_number.get(key)

    def department(self, text: str) -> int | None:
        """As mapped, else by code, else by name; of a GLPI entity path the last part.

        A value mapping names the whole text as the file has it ("Malmö stad > MF").
        """
        if self.department_maps:
            mapped = self.department_maps.get(normalise_header(text))
            if mapped is not None:
                return mapped
        if ">" in text:
            text = text.rsplit(">", 1)[1]
        key = name_key(text)
        found = self.departments_by_code.get(key)
        if found is None:
            found = self.departments_by_name.get(key)
        return found

    def location(self, text: str) -> int | None:
        """As mapped, else by name."""
        if self.location_maps:
            mapped = self.location_maps.get(normalise_header(text))
            if mapped is not None:
                return mapped
        return self.locations.get(name_key(text))

    def department_ambiguous(self, text: str) -> bool:
        if ">" in text:
            text = text.rsplit(">", 1)[1]
        key = name_key(text)
        return key in self.departments_by_name and self.departments_by_name[key] is None


def _undeclared(queryset: QuerySet, columns: Sequence[str]) -> tuple[QuerySet, list[str]]:
    """On SQLite, read dates, time stamps and flags without the driver's type converters.

    Django has the ``sqlite3`` driver convert every column declared ``date``, ``datetime``
    or ``bool`` through a Python function, value by value, before Django's own converters
    run again. ``+column`` is the same value without a declared type, so only Django's
    converters apply — and :func:`_rows` runs them once per distinct value.
    """
    if connections[queryset.db].vendor != "sqlite":
        return queryset, list(columns)
    model = queryset.model
    names: list[str] = []
    annotations: dict[str, Func] = {}
    for name in columns:
        field = model._meta.get_field(name) if "__" not in name and name != "pk" else None
        if isinstance(field, models.DateField | models.BooleanField):
            alias = f"undeclared_{name}"
            annotations[alias] = Func(F(name), template="+%(expressions)s", output_field=field)
            names.append(alias)
        else:
            names.append(name)
    return queryset.annotate(**annotations), names


def _rows(queryset: QuerySet, columns: Sequence[str]) -> Iterator[tuple]:
    """``queryset.values_list(*columns)``, converting each distinct raw value only once.

    Django converts every date, time stamp and price of every row through a chain of
    converter calls; at 100,000 assets that is most of the cost of loading them. Dates and
    time stamps repeat a great deal, so the same converters are applied through a cache.
    """
    query = queryset.values_list(*columns).query
    compiler = query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
    connection = connections[queryset.db]
    caches: list[tuple[int, dict, Callable[[Any], Any]]] = []
    for position, (functions, expression) in converters.items():

        def convert(value: Any, functions=functions, expression=expression) -> Any:
            for function in functions:
                value = function(value, expression, connection)
            return value

        caches.append((position, {}, convert))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(10_000):
            for raw in chunk:
                if not caches:
                    yield tuple(raw)
                    continue
                row = list(raw)
                for position, cache, convert in caches:
                    value = row[position]
                    if value is None:
                        continue
                    found = cache.get(value, _MISSING)
                    if found is _MISSING:
                        found = convert(value)
                        if len(cache) < 200_000:
                            cache[value] = found
                    row[position] = found
                yield tuple(row)


_MISSING = object()
