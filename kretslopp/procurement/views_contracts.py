"""Contracts and their devices, and labels over time (issue 13, points 5 and 6).

Procurement and the sustainability lead read every contract; a coordinator or a viewer
reads the contracts under which their departments' devices were delivered, with only those
devices (a contract outside their reach is a 404, as a missing one). Procurement records
the order numbers placed under a contract and the conditions to follow up.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from kretslopp.core import audit
from kretslopp.core.history import history_for
from kretslopp.organisation.access import Access, Action, access_for
from kretslopp.procurement import deliveries, labels
from kretslopp.procurement.forms_follow_up import ContractConditionForm, ContractOrderForm
from kretslopp.procurement.models import Contract, ContractCondition, ContractOrder
from kretslopp.procurement.views_suppliers import FollowUpEdit


def _reader(request: HttpRequest) -> Access:
    access = access_for(request.user)
    if not labels.may_read_contracts(access):
        access.require(Action.VIEW_PROCUREMENT)
    return access


def _contract(access: Access, pk: int) -> Contract:
    found = labels.readable_contracts(access).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    access = _reader(request)
    today = timezone.localdate()
    contracts = list(labels.readable_contracts(access).select_related("supplier", "procurement"))
    lapses = labels.warnings(access, today)
    per_contract: dict[int, int] = {}
    for warning in lapses:
        per_contract[warning.contract.pk] = per_contract.get(warning.contract.pk, 0) + 1
    rows = [(contract, per_contract.get(contract.pk, 0)) for contract in contracts]
    return render(
        request,
        "procurement/contract_list.html",
        {
            "rows": rows,
            "today": today,
            "whole": access.can(Action.VIEW_PROCUREMENT),
            "warnings": len(lapses),
        },
    )


@login_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = _reader(request)
    contract = _contract(access, pk)
    today = timezone.localdate()
    whole = access.can(Action.VIEW_PROCUREMENT)
    lapses = [w for w in labels.warnings(access, today) if w.contract.pk == contract.pk]
    context = {
        "contract": contract,
        "devices": deliveries.contract_devices(contract, access),
        "lapses": lapses,
        "today": today,
        "whole": whole,
        "can_manage": access.can(Action.MANAGE_PROCUREMENT),
        "models": contract.models.select_related("product_model__manufacturer"),
        "orders": contract.orders.all() if whole else None,
        "conditions": contract.conditions.all() if whole else None,
        "order_form": ContractOrderForm() if access.can(Action.MANAGE_PROCUREMENT) else None,
        "history": history_for(contract, access=access)
        if access.can(Action.VIEW_AUDIT) and whole
        else None,
    }
    return render(request, "procurement/contract_detail.html", context)


def _manager(request: HttpRequest) -> Access:
    access = access_for(request.user)
    access.require(Action.MANAGE_PROCUREMENT)
    return access


@login_required
@require_POST
def contract_order_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record an order number placed under the contract: its devices then show here."""
    _manager(request)
    contract = get_object_or_404(Contract, pk=pk)
    form = ContractOrderForm(request.POST, instance=ContractOrder(contract=contract))
    if form.is_valid():
        with audit.acting_as(request.user):
            form.save()
        messages.success(request, _("The order number was added."))
    else:
        for error in form.errors.values():
            messages.error(request, " ".join(error))
    return redirect(contract)


class ConditionEdit(FollowUpEdit):
    """A contract condition to follow up, added to a contract or changed."""

    form_class = ContractConditionForm
    uploads = True
    title = _lazy("Condition to follow up")

    def get_object(self) -> ContractCondition:
        if self.kwargs.get("pk") is not None:
            condition = get_object_or_404(ContractCondition, pk=self.kwargs["pk"])
            self.contract = condition.contract
            return condition
        self.contract = get_object_or_404(Contract, pk=self.kwargs["contract_pk"])
        return ContractCondition(contract=self.contract)

    def subject(self) -> Any:
        return self.contract

    def back(self) -> str:
        return self.contract.get_absolute_url()

    def success_message(self, saved: ContractCondition) -> str:
        return _("The contract condition was saved.")

    def success_url(self, saved: ContractCondition) -> Any:
        return self.contract


condition_edit = ConditionEdit.as_view()


@login_required
def label_watch(request: HttpRequest) -> HttpResponse:
    """Certificates lapsing during contracts, and the labelled share of purchases per year."""
    access = _reader(request)
    today = timezone.localdate()
    return render(
        request,
        "procurement/labels.html",
        {
            "warnings": labels.warnings(access, today),
            "today": today,
            "shares": labels.share_tables(access, today),
            "perms_procurement": access.can(Action.VIEW_PROCUREMENT),
        },
    )
