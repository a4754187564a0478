"""API routes for the catalogue and the assets with their lifecycle.

The routes ask the same code as the pages: ``AssetFilter`` for the list (so page, export
and API agree), ``AssetForm`` for validating a create or change (so the rules on serials,
departments and assignees are one set), ``Asset.move`` for the lifecycle, and ``access``
for every read and write.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.db import transaction
from django.db.models import QuerySet
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext as _
from ninja import Field, Header, Path, Query, Router, Status
from pydantic import ConfigDict

from kretslopp.api.auth import caller_of
from kretslopp.api.errors import ApiError, responses
from kretslopp.api.pagination import Ordering, Page, PageQuery, paginate
from kretslopp.api.schema import ApiSchema, amount, omittable
from kretslopp.core import audit
from kretslopp.core.forms import stale, version_of
from kretslopp.inventory import due, lifecycle
from kretslopp.inventory.filters import AGE_BANDS, ALL_CUSTODY, CUSTODY, SORTS, AssetFilter
from kretslopp.inventory.forms import INITIAL_STATUSES, AssetForm
from kretslopp.inventory.models import (
    CATEGORIES_WITH_STORAGE,
    Asset,
    LabelScheme,
    LifecycleEvent,
    Manufacturer,
    ProductCategory,
    ProductModel,
)
from kretslopp.organisation.access import Action

router = Router()

RecordId = Path(..., ge=1, le=2**63 - 1)

StatusCode = Literal[tuple(lifecycle.STATUSES)]  # type: ignore[valid-type]
InitialStatus = Literal[tuple(INITIAL_STATUSES)]  # type: ignore[valid-type]
CategoryCode = Literal[tuple(ProductCategory.values)]  # type: ignore[valid-type]
LabelCode = Literal[tuple(LabelScheme.values)]  # type: ignore[valid-type]
CustodyCode = Literal[tuple(CUSTODY)]  # type: ignore[valid-type]
AgeBand = Literal[tuple(AGE_BANDS)]  # type: ignore[valid-type]
DueKind = Literal[tuple(due.KINDS)]  # type: ignore[valid-type]
#: Read here: inside ``AssetQuery`` the name ``due`` is the field, not the module.
DUE_MAX_DAYS = due.MAX_DAYS
SortKey = Literal[tuple([*SORTS, *(f"-{key}" for key in SORTS)])]  # type: ignore[valid-type]

READ_ERRORS = responses(400, 401, 403, 422)
ONE_ERRORS = responses(401, 403, 404, 422)
WRITE_ERRORS = responses(400, 401, 403, 404, 409, 422)
# A change made on an older version than the one named in If-Match.
CHANGED = responses(412)
PriceSek = amount(max_digits=12, decimal_places=2)


# --- The catalogue ------------------------------------------------------------------------


class ManufacturerOut(ApiSchema):
    id: int
    name: str


class ManufacturerPage(ApiSchema):
    items: list[ManufacturerOut]
    next: str | None


class LabelOut(ApiSchema):
    scheme: str = Field(description="tco_certified, tco_certified_edge, epeat, energy_star, …")
    level: str = Field(description="Generation, tier or version, e.g. 'Generation 9', 'Gold'.")
    certificate_id: str
    valid_from: dt.date | None
    valid_until: dt.date | None


class ProductModelOut(ApiSchema):
    id: int
    manufacturer_id: int
    manufacturer: str = Field(alias="manufacturer.name")
    name: str
    model_number: str
    category: str
    screen_size_inch: Decimal | None
    energy_kwh_per_year: Decimal | None = Field(description="Typical energy consumption (TEC).")
    notes: str
    labels: list[LabelOut]


class ProductModelPage(ApiSchema):
    items: list[ProductModelOut]
    next: str | None


class ProductModelQuery(PageQuery):
    category: CategoryCode | None = None
    manufacturer_id: int | None = Field(None, ge=1, le=2**63 - 1)
    label: LabelCode | None = Field(None, description="Only models holding this label.")
    q: str = Field("", max_length=100, description="Part of the model or manufacturer name.")


@router.get("/manufacturers", response={200: ManufacturerPage, **READ_ERRORS}, tags=["catalogue"])
def list_manufacturers(request: HttpRequest, page: Query[PageQuery]) -> Page:
    access = caller_of(request).access
    access.require(Action.VIEW)
    return paginate(request, Manufacturer.objects.all(), Ordering("name"), page)


@router.get(
    "/manufacturers/{manufacturer_id}",
    response={200: ManufacturerOut, **ONE_ERRORS},
    tags=["catalogue"],
)
def get_manufacturer(request: HttpRequest, manufacturer_id: int = RecordId) -> Manufacturer:
    caller_of(request).access.require(Action.VIEW)
    return _one(Manufacturer.objects.filter(pk=manufacturer_id))


@router.get("/product-models", response={200: ProductModelPage, **READ_ERRORS}, tags=["catalogue"])
def list_product_models(request: HttpRequest, query: Query[ProductModelQuery]) -> Page:
    """The catalogue, shared by all departments; each model with its labels."""
    caller_of(request).access.require(Action.VIEW)
    models = ProductModel.objects.select_related("manufacturer").prefetch_related("labels")
    if query.category:
        models = models.filter(category=query.category)
    if query.manufacturer_id:
        models = models.filter(manufacturer_id=query.manufacturer_id)
    if query.label:
        models = models.filter(pk__in=ProductModel.objects.filter(labels__scheme=query.label))
    if query.q.strip():
        text = query.q.strip()
        models = models.filter(name__icontains=text) | models.filter(
            manufacturer__name__icontains=text
        )
    return paginate(request, models, Ordering("name"), query)


@router.get(
    "/product-models/{model_id}",
    response={200: ProductModelOut, **ONE_ERRORS},
    tags=["catalogue"],
)
def get_product_model(request: HttpRequest, model_id: int = RecordId) -> ProductModel:
    caller_of(request).access.require(Action.VIEW)
    models = ProductModel.objects.select_related("manufacturer").prefetch_related("labels")
    return _one(models.filter(pk=model_id))


# --- Assets -------------------------------------------------------------------------------


class AssetOut(ApiSchema):
    id: int
    asset_tag: str
    serial_number: str
    model_id: int
    category: str = Field(alias="model.category")
    department_id: int
    cost_centre_id: int | None
    assignee_id: int | None
    location_id: int | None
    purchase_date: dt.date | None
    delivery_date: dt.date | None
    in_use_date: dt.date | None
    purchase_price_sek: Decimal | None
    supplier: str
    order_number: str
    warranty_end: dt.date | None
    planned_end_of_life: dt.date | None
    has_storage: bool
    status: str = Field(description="The lifecycle status; it changes only through moves.")
    status_changed_at: dt.datetime
    end_date: dt.date | None = Field(description="When it left custody or went missing.")
    notes: str
    created_at: dt.datetime
    updated_at: dt.datetime


class AssetPage(ApiSchema):
    items: list[AssetOut]
    next: str | None = Field(description="The next page, or null on the last one.")


class AssetFilters(ApiSchema):
    """The asset list's filters, the same as on the asset list page (and its export's)."""

    q: str = Field("", max_length=100, description="Asset tag, serial, model or assignee.")
    department: str = Field("", max_length=20, description="Department code, e.g. GRF.")
    cost_centre: str = Field("", max_length=20, description="Cost centre code.")
    category: CategoryCode | None = None
    status: StatusCode | None = None
    custody: CustodyCode | None = Field(None, description="in, left or missing.")
    age: AgeBand | None = Field(None, description="Whole years in use.")
    label: LabelCode | None = Field(None, description="The model holds this label.")
    due: DueKind | None = Field(
        None, description="Devices due, as on the start page (see the methodology page)."
    )
    days: int | None = Field(
        None, ge=1, le=DUE_MAX_DAYS, description="Days after a replacement (due=not_returned)."
    )
    sort: SortKey = Field("tag", description="A sort key; a leading '-' sorts descending.")


class AssetQuery(AssetFilters, PageQuery):
    """The asset list's filters, and the page."""


