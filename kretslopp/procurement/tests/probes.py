"""Procurement follow-up records for the route matrices.

The probe's contract gets an order whose only device is the other department's (a
coordinator of ``town.own`` must get 404), and its supplier an audit, a finding, a
corrective action, a condition and a commitment. No attachment is stored, so its download
answers 404 to a reader and 403 to anyone else."""

from __future__ import annotations

import datetime as dt


def follow_up_records(town, contract) -> dict[str, object]:
    from kretslopp.procurement.models import (
        AuditFinding,
        ContractCondition,
        ContractOrder,
        CorrectiveAction,
        SupplierAudit,
        SupplierCommitment,
    )

    supplier = contract.supplier
    ContractOrder.objects.create(contract=contract, order_number="PO-PROBE")
    town.other_asset.order_number = "PO-PROBE"
    town.other_asset.save(update_fields=["order_number"])
    audit = SupplierAudit.objects.create(
        supplier=supplier, audited_on=dt.date(2025, 1, 1), auditor="Revisor", site="Fabrik"
    )
    finding = AuditFinding.objects.create(audit=audit, description="Brist", severity="minor")
    action = CorrectiveAction.objects.create(
        finding=finding, description="Åtgärd", owner="Chef", due_on=dt.date(2025, 3, 1)
    )
    condition = ContractCondition.objects.create(
        contract=contract, title="Årlig rapport", due_on=dt.date(2025, 3, 1)
    )
    SupplierCommitment.objects.create(supplier=supplier, code_of_conduct=True)
    return {
        "supplier": supplier.pk,
        "supplier_audit": audit.pk,
        "finding": finding.pk,
        "corrective_action": action.pk,
        "condition": condition.pk,
        "kind": "audit",
    }
