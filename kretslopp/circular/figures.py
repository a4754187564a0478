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
from kretslopp.inventory.models import ProductCategory

COMPUTERS = frozenset({"laptop", "desktop", "all_in_one", "thin_client"})
REUSE = frozenset({"reused_internally", "resold", "donated", "refurbished"})
EQUIVALENCE_FILE = Path(__file__).parent / "data" / "equivalences.csv"
#: The equivalence file's own prose, each with a Swedish twin ``<column>_sv`` beside it; the
#: publisher, title and licence are quoted as published.
EQUIVALENCE_PROSE_COLUMNS: tuple[str, ...] = ("label_en", "note")


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


# --- equivalences -----------------------------------------------------------------------


@dataclass(frozen=True)
class Equivalence:
    """Avoided CO2e in plain terms, with the sourced factor it rests on."""

    amount: float
    label: str
    factor_text: str
    source: str
    url: str


@cache
def _equivalence_rows() -> tuple[dict[str, str], ...]:
    with EQUIVALENCE_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def equivalences(avoided_kg_co2e: float, choice: Choice) -> list[Equivalence]:
    """Plain equivalences of ``avoided_kg_co2e``: km by car, new laptops' manufacturing."""
    found = []
    for row in _equivalence_rows():
        if row["id"] == "car_km_petrol":
            per_km = float(row["kg_co2e_per_unit"])
            found.append(
                Equivalence(
                    amount=avoided_kg_co2e / per_km,
                    label=data_text(row, "label_en"),
                    factor_text=_("%(grams)s g CO2 per km") % {"grams": f"{per_km * 1000:g}"},
                    source=f"{row['publisher']}, {row['year']} ({row['licence']}). "
                    + data_text(row, "note"),
                    url=row["url"],
                )
            )
    laptop = footprint.get_factor_set(choice.factor_set)["laptop"]
    found.append(
        Equivalence(
            amount=avoided_kg_co2e / laptop.embodied_kg_co2e,
            label=_("new laptops' manufacturing emissions"),
            factor_text=_("%(kg)s kg CO2e per laptop") % {"kg": f"{laptop.embodied_kg_co2e:.0f}"},
            source=_("Footprint factor set %(set)s: %(basis)s")
            % {"set": choice.factor_set, "basis": data_text(laptop, "embodied_basis")},
            url="",
        )
    )
    return found
