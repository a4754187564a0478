"""The IT energy ledger: kWh and CO2e per month, year and scope, each with origin and quality.

Per scope and year, what someone measured or entered wins; only where nothing is stored is
the scope estimated from the inventory by the footprint engine (via
:func:`kretslopp.carbon.services.fleet_for`), so a metered data centre is never counted twice
by also adding its servers' nameplate estimate. End-user devices are always estimated from
the fleet unless someone entered a figure by hand. Printing energy is the printer fleet's
estimate, spread over the months in proportion to the pages printed (see
docs/methodology.md, "Energy ledger").

CO2e is kWh × the grid factor of the organisation's chosen grid for that year, so changing
the grid choice on the methodology page changes every figure here and says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Max, Sum
from django.utils import timezone

from kretslopp import footprint
from kretslopp.carbon import services
from kretslopp.core.memo import DataVersion, Memo, Recheck
from kretslopp.core.registry import registry
from kretslopp.energy.models import DataQuality, EnergyReading, Origin, Scope
from kretslopp.organisation.access import ORGANISATION_TOTALS, Access
from kretslopp.organisation.models import Department

#: The catalogue categories of the infrastructure scopes; every other category of the
#: taxonomy (:data:`kretslopp.footprint.taxonomy.CATEGORY_CODES`) is an end-user device.
_INFRASTRUCTURE: dict[str, tuple[str, ...]] = {
    Scope.DATA_CENTRE: ("server", "storage"),
    Scope.NETWORK: ("network_switch", "router_firewall", "access_point"),
    Scope.PRINTING: ("printer",),
}
#: Which catalogue categories each scope's estimate is made of: each category in one scope.
SCOPE_CATEGORIES: dict[str, tuple[str, ...]] = {
    Scope.DATA_CENTRE: _INFRASTRUCTURE[Scope.DATA_CENTRE],
    Scope.END_USER_DEVICES: tuple(
        code
        for code in footprint.CATEGORY_CODES
        if not any(code in codes for codes in _INFRASTRUCTURE.values())
    ),
    Scope.NETWORK: _INFRASTRUCTURE[Scope.NETWORK],
    Scope.PRINTING: _INFRASTRUCTURE[Scope.PRINTING],
}
SCOPES: tuple[str, ...] = tuple(Scope.values)


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the ledger: one scope in one month, from one origin."""

    year: int
    month: int
    scope: str
    origin: str
    data_quality: str
    kwh: float
    kg_co2e: float
    source: str


@dataclass(frozen=True, slots=True)
class GridUsed:
    year: int
    g_co2e_per_kwh: float
    source_id: str
    note: str


@dataclass
class ScopeYear:
    """One scope's year: its kWh, CO2e, where the figure comes from and how good it is."""

    scope: str
    kwh: float = 0.0
    kg_co2e: float = 0.0
    origins: set[str] = field(default_factory=set)
    qualities: set[str] = field(default_factory=set)
    months: set[int] = field(default_factory=set)

    @property
    def origin(self) -> str:
        return "+".join(sorted(self.origins)) or "-"

    @property
    def data_quality(self) -> str:
        """The weakest quality in the year: a chain is as good as its weakest link."""
        for quality in (DataQuality.LOW, DataQuality.MEDIUM, DataQuality.HIGH):
            if quality in self.qualities:
                return str(quality)
        return ""


@dataclass
class Year:
    year: int
    scopes: dict[str, ScopeYear]
    grid: GridUsed
    complete: bool

    @property
    def kwh(self) -> float:
        return sum(s.kwh for s in self.scopes.values())

    @property
    def kg_co2e(self) -> float:
        return sum(s.kg_co2e for s in self.scopes.values())


