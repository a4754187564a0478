"""Footprint summaries over the API: the same figures, scope and method as the pages."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router

from kretslopp.api.auth import caller_of
from kretslopp.api.errors import responses
from kretslopp.api.schema import ApiSchema
from kretslopp.carbon import services
from kretslopp.footprint import Aggregate
from kretslopp.organisation.access import Action
from kretslopp.organisation.models import Department

router = Router(tags=["footprint"])
READ_ERRORS = responses(400, 401, 403, 422)


class Figures(ApiSchema):
    """One slice of the fleet in one year (or all years)."""

    embodied_kg_co2e: float
    embodied_kg_co2e_min: float
    embodied_kg_co2e_max: float
    use_kwh: float
    use_kg_co2e: float
    use_kg_co2e_min: float
    use_kg_co2e_max: float
    total_kg_co2e: float
    total_kg_co2e_min: float
    total_kg_co2e_max: float
    assets_in_service: float = Field(description="Device-years in service in the slice.")
    kg_co2e_per_employee: float | None
    quality_share: dict[str, float] = Field(
        description="Share of device-years by data quality: model, category, manual."
    )


class YearFigures(Figures):
    year: int


class DepartmentFigures(Figures):
    department_id: int
    department_code: str


class CategoryFigures(Figures):
    category: str


class Method(ApiSchema):
    factor_set: str
    grid: str
    avoided_set: str
    allocation: str
    methodology_url: str = Field(description="Where every formula, factor and source is shown.")


class FootprintSummary(ApiSchema):
    method: Method
    years: list[YearFigures]
    year: int | None = Field(description="The year the department and category rows are for.")
    by_department: list[DepartmentFigures]
    by_category: list[CategoryFigures]


class SummaryQuery(ApiSchema):
    year: int | None = Field(
        None, ge=2000, le=2100, description="Year for the breakdowns (default: the latest)."
    )


def _figures(aggregate: Aggregate) -> dict:
    """The aggregate's figures in the API's stable flat form (value, ``_min``, ``_max``)."""
    embodied, use, total = aggregate.embodied, aggregate.use, aggregate.total
    return {
        "embodied_kg_co2e": embodied.value,
        "embodied_kg_co2e_min": embodied.low,
        "embodied_kg_co2e_max": embodied.high,
        "use_kwh": aggregate.energy.value,
        "use_kg_co2e": use.value,
        "use_kg_co2e_min": use.low,
        "use_kg_co2e_max": use.high,
        "total_kg_co2e": total.value,
        "total_kg_co2e_min": total.low,
        "total_kg_co2e_max": total.high,
        "assets_in_service": aggregate.assets_in_service,
        "kg_co2e_per_employee": aggregate.kg_co2e_per_employee,
        "quality_share": dict(aggregate.quality_share),
    }


@router.get("/footprint/summary", response={200: FootprintSummary, **READ_ERRORS})
def footprint_summary(request: HttpRequest, query: Query[SummaryQuery]) -> dict:
    """The fleet's footprint per year, and per department and category for one year."""
    access = caller_of(request).access
    access.require(Action.VIEW)
    fleet = services.fleet_for(access)
    year = query.year if query.year in fleet.years else fleet.years[-1]
    codes = dict(Department.objects.values_list("pk", "code"))
    choice = services.Choice.current()
    return {
        "method": {
            "factor_set": choice.factor_set,
            "grid": choice.grid,
            "avoided_set": choice.avoided_set,
            "allocation": choice.allocation,
            "methodology_url": request.build_absolute_uri("/methodology/"),
        },
        "years": [{"year": y, **_figures(a)} for y, a in fleet.by_year().items()],
        "year": year,
        "by_department": [
            {"department_id": pk, "department_code": codes.get(pk, ""), **_figures(a)}
            for pk, a in fleet.by_department(year).items()
        ],
        "by_category": [
            {"category": code, **_figures(a)} for code, a in fleet.by_category(year).items()
        ],
    }
