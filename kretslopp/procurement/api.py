"""API routes under /api/v1/procurement/: criteria, procurements, offers, evaluations, contracts.

The same rules as the pages, from :mod:`kretslopp.organisation.access`: the criteria library
is read by every reader; procurements, offers and evaluations by those who may view
procurement; writes need the procurement right. Contracts are read by those roles too, and a
department-bound reader sees the contracts under which their departments' devices were
bought (an asset in their scope with one of the contract's order numbers), with the
contracted models' labels. The evaluation answers the decided, frozen result where there
is one, else the result computed now; amounts are whole öre and CO2e whole grams, as the
engine gives them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router

from kretslopp.api.auth import caller_of
from kretslopp.api.errors import ApiError, responses
from kretslopp.api.pagination import Ordering, Page, PageQuery, paginate
from kretslopp.api.schema import ApiSchema
from kretslopp.core import audit
from kretslopp.organisation.access import Access, Action

from . import evaluation as service
from . import labels
from .models import Contract, Criterion, Offer, Procurement, ProductGroup
from .models.library import CriterionType

router = Router(tags=["procurement"])
READ_ERRORS = responses(400, 401, 403, 422)
ONE_ERRORS = responses(400, 401, 403, 404, 422)
WRITE_ERRORS = responses(400, 401, 403, 409, 422)
RecordId = Path(..., ge=1, le=2**63 - 1)


class CriterionOut(ApiSchema):
    id: int
    criterion_id: str
    origin: str
    source: str
    source_ref: str
    level: str
    type: str = Field(description=", ".join(CriterionType.values))
    product_groups: list[str]
    title_sv: str
    title_en: str
    summary_sv: str
    summary_en: str
    accepted_proof: list[str] = Field(description="Label scheme ids, `scheme:tier` for a tier.")
    follow_up_sv: str
    follow_up_en: str
    version_date: dt.date | None
    last_reviewed: dt.date | None
    url: str
    check_kind: str
    check_field: str
    check_operator: str
    check_value: Decimal | None
    scoring_rule: str
    note_sv: str
    note_en: str
    is_active: bool
    version: int


class CriterionPage(ApiSchema):
    items: list[CriterionOut]
    next: str | None


class CriterionQuery(PageQuery):
    product_group: str = Field("", max_length=30, description=", ".join(ProductGroup.values))
    type: str = Field("", max_length=30)


class CriterionUseOut(ApiSchema):
    criterion_id: str
    criterion_version: int
    type: str
    max_points: Decimal
    deduction_sek: Decimal
    check_value: Decimal | None
    parameters: dict[str, str]
    interpretation: str
    evidence_note: str


class ProcurementOut(ApiSchema):
    id: int
    reference: str
    title: str
    product_group: str
    period_start: dt.date | None
    period_end: dt.date | None
    status: str
    units: int
    units_by_lot: dict[str, int]
    lifetime_years: int
    discount_rate: Decimal
    sek_per_kwh: Decimal
    grid_kg_co2e_per_kwh: Decimal
    shadow_price_sek_per_tonne: Decimal | None
    price_basis: str
    price_weight: Decimal
    evaluation_date: dt.date | None
    criteria: list[CriterionUseOut]


class ProcurementPage(ApiSchema):
    items: list[ProcurementOut]
    next: str | None


class ProcurementIn(ApiSchema):
    reference: str = Field(..., min_length=1, max_length=60)
    title: str = Field(..., min_length=1, max_length=200)
    product_group: str = Field(..., max_length=20)
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    units: int = Field(..., ge=1, le=10_000_000)
    lifetime_years: int = Field(..., ge=1, le=50)
    discount_rate: Decimal = Field(..., ge=0, lt=1, max_digits=6, decimal_places=4)
    sek_per_kwh: Decimal = Field(..., ge=0, max_digits=8, decimal_places=4)
    grid_kg_co2e_per_kwh: Decimal = Field(..., ge=0, max_digits=8, decimal_places=5)
    shadow_price_sek_per_tonne: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    price_basis: str = Field("lcc", max_length=15)
    price_weight: Decimal = Field(Decimal(0), ge=0, max_digits=8, decimal_places=2)


class OfferLineOut(ApiSchema):
    line_id: str
    lot: str
    category: str
    manufacturer: str
    model: str
    price_per_unit_sek: Decimal
    tec_kwh_per_year: Decimal
    etec_limit_kwh_per_year: Decimal | None
    warranty_years: int | None
    battery_cycles: int | None
    spare_part_years: int | None
    pcf_kg_co2e: Decimal | None
    pcf_standard: str
    pcf_source: str
    certificates: list[dict[str, Any]]
    declarations: list[str]


class OfferOut(ApiSchema):
    id: int
    bidder: str
    organisation_number: str
    source: str
    file_name: str
    lines: list[OfferLineOut]


class EvaluationOut(ApiSchema):
    procurement_id: int
    decided: bool
    decided_at: dt.datetime | None
    method_version: str
    award_model: str | None = Field(description="value_deduction or weighted_points once decided")
    winners: list[str] = Field(description="The winning line per lot (`bidder/line_id`).")
    results: list[dict[str, Any]] = Field(description="Every number behind every rank.")
    rankings: dict[str, dict[str, list[str]]]
    inputs: dict[str, Any] = Field(description="The inputs, frozen once decided.")


class LabelOut(ApiSchema):
    scheme: str
    level: str
    certificate_id: str
    valid_from: dt.date | None
    valid_until: dt.date | None


class ContractModelOut(ApiSchema):
    lot: str
    category: str
    manufacturer: str
    model: str
    price_per_unit_sek: Decimal | None
    units: int | None
    product_model_id: int | None
    labels: list[LabelOut]


class ContractOut(ApiSchema):
    id: int
    reference: str
    supplier: str
    procurement_id: int | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    models: list[ContractModelOut]


class ContractPage(ApiSchema):
    items: list[ContractOut]
    next: str | None


def _not_found(message: str) -> ApiError:
    return ApiError(404, "not_found", message)


def _procurement_out(row: Procurement) -> dict:
    return {
        **{name: getattr(row, name) for name in ProcurementOut.model_fields if name != "criteria"},
        "criteria": [
            {
                "criterion_id": use.criterion.criterion_id,
                "criterion_version": use.criterion_version,
                "type": use.type,
                "max_points": use.max_points,
                "deduction_sek": use.deduction_sek,
                "check_value": use.check_value,
                "parameters": {k: str(v) for k, v in (use.parameters or {}).items()},
                "interpretation": use.interpretation,
                "evidence_note": use.evidence_note,
            }
            for use in row.criterion_uses.select_related("criterion")
        ],
    }


def _procurement(access: Access, procurement_id: int) -> Procurement:
    access.require(Action.VIEW_PROCUREMENT)
    row = Procurement.objects.filter(pk=procurement_id).first()
    if row is None:
        raise _not_found(_("There is no such procurement."))
    return row


@router.get("/procurement/criteria", response={200: CriterionPage, **READ_ERRORS})
def list_criteria(request: HttpRequest, query: Query[CriterionQuery]) -> Page:
    """The criteria library (every reader): our own summaries, sources, proof, versions."""
    caller_of(request).access.require(Action.VIEW)
    rows = Criterion.objects.all()
    if query.type:
        rows = rows.filter(type=query.type)
    if query.product_group:
        ids = [c.pk for c in rows if query.product_group in c.product_groups]
        rows = rows.filter(pk__in=ids)
    page = paginate(request, rows, Ordering("criterion_id"), query)
    page.items = [
        {"id": c.pk, **{n: getattr(c, n) for n in CriterionOut.model_fields if n != "id"}}
        for c in page.items
    ]
    return page


@router.get("/procurement/criteria/{criterion_id}", response={200: CriterionOut, **ONE_ERRORS})
def get_criterion(request: HttpRequest, criterion_id: int = RecordId) -> dict:
    caller_of(request).access.require(Action.VIEW)
    row = Criterion.objects.filter(pk=criterion_id).first()
    if row is None:
        raise _not_found(_("There is no such criterion."))
    return {"id": row.pk, **{n: getattr(row, n) for n in CriterionOut.model_fields if n != "id"}}


@router.get("/procurement/procurements", response={200: ProcurementPage, **READ_ERRORS})
def list_procurements(request: HttpRequest, query: Query[PageQuery]) -> Page:
    caller_of(request).access.require(Action.VIEW_PROCUREMENT)
    page = paginate(request, Procurement.objects.all(), Ordering("reference"), query)
    page.items = [_procurement_out(row) for row in page.items]
    return page


@router.post("/procurement/procurements", response={201: ProcurementOut, **WRITE_ERRORS})
def create_procurement(request: HttpRequest, body: ProcurementIn) -> tuple[int, dict]:
    """A new procurement with the buyer's lifecycle parameters (procurement's right)."""
    caller = caller_of(request)
    caller.access.require(Action.MANAGE_PROCUREMENT)
    if body.product_group not in ProductGroup.values:
        raise ApiError(
            422,
            "invalid",
            _("Unknown product group."),
            [("product_group", _("Unknown product group."))],
        )
    if body.price_basis not in ("purchase_price", "lcc", "lcc_with_co2e"):
        raise ApiError(
            422, "invalid", _("Unknown price basis."), [("price_basis", _("Unknown price basis."))]
        )
    if body.price_basis == "lcc_with_co2e" and body.shadow_price_sek_per_tonne is None:
        raise ApiError(
            422, "invalid", _("Pricing CO2e needs a shadow price."),
            [("shadow_price_sek_per_tonne", _("Pricing CO2e needs a shadow price."))],
        )  # fmt: skip
    if Procurement.objects.filter(reference=body.reference).exists():
        raise ApiError(409, "conflict", _("A procurement with this reference exists."))
    with audit.acting_as(caller.user):
        row = Procurement.objects.create(**body.dict(), created_by=caller.user)
    return 201, _procurement_out(row)


@router.get(
    "/procurement/procurements/{procurement_id}", response={200: ProcurementOut, **ONE_ERRORS}
)
def get_procurement(request: HttpRequest, procurement_id: int = RecordId) -> dict:
    return _procurement_out(_procurement(caller_of(request).access, procurement_id))


@router.get(
    "/procurement/procurements/{procurement_id}/offers",
    response={200: list[OfferOut], **ONE_ERRORS},
)
def list_offers(request: HttpRequest, procurement_id: int = RecordId) -> list:
    """Every bidder's offer with its lines as the form gave them."""
    row = _procurement(caller_of(request).access, procurement_id)
    offers = Offer.objects.filter(procurement=row).select_related("supplier")
    return [
        {
            "id": offer.pk,
            "bidder": offer.supplier.name,
            "organisation_number": offer.supplier.organisation_number,
            "source": offer.source,
            "file_name": offer.file_name,
            "lines": [
                {name: getattr(line, name) for name in OfferLineOut.model_fields}
                for line in offer.lines.all()
            ],
        }
        for offer in offers.prefetch_related("lines")
    ]