class AssetChange(ApiSchema):
    """The writable fields of an asset; a PATCH sends only the ones it changes.

    Unknown fields are refused rather than ignored: a ``status`` (which only moves change)
    or a ``purchase_price`` without its unit is a mistake the client should hear about.
    """

    model_config = ConfigDict(extra="forbid")

    asset_tag: str = omittable(min_length=1, max_length=50)
    serial_number: str | None = Field(None, max_length=100)
    model_id: int = omittable(ge=1, le=2**63 - 1)
    department_id: int = omittable(ge=1, le=2**63 - 1)
    cost_centre_id: int | None = Field(
        None, ge=1, le=2**63 - 1, description="One of the department's cost centres."
    )
    assignee_id: int | None = Field(None, ge=1, le=2**63 - 1)
    location_id: int | None = Field(None, ge=1, le=2**63 - 1)
    purchase_date: dt.date | None = None
    delivery_date: dt.date | None = None
    in_use_date: dt.date | None = None
    purchase_price_sek: PriceSek | None = None
    supplier: str | None = Field(None, max_length=200)
    order_number: str | None = Field(None, max_length=100)
    warranty_end: dt.date | None = None
    planned_end_of_life: dt.date | None = None
    has_storage: bool = omittable()
    notes: str | None = Field(None, max_length=10_000)


