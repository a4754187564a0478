from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from kretslopp import footprint
from kretslopp.carbon.models import FootprintSettings, ModelFigures
from kretslopp.carbon.texts import data_text
from kretslopp.core.forms import VersionedModelForm


class FootprintSettingsForm(forms.ModelForm):
    class Meta:
        model = FootprintSettings
        fields = ["factor_set", "grid", "avoided_set", "allocation"]
        # A few sets, each needing its description to choose by: one radio button each.
        widgets = {"factor_set": forms.RadioSelect, "avoided_set": forms.RadioSelect}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Each factor set says what it is, in the page's language, not only its code.
        self.fields["factor_set"].choices = [
            (set_id, _described(set_id, footprint.get_factor_set(set_id)))
            for set_id in footprint.factor_set_ids()
        ]
        self.fields["avoided_set"].choices = [
            (set_id, _described(set_id, footprint.get_avoided_set(set_id)))
            for set_id in footprint.avoided_set_ids()
        ]
        # Each grid choice says what it is, in the page's language ("owid-swe — Sverige, …").
        self.fields["grid"].choices = [
            (grid_id, f"{grid_id} — {data_text(footprint.get_grid(grid_id), 'label')}")
            if grid_id
            else (grid_id, label)
            for grid_id, label in self.fields["grid"].choices
        ]


def _described(set_id: str, factor_set: object) -> str:
    return f"{set_id}: {data_text(factor_set, 'description')}"


class ModelFiguresForm(VersionedModelForm):
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


class LifetimeScenarioForm(forms.Form):
    """What if one category of devices were kept longer? (Read-only: nothing is saved.)"""

    category = forms.ChoiceField(label=_("Device category"))
    extra_years = forms.DecimalField(
        label=_("Kept this many years longer"),
        min_value=Decimal("0.5"),
        max_value=Decimal("10"),
        decimal_places=1,
        initial=Decimal("1"),
    )
    lifetime_years = forms.DecimalField(
        label=_("Today's replacement cycle, years"),
        required=False,
        min_value=Decimal("1"),
        max_value=Decimal("15"),
        decimal_places=1,
        help_text=_("Empty: the factor set's expected lifetime for the category."),
    )

    def __init__(self, *args, categories: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = categories
