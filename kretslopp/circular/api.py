"""Take-back API: campaigns with their results, items, manifests, discrepancies, partner results.

A partner's token sees its own campaigns only (others answer 404, like missing ones) and no
inventory. Results posted here go through the same import target as an uploaded partner
report, so the rules (erasure evidence, reconciliation, idempotency) are one set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Path, Query, Router, Status
from pydantic import ConfigDict

from kretslopp.api.auth import caller_of
from kretslopp.api.errors import ApiError, responses
from kretslopp.api.pagination import Ordering, Page, PageQuery, paginate
from kretslopp.api.schema import ApiSchema, amount
from kretslopp.carbon.services import Choice
from kretslopp.circular import collection, readers
from kretslopp.circular.figures import Figures, figures_for
from kretslopp.circular.models import Campaign, CampaignItem, Discrepancy, Manifest
from kretslopp.circular.report import import_report
from kretslopp.circular.reportcolumns import FIELDS
from kretslopp.organisation.access import Access, Action
from kretslopp.tabular import Row

router = Router(tags=["take-back"])

RecordId = Path(..., ge=1, le=2**63 - 1)
READ_ERRORS = responses(400, 401, 403, 422)
ONE_ERRORS = responses(401, 403, 404, 422)
PAGE_ERRORS = responses(400, 401, 403, 404, 422)
WRITE_ERRORS = responses(400, 401, 403, 404, 409, 422)
# As the items' columns hold them.
WeightKg = amount(max_digits=8, decimal_places=2)
ValueSek = amount(max_digits=12, decimal_places=2)


class CampaignOut(ApiSchema):
    id: int
    name: str
    status: str = Field(description="planned, collecting, with_partner, reconciling or closed.")
    partner_id: int
    partner: str
    starts_on: dt.date
    ends_on: dt.date
    goal_products: int | None
    goal_reuse_percent: int | None
    products_collected: int
    computers_collected: int
    reuse_share: float | None = Field(description="Reused ÷ items with an outcome (0–1).")
    recycling_share: float | None
    avoided_kg_co2e: float
    avoided_kg_co2e_min: float
    avoided_kg_co2e_max: float
    factor_set: str = Field(description="The avoided-emission factor set used.")
    allocation: str = Field(description="full or shared (50/50 with the second user).")
    methodology_url: str
    revenue_sek: Decimal
    public_url: str | None


class CampaignPage(ApiSchema):
    items: list[CampaignOut]
    next: str | None


class ItemOut(ApiSchema):
    id: int
    campaign_id: int
    asset_id: int | None
    asset_tag: str
    serial_number: str
    category: str
    department_id: int
    has_storage: bool
    unknown_device: bool
    collected_at: dt.datetime
    manifest_id: int | None
    erasure_method: str
    erasure_tool: str
    erasure_certificate: str
    erased_on: dt.date | None
    grade: str
    outcome: str
    weight_kg: Decimal | None
    resale_value_sek: Decimal | None
    reported_at: dt.datetime | None


class ItemPage(ApiSchema):
    items: list[ItemOut]
    next: str | None


class ManifestOut(ApiSchema):
    id: int
    campaign_id: int
    number: str
    handed_over_on: dt.date
    handed_over_by: str
    received_by: str
    items: int


class DiscrepancyOut(ApiSchema):
    id: int
    kind: str = Field(description="missing, unexpected or serial_mismatch.")
    item_id: int | None
    reported_asset_tag: str
    reported_serial: str
    state: str = Field(description="open, accepted or resolved.")
    note: str


class ScanIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=100, description="Asset tag or serial number.")


class ResultIn(ApiSchema):
    """One device's processing result, as a row of a partner report."""

    model_config = ConfigDict(extra="forbid")
    asset_tag: str = Field("", max_length=50)
    serial_number: str = Field("", max_length=100)
    erasure_method: str = Field("", description="nist_clear, nist_purge or destruction.")
    erasure_tool: str = Field("", max_length=100)
    erasure_certificate: str = Field("", max_length=200)
    erased_on: dt.date | None = None
    grade: str = Field("", description="A, B, C or defective.")
    outcome: str = Field(
        description="reused_internally, resold, donated, refurbished, recycled or destroyed."
    )
    weight_kg: WeightKg | None = None
    resale_value_sek: ValueSek | None = None


class ResultsIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")
    results: list[ResultIn] = Field(min_length=1, max_length=10_000)


class ProblemOut(ApiSchema):
    row: int | None
    field: str | None
    value: str
    message: str
    code: str


class ResultsOut(ApiSchema):
    status: str
    recorded: int
    unchanged: int
    warnings: list[ProblemOut]


def _reader(request: HttpRequest) -> Access:
    access = caller_of(request).access
    if not (access.can(Action.VIEW) or access.is_partner):
        raise PermissionDenied
    return access


def _campaign(access: Access, campaign_id: int) -> Campaign:
    found = access.scope_campaigns(Campaign.objects.select_related("partner"))
    campaign = found.filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404
    return campaign


def _campaign_out(request: HttpRequest, campaign: Campaign, figures: Figures) -> dict:
    avoided = figures.avoided
    methodology = f"/methodology/#{figures.methodology_anchor}"
    public = f"/t/{campaign.public_slug}/" if campaign.public else None
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "status": campaign.status,
        "partner_id": campaign.partner_id,
        "partner": campaign.partner.name,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "goal_products": campaign.goal_products,
        "goal_reuse_percent": campaign.goal_reuse_percent,
        "products_collected": figures.products,
        "computers_collected": figures.computers,
        "reuse_share": figures.reuse_share,
        "recycling_share": figures.recycling_share,
        "avoided_kg_co2e": round(avoided.total.value, 3),
        "avoided_kg_co2e_min": round(avoided.total.low, 3),
        "avoided_kg_co2e_max": round(avoided.total.high, 3),
        "factor_set": avoided.factor_set,
        "allocation": avoided.allocation,
        "methodology_url": request.build_absolute_uri(methodology),
        "revenue_sek": figures.tally.revenue_sek,
        "public_url": request.build_absolute_uri(public) if public else None,
    }


