"""Forms of the forum's follow-up pages: a period snapshot, and a register to import."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kretslopp.core.uploads import LimitedFileField
from kretslopp.forum.forms import DateInput


class SnapshotForm(forms.Form):
    label = forms.CharField(
        label=_("Period"), max_length=100, help_text=_("How the report names it: 2025, 2023–2026.")
    )
    period_start = forms.DateField(label=_("From"), widget=DateInput())
    period_end = forms.DateField(label=_("To"), widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period must end on or after its start."))
        return cleaned


class RegisterUploadForm(forms.Form):
    file = LimitedFileField(
        label=_("File"),
        help_text=_(
            "CSV or Excel .xlsx with the register's columns, as the export writes them. "
            "Nothing is written before you have seen the check and confirmed."
        ),
    )
