"""Forms that maintain the organisation: departments, their cost centres and locations.

Each saves through :meth:`VersionedModelForm.save_unless_changed`, so an edit never silently
undoes a colleague's; who may use them is decided in ``access`` alone.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kretslopp.core.forms import VersionedModelForm
from kretslopp.organisation.access import Access
from kretslopp.organisation.models import CostCentre, Department, Location


def holder_of(form: forms.ModelForm, field: str, value: str):
    """The other record that already has ``value`` in ``field`` (case aside), or None."""
    model = form._meta.model
    lookup = {f"{field}__iexact": value}
    return model._default_manager.filter(**lookup).exclude(pk=form.instance.pk).first()


class DepartmentForm(VersionedModelForm):
    """Name, code, parent department and number of employees of one department."""

    class Meta:
        model = Department
        fields = ["name", "code", "parent", "employees"]
        help_texts = {
            "employees": _("Per-employee climate figures divide by this number."),
        }

    def __init__(self, *args, access: Access, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = access.departments()
        # A PositiveIntegerField refuses negative numbers; say so in the form's own words.
        self.fields["employees"].error_messages["min_value"] = _(
            "The number of employees cannot be negative."
        )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        holder = holder_of(self, "code", code)
        if holder is not None:
            raise forms.ValidationError(
                _("The code %(code)s is already used by %(department)s.")
                % {"code": code, "department": holder.name}
            )
        return code

    def clean_parent(self) -> Department | None:
        parent = self.cleaned_data["parent"]
        if parent is None or self.instance.pk is None:
            return parent
        if parent.pk == self.instance.pk:
            raise forms.ValidationError(_("A department cannot be part of itself."))
        parent_of = dict(Department.objects.values_list("pk", "parent_id"))
        seen: set[int] = set()
        above = parent.parent_id
        while above is not None and above not in seen:
            if above == self.instance.pk:
                raise forms.ValidationError(
                    _(
                        "%(parent)s is itself part of %(department)s, so %(department)s "
                        "cannot be part of it."
                    )
                    % {"parent": parent.name, "department": self.instance.name}
                )
            seen.add(above)
            above = parent_of.get(above)
        return parent


class DepartmentPartForm(VersionedModelForm):
    """A record that belongs to a department: added on that department's page (and so fixed
    to it), or edited with a choice among the user's departments."""

    def __init__(self, *args, access: Access, department: Department | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if department is not None:  # adding from a department's page: it is that one's
            self.instance.department = department
            del self.fields["department"]
        else:
            self.fields["department"].queryset = access.departments()


class CostCentreForm(DepartmentPartForm):
    """A cost centre: code (unique in the organisation), name and, when editing, department."""

    class Meta:
        model = CostCentre
        fields = ["code", "name", "department"]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        holder = holder_of(self, "code", code)
        if holder is not None:
            raise forms.ValidationError(
                _("The code %(code)s is already used by cost centre %(name)s (%(department)s).")
                % {"code": code, "name": holder.name, "department": holder.department.name}
            )
        return code

    def clean_department(self) -> Department:
        department = self.cleaned_data["department"]
        if (
            self.instance.pk is not None
            and department is not None
            and department.pk != self.instance.department_id
        ):
            booked = self.instance.assets.count()
            if booked:
                raise forms.ValidationError(
                    ngettext(
                        "%(count)s asset is booked on cost centre %(code)s, so it cannot move "
                        "to another department. Book it on another cost centre first.",
                        "%(count)s assets are booked on cost centre %(code)s, so it cannot move "
                        "to another department. Book them on another cost centre first.",
                        booked,
                    )
                    % {"count": booked, "code": self.instance.code}
                )
        return department


class LocationForm(DepartmentPartForm):
    """A location: name (unique), address and the department it belongs to."""

    class Meta:
        model = Location
        fields = ["name", "address", "department"]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        holder = holder_of(self, "name", name)
        if holder is not None:
            raise forms.ValidationError(
                _("There is already a location named %(name)s.") % {"name": holder.name}
            )
        return name
