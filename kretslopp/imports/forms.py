"""The import pages' forms: upload, column mapping, value mappings."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from kretslopp.core.uploads import LimitedFileField
from kretslopp.imports import valuemaps
from kretslopp.imports.models import CODE_KINDS, SavedMapping, ValueKind, ValueMap
from kretslopp.imports.pipeline import FieldSpec


class UploadForm(forms.Form):
    file = LimitedFileField(
        label=_("File"),
        help_text=_(
            "CSV (comma, semicolon or tab; UTF-8 or Windows-1252) or Excel .xlsx: our own "
            "export, or an export from Snipe-IT, GLPI or Microsoft Intune."
        ),
    )
    mapping = forms.ModelChoiceField(
        label=_("Saved column mapping"),
        queryset=SavedMapping.objects.all(),
        required=False,
        empty_label=_("Recognise the columns automatically"),
    )
    allow_new_models = forms.BooleanField(
        label=_("Create missing manufacturers, models and locations"),
        required=False,
    )


class MappingForm(forms.Form):
    """One choice per column of the file: which field it feeds, or none."""

    save_as = forms.CharField(
        label=_("Save this mapping as"),
        max_length=100,
        required=False,
        help_text=_(
            "A name, to choose this mapping next time (your own mapping of the same name is "
            "replaced)."
        ),
    )

    def __init__(
        self,
        *args,
        headers: Sequence[str],
        fields: Sequence[FieldSpec],
        current: dict[int, str],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.headers = list(headers)
        choices = [("", _("— not imported —"))] + [(spec.name, spec.label) for spec in fields]
        for position, header in enumerate(self.headers):
            self.fields[f"column_{position}"] = forms.ChoiceField(
                label=header, choices=choices, required=False, initial=current.get(position, "")
            )
        self.order_fields([f"column_{n}" for n in range(len(self.headers))] + ["save_as"])

    def clean(self):
        cleaned = super().clean()
        chosen: dict[str, str] = {}
        for position, header in enumerate(self.headers):
            field = cleaned.get(f"column_{position}") or ""
            if field and field in chosen.values():
                other = next(h for h, f in chosen.items() if f == field)
                self.add_error(
                    f"column_{position}",
                    _("“%(other)s” already feeds this field; choose one column for it.")
                    % {"other": other},
                )
            chosen[header] = field
        cleaned["columns"] = chosen
        return cleaned

    def columns(self) -> dict[str, str]:
        return self.cleaned_data["columns"]

    def column_fields(self):
        """The per-column fields, for the template."""
        return [self[f"column_{n}"] for n in range(len(self.headers))]


class ValueMapForm(forms.ModelForm):
    code = forms.ChoiceField(label=_("means"))

    class Meta:
        model = ValueMap
        fields = ["kind", "source_name", "code"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Department and location names are mapped from an import's preview, where the
        # records to choose from are the user's own.
        self.fields["kind"].choices = [(kind.value, kind.label) for kind in CODE_KINDS]
        self.fields["code"].choices = [
            (_("Category"), valuemaps.choices(ValueKind.CATEGORY)),
            (_("Status"), valuemaps.choices(ValueKind.STATUS)),
        ]

    def clean(self):
        cleaned = super().clean()
        kind, code = cleaned.get("kind"), cleaned.get("code")
        if kind and code and code not in dict(valuemaps.choices(kind)):
            self.add_error(
                "code", _("Choose a %(kind)s.") % {"kind": ValueKind(kind).label.lower()}
            )
        name = cleaned.get("source_name", "")
        if kind and name:
            from kretslopp.tabular import normalise_header

            clash = ValueMap.objects.filter(kind=kind, key=normalise_header(name))
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("source_name", _("This name already has a mapping."))
        return cleaned
