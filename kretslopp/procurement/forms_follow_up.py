"""Forms of the follow-up pages: contract orders and conditions, supplier records.

Edits go through :class:`~kretslopp.core.forms.VersionedModelForm` (the stale-edit guard);
attachments through :class:`~kretslopp.core.uploads.LimitedFileField` (the site's upload
limit).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kretslopp.core.forms import VersionedModelForm
from kretslopp.core.uploads import LimitedFileField
from kretslopp.procurement.models import (
    AuditFinding,
    ContractCondition,
    ContractOrder,
    CorrectiveAction,
    SupplierAudit,
    SupplierCommitment,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _attachment(label=None) -> LimitedFileField:
    return LimitedFileField(
        label=label or _("attachment"),
        required=False,
        help_text=_("A PDF or other document, within the site's upload limit."),
    )


class ContractOrderForm(forms.ModelForm):
    class Meta:
        model = ContractOrder
        fields = ["order_number", "ordered_on", "note"]
        widgets = {"ordered_on": DATE}


class ContractConditionForm(VersionedModelForm):
    attachment = _attachment()

    class Meta:
        model = ContractCondition
        fields = [
            "title",
            "description",
            "due_on",
            "status",
            "followed_up_on",
            "attachment",
            "note",
        ]
        widgets = {"due_on": DATE, "followed_up_on": DATE}


class SupplierCommitmentForm(VersionedModelForm):
    attachment = _attachment(_("code of conduct or policy (attachment)"))

    class Meta:
        model = SupplierCommitment
        fields = [
            "code_of_conduct",
            "code_of_conduct_signed_on",
            "rba_member",
            "rba_level",
            "conflict_minerals_policy",
            "conflict_minerals_note",
            "attachment",
            "note",
        ]
        widgets = {"code_of_conduct_signed_on": DATE}


class SupplierAuditForm(VersionedModelForm):
    attachment = _attachment(_("audit report (attachment)"))

    class Meta:
        model = SupplierAudit
        fields = ["audited_on", "auditor", "site", "contract", "summary", "attachment"]
        widgets = {"audited_on": DATE}


class AuditFindingForm(VersionedModelForm):
    class Meta:
        model = AuditFinding
        fields = ["description", "severity"]


class CorrectiveActionForm(VersionedModelForm):
    class Meta:
        model = CorrectiveAction
        fields = ["description", "owner", "due_on", "status", "closed_on", "note"]
        widgets = {"due_on": DATE, "closed_on": DATE}

    def clean(self):
        data = super().clean()
        if data.get("status") in ("done", "verified") and not data.get("closed_on"):
            self.add_error("closed_on", _("Say when the action was closed."))
        return data


class ExchangeUploadForm(forms.Form):
    file = LimitedFileField(
        label=_("Criteria file (JSON or CSV)"),
        help_text=_("A criteria exchange file exported from Kretslopp by another organisation."),
    )
    sender = forms.CharField(
        label=_("From"),
        max_length=200,
        help_text=_("The organisation that sent the file, e.g. Lunds kommun."),
    )