class AssetCreate(AssetChange):
    asset_tag: str = Field(min_length=1, max_length=50)
    model_id: int = Field(ge=1, le=2**63 - 1)
    department_id: int = Field(ge=1, le=2**63 - 1)
    has_storage: bool | None = Field(
        None, description="Defaults from the model's category (computers, phones… have it)."
    )
    status: InitialStatus = Field(lifecycle.IN_STOCK, description="ordered, in_stock or in_use.")


class MoveIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    target: StatusCode
    note: str = Field("", max_length=2000)
    reference: str = Field(
        "", max_length=200, description="Certificate, manifest or order the move rests on."
    )


class EventOut(ApiSchema):
    id: int
    asset_id: int
    from_status: str = Field(description="Empty for the asset's first event.")
    to_status: str
    at: dt.datetime
    actor: str | None = Field(description="Username of who made the move.")
    note: str
    reference: str

    @staticmethod
    def resolve_actor(event: LifecycleEvent) -> str | None:
        return event.actor.get_username() if event.actor_id else None


ASSETS = Asset.objects.select_related("model")
# API field → AssetForm field, where they differ.
FORM_FIELDS = {
    "model_id": "model",
    "department_id": "department",
    "cost_centre_id": "cost_centre",
    "assignee_id": "assignee",
    "location_id": "location",
}
API_FIELDS = {form: api for api, form in FORM_FIELDS.items()}


@router.get("/assets", response={200: AssetPage, **READ_ERRORS}, tags=["assets"])
def list_assets(request: HttpRequest, query: Query[AssetQuery]) -> Page:
    """Assets in the caller's scope with the asset list's filters, paged by cursor."""
    access = caller_of(request).access
    access.require(Action.VIEW)
    asset_filter = AssetFilter.from_query(asset_filter_query(query))
    assets = asset_filter.apply(access).select_related("model")
    ordering = Ordering(SORTS[asset_filter.sort], asset_filter.descending)
    return paginate(request, assets, ordering, query)


@router.get("/assets/{asset_id}", response={200: AssetOut, **ONE_ERRORS}, tags=["assets"])
def get_asset(request: HttpRequest, response: HttpResponse, asset_id: int = RecordId) -> Asset:
    """The asset; its ``ETag`` header is the version a PATCH may name in ``If-Match``."""
    access = caller_of(request).access
    access.require(Action.VIEW)
    asset = access.get(ASSETS, pk=asset_id)
    response["ETag"] = _etag(asset)
    return asset


@router.post("/assets", response={201: AssetOut, **WRITE_ERRORS}, tags=["assets"])
def create_asset(request: HttpRequest, payload: AssetCreate) -> Status:
    """Register an asset; its first lifecycle event records who registered it."""
    caller = caller_of(request)
    access = caller.access
    access.require(Action.EDIT_ASSETS)
    values = payload.model_dump()
    if values["has_storage"] is None:
        values["has_storage"] = _storage_by_default(payload.model_id)
    form = _valid_form(AssetForm(_form_data(values), access=access))
    access.require(Action.EDIT_ASSETS, form.cleaned_data["department"].pk)
    asset = form.register(by=caller.user)
    return Status(201, ASSETS.get(pk=asset.pk))


