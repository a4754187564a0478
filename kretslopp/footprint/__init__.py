"""Kretslopp's footprint engine: plain Python (numpy, no Django).

Embodied and use-phase energy and CO2e per asset and year, fleet aggregation by year,
department and category, avoided CO2e from take-back, and lifetime-extension scenarios, from
versioned factor sets whose every figure names its source. The method is written down in
docs/methodology.md.

Public API (what the Django side calls):

* figures and per-asset results: :func:`resolve_figures`, :func:`asset_footprint`
* fleet aggregation: :func:`fleet_footprint` -> :class:`FleetFootprint`
* model matching: :func:`match_model`, :func:`resolve_model`, :func:`match_key`
* factor sets and grids: :func:`factor_set_ids`, :func:`get_factor_set`, :func:`grid_ids`,
  :func:`get_grid`, :func:`grid_factor`, :func:`describe_all`
* avoided CO2e: :func:`avoided_emissions`, :func:`avoided_set_ids`, :func:`get_avoided_set`
* scenarios: :func:`lifetime_extension`
* a stated figure (value, range, unit, quality, sources, basis): :class:`Figure`
* texts: labels, bases, notes and descriptions are English; each object that carries them
  offers ``text(field, language)`` for the Swedish twin (:mod:`kretslopp.footprint.texts`)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: Public name → the module that defines it. The modules are imported on first use (PEP 562),
#: so ``from kretslopp import footprint`` costs nothing until a figure is asked for: a
#: command or page that only lists factor sets does not import numpy or read the PCF sheets.
_EXPORTS = {
    **dict.fromkeys(
        ("ALLOCATIONS", "OUTCOMES", "AvoidedResult", "TakebackItem", "avoided_emissions",
         "avoided_set_ids", "get_avoided_set"),
        "avoided",
    ),
    **dict.fromkeys(
        ("Aggregate", "AssetFigures", "AssetFootprint", "FleetFootprint", "asset_footprint",
         "fleet_footprint", "resolve_figures"),
        "engine",
    ),
    **dict.fromkeys(
        ("DEFAULT_FACTOR_SET", "CategoryFactors", "FactorSet", "category_factors",
         "factor_set_ids", "get_factor_set"),
        "factors",
    ),
    **dict.fromkeys(("DEFAULT_GRID", "GridFactor", "get_grid", "grid_factor", "grid_ids"), "grid"),
    **dict.fromkeys(
        ("ModelMatch", "ModelResolution", "PcfRecord", "match_key", "match_model", "pcf_record",
         "resolve_model"),
        "matching",
    ),
    **dict.fromkeys(("LifetimeScenario", "lifetime_extension"), "scenarios"),
    "Figure": "figure",
    **dict.fromkeys(("CATEGORY_CODES", "DATA_QUALITIES"), "taxonomy"),
}  # fmt: skip

if TYPE_CHECKING:
    from kretslopp.footprint.avoided import (
        ALLOCATIONS,
        OUTCOMES,
        AvoidedResult,
        TakebackItem,
        avoided_emissions,
        avoided_set_ids,
        get_avoided_set,
    )
    from kretslopp.footprint.engine import (
        Aggregate,
        AssetFigures,
        AssetFootprint,
        FleetFootprint,
        asset_footprint,
        fleet_footprint,
        resolve_figures,
    )
    from kretslopp.footprint.factors import (
        DEFAULT_FACTOR_SET,
        CategoryFactors,
        FactorSet,
        category_factors,
        factor_set_ids,
        get_factor_set,
    )
    from kretslopp.footprint.figure import Figure
    from kretslopp.footprint.grid import DEFAULT_GRID, GridFactor, get_grid, grid_factor, grid_ids
    from kretslopp.footprint.matching import (
        ModelMatch,
        ModelResolution,
        PcfRecord,
        match_key,
        match_model,
        pcf_record,
        resolve_model,
    )
    from kretslopp.footprint.scenarios import LifetimeScenario, lifetime_extension
    from kretslopp.footprint.taxonomy import CATEGORY_CODES, DATA_QUALITIES


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # the next lookup is an ordinary one
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


def describe_all() -> dict[str, list[dict[str, object]]]:
    """Every footprint set, grid choice and avoided set with its sources (for listings)."""
    from kretslopp.footprint.cli import describe_all as _describe_all

    return _describe_all()


__all__ = [
    "ALLOCATIONS",
    "CATEGORY_CODES",
    "DATA_QUALITIES",
    "DEFAULT_FACTOR_SET",
    "DEFAULT_GRID",
    "OUTCOMES",
    "Aggregate",
    "AssetFigures",
    "AssetFootprint",
    "AvoidedResult",
    "CategoryFactors",
    "FactorSet",
    "Figure",
    "FleetFootprint",
    "GridFactor",
    "LifetimeScenario",
    "ModelMatch",
    "ModelResolution",
    "PcfRecord",
    "TakebackItem",
    "asset_footprint",
    "avoided_emissions",
    "avoided_set_ids",
    "category_factors",
    "describe_all",
    "factor_set_ids",
    "fleet_footprint",
    "get_avoided_set",
    "get_factor_set",
    "get_grid",
    "grid_factor",
    "grid_ids",
    "lifetime_extension",
    "match_key",
    "match_model",
    "pcf_record",
    "resolve_figures",
    "resolve_model",
]
