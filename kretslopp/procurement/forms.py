"""Forms of the procurement pages; edits guard against overwriting someone else's change."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from kretslopp.core.forms import VersionedModelForm
from kretslopp.core.uploads import LimitedFileField

from .evaluation import AWARD_MODELS
from .models import Criterion, CriterionUse, OfferLine, Procurement
from .models.library import VERSIONED_FIELDS


class CriterionForm(VersionedModelForm):
    """A library criterion's content; saving a change keeps the old one as a version."""

    change_note = forms.CharField(label=_("What changed and why"), max_length=300, required=True)

    class Meta:
        model = Criterion
        fields = [
            "title_sv",
            "title_en",
            "summary_sv",
            "summary_en",
            "level",
            "type",
            "follow_up_sv",
            "follow_up_en",
            "check_value",
            "version_date",
            "last_reviewed",
            "url",
            "note_sv",
            "note_en",
            "is_active",
        ]
        widgets = {
            "summary_sv": forms.Textarea(attrs={"rows": 4}),
            "summary_en": forms.Textarea(attrs={"rows": 4}),
            "follow_up_sv": forms.Textarea(attrs={"rows": 2}),
            "follow_up_en": forms.Textarea(attrs={"rows": 2}),
            "note_sv": forms.Textarea(attrs={"rows": 3}),
            "note_en": forms.Textarea(attrs={"rows": 3}),
            "version_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "last_reviewed": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


def content_changed(before: dict, criterion: Criterion) -> bool:
    after = criterion.content()
    return any(before.get(name) != after.get(name) for name in VERSIONED_FIELDS)


class ProcurementForm(VersionedModelForm):
    class Meta:
        model = Procurement
        fields = [
            "reference",
            "title",
            "product_group",
            "period_start",
            "period_end",
            "units",
            "lifetime_years",
            "discount_rate",
            "sek_per_kwh",
            "grid_kg_co2e_per_kwh",
            "grid_factor_source",
            "shadow_price_sek_per_tonne",
            "price_basis",
            "price_weight",
            "evaluation_date",
            "notes",
        ]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "evaluation_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        if (
            data.get("price_basis") == "lcc_with_co2e"
            and data.get("shadow_price_sek_per_tonne") is None
        ):
            self.add_error(
                "shadow_price_sek_per_tonne",
                _("Pricing CO2e needs a shadow price."),
            )
        return data