@router.patch(
    "/assets/{asset_id}", response={200: AssetOut, **WRITE_ERRORS, **CHANGED}, tags=["assets"]
)
def update_asset(
    request: HttpRequest,
    response: HttpResponse,
    payload: AssetChange,
    asset_id: int = RecordId,
    if_match: str = Header("", alias="If-Match", max_length=200),
) -> Asset:
    """Change the fields sent; the status changes only through moves.

    With ``If-Match`` set to the ``ETag`` the client read, a change made on an older version
    is refused with 412 (saying who changed what meanwhile) instead of overwriting it.
    """
    caller = caller_of(request)
    access = caller.access
    with audit.acting_as(caller.user), transaction.atomic():
        # Locked, so a move or another change cannot slip in between reading and saving.
        asset = access.get(Asset.objects.select_for_update(), pk=asset_id)
        access.require(Action.EDIT_ASSETS, asset.department_id)
        seen = if_match.strip().strip('"')
        refusal = stale(asset, seen) if seen and seen != "*" else None
        if refusal is not None:
            raise ApiError(412, "changed_meanwhile", refusal)
        current = model_to_dict(asset, fields=AssetForm.Meta.fields)
        sent = _form_data(payload.model_dump(exclude_unset=True))
        form = _valid_form(AssetForm(current | sent, instance=asset, access=access))
        access.require(Action.EDIT_ASSETS, form.cleaned_data["department"].pk)
        form.save()
    updated = ASSETS.get(pk=asset_id)
    response["ETag"] = _etag(updated)
    return updated


def _etag(asset: Asset) -> str:
    """The asset's version as an HTTP entity tag: when it was saved, and its latest audit entry."""
    return f'"{version_of(asset)}"'


@router.post("/assets/{asset_id}/moves", response={201: EventOut, **WRITE_ERRORS}, tags=["assets"])
def move_asset(request: HttpRequest, payload: MoveIn, asset_id: int = RecordId) -> Status:
    """Move the asset through the lifecycle; an illegal move is a 409 with the reason."""
    caller = caller_of(request)
    access = caller.access
    asset = access.get(Asset.objects.all(), pk=asset_id)
    access.require(Action.EDIT_ASSETS, asset.department_id)
    with audit.acting_as(caller.user):
        event = asset.move(
            payload.target, by=caller.user, note=payload.note, reference=payload.reference
        )
    return Status(201, LifecycleEvent.objects.select_related("actor").get(pk=event.pk))


@router.get(
    "/assets/{asset_id}/events", response={200: list[EventOut], **ONE_ERRORS}, tags=["assets"]
)
def list_asset_events(request: HttpRequest, asset_id: int = RecordId) -> QuerySet:
    """The asset's lifecycle, newest first."""
    access = caller_of(request).access
    access.require(Action.VIEW)
    asset = access.get(Asset.objects.all(), pk=asset_id)
    return LifecycleEvent.objects.filter(asset=asset).select_related("actor")


# --- Helpers ------------------------------------------------------------------------------


def _one(queryset: QuerySet) -> Any:
    """The single row of a catalogue query (not department-bound), or 404."""
    found = queryset.first()
    if found is None:
        raise Http404
    return found


def asset_filter_query(query: AssetFilters) -> QueryDict:
    """The validated filters as the query string the asset list page would have had (the
    list and its export, kretslopp.imports.api, read the same)."""
    params = QueryDict(mutable=True)
    for name, value in query.model_dump(exclude={"cursor", "limit"}).items():
        if value not in (None, ""):
            params[name] = value
    # The page shows what is in custody unless told otherwise; the API lists every asset.
    params.setdefault("custody", ALL_CUSTODY)
    return params


def _storage_by_default(model_id: int) -> bool:
    category = ProductModel.objects.filter(pk=model_id).values_list("category", flat=True).first()
    return category is None or category in CATEGORIES_WITH_STORAGE


def _form_data(values: dict[str, Any]) -> dict[str, Any]:
    data = {FORM_FIELDS.get(name, name): value for name, value in values.items()}
    return {name: "" if value is None else value for name, value in data.items()}


def _valid_form(form: AssetForm) -> AssetForm:
    """The form if valid; otherwise a 422 naming each API field the form refused."""
    if form.is_valid():
        return form
    details = [
        (None if field == "__all__" else API_FIELDS.get(field, field), error["message"])
        for field, errors in form.errors.get_json_data().items()
        for error in errors
    ]
    raise ApiError(422, "invalid", _("The input is not valid."), details)
