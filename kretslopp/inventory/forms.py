"""Forms for assets and the catalogue; scoping and the lifecycle decide, the forms ask."""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kretslopp.core import audit
from kretslopp.core.forms import VersionedModelForm
from kretslopp.core.widgets import QuickSelect
from kretslopp.inventory import lifecycle
from kretslopp.inventory.models import (
    Asset,
    LifecycleEvent,
    ProductLabel,
    ProductModel,
)
from kretslopp.organisation.access import Access, Action
from kretslopp.organisation.models import CostCentre, Location, Person
from kretslopp.organisation.people import MAX_RESULTS, PersonField

INITIAL_STATUSES = [lifecycle.ORDERED, lifecycle.IN_STOCK, lifecycle.IN_USE]


class DateInput(forms.DateInput):
    input_type = "date"


class AssetForm(VersionedModelForm):
    """Create or change an asset; the status changes only through lifecycle moves."""

    # By employee id or username, searched as one types: never a list of the whole staff.
    assignee = PersonField(required=False)

    class Meta:
        model = Asset
        fields = [
            "asset_tag",
            "serial_number",
            "model",
            "department",
            "cost_centre",
            "assignee",
            "location",
            "purchase_date",
            "delivery_date",
            "in_use_date",
            "purchase_price_sek",
            "supplier",
            "order_number",
            "warranty_end",
            "planned_end_of_life",
            "has_storage",
            "notes",
        ]
        widgets = {
            **{
                name: DateInput(format="%Y-%m-%d")
                for name in (
                    "purchase_date",
                    "delivery_date",
                    "in_use_date",
                    "warranty_end",
                    "planned_end_of_life",
                )
            },
            # The catalogue's hundreds of models, the locations and cost centres: written out
            # quickly (core.widgets), so the page stays fast under load.
            **{name: QuickSelect for name in ("model", "department", "cost_centre", "location")},
        }

    def __init__(self, *args, access: Access, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.access = access
        self.fields["department"].queryset = access.departments()
        self.fields["cost_centre"].queryset = CostCentre.objects.filter(
            department__in=access.departments()
        ).select_related("department")
        self.fields["model"].queryset = ProductModel.objects.select_related("manufacturer")
        # Like departments, cost centres and people: only the user's departments' locations.
        self.fields["location"].queryset = access.scope(Location.objects.all())
        self._quick_choices()
        self._set_up_assignee(access)
        if self.instance.pk is None:
            self.fields["status"] = forms.ChoiceField(
                label=_("Status"),
                choices=[(code, _(lifecycle.label(code))) for code in INITIAL_STATUSES],
                initial=lifecycle.IN_STOCK,
            )

    def _quick_choices(self) -> None:
        """The selects' options read as plain rows, worded as the records' ``__str__`` does:
        no model object for each of the catalogue's hundreds of models on every page view.
        Choosing is still checked against each field's queryset."""
        rows = {
            "model": (("manufacturer__name", "name"), " "),
            "department": (("name",), ""),
            "cost_centre": (("code", "name"), " "),
            "location": (("name",), ""),
        }
        for name, (columns, separator) in rows.items():
            field = self.fields[name]
            field.widget.choices = _Options(field, columns, separator)

    def _set_up_assignee(self, access: Access) -> None:
        """Who may be picked (active people of the departments the user may edit, and whoever
        holds the asset now), and what the search-as-you-type script needs."""
        field = self.fields["assignee"]
        current = self.instance.assignee_id
        field.queryset = access.scope_for(
            Action.EDIT_ASSETS, Person.objects.filter(Q(active=True) | Q(pk=current))
        )
        field.label = Asset._meta.get_field("assignee").verbose_name
        field.help_text = _(
            "Employee id or username. Start typing a name to search; leave empty for nobody."
        )
        field.widget.attrs.update(
            {
                "autocomplete": "off",
                "spellcheck": "false",
                "data-person-search": reverse("organisation:people_search"),
                "data-label": self.instance.assignee.label if current else "",
                "data-label-id": self.instance.assignee.identifier if current else "",
                "data-none-found": gettext("No one found."),
                "data-one-found": gettext("1 person found."),
                "data-many-found": gettext("%(count)s people found.") % {"count": "{count}"},
                "data-more-found": gettext(
                    "The first %(count)s matches are shown; type more to narrow the list."
                )
                % {"count": MAX_RESULTS},
                "data-failed": gettext("The search did not answer; type the employee id."),
            }
        )

    def clean(self):
        cleaned = super().clean()
        serial = (cleaned.get("serial_number") or "").strip()
        model = cleaned.get("model")
        if serial and model is not None:
            clash = Asset.objects.filter(
                serial_number__in={serial, serial.upper(), serial.lower()},
                model__manufacturer_id=model.manufacturer_id,
            ).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(
                    "serial_number",
                    _("Another %(manufacturer)s asset already has serial number %(serial)s.")
                    % {"manufacturer": model.manufacturer.name, "serial": serial},
                )
        cost_centre, department = cleaned.get("cost_centre"), cleaned.get("department")
        if (
            cost_centre is not None
            and department is not None
            and cost_centre.department_id != department.pk
        ):
            self.add_error(
                "cost_centre",
                _("Cost centre %(code)s belongs to %(owner)s, not to %(department)s.")
                % {
                    "code": cost_centre.code,
                    "owner": cost_centre.department.name,
                    "department": department.name,
                },
            )
        # A new asset's status is chosen here; a registered one's changes only by moves.
        status = cleaned.get("status") if self.instance.pk is None else self.instance.status
        refusal = lifecycle.assignment_refusal(status, assigned=cleaned.get("assignee") is not None)
        if refusal is not None:
            self.add_error("assignee", _(refusal))
        return cleaned

    def register(self, *, by) -> Asset:
        """Save a new asset in its initial status, with the first lifecycle event saying who.

        The one way to register an asset by hand: the web form and the API both call it.
        """
        with audit.acting_as(by), transaction.atomic():
            asset = self.save(commit=False)
            asset.status = self.cleaned_data["status"]
            asset.save()
            LifecycleEvent.objects.create(
                asset=asset,
                from_status="",
                to_status=asset.status,
                actor=by,
                note=gettext("Registered in Kretslopp"),
            )
        return asset


class _Options(BaseChoiceIterator):
    """A select's options as plain rows, read once and only when the form is shown (the
    API, which uses the same form, never shows it). A choice iterator, so that Django
    takes it as it is instead of reading and normalising it on the spot."""

    def __init__(self, field: forms.ModelChoiceField, columns: tuple[str, ...], separator: str):
        self.field, self.columns, self.separator = field, columns, separator
        self._rows: list[tuple] | None = None

    def __iter__(self):
        if self._rows is None:
            field = self.field
            empty = [("", field.empty_label)] if field.empty_label is not None else []
            found = field.queryset.values_list("pk", *self.columns)
            self._rows = empty + [(pk, self.separator.join(parts)) for pk, *parts in found]
        return iter(self._rows)


class MoveForm(forms.Form):
    """One lifecycle move as posted from a button on the asset page."""

    target = forms.ChoiceField(choices=[(code, code) for code in lifecycle.STATUSES])
    note = forms.CharField(required=False, max_length=2000)
    reference = forms.CharField(required=False, max_length=200)


class ProductModelForm(VersionedModelForm):
    """A catalogue model as procurement keeps it: what it is and what it uses.

    The footprint follows at once (the category picks the default figures, the name and
    number find the manufacturer's sheet): results are keyed on the model's ``updated_at``.
    """

    class Meta:
        model = ProductModel
        fields = [
            "manufacturer",
            "name",
            "model_number",
            "category",
            "screen_size_inch",
            "energy_kwh_per_year",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class ProductLabelForm(forms.ModelForm):
    class Meta:
        model = ProductLabel
        fields = ["scheme", "level", "certificate_id", "valid_from", "valid_until"]
        widgets = {
            "valid_from": DateInput(format="%Y-%m-%d"),
            "valid_until": DateInput(format="%Y-%m-%d"),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("A label cannot end before it starts."))
        return cleaned


LabelFormSet = forms.inlineformset_factory(
    ProductModel, ProductLabel, form=ProductLabelForm, extra=1, can_delete=True
)