class CriterionUseForm(VersionedModelForm):
    """A criterion chosen for a procurement, with its weight and the buyer's reading."""

    parameters_text = forms.CharField(
        label=_("Minimum warranty years in the specification"),
        required=False,
        help_text=_("Only for the longer-warranty criterion: extra years count above this."),
    )

    class Meta:
        model = CriterionUse
        fields = [
            "criterion",
            "max_points",
            "deduction_sek",
            "check_value",
            "interpretation",
            "evidence_note",
            "order",
        ]
        widgets = {
            "interpretation": forms.Textarea(attrs={"rows": 3}),
            "evidence_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, procurement: Procurement, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.procurement = procurement
        criteria = Criterion.objects.filter(is_active=True)
        if self.instance.pk:
            criteria = Criterion.objects.filter(pk=self.instance.criterion_id)
        else:
            criteria = criteria.exclude(uses__procurement=procurement)
        self.fields["criterion"].queryset = criteria
        self.fields["criterion"].label_from_instance = lambda c: (
            f"{c.source} {c.source_ref or c.criterion_id}: {c.text('title')}"
        )
        minimum = (self.instance.parameters or {}).get("minimum_warranty_years")
        if minimum is not None:
            self.fields["parameters_text"].initial = minimum

    def clean_parameters_text(self) -> dict:
        text = (self.cleaned_data.get("parameters_text") or "").strip()
        if not text:
            return {}
        try:
            value = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise forms.ValidationError(_("Enter a whole number of years.")) from None
        if value < 0 or value != value.to_integral_value():
            raise forms.ValidationError(_("Enter a whole number of years."))
        return {"minimum_warranty_years": str(int(value))}

    def clean(self):
        data = super().clean()
        criterion = data.get("criterion")
        warranty = criterion is not None and criterion.scoring_rule == "upph-11189-extra-warranty"
        if warranty and not data.get("parameters_text"):
            self.add_error(
                "parameters_text",
                _("The longer-warranty criterion needs the minimum warranty years."),
            )
        return data

    def save(self, commit: bool = True):
        use = super().save(commit=False)
        use.procurement = self.procurement
        use.type = use.criterion.type
        use.criterion_version = use.criterion.version
        use.parameters = self.cleaned_data.get("parameters_text") or {}
        if commit:
            use.save()
        return use


class OfferUploadForm(forms.Form):
    file = LimitedFileField(label=_("Filled-in offer form (XLSX or CSV)"))
    organisation_number = forms.CharField(
        label=_("The bidder's organisation number"), max_length=20, required=False
    )


class DecideForm(forms.Form):
    award_model = forms.ChoiceField(
        label=_("Award by"),
        choices=[
            (AWARD_MODELS[0], _("Price with value deductions")),
            (AWARD_MODELS[1], _("Weighted points")),
        ],
    )
    decision_note = forms.CharField(
        label=_("Reasons for the decision"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


def as_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class OfferLineForm(forms.ModelForm):
    """One offered product entered on a page (for a bidder who did not use the form).

    The line is checked by the engine's own rules (``tendering.OfferLine``), the same as a
    row of an imported form; a certificate and the declarations are optional.
    """

    bidder = forms.CharField(label=_("Bidder"), max_length=200)
    organisation_number = forms.CharField(
        label=_("The bidder's organisation number"), max_length=20, required=False
    )
    certificate_scheme = forms.ChoiceField(label=_("Label"), required=False)
    certificate_tier = forms.CharField(label=_("Generation or tier"), max_length=40, required=False)
    certificate_number = forms.CharField(
        label=_("Certificate number"), max_length=60, required=False
    )
    certificate_valid_to = forms.DateField(
        label=_("Certificate valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    declared = forms.MultipleChoiceField(
        label=_("The bidder declares that the line meets"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = OfferLine
        fields = [
            "line_id",
            "lot",
            "category",
            "manufacturer",
            "model",
            "price_per_unit_sek",
            "tec_kwh_per_year",
            "etec_limit_kwh_per_year",
            "warranty_years",
            "battery_cycles",
            "spare_part_years",
            "pcf_kg_co2e",
            "pcf_standard",
            "pcf_source",
        ]

    def __init__(self, *args, procurement: Procurement, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from kretslopp.tendering import library

        self.procurement = procurement
        columns = library().columns
        categories = columns["category"].choices
        self.fields["category"] = forms.ChoiceField(
            label=_("Product category"), choices=[(c, c) for c in categories]
        )
        schemes = columns["certificate_1_scheme"].choices
        self.fields["certificate_scheme"].choices = [("", "–")] + [(s, s) for s in schemes]
        declarations = procurement.criterion_uses.filter(
            criterion__check_kind="declaration"
        ).select_related("criterion")
        self.fields["declared"].choices = [
            (use.criterion.criterion_id, f"{use.criterion.source_ref} {use.criterion.title_sv}")
            for use in declarations
        ]
        if not declarations:
            del self.fields["declared"]

    def engine_line(self):
        """The line as the engine's value; raises ``tendering.InputError`` if it is unusable."""
        from kretslopp.tendering import Certificate
        from kretslopp.tendering import OfferLine as EngineLine

        data = self.cleaned_data
        certificates = ()
        if data.get("certificate_scheme"):
            certificates = (
                Certificate(
                    scheme_id=data["certificate_scheme"],
                    tier=data.get("certificate_tier") or "",
                    number=data.get("certificate_number") or "",
                    valid_to=data.get("certificate_valid_to"),
                ),
            )
        return EngineLine(
            bidder=data["bidder"],
            line_id=data["line_id"],
            lot=data["lot"],
            category=data["category"],
            manufacturer=data["manufacturer"],
            model=data["model"],
            price_per_unit_sek=data["price_per_unit_sek"],
            tec_kwh_per_year=data["tec_kwh_per_year"],
            etec_limit_kwh_per_year=data.get("etec_limit_kwh_per_year"),
            warranty_years=data.get("warranty_years"),
            battery_cycles=data.get("battery_cycles"),
            spare_part_years=data.get("spare_part_years"),
            pcf_kg_co2e=data.get("pcf_kg_co2e"),
            pcf_standard=data.get("pcf_standard") or "",
            pcf_source=data.get("pcf_source") or "",
            certificates=certificates,
            declarations=frozenset(data.get("declared") or ()),
        )
