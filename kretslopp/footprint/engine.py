"""Per-asset and fleet footprints: embodied and use-phase CO2e per calendar year.

Rules (the reasons are in docs/methodology.md):

* **Embodied** CO2e is spread straight-line over the expected lifetime, per day:
  ``embodied_kg_co2e / (lifetime_years × 365.25)`` for each day in service, starting at the
  in-use date. A device used past its expected lifetime carries no further embodied charge;
  a device that leaves early stops being charged the day it leaves.
* **Use phase**: ``kwh_per_year × share of the calendar year in service`` and
  ``kWh × grid g CO2e/kWh of that year / 1000``.
* **Pro rata**: the first and last years count the days between the in-use date and the end
  date (end exclusive); an in-use date given as a bare year means 1 July of that year
  (half-year convention); no end date means still in service.
* **Data quality** of an asset is ``model`` (a matched manufacturer sheet), ``manual`` (a
  figure a person entered) or ``category`` (the factor set's default). A figure the model's
  sheet lacks (e.g. no energy figure) falls back to the category default.

Everything works on numpy arrays: :func:`fleet_footprint` takes the columns a Django
``values_list`` gives and returns totals per year × department × category × data quality.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .factors import DEFAULT_FACTOR_SET, CategoryFactors, get_factor_set
from .figure import Figure
from .grid import DEFAULT_GRID, GridFactor, get_grid
from .matching import MatchDecisions, ModelResolution, resolve_model
from .taxonomy import (
    CATEGORY_CODES,
    CATEGORY_INDEX,
    DATA_QUALITIES,
    QUALITY_INDEX,
    UnknownCategoryError,
    check_category,
)
from .texts import Localised, swedish_number

DAYS_PER_YEAR = 365.25
#: The source id of a manufacturer's sheet (Boavizta's PCF database).
PCF_SOURCE_ID = "boavizta-pcf"
_EPOCH = np.datetime64("1970-01-01", "D")
#: Days since 1970 used for "no end date" (year 9999).
_OPEN_END = int((np.datetime64("9999-12-31", "D") - _EPOCH).astype(np.int64))

#: Measures the fleet aggregation sums, in this order.
MEASURES: tuple[str, ...] = (
    "embodied_kg_co2e",
    "embodied_kg_co2e_min",
    "embodied_kg_co2e_max",
    "use_kwh",
    "use_kwh_min",
    "use_kwh_max",
    "use_kg_co2e",
    "use_kg_co2e_min",
    "use_kg_co2e_max",
    "asset_years",
    "assets_in_service",
)
_M = {name: i for i, name in enumerate(MEASURES)}


# --------------------------------------------------------------------------- dates


def mid_year(year: int) -> dt.date:
    """The date a bare in-use year stands for: 1 July (half-year convention)."""
    return dt.date(int(year), 7, 1)


def as_date(value: dt.date | dt.datetime | str | int | None) -> dt.date | None:
    """A date from a date, an ISO date string, a year (-> 1 July) or None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, np.integer)):
        return mid_year(int(value))
    text = str(value).strip()
    if not text:
        return None
    if text.isdigit() and len(text) == 4:
        return mid_year(int(text))
    return dt.date.fromisoformat(text[:10])


_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def _day_number(value: object, missing: int) -> int:
    """Days since 1970 for one value (date, datetime, ISO string, year, None)."""
    kind = type(value)
    if kind is dt.date:
        return value.toordinal() - _EPOCH_ORDINAL  # type: ignore[attr-defined]
    if value is None:
        return missing
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            return missing
        return int((value.astype("datetime64[D]") - _EPOCH).astype(np.int64))
    if isinstance(value, float) and math.isnan(value):
        return missing
    date = as_date(value)  # type: ignore[arg-type]
    return missing if date is None else date.toordinal() - _EPOCH_ORDINAL


def to_days(values: Sequence[object] | np.ndarray, *, missing: int) -> np.ndarray:
    """Days since 1970-01-01 (int64) for dates / ISO strings / years; ``missing`` for None.

    One pass in Python over the values (about 0.2 µs each for ``date`` objects, the common
    case from Django), which is several times faster than numpy's own object conversion.
    """
    if isinstance(values, np.ndarray) and np.issubdtype(values.dtype, np.datetime64):
        days = values.astype("datetime64[D]")
        out = (days - _EPOCH).astype(np.int64)
        out[np.isnat(days)] = missing
        return out
    if isinstance(values, np.ndarray) and np.issubdtype(values.dtype, np.integer):
        years = values.astype(np.int64)
        return np.array(
            [dt.date(int(y), 7, 1).toordinal() - _EPOCH_ORDINAL for y in years], dtype=np.int64
        )
    date_type = dt.date
    epoch = _EPOCH_ORDINAL
    return np.fromiter(
        (
            v.toordinal() - epoch  # type: ignore[attr-defined]
            if type(v) is date_type
            else missing
            if v is None
            else _day_number(v, missing)
            for v in values
        ),
        dtype=np.int64,
        count=len(values),
    )


