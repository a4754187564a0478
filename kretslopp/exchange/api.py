"""The exchange in the API, in Kolada's URL shape: the schema, the catalogue, the data.

``GET /exchange/data/kpi/{kpi}/municipality/{code}/year/{year}`` answers as Kolada's data
route does (a list under ``values``, empty when there is nothing), as an exchange document
that imports into another installation unchanged. Only published values are answered.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router

from kretslopp.api.auth import caller_of
from kretslopp.api.errors import responses
from kretslopp.api.schema import ApiSchema
from kretslopp.exchange import access as exchange_access
from kretslopp.exchange import format as exchange_format
from kretslopp.exchange import published
from kretslopp.exchange.models import CatalogueKpi

router = Router(tags=["exchange"])
READ_ERRORS = responses(401, 403, 404, 422)


class CatalogueKpiOut(ApiSchema):
    id: str = Field(description="The KPI's id in the catalogue, e.g. KR0002.")
    version: int
    title_sv: str
    title_en: str
    definition_sv: str
    definition_en: str
    unit: str
    normalisation: str = Field(description="absolute, per_employee or per_device")
    direction: str = Field(description="decrease (lower is better) or increase")
    framework: str = Field(description="gdc (Green Digital Charter), ghg or own")
    ghg_category: str
    method: str


@router.get("/exchange/schema/v1.json", response={200: dict[str, Any], **responses(401, 403, 422)})
def schema(request: HttpRequest) -> dict[str, Any]:
    """The JSON Schema of version 1 of the KPI exchange format (docs/kpi-exchange.md).

    Any signed-in caller or token may read it, whatever its role: it describes a format,
    not anyone's figures (the same file is in the source, ``exchange/schema/``).
    """
    return exchange_format.schema()


@router.get("/exchange/kpis", response={200: list[CatalogueKpiOut], **READ_ERRORS})
def kpis(request: HttpRequest) -> list[dict[str, Any]]:
    """The KPI catalogue."""
    exchange_access.require_compare(caller_of(request).access)
    return [
        {
            "id": kpi.kpi,
            "version": kpi.version,
            "title_sv": kpi.title_sv,
            "title_en": kpi.title_en,
            "definition_sv": kpi.definition_sv,
            "definition_en": kpi.definition_en,
            "unit": kpi.unit,
            "normalisation": kpi.normalisation,
            "direction": kpi.direction,
            "framework": kpi.framework,
            "ghg_category": kpi.ghg_category,
            "method": kpi.method,
        }
        for kpi in CatalogueKpi.objects.all()
    ]


@router.get("/exchange/data", response={200: dict[str, Any], **READ_ERRORS})
def data(request: HttpRequest) -> dict[str, Any]:
    """Every published value, as one exchange document."""
    exchange_access.require_compare(caller_of(request).access)
    return published.document()


@router.get(
    "/exchange/data/kpi/{kpi}/municipality/{code}/year/{year}",
    response={200: dict[str, Any], **READ_ERRORS},
)
def data_for(request: HttpRequest, kpi: str, code: str, year: int) -> dict[str, Any]:
    """The published value of one KPI, municipality and year (Kolada's data route)."""
    exchange_access.require_compare(caller_of(request).access)
    return published.document(kpi=kpi, municipality=code, year=year)
