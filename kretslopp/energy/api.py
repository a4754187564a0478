"""API routes for the energy ledger and the targets, with the same scoping as the pages.

The ledger and every target's status, forecast and required change come from the same
functions as the pages (``ledger.cached``, ``assessment.view_for``), so API and page agree.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router

from kretslopp.api.auth import caller_of
from kretslopp.api.errors import ApiError, responses
from kretslopp.api.schema import ApiSchema
from kretslopp.energy import assessment, ledger
from kretslopp.organisation.access import Access, Action
from kretslopp.organisation.models import Department

router = Router()
READ_ERRORS = responses(400, 401, 403, 422)
ONE_ERRORS = responses(400, 401, 403, 404, 422)
RecordId = Path(..., ge=1, le=2**63 - 1)


class ScopeYearOut(ApiSchema):
    scope: str = Field(description="data_centre, end_user_devices, network or printing")
    kwh: float
    kg_co2e: float
    origin: str = Field(description="metered, estimated, manual, or several joined with '+'")
    data_quality: str = Field(description="high, medium or low (the weakest month's)")
    months: int = Field(description="Months of the year with a figure.")


class LedgerYearOut(ApiSchema):
    year: int
    complete: bool = Field(description="False for the year in progress.")
    kwh: float
    kg_co2e: float
    grid: str
    g_co2e_per_kwh: float
    scopes: list[ScopeYearOut]


class LedgerOut(ApiSchema):
    department: str | None = Field(description="Department code, or null for all in scope.")
    factor_set: str
    grid: str
    years: list[LedgerYearOut]


class LedgerEntryOut(ApiSchema):
    year: int
    month: int
    scope: str
    origin: str
    data_quality: str
    kwh: float
    kg_co2e: float
    source: str = Field(description="meters:<count>, entries:<count> or fleet:<factor set>")


class LedgerQuery(ApiSchema):
    department: str = Field("", max_length=20, description="Department code, e.g. GRF.")


def _department_id(access: Access, code: str) -> int | None:
    if not code:
        return None
    found = access.scope(Department.objects.filter(code=code), department_field="pk").first()
    if found is None:
        raise ApiError(404, "not_found", _("There is no such department."))
    return found.pk


@router.get("/energy/ledger", response={200: LedgerOut, **ONE_ERRORS}, tags=["energy"])
def get_ledger(request: HttpRequest, query: Query[LedgerQuery]) -> dict:
    """The IT energy ledger per year and scope, with origin and data quality."""
    access = caller_of(request).access
    access.require(Action.VIEW)
    department_id = _department_id(access, query.department)
    built = ledger.cached(access, department_id=department_id)
    years = []
    for year, data in built.years().items():
        years.append(
            {
                "year": year,
                "complete": data.complete,
                "kwh": data.kwh,
                "kg_co2e": data.kg_co2e,
                "grid": built.grid_id,
                "g_co2e_per_kwh": data.grid.g_co2e_per_kwh,
                "scopes": [
                    {
                        "scope": code,
                        "kwh": s.kwh,
                        "kg_co2e": s.kg_co2e,
                        "origin": s.origin,
                        "data_quality": s.data_quality,
                        "months": len(s.months),
                    }
                    for code, s in data.scopes.items()
                ],
            }
        )
    return {
        "department": query.department or None,
        "factor_set": built.factor_set,
        "grid": built.grid_id,
        "years": years,
    }


@router.get(
    "/energy/ledger/{year}",
    response={200: list[LedgerEntryOut], **ONE_ERRORS},
    tags=["energy"],
)
def get_ledger_year(
    request: HttpRequest, query: Query[LedgerQuery], year: int = Path(..., ge=1990, le=2100)
) -> list:
    """One year's ledger entries, month by month, each with its origin, quality and source."""
    access = caller_of(request).access
    access.require(Action.VIEW)
    built = ledger.cached(access, department_id=_department_id(access, query.department))
    return [e for e in built.entries if e.year == year]


class TargetOut(ApiSchema):
    id: int
    name: str
    kpi: str = Field(description="it_energy_kwh, it_kg_co2e or pages_printed")
    unit: str
    department: str | None = Field(description="Department code, or null for the organisation.")
    baseline_year: int
    baseline_value: float
    target_year: int
    target_value: float
    trajectory: str = Field(description="linear or constant_rate")
    latest_year: int | None
    latest_value: float | None
    trajectory_value_latest: float | None
    status: str = Field(description="on_track, at_risk, off_track or no_data")
    status_rule: str = Field(description="The rule that gives this status, in words.")
    forecast_value: float | None = Field(description="Forecast for the target year.")
    forecast_lower: float | None
    forecast_upper: float | None
    forecast_level: float
    required_annual_change: float | None = Field(
        description="Constant annual change needed from the latest actual, e.g. -0.043."
    )
    actuals: dict[int, float]
    data_quality: str


def _target_out(view: assessment.TargetView) -> dict:
    a = view.assessment
    target = view.target
    rule = dict(view.rule_lines()).get(view.status, "")
    return {
        "id": target.pk,
        "name": target.name,
        "kpi": target.kpi,
        "unit": str(view.definition.unit),
        "department": target.department.code if target.department_id else None,
        "baseline_year": target.baseline_year,
        "baseline_value": target.baseline_value,
        "target_year": target.target_year,
        "target_value": target.target_value,
        "trajectory": target.trajectory,
        "latest_year": a.latest_year,
        "latest_value": a.latest_value,
        "trajectory_value_latest": a.trajectory_value_latest,
        "status": view.status,
        "status_rule": rule,
        "forecast_value": a.forecast.point,
        "forecast_lower": a.forecast.lower,
        "forecast_upper": a.forecast.upper,
        "forecast_level": a.forecast.level,
        "required_annual_change": a.required_annual_change,
        "actuals": {y: v for y, v in view.actuals.values.items() if y >= target.baseline_year},
        "data_quality": view.actuals.data_quality,
    }


@router.get("/targets", response={200: list[TargetOut], **READ_ERRORS}, tags=["targets"])
def list_targets(request: HttpRequest) -> list:
    """Every target the caller sees (its departments' and the organisation's own) with its
    latest actual, status, forecast and required change."""
    access = caller_of(request).access
    access.require(Action.VIEW)
    found = assessment.visible_targets(access)
    memo: dict = {}
    return [_target_out(assessment.view_for(t, access, memo)) for t in found]


@router.get("/targets/{target_id}", response={200: TargetOut, **ONE_ERRORS}, tags=["targets"])
def get_target(request: HttpRequest, target_id: int = RecordId) -> dict:
    access = caller_of(request).access
    access.require(Action.VIEW)
    target = assessment.visible_targets(access).filter(pk=target_id).first()
    if target is None:
        raise ApiError(404, "not_found", _("There is no such target."))
    return _target_out(assessment.view_for(target, access))