def _year_bounds(years: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    starts = np.array(
        [(dt.date(y, 1, 1) - dt.date(1970, 1, 1)).days for y in years], dtype=np.int64
    )
    ends = np.array(
        [(dt.date(y + 1, 1, 1) - dt.date(1970, 1, 1)).days for y in years], dtype=np.int64
    )
    return starts, ends


# --------------------------------------------------------------------------- core


def _core(
    start_days: np.ndarray,
    end_days: np.ndarray,
    embodied: np.ndarray,
    embodied_min: np.ndarray,
    embodied_max: np.ndarray,
    kwh: np.ndarray,
    kwh_min: np.ndarray,
    kwh_max: np.ndarray,
    lifetime_years: np.ndarray,
    years: Sequence[int],
    grid_g_per_kwh: np.ndarray,
) -> dict[str, np.ndarray]:
    """Per asset × year figures (arrays of shape (assets, years))."""
    year_start, year_end = _year_bounds(years)
    days_in_year = (year_end - year_start).astype(np.float64)
    s = start_days[:, None]
    e = end_days[:, None]
    lo = np.maximum(s, year_start[None, :])
    in_service = np.clip(np.minimum(e, year_end[None, :]) - lo, 0, None).astype(np.float64)
    lifetime_days = lifetime_years * DAYS_PER_YEAR
    emb_end = np.minimum(end_days.astype(np.float64), start_days + lifetime_days)[:, None]
    charged = np.clip(np.minimum(emb_end, year_end[None, :]) - lo, 0.0, None)
    rate = np.divide(1.0, lifetime_days, out=np.zeros_like(lifetime_days), where=lifetime_days > 0)
    emb_share = charged * rate[:, None]
    fraction = in_service / days_in_year[None, :]
    grid_kg = grid_g_per_kwh[None, :] / 1000.0
    out = {
        "service_fraction": fraction,
        "embodied_kg_co2e": emb_share * embodied[:, None],
        "embodied_kg_co2e_min": emb_share * embodied_min[:, None],
        "embodied_kg_co2e_max": emb_share * embodied_max[:, None],
        "use_kwh": fraction * kwh[:, None],
        "use_kwh_min": fraction * kwh_min[:, None],
        "use_kwh_max": fraction * kwh_max[:, None],
    }
    out["use_kg_co2e"] = out["use_kwh"] * grid_kg
    out["use_kg_co2e_min"] = out["use_kwh_min"] * grid_kg
    out["use_kg_co2e_max"] = out["use_kwh_max"] * grid_kg
    return out


# --------------------------------------------------------------------------- per asset


@dataclass(frozen=True, slots=True)
class AssetFigures(Localised):
    """The figures one asset is computed with: three :class:`~.figure.Figure` objects, each
    with its range, data quality, sources and basis.

    The flat names (``embodied_kg_co2e_min``, ``embodied_source``, ``data_quality`` …) are
    read-only views of those figures for the vectorised engine and the stable JSON of the
    API and command line; pages use the figures. The bases are English;
    ``text("embodied_source", "sv")`` (or ``embodied.text("basis", "sv")``) gives the Swedish.
    """

    category: str
    factor_set: str
    embodied: Figure
    energy: Figure
    lifetime: Figure
    energy_estimated: bool
    resolution: ModelResolution | None = None

    @property
    def data_quality(self) -> str:
        """The level of the embodied figure (the larger term for end-user devices)."""
        return self.embodied.data_quality

    @property
    def energy_quality(self) -> str:
        return self.energy.data_quality

    @property
    def embodied_kg_co2e(self) -> float:
        return self.embodied.value

    @property
    def embodied_kg_co2e_min(self) -> float:
        return self.embodied.low

    @property
    def embodied_kg_co2e_max(self) -> float:
        return self.embodied.high

    @property
    def embodied_source(self) -> str:
        return self.embodied.basis

    @property
    def embodied_source_sv(self) -> str:
        return self.embodied.basis_sv

    @property
    def kwh_per_year(self) -> float:
        return self.energy.value

    @property
    def kwh_per_year_min(self) -> float:
        return self.energy.low

    @property
    def kwh_per_year_max(self) -> float:
        return self.energy.high

    @property
    def energy_source(self) -> str:
        return self.energy.basis

    @property
    def energy_source_sv(self) -> str:
        return self.energy.basis_sv

    @property
    def lifetime_years(self) -> float:
        return self.lifetime.value

    @property
    def lifetime_source(self) -> str:
        return self.lifetime.basis

    @property
    def lifetime_source_sv(self) -> str:
        return self.lifetime.basis_sv

    def as_dict(self) -> dict[str, object]:
        return {
            "category": self.category,
            "data_quality": self.data_quality,
            "energy_quality": self.energy_quality,
            "factor_set": self.factor_set,
            "embodied_kg_co2e": self.embodied_kg_co2e,
            "embodied_kg_co2e_min": self.embodied_kg_co2e_min,
            "embodied_kg_co2e_max": self.embodied_kg_co2e_max,
            "embodied_source": self.embodied_source,
            "kwh_per_year": self.kwh_per_year,
            "kwh_per_year_min": self.kwh_per_year_min,
            "kwh_per_year_max": self.kwh_per_year_max,
            "energy_source": self.energy_source,
            "energy_estimated": self.energy_estimated,
            "lifetime_years": self.lifetime_years,
            "lifetime_source": self.lifetime_source,
            "match": self.resolution.as_dict() if self.resolution else None,
        }


def _category_source(factors: CategoryFactors, which: str) -> tuple[str, str]:
    """Where a category default comes from, in English and Swedish."""
    ids = " ".join(getattr(factors, f"{which}_source_ids"))
    where = f"{factors.factor_set}/{factors.category} [{ids}]"
    return (
        f"category default {where}: {factors.text(f'{which}_basis', 'en')}",
        f"kategoristandard {where}: {factors.text(f'{which}_basis', 'sv')}",
    )


def _number_sv(value: float) -> str:
    return swedish_number(f"{value:g}")


def resolve_figures(
    category: str,
    manufacturer: str = "",
    model: str = "",
    *,
    factor_set: str = DEFAULT_FACTOR_SET,
    decisions: MatchDecisions | None = None,
    embodied_kg_co2e: float | None = None,
    kwh_per_year: float | None = None,
    lifetime_years: float | None = None,
) -> AssetFigures:
    """The figures for one asset: manual entries, else the model's sheet, else the category.

    Each figure is chosen on its own: a sheet without a manufacturing share gives no embodied
    figure, one without ``yearly_tec`` no energy figure, and the category default fills the
    gap. ``data_quality`` is the level of the embodied figure (the larger term for end-user
    devices); ``energy_quality`` is shown beside it. The sheet's lifetime is used with the
    sheet's embodied figure. A model's sheet is used only for exact/probable or
    person-confirmed matches (see :func:`kretslopp.footprint.matching.resolve_model`).
    """
    code = check_category(category)
    defaults = get_factor_set(factor_set)[code]
    resolution = (
        resolve_model(manufacturer, model, code, decisions) if (manufacturer or model) else None
    )
    record = resolution.record if resolution else None

    emb = (defaults.embodied_kg_co2e, defaults.embodied_kg_co2e_min, defaults.embodied_kg_co2e_max)
    emb_src, emb_src_sv = _category_source(defaults, "embodied")
    kwh = (defaults.kwh_per_year, defaults.kwh_per_year_min, defaults.kwh_per_year_max)
    kwh_src, kwh_src_sv = _category_source(defaults, "energy")
    energy_estimated = defaults.energy_estimated
    life = defaults.lifetime_years
    life_src, life_src_sv = _category_source(defaults, "lifetime")
    quality = energy_quality = life_quality = "category"
    emb_ids = defaults.embodied_source_ids
    kwh_ids = defaults.energy_source_ids
    life_ids = defaults.lifetime_source_ids

    if record is not None and record.embodied_kg_co2e is not None:
        quality = "model"
        assert record.embodied_kg_co2e_min is not None and record.embodied_kg_co2e_max is not None
        emb = (record.embodied_kg_co2e, record.embodied_kg_co2e_min, record.embodied_kg_co2e_max)
        emb_ids = (PCF_SOURCE_ID,)
        emb_src = (
            f"model sheet {record.record_id} [boavizta-pcf]: gwp_total {record.gwp_total_kg_co2e:g}"
            f" x gwp_manufacturing_ratio {record.gwp_manufacturing_ratio:g}"
            + (
                f", range +/- gwp_error_ratio {record.gwp_error_ratio:g}"
                if record.gwp_error_ratio
                else ", no range on the sheet"
            )
            + f"; {record.source_url}"
        )
        emb_src_sv = (
            f"PCF-blad {record.record_id} [boavizta-pcf]: gwp_total "
            f"{_number_sv(record.gwp_total_kg_co2e)} × gwp_manufacturing_ratio "
            f"{_number_sv(record.gwp_manufacturing_ratio)}"
            + (
                f", intervall ± gwp_error_ratio {_number_sv(record.gwp_error_ratio)}"
                if record.gwp_error_ratio
                else ", inget intervall på bladet"
            )
            + f"; {record.source_url}"
        )
    if record is not None and record.kwh_per_year is not None:
        energy_quality = "model"
        kwh = (record.kwh_per_year,) * 3
        kwh_ids = (PCF_SOURCE_ID,)
        kwh_src = f"model sheet {record.record_id} [boavizta-pcf]: yearly_tec; no range"
        kwh_src_sv = f"PCF-blad {record.record_id} [boavizta-pcf]: yearly_tec; inget intervall"
        energy_estimated = True
    if record is not None and record.lifetime_years is not None and quality == "model":
        life = record.lifetime_years
        life_quality, life_ids = "model", (PCF_SOURCE_ID,)
        life_src = f"model sheet {record.record_id} [boavizta-pcf]: lifetime"
        life_src_sv = f"PCF-blad {record.record_id} [boavizta-pcf]: livslängd (lifetime)"
    if embodied_kg_co2e is not None:
        quality = "manual"
        emb = (float(embodied_kg_co2e),) * 3
        emb_ids = ()
        emb_src, emb_src_sv = "manual entry; no range", "inmatat för hand; inget intervall"
    if kwh_per_year is not None:
        energy_quality = "manual"
        kwh = (float(kwh_per_year),) * 3
        kwh_ids = ()
        kwh_src, kwh_src_sv = "manual entry; no range", "inmatat för hand; inget intervall"
        energy_estimated = True
    if lifetime_years is not None:
        life = float(lifetime_years)
        life_quality, life_ids = "manual", ()
        life_src, life_src_sv = "manual entry", "inmatat för hand"
    return AssetFigures(
        category=code,
        factor_set=factor_set,
        embodied=Figure(emb[0], "kg CO2e", emb[1], emb[2], quality, emb_ids, emb_src, emb_src_sv),
        energy=Figure(
            kwh[0], "kWh/year", kwh[1], kwh[2], energy_quality, kwh_ids, kwh_src, kwh_src_sv
        ),
        lifetime=Figure(life, "years", life, life, life_quality, life_ids, life_src, life_src_sv),
        energy_estimated=energy_estimated,
        resolution=resolution,
    )


@dataclass(frozen=True, slots=True)
class AssetYear:
    """One calendar year of one asset."""

    year: int
    service_fraction: float
    embodied_kg_co2e: float
    embodied_kg_co2e_min: float
    embodied_kg_co2e_max: float
    use_kwh: float
    use_kwh_min: float
    use_kwh_max: float
    use_kg_co2e: float
    use_kg_co2e_min: float
    use_kg_co2e_max: float
    grid: GridFactor

    @property
    def total_kg_co2e(self) -> float:
        return self.embodied_kg_co2e + self.use_kg_co2e

    def as_dict(self) -> dict[str, object]:
        return {
            "year": self.year,
            "service_fraction": self.service_fraction,
            "embodied_kg_co2e": self.embodied_kg_co2e,
            "embodied_kg_co2e_min": self.embodied_kg_co2e_min,
            "embodied_kg_co2e_max": self.embodied_kg_co2e_max,
            "use_kwh": self.use_kwh,
            "use_kwh_min": self.use_kwh_min,
            "use_kwh_max": self.use_kwh_max,
            "use_kg_co2e": self.use_kg_co2e,
            "use_kg_co2e_min": self.use_kg_co2e_min,
            "use_kg_co2e_max": self.use_kg_co2e_max,
            "total_kg_co2e": self.total_kg_co2e,
            "grid": self.grid.as_dict(),
        }


@dataclass(frozen=True, slots=True)
class AssetFootprint:
    """An asset's footprint year by year, with the figures, factor set and grid behind it."""

    figures: AssetFigures
    grid_id: str
    in_use: dt.date
    end: dt.date | None
    years: tuple[AssetYear, ...]

    @property
    def embodied_kg_co2e_total(self) -> float:
        return self.figures.embodied_kg_co2e

    def year(self, year: int) -> AssetYear:
        for item in self.years:
            if item.year == year:
                return item
        raise KeyError(year)

    def as_dict(self) -> dict[str, object]:
        return {
            "factor_set": self.figures.factor_set,
            "grid": self.grid_id,
            "data_quality": self.figures.data_quality,
            "in_use": self.in_use.isoformat(),
            "end": self.end.isoformat() if self.end else None,
            "embodied_kg_co2e_total": self.embodied_kg_co2e_total,
            "figures": self.figures.as_dict(),
            "years": [y.as_dict() for y in self.years],
        }


def default_years(in_use: dt.date, end: dt.date | None, lifetime_years: float) -> range:
    """The calendar years an asset is charged for: in-use year to end (or lifetime end)."""
    last = end if end is not None else in_use + dt.timedelta(days=lifetime_years * DAYS_PER_YEAR)
    last_year = last.year if (end is None or end.month > 1 or end.day > 1) else last.year - 1
    return range(in_use.year, max(in_use.year, last_year) + 1)


def asset_footprint(
    category: str,
    in_use: dt.date | str | int,
    end: dt.date | str | None = None,
    *,
    manufacturer: str = "",
    model: str = "",
    years: Iterable[int] | None = None,
    factor_set: str = DEFAULT_FACTOR_SET,
    grid: str = DEFAULT_GRID,
    decisions: MatchDecisions | None = None,
    embodied_kg_co2e: float | None = None,
    kwh_per_year: float | None = None,
    lifetime_years: float | None = None,
) -> AssetFootprint:
    """One asset's footprint per calendar year (default: from in-use year to end of service).

    Uses the same array code as :func:`fleet_footprint`, so an asset and a fleet of one agree.
    """
    figures = resolve_figures(
        category,
        manufacturer,
        model,
        factor_set=factor_set,
        decisions=decisions,
        embodied_kg_co2e=embodied_kg_co2e,
        kwh_per_year=kwh_per_year,
        lifetime_years=lifetime_years,
    )
    start = as_date(in_use)
    if start is None:
        raise ValueError("an asset needs an in-use date")
    stop = as_date(end) if end is not None else None
    year_list = (
        list(years)
        if years is not None
        else list(default_years(start, stop, figures.lifetime_years))
    )
    grid_obj = get_grid(grid)
    grid_factors = [grid_obj.factor(y) for y in year_list]
    result = _core(
        np.array([(start - dt.date(1970, 1, 1)).days], dtype=np.int64),
        np.array(
            [_OPEN_END if stop is None else (stop - dt.date(1970, 1, 1)).days], dtype=np.int64
        ),
        np.array([figures.embodied_kg_co2e]),
        np.array([figures.embodied_kg_co2e_min]),
        np.array([figures.embodied_kg_co2e_max]),
        np.array([figures.kwh_per_year]),
        np.array([figures.kwh_per_year_min]),
        np.array([figures.kwh_per_year_max]),
        np.array([figures.lifetime_years]),
        year_list,
        np.array([g.g_co2e_per_kwh for g in grid_factors]),
    )
    items = tuple(
        AssetYear(
            year=y,
            service_fraction=float(result["service_fraction"][0, j]),
            embodied_kg_co2e=float(result["embodied_kg_co2e"][0, j]),
            embodied_kg_co2e_min=float(result["embodied_kg_co2e_min"][0, j]),
            embodied_kg_co2e_max=float(result["embodied_kg_co2e_max"][0, j]),
            use_kwh=float(result["use_kwh"][0, j]),
            use_kwh_min=float(result["use_kwh_min"][0, j]),
            use_kwh_max=float(result["use_kwh_max"][0, j]),
            use_kg_co2e=float(result["use_kg_co2e"][0, j]),
            use_kg_co2e_min=float(result["use_kg_co2e_min"][0, j]),
            use_kg_co2e_max=float(result["use_kg_co2e_max"][0, j]),
            grid=grid_factors[j],
        )
        for j, y in enumerate(year_list)
    )
    return AssetFootprint(figures, grid, start, stop, items)


# --------------------------------------------------------------------------- fleet


@dataclass(frozen=True, slots=True)
class Aggregate:
    """Summed figures of a slice of the fleet, with the share of each data quality.

    ``embodied``, ``energy`` (use-phase kWh) and ``use`` (use-phase kg CO2e) are
    :class:`~.figure.Figure` objects with their ranges; ``total`` is embodied plus use. The
    flat names (``embodied_kg_co2e_min`` …, the engine's :data:`MEASURES`) are read-only views
    of them for the API's and the command line's stable JSON.

    ``quality_share`` is each quality's share of the slice's asset-years (device-years in
    service); ``kg_co2e_quality_share`` its share of the slice's total kg CO2e.
    """

    embodied: Figure
    energy: Figure
    use: Figure
    asset_years: float
    assets_in_service: float
    quality_share: dict[str, float]
    kg_co2e_quality_share: dict[str, float]
    headcount: int | None = None

    @property
    def total(self) -> Figure:
        """Embodied plus use-phase kg CO2e with its range, as one figure."""
        return self.embodied.plus(self.use)

    @property
    def embodied_kg_co2e(self) -> float:
        return self.embodied.value

    @property
    def embodied_kg_co2e_min(self) -> float:
        return self.embodied.low

    @property
    def embodied_kg_co2e_max(self) -> float:
        return self.embodied.high

    @property
    def use_kwh(self) -> float:
        return self.energy.value

    @property
    def use_kwh_min(self) -> float:
        return self.energy.low

    @property
    def use_kwh_max(self) -> float:
        return self.energy.high

    @property
    def use_kg_co2e(self) -> float:
        return self.use.value

    @property
    def use_kg_co2e_min(self) -> float:
        return self.use.low

    @property
    def use_kg_co2e_max(self) -> float:
        return self.use.high

    @property
    def total_kg_co2e(self) -> float:
        return self.embodied.value + self.use.value

    @property
    def total_kg_co2e_min(self) -> float:
        return self.embodied.low + self.use.low

    @property
    def total_kg_co2e_max(self) -> float:
        return self.embodied.high + self.use.high

    @property
    def kg_co2e_per_employee(self) -> float | None:
        if not self.headcount:
            return None
        return self.total_kg_co2e / self.headcount

    @property
    def kwh_per_employee(self) -> float | None:
        if not self.headcount:
            return None
        return self.use_kwh / self.headcount

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {name: getattr(self, name) for name in MEASURES}
        out.update(
            total_kg_co2e=self.total_kg_co2e,
            total_kg_co2e_min=self.total_kg_co2e_min,
            total_kg_co2e_max=self.total_kg_co2e_max,
            quality_share=dict(self.quality_share),
            kg_co2e_quality_share=dict(self.kg_co2e_quality_share),
            headcount=self.headcount,
            kg_co2e_per_employee=self.kg_co2e_per_employee,
            kwh_per_employee=self.kwh_per_employee,
        )
        return out


def _aggregate(cube: np.ndarray, headcount: int | None) -> Aggregate:
    """``cube`` has shape (measures, qualities): already summed over everything else."""
    values = {name: float(cube[i].sum()) for i, name in enumerate(MEASURES)}
    years = cube[_M["asset_years"]]
    total = cube[_M["embodied_kg_co2e"]] + cube[_M["use_kg_co2e"]]
    ysum = float(years.sum())
    tsum = float(total.sum())
    return Aggregate(
        embodied=Figure(
            values["embodied_kg_co2e"],
            "kg CO2e",
            values["embodied_kg_co2e_min"],
            values["embodied_kg_co2e_max"],
        ),
        energy=Figure(values["use_kwh"], "kWh", values["use_kwh_min"], values["use_kwh_max"]),
        use=Figure(
            values["use_kg_co2e"], "kg CO2e", values["use_kg_co2e_min"], values["use_kg_co2e_max"]
        ),
        asset_years=values["asset_years"],
        assets_in_service=values["assets_in_service"],
        quality_share={
            q: (float(years[i]) / ysum if ysum else 0.0) for i, q in enumerate(DATA_QUALITIES)
        },
        kg_co2e_quality_share={
            q: (float(total[i]) / tsum if tsum else 0.0) for i, q in enumerate(DATA_QUALITIES)
        },
        headcount=headcount,
    )


@dataclass(frozen=True, slots=True)
class FleetFootprint:
    """Fleet totals as a cube: measures × years × departments × categories × qualities."""

    factor_set: str
    grid: str
    years: tuple[int, ...]
    departments: tuple[Hashable, ...]
    cube: np.ndarray
    grid_factors: tuple[GridFactor, ...]
    headcount: Mapping[Hashable, int] = field(default_factory=dict)
    assets: int = 0
    assets_without_in_use_date: int = 0
    categories_without_energy: tuple[str, ...] = ()
    #: Per-asset arrays (assets × years) when ``keep_assets=True`` was asked for, plus the
    #: ``data_quality`` code per asset.
    per_asset: dict[str, np.ndarray] | None = None

    def total(
        self,
        year: int | None = None,
        department: Hashable | None = None,
        category: str | None = None,
    ) -> Aggregate:
        """Sum over the years/departments/categories not named (``None`` = all)."""
        cube = self.cube
        if year is not None:
            cube = cube[:, [self.years.index(year)]]
        if department is not None:
            cube = cube[:, :, [self.departments.index(department)]]
        if category is not None:
            cube = cube[:, :, :, [CATEGORY_INDEX[check_category(category)]]]
        summed = cube.sum(axis=(1, 2, 3))
        if department is not None:
            heads = self.headcount.get(department)
        else:
            heads = sum(self.headcount.values()) if self.headcount else None
        return _aggregate(summed, heads)

    def by_year(self) -> dict[int, Aggregate]:
        return {y: self.total(year=y) for y in self.years}

    def by_department(self, year: int | None = None) -> dict[Hashable, Aggregate]:
        return {d: self.total(year=year, department=d) for d in self.departments}

    def by_category(self, year: int | None = None) -> dict[str, Aggregate]:
        return {
            c: self.total(year=year, category=c)
            for c in CATEGORY_CODES
            if self.cube[_M["asset_years"], :, :, CATEGORY_INDEX[c]].sum() > 0
            or self.cube[_M["embodied_kg_co2e"], :, :, CATEGORY_INDEX[c]].sum() > 0
        }

    def rows(self) -> list[dict[str, object]]:
        """One flat row per (year, department, category) that has anything in it."""
        out: list[dict[str, object]] = []
        present = self.cube[_M["asset_years"]] + self.cube[_M["embodied_kg_co2e"]]
        nonzero = np.argwhere(present.sum(axis=3) > 0)
        for yi, di, ci in nonzero:
            agg = _aggregate(self.cube[:, yi, di, ci, :], None)
            row: dict[str, object] = {
                "year": self.years[yi],
                "department": self.departments[di],
                "category": CATEGORY_CODES[ci],
            }
            row.update(agg.as_dict())
            del row["headcount"], row["kg_co2e_per_employee"], row["kwh_per_employee"]
            out.append(row)
        return out

    def as_dict(self) -> dict[str, object]:
        return {
            "factor_set": self.factor_set,
            "grid": self.grid,
            "years": list(self.years),
            "grid_factors": [g.as_dict() for g in self.grid_factors],
            "assets": self.assets,
            "assets_without_in_use_date": self.assets_without_in_use_date,
            "categories_without_energy": list(self.categories_without_energy),
            "by_year": {str(y): a.as_dict() for y, a in self.by_year().items()},
            "rows": self.rows(),
        }


def _optional_floats(values: Sequence[float | None] | np.ndarray | None, n: int) -> np.ndarray:
    """Float array with NaN where no figure was given (numpy reads None as NaN)."""
    if values is None:
        return np.full(n, np.nan)
    if isinstance(values, np.ndarray):
        return values.astype(np.float64)
    return np.array(values, dtype=np.float64)


def _codes(values: Sequence[str] | np.ndarray, index: Mapping[str, int]) -> np.ndarray:
    """Integer codes for strings; unknown strings raise (categories) via ``index``."""
    lookup = dict(index)

    def code(value: str) -> int:
        found = lookup.get(value)
        if found is None:
            key = str(value).strip().lower()
            if key not in index:
                raise UnknownCategoryError(str(value))
            found = lookup[value] = index[key]
        return found

    try:
        return np.fromiter(map(lookup.__getitem__, values), dtype=np.int64, count=len(values))
    except (KeyError, TypeError):
        return np.array([code(v) for v in values], dtype=np.int64)


#: data_quality entry → its code; None: inferred from whether an embodied figure is given.
_QUALITY_CODES: dict[str | None, int] = {None: -1, **QUALITY_INDEX}


def _quality_codes(values: Sequence[str | None] | np.ndarray) -> np.ndarray:
    try:
        return np.fromiter(
            map(_QUALITY_CODES.__getitem__, values), dtype=np.int64, count=len(values)
        )
    except (KeyError, TypeError):
        return np.array([-1 if q is None else _quality_code(q) for q in values], dtype=np.int64)


def _quality_code(quality: str) -> int:
    try:
        return QUALITY_INDEX[quality]
    except KeyError:
        raise ValueError(
            f"unknown data quality {quality!r}; expected one of: {', '.join(DATA_QUALITIES)}"
        ) from None


def _department_index(keys: Sequence[Hashable] | np.ndarray) -> dict[Hashable, int]:
    """Department key → its position: sorted order (first-seen order if unsortable)."""
    order = list(dict.fromkeys(keys))
    try:
        ordered = sorted(order)  # type: ignore[type-var]
    except TypeError:
        ordered = order
    return {key: position for position, key in enumerate(ordered)}


#: Assets computed at a time: every per-asset × year array the engine works on is this many
#: rows long, whatever the fleet's size, so memory stays flat (about 10 MB of buffers at 10
#: years). Small enough for each buffer to stay in the processor's cache between steps, which
#: measured faster than larger chunks; large enough that numpy's per-call cost is negligible.
CHUNK_ASSETS = 16_384
#: Per-asset × year cells in one chunk at most, so that a long range of years shortens it.
_CHUNK_CELLS = 1 << 20


@dataclass(frozen=True, slots=True)
class _Inputs:
    """The caller's per-asset columns (any sequences) and what is the same for every chunk."""

    categories: Sequence[str] | np.ndarray
    in_use: Sequence[object] | np.ndarray
    end: Sequence[object] | np.ndarray | None
    departments: Sequence[Hashable] | np.ndarray | None
    department_index: dict[Hashable, int]
    embodied: Sequence[float | None] | np.ndarray | None
    embodied_min: Sequence[float | None] | np.ndarray | None
    embodied_max: Sequence[float | None] | np.ndarray | None
    kwh: Sequence[float | None] | np.ndarray | None
    lifetime: Sequence[float | None] | np.ndarray | None
    data_quality: Sequence[str | None] | np.ndarray | None
    quantities: Sequence[float] | np.ndarray | None
    defaults: Mapping[str, np.ndarray]  # factor-set figure per category code


@dataclass(slots=True)
class _Chunk:
    """One chunk's per-asset columns, made into arrays and with the defaults filled in."""

    category: np.ndarray
    department: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    no_start: np.ndarray
    has_kwh: np.ndarray
    embodied: np.ndarray
    embodied_min: np.ndarray
    embodied_max: np.ndarray
    kwh: np.ndarray
    kwh_min: np.ndarray
    kwh_max: np.ndarray
    lifetime: np.ndarray
    quality: np.ndarray
    quantity: np.ndarray


def _read_chunk(inputs: _Inputs, lo: int, hi: int) -> _Chunk:
    """Rows ``lo:hi`` of the inputs as arrays: what ``fleet_footprint`` documents, per row."""
    n = hi - lo

    def part(values: Sequence | np.ndarray | None) -> Sequence | np.ndarray | None:
        return None if values is None else values[lo:hi]

    cat = _codes(inputs.categories[lo:hi], CATEGORY_INDEX)
    if inputs.departments is None:
        dept = np.zeros(n, dtype=np.int64)
    else:
        index = inputs.department_index
        dept = np.fromiter(
            map(index.__getitem__, inputs.departments[lo:hi]), dtype=np.int64, count=n
        )
    start = to_days(inputs.in_use[lo:hi], missing=_OPEN_END)
    stop = (
        np.full(n, _OPEN_END, dtype=np.int64)
        if inputs.end is None
        else to_days(inputs.end[lo:hi], missing=_OPEN_END)
    )
    no_start = start == _OPEN_END

    emb = _optional_floats(part(inputs.embodied), n)
    emb_min = _optional_floats(part(inputs.embodied_min), n)
    emb_max = _optional_floats(part(inputs.embodied_max), n)
    kwh = _optional_floats(part(inputs.kwh), n)
    life = _optional_floats(part(inputs.lifetime), n)
    has_emb = ~np.isnan(emb)
    has_kwh = ~np.isnan(kwh)
    emb_min = np.where(np.isnan(emb_min), emb, emb_min)
    emb_max = np.where(np.isnan(emb_max), emb, emb_max)

    def pick(given: np.ndarray, has: np.ndarray, name: str) -> np.ndarray:
        return np.where(has, given, inputs.defaults[name][cat])

    # Inferred: "model" where the caller gave an embodied figure, else "category"; an
    # explicit data_quality entry (not None) wins.
    quality = np.where(has_emb, QUALITY_INDEX["model"], QUALITY_INDEX["category"])
    if inputs.data_quality is not None:
        explicit = _quality_codes(inputs.data_quality[lo:hi])
        quality = np.where(explicit >= 0, explicit, quality)
    quantity = (
        np.ones(n, dtype=np.float64)
        if inputs.quantities is None
        else np.asarray(inputs.quantities[lo:hi], dtype=np.float64)
    )
    return _Chunk(
        category=cat,
        department=dept,
        start=start,
        stop=stop,
        no_start=no_start,
        has_kwh=has_kwh,
        embodied=pick(emb, has_emb, "embodied_kg_co2e"),
        embodied_min=pick(emb_min, has_emb, "embodied_kg_co2e_min"),
        embodied_max=pick(emb_max, has_emb, "embodied_kg_co2e_max"),
        kwh=pick(kwh, has_kwh, "kwh_per_year"),
        kwh_min=pick(kwh, has_kwh, "kwh_per_year_min"),
        kwh_max=pick(kwh, has_kwh, "kwh_per_year_max"),
        lifetime=pick(life, ~np.isnan(life), "lifetime_years"),
        quality=quality,
        quantity=np.where(no_start, 0.0, quantity),
    )


class _Workspace:
    """Per-asset × year buffers for one chunk, allocated once per fleet and reused.

    Every step writes into one of them (``out=``), so a chunk costs no temporaries of its
    size and the fleet's peak memory does not depend on how many assets it has.
    """

    def __init__(self, rows: int, years: Sequence[int], cells: int) -> None:
        self.year_start, self.year_end = _year_bounds(years)
        self.days_in_year = (self.year_end - self.year_start).astype(np.float64)
        self.year_offsets = np.arange(len(years), dtype=np.int64) * cells
        shape = (rows, len(years))
        self.lo = np.empty(shape, dtype=np.int64)
        self.days = np.empty(shape, dtype=np.int64)
        self.flat = np.empty(shape, dtype=np.int64)
        self.fraction = np.empty(shape, dtype=np.float64)
        self.share = np.empty(shape, dtype=np.float64)
        self.weights = np.empty(shape, dtype=np.float64)
        self.product = np.empty(shape, dtype=np.float64)
        self.serving = np.empty(shape, dtype=np.bool_)

    def shares(self, chunk: _Chunk) -> tuple[np.ndarray, np.ndarray]:
        """Each asset's share of each year in service, and of its embodied CO2e charged.

        The same rules as :func:`_core`: days in service (end exclusive) over the days of
        the year; embodied CO2e spread per day over the lifetime, not past the end date.
        """
        n = len(chunk.start)
        lo, days, fraction, share = self.lo[:n], self.days[:n], self.fraction[:n], self.share[:n]
        np.maximum(chunk.start[:, None], self.year_start[None, :], out=lo)
        np.minimum(chunk.stop[:, None], self.year_end[None, :], out=days)
        np.subtract(days, lo, out=days)
        np.maximum(days, 0, out=days)
        np.divide(days, self.days_in_year[None, :], out=fraction)
        lifetime_days = chunk.lifetime * DAYS_PER_YEAR
        charge_end = np.minimum(chunk.stop.astype(np.float64), chunk.start + lifetime_days)
        np.minimum(charge_end[:, None], self.year_end[None, :], out=share)
        np.subtract(share, lo, out=share)
        np.maximum(share, 0.0, out=share)
        rate = np.divide(
            1.0, lifetime_days, out=np.zeros_like(lifetime_days), where=lifetime_days > 0
        )
        np.multiply(share, rate[:, None], out=share)
        return fraction, share


def fleet_footprint(
    categories: Sequence[str] | np.ndarray,
    in_use: Sequence[object] | np.ndarray,
    end: Sequence[object] | np.ndarray | None = None,
    *,
    years: Iterable[int],
    departments: Sequence[Hashable] | np.ndarray | None = None,
    embodied_kg_co2e: Sequence[float | None] | np.ndarray | None = None,
    embodied_kg_co2e_min: Sequence[float | None] | np.ndarray | None = None,
    embodied_kg_co2e_max: Sequence[float | None] | np.ndarray | None = None,
    kwh_per_year: Sequence[float | None] | np.ndarray | None = None,
    lifetime_years: Sequence[float | None] | np.ndarray | None = None,
    data_quality: Sequence[str | None] | np.ndarray | None = None,
    quantities: Sequence[float] | np.ndarray | None = None,
    headcount: Mapping[Hashable, int] | None = None,
    factor_set: str = DEFAULT_FACTOR_SET,
    grid: str = DEFAULT_GRID,
    keep_assets: bool = False,
    chunk_assets: int = CHUNK_ASSETS,
) -> FleetFootprint:
    """Footprint of a whole fleet per year × department × category × data quality.

    One entry per asset in every sequence (the columns of a Django ``values_list``):
    ``categories`` (taxonomy codes), ``in_use`` (dates, ISO strings or years; None = not yet
    in service, not counted), ``end`` (None = still in service), ``departments`` (any
    hashable key). Optional per-asset figures (``embodied_kg_co2e``, ``kwh_per_year``,
    ``lifetime_years``; None/NaN = use the category default) replace the defaults;
    ``data_quality`` names each asset's level (``model``, ``category`` or ``manual``; where
    None, ``model`` if an embodied figure is given, else ``category``). ``quantities``
    weights rows (default 1). ``headcount`` maps department -> employees for per-employee
    figures. ``keep_assets`` keeps the per-asset × year arrays (per unit, before quantities)
    on the result.

    The fleet is computed ``chunk_assets`` assets at a time into buffers allocated once
    (:class:`_Workspace`) and summed into the cube chunk by chunk, so memory stays flat
    however large the fleet (unless ``keep_assets`` asks for every asset's arrays).
    Use-phase CO2e is summed as kWh and multiplied by each year's grid factor once per
    cell: the grid factor depends only on the year.
    """
    year_list = list(years)
    fs = get_factor_set(factor_set)
    grid_factors = tuple(get_grid(grid).factor(y) for y in year_list)
    n = len(categories)
    index = {"all": 0} if departments is None else _department_index(departments)
    inputs = _Inputs(
        categories, in_use, end, departments, index, embodied_kg_co2e, embodied_kg_co2e_min,
        embodied_kg_co2e_max, kwh_per_year, lifetime_years, data_quality, quantities,
        {name: fs.array(name) for name in _DEFAULT_FIGURES},
    )  # fmt: skip
    n_years, n_dept = len(year_list), len(index)
    n_cat, n_q = len(CATEGORY_CODES), len(DATA_QUALITIES)
    cells = n_dept * n_cat * n_q
    rows = max(1, min(chunk_assets, _CHUNK_CELLS // max(1, n_years), n))
    work = _Workspace(rows, year_list, cells)
    sums = np.zeros((len(MEASURES), n_years * cells), dtype=np.float64)
    kept = _per_asset_arrays(n, n_years) if keep_assets else None
    without_energy = np.zeros(n_cat, dtype=np.int64)
    without_start = 0
    for lo in range(0, n, rows):
        chunk = _read_chunk(inputs, lo, min(n, lo + rows))
        _add_chunk(sums, work, chunk)
        if kept is not None:
            _keep_chunk(kept, work, chunk, lo)
        lacking = chunk.category[~chunk.has_kwh & ~chunk.no_start]
        without_energy += np.bincount(lacking, minlength=n_cat)
        without_start += int(chunk.no_start.sum())
    grid_kg = np.array([g.g_co2e_per_kwh for g in grid_factors], dtype=np.float64) / 1000.0
    cube = sums.reshape(len(MEASURES), n_years, n_dept, n_cat, n_q)
    for kwh_name, kg_name in _USE_CO2E:
        np.multiply(cube[_M[kwh_name]], grid_kg[:, None, None, None], out=cube[_M[kg_name]])
    if kept is not None:
        for kwh_name, kg_name in _USE_CO2E:
            np.multiply(kept[kwh_name], grid_kg[None, :], out=kept[kg_name])
    return FleetFootprint(
        factor_set=factor_set,
        grid=grid,
        years=tuple(year_list),
        departments=tuple(index) if departments is not None else ("all",),
        cube=cube,
        grid_factors=grid_factors,
        headcount=dict(headcount or {}),
        assets=int(n),
        assets_without_in_use_date=without_start,
        categories_without_energy=tuple(
            code
            for code in CATEGORY_CODES
            if not fs.categories[code].energy_estimated and without_energy[CATEGORY_INDEX[code]] > 0
        ),
        per_asset=kept,
    )


#: Factor-set figures a chunk falls back to where the caller gives none.
_DEFAULT_FIGURES = (
    "embodied_kg_co2e", "embodied_kg_co2e_min", "embodied_kg_co2e_max",
    "kwh_per_year", "kwh_per_year_min", "kwh_per_year_max", "lifetime_years",
)  # fmt: skip
#: Use-phase kWh measure → its CO2e measure (kWh × the year's grid factor).
_USE_CO2E = (
    ("use_kwh", "use_kg_co2e"),
    ("use_kwh_min", "use_kg_co2e_min"),
    ("use_kwh_max", "use_kg_co2e_max"),
)
#: Measure → the chunk's per-asset figure it multiplies (embodied: by the share charged,
#: energy: by the share of the year in service).
_EMBODIED = (
    ("embodied_kg_co2e", "embodied"),
    ("embodied_kg_co2e_min", "embodied_min"),
    ("embodied_kg_co2e_max", "embodied_max"),
)
_ENERGY = (("use_kwh", "kwh"), ("use_kwh_min", "kwh_min"), ("use_kwh_max", "kwh_max"))


def _add_chunk(sums: np.ndarray, work: _Workspace, chunk: _Chunk) -> None:
    """Add one chunk's assets × years to ``sums`` (measures × flattened cube cells)."""
    n = len(chunk.start)
    fraction, share = work.shares(chunk)
    group = (chunk.department * len(CATEGORY_CODES) + chunk.category) * len(
        DATA_QUALITIES
    ) + chunk.quality
    flat = np.add(group[:, None], work.year_offsets[None, :], out=work.flat[:n]).ravel()
    size = sums.shape[1]
    weights, product = work.weights[:n], work.product[:n]
    quantity = chunk.quantity[:, None]

    def add(measure: str, values: np.ndarray) -> None:
        sums[_M[measure]] += np.bincount(flat, weights=values.ravel(), minlength=size)

    np.multiply(share, quantity, out=weights)
    for measure, figure in _EMBODIED:
        add(measure, np.multiply(weights, getattr(chunk, figure)[:, None], out=product))
    np.multiply(fraction, quantity, out=weights)
    add("asset_years", weights)
    for measure, figure in _ENERGY:
        add(measure, np.multiply(weights, getattr(chunk, figure)[:, None], out=product))
    serving = np.greater(fraction, 0.0, out=work.serving[:n])
    add("assets_in_service", np.multiply(serving, quantity, out=product))


def _per_asset_arrays(n: int, n_years: int) -> dict[str, np.ndarray]:
    names = ("service_fraction", *MEASURES[:-2])
    arrays = {name: np.empty((n, n_years), dtype=np.float64) for name in names}
    arrays["data_quality"] = np.empty(n, dtype=np.int64)
    return arrays


def _keep_chunk(kept: dict[str, np.ndarray], work: _Workspace, chunk: _Chunk, lo: int) -> None:
    """Copy one chunk's per-asset × year figures (per unit) into the kept arrays."""
    n = len(chunk.start)
    hi = lo + n
    fraction, share = work.fraction[:n], work.share[:n]
    kept["service_fraction"][lo:hi] = fraction
    for measure, figure in _EMBODIED:
        np.multiply(share, getattr(chunk, figure)[:, None], out=kept[measure][lo:hi])
    for measure, figure in _ENERGY:
        np.multiply(fraction, getattr(chunk, figure)[:, None], out=kept[measure][lo:hi])
    kept["data_quality"][lo:hi] = chunk.quality


def years_between(first: int, last: int) -> range:
    """Inclusive range of calendar years, for readability at call sites."""
    if last < first:
        raise ValueError(f"last year {last} is before first year {first}")
    return range(first, last + 1)
