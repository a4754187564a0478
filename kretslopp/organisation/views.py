"""Department pages: what a förvaltning holds, by category, status and age."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kretslopp.carbon import services as carbon
from kretslopp.core.history import history_for
from kretslopp.inventory import lifecycle, summary
from kretslopp.inventory.models import Asset, ProductCategory, Status
from kretslopp.organisation.access import Action, access_for
from kretslopp.organisation.forms import CostCentreForm, DepartmentForm, LocationForm
from kretslopp.organisation.models import CostCentre, Department, Location

# The add forms sit side by side on the department page: prefixes keep their fields apart.
COST_CENTRE_PREFIX = "cost_centre"
LOCATION_PREFIX = "location"


@login_required
def department_list(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.VIEW)
    departments = access.departments().annotate(
        assets_in_custody=Count("assets", filter=Q(assets__status__in=lifecycle.IN_CUSTODY))
    )
    context = {"departments": departments, "can_add": access.can(Action.EDIT_ORGANISATION)}
    return render(request, "organisation/department_list.html", context)


def age_distribution(assets, today) -> list[tuple[int, int]]:
    """Assets in custody per whole year of age since they came into use, oldest last."""
    counts: dict[int, int] = {}
    for year, n in (
        assets.filter(in_use_date__isnull=False)
        .values_list("in_use_date__year")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        age = max(0, today.year - year)
        counts[age] = counts.get(age, 0) + n
    return sorted(counts.items())


@login_required
def department_detail(request: HttpRequest, code: str) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.VIEW)
    department = access.get(Department.objects.all(), department_field="pk", code=code)
    assets = Asset.objects.filter(department=department)
    in_custody = summary.in_custody(assets)
    category_labels = dict(ProductCategory.choices)
    by_category = sorted(
        (
            (code_, category_labels.get(code_, code_), n)
            for code_, n in summary.categories_in_custody(assets).items()
        ),
        key=lambda row: -row[2],
    )
    by_status = dict(assets.values_list("status").annotate(n=Count("pk")).order_by())
    ages = age_distribution(in_custody, timezone.localdate())
    widest = max((n for _age, n in ages), default=1)
    can_edit = access.can(Action.EDIT_ORGANISATION)
    context = {
        "department": department,
        "can_edit": can_edit,
        "in_custody": sum(n for _c, _l, n in by_category),
        "by_category": by_category,
        "by_status": [
            (code_, Status(code_).label, by_status[code_])
            for code_ in lifecycle.STATUSES
            if by_status.get(code_)
        ],
        "ages": [(age, n, round(100 * n / widest)) for age, n in ages],
        "children": access.departments().filter(parent=department),
        "cost_centres": department.costcentre_set.annotate(
            in_custody=Count("assets", filter=Q(assets__status__in=lifecycle.IN_CUSTODY))
        ),
        "without_cost_centre": in_custody.filter(cost_centre__isnull=True).count(),
        "locations": Location.objects.filter(department=department),
        "cost_centre_form": CostCentreForm(
            access=access, department=department, prefix=COST_CENTRE_PREFIX
        )
        if can_edit
        else None,
        "location_form": LocationForm(access=access, department=department, prefix=LOCATION_PREFIX)
        if can_edit
        else None,
        "history": history_for(department) if access.can(Action.VIEW_AUDIT) else None,
        "by_year": carbon.department_by_year(carbon.fleet_for(access), department.pk)[-8:],
        "choice": carbon.Choice.current(),
    }
    return render(request, "organisation/department_detail.html", context)


# --- maintaining the organisation: for those who may EDIT_ORGANISATION ----------------------
# Each view asks ``access`` before it looks anything up, so everyone else is refused (403)
# alike, whichever record they name.


def _form_page(request: HttpRequest, form, *, title: str, back: str) -> HttpResponse:
    return render(
        request, "organisation/edit_form.html", {"form": form, "title": title, "back": back}
    )


@login_required
def department_edit(request: HttpRequest, code: str) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.EDIT_ORGANISATION)
    department = access.get(Department.objects.all(), department_field="pk", code=code)
    # Title and way back as saved: a refused form has already put its values on the instance.
    title = _("Edit department %(name)s") % {"name": department.name}
    back = department.get_absolute_url()
    form = DepartmentForm(request.POST or None, instance=department, access=access)
    if request.method == "POST" and form.is_valid() and form.save_unless_changed(by=request.user):
        messages.success(request, _("Changes to %(name)s saved.") % {"name": department.name})
        return redirect(department)
    return _form_page(request, form, title=title, back=back)


@login_required
def department_create(request: HttpRequest) -> HttpResponse:
    """A new department (a fresh installation starts with none)."""
    access = access_for(request.user)
    access.require(Action.EDIT_ORGANISATION)
    form = DepartmentForm(request.POST or None, access=access)
    if request.method == "POST" and form.is_valid():
        department = form.save_unless_changed(by=request.user)
        messages.success(request, _("Department %(name)s added.") % {"name": department.name})
        return redirect(department)
    back = reverse("organisation:departments")
    return _form_page(request, form, title=_("New department"), back=back)


def _add_to_department(request: HttpRequest, code: str, form_class, prefix: str, titles):
    """The add page of a department's cost centre or location; ``titles`` words it:
    ``(department name) → page title`` and ``(saved record) → confirmation``."""
    page_title, added = titles
    access = access_for(request.user)
    access.require(Action.EDIT_ORGANISATION)
    department = access.get(Department.objects.all(), department_field="pk", code=code)
    form = form_class(request.POST or None, access=access, department=department, prefix=prefix)
    if request.method == "POST" and form.is_valid():
        messages.success(request, added(form.save_unless_changed(by=request.user)))
        return redirect(department)
    title = page_title(department.name)
    return _form_page(request, form, title=title, back=department.get_absolute_url())


@login_required
def cost_centre_add(request: HttpRequest, code: str) -> HttpResponse:
    titles = (
        lambda name: _("New cost centre in %(department)s") % {"department": name},
        lambda centre: _("Cost centre %(centre)s added.") % {"centre": centre},
    )
    return _add_to_department(request, code, CostCentreForm, COST_CENTRE_PREFIX, titles)


@login_required
def cost_centre_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.EDIT_ORGANISATION)
    centre = access.get(CostCentre.objects.select_related("department"), pk=pk)
    title = _("Edit cost centre %(code)s") % {"code": centre.code}
    back = centre.department.get_absolute_url()
    form = CostCentreForm(request.POST or None, instance=centre, access=access)
    if request.method == "POST" and form.is_valid() and form.save_unless_changed(by=request.user):
        messages.success(request, _("Cost centre %(centre)s saved.") % {"centre": centre})
        return redirect(centre.department)
    return _form_page(request, form, title=title, back=back)


@login_required
def location_add(request: HttpRequest, code: str) -> HttpResponse:
    titles = (
        lambda name: _("New location in %(department)s") % {"department": name},
        lambda location: _("Location %(name)s added.") % {"name": location.name},
    )
    return _add_to_department(request, code, LocationForm, LOCATION_PREFIX, titles)


@login_required
def location_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.EDIT_ORGANISATION)
    location = access.get(Location.objects.select_related("department"), pk=pk)
    title = _("Edit location %(name)s") % {"name": location.name}
    back = (
        location.department.get_absolute_url()
        if location.department
        else reverse("organisation:departments")
    )
    form = LocationForm(request.POST or None, instance=location, access=access)
    if request.method == "POST" and form.is_valid() and form.save_unless_changed(by=request.user):
        messages.success(request, _("Location %(name)s saved.") % {"name": location.name})
        if location.department:
            return redirect(location.department)
        return redirect("organisation:departments")
    return _form_page(request, form, title=title, back=back)
