"""The publisher's identity and the upload of a peer's file."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kretslopp.core.uploads import LimitedFileField


class PublisherForm(forms.Form):
    municipality_code = forms.RegexField(
        label=_("Our municipality code"),
        regex=r"^[0-9]{4}$",
        help_text=_("The official four-digit code (SCB, as in Kolada), e.g. 1280 for Malmö."),
        error_messages={"invalid": _("Write the four digits of the municipality code.")},
    )
    name = forms.CharField(label=_("Name in the exchange"), max_length=200)


class PeerUploadForm(forms.Form):
    file = LimitedFileField(
        label=_("KPI file (JSON or CSV)"),
        help_text=_("A KPI exchange file exported by another municipality."),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        help_text=_("Who sent it and how, e.g. Lunds kommun, e-post 2026-03-02."),
    )
