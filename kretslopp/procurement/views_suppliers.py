"""Supplier follow-up pages (Make ICT Fair): commitments, audits, findings, actions.

Read by the roles that may see procurement (procurement, the sustainability lead, the
administrator); written by procurement. Every save goes through the stale-edit guard and
onto the audit trail; attachments are served only here, after the same check.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kretslopp.core.editing import EditView
from kretslopp.core.history import history_for
from kretslopp.organisation.access import Access, Action, access_for
from kretslopp.procurement.forms_follow_up import (
    AuditFindingForm,
    CorrectiveActionForm,
    SupplierAuditForm,
    SupplierCommitmentForm,
)
from kretslopp.procurement.models import (
    AuditFinding,
    ContractCondition,
    CorrectiveAction,
    Supplier,
    SupplierAudit,
    SupplierCommitment,
)
from kretslopp.procurement.models.suppliers import PENDING


def _reader(request: HttpRequest) -> Access:
    access = access_for(request.user)
    access.require(Action.VIEW_PROCUREMENT)
    return access


def overdue(today=None) -> dict[str, list]:
    """Corrective actions and contract conditions past their due date and not done."""
    today = today or timezone.localdate()
    return {
        "actions": list(
            CorrectiveAction.objects.overdue(today).select_related("finding__audit__supplier")
        ),
        "conditions": list(
            ContractCondition.objects.filter(status="open", due_on__lt=today).select_related(
                "contract__supplier"
            )
        ),
    }


@login_required
def supplier_list(request: HttpRequest) -> HttpResponse:
    access = _reader(request)
    today = timezone.localdate()
    suppliers = Supplier.objects.select_related("commitment").annotate(
        audit_count=Count("audits", distinct=True),
        open_actions=Count(
            "audits__findings__actions",
            filter=Q(audits__findings__actions__status__in=PENDING),
            distinct=True,
        ),
        overdue_actions=Count(
            "audits__findings__actions",
            filter=Q(
                audits__findings__actions__status__in=PENDING,
                audits__findings__actions__due_on__lt=today,
            ),
            distinct=True,
        ),
    )
    return render(
        request,
        "procurement/supplier_list.html",
        {
            "suppliers": suppliers,
            "overdue": overdue(today),
            "today": today,
            "can_manage": access.can(Action.MANAGE_PROCUREMENT),
        },
    )


@login_required
def overdue_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    today = timezone.localdate()
    return render(request, "procurement/overdue.html", {"overdue": overdue(today), "today": today})


def _commitment(supplier: Supplier) -> SupplierCommitment | None:
    try:
        return supplier.commitment
    except SupplierCommitment.DoesNotExist:
        return None


@login_required
def supplier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = _reader(request)
    supplier = get_object_or_404(Supplier, pk=pk)
    audits = supplier.audits.prefetch_related("findings__actions").select_related("contract")
    return render(
        request,
        "procurement/supplier_detail.html",
        {
            "supplier": supplier,
            "commitment": _commitment(supplier),
            "audits": audits,
            "contracts": supplier.contracts.prefetch_related("conditions"),
            "today": timezone.localdate(),
            "can_manage": access.can(Action.MANAGE_PROCUREMENT),
            "history": history_for(supplier, access=access)
            if access.can(Action.VIEW_AUDIT)
            else None,
        },
    )


@login_required
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = _reader(request)
    found = get_object_or_404(SupplierAudit.objects.select_related("supplier", "contract"), pk=pk)
    return render(
        request,
        "procurement/audit_detail.html",
        {
            "audit": found,
            "findings": found.findings.prefetch_related("actions"),
            "today": timezone.localdate(),
            "can_manage": access.can(Action.MANAGE_PROCUREMENT),
            "history": history_for(found, access=access) if access.can(Action.VIEW_AUDIT) else None,
        },
    )


class FollowUpEdit(EditView):
    """A follow-up record added or changed, for the procurement right only.

    A page names the record's subject (shown above the form) and its way back; a new
    record hangs off the parent named in the URL.
    """

    action = Action.MANAGE_PROCUREMENT
    template_name = "procurement/follow_up_form.html"
    title: Any = ""

    def subject(self) -> Any:
        raise NotImplementedError

    def back(self) -> str:
        raise NotImplementedError

    def page_context(self) -> dict[str, Any]:
        return {"title": self.title, "subject": self.subject(), "back": self.back()}

    def success_url(self, saved: Any) -> Any:
        return self.back()


class CommitmentEdit(FollowUpEdit):
    form_class = SupplierCommitmentForm
    uploads = True
    title = _lazy("Commitments")

    def get_object(self) -> SupplierCommitment:
        self.supplier = get_object_or_404(Supplier, pk=self.kwargs["pk"])
        return _commitment(self.supplier) or SupplierCommitment(supplier=self.supplier)

    def subject(self) -> Any:
        return self.supplier

    def back(self) -> str:
        return reverse("procurement:supplier", args=[self.supplier.pk])

    def success_message(self, saved: SupplierCommitment) -> str:
        return _("The supplier's commitments were saved.")


class AuditEdit(FollowUpEdit):
    form_class = SupplierAuditForm
    uploads = True
    title = _lazy("Audit")

    def get_object(self) -> SupplierAudit:
        if self.kwargs.get("pk") is not None:
            found = get_object_or_404(SupplierAudit, pk=self.kwargs["pk"])
            self.supplier = found.supplier
            return found
        self.supplier = get_object_or_404(Supplier, pk=self.kwargs["supplier_pk"])
        return SupplierAudit(supplier=self.supplier)

    def page_context(self) -> dict[str, Any]:
        # The way back as the record was before the form: an audit not yet saved has none.
        self._back = (
            self.object.get_absolute_url()
            if self.object.pk
            else reverse("procurement:supplier", args=[self.supplier.pk])
        )
        return super().page_context()

    def get_form(self) -> Any:
        form = super().get_form()
        form.fields["contract"].queryset = self.supplier.contracts.all()
        return form

    def subject(self) -> Any:
        return self.supplier

    def back(self) -> str:
        return self._back

    def success_message(self, saved: SupplierAudit) -> str:
        return _("The audit was saved.")

    def success_url(self, saved: SupplierAudit) -> Any:
        return saved


class FindingEdit(FollowUpEdit):
    form_class = AuditFindingForm
    title = _lazy("Finding")

    def get_object(self) -> AuditFinding:
        if self.kwargs.get("pk") is not None:
            finding = get_object_or_404(AuditFinding, pk=self.kwargs["pk"])
            self.parent = finding.audit
            return finding
        self.parent = get_object_or_404(SupplierAudit, pk=self.kwargs["audit_pk"])
        return AuditFinding(audit=self.parent)

    def subject(self) -> Any:
        return self.parent

    def back(self) -> str:
        return self.parent.get_absolute_url()

    def success_message(self, saved: AuditFinding) -> str:
        return _("The finding was saved.")

    def success_url(self, saved: AuditFinding) -> Any:
        return self.parent


class ActionEdit(FollowUpEdit):
    form_class = CorrectiveActionForm
    title = _lazy("Corrective action")

    def get_object(self) -> CorrectiveAction:
        if self.kwargs.get("pk") is not None:
            action = get_object_or_404(CorrectiveAction, pk=self.kwargs["pk"])
            self.finding = action.finding
            return action
        self.finding = get_object_or_404(AuditFinding, pk=self.kwargs["finding_pk"])
        return CorrectiveAction(finding=self.finding)

    def subject(self) -> Any:
        return self.finding

    def back(self) -> str:
        return self.finding.audit.get_absolute_url()

    def success_message(self, saved: CorrectiveAction) -> str:
        return _("The corrective action was saved.")


commitment_edit = CommitmentEdit.as_view()
audit_edit = AuditEdit.as_view()
finding_edit = FindingEdit.as_view()
action_edit = ActionEdit.as_view()


#: Which records carry an attachment, by the name the download's URL uses.
ATTACHMENT_MODELS = {
    "commitment": SupplierCommitment,
    "audit": SupplierAudit,
    "condition": ContractCondition,
}


@login_required
def attachment(request: HttpRequest, kind: str, pk: int) -> FileResponse:
    """An attached document, for the roles that may read supplier follow-up."""
    _reader(request)
    model = ATTACHMENT_MODELS.get(kind)
    if model is None:
        raise Http404
    record = get_object_or_404(model, pk=pk)
    if not record.attachment:
        raise Http404
    try:
        handle = record.attachment.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=record.attachment.name.rsplit("/", 1)[-1]
    )
