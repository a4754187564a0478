"""Forms for campaigns, scans, hand-overs, partner reports and settling discrepancies."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kretslopp.circular.models import Campaign, CollectionPoint, TakebackSettings
from kretslopp.core.forms import VersionedModelForm
from kretslopp.core.uploads import LimitedFileField
from kretslopp.inventory.models import ProductCategory
from kretslopp.organisation.access import Access


class DateInput(forms.DateInput):
    input_type = "date"


class CampaignForm(VersionedModelForm):
    class Meta:
        model = Campaign
        fields = [
            "name",
            "partner",
            "departments",
            "starts_on",
            "ends_on",
            "goal_products",
            "goal_reuse_percent",
            "public",
        ]
        widgets = {
            "starts_on": DateInput(format="%Y-%m-%d"),
            "ends_on": DateInput(format="%Y-%m-%d"),
            "departments": forms.CheckboxSelectMultiple,
        }

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The campaign cannot end before it starts."))
        return cleaned


class CollectionPointForm(forms.ModelForm):
    class Meta:
        model = CollectionPoint
        fields = ["name", "address", "opens_on", "closes_on"]
        widgets = {
            "opens_on": DateInput(format="%Y-%m-%d"),
            "closes_on": DateInput(format="%Y-%m-%d"),
        }


class ScanForm(forms.Form):
    """One scan: what a barcode scanner types before it presses Enter."""

    code = forms.CharField(label=_("Asset tag or serial number"), max_length=100)
    point = forms.ModelChoiceField(
        label=_("Collection point"), queryset=CollectionPoint.objects.none(), required=False
    )

    def __init__(self, *args, campaign: Campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = campaign.collection_points.all()
        self.fields["code"].widget.attrs.update(
            {"autofocus": True, "autocomplete": "off", "spellcheck": "false"}
        )


class UnknownDeviceForm(forms.Form):
    """A device the register does not know: its category, serial and department."""

    serial = forms.CharField(label=_("Serial number"), max_length=100, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=ProductCategory.choices)
    department = forms.ModelChoiceField(label=_("Department"), queryset=None)
    point = forms.ModelChoiceField(
        label=_("Collection point"), queryset=CollectionPoint.objects.none(), required=False
    )

    def __init__(self, *args, campaign: Campaign, access: Access, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        departments = access.departments()
        taking_part = campaign.departments.all()
        if taking_part.exists():
            departments = departments.filter(pk__in=taking_part.values("pk"))
        self.fields["department"].queryset = departments
        if departments.count() == 1:
            self.fields["department"].initial = departments.first()
        self.fields["point"].queryset = campaign.collection_points.all()
        self.fields["category"].widget.attrs["autofocus"] = True


class HandOverForm(forms.Form):
    handed_over_on = forms.DateField(
        label=_("Handed over on"), widget=DateInput(format="%Y-%m-%d"), initial=timezone.localdate
    )
    handed_over_by = forms.CharField(label=_("Handed over by (us)"), max_length=200)
    received_by = forms.CharField(label=_("Received by (partner)"), max_length=200)


class PartnerReportForm(forms.Form):
    file = LimitedFileField(
        label=_("Partner report (CSV or Excel)"),
        help_text=_(
            "One row per device: asset tag and/or serial number, erasure method, tool, "
            "certificate id, erasure date, grade, outcome, weight (kg), resale value (SEK)."
        ),
    )


class AcceptForm(forms.Form):
    note = forms.CharField(
        label=_("Why is the difference accepted?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("Closing note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TakebackSettingsForm(forms.ModelForm):
    class Meta:
        model = TakebackSettings
        fields = ["not_returned_days"]
