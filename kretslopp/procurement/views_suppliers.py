"""Supplier follow-up pages (Make ICT Fair): commitments, audits, findings, actions.

Read by the roles that may see procurement (procurement, the sustainability lead, the
administrator); written by procurement. Every save goes through the stale-edit guard and
onto the audit trail; attachments are served only here, after the same check.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kretslopp.core.history import history_for
from kretslopp.core.uploads import files_of
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


def _manager(request: HttpRequest) -> Access:
    access = access_for(request.user)
    access.require(Action.MANAGE_PROCUREMENT)
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


def _form_page(request, form, title, subject, back) -> HttpResponse:
    return render(
        request,
        "procurement/follow_up_form.html",
        {"form": form, "title": title, "subject": subject, "back": back},
    )


@login_required
def commitment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    supplier = get_object_or_404(Supplier, pk=pk)
    commitment = _commitment(supplier) or SupplierCommitment(supplier=supplier)
    form = SupplierCommitmentForm(
        request.POST or None, files_of(request) or None, instance=commitment
    )
    back = reverse("procurement:supplier", args=[supplier.pk])
    if (
        request.method == "POST"
        and form.is_valid()
        and form.save_unless_changed(by=request.user) is not None
    ):
        messages.success(request, _("The supplier's commitments were saved."))
        return redirect(back)
    return _form_page(request, form, _("Commitments"), supplier, back)


@login_required
def audit_edit(
    request: HttpRequest, pk: int | None = None, supplier_pk: int | None = None
) -> HttpResponse:
    _manager(request)
    if pk is not None:
        found = get_object_or_404(SupplierAudit, pk=pk)
        supplier = found.supplier
    else:
        supplier = get_object_or_404(Supplier, pk=supplier_pk)
        found = SupplierAudit(supplier=supplier)
    form = SupplierAuditForm(request.POST or None, files_of(request) or None, instance=found)
    form.fields["contract"].queryset = supplier.contracts.all()
    back = (
        found.get_absolute_url()
        if found.pk
        else reverse("procurement:supplier", args=[supplier.pk])
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save_unless_changed(by=request.user)
        if saved is not None:
            messages.success(request, _("The audit was saved."))
            return redirect(saved)
    return _form_page(request, form, _("Audit"), supplier, back)


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


@login_required
def finding_edit(
    request: HttpRequest, pk: int | None = None, audit_pk: int | None = None
) -> HttpResponse:
    _manager(request)
    if pk is not None:
        finding = get_object_or_404(AuditFinding, pk=pk)
        parent = finding.audit
    else:
        parent = get_object_or_404(SupplierAudit, pk=audit_pk)
        finding = AuditFinding(audit=parent)
    form = AuditFindingForm(request.POST or None, instance=finding)
    if (
        request.method == "POST"
        and form.is_valid()
        and form.save_unless_changed(by=request.user) is not None
    ):
        messages.success(request, _("The finding was saved."))
        return redirect(parent)
    return _form_page(request, form, _("Finding"), parent, parent.get_absolute_url())


@login_required
def action_edit(
    request: HttpRequest, pk: int | None = None, finding_pk: int | None = None
) -> HttpResponse:
    _manager(request)
    if pk is not None:
        action = get_object_or_404(CorrectiveAction, pk=pk)
        finding = action.finding
    else:
        finding = get_object_or_404(AuditFinding, pk=finding_pk)
        action = CorrectiveAction(finding=finding)
    form = CorrectiveActionForm(request.POST or None, instance=action)
    back = finding.audit.get_absolute_url()
    if (
        request.method == "POST"
        and form.is_valid()
        and form.save_unless_changed(by=request.user) is not None
    ):
        messages.success(request, _("The corrective action was saved."))
        return redirect(back)
    return _form_page(request, form, _("Corrective action"), finding, back)


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
