"""What the footprint shows on composed pages, registered in ``CarbonConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kretslopp.carbon import services
from kretslopp.carbon.views import may_decide
from kretslopp.organisation.access import Access, reader_of

#: Years shown on the home page: the last eight, enough for a trend, short enough to read.
YEARS_SHOWN = 8


def fleet_by_year(request: HttpRequest, access: Access) -> dict[str, Any]:
    """The reader's fleet footprint for the last years, with the method it was computed by."""
    by_year = list(services.fleet_for(access).by_year().items())[-YEARS_SHOWN:]
    purchases = services.purchases_by_year(access, [year for year, _a in by_year])
    return {
        "by_year": [(year, a, purchases[year]) for year, a in by_year],
        "choice": services.Choice.current(),
    }


def fleet_by_year_version(request: HttpRequest, access: Access) -> tuple:
    """What the home page's footprint table depends on: the reader's scope, the method, the
    years up to now and the fleet's data version (see :class:`kretslopp.core.registry.Panel`)."""
    return (
        access.department_ids,
        services.Choice.current(),
        tuple(services.years_until()),
        services.fleet_version(),
    )


def asset_footprint(request: HttpRequest, access: Access, *, asset: Any) -> dict[str, Any]:
    """One asset's footprint: its figures and each year of its service, and the figures
    entered by hand for its model (read once, for both)."""
    entry = services.hand_entered(asset.model)
    return {"footprint": services.asset_footprint(asset, entry=entry), "entry": entry}


def model_card(request: HttpRequest, access: Access, *, product_model: Any) -> dict[str, Any]:
    """A product model's climate figures, with the match to decide for those who may."""
    return {
        "model": product_model,
        "figures": services.figures_for(product_model),
        "can_decide": may_decide(access),
    }


def department_by_year_version(request: HttpRequest, access: Access, *, department: Any) -> tuple:
    """What a department's footprint table depends on: the department, the reader's scope
    (whose fleet the slice is cut from), the method, the years up to now and the fleet's
    data version — so a busy department page renders the table once per change, not per
    request (see :class:`kretslopp.core.registry.Panel`)."""
    return (department.pk, *fleet_by_year_version(request, access))


def department_by_year(request: HttpRequest, access: Access, *, department: Any) -> dict | None:
    """A department's fleet footprint for the last years; nothing when it has none."""
    by_year = services.department_by_year(services.fleet_for(access), department.pk)
    if not by_year:
        return None
    by_year = by_year[-YEARS_SHOWN:]
    purchases = services.purchases_by_year(reader_of(department.pk), [year for year, _a in by_year])
    return {
        "by_year": [(year, a, purchases[year]) for year, a in by_year],
        "choice": services.Choice.current(),
    }
