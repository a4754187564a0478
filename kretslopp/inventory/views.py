"""Pages for assets and product models; every query goes through ``access``."""

from __future__ import annotations

from typing import Any, NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kretslopp.core import audit
from kretslopp.core.editing import EditView
from kretslopp.core.history import history_for
from kretslopp.core.paging import page_of
from kretslopp.core.panels import rendered_panels
from kretslopp.core.registry import registry
from kretslopp.inventory import lifecycle, summary
from kretslopp.inventory.filters import AGE_BANDS, ALL_CUSTODY, CUSTODY, AssetFilter
from kretslopp.inventory.forms import AssetForm, LabelFormSet, MoveForm, ProductModelForm
from kretslopp.inventory.models import (
    Asset,
    LabelScheme,
    LifecycleEvent,
    ProductCategory,
    ProductModel,
    Status,
)
from kretslopp.organisation.access import Action, access_for
from kretslopp.organisation.models import CostCentre, Department

PAGE_SIZE = 50


@login_required
def asset_list(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.VIEW)
    asset_filter = AssetFilter.from_query(request.GET)
    assets = asset_filter.apply(access).select_related(
        "model__manufacturer", "department", "assignee"
    )
    only = _the_one_found(request, asset_filter, assets)
    if only is not None:
        messages.info(request, _("The only asset matching “%(q)s”.") % {"q": asset_filter.q})
        return redirect(only)
    departments = list(access.departments())
    page, query = page_of(
        request, assets, PAGE_SIZE, _remembered_count(access, asset_filter, departments)
    )
    page.object_list = _asset_rows(page.object_list)
    context = {
        "page": page,
        "rows_html": _rows_html(page.object_list),
        "filter": asset_filter,
        "query": query,
        "departments": departments,
        # A department's cost centres, once one department is chosen.
        "cost_centres": CostCentre.objects.filter(
            department__in=access.departments(), department__code=asset_filter.department
        )
        if asset_filter.department
        else [],
        "categories": ProductCategory.choices,
        "statuses": Status.choices,
        "custody_choices": [(key, text) for key, (text, _codes) in CUSTODY.items()],
        "custody_all": ALL_CUSTODY,
        "custody_shown": _custody_shown(asset_filter),
        "custody_links": _custody_links(request),
        "due_clear": _without(request, "due", "days"),
        "age_bands": [(key, text) for key, (text, _y, _o) in AGE_BANDS.items()],
        "labels": LabelScheme.choices,
        "can_create": access.can(Action.EDIT_ASSETS),
        "sort_links": {
            key: asset_filter.sort_param(key)
            for key in ("tag", "serial", "model", "department", "status", "in_use")
        },
    }
    return render(request, "inventory/asset_list.html", context)


def _remembered_count(
    access, asset_filter: AssetFilter, departments: list[Department]
) -> int | None:
    """How many assets the list holds, from the remembered holdings per department and
    status (:mod:`kretslopp.inventory.summary`), when the filter picks by nothing else.

    The list's usual views (in custody, one department, one status) would otherwise count
    up to 10,000 matching rows on every page view just to print the pager. None: count.
    """
    statuses = asset_filter.counted_statuses()
    if statuses is None:
        return None
    shown = {
        d.pk
        for d in departments
        if not asset_filter.department or d.code == asset_filter.department
    }
    holdings = summary.fleet_holdings()
    return sum(
        n
        for pk in shown
        if pk in holdings
        for status, n in holdings[pk].by_status.items()
        if status in statuses
    )


#: The list's columns, read as plain values: no model instances, no per-row lookups.
_ROW_FIELDS = (
    "pk",
    "asset_tag",
    "serial_number",
    "model__manufacturer__name",
    "model__name",
    "model__category",
    "department__name",
    "assignee__identifier",
    "in_use_date",
    "status",
)
#: A number no asset has, reversed once and replaced by each row's key.
_PK_MARK = 987654321


class AssetRow(NamedTuple):
    """One line of the asset list, every cell as the table shows it."""

    pk: int
    url: str
    asset_tag: str
    serial_number: str
    model: str
    category: str
    department: str
    assignee: str | None
    in_use_date: str
    status: str
    status_label: str


