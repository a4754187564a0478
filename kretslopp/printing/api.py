"""API route for the print volumes: per department and month, the same totals as the pages."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router

from kretslopp import printlogs
from kretslopp.api.auth import caller_of
from kretslopp.api.errors import ApiError, responses
from kretslopp.api.schema import ApiSchema
from kretslopp.organisation.access import Action
from kretslopp.organisation.models import Department
from kretslopp.printing import services

router = Router()
READ_ERRORS = responses(400, 401, 403, 404, 422)


class PrintVolumeOut(ApiSchema):
    department: str = Field(description="Department code, or '(unmapped)'.")
    month: str = Field(description="YYYY-MM")
    jobs: int
    pages: int
    sheets: int
    a4_sheets: float
    duplex_share: float | None = Field(description="Of the pages whose setting is recorded.")
    colour_share: float | None = Field(description="Of the pages whose mode is recorded.")
    paper_kg_co2e: float = Field(description="Paper production only (PaperCut's defaults).")
    trees: float


class VolumeQuery(ApiSchema):
    department: str = Field("", max_length=20, description="Department code, e.g. GRF.")
    month_from: str = Field("", pattern=r"^(\d{4}-\d{2})?$", description="YYYY-MM")
    month_to: str = Field("", pattern=r"^(\d{4}-\d{2})?$", description="YYYY-MM")


@router.get(
    "/printing/volumes", response={200: list[PrintVolumeOut], **READ_ERRORS}, tags=["printing"]
)
def list_volumes(request: HttpRequest, query: Query[VolumeQuery]) -> list:
    """Print volumes per department and month (summed over printers)."""
    access = caller_of(request).access
    access.require(Action.VIEW)
    department_id = None
    if query.department:
        found = access.scope(
            Department.objects.filter(code=query.department), department_field="pk"
        ).first()
        if found is None:
            raise ApiError(404, "not_found", _("There is no such department."))
        department_id = found.pk
    out = []
    for item in services.monthly_stats(access, department_id):
        if query.month_from and item.month < query.month_from:
            continue
        if query.month_to and item.month > query.month_to:
            continue
        paper = printlogs.paper_footprint(item.a4_sheets)
        out.append(
            {
                "department": item.department,
                "month": item.month,
                "jobs": item.jobs,
                "pages": item.pages,
                "sheets": item.sheets,
                "a4_sheets": item.a4_sheets,
                "duplex_share": item.duplex_share,
                "colour_share": item.colour_share,
                "paper_kg_co2e": paper.kg_co2e,
                "trees": paper.trees,
            }
        )
    return out
