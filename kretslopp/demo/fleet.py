"""The demo fleet: what a city of 26,000 employees has bought since 2014, and what became of it.

The fleet is described as *segments* (staff laptops, pupils' Chromebooks, access points...)
with a share of the fleet, the departments that own them and how purchases grew over the
years. Sizes are shares, not counts, so ``--assets 1000000`` is the same city at a larger
scale. Each device's history is simulated forward from its purchase (delivery, use, maybe a
move back to stock, loss or theft, then return, the partner, erasure, grading and its
outcome) and cut at the reference date; the status is wherever that left it.

Assets are yielded one by one in a fixed order so the loader can insert them in chunks and
memory stays bounded at any size.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from kretslopp.demo import city, takeback
from kretslopp.demo.assets import AssetSpec, Context, Order
from kretslopp.demo.catalogue import Catalogue
from kretslopp.demo.history import REFERENCE_DATE, History, workday
from kretslopp.inventory import lifecycle

DEFAULT_ASSETS = 60_000
FIRST_YEAR = 2014
LAST_YEAR = REFERENCE_DATE.year
YEARS = tuple(range(FIRST_YEAR, LAST_YEAR + 1))

# Purchases per year, 2014..2026 (2026 runs to October): staff devices grew with remote work,
# pupils' devices arrived with one-to-one schooling from 2016, infrastructure is bought evenly.
GROWING = (1, 1, 2, 3, 4, 6, 8, 9, 10, 12, 13, 14, 12)
PUPILS = (0, 0, 2, 3, 5, 7, 11, 11, 10, 10, 10, 10, 8)
STEADY = (3, 3, 4, 5, 5, 6, 7, 7, 8, 9, 9, 9, 8)

STAFF = {d.code: float(d.employees) for d in city.DEPARTMENTS}
OFFICE = {"SK", "MF", "SBK", "SR", "KF", "FGK", "SF", "ASF", "FRI"}


def _staff_weights(ratios: dict[str, float], default: float) -> dict[str, float]:
    return {code: staff * ratios.get(code, default) for code, staff in STAFF.items()}


@dataclass(frozen=True)
class Segment:
    """A kind of device and who owns it; ``share`` is of the fleet outside the take-back."""

    key: str
    category: str
    model_segment: str
    count: int  # at the default size; shares are count / sum of counts
    departments: dict[str, float]
    profile: tuple[int, ...]
    life_years: tuple[float, float]
    order_size: tuple[int, int]
    personal: bool = False  # assigned to a person while in use
    placement: str = "department"  # department | school | data_centre | anywhere


LAPTOP_RATIO = {"FSF": 0.45, "GRF": 0.85, "GYVF": 0.9, "HVOF": 0.3, "FUNK": 0.35, "FRI": 0.6}
PHONE_RATIO = {"FSF": 0.5, "GRF": 0.5, "GYVF": 0.55, "HVOF": 0.9, "FUNK": 0.7}
DESK_RATIO = {code: (1.0 if code in OFFICE else 0.35) for code in STAFF}

# fmt: off
SEGMENTS: tuple[Segment, ...] = (
    Segment("staff-laptop", "laptop", "staff", 18000, _staff_weights(LAPTOP_RATIO, 1.0),
            GROWING, (4, 6), (5, 60), personal=True),
    Segment("staff-desktop", "desktop", "staff", 1800,
            _staff_weights({"KF": 0.3, "SF": 0.15, "FGK": 0.12, "HVOF": 0.1}, 0.05),
            STEADY, (5, 7), (5, 40), personal=True),
    Segment("cad-desktop", "desktop", "cad", 150, {"SBK": 3, "FGK": 2, "SF": 1},
            STEADY, (5, 7), (1, 8), personal=True),
    Segment("all-in-one", "all_in_one", "staff", 350, {"KF": 5, "ASF": 2, "FRI": 2, "SF": 1},
            STEADY, (5, 7), (2, 20)),
    Segment("thin-client", "thin_client", "care", 550, {"HVOF": 6, "FUNK": 3, "ASF": 1},
            STEADY, (6, 9), (10, 60)),
    Segment("monitor", "monitor", "staff", 6000, _staff_weights(DESK_RATIO, 1.0),
            STEADY, (6, 10), (10, 80), personal=True),
    Segment("docking", "docking_station", "staff", 600, _staff_weights(DESK_RATIO, 1.0),
            STEADY, (5, 8), (10, 60), personal=True),
    Segment("smartphone", "smartphone", "staff", 13500, _staff_weights(PHONE_RATIO, 0.85),
            GROWING, (3, 5), (10, 100), personal=True),
    Segment("staff-tablet", "tablet", "staff", 450, _staff_weights({}, 1.0),
            GROWING, (3, 5), (2, 20), personal=True),
    Segment("care-tablet", "tablet", "care", 650, {"HVOF": 7, "FUNK": 3},
            GROWING, (3, 5), (10, 60), personal=True),
    Segment("pupil-chromebook", "laptop", "pupil", 4500, {"GRF": 75, "GYVF": 25},
            PUPILS, (3, 5), (30, 250), placement="school"),
    Segment("pupil-ipad", "tablet", "pupil", 2500, {"GRF": 55, "FSF": 45},
            PUPILS, (3, 5), (20, 200), placement="school"),
    Segment("printer", "printer", "staff", 650, _staff_weights({}, 1.0),
            STEADY, (5, 8), (1, 10)),
    Segment("projector", "projector", "staff", 350, {"GRF": 60, "GYVF": 25, "KF": 8, "SK": 7},
            STEADY, (6, 9), (2, 25), placement="school"),
    Segment("server", "server", "infra", 250, {"SF": 9, "SK": 1},
            STEADY, (5, 7), (1, 8), placement="data_centre"),
    Segment("storage", "storage", "infra", 40, {"SF": 1},
            STEADY, (5, 7), (1, 2), placement="data_centre"),
    Segment("firewall", "router_firewall", "infra", 60, {"SF": 1},
            STEADY, (5, 7), (1, 4), placement="data_centre"),
    Segment("switch", "network_switch", "infra", 800, {"SF": 1},
            STEADY, (7, 10), (2, 30), placement="anywhere"),
    Segment("access-point", "access_point", "infra", 1300, {"SF": 1},
            STEADY, (6, 9), (5, 60), placement="anywhere"),
)
# fmt: on
SEGMENT_TOTAL = sum(segment.count for segment in SEGMENTS)
#: The take-back lines come from a file; these are the categories' owners for it.
TAKEBACK_OWNERS = {
    "laptop": "staff-laptop",
    "desktop": "staff-desktop",
    "monitor": "monitor",
    "smartphone": "smartphone",
    "tablet": "staff-tablet",
}

# Per 1,000 devices in use: lost and stolen (phones walk away most).
MISSING_PER_THOUSAND = {"smartphone": 25, "laptop": 12, "tablet": 15}


@dataclass(frozen=True)
class Plan:
    """How many of what the demo creates, decided before anything is generated."""

    assets: int
    scale: float
    takeback: list[takeback.TakebackLine]
    counts: dict[tuple[str, str, int], int]  # (segment, department, year) -> assets
    people: dict[str, int]

    @property
    def takeback_total(self) -> int:
        return sum(line.quantity for line in self.takeback)


def plan(assets: int = DEFAULT_ASSETS, lines: list[takeback.TakebackLine] | None = None) -> Plan:
    """Apportion ``assets`` over the take-back, segments, departments and years, exactly."""
    scale = assets / DEFAULT_ASSETS
    composed = takeback.compose(lines if lines is not None else takeback.read_lines(), scale)
    taken = sum(line.quantity for line in composed)
    regular = max(assets - taken, 0)
    cells: list[tuple[str, str, int]] = []
    weights: list[float] = []
    for segment in SEGMENTS:
        dep_total = sum(segment.departments.values())
        year_total = sum(segment.profile)
        for code in sorted(segment.departments):
            for year, year_weight in zip(YEARS, segment.profile, strict=True):
                if year_weight:
                    cells.append((segment.key, code, year))
                    weights.append(
                        segment.count
                        * segment.departments[code]
                        / dep_total
                        * year_weight
                        / year_total
                    )
    counts = dict(zip(cells, takeback.apportion(regular, weights), strict=True))
    people_total = max(round(city.EMPLOYEES * scale), len(city.DEPARTMENTS))
    people = takeback.apportion(people_total, [d.employees for d in city.DEPARTMENTS])
    return Plan(
        assets=assets,
        scale=scale,
        takeback=composed,
        counts=counts,
        people={d.code: max(n, 1) for d, n in zip(city.DEPARTMENTS, people, strict=True)},
    )


def _locations(segment: Segment, department: str) -> tuple[str, ...]:
    spec = city.DEPARTMENT_BY_CODE[department]
    if segment.placement == "school" and spec.schools:
        return spec.schools
    if segment.placement == "data_centre":
        return (city.DATA_CENTRE,)
    if segment.placement == "anywhere":
        return tuple(name for d in city.DEPARTMENTS for name, _ in d.locations)
    return tuple(name for name, _ in spec.locations)


def _purchase_day(rng: random.Random, segment: Segment, year: int) -> dt.date:
    """A weekday in ``year``; schools buy before term starts, nothing after the cut-off."""
    if segment.placement == "school" and rng.random() < 0.6:
        start, days = dt.date(year, 5, 15), 90
    else:
        start, days = dt.date(year, 1, 8), 350
    day = start + dt.timedelta(days=rng.randint(0, days))
    last = REFERENCE_DATE - dt.timedelta(days=3)
    if day > last:
        day = last - dt.timedelta(days=rng.randint(0, 280))
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def generate(
    plan_: Plan,
    catalogue: Catalogue,
    storage_categories: frozenset[str],
    seed: int,
) -> Iterator[AssetSpec]:
    """Yield every demo asset, the take-back first, then the fleet year by year."""
    ctx = Context(random.Random(seed), catalogue, storage_categories, dict(plan_.people))
    by_key = {segment.key: segment for segment in SEGMENTS}
    owners = {cat: by_key[key].departments for cat, key in TAKEBACK_OWNERS.items()}
    places = {d.code: tuple(name for name, _ in d.locations) for d in city.DEPARTMENTS}
    yield from takeback.generate(ctx, plan_.takeback, owners, places)
    for year in YEARS:
        for segment in SEGMENTS:
            for code in sorted(segment.departments):
                count = plan_.counts.get((segment.key, code, year), 0)
                if count:
                    yield from _buy(ctx, segment, code, year, count)


def _buy(ctx: Context, segment: Segment, department: str, year: int, count: int):
    places = _locations(segment, department)
    left = count
    while left > 0:
        size = min(left, ctx.rng.randint(*segment.order_size))
        left -= size
        day = _purchase_day(ctx.rng, segment, year)
        order = ctx.new_order(segment.category, segment.model_segment, day)
        location = ctx.rng.choice(places)
        for _ in range(size):
            history = _simulate(ctx, segment, order)
            assignee = None
            if segment.personal and history.status in {
                lifecycle.IN_USE,
                lifecycle.LOST,
                lifecycle.STOLEN,
            }:
                assignee = ctx.assignee(department, segment.category)
            yield ctx.asset(
                order, history, department=department, location=location, assignee=assignee
            )


def _days(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(low, high))


def _simulate(ctx: Context, segment: Segment, order: Order) -> History:
    """One device's life from its order to the reference date."""
    rng = ctx.rng
    h = History(has_storage=segment.category in ctx.storage_categories, rng=rng)
    h.move(lifecycle.ORDERED, order.date, reference=order.number)
    delivered = order.date + dt.timedelta(days=order.lead_days)
    if not h.move(lifecycle.IN_STOCK, delivered):
        return h
    spare = rng.random() < 0.05
    start = delivered + (_days(rng, 60, 900) if spare else _days(rng, 1, 20))
    if not h.move(lifecycle.IN_USE, start):
        return h
    life = dt.timedelta(days=round(rng.uniform(*segment.life_years) * 365))
    retire = start + life
    if rng.random() < 0.08 and life.days > 400:  # the user left; the device waited in stock
        back = start + _days(rng, 150, life.days - 200)
        if not h.move(lifecycle.IN_STOCK, back, note="Åter i lager efter avslutad anställning"):
            return h
        again = back + _days(rng, 7, 60)
        if not h.move(lifecycle.IN_USE, again, note="Ny användare"):
            return h
    missing = MISSING_PER_THOUSAND.get(segment.category, 2)
    if rng.random() * 1000 < missing:
        gone = start + _days(rng, 30, max(31, life.days - 30))
        target = lifecycle.STOLEN if rng.random() < 0.35 else lifecycle.LOST
        note = "Polisanmälan gjord" if target == lifecycle.STOLEN else "Anmäld förlorad"
        if not h.move(target, gone, note=note):
            return h
        if rng.random() < 0.15:
            found = gone + _days(rng, 3, 60)
            if h.move(lifecycle.IN_STOCK, found, note="Upphittad"):
                h.move(lifecycle.IN_USE, found + _days(rng, 3, 30))
        if h.status != lifecycle.IN_USE:
            return h
        retire = max(retire, h.events[-1].at.date() + _days(rng, 30, 365))
    if not h.move(lifecycle.RETURNED, retire, note="Ersatt av ny enhet"):
        return h
    age_years = (retire - order.date).days / 365
    if segment.category in {"server", "storage"} and rng.random() < 0.5:
        _destroy_in_house(ctx, h, retire)
        return h
    if age_years < 3.5 and segment.model_segment != "infra" and rng.random() < 0.2:
        if not _reuse_internally(ctx, h, retire, segment):
            return h
        retire = h.events[-1].at.date() + _days(rng, 365, 900)
        if not h.move(lifecycle.RETURNED, retire, note="Ersatt av ny enhet"):
            return h
        age_years += 2
    _through_partner(ctx, h, retire, age_years)
    return h