def _asset_rows(assets) -> list[AssetRow]:
    """The page's rows as the table shows them, built in one pass.

    A row of model instances costs the template an attribute walk per cell, a URL reverse
    and a label look-up that translates every choice (``get_status_display``) — at 50 rows
    most of the page's time. The same query's values, one reverse and the labels translated
    once per page give the same cells.
    """
    url = reverse("inventory:asset", args=[_PK_MARK])
    categories = {code: str(label) for code, label in ProductCategory.choices}
    statuses = {code: str(label) for code, label in Status.choices}
    return [
        AssetRow(
            pk=pk,
            url=url.replace(str(_PK_MARK), str(pk)),
            asset_tag=tag,
            serial_number=serial,
            model=f"{maker} {model}",
            category=categories.get(category, category),
            department=department,
            assignee=assignee,
            in_use_date=in_use.isoformat() if in_use else "",
            status=status,
            status_label=statuses.get(status, status),
        )
        for pk, tag, serial, maker, model, category, department, assignee, in_use, status in (
            assets.values_list(*_ROW_FIELDS)
        )
    ]


#: One row of the table; every value is escaped by ``format_html``, as the template would.
_ROW_HTML = (
    "\n    <tr>\n"
    '      <td><a href="{url}" class="mono">{asset_tag}</a></td>\n'
    '      <td class="mono">{serial_number}</td>\n'
    "      <td>{model}</td>\n"
    "      <td>{category}</td>\n"
    "      <td>{department}</td>\n"
    "      <td>{assignee}</td>\n"
    "      <td>{in_use_date}</td>\n"
    '      <td><span class="status status-{status}">{status_label}</span></td>\n'
    "    </tr>\n  "
)


def _rows_html(rows: list[AssetRow]) -> SafeString:
    """The table's body in one pass: 50 rows of ten cells cost the template engine some
    thousand nodes a request, the largest part of the page's time under load."""
    return mark_safe(  # noqa: S308 (every value below went through format_html's escaping)
        "".join(
            format_html(
                _ROW_HTML,
                **{
                    **row._asdict(),
                    "serial_number": row.serial_number or "–",
                    "assignee": row.assignee or "–",
                    "in_use_date": row.in_use_date or "–",
                },
            )
            for row in rows
        )
    )


def _the_one_found(request: HttpRequest, asset_filter: AssetFilter, assets) -> Asset | None:
    """The asset a search found, when it found exactly one: its page is what was wanted."""
    if not asset_filter.q or request.GET.get("page"):
        return None
    # Unordered: whether there is exactly one does not depend on the order, and with the
    # list's ORDER BY … LIMIT 2 PostgreSQL walks the whole tag index instead of the prefix
    # indexes (475,000 rows read for a serial prefix at a million assets).
    found = list(assets.order_by()[:2])
    return found[0] if len(found) == 1 else None


def _custody_shown(asset_filter: AssetFilter) -> str:
    """Which assets the list holds, in words, so nobody takes it for the whole register."""
    if asset_filter.custody:
        return str(CUSTODY[asset_filter.custody][0])
    return _("every asset, also those that left the organisation or went missing")


def _without(request: HttpRequest, *names: str) -> str:
    """The list's query string without ``names`` (and the page reset): a chip's remove link."""
    query = request.GET.copy()
    for name in (*names, "page"):
        query.pop(name, None)
    return query.urlencode()


def _custody_links(request: HttpRequest) -> dict[str, str]:
    """The list's query string with custody set to each choice (and the page reset)."""
    links = {}
    for custody in (*CUSTODY, ALL_CUSTODY):
        query = request.GET.copy()
        query.pop("page", None)
        query["custody"] = custody
        links[custody] = query.urlencode()
    return links


@login_required
def asset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.VIEW)
    asset = access.get(
        Asset.objects.select_related(
            "model__manufacturer", "department", "assignee__department", "location", "cost_centre"
        ),
        pk=pk,
    )
    can_edit = access.can(Action.EDIT_ASSETS, asset.department_id)
    context = {
        "asset": asset,
        "events": LifecycleEvent.objects.filter(asset=asset).select_related("actor"),
        "history": history_for(asset, access=access) if access.can(Action.VIEW_AUDIT) else None,
        "moves": asset.next_moves() if can_edit else [],
        "can_edit": can_edit,
        "labels": asset.model.labels.all(),
        "panels": rendered_panels(registry.asset_panels, request, access, asset=asset),
    }
    return render(request, "inventory/asset_detail.html", context)


class _AssetEdit(EditView):
    """Register or change an asset, in the departments the user may edit assets of."""

    form_class = AssetForm
    template_name = "inventory/asset_form.html"

    def form_kwargs(self) -> dict[str, Any]:
        return {"access": self.access}

    def check_form(self, form: AssetForm) -> None:
        # The department chosen, too, must be one the user edits assets in.
        self.access.require(Action.EDIT_ASSETS, form.cleaned_data["department"].pk)

    def get_context(self, form: AssetForm) -> dict[str, Any]:
        return {"form": form, "asset": self.object}


