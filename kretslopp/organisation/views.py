"""Department pages: a förvaltning, its cost centres and locations; what it holds (assets by
category, status and age, their footprint) comes from the apps that keep it, as panels."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from kretslopp.core.editing import EditView
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
# Each page asks ``access`` before it looks anything up (core.editing.EditView), so everyone
# else is refused (403) alike, whichever record they name.


class _OrganisationEdit(EditView):
    """An add or edit page of the organisation's structure, on the shared form template."""

    template_name = "organisation/edit_form.html"
    action = Action.EDIT_ORGANISATION

    def form_kwargs(self) -> dict[str, Any]:
        return {"access": self.access}


class DepartmentEdit(_OrganisationEdit):
    form_class = DepartmentForm

    def get_object(self) -> Department:
        return self.access.get(
            Department.objects.all(), department_field="pk", code=self.kwargs["code"]
        )

    def page_context(self) -> dict[str, Any]:
        department = self.object
        return {
            "title": _("Edit department %(name)s") % {"name": department.name},
            "back": department.get_absolute_url(),
        }

    def success_message(self, saved: Department) -> str:
        return _("Changes to %(name)s saved.") % {"name": saved.name}


class DepartmentCreate(_OrganisationEdit):
    """A new department (a fresh installation starts with none)."""

    form_class = DepartmentForm

    def page_context(self) -> dict[str, Any]:
        return {"title": _("New department"), "back": reverse("organisation:departments")}

    def success_message(self, saved: Department) -> str:
        return _("Department %(name)s added.") % {"name": saved.name}


class _AddToDepartment(_OrganisationEdit):
    """The add page of a department's cost centre or location."""

    prefix: str

    def check_access(self) -> None:
        super().check_access()
        self.department = self.access.get(
            Department.objects.all(), department_field="pk", code=self.kwargs["code"]
        )

    def form_kwargs(self) -> dict[str, Any]:
        return {"access": self.access, "department": self.department, "prefix": self.prefix}

    def success_url(self, saved: Any) -> Any:
        return self.department


class CostCentreAdd(_AddToDepartment):
    form_class = CostCentreForm
    prefix = COST_CENTRE_PREFIX

    def page_context(self) -> dict[str, Any]:
        return {
            "title": _("New cost centre in %(department)s") % {"department": self.department.name},
            "back": self.department.get_absolute_url(),
        }

    def success_message(self, saved: CostCentre) -> str:
        return _("Cost centre %(centre)s added.") % {"centre": saved}


class LocationAdd(_AddToDepartment):
    form_class = LocationForm
    prefix = LOCATION_PREFIX

    def page_context(self) -> dict[str, Any]:
        return {
            "title": _("New location in %(department)s") % {"department": self.department.name},
            "back": self.department.get_absolute_url(),
        }

    def success_message(self, saved: Location) -> str:
        return _("Location %(name)s added.") % {"name": saved.name}


class CostCentreEdit(_OrganisationEdit):
    form_class = CostCentreForm

    def get_object(self) -> CostCentre:
        return self.access.get(
            CostCentre.objects.select_related("department"), pk=self.kwargs["pk"]
        )

    def page_context(self) -> dict[str, Any]:
        return {
            "title": _("Edit cost centre %(code)s") % {"code": self.object.code},
            "back": self.object.department.get_absolute_url(),
        }

    def success_message(self, saved: CostCentre) -> str:
        return _("Cost centre %(centre)s saved.") % {"centre": saved}

    def success_url(self, saved: CostCentre) -> Any:
        return saved.department


class LocationEdit(_OrganisationEdit):
    form_class = LocationForm

    def get_object(self) -> Location:
        return self.access.get(Location.objects.select_related("department"), pk=self.kwargs["pk"])

    def page_context(self) -> dict[str, Any]:
        location = self.object
        back = (
            location.department.get_absolute_url()
            if location.department
            else reverse("organisation:departments")
        )
        return {"title": _("Edit location %(name)s") % {"name": location.name}, "back": back}

    def success_message(self, saved: Location) -> str:
        return _("Location %(name)s saved.") % {"name": saved.name}

    def success_url(self, saved: Location) -> Any:
        return saved.department or "organisation:departments"


department_edit = DepartmentEdit.as_view()
department_create = DepartmentCreate.as_view()
cost_centre_add = CostCentreAdd.as_view()
cost_centre_edit = CostCentreEdit.as_view()
location_add = LocationAdd.as_view()
location_edit = LocationEdit.as_view()
