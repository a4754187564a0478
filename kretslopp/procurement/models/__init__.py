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
