"""Forms: a target (for the sustainability lead), a meter-reading file, a hand-entered figure."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kretslopp.core.forms import VersionedModelForm
from kretslopp.core.uploads import LimitedFileField
from kretslopp.energy.models import EnergyReading, Origin, Target


class TargetForm(VersionedModelForm):
    class Meta:
        model = Target
        fields = [
            "name", "kpi", "department", "baseline_year", "baseline_value", "target_year",
            "target_value", "trajectory", "commitment",
        ]  # fmt: skip


class ReadingUploadForm(forms.Form):
    file = LimitedFileField(
        label=_("File with meter readings (CSV or XLSX)"),
        help_text=_(
            "Columns: meter, scope (data_centre or network), period (month, e.g. 2025-03), "
            "kWh, and optionally PUE and what the reading measures (it_load or facility)."
        ),
    )


class ManualReadingForm(forms.ModelForm):
    """A figure typed in by hand: kept as origin 'manual' with the quality the person chose."""

    month = forms.DateField(
        label=_("Month"), input_formats=["%Y-%m", "%Y-%m-%d"], help_text=_("e.g. 2025-03")
    )

    class Meta:
        model = EnergyReading
        fields = [
            "scope", "meter", "month", "reading_kwh", "reading_kind", "pue", "data_quality",
            "department", "source",
        ]  # fmt: skip

    def clean_month(self):
        return self.cleaned_data["month"].replace(day=1)

    def save(self, commit: bool = True) -> EnergyReading:
        self.instance.origin = Origin.MANUAL
        return super().save(commit)
