"""Department pages: a förvaltning, its cost centres and locations; what it holds (assets by
category, status and age, their footprint) comes from the apps that keep it, as panels."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kretslopp.core.history import history_for
from kretslopp.core.panels import rendered_panels
from kretslopp.core.registry import registry
from kretslopp.organisation.access import Action, access_for
from kretslopp.organisation.forms import CostCentreForm, DepartmentForm, LocationForm
from kretslopp.organisation.models import CostCentre, Department, Location

# The add forms sit side by side on the department page: prefixes keep their fields apart.
COST_CENTRE_PREFIX = "cost_centre"
LOCATION_PREFIX = "location"


@login_required
def department_list(request: HttpRequest) -> HttpResponse:
    """Every department the reader may see, with the columns other apps registered."""
    access = access_for(request.user)
    access.require(Action.VIEW)
    departments = list(access.departments())
    columns = list(registry.department_columns)
    cells = [column.cells(access, departments) for column in columns]
    context = {
        "departments": departments,
        "columns": columns,
        "rows": [
            (department, [found.get(department.pk, "–") for found in cells])
            for department in departments
        ],
        "can_add": access.can(Action.EDIT_ORGANISATION),
    }
    return render(request, "organisation/department_list.html", context)


@login_required
def department_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A department: its cost centres and locations, and what other apps show for it (its
    assets, their age and footprint) as registered department panels."""
    access = access_for(request.user)
    access.require(Action.VIEW)
    department = access.get(Department.objects.all(), department_field="pk", code=code)
    can_edit = access.can(Action.EDIT_ORGANISATION)
    context = {
        "department": department,
        "can_edit": can_edit,
        "children": access.departments().filter(parent=department),
        "cost_centres": department.costcentre_set.all(),
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
        "panels": rendered_panels(
            registry.department_panels, request, access, department=department
        ),
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
