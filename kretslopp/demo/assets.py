"""What every generated asset shares: purchase orders, prices, suppliers, tags and assignees.

The fleet and the take-back both buy devices the same way, so the shared bookkeeping (the
asset tag counter, order and certificate numbers, who gets a device) lives here in one
:class:`Context` that is threaded through the generation in a fixed order. One random
generator drives it all, which is what makes a seed reproduce the same database.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from kretslopp.demo.catalogue import Catalogue, ModelSpec
from kretslopp.demo.history import Event, History
from kretslopp.demo.serials import SerialFactory

#: Planned years of use per category, for ``planned_end_of_life``.
PLANNED_LIFE_YEARS: dict[str, int] = {
    "laptop": 5,
    "desktop": 6,
    "all_in_one": 6,
    "thin_client": 7,
    "monitor": 8,
    "smartphone": 4,
    "tablet": 4,
    "printer": 7,
    "server": 6,
    "network_switch": 8,
    "router_firewall": 6,
    "access_point": 7,
    "storage": 6,
    "docking_station": 6,
    "projector": 7,
    "other": 5,
}
WARRANTY_YEARS = 3
LONG_WARRANTY = {"server": 5, "storage": 5}  # data-centre gear is bought with 5-year support

# Unit prices in SEK excluding VAT, (low, high), by (category, segment) or category.
PRICES: dict[tuple[str, str] | str, tuple[int, int]] = {
    ("laptop", "pupil"): (2600, 3900),
    "laptop": (8500, 14500),
    ("desktop", "cad"): (14000, 26000),
    "desktop": (5500, 9000),
    "all_in_one": (8000, 12500),
    "thin_client": (2800, 4200),
    "monitor": (1300, 3800),
    "smartphone": (2500, 5500),
    ("tablet", "pupil"): (3000, 4200),
    ("tablet", "care"): (5500, 8500),
    "tablet": (5000, 11000),
    "printer": (2500, 6000),
    "server": (55000, 190000),
    "network_switch": (12000, 48000),
    "access_point": (4500, 9500),
    "router_firewall": (25000, 160000),
    "storage": (250000, 900000),
    "docking_station": (1700, 3200),
    "projector": (6000, 15000),
}
MULTIFUNCTION_PRICE = (25000, 60000)

# Preferred brands per category: a municipality buys on framework agreements, not evenly.
BRAND_WEIGHTS: dict[str, dict[str, float]] = {
    "laptop": {"Dell": 45, "Lenovo": 35, "HP": 15, "Apple": 5},
    "desktop": {"Dell": 50, "Lenovo": 40, "HP": 10},
    "all_in_one": {"Dell": 60, "Lenovo": 40},
    "monitor": {"Dell": 50, "Lenovo": 30, "HP": 20},
    "smartphone": {"Apple": 60, "Samsung": 34, "Fairphone": 6},
    "tablet": {"Apple": 60, "Microsoft": 25, "Samsung": 15},
    "printer": {"Ricoh": 40, "HP": 30, "Lexmark": 20, "Konica Minolta": 10},
    "server": {"Dell": 60, "HP": 25, "Lenovo": 15},
    "network_switch": {"Cisco": 60, "HPE Aruba": 40},
    "docking_station": {"Dell": 60, "Lenovo": 25, "HP": 15},
}


def supplier_choices(category: str, manufacturer: str, year: int) -> list[tuple[str, int]]:
    """Who the city bought from: framework suppliers changed over the years."""
    if category == "smartphone":
        return (
            [("Telia Sverige AB", 70), ("Atea Sverige AB", 30)]
            if year <= 2020
            else [("Tele2 Sverige AB", 60), ("Atea Sverige AB", 40)]
        )
    if manufacturer == "Ricoh":
        return [("Ricoh Sverige AB", 1)]
    if manufacturer == "Konica Minolta":
        return [("Konica Minolta Sverige AB", 1)]
    if category in {"network_switch", "access_point", "router_firewall"}:
        return [("Atea Sverige AB", 60), ("Conscia Sverige AB", 40)]
    if category in {"server", "storage"}:
        return [("Atea Sverige AB", 80), ("Advania Sverige AB", 20)]
    if year <= 2016:
        return [("Atea Sverige AB", 50), ("Misco AB", 30), ("Dustin Sverige AB", 20)]
    if year <= 2021:
        return [("Atea Sverige AB", 60), ("Dustin Sverige AB", 40)]
    return [("Atea Sverige AB", 45), ("Dustin Sverige AB", 35), ("Advania Sverige AB", 20)]


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(slots=True)
class Order:
    """One purchase order: one model, one supplier, one price, many devices."""

    number: str
    date: dt.date
    model_index: int
    supplier: str
    unit_price: Decimal
    lead_days: int


@dataclass(slots=True)
class AssetSpec:
    """One asset as the loader will insert it; ``assignee`` is (department code, index)."""

    asset_tag: str
    serial_number: str
    model_index: int
    category: str
    department: str
    location: str
    assignee: tuple[str, int] | None
    purchase_date: dt.date
    delivery_date: dt.date | None
    in_use_date: dt.date | None
    purchase_price_sek: Decimal
    supplier: str
    order_number: str
    warranty_end: dt.date
    planned_end_of_life: dt.date
    has_storage: bool
    status: str
    status_changed_at: dt.datetime
    end_date: dt.date | None
    events: list[Event]


@dataclass
class Context:
    """The generator's shared state; see the module docstring for why there is one."""

    rng: random.Random
    catalogue: Catalogue
    storage_categories: frozenset[str]
    people: dict[str, int]  # persons per department code
    serials: SerialFactory = field(init=False)
    _tag: int = 0
    _orders: dict[int, int] = field(default_factory=dict)
    _certificates: dict[tuple[str, int], int] = field(default_factory=dict)
    _permutations: dict[str, list[int]] = field(default_factory=dict)
    _cursors: dict[tuple[str, str], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.serials = SerialFactory(random.Random(self.rng.random()))

    # numbering -----------------------------------------------------------------------------
    def next_tag(self) -> str:
        self._tag += 1
        return f"MS-{self._tag:07d}"

    def order_number(self, year: int) -> str:
        self._orders[year] = self._orders.get(year, 0) + 1
        return f"INK-{year}-{self._orders[year]:05d}"

    def certificate(self, kind: str, year: int) -> str:
        """ERASE-2019-004512 style ids: one series per kind and year."""
        key = (kind, year)
        self._certificates[key] = self._certificates.get(key, 0) + 1
        return f"{kind}-{year}-{self._certificates[key]:06d}"

    # purchasing ----------------------------------------------------------------------------
    def pick_model(self, category: str, segment: str, year: int) -> int:
        candidates = self.catalogue.candidates(category, segment, year)
        weights = BRAND_WEIGHTS.get(category, {})
        brands = sorted({self.catalogue.models[i].manufacturer for i in candidates})
        brand = self.rng.choices(brands, [weights.get(b, 10) for b in brands])[0]
        mine = [i for i in candidates if self.catalogue.models[i].manufacturer == brand]
        return self.rng.choice(mine)

    def unit_price(self, model: ModelSpec) -> Decimal:
        low, high = PRICES.get((model.category, model.segment)) or PRICES.get(
            model.category, (2000, 8000)
        )
        if model.category == "printer" and (
            model.manufacturer in {"Ricoh", "Konica Minolta"}
            or "MFP" in model.name
            or model.name.startswith("CX9")
        ):
            low, high = MULTIFUNCTION_PRICE
        if model.category == "smartphone" and model.manufacturer == "Apple":
            low, high = 6500, 9500
        price = round(self.rng.uniform(low, high) / 10) * 10
        return Decimal(price).quantize(Decimal("0.01"))

    def new_order(
        self,
        category: str,
        segment: str,
        day: dt.date,
        model_index: int | None = None,
    ) -> Order:
        index = (
            self.pick_model(category, segment, day.year) if model_index is None else (model_index)
        )
        model = self.catalogue.models[index]
        suppliers = supplier_choices(category, model.manufacturer, day.year)
        supplier = self.rng.choices([s for s, _ in suppliers], [w for _, w in suppliers])[0]
        late_in_last_year = day >= dt.date(2026, 9, 15)
        lead = self.rng.randint(20, 70) if late_in_last_year else self.rng.randint(5, 25)
        return Order(
            self.order_number(day.year), day, index, supplier, self.unit_price(model), lead
        )

    # people --------------------------------------------------------------------------------
    def assignee(self, department: str, category: str) -> tuple[str, int] | None:
        """The next person in the department to get a device of this category.

        Each department's staff is shuffled once; each category walks that order from its own
        offset, so most people hold one laptop and one phone rather than some holding five.
        """
        count = self.people.get(department, 0)
        if count == 0:
            return None
        order = self._permutations.get(department)
        if order is None:
            order = list(range(count))
            self.rng.shuffle(order)
            self._permutations[department] = order
        key = (department, category)
        cursor = self._cursors.get(key, sum(map(ord, category)) % count)
        self._cursors[key] = cursor + 1
        return (department, order[cursor % count])

    # the asset -----------------------------------------------------------------------------
    def asset(
        self,
        order: Order,
        history: History,
        *,
        department: str,
        location: str,
        assignee: tuple[str, int] | None,
    ) -> AssetSpec:
        model = self.catalogue.models[order.model_index]
        delivered = history.date_of_first("in_stock")
        in_use = history.date_of_first("in_use")
        start = in_use or delivered or order.date + dt.timedelta(days=order.lead_days)
        warranty = LONG_WARRANTY.get(model.category, WARRANTY_YEARS)
        return AssetSpec(
            asset_tag=self.next_tag(),
            serial_number=self.serials.issue(model.manufacturer, model.category, order.date.year),
            model_index=order.model_index,
            category=model.category,
            department=department,
            location=location,
            assignee=assignee,
            purchase_date=order.date,
            delivery_date=delivered,
            in_use_date=in_use,
            purchase_price_sek=order.unit_price,
            supplier=order.supplier,
            order_number=order.number,
            warranty_end=add_years(order.date, warranty),
            planned_end_of_life=add_years(start, PLANNED_LIFE_YEARS.get(model.category, 5)),
            has_storage=history.has_storage,
            status=history.status,
            status_changed_at=history.events[-1].at,
            end_date=history.end_date(),
            events=history.events,
        )
