"""Feed the footprint engine from the database, and remember results until the data changes.

Per catalogue model the engine resolves figures once (manual entry, else a matched PCF
sheet, else the category default); each asset then takes its model's figures, so a fleet of
100,000 assets costs one query and one vectorised engine call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Count, QuerySet
from django.utils import timezone

from kretslopp import footprint
from kretslopp.carbon.models import FootprintSettings, ModelFigures, ModelMatchDecision
from kretslopp.core.memo import Memo, data_version, once_per_request
from kretslopp.inventory import lifecycle
from kretslopp.inventory.models import Asset, ProductModel
from kretslopp.inventory.summary import ASSETS_VERSION
from kretslopp.organisation.models import Department

FIRST_YEAR = 2014  # the oldest purchases a municipality's register normally still holds
_memo = Memo(size=64, name="carbon.fleet")


@dataclass(frozen=True)
class Choice:
    """The organisation's active method: every figure shown names these."""

    factor_set: str
    grid: str
    avoided_set: str
    allocation: str

    @classmethod
    def current(cls) -> Choice:
        return once_per_request("carbon.choice", cls._read)

    @classmethod
    def _read(cls) -> Choice:
        chosen = FootprintSettings.current()
        return cls(chosen.factor_set, chosen.grid, chosen.avoided_set, chosen.allocation)


def decisions() -> dict[str, str | None]:
    """People's match decisions in the engine's form: match key → sheet id, or None."""
    return {
        footprint.match_key(manufacturer, name): record_id or None
        for manufacturer, name, record_id in ModelMatchDecision.objects.values_list(
            "product_model__manufacturer__name", "product_model__name", "pcf_record_id"
        )
    }


def _decimal(value) -> float | None:
    return None if value is None else float(value)


def hand_entered(product_model: ProductModel | None) -> ModelFigures | None:
    """The figures someone entered by hand for ``product_model``, with their source, if any."""
    if product_model is None:
        return None
    return ModelFigures.objects.filter(product_model=product_model).first()


def manual_figures(entry: ModelFigures | None) -> dict[str, float | None]:
    """A hand-entered figure set as the engine's keyword arguments (None: not entered)."""
    return {
        "embodied_kg_co2e": _decimal(entry.embodied_kg_co2e) if entry else None,
        "kwh_per_year": _decimal(entry.kwh_per_year) if entry else None,
        "lifetime_years": _decimal(entry.lifetime_years) if entry else None,
    }


def figures_for(
    product_model: ProductModel, choice: Choice | None = None
) -> footprint.AssetFigures:
    """The figures one catalogue model is computed with, and where each comes from."""
    choice = choice or Choice.current()
    entry = hand_entered(product_model)
    return footprint.resolve_figures(
        product_model.category,
        product_model.manufacturer.name,
        product_model.name,
        factor_set=choice.factor_set,
        decisions=decisions(),
        **manual_figures(entry),
    )


def fleet_version() -> tuple:
    """Changes whenever anything the figures depend on changes (assets, catalogue, choices,
    departments and their head counts, which the per-employee figures divide by)."""
    return data_version(
        *ASSETS_VERSION,
        (ProductModel, "COUNT", "*"),
        (ProductModel, "MAX", "updated_at"),
        (FootprintSettings, "MAX", "updated_at"),
        (ModelFigures, "COUNT", "*"),
        (ModelFigures, "MAX", "updated_at"),
        (ModelMatchDecision, "MAX", "decided_at"),
        (Department, "COUNT", "*"),
        (Department, "MAX", "updated_at"),
    )


@dataclass(frozen=True)
class ModelTable:
    """Resolved figures of every catalogue model, as arrays indexed through ``position``."""

    position: dict[int, int]
    embodied_kg_co2e: np.ndarray
    embodied_kg_co2e_min: np.ndarray
    embodied_kg_co2e_max: np.ndarray
    kwh_per_year: np.ndarray
    lifetime_years: np.ndarray
    data_quality: np.ndarray


def _model_table(choice: Choice) -> ModelTable:
    manual = {m.product_model_id: m for m in ModelFigures.objects.all()}
    known = decisions()
    rows = []
    for model in ProductModel.objects.select_related("manufacturer").order_by("pk"):
        rows.append(
            (
                model.pk,
                footprint.resolve_figures(
                    model.category,
                    model.manufacturer.name,
                    model.name,
                    factor_set=choice.factor_set,
                    decisions=known,
                    **manual_figures(manual.get(model.pk)),
                ),
            )
        )

    def column(value: Callable[[footprint.AssetFigures], float]) -> np.ndarray:
        return np.array([value(figures) for _pk, figures in rows], dtype=np.float64)

    return ModelTable(
        position={pk: index for index, (pk, _figures) in enumerate(rows)},
        embodied_kg_co2e=column(lambda figures: figures.embodied.value),
        embodied_kg_co2e_min=column(lambda figures: figures.embodied.low),
        embodied_kg_co2e_max=column(lambda figures: figures.embodied.high),
        kwh_per_year=column(lambda figures: figures.energy.value),
        lifetime_years=column(lambda figures: figures.lifetime.value),
        data_quality=np.array([f.embodied.data_quality for _pk, f in rows], dtype=object),
    )


def years_until(today: dt.date | None = None) -> range:
    return range(FIRST_YEAR, (today or timezone.localdate()).year + 1)


def department_by_year(
    fleet: footprint.FleetFootprint, department_id: int
) -> list[tuple[int, footprint.Aggregate]]:
    """One department's slice of a fleet result, year by year (empty if it has no assets)."""
    if department_id not in fleet.departments:
        return []
    return [(year, fleet.total(year=year, department=department_id)) for year in fleet.years]