def _figures(access: Access, campaign: Campaign, choice: Choice) -> Figures:
    items = access.scope_campaign_items(CampaignItem.objects.filter(campaign=campaign))
    return figures_for(items, choice)


@router.get("/takeback/campaigns", response={200: CampaignPage, **READ_ERRORS})
def list_campaigns(request: HttpRequest, page: Query[PageQuery]) -> dict:
    """Campaigns in the caller's scope with their results and the method behind them."""
    access = _reader(request)
    choice = Choice.current()
    campaigns = access.scope_campaigns(Campaign.objects.select_related("partner"))
    found = paginate(request, campaigns, Ordering("pk"), page)
    items = [_campaign_out(request, c, _figures(access, c, choice)) for c in found.items]
    return {"items": items, "next": found.next}


@router.get("/takeback/campaigns/{campaign_id}", response={200: CampaignOut, **ONE_ERRORS})
def get_campaign(request: HttpRequest, campaign_id: int = RecordId) -> dict:
    access = _reader(request)
    campaign = _campaign(access, campaign_id)
    return _campaign_out(request, campaign, _figures(access, campaign, Choice.current()))


@router.get("/takeback/campaigns/{campaign_id}/items", response={200: ItemPage, **PAGE_ERRORS})
def list_items(request: HttpRequest, page: Query[PageQuery], campaign_id: int = RecordId) -> Page:
    """The campaign's collected items with the partner's results (no personal data)."""
    access = _reader(request)
    campaign = _campaign(access, campaign_id)
    items = access.scope_campaign_items(CampaignItem.objects.filter(campaign=campaign))
    return paginate(request, items, Ordering("pk"), page)


@router.post("/takeback/campaigns/{campaign_id}/items", response={201: ItemOut, **WRITE_ERRORS})
def collect_item(request: HttpRequest, payload: ScanIn, campaign_id: int = RecordId) -> Status:
    """Collect a device by asset tag or serial (a coordinator, for their departments)."""
    caller = caller_of(request)
    access = caller.access
    access.require(Action.EDIT_ASSETS)
    campaign = _campaign(access, campaign_id)
    try:
        done = collection.collect(campaign, payload.code, access=access, by=caller.user)
    except collection.CollectionRefused as refused:
        status = 404 if refused.code == "unknown" else 409
        raise ApiError(status, refused.code, refused.message, [("code", refused.message)]) from None
    return Status(201, done.item)


@router.get(
    "/takeback/campaigns/{campaign_id}/manifests",
    response={200: list[ManifestOut], **ONE_ERRORS},
)
def list_manifests(request: HttpRequest, campaign_id: int = RecordId) -> list[dict]:
    access = _reader(request)
    campaign = _campaign(access, campaign_id)
    return [
        {
            "id": m.pk,
            "campaign_id": m.campaign_id,
            "number": m.number,
            "handed_over_on": m.handed_over_on,
            "handed_over_by": m.handed_over_by,
            "received_by": m.received_by,
            "items": readers.manifest_items(access, m).count(),
        }
        for m in Manifest.objects.filter(campaign=campaign)
    ]


@router.get(
    "/takeback/campaigns/{campaign_id}/discrepancies",
    response={200: list[DiscrepancyOut], **ONE_ERRORS},
)
def list_discrepancies(request: HttpRequest, campaign_id: int = RecordId) -> list[Discrepancy]:
    """The campaign's findings in the caller's scope: a partner reads all of its campaign's,
    a department-bound caller those that name nothing of other departments."""
    access = _reader(request)
    return list(readers.discrepancies(access, _campaign(access, campaign_id)))


class _JsonRows:
    """Posted results as a row source for the import pipeline (row 2 = the first result)."""

    def __init__(self, results: list[ResultIn]) -> None:
        self.file_name = "api"
        self.headers = list(FIELDS)
        self.results = results

    def rows(self) -> Iterator[Row]:
        for number, result in enumerate(self.results, start=2):
            values = result.model_dump()
            yield Row(number, tuple(_text(values.get(name)) for name in FIELDS))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@router.post(
    "/takeback/campaigns/{campaign_id}/results", response={200: ResultsOut, **WRITE_ERRORS}
)
def post_results(request: HttpRequest, payload: ResultsIn, campaign_id: int = RecordId) -> dict:
    """Record the partner's results (all or none); the same results again change nothing."""
    caller = caller_of(request)
    access = _reader(request)
    campaign = _campaign(access, campaign_id)
    if not access.may_report_for(campaign.partner_id):
        raise PermissionDenied
    result = import_report(
        campaign, _JsonRows(payload.results), access=access, actor=caller.user, origin="api"
    )
    if result.status != "committed":
        details = [
            (_result_field(p.column, p.row), p.message) for p in result.problems if not p.warning
        ]
        raise ApiError(422, "rejected", "The results were not recorded.", details)
    warnings = [
        {"row": p.row, "field": p.column, "value": p.value, "message": p.message, "code": p.code}
        for p in result.problems
        if p.warning
    ]
    return {
        "status": result.status,
        "recorded": result.counts.updated,
        "unchanged": result.counts.unchanged,
        "warnings": warnings,
    }


def _result_field(column: str | None, row: int | None) -> str | None:
    """``results.0.outcome`` for a problem in the first posted result's outcome."""
    if row is None:
        return column
    return f"results.{row - 2}.{column}" if column else f"results.{row - 2}"