@router.get(
    "/procurement/procurements/{procurement_id}/evaluation",
    response={200: EvaluationOut, **ONE_ERRORS},
)
def get_evaluation(request: HttpRequest, procurement_id: int = RecordId) -> dict:
    """The decided (frozen) evaluation, else the one computed now."""
    row = _procurement(caller_of(request).access, procurement_id)
    decided = service.decided(row)
    if decided is not None:
        decision = decided.result.get("decision", {})
        return {
            "procurement_id": row.pk,
            "decided": True,
            "decided_at": decided.decided_at,
            "method_version": decided.method_version,
            "award_model": decision.get("award_model"),
            "winners": decision.get("winners", []),
            "results": decided.result["results"],
            "rankings": decided.result["rankings"],
            "inputs": decided.inputs,
        }
    try:
        result = service.run(row).as_dict()
    except service.NotEvaluable as error:
        raise ApiError(
            422, "not_evaluable", _("The procurement cannot be evaluated: %(why)s") % {"why": error}
        ) from None
    return {
        "procurement_id": row.pk,
        "decided": False,
        "decided_at": None,
        "method_version": result["method_version"],
        "award_model": None,
        "winners": [],
        "results": result["results"],
        "rankings": result["rankings"],
        "inputs": result["inputs"],
    }