def fleet_for(access, *, years: Iterable[int] | None = None) -> footprint.FleetFootprint:
    """The footprint of every asset the user may see, per year, department and category.

    Remembered per scope (the set of department ids) until the data version changes, so a
    busy dashboard computes it once, not once per request.
    """
    choice = Choice.current()
    year_list = tuple(years or years_until())
    scope = access.department_ids  # None: every department
    key = ("fleet", scope, choice, year_list, fleet_version())
    return _memo.get(
        key, lambda: _compute_fleet(access.scope(Asset.objects.all()), scope, year_list, choice)
    )


def _compute_fleet(assets: QuerySet, scope, years: tuple[int, ...], choice: Choice):
    table = _memo.get(("models", choice, fleet_version()), lambda: _model_table(choice))
    rows = list(
        assets.values_list(
            "model_id", "model__category", "department_id", "in_use_date", "end_date"
        )
        .order_by()
        .iterator(chunk_size=20_000)
    )
    index = np.fromiter((table.position[row[0]] for row in rows), dtype=np.int64, count=len(rows))
    departments = Department.objects.all()
    if scope is not None:
        departments = departments.filter(pk__in=scope)
    headcount = dict(departments.values_list("pk", "employees"))
    return footprint.fleet_footprint(
        [row[1] for row in rows],
        [row[3] for row in rows],
        [row[4] for row in rows],
        years=years,
        departments=[row[2] for row in rows],
        embodied_kg_co2e=table.embodied_kg_co2e[index],
        embodied_kg_co2e_min=table.embodied_kg_co2e_min[index],
        embodied_kg_co2e_max=table.embodied_kg_co2e_max[index],
        kwh_per_year=table.kwh_per_year[index],
        lifetime_years=table.lifetime_years[index],
        data_quality=table.data_quality[index],
        headcount=headcount,
        factor_set=choice.factor_set,
        grid=choice.grid,
    )


#: ``asset_footprint``'s hand-entered figures not read by the caller (None: read, none).
_NOT_READ: Any = object()


def asset_footprint(
    asset: Asset, choice: Choice | None = None, *, entry: ModelFigures | None = _NOT_READ
) -> footprint.AssetFootprint | None:
    """The yearly figures of one asset, or None while it has not come into use.

    ``entry``: the model's hand-entered figures (or None, there are none) when the caller
    has read them already (the asset page shows their sources too); read here otherwise."""
    if asset.in_use_date is None:
        return None
    choice = choice or Choice.current()
    if entry is _NOT_READ:
        entry = hand_entered(asset.model)
    # Every calendar year in service up to now: use-phase energy goes on after the
    # embodied charge has been written off.
    last_year = max((asset.end_date or timezone.localdate()).year, asset.in_use_date.year)
    return footprint.asset_footprint(
        asset.model.category,
        asset.in_use_date,
        asset.end_date,
        manufacturer=asset.model.manufacturer.name,
        model=asset.model.name,
        years=range(asset.in_use_date.year, last_year + 1),
        factor_set=choice.factor_set,
        grid=choice.grid,
        decisions=decisions(),
        **manual_figures(entry),
    )


#: The devices a replacement cycle is about: the ones running or waiting to run.
IN_SERVICE = (lifecycle.IN_USE, lifecycle.IN_STOCK)


def installed_base(access) -> dict[str, int]:
    """Devices in use or in stock per category, in the user's scope (largest first)."""
    rows = (
        access.scope(Asset.objects.filter(status__in=IN_SERVICE))
        .values_list("model__category")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    return dict(rows)


def lifetime_scenario(
    access, category: str, extra_years: float, lifetime_years: float | None = None
) -> footprint.LifetimeScenario:
    """The organisation's installed base of ``category`` kept ``extra_years`` longer, with the
    method in use (docs/methodology.md §10); this year's grid factor for the use phase."""
    choice = Choice.current()
    return footprint.lifetime_extension(
        category,
        installed_base(access).get(category, 0),
        extra_years,
        factor_set=choice.factor_set,
        grid=choice.grid,
        year=timezone.localdate().year,
        lifetime_years=lifetime_years,
    )


def purchases_by_year(access, years: Iterable[int]) -> dict[int, footprint.Figure]:
    """Embodied kg CO2e of the devices bought each year, counted in full (inventory view).

    The purchase date decides the year; where none is recorded, the in-use date does
    (docs/methodology.md §12). Remembered like the fleet until the data changes.
    """
    choice = Choice.current()
    year_list = tuple(years)
    key = ("purchases", access.department_ids, choice, year_list, fleet_version())
    return _memo.get(key, lambda: _purchases(access, year_list, choice))


def _purchases(access, years: tuple[int, ...], choice: Choice) -> dict[int, footprint.Figure]:
    from kretslopp.footprint import ghg

    table = _memo.get(("models", choice, fleet_version()), lambda: _model_table(choice))
    rows = list(
        access.scope(Asset.objects.all())
        .values_list("model_id", "purchase_date", "in_use_date")
        .order_by()
        .iterator(chunk_size=20_000)
    )
    index = np.fromiter((table.position[r[0]] for r in rows), dtype=np.int64, count=len(rows))
    return ghg.purchases_by_year(
        [r[1] or r[2] for r in rows],
        table.embodied_kg_co2e[index],
        table.embodied_kg_co2e_min[index],
        table.embodied_kg_co2e_max[index],
        years,
    )
