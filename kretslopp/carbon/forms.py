from __future__ import annotations

from django import forms

from kretslopp import footprint
from kretslopp.carbon.models import FootprintSettings, ModelFigures
from kretslopp.carbon.texts import data_text


class FootprintSettingsForm(forms.ModelForm):
    class Meta:
        model = FootprintSettings
        fields = ["factor_set", "grid", "avoided_set", "allocation"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Each grid choice says what it is, in the page's language ("owid-swe — Sverige, …").
        self.fields["grid"].choices = [
            (grid_id, f"{grid_id} — {data_text(footprint.get_grid(grid_id), 'label')}")
            if grid_id
            else (grid_id, label)
            for grid_id, label in self.fields["grid"].choices
        ]


class ModelFiguresForm(forms.ModelForm):
    """Hand-entered figures: at least one figure, and always the source it comes from."""

    class Meta:
        model = ModelFigures
        fields = ["embodied_kg_co2e", "kwh_per_year", "lifetime_years", "source_note"]
        widgets = {"source_note": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        cleaned = super().clean()
        figures = ("embodied_kg_co2e", "kwh_per_year", "lifetime_years")
        if all(cleaned.get(name) is None for name in figures):
            from django.utils.translation import gettext as _

            raise forms.ValidationError(_("Enter at least one figure, or remove the override."))
        return cleaned