@dataclass
class Ledger:
    """The ledger of what one user may see, for the whole organisation or one department."""

    entries: list[Entry]
    grid_id: str
    factor_set: str
    today: dt.date
    department_id: int | None = None
    _years: dict[int, Year] | None = None
    #: The data version a remembered ledger was computed for (empty: built, not remembered);
    #: what is rendered from it is remembered under the same version.
    version: tuple = ()

    def years(self) -> dict[int, Year]:
        """Year → totals per scope, in year order."""
        if self._years is None:
            grids = {e.year: None for e in self.entries}
            grid = footprint.get_grid(self.grid_id)
            years: dict[int, Year] = {}
            for year in sorted(grids):
                factor = grid.factor(year)
                years[year] = Year(
                    year,
                    {scope: ScopeYear(scope) for scope in SCOPES},
                    GridUsed(year, factor.g_co2e_per_kwh, factor.source_id, factor.note),
                    complete=year < self.today.year,
                )
            for entry in self.entries:
                bucket = years[entry.year].scopes[entry.scope]
                bucket.kwh += entry.kwh
                bucket.kg_co2e += entry.kg_co2e
                bucket.origins.add(entry.origin)
                bucket.qualities.add(entry.data_quality)
                bucket.months.add(entry.month)
            self._years = years
        return self._years

    def annual_kwh(self, *, complete_only: bool = True) -> dict[int, float]:
        return {
            y: year.kwh
            for y, year in self.years().items()
            if year.kwh > 0 and (year.complete or not complete_only)
        }

    def annual_kg_co2e(self, *, complete_only: bool = True) -> dict[int, float]:
        return {
            y: year.kg_co2e
            for y, year in self.years().items()
            if year.kg_co2e > 0 and (year.complete or not complete_only)
        }

    def months(self, year: int) -> list[dict[str, object]]:
        """Twelve rows of kWh per scope for ``year`` (for the monthly table and chart)."""
        rows = {m: {"month": m, **dict.fromkeys(SCOPES, 0.0)} for m in range(1, 13)}
        for entry in self.entries:
            if entry.year == year:
                rows[entry.month][entry.scope] += entry.kwh  # type: ignore[operator]
        return [rows[m] for m in range(1, 13)]


def _month_index(value: dt.date) -> tuple[int, int]:
    return value.year, value.month


def _stored(access: Access, department_id: int | None) -> list[dict]:
    readings = EnergyReading.objects.all()
    if department_id is not None:
        readings = readings.filter(department_id=department_id)
    elif not access.all_departments:
        readings = access.scope(readings)
    return list(
        readings.values("month", "scope", "origin", "data_quality")
        .annotate(kwh=Sum("kwh"), meters=Count("meter", distinct=True))
        .order_by("month", "scope")
    )


def _estimate_quality(aggregate: footprint.Aggregate) -> str:
    """Medium when most device-years rest on model-specific or entered figures, else low."""
    shares = aggregate.quality_share or {}
    specific = shares.get("model", 0.0) + shares.get("manual", 0.0)
    return DataQuality.MEDIUM if specific >= 0.5 else DataQuality.LOW


def _month_weights(year: int, pages_by_month: dict[tuple[int, int], float]) -> list[float]:
    """Twelve weights summing to 1: by pages printed when the year has them, else even."""
    pages = [pages_by_month.get((year, m), 0.0) for m in range(1, 13)]
    total = sum(pages)
    if total <= 0:
        return [1 / 12] * 12
    return [p / total for p in pages]


def _last_month(today: dt.date) -> tuple[int, int]:
    """The month the ledger runs to: the last complete one."""
    first = today.replace(day=1)
    previous = first - dt.timedelta(days=1)
    return previous.year, previous.month


#: How long a remembered ledger trusts the device fleet without asking whether it changed.
#: Asking costs several aggregate queries over every asset; estimates from the fleet may lag
#: an inventory change by this much, stored readings and print volumes never do.
FLEET_RECHECK_SECONDS = 30.0

_ledgers = Memo(size=64, name="energy.ledgers")
_fleet_version = Recheck(lambda: services.fleet_version())


def forget() -> None:
    """Drop every remembered ledger, KPI series and fragment (tests; after a restore)."""
    from kretslopp.energy import fragments

    _ledgers.clear()
    _fleet_version.clear()
    for source in registry.ledger_sources:
        source.forget()
    fragments.clear()


def stored_versions() -> tuple:
    """Changes whenever a stored reading or a registered source's data (print volumes)
    changes: one cheap aggregate each."""
    readings = EnergyReading.objects.aggregate(n=Count("pk"), changed=Max("updated_at"))
    found: tuple = (readings["n"], readings["changed"])
    for source in registry.ledger_sources:
        found += tuple(source.version())
    return DataVersion(found)


def cached(access: Access, *, department_id: int | None = None, memo: dict | None = None) -> Ledger:
    """:func:`build`, remembered until readings, print volumes, the method or the fleet change.

    ``memo`` is a per-request dict: a page that needs the ledger several times (the table and
    every energy target) checks the versions once. Across requests the ledger is kept per
    scope and data version; the fleet's version (the expensive part) is asked at most every
    :data:`FLEET_RECHECK_SECONDS`.
    """
    memo = {} if memo is None else memo
    # A page may need two scopes' ledgers (an organisation target beside the reader's part).
    found = memo.get(("ledger", access.department_ids, department_id))
    if found is not None:
        return found
    if "versions" not in memo:
        memo["versions"] = (stored_versions(), services.Choice.current())
    versions, choice = memo["versions"]
    fleet = _fleet_version.get(FLEET_RECHECK_SECONDS)
    key = (access.department_ids, department_id, timezone.localdate(), choice, versions, fleet)

    def compute() -> Ledger:
        built = build(access, department_id=department_id, choice=choice)
        built.version = key
        return built

    ledger = _ledgers.get(key, compute)
    memo[("ledger", access.department_ids, department_id)] = ledger
    return ledger


