"""API routes for labels over time and supplier follow-up, scoped as the pages are.

``GET /api/v1/procurement/label-warnings`` is what a scheduler or another system polls for
certificates lapsing during active contracts (the same list as the page and the
``kretslopp procurement_labels`` command); ``GET /api/v1/procurement/overdue-actions``
lists corrective actions past their due date.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router

from kretslopp.api.auth import caller_of
from kretslopp.api.errors import responses
from kretslopp.api.schema import ApiSchema
from kretslopp.organisation.access import Action
from kretslopp.procurement import labels
from kretslopp.procurement.models import CorrectiveAction

router = Router()
READ_ERRORS = responses(400, 401, 403, 422)


class LabelWarningOut(ApiSchema):
    contract: str = Field(description="The contract's reference.")
    contract_id: int
    contract_ends_on: dt.date
    product_model_id: int
    product_model: str
    label: str = Field(description="The label scheme, e.g. tco_certified.")
    level: str = Field(description="Generation, tier or version, as the catalogue holds it.")
    certificate_id: str
    lapses_on: dt.date = Field(description="The first day without a valid certificate.")
    days_uncovered: int = Field(description="Days of the contract left without the label.")
    already_lapsed: bool


class WarningsQuery(ApiSchema):
    on: dt.date | None = Field(None, description="Judge as on this date (default: today).")


@router.get(
    "/procurement/label-warnings",
    response={200: list[LabelWarningOut], **READ_ERRORS},
    tags=["procurement"],
)
def get_label_warnings(request: HttpRequest, query: Query[WarningsQuery]) -> list:
    """Models under active contracts that lose a label before the contract ends."""
    access = caller_of(request).access
    if not labels.may_read_contracts(access):
        access.require(Action.VIEW_PROCUREMENT)
    today = query.on or timezone.localdate()
    return [warning.as_dict(today) for warning in labels.warnings(access, today)]


class OverdueActionOut(ApiSchema):
    id: int
    supplier: str
    audit_id: int
    audited_on: dt.date
    finding: str
    severity: str = Field(description="priority, major, minor or observation")
    action: str
    owner: str
    due_on: dt.date
    status: str = Field(description="open or in_progress")


@router.get(
    "/procurement/overdue-actions",
    response={200: list[OverdueActionOut], **READ_ERRORS},
    tags=["procurement"],
)
def get_overdue_actions(request: HttpRequest) -> list:
    """Corrective actions from supplier audits that are past their due date and not done."""
    caller_of(request).access.require(Action.VIEW_PROCUREMENT)
    actions = CorrectiveAction.objects.overdue().select_related("finding__audit__supplier")
    return [
        {
            "id": action.pk,
            "supplier": action.finding.audit.supplier.name,
            "audit_id": action.finding.audit_id,
            "audited_on": action.finding.audit.audited_on,
            "finding": action.finding.description,
            "severity": action.finding.severity,
            "action": action.description,
            "owner": action.owner,
            "due_on": action.due_on,
            "status": action.status,
        }
        for action in actions
    ]
