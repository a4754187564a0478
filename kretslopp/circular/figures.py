"""A campaign's results: what was collected, where it went, the CO2e avoided and the revenue.

One grouped query per set of items, then plain Python: counts by category and department,
reuse and recycling shares, and avoided CO2e from the footprint engine with the organisation's
chosen avoided-emission set and allocation (``carbon.services.Choice``). Every avoided figure
carries that choice, so a page can name its method and link to the methodology.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _

from kretslopp import footprint
from kretslopp.carbon.services import Choice
from kretslopp.carbon.texts import data_text
from kretslopp.footprint.sources import source as footprint_source
from kretslopp.inventory.models import ProductCategory

COMPUTERS = frozenset({"laptop", "desktop", "all_in_one", "thin_client"})
REUSE = frozenset({"reused_internally", "resold", "donated", "refurbished"})
EQUIVALENCE_FILE = Path(__file__).parent / "data" / "equivalences.csv"
#: The equivalence file's own prose, each with a Swedish twin ``<column>_sv`` beside it; each
#: row cites its source by id in the one sources table (``footprint/data/sources.csv``).
EQUIVALENCE_PROSE_COLUMNS: tuple[str, ...] = ("note",)


@dataclass
class Tally:
    """Counts and sums of one group of items (a campaign, a department)."""

    products: int = 0
    by_category: Counter = field(default_factory=Counter)
    by_outcome: Counter = field(default_factory=Counter)
    lines: Counter = field(default_factory=Counter)  # (category, outcome) → count
    revenue_sek: Decimal = Decimal(0)
    weight_kg: Decimal = Decimal(0)

    def add(self, category: str, outcome: str, count: int, revenue, weight) -> None:
        self.products += count
        self.by_category[category] += count
        if outcome:
            self.by_outcome[outcome] += count
            self.lines[(category, outcome)] += count
        self.revenue_sek += revenue or 0
        self.weight_kg += weight or 0


@dataclass
class Figures:
    """The results of one group of items under one method choice."""

    tally: Tally
    choice: Choice
    avoided: footprint.AvoidedResult

    @property
    def products(self) -> int:
        return self.tally.products

    @property
    def computers(self) -> int:
        return sum(n for code, n in self.tally.by_category.items() if code in COMPUTERS)

    @property
    def with_outcome(self) -> int:
        return sum(self.tally.by_outcome.values())

    def _share(self, outcomes: frozenset[str]) -> float | None:
        done = self.with_outcome
        if not done:
            return None
        return sum(n for code, n in self.tally.by_outcome.items() if code in outcomes) / done

    @property
    def reuse_share(self) -> float | None:
        return self._share(REUSE)

    @property
    def recycling_share(self) -> float | None:
        return self._share(frozenset({"recycled"}))

    @property
    def categories(self) -> list[tuple[str, str, int]]:
        labels = dict(ProductCategory.choices)
        return [
            (code, str(labels.get(code, code)), n)
            for code, n in self.tally.by_category.most_common()
        ]

    @property
    def methodology_anchor(self) -> str:
        return f"avoided-{self.choice.avoided_set}"

    @property
    def allocation_label(self) -> str:
        if self.choice.allocation == "shared":
            return _("shared 50/50 with the second user")
        return _("full: all credit to us")


def _rows(items: QuerySet):
    return (
        items.values_list("category", "outcome", "department_id", "department__name")
        .annotate(n=Count("pk"), revenue=Sum("resale_value_sek"), weight=Sum("weight_kg"))
        .order_by()
    )


def _avoided(tally: Tally, choice: Choice) -> footprint.AvoidedResult:
    items = [
        footprint.TakebackItem(category, count, outcome)
        for (category, outcome), count in sorted(tally.lines.items())
    ]
    return footprint.avoided_emissions(items, choice.avoided_set, choice.allocation)


def figures_for(items: QuerySet, choice: Choice | None = None) -> Figures:
    """The results of ``items`` (a queryset of campaign items)."""
    choice = choice or Choice.current()
    tally = Tally()
    for category, outcome, _dept, _name, n, revenue, weight in _rows(items):
        tally.add(category, outcome, n, revenue, weight)
    return Figures(tally, choice, _avoided(tally, choice))


def figures_by_department(
    items: QuerySet, choice: Choice | None = None
) -> list[tuple[str, Figures]]:
    """The results per department, largest first, from the same single query."""
    choice = choice or Choice.current()
    tallies: dict[str, Tally] = defaultdict(Tally)
    for category, outcome, _dept, name, n, revenue, weight in _rows(items):
        tallies[name].add(category, outcome, n, revenue, weight)
    result = [(name, Figures(t, choice, _avoided(t, choice))) for name, t in tallies.items()]
    return sorted(result, key=lambda pair: -pair[1].products)


# --- everyday comparisons for the employee page --------------------------------------------


@dataclass(frozen=True)
class CitedSource:
    """A published source as its publisher gives it (title and licence stay as published)."""

    publisher: str
    year: str
    title: str
    url: str
    licence: str


@dataclass(frozen=True)
class Comparisons:
    """Avoided CO2e in everyday terms, and the sourced factors they rest on.

    The employee page says these in plain words; the factors, their notes and the sources
    go in its "how we counted" part, one click away.
    """

    car_km: float  # the whole campaign's avoided CO2e as km driven by a new petrol car
    laptops: float  # ... as the manufacturing of this many new laptops
    per_computer_kg: float | None  # avoided CO2e per computer handed in (None: no computers)
    per_computer_km: float | None
    car_kg_co2_per_km: float
    car_year: str
    car_note: str  # in the page's language
    laptop_kg_co2e: float
    sources: list[CitedSource]


@cache
def _equivalence_rows() -> tuple[dict[str, str], ...]:
    with EQUIVALENCE_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def _car_row() -> dict[str, str]:
    return next(row for row in _equivalence_rows() if row["id"] == "car_km_petrol")


def _cited(source_id: str) -> CitedSource:
    found = footprint_source(source_id)
    return CitedSource(found.publisher, found.year, found.title, found.url, found.licence)


def comparisons(figures: Figures) -> Comparisons:
    """The campaign's avoided CO2e as car kilometres and new laptops, and per computer."""
    avoided = figures.avoided
    car = _car_row()
    per_km = float(car["kg_co2e_per_unit"])
    laptop = footprint.get_factor_set(figures.choice.factor_set)["laptop"]
    computers_kg = sum(
        line.avoided_kg_co2e for code, line in avoided.by_category.items() if code in COMPUTERS
    )
    per_computer = computers_kg / figures.computers if figures.computers else None
    # the factors behind the avoided figure and the laptop it is compared with
    source_ids = list(dict.fromkeys(avoided.total.source_ids + laptop.embodied.source_ids))
    car_source = _cited(car["source_id"])
    return Comparisons(
        car_km=avoided.avoided_kg_co2e / per_km,
        laptops=avoided.avoided_kg_co2e / laptop.embodied_kg_co2e,
        per_computer_kg=per_computer,
        per_computer_km=per_computer / per_km if per_computer is not None else None,
        car_kg_co2_per_km=per_km,
        car_year=footprint_source(car["source_id"]).year,
        car_note=data_text(car, "note"),
        laptop_kg_co2e=laptop.embodied_kg_co2e,
        sources=[_cited(sid) for sid in sorted(source_ids)] + [car_source],
    )