def build(
    access: Access,
    *,
    department_id: int | None = None,
    today: dt.date | None = None,
    pages_by_month: dict[tuple[int, int], float] | None = None,
    fleet: footprint.FleetFootprint | None = None,
    choice: services.Choice | None = None,
) -> Ledger:
    """The ledger ``access`` may see (one department's when ``department_id`` is given)."""
    today = today or timezone.localdate()
    choice = choice or services.Choice.current()
    grid = footprint.get_grid(choice.grid)
    last = _last_month(today)
    entries: list[Entry] = []
    covered: set[tuple[int, str]] = set()
    factors: dict[int, float] = {}

    def kg(year: int, kwh: float) -> float:
        if year not in factors:
            factors[year] = grid.factor(year).g_co2e_per_kwh / 1000.0
        return kwh * factors[year]

    for row in _stored(access, department_id):
        year, month = _month_index(row["month"])
        kwh = float(row["kwh"] or 0)
        covered.add((year, row["scope"]))
        meters = row["meters"]
        # language-neutral here (the ledger is shared across requests); worded by the page
        source = f"{'meters' if row['origin'] == Origin.METERED else 'entries'}:{meters}"
        entries.append(
            Entry(
                year,
                month,
                row["scope"],
                row["origin"],
                row["data_quality"],
                kwh,
                kg(year, kwh),
                source,
            )  # fmt: skip
        )
    first_stored = min((e.year for e in entries), default=None)
    fleet = fleet or services.fleet_for(access)
    if pages_by_month is None:
        pages_by_month = _pages_by_month(access, department_id)
    entries.extend(
        _estimates(fleet, department_id, covered, first_stored, last, pages_by_month, kg, choice)
    )
    entries.sort(key=lambda e: (e.year, e.month, SCOPES.index(e.scope)))
    return Ledger(entries, choice.grid, choice.factor_set, today, department_id)


def _estimates(
    fleet: footprint.FleetFootprint,
    department_id: int | None,
    covered: set[tuple[int, str]],
    first_stored: int | None,
    last: tuple[int, int],
    pages_by_month: dict[tuple[int, int], float],
    kg,
    choice: services.Choice,
) -> Iterable[Entry]:
    if department_id is not None and department_id not in fleet.departments:
        return
    categories_present = set(fleet.by_category()) if fleet.assets else set()
    for year in fleet.years:
        if year > last[0] or (first_stored is not None and year < first_stored):
            continue
        months = range(1, (last[1] if year == last[0] else 12) + 1)
        for scope, categories in SCOPE_CATEGORIES.items():
            if (year, scope) in covered:
                continue
            kwh = 0.0
            quality_parts: list[footprint.Aggregate] = []
            for category in categories:
                if category not in categories_present:
                    continue
                aggregate = fleet.total(year=year, department=department_id, category=category)
                if aggregate.use_kwh > 0:
                    kwh += aggregate.use_kwh
                    quality_parts.append(aggregate)
            if kwh <= 0:
                continue
            quality = min(
                (_estimate_quality(a) for a in quality_parts),
                key=lambda q: 0 if q == DataQuality.LOW else 1,
            )
            weights = (
                _month_weights(year, pages_by_month) if scope == Scope.PRINTING else [1 / 12] * 12
            )
            source = f"fleet:{choice.factor_set}"
            for month in months:
                value = kwh * weights[month - 1]
                yield Entry(
                    year, month, scope, Origin.ESTIMATED, quality, value, kg(year, value), source
                )


def _pages_by_month(access: Access, department_id: int | None) -> dict[tuple[int, int], float]:
    """Pages printed per (year, month), from the sources registered for the printers."""
    found: dict[tuple[int, int], float] = {}
    for source in registry.ledger_sources:
        if source.scope == Scope.PRINTING:
            for month, value in source.by_month(access, department_id).items():
                found[month] = found.get(month, 0.0) + value
    return found


def warm() -> str:
    """The organisation's ledger and every department's, computed before anyone asks.

    For ``kretslopp serve``'s warm start (``registry.warmers``): after the start page, a
    department's energy page is what is asked most, and each is a ledger of its own.
    Computed as an organisation-wide reader sees them, the scope under which they are
    remembered for every such reader.
    """
    departments = list(Department.objects.values_list("pk", flat=True))
    cached(ORGANISATION_TOTALS)
    for department_id in departments:
        cached(ORGANISATION_TOTALS, department_id=department_id)
    return f"energy: the organisation's ledger and {len(departments)} departments'"
