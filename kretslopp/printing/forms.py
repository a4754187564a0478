"""Forms: a print log to import, and one row of the department mapping."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kretslopp.core.uploads import LimitedFileField
from kretslopp.printing.models import PrintMapping

#: A year of a city's print logs is several hundred megabytes.
PRINT_LOG_LIMIT = "IMPORT_MAX_PRINT_LOG_MB"


class PrintLogForm(forms.Form):
    file = LimitedFileField(label=_("Print log"), limit_setting=PRINT_LOG_LIMIT)
    log_format = forms.ChoiceField(
        label=_("Log format"),
        choices=[
            ("auto", _("recognise automatically")),
            ("cups", _("CUPS page_log")),
            ("papercut", _("PaperCut print log (CSV)")),
        ],
    )
    page_log_format = forms.CharField(
        label=_("PageLogFormat (CUPS, if not the default)"),
        required=False,
        max_length=500,
        help_text=_("As in the server's cups-files.conf, e.g. %p %u %j %T %P %C %{job-name}"),
    )


class PrintMappingForm(forms.ModelForm):
    class Meta:
        model = PrintMapping
        fields = ["kind", "key", "department"]