def _contracts(access: Access):
    """The contracts the caller reads: all for procurement's readers; for other readers,
    those under which a device of their departments was bought (by its order number, see
    :func:`kretslopp.procurement.labels.readable_contracts`, the same rule as the pages)."""
    if not labels.may_read_contracts(access):
        raise ApiError(403, "forbidden", _("You may not read contracts."))
    return labels.readable_contracts(access)


def _contract_out(contract: Contract) -> dict:
    return {
        "id": contract.pk,
        "reference": contract.reference,
        "supplier": contract.supplier.name,
        "procurement_id": contract.procurement_id,
        "starts_on": contract.starts_on,
        "ends_on": contract.ends_on,
        "models": [
            {
                "lot": m.lot,
                "category": m.category,
                "manufacturer": m.manufacturer,
                "model": m.model,
                "price_per_unit_sek": m.price_per_unit_sek,
                "units": m.units,
                "product_model_id": m.product_model_id,
                "labels": [
                    {
                        "scheme": label.scheme,
                        "level": label.level,
                        "certificate_id": label.certificate_id,
                        "valid_from": label.valid_from,
                        "valid_until": label.valid_until,
                    }
                    for label in (m.product_model.labels.all() if m.product_model else [])
                ],
            }
            for m in contract.models.select_related("product_model")
        ],
    }


@router.get("/procurement/contracts", response={200: ContractPage, **READ_ERRORS})
def list_contracts(request: HttpRequest, query: Query[PageQuery]) -> Page:
    access = caller_of(request).access
    rows = _contracts(access).select_related("supplier")
    page = paginate(request, rows, Ordering("reference"), query)
    page.items = [_contract_out(contract) for contract in page.items]
    return page


@router.get("/procurement/contracts/{contract_id}", response={200: ContractOut, **ONE_ERRORS})
def get_contract(request: HttpRequest, contract_id: int = RecordId) -> dict:
    access = caller_of(request).access
    contract = _contracts(access).filter(pk=contract_id).select_related("supplier").first()
    if contract is None:
        raise _not_found(_("There is no such contract."))
    return _contract_out(contract)
