"""Forms for assets and the catalogue; scoping and the lifecycle decide, the forms ask."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kretslopp.core import audit
from kretslopp.core.models import AuditEntry
from kretslopp.inventory import lifecycle
from kretslopp.inventory.models import Asset, LifecycleEvent, ProductModel
from kretslopp.organisation.access import Access
from kretslopp.organisation.models import CostCentre, Person

INITIAL_STATUSES = [lifecycle.ORDERED, lifecycle.IN_STOCK, lifecycle.IN_USE]


class DateInput(forms.DateInput):
    input_type = "date"


class AssetForm(forms.ModelForm):
    """Create or change an asset; the status changes only through lifecycle moves."""

    # The asset's version as this form showed it — when it was last saved, and its latest
    # audit entry — since an edit made on a stale copy would silently undo someone else's
    # change (see :meth:`save_edit`).
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

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
            name: DateInput(format="%Y-%m-%d")
            for name in (
                "purchase_date",
                "delivery_date",
                "in_use_date",
                "warranty_end",
                "planned_end_of_life",
            )
        }

    def __init__(self, *args, access: Access, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.access = access
        self.fields["department"].queryset = access.departments()
        self.fields["cost_centre"].queryset = CostCentre.objects.filter(
            department__in=access.departments()
        ).select_related("department")
        self.fields["model"].queryset = ProductModel.objects.select_related("manufacturer")
        self.fields["assignee"].queryset = access.scope(Person.objects.filter(active=True))
        if self.instance.pk is not None:
            self.fields["seen"].initial = _version(self.instance.pk, self.instance.updated_at)
        else:
            del self.fields["seen"]
            self.fields["status"] = forms.ChoiceField(
                label=_("Status"),
                choices=[(code, _(lifecycle.label(code))) for code in INITIAL_STATUSES],
                initial=lifecycle.IN_STOCK,
            )

    def clean(self):
        cleaned = super().clean()
        serial = (cleaned.get("serial_number") or "").strip()
        model = cleaned.get("model")
        if serial and model is not None:
            clash = Asset.objects.filter(
                serial_number__iexact=serial, model__manufacturer_id=model.manufacturer_id
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
        assignee = cleaned.get("assignee")
        if assignee is not None and cleaned.get("status") == lifecycle.ORDERED:
            self.add_error("assignee", _("An ordered asset cannot be assigned to anyone yet."))
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

    def save_edit(self, *, by) -> bool:
        """Save the changes, unless someone saved the asset after this form was shown.

        Then nothing is saved: the form says who changed what meanwhile and now carries the
        current state, so saving again is a decision made knowing the other change.
        """
        seen = self.cleaned_data.get("seen") or ""
        with audit.acting_as(by), transaction.atomic():
            stored = Asset.objects.select_for_update().only("updated_at").get(pk=self.instance.pk)
            saved_at, _sep, last_entry = seen.partition("#")
            if seen and saved_at != stored.updated_at.isoformat():
                self.data = self.data.copy()
                self.data[self.add_prefix("seen")] = _version(stored.pk, stored.updated_at)
                self.add_error(None, self._changed_meanwhile(int(last_entry or 0)))
                return False
            self.save()
        return True

    def _changed_meanwhile(self, last_entry: int) -> str:
        since = _entries(self.instance.pk).filter(pk__gt=last_entry).select_related("actor")
        names = {field.name: str(field.verbose_name) for field in Asset._meta.fields}
        who = sorted(
            {str(entry.actor) if entry.actor else gettext("the system") for entry in since}
        )
        changed = sorted({names.get(name, name) for entry in since for name in entry.changes})
        return gettext(
            "%(who)s changed this asset after you opened it (%(fields)s), so your changes were "
            "not saved. Check the values below against the asset page; saving again "
            "overwrites their change."
        ) % {"who": ", ".join(who) or gettext("Someone"), "fields": ", ".join(changed) or "–"}


def _entries(asset_id: int):
    return AuditEntry.objects.filter(
        content_type__app_label="inventory", content_type__model="asset", object_id=str(asset_id)
    )


def _version(asset_id: int, updated_at: dt.datetime) -> str:
    """``<updated_at>#<latest audit entry id>``: what changed since can then be named."""
    latest = _entries(asset_id).order_by("-pk").values_list("pk", flat=True).first() or 0
    return f"{updated_at.isoformat()}#{latest}"


class MoveForm(forms.Form):
    """One lifecycle move as posted from a button on the asset page."""

    target = forms.ChoiceField(choices=[(code, code) for code in lifecycle.STATUSES])
    note = forms.CharField(required=False, max_length=2000)
    reference = forms.CharField(required=False, max_length=200)