def _destroy_in_house(ctx: Context, h: History, returned: dt.date) -> None:
    """Data-centre disks: erased and physically destroyed under the city's own control."""
    erased = returned + _days(ctx.rng, 5, 30)
    if h.move(lifecycle.ERASED, erased, reference=ctx.certificate("ERASE", erased.year)):
        day = erased + _days(ctx.rng, 5, 40)
        h.move(lifecycle.DESTROYED, day, reference=ctx.certificate("DESTR", day.year))


def _reuse_internally(ctx: Context, h: History, returned: dt.date, segment: Segment) -> bool:
    """A young device is erased, checked and handed to someone else in the city."""
    day = returned + _days(ctx.rng, 3, 20)
    if h.has_storage:
        if not h.move(lifecycle.ERASED, day, reference=ctx.certificate("ERASE", day.year)):
            return False
        day += _days(ctx.rng, 1, 7)
    if not h.move(lifecycle.GRADED, day, note="Klass A"):
        return False
    day += _days(ctx.rng, 1, 14)
    if not h.move(lifecycle.IN_STOCK, day, note="Återanvänds internt"):
        return False
    return h.move(lifecycle.IN_USE, day + _days(ctx.rng, 3, 30))


def _grade(rng: random.Random, age_years: float) -> str:
    if age_years <= 4:
        weights = (50, 35, 10, 5)
    elif age_years <= 6:
        weights = (25, 40, 20, 15)
    else:
        weights = (5, 25, 30, 40)
    return rng.choices("ABCD", weights)[0]


