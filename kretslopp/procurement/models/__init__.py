"""The procurement app's records, one module per subject.

Other modules (labels over time, supplier follow-up) add their models beside these and
import them here, so ``kretslopp.procurement.models`` stays the one place to import from.
"""

from .contracts import Contract, ContractModel, Evaluation
from .library import Criterion, CriterionVersion, LabelTier
from .offers import Offer, OfferLine
from .procurements import (
    CriterionUse,
    PriceBasis,
    Procurement,
    ProcurementStatus,
    ProductGroup,
    Supplier,
)

__all__ = [
    "Contract",
    "ContractModel",
    "Criterion",
    "CriterionUse",
    "CriterionVersion",
    "Evaluation",
    "LabelTier",
    "Offer",
    "OfferLine",
    "PriceBasis",
    "Procurement",
    "ProcurementStatus",
    "ProductGroup",
    "Supplier",
]

# Deliveries under contracts and supplier follow-up (issue 13, points 5 and 7).
from .deliveries import ContractOrder  # noqa: E402
from .suppliers import (  # noqa: E402
    ActionStatus,
    AuditFinding,
    ConditionStatus,
    ContractCondition,
    CorrectiveAction,
    Severity,
    SupplierAudit,
    SupplierCommitment,
)

__all__ += [
    "ActionStatus",
    "AuditFinding",
    "ConditionStatus",
    "ContractCondition",
    "ContractOrder",
    "CorrectiveAction",
    "Severity",
    "SupplierAudit",
    "SupplierCommitment",
]