class AssetCreate(_AssetEdit):
    action = Action.EDIT_ASSETS

    def save(self, form: AssetForm) -> Asset:
        return form.register(by=self.request.user)

    def success_message(self, saved: Asset) -> str:
        return _("Asset %(tag)s registered.") % {"tag": saved.asset_tag}


class AssetEdit(_AssetEdit):
    def get_object(self) -> Asset:
        asset = self.access.get(Asset.objects.all(), pk=self.kwargs["pk"])
        self.access.require(Action.EDIT_ASSETS, asset.department_id)
        return asset

    def success_message(self, saved: Asset) -> str:
        return _("Changes to %(tag)s saved.") % {"tag": saved.asset_tag}


asset_create = AssetCreate.as_view()
asset_edit = AssetEdit.as_view()


@login_required
@require_POST
def asset_move(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_for(request.user)
    asset = access.get(Asset.objects.all(), pk=pk)
    access.require(Action.EDIT_ASSETS, asset.department_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That move could not be read; nothing was changed."))
        return redirect(asset)
    target = form.cleaned_data["target"]
    try:
        asset.move(
            target,
            by=request.user,
            note=form.cleaned_data["note"],
            reference=form.cleaned_data["reference"],
        )
    except lifecycle.IllegalMove as refusal:
        messages.error(request, _("Not moved: %(reason)s") % {"reason": refusal.explain(_)})
    else:
        messages.success(
            request,
            _("%(tag)s is now %(status)s.")
            % {"tag": asset.asset_tag, "status": Status(target).label.lower()},
        )
    return redirect(asset)


@login_required
def model_list(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.VIEW)
    category = request.GET.get("category", "")
    text = request.GET.get("q", "").strip()
    models = ProductModel.objects.select_related("manufacturer").prefetch_related("labels")
    if category in ProductCategory.values:
        models = models.filter(category=category)
    if text:
        models = models.filter(name__icontains=text) | models.filter(
            manufacturer__name__icontains=text
        )
    counts = dict(
        access.scope(Asset.objects.all()).values_list("model_id").annotate(n=Count("pk")).order_by()
    )
    page, query = page_of(request, models.order_by("manufacturer__name", "name"), PAGE_SIZE)
    for product_model in page:
        product_model.asset_count = counts.get(product_model.pk, 0)
    return render(
        request,
        "inventory/model_list.html",
        {
            "page": page,
            "categories": ProductCategory.choices,
            "category": category,
            "q": text,
            "query": query,
            "can_edit": access.can(Action.EDIT_CATALOGUE),
        },
    )


@login_required
def model_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.VIEW)
    product_model = get_object_or_404(ProductModel.objects.select_related("manufacturer"), pk=pk)
    by_status = (
        access.scope(Asset.objects.filter(model=product_model))
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    context = {
        "model": product_model,
        "labels": product_model.labels.all(),
        "by_status": [(code, Status(code).label, n) for code, n in by_status],
        "history": history_for(product_model) if access.can(Action.VIEW_AUDIT) else None,
        "panels": rendered_panels(
            registry.model_panels, request, access, product_model=product_model
        ),
        "can_edit": access.can(Action.EDIT_CATALOGUE),
    }
    return render(request, "inventory/model_detail.html", context)


class ModelEdit(EditView):
    """Add or change a catalogue model and its labels (procurement and administrators)."""

    form_class = ProductModelForm
    template_name = "inventory/model_form.html"
    action = Action.EDIT_CATALOGUE

    def get_object(self) -> ProductModel | None:
        pk = self.kwargs.get("pk")
        return get_object_or_404(ProductModel, pk=pk) if pk is not None else None

    def get_form(self) -> ProductModelForm:
        self.labels = LabelFormSet(self.request.POST or None, instance=self.object, prefix="labels")
        return super().get_form()

    def is_valid(self, form: ProductModelForm) -> bool:
        return form.is_valid() and self.labels.is_valid()

    def save(self, form: ProductModelForm) -> ProductModel | None:
        """The model and its labels together, or neither."""
        with transaction.atomic():
            saved = form.save_unless_changed(by=self.request.user)
            if saved is not None:
                self.labels.instance = saved
                with audit.acting_as(self.request.user):
                    self.labels.save()
        return saved

    def success_message(self, saved: ProductModel) -> str:
        return _("%(model)s saved.") % {"model": saved}

    def get_context(self, form: ProductModelForm) -> dict[str, Any]:
        return {"form": form, "labels": self.labels, "model": self.object}


model_edit = ModelEdit.as_view()