def _through_partner(ctx: Context, h: History, returned: dt.date, age_years: float) -> None:
    """Collected on a manifest, erased with a certificate, graded, then sold or recycled."""
    rng = ctx.rng
    handed = workday(returned + _days(rng, 7, 45))
    if not h.move(lifecycle.WITH_PARTNER, handed, reference=f"MAN-{handed:%Y%m%d}"):
        return
    day = handed
    grade = _grade(rng, age_years)
    if h.has_storage:
        day += _days(rng, 5, 25)
        if rng.random() < 0.02:  # a disk that would not erase: shredded instead
            h.move(lifecycle.DESTROYED, day, reference=ctx.certificate("DESTR", day.year))
            return
        if not h.move(lifecycle.ERASED, day, reference=ctx.certificate("ERASE", day.year)):
            return
        if grade == "D" and rng.random() < 0.5:
            h.move(lifecycle.RECYCLED, day + _days(rng, 3, 30), reference="Partnerrapport")
            return
    elif grade == "D" and rng.random() < 0.5:
        h.move(lifecycle.RECYCLED, day + _days(rng, 3, 30), reference="Partnerrapport")
        return
    day += _days(rng, 1, 10)
    if not h.move(lifecycle.GRADED, day, note=f"Klass {grade}"):
        return
    if grade == "D" or (grade == "C" and rng.random() < 0.5):
        outcome = lifecycle.RECYCLED
    else:
        outcome = lifecycle.DONATED if rng.random() < 0.08 else lifecycle.RESOLD
    h.move(outcome, day + _days(rng, 3, 40), reference="Partnerrapport")
